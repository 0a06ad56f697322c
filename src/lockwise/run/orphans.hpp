// Orphans: sessions an earlier lockwise run left running after it was killed. SIGKILL closes
// the client's sockets; the idle runner-lock backend notices at once and releases the runner
// lock, but a backend that is executing a statement goes on until it next talks to the client.
// A rerun that started beside it would race its own earlier attempt (docs/reliability.md).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "lockwise/pg/connection.hpp"
#include "lockwise/report/logger.hpp"

namespace lockwise::run {

// A session of another lockwise run whose runner is gone.
struct Orphan {
    int pid = 0;
    std::string run_id;
    std::string role;             // "work", "watch", "backfill"
    std::string state;            // "active", "idle in transaction", ...
    std::string backend_start;    // with pid, identifies the backend (pids are reused)
    std::chrono::milliseconds age{0}; // of its open transaction, else of its current state
    std::string query;            // cut to 200 characters, whitespace collapsed

    // "pid 123 of lockwise run 0a1b2c3d4e5f (work, active, 3.2s): INSERT INTO ..."
    std::string describe() const;
};

// The SQL that finds orphans ($1 = our run id), as docs/reliability.md shows it: sessions on this
// database named "lockwise/<run>/{work,watch,backfill}" of another run, not idle, whose run has no
// session "lockwise/<run>/lock" holding a granted advisory lock (so a live runner on another
// history table is never touched).
extern const char* const k_find_orphans_sql;

std::vector<Orphan> find_orphans(pg::Connection& connection, const std::string& run_id);

struct OrphanTimings {
    std::chrono::milliseconds grace{2'000};       // pg_cancel_backend, then this long, then pg_terminate_backend
    std::chrono::milliseconds gone_within{30'000}; // signalled orphans must be gone by then
    std::chrono::milliseconds unsignalled_wait{600'000}; // orphans we may not signal: wait this long for them
};

// Called with the runner lock held, before history is read: finds orphans of earlier runs, logs
// each, cancels them, terminates those still there after the grace, and waits until they are
// gone. Without permission to signal (42501), waits for them to end and says so. Throws
// core::Error(runner_locked) naming the pids of any that outlive the wait.
void end_orphans(pg::Connection& connection, const std::string& run_id, const OrphanTimings& timings, report::Logger& log);

} // namespace lockwise::run
