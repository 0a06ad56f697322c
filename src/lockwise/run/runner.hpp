// `lockwise migrate`: applies pending migrations step by step on a live database.
// One runner at a time (advisory lock), each step under its lock policy, retried on
// lock failures, watched while it waits, recorded in history as it commits.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/history/runner_lock.hpp"
#include "lockwise/history/store.hpp"
#include "lockwise/plan/plan.hpp"
#include "lockwise/report/logger.hpp"

namespace lockwise::run {

struct RunnerOptions {
    std::string conninfo;                     // "" = libpq defaults
    history::HistoryLocation history;
    std::optional<catalog::Version> target;   // apply migrations up to and including this version
    plan::Millis lock_wait{600'000};          // how long to wait for another runner's lock
    std::string terminate_blockers;           // "" = never; "idle-in-transaction:30s"
    bool terminate_superusers = false;        // separate opt-in: the policy may end superusers' sessions too
    bool terminate_other_databases = false;   // separate opt-in: ... and sessions of other databases
    bool out_of_order = false;
    bool ignore_missing = false;              // applied migrations missing from the folder: warn, not fail
    std::atomic<bool>* stop_requested = nullptr; // SIGINT/SIGTERM: stop at the next step boundary / batch
    std::string run_id;                       // names every session "lockwise/<run_id>/<role>"; "" = a fresh one
    plan::Millis orphan_grace{2'000};         // between pg_cancel_backend and pg_terminate_backend of an orphan
    plan::Millis orphan_wait{30'000};         // how long signalled orphans may take to go
};

// What happened to one step, for the summary and the impact report.
struct StepOutcome {
    std::string version;
    std::string description;
    int step = 0;              // 1-based
    int steps_total = 0;
    std::string kind;          // "group", "autocommit", "backfill"
    std::string policy_class;
    std::string summary;
    std::string lock;          // strongest lock taken, pg_locks spelling
    plan::Millis duration{0};
    plan::Millis lock_waited{0}; // time the step's statements spent waiting for locks (as the watch saw it)
    int attempts = 0;
    long long rows = 0;        // backfill: rows updated; DML: rows affected
    std::string outcome;       // "applied", "warned", "failed", "interrupted"
    std::vector<std::string> blockers; // "pid 123 (app, idle in transaction 12s): SELECT ..."
    std::chrono::system_clock::time_point started;
    std::chrono::system_clock::time_point finished;
};

struct RunSummary {
    int applied = 0;         // migrations that finished in this run
    int up_to_date = 0;      // migrations that were already applied
    std::vector<StepOutcome> steps;
    plan::Millis elapsed{0};
    bool interrupted = false;
};

// Applies every pending migration of `plans` (planned from `catalog`). Throws core::Error with the
// documented exit codes: runner_locked, checksum_drift, lock_budget_exhausted, migration_failed,
// connection_failed, interrupted. `summary` (when given) holds what ran even when it throws.
RunSummary migrate(const catalog::Catalog& catalog, const std::vector<plan::MigrationPlan>& plans,
                   const RunnerOptions& options, report::Logger& log, RunSummary* summary = nullptr);

// `options` with a fresh run_id when it has none.
RunnerOptions with_run_id(const RunnerOptions& options);

// With the runner lock held: ends the orphans of earlier runs (run/orphans.hpp) under
// options.orphan_grace, orphan_wait and (for orphans we may not signal) lock_wait.
void end_orphans_of_earlier_runs(pg::Connection& connection, const RunnerOptions& options, report::Logger& log);

// Takes the runner lock on `dedicated` (an idle connection kept for the whole run), waiting up to
// options.lock_wait. Throws core::Error(runner_locked) after that.
history::RunnerLock take_runner_lock(pg::Connection& dedicated, const RunnerOptions& options, report::Logger& log);

// The migrations of `plans` that history does not record as applied (succeeded or baselined),
// up to `target`, in version order; then the repeatable ones never run or changed since they ran.
std::vector<const plan::MigrationPlan*> pending_plans(const std::vector<plan::MigrationPlan>& plans,
                                                      const std::vector<history::AppliedMigration>& applied,
                                                      const std::optional<catalog::Version>& target);

} // namespace lockwise::run
