// Runs one planned step with its policy: attempts, watched statements, retries
// with growing lock_timeout, concurrent index repair, backfills, history records.
#pragma once

#include <memory>
#include <random>
#include <string>

#include "lockwise/core/error.hpp"
#include "lockwise/history/store.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/run/runner.hpp"
#include "lockwise/run/wait_probe.hpp"

namespace lockwise::run {

// A step that failed for good: the error, where in the file, and what the attempts saw.
class StepFailure : public core::Error {
public:
    StepFailure(core::ExitCode code, std::string message, std::string hint, std::string where, StepOutcome what_ran)
        : core::Error(code, std::move(message), std::move(hint)), position(std::move(where)), outcome(std::move(what_ran))
    {
    }
    std::string position; // "file:line:col"
    StepOutcome outcome;
};

class StepExecutor {
public:
    StepExecutor(const RunnerOptions& options, report::Logger& log);

    // The runner's connection (autocommit between steps). Stays the same object across reconnects.
    pg::Connection& connection() noexcept { return m_connection; }

    // Runs `step` to completion (with retries) and records it in `store` (nullptr: records nothing,
    // as `down` does). Throws StepFailure.
    StepOutcome run_step(const catalog::Migration& migration, const plan::Step& step, int steps_total,
                         history::HistoryStore* store);

private:
    struct Attempt;
    void attempt_group(const catalog::Migration& migration, const plan::Step& step, history::HistoryStore* store, Attempt& attempt);
    void attempt_autocommit(const catalog::Migration& migration, const plan::Step& step, history::HistoryStore* store,
                            Attempt& attempt);
    long long run_backfill_step(const catalog::Migration& migration, const plan::Step& step, history::HistoryStore* store,
                                StepOutcome& outcome);
    void execute_watched(const sql::Statement& statement, const plan::Policy& policy, Attempt& attempt);
    void set_session_policy(const plan::Policy& policy, plan::Millis lock_timeout, bool local);
    // Before an attempt that blocks the application: wait (up to `limit`) while sessions idle in
    // transaction, or older than the attempt's lock_timeout, hold a conflicting lock. True if it waited.
    bool wait_for_clear_path(const plan::Step& step, plan::Millis limit, Attempt& attempt);
    // CREATE INDEX CONCURRENTLY: drop a leftover INVALID index of the same name. True when the index
    // already exists and is valid (an earlier run built it), so the statement need not run.
    bool prepare_concurrent_index(const sql::Statement& statement, Attempt& attempt);
    void verify_concurrent_index(const sql::Statement& statement);
    void reconnect();
    // SET application_name to this run's session name for `role` (locks/session_name.hpp).
    void set_application_name(std::string_view role);
    void rollback_quietly() noexcept;

    RunnerOptions m_options;
    report::Logger& m_log;
    pg::Connection m_connection;
    std::unique_ptr<WaitProbe> m_probe;
    std::mt19937_64 m_random;
};

} // namespace lockwise::run
