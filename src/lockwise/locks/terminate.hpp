// Ending sessions that block lockwise: the policy (which blockers may be
// terminated) is a pure function so it is unit-tested; the act is one query.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "lockwise/locks/blocking.hpp"

namespace lockwise::locks {

// Today the only policy: terminate a blocker that is idle in transaction for at least `min_idle`.
// Active sessions, background workers and short idle transactions are never terminated; nor
// are superusers' sessions (a DBA's) or sessions of other databases, unless a separate,
// explicit option (runner.terminate_superusers, runner.terminate_other_databases) says so.
struct TerminatePolicy {
    Millis min_idle{30000};
    bool superusers = false;
    bool other_databases = false;
};

// Parses "idle-in-transaction" (30 s) or "idle-in-transaction:<duration>" with a duration such as
// "500ms", "30s", "2m", "1h", "1m30s". Throws core::Error(usage) with a hint for anything else.
TerminatePolicy parse_terminate_policy(std::string_view text);

// Parses "500ms", "30s", "2m", "1h", "1m30s" (units required); nullopt when malformed or when the
// total exceeds core::k_max_duration (then `too_large` is set).
std::optional<Millis> parse_duration(std::string_view text);
std::optional<Millis> parse_duration(std::string_view text, bool& too_large);

// Why `blocker` may be terminated under `policy` (a sentence for the log), or nullopt to leave it.
std::optional<std::string> should_terminate(const Blocker& blocker, const TerminatePolicy& policy);

// pg_terminate_backend(pid, wait): true when the backend is gone within `wait`. `reason` is sent
// as a comment with the query, so it shows in the server log and in pg_stat_activity. Never throws
// for a missing backend or a permission error: those return false.
bool terminate_backend(pg::Connection& conn, int pid, std::string_view reason,
                       Millis wait = std::chrono::milliseconds(5000));

// terminate_backend for a blocker should_terminate selected: the same query checks again, as it
// acts, that the pid is not a superuser's session nor one of another database (unless `policy`
// allows it), so a pid that a new session took over meanwhile is left alone.
bool terminate_blocker(pg::Connection& conn, int pid, std::string_view reason, const TerminatePolicy& policy,
                       Millis wait = std::chrono::milliseconds(5000));

} // namespace lockwise::locks
