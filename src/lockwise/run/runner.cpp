// The runner. Its invariants: a committed step is never run again (its history
// record commits in the same transaction, or right after an idempotent autocommit
// statement); no lockwise connection holds a transaction open while a concurrent
// index builds; the application never waits behind us longer than the current lock_timeout.
#include "lockwise/run/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>
#include <thread>

#include "lockwise/backfill/engine.hpp"
#include "lockwise/core/error.hpp"
#include "lockwise/core/source_location.hpp"
#include "lockwise/core/version.hpp"
#include "lockwise/history/drift.hpp"
#include "lockwise/history/runner_lock.hpp"
#include "lockwise/history/versions.hpp"
#include "lockwise/locks/session_name.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/run/orphans.hpp"
#include "lockwise/run/pooler.hpp"
#include "lockwise/run/retry.hpp"
#include "lockwise/run/step_executor.hpp"

namespace lockwise::run {
namespace {

using Clock = std::chrono::steady_clock;

bool is_applied(const history::AppliedMigration& row)
{
    return row.status == history::MigrationStatus::succeeded || row.status == history::MigrationStatus::baselined;
}

void refuse_drift(const std::vector<history::Drift>& drifts, const RunnerOptions& options, report::Logger& log)
{
    std::string checksum_problems;
    std::string order_problems;
    std::string missing_problems;
    for (const auto& drift : drifts) {
        switch (drift.kind) {
        case history::DriftKind::checksum_changed: checksum_problems += "\n  " + drift.message(); break;
        case history::DriftKind::file_missing:
            if (options.ignore_missing) {
                log.warn(drift.message() + " (--ignore-missing)", {{"version", drift.version}});
            } else {
                missing_problems += "\n  " + drift.message();
            }
            break;
        case history::DriftKind::out_of_order:
            if (!options.out_of_order) {
                order_problems += "\n  " + drift.message();
            }
            break;
        }
    }
    // Like Flyway's validate: a folder that lacks applied migrations is likely the wrong folder
    // (or the wrong database), and a deploy from it must not pass.
    if (!missing_problems.empty()) {
        throw core::Error(core::ExitCode::usage,
                          "applied migrations are missing from the migrations folder:" + missing_problems,
                          "Check --migrations (or LOCKWISE_MIGRATIONS) and the database URL: they must be the folder and "
                          "database that belong together. If the files were removed on purpose, pass --ignore-missing.");
    }
    if (!checksum_problems.empty()) {
        throw core::Error(core::ExitCode::checksum_drift,
                          "applied migrations changed since they ran:" + checksum_problems,
                          "Restore the files, or run `lockwise repair` to accept the new checksums if the change is intended.");
    }
    if (!order_problems.empty()) {
        throw core::Error(core::ExitCode::usage, "pending migrations are older than the newest applied one:" + order_problems,
                          "Renumber them, or pass --out-of-order to apply them anyway.");
    }
}

// Throws core::Error(checksum_drift) when a committed step of a migration that did not complete
// reads differently now (or was recorded without its text checksum), naming the step.
void refuse_changed_committed_steps(const plan::MigrationPlan& migration_plan, const history::AppliedMigration& row,
                                    const std::map<int, std::string>& recorded)
{
    const auto& migration = *migration_plan.migration;
    std::string problems;
    for (int index = 0; index < row.steps_done; ++index) {
        const auto it = recorded.find(index);
        const auto position = [&](int step_index) {
            if (step_index >= static_cast<int>(migration_plan.steps.size()) ||
                migration_plan.steps[static_cast<std::size_t>(step_index)].statements.empty()) {
                return migration.display_path;
            }
            const auto at = core::line_column_at(migration.text,
                                                 migration_plan.steps[static_cast<std::size_t>(step_index)].statements.front().span.offset);
            return fmt::format("{}:{}:{}", migration.display_path, at.line, at.column);
        };
        if (index >= static_cast<int>(migration_plan.steps.size())) {
            problems += fmt::format("\n  {}: step {}/{} committed, but the file now has only {} steps", migration.version.text,
                                    index + 1, row.steps_total, migration_plan.steps.size());
        } else if (it == recorded.end() || it->second.empty()) {
            problems += fmt::format("\n  {}: step {}/{} ({}) committed without a recorded text checksum (an older lockwise), "
                                    "so an edit of it can't be told from an edit after it",
                                    migration.version.text, index + 1, row.steps_total, position(index));
        } else if (it->second != plan::step_text_checksum(migration_plan.steps[static_cast<std::size_t>(index)])) {
            problems += fmt::format("\n  {}: step {}/{} ({}) committed already, and its text changed since",
                                    migration.version.text, index + 1, row.steps_total, position(index));
        }
    }
    if (!problems.empty()) {
        throw core::Error(core::ExitCode::checksum_drift,
                          fmt::format("{} did not complete, and steps it committed changed in the file:{}",
                                      migration.version.text, problems),
                          fmt::format("Restore those steps as they ran: only the failed step and the ones after it (from step "
                                      "{}) may change before the rerun. If the database already matches the edited text, "
                                      "`lockwise repair` accepts the file as it is and `lockwise migrate` then resumes at "
                                      "step {}.",
                                      row.steps_done + 1, row.steps_done + 1));
    }
}

} // namespace

history::RunnerLock take_runner_lock(pg::Connection& dedicated, const RunnerOptions& options, report::Logger& log)
{
    history::RunnerLock runner_lock(options.history);
    const bool acquired = runner_lock.acquire(
        dedicated, options.lock_wait, [&](const std::vector<history::LockHolder>& holders, std::chrono::milliseconds waited) {
            std::string who;
            for (const auto& holder : holders) {
                who += fmt::format(" pid {} ({}, since {})", holder.pid, holder.application_name, holder.since);
            }
            log.event(report::Level::info, "runner_lock_wait",
                      fmt::format("another lockwise runner holds the runner lock:{}; waiting ({} of {})", who,
                                  plan::format_millis(waited), plan::format_millis(options.lock_wait)),
                      {{"waited_ms", waited.count()}});
        });
    if (!acquired) {
        throw core::Error(core::ExitCode::runner_locked,
                          fmt::format("another lockwise runner held the runner lock for longer than {}",
                                      plan::format_millis(options.lock_wait)),
                          "Wait for the other runner to finish (it applies the same migrations), or raise --lock-wait.");
    }
    return runner_lock;
}

std::vector<const plan::MigrationPlan*> pending_plans(const std::vector<plan::MigrationPlan>& plans,
                                                      const std::vector<history::AppliedMigration>& applied,
                                                      const std::optional<catalog::Version>& target)
{
    std::vector<const plan::MigrationPlan*> pending;
    for (const auto& migration_plan : plans) {
        const auto& version = migration_plan.migration->version;
        if (target && version > *target) {
            continue;
        }
        const auto canonical = history::canonical_version(version);
        const auto it = std::find_if(applied.begin(), applied.end(),
                                     [&](const history::AppliedMigration& row) { return row.version == canonical; });
        // A repeatable migration runs again whenever its file changed since it last ran.
        if (it != applied.end() && is_applied(*it) &&
            (!migration_plan.migration->repeatable || it->checksum == migration_plan.migration->checksum)) {
            continue;
        }
        pending.push_back(&migration_plan);
    }
    return pending;
}

RunnerOptions with_run_id(const RunnerOptions& options)
{
    RunnerOptions named = options;
    if (named.run_id.empty()) {
        named.run_id = locks::new_run_id();
    }
    return named;
}

void end_orphans_of_earlier_runs(pg::Connection& connection, const RunnerOptions& options, report::Logger& log)
{
    OrphanTimings timings;
    timings.grace = options.orphan_grace;
    timings.gone_within = options.orphan_wait;
    timings.unsignalled_wait = options.lock_wait;
    end_orphans(connection, options.run_id, timings, log);
}

RunSummary migrate(const catalog::Catalog& catalog, const std::vector<plan::MigrationPlan>& plans,
                   const RunnerOptions& given_options, report::Logger& log, RunSummary* summary_out)
{
    const auto options = with_run_id(given_options);
    RunSummary local_summary;
    RunSummary& summary = summary_out != nullptr ? *summary_out : local_summary;
    const auto started = Clock::now();

    // ops (issue 7): a transaction pooler would hand our session (and its advisory lock) to others;
    // refuse it before anything session-bound starts (run/pooler.hpp, docs/operations.md).
    require_session_pinning(options.conninfo);
    // The runner lock lives on its own idle connection for the whole run.
    auto lock_connection = pg::Connection::connect(options.conninfo, locks::session_name(options.run_id, locks::k_role_lock));
    auto runner_lock = take_runner_lock(lock_connection, options, log);

    StepExecutor executor(options, log);
    auto& connection = executor.connection();
    // While we hold the runner lock no other runner of this history is alive: sessions of earlier
    // runs still working are orphans of a killed run, and must be gone before history is read.
    end_orphans_of_earlier_runs(connection, options, log);
    // History is read outside any step: a lock on it fails fast (55P03) instead of waiting silently.
    connection.exec("SET lock_timeout = '5s'");
    history::HistoryStore store(connection, options.history);
    store.ensure_created();
    auto drifts = history::find_drift(store.load(), catalog.migrations);
    // A migration that did not complete may be edited before the rerun, as the failure's hint says:
    // its unfinished steps are taken as they now read. Its committed steps must not change.
    const auto before_fix = store.load();
    std::erase_if(drifts, [&](const history::Drift& drift) {
        const auto row = std::find_if(before_fix.begin(), before_fix.end(),
                                      [&](const history::AppliedMigration& applied_row) { return applied_row.version == drift.version; });
        if (drift.kind != history::DriftKind::checksum_changed || row == before_fix.end() ||
            (row->status != history::MigrationStatus::failed && row->status != history::MigrationStatus::running)) {
            return false;
        }
        const auto plan_it = std::find_if(plans.begin(), plans.end(), [&](const plan::MigrationPlan& migration_plan) {
            return history::canonical_version(migration_plan.migration->version) == drift.version;
        });
        if (plan_it == plans.end()) {
            return false;
        }
        refuse_changed_committed_steps(*plan_it, *row, store.step_checksums(drift.version));
        store.update_checksum(drift.version, drift.file_checksum);
        log.event(report::Level::info, "edited_unfinished_steps",
                  row->steps_done > 0
                      ? fmt::format("{} did not complete; only steps after its committed {} changed: running the edited file "
                                    "from step {}", drift.version, row->steps_done, row->steps_done + 1)
                      : fmt::format("{} failed before any step committed; running its edited file", drift.version),
                  {{"version", drift.version}, {"steps_done", row->steps_done}});
        return true;
    });
    refuse_drift(drifts, options, log);
    const auto applied = store.load();
    connection.exec("RESET lock_timeout");
    const auto pending = pending_plans(plans, applied, options.target);
    // A changed repeatable migration has an applied row but is pending: not up to date.
    summary.up_to_date = static_cast<int>(std::count_if(applied.begin(), applied.end(), [&](const history::AppliedMigration& row) {
        return is_applied(row) && std::none_of(pending.begin(), pending.end(), [&](const plan::MigrationPlan* migration_plan) {
                   return history::canonical_version(migration_plan->migration->version) == row.version;
               });
    }));
    if (pending.empty()) {
        log.event(report::Level::info, "up_to_date", fmt::format("database is up to date ({} migrations applied)", summary.up_to_date));
    }
    for (const auto* migration_plan : pending) {
        const auto& migration = *migration_plan->migration;
        const int steps_total = static_cast<int>(migration_plan->steps.size());
        const int first_step = store.begin_migration(migration, steps_total);
        log.event(report::Level::info, "migration_started",
                  first_step > 0 ? fmt::format("resuming {} {} at step {}/{}", migration.version.text, migration.description,
                                               first_step + 1, steps_total)
                                 : fmt::format("applying {} {} ({} steps)", migration.version.text, migration.description, steps_total),
                  {{"version", migration.version.text}, {"steps", steps_total}, {"first_step", first_step + 1}});
        const auto migration_started = Clock::now();
        for (int index = first_step; index < steps_total; ++index) {
            if (options.stop_requested != nullptr && options.stop_requested->load()) {
                summary.interrupted = true;
                store.finish_migration(history::canonical_version(migration.version), history::Outcome::failed,
                                       "interrupted before this step; rerun to resume", "");
                throw core::Error(core::ExitCode::interrupted,
                                  fmt::format("interrupted: {} stopped before step {}/{}", migration.version.text, index + 1, steps_total),
                                  "Run `lockwise migrate` again: it resumes at the first unfinished step.");
            }
            const auto& step = migration_plan->steps[static_cast<std::size_t>(index)];
            StepOutcome outcome;
            try {
                outcome = executor.run_step(migration, step, steps_total, &store);
            } catch (const StepFailure& failure) {
                summary.steps.push_back(failure.outcome);
                store.finish_migration(history::canonical_version(migration.version), history::Outcome::failed,
                                       failure.what(), failure.position);
                summary.elapsed = std::chrono::duration_cast<plan::Millis>(Clock::now() - started);
                throw core::Error(failure.code(), failure.what(), failure.hint());
            }
            summary.steps.push_back(outcome);
            if (outcome.outcome == "interrupted") {
                summary.interrupted = true;
                store.finish_migration(history::canonical_version(migration.version), history::Outcome::failed,
                                       "interrupted during a backfill; rerun to resume", "");
                throw core::Error(core::ExitCode::interrupted,
                                  fmt::format("interrupted: {} step {}/{} checkpointed", migration.version.text, index + 1, steps_total),
                                  "Run `lockwise migrate` again: the backfill resumes from its checkpoint.");
            }
        }
        store.finish_migration(history::canonical_version(migration.version), history::Outcome::succeeded);
        ++summary.applied;
        log.event(report::Level::info, "migration_applied",
                  fmt::format("applied {} {} in {}", migration.version.text, migration.description,
                              plan::format_millis(std::chrono::duration_cast<plan::Millis>(Clock::now() - migration_started))),
                  {{"version", migration.version.text}});
    }
    summary.elapsed = std::chrono::duration_cast<plan::Millis>(Clock::now() - started);
    runner_lock.release();
    return summary;
}

} // namespace lockwise::run
