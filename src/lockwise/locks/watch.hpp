// LockWatch: a background thread that watches one backend (the runner's) from
// its own connection and publishes what it waits for, who blocks it and how
// many sessions queue behind it, so the runner can report and react live.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lockwise/locks/blocking.hpp"

namespace lockwise::locks {

struct WatchSnapshot {
    std::uint64_t sequence = 0;          // polls completed so far; 0 = none yet
    std::chrono::steady_clock::time_point taken_at{};
    bool found = false;                  // the watched backend exists
    bool waiting = false;                // it waits for a heavyweight lock
    std::optional<LockDescription> lock{}; // on what (lock->waiting_for: for how long)
    std::vector<Blocker> blockers{};
    std::vector<QueuedSession> queued{};   // sessions waiting behind it, directly or not
    std::string error{};                   // last poll's failure ("" when it worked)

    // The blocker pids, sorted: what on_change compares.
    std::vector<int> blocker_pids() const;
    // JSON text (same field names as the tree) for the runner's events.
    std::string to_json() const;
};

struct WatchOptions {
    std::chrono::milliseconds interval{100};
    // on_change also fires when the queue behind the backend grows to at least this many (0 = off).
    int queued_alert = 0;
    std::string application_name = "lockwise-watch";
};

class LockWatch {
public:
    // Called on the watch thread after a poll whose waiting flag, blocker set or queued alert
    // state differs from the previous poll's. Keep it short; it must not call stop().
    using Callback = std::function<void(const WatchSnapshot&)>;

    // Connects (throws pg::SqlError if it can't) and starts polling `pid` every interval.
    LockWatch(std::string_view conninfo, int pid, Callback on_change = {}, WatchOptions options = {});
    LockWatch(const LockWatch&) = delete;
    LockWatch& operator=(const LockWatch&) = delete;
    ~LockWatch();

    // The latest snapshot (a copy).
    WatchSnapshot snapshot() const;
    // Blocks until a poll newer than `after` completes or `timeout` passes; returns the latest snapshot.
    WatchSnapshot wait_for_poll(std::uint64_t after, std::chrono::milliseconds timeout) const;
    // Stops the thread and closes the connection; idempotent.
    void stop();

private:
    void run();
    WatchSnapshot poll();

    std::string m_conninfo{};
    int m_pid;
    Callback m_on_change;
    WatchOptions m_options;
    std::optional<pg::Connection> m_connection{}; // optional: pg::Connection's default constructor is pg-internal
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    WatchSnapshot m_snapshot;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace lockwise::locks
