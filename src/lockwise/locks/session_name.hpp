// The application_name every lockwise session carries, "lockwise/<run-id>/<role>", so a later
// run can find the sessions an earlier (killed) run left behind, and `lockwise locks` can say
// which run a session belongs to (docs/reliability.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lockwise::locks {

// Roles of a run's sessions: the runner lock connection, the connection that runs the steps,
// the lock watch, and the work connection while it runs a backfill.
inline constexpr std::string_view k_role_lock = "lock";
inline constexpr std::string_view k_role_work = "work";
inline constexpr std::string_view k_role_watch = "watch";
inline constexpr std::string_view k_role_backfill = "backfill";

struct SessionName {
    std::string run_id;
    std::string role;
};

// A fresh run id: 12 lowercase hex digits from std::random_device.
std::string new_run_id();

// "lockwise/<run_id>/<role>" (well under PostgreSQL's 63-byte limit).
std::string session_name(std::string_view run_id, std::string_view role);

// The run and role of an application_name written by session_name(); nullopt for anything else.
std::optional<SessionName> parse_session_name(std::string_view application_name);

} // namespace lockwise::locks
