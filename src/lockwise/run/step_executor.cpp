// Step execution. Every attempt runs under the policy's lock_timeout for that
// attempt; while a statement waits for a lock the wait probe names the blockers,
// cancels the attempt when the application piles up behind it, and (opt-in)
// terminates idle-in-transaction blockers. Failures are classified once (retry.hpp).
#include "lockwise/run/step_executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "lockwise/backfill/engine.hpp"
#include "lockwise/backfill/spec.hpp"
#include "lockwise/core/source_location.hpp"
#include "lockwise/history/versions.hpp"
#include "lockwise/locks/session_name.hpp"
#include "lockwise/report/step_progress.hpp"
#include "lockwise/run/retry.hpp"

namespace lockwise::run {
namespace {

using Clock = std::chrono::steady_clock;
using plan::Millis;

Millis since(Clock::time_point start) { return std::chrono::duration_cast<Millis>(Clock::now() - start); }

std::string error_position(const catalog::Migration& migration, const sql::Statement& statement, const pg::SqlError& error)
{
    std::size_t offset = statement.span.offset;
    if (error.fields().position && *error.fields().position > 0) {
        offset += static_cast<std::size_t>(*error.fields().position - 1);
    }
    const auto position = core::line_column_at(migration.text, offset);
    return fmt::format("{}:{}:{}", migration.display_path, position.line, position.column);
}

std::string describe_error(const pg::SqlError& error)
{
    std::string text = error.sqlstate().empty() ? error.fields().message
                                                : fmt::format("{} (SQLSTATE {})", error.fields().message, error.sqlstate());
    if (!error.fields().detail.empty()) {
        text += "; detail: " + error.fields().detail;
    }
    return text;
}

// Every relation the step locks (dependent ones too: a DROP INDEX locks the index's table),
// grouped by the strongest mode it takes on them, so each is checked for its own conflicts.
std::map<sql::LockMode, std::vector<std::string>> relations_of(const plan::Step& step)
{
    std::map<std::string, sql::LockMode> modes;
    for (const auto& statement : step.statements) {
        for (const auto& lock : statement.locks) {
            if (!lock.created_by_statement) {
                auto& mode = modes[lock.schema.empty() ? lock.name : lock.schema + "." + lock.name];
                mode = std::max(mode, lock.mode);
            }
        }
    }
    std::map<sql::LockMode, std::vector<std::string>> by_mode;
    for (const auto& [name, mode] : modes) {
        by_mode[mode].push_back(name);
    }
    return by_mode;
}

bool is_concurrent_index_build(const sql::Statement& statement)
{
    return statement.kind == "CREATE INDEX" && statement.concurrently && statement.index && !statement.index->name.empty();
}

bool is_concurrent_index_drop(const sql::Statement& statement)
{
    return statement.kind == "DROP INDEX" && statement.concurrently && statement.index && !statement.index->name.empty();
}

std::string qualified_index(const sql::Statement& statement)
{
    const auto& index = *statement.index;
    return index.schema.empty() ? pg::quote_identifier(index.name)
                                : pg::quote_identifier(index.schema) + "." + pg::quote_identifier(index.name);
}

// Observer that turns backfill events into a live progress line and log lines (the per-partition
// lines are detail: on a terminal they show at -v only, report::StepProgress).
class BackfillLog final : public backfill::BackfillObserver {
public:
    BackfillLog(report::Logger& log, std::string label) : m_log(log), m_progress(log, std::move(label)) {}
    void on_partition_start(const backfill::PartitionProgress& partition) override
    {
        m_log.debug(fmt::format("backfill partition {} started (pass {})", partition.partition, partition.pass));
    }
    void on_partition_done(const backfill::PartitionProgress& partition) override
    {
        m_progress.detail(report::Level::info, "backfill_partition_done",
                          fmt::format("backfill partition {}: {} rows updated, {} scanned", partition.is_null ? "NULL" : partition.partition,
                                      partition.rows_updated, partition.rows_scanned),
                          {{"partition", partition.partition}, {"rows_updated", partition.rows_updated}});
    }
    void on_progress(const backfill::Progress& progress) override
    {
        m_progress.update(progress.rows_updated, progress.estimated_total,
                          fmt::format("partition {} ({}/{} done)", progress.current_partition, progress.partitions_finished,
                                      progress.partitions_total));
    }
    void on_throttle(std::string_view reason, Millis duration) override
    {
        m_log.debug(fmt::format("backfill throttled for {}: {}", plan::format_millis(duration), reason));
    }
    void on_retry(std::string_view sqlstate, int attempt, Millis backoff) override
    {
        m_log.event(report::Level::info, "backfill_retry",
                    fmt::format("backfill batch retried (SQLSTATE {}), attempt {}, after {}", sqlstate, attempt,
                                plan::format_millis(backoff)));
    }
    void debug(std::string_view message) override { m_log.debug(message); }
    void finish(std::string_view outcome) { m_progress.finish(outcome); }

private:
    report::Logger& m_log;
    report::StepProgress m_progress;
};

history::StepRecord step_record(const catalog::Migration& migration, const plan::Step& step, int attempts,
                                history::StepStatus status = history::StepStatus::succeeded, Millis duration = Millis(0))
{
    history::StepRecord record;
    record.version = history::canonical_version(migration.version);
    record.step_index = step.index;
    record.kind = std::string(plan::step_kind_name(step.kind));
    record.status = status;
    record.attempts = attempts;
    record.duration = duration;
    record.text_checksum = plan::step_text_checksum(step);
    return record;
}

} // namespace

struct StepExecutor::Attempt {
    int number = 1;
    Millis lock_timeout{0};
    bool waited_on_lock = false;
    Millis lock_waited{0};
    long long rows = 0;
    std::string cancel_reason;
    std::set<int> blocker_pids_logged;
    std::vector<std::string> blockers;
    const sql::Statement* current = nullptr;
};

StepExecutor::StepExecutor(const RunnerOptions& options, report::Logger& log)
    : m_options(with_run_id(options)), m_log(log),
      m_connection(pg::Connection::connect(m_options.conninfo, locks::session_name(m_options.run_id, locks::k_role_work))),
      m_probe(make_wait_probe(m_options.conninfo, m_options.terminate_blockers,
                              locks::session_name(m_options.run_id, locks::k_role_watch), m_options.terminate_superusers,
                              m_options.terminate_other_databases)),
      m_random(std::random_device{}())
{
}

void StepExecutor::reconnect()
{
    m_connection = pg::Connection::connect(m_options.conninfo, locks::session_name(m_options.run_id, locks::k_role_work));
}

void StepExecutor::set_application_name(std::string_view role)
{
    m_connection.exec("SET application_name = " + pg::quote_literal(locks::session_name(m_options.run_id, role)));
}

void StepExecutor::rollback_quietly() noexcept
{
    try {
        if (m_connection.is_ok() && m_connection.in_transaction()) {
            m_connection.exec("ROLLBACK");
        }
    } catch (...) {
        // The connection is gone or unusable: the server rolled the transaction back.
    }
}

void StepExecutor::set_session_policy(const plan::Policy& policy, Millis lock_timeout, bool local)
{
    const char* scope = local ? "SET LOCAL" : "SET";
    m_connection.exec(fmt::format("{0} lock_timeout = '{1}ms'; {0} statement_timeout = '{2}ms'; "
                                  "{0} idle_in_transaction_session_timeout = '{3}ms'",
                                  scope, lock_timeout.count(), policy.statement_timeout.count(),
                                  policy.idle_in_transaction_timeout.count()));
}

void StepExecutor::execute_watched(const sql::Statement& statement, const plan::Policy& policy, Attempt& attempt)
{
    attempt.current = &statement;
    const int pid = m_connection.backend_pid();
    m_connection.send(statement.text);
    const auto started = Clock::now();
    auto last_tick = started;
    bool cancelled = false;
    while (true) {
        auto result = m_connection.wait(Millis(20));
        if (result) {
            attempt.rows += result->affected_rows();
            return;
        }
        if (since(started) < Millis(50)) {
            continue; // fast statements never pay for a probe
        }
        WaitSnapshot snapshot;
        try {
            snapshot = m_probe->probe(pid);
        } catch (const pg::SqlError& error) {
            m_log.debug(fmt::format("lock watch query failed: {}", error.what()));
            continue;
        }
        const auto now = Clock::now();
        if (!snapshot.waiting) {
            last_tick = now;
            continue;
        }
        attempt.waited_on_lock = true;
        attempt.lock_waited += std::chrono::duration_cast<Millis>(now - last_tick);
        last_tick = now;
        for (const auto& blocker : snapshot.blockers) {
            if (attempt.blocker_pids_logged.insert(blocker.pid).second) {
                attempt.blockers.push_back(blocker.describe());
                m_log.event(report::Level::warn, "lock_wait",
                            fmt::format("waiting for {} (attempt {}, lock_timeout {}): blocked by {}", snapshot.waiting_for,
                                        attempt.number, plan::format_millis(attempt.lock_timeout), blocker.describe()),
                            {{"blocker_pid", blocker.pid}, {"blocker_state", blocker.state}, {"blocker_query", blocker.query},
                             {"blocker_application", blocker.application}, {"waiting_for", snapshot.waiting_for}});
            }
            if (auto reason = m_probe->should_terminate(blocker)) {
                const bool terminated = m_probe->terminate(blocker.pid, *reason);
                m_log.event(report::Level::warn, "blocker_terminated",
                            fmt::format("{} blocker {}: {}", terminated ? "terminated" : "could not terminate", blocker.describe(), *reason),
                            {{"pid", blocker.pid}, {"terminated", terminated}});
            }
        }
        if (!cancelled && policy.max_queued_sessions > 0 && snapshot.queued_behind >= policy.max_queued_sessions) {
            attempt.cancel_reason = fmt::format("{} application sessions queued behind it", snapshot.queued_behind);
            m_log.event(report::Level::warn, "attempt_cancelled",
                        fmt::format("cancelling attempt {}: {} (limit {})", attempt.number, attempt.cancel_reason,
                                    policy.max_queued_sessions),
                        {{"queued", snapshot.queued_behind}});
            m_connection.cancel_handle().cancel();
            cancelled = true;
        }
    }
}

bool StepExecutor::wait_for_clear_path(const plan::Step& step, Millis limit, Attempt& attempt)
{
    if (!sql::lock_blocks_writes(step.strongest_lock)) {
        return false;
    }
    const auto relations = relations_of(step);
    if (relations.empty()) {
        return false;
    }
    const auto started = Clock::now();
    std::set<int> announced;
    bool waited = false;
    while (since(started) < limit) {
        std::vector<BlockerView> holders;
        try {
            for (const auto& [mode, names] : relations) {
                for (auto& holder : m_probe->conflicting_holders(names, mode, m_connection.backend_pid())) {
                    if (std::none_of(holders.begin(), holders.end(), [&](const BlockerView& seen) { return seen.pid == holder.pid; })) {
                        holders.push_back(std::move(holder));
                    }
                }
            }
        } catch (const pg::SqlError& error) {
            m_log.debug(fmt::format("lock watch query failed: {}", error.what()));
            return waited;
        }
        // Short application transactions (even between their statements, briefly idle in transaction)
        // finish within our lock_timeout; only transactions already older than it would make the attempt fail.
        std::erase_if(holders, [&](const BlockerView& holder) { return holder.transaction_age < attempt.lock_timeout; });
        if (holders.empty()) {
            return waited;
        }
        waited = true;
        const auto tick_started = Clock::now();
        for (const auto& holder : holders) {
            if (announced.insert(holder.pid).second) {
                if (attempt.blocker_pids_logged.insert(holder.pid).second) {
                    attempt.blockers.push_back(holder.describe());
                }
                m_log.event(report::Level::info, "path_blocked",
                            fmt::format("before attempt {}: {} holds a conflicting lock; waiting for it to finish",
                                        attempt.number, holder.describe()),
                            {{"blocker_pid", holder.pid}});
            }
            if (auto reason = m_probe->should_terminate(holder)) {
                const bool terminated = m_probe->terminate(holder.pid, *reason);
                m_log.event(report::Level::warn, "blocker_terminated",
                            fmt::format("{} {}: {}", terminated ? "terminated" : "could not terminate", holder.describe(), *reason),
                            {{"pid", holder.pid}, {"terminated", terminated}});
            }
        }
        std::this_thread::sleep_for(Millis(50));
        attempt.lock_waited += since(tick_started);
    }
    return waited;
}

bool StepExecutor::prepare_concurrent_index(const sql::Statement& statement, Attempt& attempt)
{
    const auto name = qualified_index(statement);
    const auto state = m_connection.exec_params(
        "SELECT i.indisvalid, i.indexrelid::bigint, "
        "       EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid) "
        "FROM pg_index i WHERE i.indexrelid = to_regclass($1)",
        {name});
    if (state.rows() == 0) {
        return false;
    }
    if (state.get_bool(0, 0)) {
        return !statement.if_not_exists; // with IF NOT EXISTS the statement itself is a harmless no-op
    }
    if (state.get_bool(0, 2)) {
        throw pg::SqlError(pg::ErrorFields{pg::sqlstate::lock_not_available, "ERROR",
                                           fmt::format("index {} is being built by another session", name), "", "", "", {}, "", "",
                                           "", "", statement.text});
    }
    m_log.event(report::Level::warn, "invalid_index_dropped",
                fmt::format("index {} exists but is INVALID (a failed concurrent build): dropping it concurrently before "
                            "building it again (attempt {})",
                            name, attempt.number),
                {{"index", name}});
    m_connection.exec("DROP INDEX CONCURRENTLY IF EXISTS " + name);
    return false;
}

void StepExecutor::verify_concurrent_index(const sql::Statement& statement)
{
    const auto name = qualified_index(statement);
    const auto state = m_connection.exec_params("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)", {name});
    if (state.rows() == 1 && !state.get_bool(0, 0)) {
        // Retryable: the next attempt drops the INVALID index and builds it again.
        throw pg::SqlError(pg::ErrorFields{pg::sqlstate::lock_not_available, "ERROR",
                                           fmt::format("index {} was left INVALID by the concurrent build", name), "", "", "",
                                           {}, "", "", "", "", statement.text});
    }
}

void StepExecutor::attempt_group(const catalog::Migration& migration, const plan::Step& step, history::HistoryStore* store,
                                 Attempt& attempt)
{
    m_connection.exec("BEGIN");
    set_session_policy(step.policy, attempt.lock_timeout, true);
    for (const auto& statement : step.statements) {
        execute_watched(statement, step.policy, attempt);
    }
    if (store != nullptr) {
        const auto sql_record = store->step_done_sql(step_record(migration, step, attempt.number));
        m_connection.exec_params(sql_record.sql, sql_record.params);
    }
    m_connection.exec("COMMIT");
}

void StepExecutor::attempt_autocommit(const catalog::Migration& migration, const plan::Step& step, history::HistoryStore* store,
                                      Attempt& attempt)
{
    const auto& statement = step.statements.front();
    set_session_policy(step.policy, attempt.lock_timeout, false);
    bool skip = false;
    if (is_concurrent_index_build(statement)) {
        skip = prepare_concurrent_index(statement, attempt);
        if (skip) {
            m_log.info(fmt::format("index {} already exists and is valid (an earlier run built it)", statement.index->name));
        }
    } else if (is_concurrent_index_drop(statement) && !statement.if_exists) {
        const auto exists = m_connection.exec_params("SELECT to_regclass($1) IS NOT NULL", {qualified_index(statement)});
        skip = !exists.get_bool(0, 0);
    }
    if (!skip) {
        execute_watched(statement, step.policy, attempt);
        if (is_concurrent_index_build(statement)) {
            verify_concurrent_index(statement);
        }
    }
    m_connection.exec("RESET lock_timeout; RESET statement_timeout; RESET idle_in_transaction_session_timeout");
    if (store != nullptr) {
        store->record_step_done(m_connection, step_record(migration, step, attempt.number));
    }
}

long long StepExecutor::run_backfill_step(const catalog::Migration& migration, const plan::Step& step, history::HistoryStore* store,
                                          StepOutcome& outcome)
{
    if (!step.backfill_spec) {
        // plan_migration sets it on every backfill step of a plan without errors, and a plan
        // with errors never runs: reaching this is a bug, not a bad migration.
        throw StepFailure(core::ExitCode::internal, "backfill step without a parsed spec", "This is a bug in lockwise; please report it.",
                          migration.display_path, outcome);
    }
    const auto& spec = *step.backfill_spec;
    set_session_policy(step.policy, step.policy.lock_timeout, false); // validation reads the catalog: never queue behind DDL
    const auto errors = backfill::validate_against_database(m_connection, spec);
    if (!errors.empty()) {
        std::string message;
        for (const auto& error : errors) {
            message += catalog::render(error);
        }
        throw StepFailure(core::ExitCode::usage, "invalid backfill:\n" + message, "Fix the backfill directive or statement.",
                          fmt::format("{}:{}:{}", migration.display_path, errors.front().line, errors.front().column), outcome);
    }
    backfill::BackfillOptions options;
    options.migration_version = history::canonical_version(migration.version);
    options.step_index = step.index;
    options.progress_schema = m_options.history.schema;
    options.stop_requested = m_options.stop_requested;
    options.lock_timeout = step.policy.lock_timeout;
    options.statement_timeout = step.policy.statement_timeout;
    options.idle_in_transaction_timeout = step.policy.idle_in_transaction_timeout;
    BackfillLog observer(m_log, fmt::format("backfill {}", spec.table));
    // While it runs batches the work connection says so: a later run ends it as a backfill orphan.
    set_application_name(locks::k_role_backfill);
    const auto result = backfill::run_backfill(m_connection, spec, options, observer);
    set_application_name(locks::k_role_work);
    observer.finish(result.interrupted ? "interrupted" : "done");
    m_log.event(report::Level::info, "backfill_done",
                fmt::format("backfill of {}: {} rows updated in {} batches, {} partitions, {} retries, {} throttle pauses{}{}",
                            spec.table, result.rows_updated, result.batches, result.partitions, result.retries,
                            result.throttle_events, result.resumed ? ", resumed from checkpoint" : "",
                            result.rows_left_locked > 0 ? fmt::format(", {} rows still held by the application were left pending",
                                                                      result.rows_left_locked)
                                                        : ""),
                {{"rows_updated", result.rows_updated}, {"batches", result.batches}, {"retries", result.retries},
                 {"throttle_events", result.throttle_events}, {"rows_left_locked", result.rows_left_locked},
                 {"elapsed_ms", result.elapsed.count()}});
    if (result.rows_left_locked > 0) {
        m_log.warn(fmt::format("{} rows were held by the application through every pass; run `lockwise migrate` again later "
                               "or raise passes= on the backfill directive",
                               result.rows_left_locked));
    }
    if (result.interrupted) {
        outcome.outcome = "interrupted";
        return result.rows_updated;
    }
    if (store != nullptr) {
        store->record_step_done(m_connection, step_record(migration, step, 1, history::StepStatus::succeeded, result.elapsed));
    }
    return result.rows_updated;
}

StepOutcome StepExecutor::run_step(const catalog::Migration& migration, const plan::Step& step, int steps_total,
                                   history::HistoryStore* store)
{
    StepOutcome outcome;
    outcome.version = migration.version.text;
    outcome.description = migration.description;
    outcome.step = step.index + 1;
    outcome.steps_total = steps_total;
    outcome.kind = std::string(plan::step_kind_name(step.kind));
    outcome.policy_class = std::string(plan::policy_class_name(step.policy_class));
    outcome.summary = step.summary();
    outcome.lock = std::string(sql::lock_mode_name(step.strongest_lock));
    outcome.started = std::chrono::system_clock::now();
    const auto started = Clock::now();
    // On a terminal the step lines are detail (-v): the live lines, "applied ..." and the summary table say it.
    const auto step_level = report::StepProgress::detail_level(m_log, report::Level::info);
    m_log.event(step_level, "step_started",
                fmt::format("{} step {}/{} {} [{}]: {}", migration.version.text, outcome.step, steps_total, outcome.kind,
                            outcome.policy_class, outcome.summary),
                {{"version", migration.version.text}, {"step", outcome.step}, {"kind", outcome.kind}, {"lock", outcome.lock}});
    auto finish = [&](std::string result) {
        outcome.outcome = std::move(result);
        outcome.duration = since(started);
        outcome.finished = std::chrono::system_clock::now();
    };

    if (step.kind == plan::StepKind::backfill) {
        try {
            outcome.rows = run_backfill_step(migration, step, store, outcome);
            outcome.attempts = 1;
            finish(outcome.outcome == "interrupted" ? "interrupted" : "applied");
            return outcome;
        } catch (const StepFailure&) {
            throw;
        } catch (const pg::SqlError& error) {
            finish("failed");
            throw StepFailure(core::ExitCode::migration_failed, fmt::format("backfill failed: {}", describe_error(error)),
                              "Committed batches are checkpointed; fix the cause and run `lockwise migrate` again to resume.",
                              error_position(migration, step.statements.front(), error), outcome);
        }
    }

    const auto& policy = step.policy;
    Attempt attempt;
    for (attempt.number = 1;; ++attempt.number) {
        attempt.lock_timeout = plan::lock_timeout_for_attempt(policy, attempt.number);
        attempt.cancel_reason.clear();
        attempt.waited_on_lock = false;
        attempt.rows = 0;
        attempt.current = nullptr;
        try {
            if (!m_connection.is_ok()) {
                reconnect();
            }
            if (attempt.number == 1) {
                wait_for_clear_path(step, std::min(policy.backoff_max, policy.retry_budget), attempt);
            }
            if (step.kind == plan::StepKind::transactional_group) {
                attempt_group(migration, step, store, attempt);
            } else {
                attempt_autocommit(migration, step, store, attempt);
            }
            outcome.attempts = attempt.number;
            outcome.rows = attempt.rows;
            outcome.lock_waited += attempt.lock_waited;
            outcome.blockers.insert(outcome.blockers.end(), attempt.blockers.begin(), attempt.blockers.end());
            finish("applied");
            m_log.event(step_level, "step_done",
                        fmt::format("{} step {}/{} done in {}{}", migration.version.text, outcome.step, steps_total,
                                    plan::format_millis(outcome.duration),
                                    attempt.number > 1 ? fmt::format(" after {} attempts", attempt.number) : ""),
                        {{"version", migration.version.text}, {"step", outcome.step}, {"duration_ms", outcome.duration.count()},
                         {"attempts", attempt.number}, {"lock_waited_ms", outcome.lock_waited.count()}});
            return outcome;
        } catch (const pg::SqlError& error) {
            rollback_quietly();
            outcome.lock_waited += attempt.lock_waited;
            outcome.attempts = attempt.number;
            outcome.blockers.insert(outcome.blockers.end(), attempt.blockers.begin(), attempt.blockers.end());
            const auto failure = classify_failure(error, attempt.waited_on_lock || !attempt.cancel_reason.empty());
            const auto* failed_statement = attempt.current != nullptr ? attempt.current : &step.statements.front();
            if (failure == FailureClass::connection) {
                try {
                    reconnect();
                    // The connection may have died during COMMIT, after the step (and its record) committed.
                    if (store != nullptr && store->steps_done(history::canonical_version(migration.version)) > step.index) {
                        finish("applied");
                        return outcome;
                    }
                } catch (const pg::SqlError&) {
                    // Still unreachable: the retry budget decides.
                }
            }
            const bool over_budget = since(started) >= policy.retry_budget ||
                                     (policy.max_attempts > 0 && attempt.number >= policy.max_attempts);
            if (!is_retryable(failure) || over_budget) {
                finish(policy.best_effort ? "warned" : "failed");
                const auto position = error_position(migration, *failed_statement, error);
                if (policy.best_effort) {
                    m_log.event(report::Level::warn, "step_best_effort_failed",
                                fmt::format("{} step {}/{} failed but is best-effort, continuing: {} at {}", migration.version.text,
                                            outcome.step, steps_total, describe_error(error), position));
                    try {
                        if (store != nullptr) {
                            store->record_step_done(m_connection, step_record(migration, step, attempt.number,
                                                                              history::StepStatus::warned, outcome.duration));
                        }
                    } catch (const pg::SqlError& record_error) {
                        throw StepFailure(core::ExitCode::migration_failed, describe_error(record_error), "", position, outcome);
                    }
                    return outcome;
                }
                if (!is_retryable(failure)) {
                    throw StepFailure(core::ExitCode::migration_failed,
                                      fmt::format("{} failed at {}: {}", migration.version.text, position, describe_error(error)),
                                      (error.fields().hint.empty() ? std::string() : error.fields().hint + " ") +
                                          "Nothing of this step remains; fix this step (or a later one) and run `lockwise "
                                          "migrate` again: it resumes here with the edited text. Steps that already "
                                          "committed must stay as they ran.",
                                      position, outcome);
                }
                std::string blockers;
                for (const auto& blocker : attempt.blockers) {
                    blockers += "\n  blocked by " + blocker;
                }
                throw StepFailure(core::ExitCode::lock_budget_exhausted,
                                  fmt::format("{} step {}/{} gave up after {} attempts in {}: {}{}", migration.version.text,
                                              outcome.step, steps_total, attempt.number, plan::format_millis(since(started)),
                                              describe_error(error), blockers),
                                  "Something kept holding a conflicting lock; end it (see `lockwise locks`), use "
                                  "--terminate-blockers, or raise the retry budget.",
                                  position, outcome);
            }
            const auto backoff = backoff_for_attempt(policy, attempt.number + 1, m_random);
            m_log.event(report::Level::warn, "attempt_failed",
                        fmt::format("{} step {}/{} attempt {} (lock_timeout {}) failed: {}{}; retrying in {}",
                                    migration.version.text, outcome.step, steps_total, attempt.number,
                                    plan::format_millis(attempt.lock_timeout), describe_error(error),
                                    attempt.cancel_reason.empty() ? "" : " (cancelled: " + attempt.cancel_reason + ")",
                                    plan::format_millis(backoff)),
                        {{"attempt", attempt.number}, {"sqlstate", error.sqlstate()}, {"lock_timeout_ms", attempt.lock_timeout.count()},
                         {"backoff_ms", backoff.count()}});
            // Instead of sleeping blindly: when old transactions hold a conflicting lock, wait (outside
            // the lock queue, where we block nobody) for them to go; otherwise back off with jitter.
            Attempt next;
            next.number = attempt.number + 1;
            next.lock_timeout = plan::lock_timeout_for_attempt(policy, next.number);
            const auto budget_left = policy.retry_budget - since(started);
            const bool waited = wait_for_clear_path(step, std::min(std::max(backoff, policy.backoff_max), budget_left), next);
            outcome.lock_waited += next.lock_waited;
            outcome.blockers.insert(outcome.blockers.end(), next.blockers.begin(), next.blockers.end());
            if (!waited) {
                std::this_thread::sleep_for(backoff);
            }
        }
    }
}

} // namespace lockwise::run
