// PgBouncer transaction-pooling detection by backend-pid handover (see pooler.hpp for the
// method); the SHOW pool_mode admin command is not reachable through an ordinary connection.
#include "lockwise/run/pooler.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>
#include <vector>

#include "lockwise/core/error.hpp"
#include "lockwise/pg/conninfo.hpp"

namespace lockwise::run {
namespace {

constexpr int k_other_clients = 3;

} // namespace

PinningProbe probe_session_pinning(std::string_view conninfo)
{
    auto probe = pg::Connection::connect(conninfo, "lockwise pooler probe");
    const auto first_pid = probe.exec("SELECT pg_backend_pid()").get_int(0, 0);
    // The others hold their transactions open until the end, so each one takes a different server session.
    std::vector<pg::Connection> others;
    std::vector<long long> seen;
    for (int index = 0; index < k_other_clients; ++index) {
        others.push_back(pg::Connection::connect(conninfo, "lockwise pooler probe"));
        auto& other = others.back();
        try {
            other.exec("BEGIN");
        } catch (const pg::SqlError& error) {
            // PgBouncer in statement mode refuses BEGIN and closes the connection; any other lost
            // connection (a terminated backend, a restart) says nothing about pooling.
            if (error.connection_lost() && std::string_view(error.what()).find("pooling") == std::string_view::npos) {
                throw;
            }
            return {SessionPinning::not_pinned, fmt::format("the server refused BEGIN ({}): statement pooling", error.what())};
        }
        const auto pid = other.exec("SELECT pg_backend_pid()").get_int(0, 0);
        seen.push_back(pid);
        if (pid == first_pid) {
            return {SessionPinning::not_pinned,
                    fmt::format("server session {} of an idle client was handed to another client's transaction", pid)};
        }
    }
    // A's session must still be its own: a pooler with round-robin reuse shows it here instead.
    const auto again = probe.exec("SELECT pg_backend_pid()").get_int(0, 0);
    for (auto& other : others) {
        try {
            other.exec("ROLLBACK");
        } catch (const pg::SqlError&) {
            // The probe's verdict does not depend on closing cleanly; the destructor disconnects.
        }
    }
    if (again != first_pid) {
        return {SessionPinning::not_pinned,
                fmt::format("one client saw server sessions {} and {} in consecutive statements", first_pid, again)};
    }
    return {SessionPinning::pinned, fmt::format("server session {} stayed with its client; others got {}", first_pid,
                                                fmt::join(seen, ", "))};
}

void require_session_pinning(std::string_view conninfo)
{
    const auto probe = probe_session_pinning(conninfo);
    if (probe.pinning == SessionPinning::pinned) {
        return;
    }
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{} goes through a connection pooler in transaction (or statement) pooling mode: {}; "
                                  "the runner lock, session settings and CREATE INDEX CONCURRENTLY steps need one server "
                                  "session for the whole run",
                                  pg::redact_conninfo(conninfo), probe.evidence),
                      "Pass --direct-url (or set LOCKWISE_DIRECT_URL / database.direct_url) to a connection that bypasses "
                      "the pooler, or point the pooler's lockwise user at a pool in session mode.");
}

} // namespace lockwise::run
