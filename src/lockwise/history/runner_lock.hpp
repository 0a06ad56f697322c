// The runner lock that keeps two lockwise runners apart: a session advisory lock
// taken by polling pg_try_advisory_lock, never by a blocking pg_advisory_lock (README, "One runner at a time").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lockwise/history/store.hpp"
#include "lockwise/pg/connection.hpp"

namespace lockwise::history {

// A session that holds the runner lock, as pg_locks and pg_stat_activity show it.
struct LockHolder {
    int pid = 0;
    std::string application_name;
    std::string user;
    std::string client_addr;  // "" for a Unix socket
    std::string state;        // "idle" for a lockwise runner holding it between polls
    std::string since;        // ISO 8601 UTC: when the holder's session last changed state; for a
                              // lockwise holder that is when it took the lock (its lock session stays idle)
};

// The advisory lock key of a history location: FNV-1a 64 of "lockwise.runner:<schema>.<table>",
// its bits read as a signed bigint. Stable across versions and platforms (docs/history.md).
std::int64_t runner_lock_key(const HistoryLocation& location);

// Who holds advisory lock `key` in the current database (empty when nobody does).
std::vector<LockHolder> runner_lock_holders(pg::Connection& connection, std::int64_t key);

class RunnerLock {
public:
    // Told while we wait: the current holders and how long we have waited. Called on the first
    // failed try and then at most once per second.
    using WaitingCallback = std::function<void(const std::vector<LockHolder>& holders, std::chrono::milliseconds waited)>;

    explicit RunnerLock(const HistoryLocation& location = {});
    explicit RunnerLock(std::int64_t key) noexcept : m_key(key) {}
    RunnerLock(RunnerLock&& other) noexcept;
    RunnerLock& operator=(RunnerLock&& other) noexcept;
    RunnerLock(const RunnerLock&) = delete;
    RunnerLock& operator=(const RunnerLock&) = delete;
    // Releases the lock if held; never throws.
    ~RunnerLock();

    std::int64_t key() const noexcept { return m_key; }
    bool held() const noexcept { return m_connection != nullptr; }

    // Polls pg_try_advisory_lock on `dedicated` (an idle autocommit connection used for nothing
    // else while the lock is held) until it succeeds or `lock_wait` has passed. True when acquired;
    // false after lock_wait (the caller exits with ExitCode::runner_locked). Between polls the
    // connection is idle, outside any transaction, so CREATE INDEX CONCURRENTLY never waits for it.
    bool acquire(pg::Connection& dedicated, std::chrono::milliseconds lock_wait,
                 const WaitingCallback& on_waiting = {},
                 std::chrono::milliseconds poll_interval = std::chrono::milliseconds(100));
    // Releases the lock. A connection that died has released it already; that is not an error.
    void release();

private:
    std::int64_t m_key = 0;
    pg::Connection* m_connection = nullptr;
};

} // namespace lockwise::history
