// Ending the orphans of earlier runs: find them by application_name, cancel, terminate after a
// grace, wait (bounded) until their backends are gone. Each step is logged with the pids.
#include "lockwise/run/orphans.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <thread>

#include "lockwise/core/error.hpp"

namespace lockwise::run {
namespace {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

constexpr Millis k_poll{50};

std::string seconds(Millis value) { return fmt::format("{:.1f}s", static_cast<double>(value.count()) / 1000.0); }

std::string pid_list(const std::vector<Orphan>& orphans)
{
    std::string text;
    for (const auto& orphan : orphans) {
        text += (text.empty() ? "" : ", ") + std::to_string(orphan.pid);
    }
    return text;
}

// The orphans of `orphans` whose backend (pid and start time) is still there and not idle. An idle
// backend holds no lock and runs nothing; an orphan's one exits as soon as it reads its closed socket.
std::vector<Orphan> still_there(pg::Connection& connection, const std::vector<Orphan>& orphans)
{
    if (orphans.empty()) {
        return {};
    }
    const auto result = connection.exec(
        "SELECT pid, coalesce(backend_start::text, '') FROM pg_stat_activity WHERE state IS DISTINCT FROM 'idle'");
    std::set<std::pair<int, std::string>> present;
    for (int row = 0; row < result.rows(); ++row) {
        present.emplace(static_cast<int>(result.get_int(row, 0)), std::string(result.get(row, 1)));
    }
    std::vector<Orphan> left;
    std::copy_if(orphans.begin(), orphans.end(), std::back_inserter(left),
                 [&](const Orphan& orphan) { return present.contains({orphan.pid, orphan.backend_start}); });
    return left;
}

std::vector<Orphan> wait_gone(pg::Connection& connection, std::vector<Orphan> orphans, Millis bound)
{
    const auto deadline = Clock::now() + bound;
    orphans = still_there(connection, orphans);
    while (!orphans.empty() && Clock::now() < deadline) {
        std::this_thread::sleep_for(k_poll);
        orphans = still_there(connection, orphans);
    }
    return orphans;
}

// Sends pg_cancel_backend or pg_terminate_backend to each orphan; returns those we may not signal.
std::vector<Orphan> signal(pg::Connection& connection, const std::vector<Orphan>& orphans, const char* function)
{
    std::vector<Orphan> refused;
    for (const auto& orphan : orphans) {
        try {
            connection.exec_params(fmt::format("SELECT {}($1)", function), {std::to_string(orphan.pid)});
        } catch (const pg::SqlError& error) {
            if (error.sqlstate() != "42501") {
                throw;
            }
            refused.push_back(orphan);
        }
    }
    return refused;
}

} // namespace

const char* const k_find_orphans_sql = R"(SELECT a.pid,
       split_part(a.application_name, '/', 2) AS run_id,
       split_part(a.application_name, '/', 3) AS role,
       coalesce(a.state, '') AS state,
       coalesce(a.backend_start::text, '') AS backend_start,
       greatest(0, extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.state_change)) * 1000)::bigint AS age_ms,
       left(regexp_replace(coalesce(a.query, ''), '\s+', ' ', 'g'), 200) AS query
  FROM pg_stat_activity a
 WHERE a.datname = current_database()
   AND a.pid <> pg_backend_pid()
   AND a.application_name LIKE 'lockwise/%/%'
   AND split_part(a.application_name, '/', 3) IN ('work', 'watch', 'backfill')
   AND split_part(a.application_name, '/', 2) <> $1
   AND a.state IS DISTINCT FROM 'idle'
   AND NOT EXISTS (SELECT 1
                     FROM pg_stat_activity r
                     JOIN pg_locks l ON l.pid = r.pid AND l.locktype = 'advisory' AND l.granted
                    WHERE r.application_name = 'lockwise/' || split_part(a.application_name, '/', 2) || '/lock')
 ORDER BY a.pid)";

std::string Orphan::describe() const
{
    // Without pg_read_all_stats, another role's session shows no state and no query.
    return fmt::format("pid {} of lockwise run {} ({}, {}, {}){}{}", pid, run_id, role,
                       state.empty() ? "state not visible" : state, seconds(age), query.empty() ? "" : ": ", query);
}

std::vector<Orphan> find_orphans(pg::Connection& connection, const std::string& run_id)
{
    const auto result = connection.exec_params(k_find_orphans_sql, {run_id});
    std::vector<Orphan> orphans;
    for (int row = 0; row < result.rows(); ++row) {
        Orphan orphan;
        orphan.pid = static_cast<int>(result.get_int(row, 0));
        orphan.run_id = std::string(result.get(row, 1));
        orphan.role = std::string(result.get(row, 2));
        orphan.state = std::string(result.get(row, 3));
        orphan.backend_start = std::string(result.get(row, 4));
        orphan.age = Millis(result.get_int(row, 5));
        orphan.query = std::string(result.get(row, 6));
        orphans.push_back(std::move(orphan));
    }
    return orphans;
}

void end_orphans(pg::Connection& connection, const std::string& run_id, const OrphanTimings& timings, report::Logger& log)
{
    const auto orphans = find_orphans(connection, run_id);
    if (orphans.empty()) {
        return;
    }
    for (const auto& orphan : orphans) {
        log.event(report::Level::warn, "orphan_found",
                  "session left by an earlier lockwise run that is gone: " + orphan.describe(),
                  {{"pid", orphan.pid}, {"run_id", orphan.run_id}, {"role", orphan.role}, {"age_ms", orphan.age.count()}});
    }
    const auto started = Clock::now();
    const auto refused = signal(connection, orphans, "pg_cancel_backend");
    std::vector<Orphan> signalled;
    std::copy_if(orphans.begin(), orphans.end(), std::back_inserter(signalled), [&](const Orphan& orphan) {
        return std::none_of(refused.begin(), refused.end(), [&](const Orphan& other) { return other.pid == orphan.pid; });
    });
    if (!signalled.empty()) {
        log.info(fmt::format("cancelled orphan pid {}; terminating what is left after {}", pid_list(signalled),
                             seconds(timings.grace)));
        auto left = wait_gone(connection, signalled, timings.grace);
        if (!left.empty()) {
            signal(connection, left, "pg_terminate_backend");
            log.info(fmt::format("terminated orphan pid {}", pid_list(left)));
            left = wait_gone(connection, left, timings.gone_within);
        }
        if (!left.empty()) {
            throw core::Error(core::ExitCode::runner_locked,
                              fmt::format("orphan sessions of an earlier lockwise run were still working {} after "
                                          "pg_terminate_backend: pid {}",
                                          seconds(timings.grace + timings.gone_within), pid_list(left)),
                              "Look at them with `lockwise locks`; once they are gone, run `lockwise migrate` again.");
        }
        log.event(report::Level::info, "orphans_ended",
                  fmt::format("orphan pid {} ended after {}", pid_list(signalled),
                              seconds(std::chrono::duration_cast<Millis>(Clock::now() - started))),
                  {{"pids", pid_list(signalled)}});
    }
    if (!refused.empty()) {
        log.event(report::Level::warn, "orphan_wait",
                  fmt::format("no permission to signal orphan pid {} (needs superuser, the same role or "
                              "pg_signal_backend); waiting up to {} for them to end",
                              pid_list(refused), seconds(timings.unsignalled_wait)),
                  {{"pids", pid_list(refused)}});
        const auto left = wait_gone(connection, refused, timings.unsignalled_wait);
        if (!left.empty()) {
            throw core::Error(core::ExitCode::runner_locked,
                              fmt::format("orphan sessions of an earlier lockwise run did not end within {}: pid {}",
                                          seconds(timings.unsignalled_wait), pid_list(left)),
                              "Ask a superuser to run SELECT pg_terminate_backend(pid) for them, or grant "
                              "pg_signal_backend to the migration role, then run `lockwise migrate` again.");
        }
        log.event(report::Level::info, "orphans_ended", fmt::format("orphan pid {} ended on its own", pid_list(refused)),
                  {{"pids", pid_list(refused)}});
    }
}

} // namespace lockwise::run
