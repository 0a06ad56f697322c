// Runner lock: poll, report who is in the way, give up after --lock-wait.
// A session-level advisory lock dies with its session, so a crashed runner frees it.
#include "lockwise/history/runner_lock.hpp"

#include <fmt/format.h>

#include <random>
#include <thread>
#include <utility>

#include "lockwise/core/error.hpp"

namespace lockwise::history {

std::int64_t runner_lock_key(const HistoryLocation& location)
{
    const std::string text = "lockwise.runner:" + location.schema + "." + location.table;
    std::uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    return static_cast<std::int64_t>(hash);
}

std::vector<LockHolder> runner_lock_holders(pg::Connection& connection, std::int64_t key)
{
    // A bigint advisory key shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
    const auto result = connection.exec_params(
        "SELECT l.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''),"
        " coalesce(host(a.client_addr), ''), coalesce(a.state, ''),"
        " coalesce(to_char(a.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), '')"
        " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted"
        " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND l.classid = (($1::bigint >> 32) & 4294967295)::oid AND l.objid = ($1::bigint & 4294967295)::oid"
        " AND l.objsubid = 1 ORDER BY l.pid",
        {std::to_string(key)});
    std::vector<LockHolder> holders;
    for (int row = 0; row < result.rows(); ++row) {
        holders.push_back({static_cast<int>(result.get_int(row, 0)), std::string(result.get(row, 1)),
                           std::string(result.get(row, 2)), std::string(result.get(row, 3)),
                           std::string(result.get(row, 4)), std::string(result.get(row, 5))});
    }
    return holders;
}

RunnerLock::RunnerLock(const HistoryLocation& location) : m_key(runner_lock_key(location)) {}

RunnerLock::RunnerLock(RunnerLock&& other) noexcept
    : m_key(other.m_key), m_connection(std::exchange(other.m_connection, nullptr))
{
}

RunnerLock& RunnerLock::operator=(RunnerLock&& other) noexcept
{
    if (this != &other) {
        try {
            release();
        } catch (...) { // NOLINT(bugprone-empty-catch): a move must not throw; the session frees it on close
        }
        m_key = other.m_key;
        m_connection = std::exchange(other.m_connection, nullptr);
    }
    return *this;
}

RunnerLock::~RunnerLock()
{
    try {
        release();
    } catch (...) { // NOLINT(bugprone-empty-catch): the lock dies with the session anyway
    }
}

bool RunnerLock::acquire(pg::Connection& dedicated, std::chrono::milliseconds lock_wait,
                         const WaitingCallback& on_waiting, std::chrono::milliseconds poll_interval)
{
    if (held()) {
        throw core::Error(core::ExitCode::internal, "the runner lock is already held by this runner");
    }
    if (dedicated.in_transaction()) {
        // Inside a transaction the polling backend would hold a snapshot a concurrent index build waits for.
        throw core::Error(core::ExitCode::internal, "the runner lock connection must not be inside a transaction");
    }
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto last_report = started;
    bool reported = false;
    // Jitter keeps contenders that started together from polling in lockstep.
    std::minstd_rand random(static_cast<unsigned>(dedicated.backend_pid()));
    const std::string key = std::to_string(m_key);
    while (true) {
        if (dedicated.exec_params("SELECT pg_try_advisory_lock($1::bigint)", {key}).get_bool(0, 0)) {
            m_connection = &dedicated;
            return true;
        }
        const auto now = Clock::now();
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - started);
        if (waited >= lock_wait) {
            return false;
        }
        if (on_waiting && (!reported || now - last_report >= std::chrono::seconds(1))) {
            on_waiting(runner_lock_holders(dedicated, m_key), waited);
            reported = true;
            last_report = now;
        }
        const auto jitter = std::chrono::milliseconds(
            poll_interval.count() > 1 ? static_cast<long long>(random() % static_cast<unsigned>(poll_interval.count() / 2 + 1)) : 0);
        const auto remaining = lock_wait - waited;
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(poll_interval + jitter, remaining));
    }
}

void RunnerLock::release()
{
    auto* connection = std::exchange(m_connection, nullptr);
    if (connection == nullptr || !connection->is_ok()) {
        return;
    }
    try {
        connection->exec_params("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(m_key)});
    } catch (const pg::SqlError& error) {
        if (!error.connection_lost()) {
            throw;
        }
    }
}

} // namespace lockwise::history
