// The backfill engine: one short transaction per batch (keyset scan, SKIP LOCKED lock,
// the original UPDATE on the locked keys, checkpoint), round-robin over partitions,
// adaptive batch size, throttles, bounded retries; plus the database-side validation.
#include "lockwise/backfill/engine.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "lockwise/core/error.hpp"
#include "lockwise/core/text.hpp"
#include "lockwise/pg/connection.hpp"

namespace lockwise::backfill {

namespace {

using Clock = std::chrono::steady_clock;

// The names the batch SQL is built from, resolved once against the catalog.
struct Target {
    std::string qualified;     // "schema"."table" or "table"
    std::string ref;           // how the UPDATE refers to the row: alias or table name (quoted)
    std::string key;           // quoted key column
    std::string key_name;      // ... unquoted
    std::string key_type;      // format_type of the key
    std::string partition;     // quoted partition column, "" when none
    std::string partition_type;
    std::string pending;       // the predicate, "true" when every row is pending
};

catalog::Diagnostic statement_diagnostic(const BackfillSpec& spec, std::string message, std::string hint)
{
    return catalog::Diagnostic{spec.file, spec.statement_offset, spec.statement_line, spec.statement_column,
                               std::move(message), std::move(hint), {}};
}

catalog::Diagnostic directive_diagnostic(const BackfillSpec& spec, std::string message, std::string hint)
{
    return catalog::Diagnostic{spec.file, spec.directive_offset, spec.directive_line, spec.directive_column,
                               std::move(message), std::move(hint), {}};
}

std::string qualified_name(const BackfillSpec& spec)
{
    if (spec.schema.empty()) {
        return pg::quote_identifier(spec.table);
    }
    return pg::quote_identifier(spec.schema) + "." + pg::quote_identifier(spec.table);
}

std::string from_clause(const Target& target, const BackfillSpec& spec)
{
    return spec.alias.empty() ? target.qualified : target.qualified + " AS " + target.ref;
}

struct ColumnInfo {
    std::string type;
    bool not_null = false;
    int attnum = 0;
};

std::optional<ColumnInfo> column_info(pg::Connection& connection, const std::string& oid, const std::string& name)
{
    const auto result = connection.exec_params(
        "SELECT format_type(atttypid, atttypmod), attnotnull, attnum FROM pg_attribute "
        "WHERE attrelid = $1::oid AND attname = $2 AND attnum > 0 AND NOT attisdropped",
        {oid, name});
    if (result.rows() == 0) {
        return std::nullopt;
    }
    return ColumnInfo{std::string(result.get(0, 0)), result.get_bool(0, 1), static_cast<int>(result.get_int(0, 2))};
}

// Resolves the spec against the catalog, appending every problem to `errors`.
std::optional<Target> resolve_target(pg::Connection& connection, const BackfillSpec& spec,
                                     std::vector<catalog::Diagnostic>& errors)
{
    Target target;
    target.qualified = qualified_name(spec);
    target.ref = pg::quote_identifier(spec.alias.empty() ? spec.table : spec.alias);
    target.pending = spec.pending.empty() ? "true" : spec.pending;
    const auto relation = connection.exec_params(
        "SELECT c.oid::text, c.relkind::text FROM pg_class c WHERE c.oid = to_regclass($1)", {target.qualified});
    if (relation.rows() == 0) {
        errors.push_back(statement_diagnostic(spec, fmt::format("table {} does not exist", target.qualified),
                                              "Create the table in an earlier migration, or fix the UPDATE's table name."));
        return std::nullopt;
    }
    const std::string oid(relation.get(0, 0));
    const auto before = errors.size();

    std::string key_name = spec.key;
    if (key_name.empty()) {
        const auto primary = connection.exec_params(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = $1::oid AND i.indisprimary",
            {oid});
        if (primary.rows() == 0) {
            errors.push_back(directive_diagnostic(spec, fmt::format("table {} has no primary key to walk by", target.qualified),
                                                  "Name a unique NOT NULL column with key=<column>."));
        } else if (primary.rows() > 1) {
            errors.push_back(directive_diagnostic(
                spec, fmt::format("the primary key of {} has {} columns; a backfill walks one key column", target.qualified, primary.rows()),
                "Name a unique NOT NULL single column with key=<column> (add a unique index on one if there is none)."));
        } else {
            key_name = std::string(primary.get(0, 0));
        }
    }
    if (!key_name.empty()) {
        const auto key = column_info(connection, oid, key_name);
        if (!key) {
            errors.push_back(directive_diagnostic(spec, fmt::format("key column \"{}\" does not exist in {}", key_name, target.qualified),
                                                  "Name an existing unique NOT NULL column with key=<column>."));
        } else {
            const auto unique = connection.exec_params(
                "SELECT 1 FROM pg_index WHERE indrelid = $1::oid AND indisunique AND indisvalid AND indpred IS NULL "
                "AND indexprs IS NULL AND indnkeyatts = 1 AND indkey[0] = $2::int2",
                {oid, std::to_string(key->attnum)});
            if (unique.rows() == 0) {
                errors.push_back(directive_diagnostic(
                    spec, fmt::format("key column \"{}\" is not unique", key_name),
                    "The key must identify one row: use the primary key or a column with a valid unique index of its own."));
            } else if (!key->not_null) {
                errors.push_back(directive_diagnostic(spec, fmt::format("key column \"{}\" may be NULL", key_name),
                                                      "A NULL key can't be walked: make it NOT NULL or pick another key."));
            }
            target.key = pg::quote_identifier(key_name);
            target.key_name = key_name;
            target.key_type = key->type;
        }
    }
    if (!spec.partition.empty()) {
        const auto partition = column_info(connection, oid, spec.partition);
        if (!partition) {
            errors.push_back(directive_diagnostic(
                spec, fmt::format("partition column \"{}\" does not exist in {}", spec.partition, target.qualified),
                "Name an existing column with partition=<column>, or drop the option to walk the whole table."));
        } else {
            target.partition = pg::quote_identifier(spec.partition);
            target.partition_type = partition->type;
        }
    }
    if (errors.size() != before) {
        return std::nullopt;
    }
    return target;
}

// EXPLAIN (never executes) the pieces the engine will run, so PostgreSQL's parser and
// analyser judge them: unknown columns, type errors, a predicate that doesn't parse.
void explain_check(pg::Connection& connection, const BackfillSpec& spec, const std::string& sql,
                   std::string_view what, std::string_view hint, std::vector<catalog::Diagnostic>& errors)
{
    try {
        connection.exec("EXPLAIN " + sql);
    } catch (const pg::SqlError& error) {
        if (error.connection_lost()) {
            throw;
        }
        auto diagnostic = statement_diagnostic(spec, fmt::format("{}: {}", what, error.fields().message), std::string(hint));
        if (what.starts_with("pending")) {
            diagnostic = directive_diagnostic(spec, diagnostic.message, diagnostic.hint);
        }
        errors.push_back(std::move(diagnostic));
    }
}

// The migration's UPDATE restricted by `restriction` (a condition on the target's row), with
// `join` (a FROM item the restriction names) added to its FROM list when not empty. `head` and
// `where` default to the UPDATE as written.
std::string update_sql(const BackfillSpec& spec, std::string_view restriction, std::string_view join = {},
                       std::string_view head_text = {}, std::string_view where_text = {})
{
    std::string head(core::trim_space(head_text.empty() ? std::string_view(spec.head_text) : head_text));
    const std::string_view where = head_text.empty() ? std::string_view(spec.where_text) : where_text;
    if (!join.empty()) {
        // On a new line: the head may end with a -- comment.
        head += fmt::format("{}{}", spec.has_from ? "\n , " : "\n FROM ", join);
    }
    if (where.empty()) {
        return fmt::format("{}\n WHERE {}", head, restriction);
    }
    return fmt::format("{}\n WHERE ({}) AND {}", head, where, restriction);
}

// Whether batches run the UPDATE with their key set pushed into its joined subquery: the
// plan proved it safe for a join on pushdown_key, and that is the column the walk uses.
bool pushed_down(const BackfillSpec& spec, const Target& target)
{
    return !spec.batch_head_text.empty() && spec.pushdown_key == target.key_name;
}

// One batch as one statement (one snapshot, one round trip):
//   keys:    the next `limit` keys of the window, pending or not, in key order. Only key
//            columns are read, so an ordered index scan serves it; the cursor moves past
//            rows that stay pending (a lead with no call), so a pass always ends.
//   locked:  the pending rows among them that nobody holds. FOR NO KEY UPDATE is the lock
//            the UPDATE itself takes, so the app's foreign-key checks (FOR KEY SHARE) pass.
//   updated: the migration's own UPDATE, joined to the rows we hold. The join pulls them
//            one at a time (the planner sees few rows behind = ANY of a parameter and
//            takes a nested loop over them, in key order), so each row is locked right
//            before it is updated rather than all at the start: a row is held for half a
//            batch on average, which halves the application's chance of waiting for one.
//            (On a table of a few hundred rows the planner hashes the locked keys instead,
//            which locks them all first: harmless at that size.)
//            (= ANY(ARRAY(...)) rather than IN in `locked`: the index scan then visits the
//            keys in order, the heap pages once each; a hashed IN visits them in hash order.)
//   held:    pending rows we could not lock: the application holds them; revisited later.
//            Only looked for when fewer keys were locked than read (a one-time filter:
//            the scan doesn't run otherwise): in a first pass every key is usually locked,
//            and the look cost ~5% of a batch (measured on the bench's 1M-lead table).
//            It is read after lockwise_updated in the final SELECT, so counting the locked
//            rows doesn't lock them all before the UPDATE pulls them one at a time.
// `window` is "<conditions> AND "; `hi` bounds the key, `limit` the batch (SQL expressions).
std::string batch_sql(const BackfillSpec& spec, const Target& target, std::string_view window, std::string_view hi,
                      std::string_view limit)
{
    const auto from = from_clause(target, spec);
    const auto key = fmt::format("{}.{}", target.ref, target.key);
    return fmt::format(
        "WITH lockwise_keys AS MATERIALIZED (\n"
        "  SELECT {key} AS k FROM {from} WHERE {window}{key} <= {hi} ORDER BY {key} LIMIT {limit}),\n"
        "lockwise_locked AS MATERIALIZED (\n"
        "  SELECT {key} AS k FROM {from} WHERE {key} = ANY(ARRAY(SELECT k FROM lockwise_keys)) AND ({pending})\n"
        "  FOR NO KEY UPDATE OF {ref} SKIP LOCKED),\n"
        "lockwise_updated AS (\n{update}\n RETURNING 1),\n"
        "lockwise_held AS MATERIALIZED (\n"
        "  SELECT {key} AS k FROM {from}\n"
        "   WHERE (SELECT count(*) FROM lockwise_locked) < (SELECT count(*) FROM lockwise_keys)\n"
        "     AND {key} IN (SELECT k FROM lockwise_keys EXCEPT SELECT k FROM lockwise_locked) AND ({pending}))\n"
        "SELECT s.n, s.hi, (SELECT count(*) FROM lockwise_updated),\n"
        "       (SELECT count(*) FROM lockwise_held), (SELECT min(k)::text FROM lockwise_held), (SELECT max(k)::text FROM lockwise_held)\n"
        "  FROM (SELECT count(*) AS n, max(k)::text AS hi FROM lockwise_keys) AS s",
        fmt::arg("key", key), fmt::arg("from", from), fmt::arg("window", window), fmt::arg("hi", hi),
        fmt::arg("limit", limit), fmt::arg("pending", target.pending),
        fmt::arg("ref", target.ref), fmt::arg("update", pushed_down(spec, target)
                                ? update_sql(spec, fmt::format("{} = lockwise_locked.k", key), "lockwise_locked", spec.batch_head_text,
                                             spec.batch_where_text)
                                : update_sql(spec, fmt::format("{} = lockwise_locked.k", key), "lockwise_locked")));
}

// Per-partition walking state; what the checkpoint row holds.
struct PartitionState {
    std::string value;
    bool is_null = false;
    std::optional<std::string> range_max; // bound taken when the backfill started; nullopt = empty
    std::optional<std::string> cursor;    // last key scanned in this pass
    int pass = 1;
    std::optional<std::string> pass_lo;   // passes > 1 walk only [pass_lo, pass_hi]
    std::optional<std::string> pass_hi;
    std::optional<std::string> skip_lo;   // keys skipped (held by the app) in this pass
    std::optional<std::string> skip_hi;
    long long skipped = 0;                // rows skipped in this pass
    long long rows_updated = 0;
    long long rows_scanned = 0;
    bool done = false;
    // Not checkpointed.
    Clock::time_point not_before{};
    bool announced = false;
    bool window_done = false; // pass 1 has no rows left below the current key window's bound
};

PartitionProgress progress_of(const PartitionState& state)
{
    return PartitionProgress{state.value, state.is_null, state.rows_updated, state.rows_scanned, state.pass, state.done};
}

std::optional<std::string> optional_value(const pg::Result& result, int row, int column)
{
    return result.value(row, column);
}

pg::Params::value_type param(const std::optional<std::string>& value)
{
    return value;
}

class Engine {
public:
    Engine(pg::Connection& connection, const BackfillSpec& spec, const BackfillOptions& options,
           BackfillObserver& observer, Target target)
        : m_connection(connection), m_spec(spec), m_options(options), m_observer(observer), m_target(std::move(target)),
          m_progress_table(pg::quote_identifier(options.progress_schema) + ".backfill_progress"),
          m_batch(spec.fixed_batch.value_or(spec.initial_batch)), m_random(std::random_device{}())
    {
    }

    BackfillResult run();

private:
    void ensure_progress_table();
    bool load_checkpoint();
    void start_checkpoint();
    std::optional<long long> estimate_total();
    bool stop_requested() const
    {
        return m_options.stop_requested != nullptr && m_options.stop_requested->load();
    }
    void begin_batch_transaction();
    // Runs one batch of `state` in its own transaction; returns the new state (committed).
    PartitionState run_batch(const PartitionState& state, BatchReport& report);
    PartitionState run_batch_with_retry(const PartitionState& state, BatchReport& report);
    void write_checkpoint(const PartitionState& state);
    // Moves the key window past its current bound; see the comment in run().
    void advance_window();
    bool windowed(const PartitionState& state) const
    {
        return m_window_hi.has_value() && state.pass == 1;
    }
    void adapt_batch_size(const BatchReport& report);
    void throttle_before_batch();
    void throttle_after_batch();
    void sleep_throttled(std::string_view reason, Millis duration);

    pg::Connection& m_connection;
    const BackfillSpec& m_spec;
    const BackfillOptions& m_options;
    BackfillObserver& m_observer;
    Target m_target;
    std::string m_progress_table;
    long long m_batch;
    std::mt19937 m_random;
    std::vector<PartitionState> m_partitions;
    BackfillResult m_result;
    Clock::time_point m_started = Clock::now();
    long long m_rows_before = 0;    // rows_updated checkpointed by earlier runs
    long long m_scanned_before = 0;
    std::optional<std::string> m_window_hi; // pass-1 batches stay at or below this key; nullopt = no window
};

void Engine::ensure_progress_table()
{
    // Both statements are idempotent; a short lock_timeout keeps a busy catalog from stalling us.
    m_connection.exec(fmt::format(
        "SET lock_timeout = '5s';\n"
        "CREATE SCHEMA IF NOT EXISTS {0};\n"
        "CREATE TABLE IF NOT EXISTS {1} (\n"
        "    migration_version text NOT NULL,\n"
        "    step_index integer NOT NULL,\n"
        "    partition_value text NOT NULL,\n"
        "    partition_is_null boolean NOT NULL,\n"
        "    range_max text,\n"
        "    last_key text,\n"
        "    pass integer NOT NULL DEFAULT 1,\n"
        "    pass_lo text,\n"
        "    pass_hi text,\n"
        "    skip_lo text,\n"
        "    skip_hi text,\n"
        "    skipped bigint NOT NULL DEFAULT 0,\n"
        "    rows_updated bigint NOT NULL DEFAULT 0,\n"
        "    rows_scanned bigint NOT NULL DEFAULT 0,\n"
        "    done boolean NOT NULL DEFAULT false,\n"
        "    started_at timestamptz NOT NULL DEFAULT now(),\n"
        "    updated_at timestamptz NOT NULL DEFAULT now(),\n"
        "    PRIMARY KEY (migration_version, step_index, partition_value, partition_is_null)\n"
        ");\n"
        "RESET lock_timeout",
        pg::quote_identifier(m_options.progress_schema), m_progress_table));
}

bool Engine::load_checkpoint()
{
    const auto rows = m_connection.exec_params(
        fmt::format("SELECT partition_value, partition_is_null, range_max, last_key, pass, pass_lo, pass_hi, skip_lo, "
                    "skip_hi, skipped, rows_updated, rows_scanned, done FROM {} "
                    "WHERE migration_version = $1 AND step_index = $2::int "
                    "ORDER BY partition_is_null, partition_value",
                    m_progress_table),
        {m_options.migration_version, std::to_string(m_options.step_index)});
    m_partitions.clear();
    for (int row = 0; row < rows.rows(); ++row) {
        PartitionState state;
        state.value = std::string(rows.get(row, 0));
        state.is_null = rows.get_bool(row, 1);
        state.range_max = optional_value(rows, row, 2);
        state.cursor = optional_value(rows, row, 3);
        state.pass = static_cast<int>(rows.get_int(row, 4));
        state.pass_lo = optional_value(rows, row, 5);
        state.pass_hi = optional_value(rows, row, 6);
        state.skip_lo = optional_value(rows, row, 7);
        state.skip_hi = optional_value(rows, row, 8);
        state.skipped = rows.get_int(row, 9);
        state.rows_updated = rows.get_int(row, 10);
        state.rows_scanned = rows.get_int(row, 11);
        state.done = rows.get_bool(row, 12);
        m_rows_before += state.rows_updated;
        m_scanned_before += state.rows_scanned;
        m_partitions.push_back(std::move(state));
    }
    return !m_partitions.empty();
}

// Records the key range of every partition as it is now: rows inserted after this
// point are beyond range_max and are the application's to maintain (docs/backfill.md).
void Engine::start_checkpoint()
{
    m_connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
    try {
        std::string sql;
        if (m_target.partition.empty()) {
            sql = fmt::format("SELECT '', false, max({}.{})::text FROM {}", m_target.ref, m_target.key, from_clause(m_target, m_spec));
        } else {
            sql = fmt::format("SELECT {0}.{1}::text, {0}.{1} IS NULL, max({0}.{2})::text FROM {3} GROUP BY {0}.{1} ORDER BY 2, {0}.{1}",
                              m_target.ref, m_target.partition, m_target.key, from_clause(m_target, m_spec));
        }
        const auto ranges = m_connection.exec(sql);
        m_partitions.clear();
        for (int row = 0; row < ranges.rows(); ++row) {
            PartitionState state;
            state.value = std::string(ranges.get(row, 0));
            state.is_null = ranges.get_bool(row, 1);
            state.range_max = optional_value(ranges, row, 2);
            state.pass_hi = state.range_max;
            state.done = !state.range_max.has_value();
            m_connection.exec_params(
                fmt::format("INSERT INTO {} (migration_version, step_index, partition_value, partition_is_null, range_max, "
                            "pass_hi, done) VALUES ($1, $2::int, $3, $4::boolean, $5, $5, $6::boolean)",
                            m_progress_table),
                {m_options.migration_version, std::to_string(m_options.step_index), state.value,
                 state.is_null ? "true" : "false", state.range_max, state.done ? "true" : "false"});
            m_partitions.push_back(std::move(state));
        }
        m_connection.exec("COMMIT");
    } catch (...) {
        try {
            m_connection.exec("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
}

std::optional<long long> Engine::estimate_total()
{
    try {
        const auto stats = m_connection.exec_params("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)",
                                                    {m_target.qualified});
        const long long tuples = stats.rows() > 0 ? stats.get_int(0, 0) : -1;
        const auto where = fmt::format("FROM {} WHERE ({})", from_clause(m_target, m_spec), m_target.pending);
        if (tuples >= 0 && tuples < m_options.count_estimate_limit) {
            return m_connection.exec("SELECT count(*) " + where, m_options.statement_timeout).get_int(0, 0);
        }
        const auto plan = m_connection.exec("EXPLAIN SELECT 1 " + where);
        const auto first = std::string(plan.get(0, 0));
        const auto at = first.find("rows=");
        if (at != std::string::npos) {
            return std::stoll(first.substr(at + 5));
        }
    } catch (const pg::SqlError& error) {
        if (error.connection_lost()) {
            throw;
        }
        m_observer.debug(fmt::format("no estimate of the rows to do: {}", error.what()));
    }
    return std::nullopt;
}

void Engine::begin_batch_transaction()
{
    const auto lock_timeout = m_spec.lock_timeout.value_or(m_options.lock_timeout);
    const auto statement_timeout = m_spec.statement_timeout.value_or(m_options.statement_timeout);
    // Batches commit synchronously on purpose: with synchronous_commit = off the application's
    // next commit has to flush the batch's WAL, and the application's p99 rose (docs/backfill.md).
    m_connection.exec(fmt::format("BEGIN;\n"
                                  "SET LOCAL lock_timeout = '{}ms';\n"
                                  "SET LOCAL statement_timeout = '{}ms';\n"
                                  "SET LOCAL idle_in_transaction_session_timeout = '{}ms'",
                                  lock_timeout.count(), statement_timeout.count(),
                                  m_options.idle_in_transaction_timeout.count()));
}

PartitionState Engine::run_batch(const PartitionState& state, BatchReport& report)
{
    PartitionState next = state;
    const auto started = Clock::now();
    begin_batch_transaction();

    // The window of this batch: the partition, the pass's range, after the cursor.
    pg::Params params;
    std::vector<std::string> conditions;
    if (!m_target.partition.empty()) {
        if (state.is_null) {
            conditions.push_back(fmt::format("{}.{} IS NULL", m_target.ref, m_target.partition));
        } else {
            params.emplace_back(state.value);
            conditions.push_back(fmt::format("{}.{} = ${}::{}", m_target.ref, m_target.partition, params.size(), m_target.partition_type));
        }
    }
    if (state.cursor) {
        params.emplace_back(state.cursor);
        conditions.push_back(fmt::format("{}.{} > ${}::{}", m_target.ref, m_target.key, params.size(), m_target.key_type));
    } else if (state.pass_lo) {
        params.emplace_back(state.pass_lo);
        conditions.push_back(fmt::format("{}.{} >= ${}::{}", m_target.ref, m_target.key, params.size(), m_target.key_type));
    }
    std::string window;
    for (const auto& condition : conditions) {
        window += condition + " AND ";
    }

    if (windowed(state)) {
        params.emplace_back(m_window_hi);
        window += fmt::format("{}.{} <= ${}::{} AND ", m_target.ref, m_target.key, params.size(), m_target.key_type);
    }
    params.emplace_back(state.pass_hi);
    const auto hi_param = params.size();
    params.emplace_back(std::to_string(m_batch));
    const auto batch = m_connection.exec_params(
        batch_sql(m_spec, m_target, window, fmt::format("${}::{}", hi_param, m_target.key_type),
                  fmt::format("${}::bigint", params.size())),
        params);
    const long long scanned = batch.get_int(0, 0);
    report.partition = state.value;
    report.limit = m_batch;
    report.scanned = scanned;

    const bool pass_over =
        scanned == 0 &&
        (!windowed(state) || m_connection
                                 .exec_params(fmt::format("SELECT $1::{0} >= $2::{0}", m_target.key_type),
                                              {m_window_hi, state.pass_hi})
                                 .get_bool(0, 0));
    if (scanned == 0 && !pass_over) {
        // Nothing left of this partition below the window's bound: wait for the next window.
        next.window_done = true;
    } else if (scanned == 0) {
        // This pass is over. Rows the application held get another pass over their key range.
        if (state.skip_lo && state.pass < m_spec.passes) {
            next.pass = state.pass + 1;
            next.pass_lo = state.skip_lo;
            next.pass_hi = state.skip_hi;
            next.cursor.reset();
            next.skip_lo.reset();
            next.skip_hi.reset();
            next.skipped = 0;
            next.not_before = Clock::now() + m_options.revisit_delay * next.pass;
        } else {
            next.done = true;
        }
    } else {
        report.updated = batch.get_int(0, 2);
        const long long held = batch.get_int(0, 3);
        if (held > 0) {
            if (!next.skip_lo) {
                next.skip_lo = std::string(batch.get(0, 4));
            }
            next.skip_hi = std::string(batch.get(0, 5));
            next.skipped += held;
            report.skipped = held;
        }
        next.cursor = std::string(batch.get(0, 1));
        if (windowed(state) && scanned < m_batch) {
            // The partition's rows below the window's bound are all walked: no empty look needed.
            next.window_done = true;
        }
        next.rows_scanned += scanned;
        next.rows_updated += report.updated;
    }
    if (scanned > 0 || !next.window_done) {
        write_checkpoint(next); // an empty look below the window changed nothing checkpointed
    }
    m_connection.exec("COMMIT");
    report.duration = std::chrono::duration_cast<Millis>(Clock::now() - started);
    return next;
}

void Engine::advance_window()
{
    // A window holds a few batches' worth of rows for each partition: big enough that
    // per-batch overhead stays small, small enough that its pages stay in shared_buffers.
    const long long window_rows =
        m_options.window_rows > 0 ? m_options.window_rows : std::clamp(m_batch * 8, 10000LL, 1000000LL);
    pg::Params params;
    std::string after;
    if (m_window_hi) {
        params.emplace_back(m_window_hi);
        after = fmt::format("WHERE {}.{} > $1::{} ", m_target.ref, m_target.key, m_target.key_type);
    }
    params.emplace_back(std::to_string(window_rows));
    const auto bound = m_connection.exec_params(
        fmt::format("SELECT max(k)::text, count(*) FROM (SELECT {0}.{1} AS k FROM {2} {3}ORDER BY {0}.{1} LIMIT ${4}::bigint) s",
                    m_target.ref, m_target.key, from_clause(m_target, m_spec), after, params.size()),
        params);
    if (bound.get_int(0, 1) < window_rows) {
        // The last window reaches the end of the table: no bound, each pass ends at its range_max.
        m_window_hi.reset();
        m_observer.debug("key window: to the end of the table");
    } else {
        m_window_hi = std::string(bound.get(0, 0));
        m_observer.debug(fmt::format("key window: up to key {} ({} rows)", *m_window_hi, window_rows));
    }
}

void Engine::write_checkpoint(const PartitionState& state)
{
    m_connection.exec_params(
        fmt::format("UPDATE {} SET last_key = $5, pass = $6::int, pass_lo = $7, pass_hi = $8, skip_lo = $9, skip_hi = $10, "
                    "skipped = $11::bigint, rows_updated = $12::bigint, rows_scanned = $13::bigint, done = $14::boolean, "
                    "updated_at = now() "
                    "WHERE migration_version = $1 AND step_index = $2::int AND partition_value = $3 AND partition_is_null = $4::boolean",
                    m_progress_table),
        {m_options.migration_version, std::to_string(m_options.step_index), state.value, state.is_null ? "true" : "false",
         param(state.cursor), std::to_string(state.pass), param(state.pass_lo), param(state.pass_hi), param(state.skip_lo),
         param(state.skip_hi), std::to_string(state.skipped), std::to_string(state.rows_updated),
         std::to_string(state.rows_scanned), state.done ? "true" : "false"});
}

bool is_retryable(const std::string& sqlstate)
{
    return sqlstate == pg::sqlstate::lock_not_available || sqlstate == pg::sqlstate::deadlock_detected ||
           sqlstate == pg::sqlstate::serialization_failure || sqlstate == pg::sqlstate::query_canceled;
}

PartitionState Engine::run_batch_with_retry(const PartitionState& state, BatchReport& report)
{
    for (int attempt = 1;; ++attempt) {
        try {
            report = BatchReport{};
            return run_batch(state, report);
        } catch (const pg::SqlError& error) {
            if (!error.connection_lost()) {
                try {
                    m_connection.exec("ROLLBACK");
                } catch (const pg::SqlError&) {
                }
            }
            if (error.connection_lost() || !is_retryable(error.sqlstate()) || attempt > m_options.max_retries) {
                throw;
            }
            if (error.sqlstate() == pg::sqlstate::query_canceled && !m_spec.fixed_batch) {
                // A batch too slow for statement_timeout: retry it smaller.
                m_batch = std::max(m_spec.min_batch, m_batch / 2);
            }
            const auto ceiling = std::min(m_options.retry_backoff_max.count(), m_options.retry_backoff.count() << std::min(attempt - 1, 20));
            std::uniform_int_distribution<long long> jitter(ceiling / 2, std::max(ceiling / 2, ceiling));
            const Millis backoff(jitter(m_random));
            ++m_result.retries;
            m_observer.on_retry(error.sqlstate(), attempt, backoff);
            m_observer.debug(fmt::format("batch of partition {} failed with {} ({}); retry {} in {} ms", state.value,
                                         error.sqlstate(), error.fields().message, attempt, backoff.count()));
            std::this_thread::sleep_for(backoff);
        }
    }
}

void Engine::adapt_batch_size(const BatchReport& report)
{
    if (m_spec.fixed_batch || report.scanned < std::max<long long>(1, report.limit / 2)) {
        return; // a partition's short tail says nothing about the per-row cost
    }
    const double ms = std::max<double>(1.0, static_cast<double>(report.duration.count()));
    const double ideal = static_cast<double>(report.scanned) * static_cast<double>(m_spec.target.count()) / ms;
    // At most double or halve per batch, so one noisy batch can't swing it far.
    const double bounded = std::clamp(ideal, static_cast<double>(m_batch) / 2, static_cast<double>(m_batch) * 2);
    const auto next = std::clamp(static_cast<long long>(bounded), m_spec.min_batch, m_spec.max_batch);
    if (next != m_batch) {
        m_observer.debug(fmt::format("batch size {} -> {} ({} rows in {} ms, target {} ms)", m_batch, next, report.scanned,
                                     report.duration.count(), m_spec.target.count()));
        m_batch = next;
    }
}

void Engine::sleep_throttled(std::string_view reason, Millis duration)
{
    ++m_result.throttle_events;
    m_result.throttled += duration;
    m_observer.debug(fmt::format("throttle: {} for {} ms", reason, duration.count()));
    m_observer.on_throttle(reason, duration);
    std::this_thread::sleep_for(duration);
}

void Engine::throttle_before_batch()
{
    if (!m_spec.max_lag && !m_spec.max_lag_bytes) {
        return;
    }
    const auto waiting_since = Clock::now();
    bool waited = false;
    while (!stop_requested()) {
        const auto lag = m_connection.exec(
            "SELECT COALESCE(max(EXTRACT(epoch FROM replay_lag) * 1000), 0)::bigint, "
            "COALESCE(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::bigint FROM pg_stat_replication");
        const Millis lag_time(lag.get_int(0, 0));
        const long long lag_bytes = lag.get_int(0, 1);
        std::string reason;
        if (m_spec.max_lag && lag_time > *m_spec.max_lag) {
            reason = fmt::format("replica lag {} ms > max-lag {} ms", lag_time.count(), m_spec.max_lag->count());
        } else if (m_spec.max_lag_bytes && lag_bytes > *m_spec.max_lag_bytes) {
            reason = fmt::format("replica lag {} bytes > max-lag {} bytes", lag_bytes, *m_spec.max_lag_bytes);
        }
        if (reason.empty()) {
            break;
        }
        if (!waited) {
            ++m_result.throttle_events;
            m_observer.on_throttle(reason, m_options.lag_poll);
            waited = true;
        }
        m_observer.debug("throttle: " + reason + fmt::format("; waiting {} ms", m_options.lag_poll.count()));
        std::this_thread::sleep_for(m_options.lag_poll);
    }
    if (waited) {
        const auto waited_for = std::chrono::duration_cast<Millis>(Clock::now() - waiting_since);
        m_result.throttled += waited_for;
        m_observer.debug(fmt::format("throttle: replica lag back under max-lag after {} ms", waited_for.count()));
    }
}

void Engine::throttle_after_batch()
{
    if (m_spec.pause.count() > 0) {
        sleep_throttled("pause", m_spec.pause);
    }
    if (m_spec.max_rate) {
        const auto due = m_started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                         static_cast<double>(m_result.rows_updated) / *m_spec.max_rate));
        const auto now = Clock::now();
        if (due > now) {
            sleep_throttled(fmt::format("max-rate {} rows/s", *m_spec.max_rate),
                            std::chrono::duration_cast<Millis>(due - now) + Millis(1));
        }
    }
}

BackfillResult Engine::run()
{
    ensure_progress_table();
    m_result.resumed = load_checkpoint();
    if (!m_result.resumed) {
        start_checkpoint();
    }
    m_result.partitions = m_partitions.size();
    const auto unfinished = [&] {
        return std::count_if(m_partitions.begin(), m_partitions.end(), [](const auto& p) { return !p.done; });
    };
    if (unfinished() == 0 && m_result.resumed) {
        m_result.already_done = true;
        m_observer.debug("backfill already finished according to its checkpoint: nothing to do");
    } else {
        m_result.estimated_total = estimate_total();
        if (m_result.estimated_total) {
            m_result.estimated_total = *m_result.estimated_total + m_rows_before;
        }
    }

    // Round-robin: one batch per unfinished partition per round, so a huge tenant
    // can't starve the small ones. With several partitions the first pass also sweeps
    // the table in key windows: every partition walks its rows of one window (round-robin)
    // before any starts the next. Partitions interleave in key order (tenants' rows are
    // mixed on the same pages), so walking each partition end to end would visit every
    // page once per partition; a window's pages are visited while they are still cached.
    if (unfinished() > 1) {
        advance_window();
    }
    while (unfinished() > 0) {
        bool ran = false;
        bool window_waits = false;
        auto earliest = Clock::time_point::max();
        for (auto& partition : m_partitions) {
            if (partition.done) {
                continue;
            }
            if (windowed(partition) && partition.window_done) {
                window_waits = true;
                continue;
            }
            if (stop_requested()) {
                m_result.interrupted = true;
                break;
            }
            if (partition.not_before > Clock::now()) {
                earliest = std::min(earliest, partition.not_before);
                continue;
            }
            if (!partition.announced) {
                partition.announced = true;
                m_observer.on_partition_start(progress_of(partition));
            }
            throttle_before_batch();
            if (stop_requested()) {
                m_result.interrupted = true;
                break;
            }
            BatchReport report;
            partition = run_batch_with_retry(partition, report);
            ran = true;
            if (partition.window_done && report.scanned == 0) {
                window_waits = true;
                continue; // an empty look below the window's bound, not a batch
            }
            ++m_result.batches;
            m_result.rows_scanned += report.scanned;
            m_result.rows_updated += report.updated;
            m_observer.on_batch(report);
            if (partition.done) {
                m_observer.on_partition_done(progress_of(partition));
            }
            adapt_batch_size(report);
            const auto seconds = std::chrono::duration<double>(Clock::now() - m_started).count();
            m_observer.on_progress(Progress{m_rows_before + m_result.rows_updated, m_scanned_before + m_result.rows_scanned,
                                            m_result.estimated_total,
                                            seconds > 0 ? static_cast<double>(m_result.rows_updated) / seconds : 0.0,
                                            partition.value, m_partitions.size() - static_cast<std::size_t>(unfinished()),
                                            m_partitions.size()});
            if (report.scanned > 0) {
                throttle_after_batch();
            }
        }
        if (m_result.interrupted) {
            break;
        }
        if (!ran && window_waits) {
            advance_window();
            for (auto& partition : m_partitions) {
                partition.window_done = false;
            }
            continue;
        }
        if (!ran && earliest != Clock::time_point::max()) {
            // Every unfinished partition waits before revisiting rows the app held.
            std::this_thread::sleep_until(std::min(earliest, Clock::now() + Millis(200)));
        }
    }
    for (const auto& partition : m_partitions) {
        m_result.partition_progress.push_back(progress_of(partition));
        if (partition.done) {
            m_result.rows_left_locked += partition.skipped;
        }
    }
    m_result.elapsed = std::chrono::duration_cast<Millis>(Clock::now() - m_started);
    return m_result;
}

} // namespace

std::vector<catalog::Diagnostic> validate_against_database(pg::Connection& connection, const BackfillSpec& spec)
{
    std::vector<catalog::Diagnostic> errors;
    const auto target = resolve_target(connection, spec, errors);
    if (!target) {
        return errors;
    }
    explain_check(connection, spec,
                  fmt::format("SELECT 1 FROM {} WHERE ({})", from_clause(*target, spec), target->pending),
                  "pending predicate does not run", "Write pending as a boolean condition over the UPDATE's table and alias.",
                  errors);
    explain_check(connection, spec, update_sql(spec, "false"), "the UPDATE does not run",
                  "Fix the UPDATE so that it runs as a plain statement first.", errors);
    if (errors.empty()) {
        explain_check(connection, spec, batch_sql(spec, *target, "", "NULL::" + target->key_type, "0"),
                      "the UPDATE does not run as a batch",
                      "lockwise runs the UPDATE inside a WITH query; write it as a single UPDATE without its own WITH "
                      "clause of data-modifying statements.",
                      errors);
    }
    if (errors.empty()) {
        if (auto refusal = batch_scaling_problem(connection, spec)) {
            errors.push_back(std::move(*refusal));
        }
    }
    return errors;
}

std::optional<catalog::Diagnostic> batch_scaling_problem(pg::Connection& connection, const BackfillSpec& spec)
{
    const auto scaling = estimate_batch_scaling(connection, spec);
    if (!scaling || scaling->scales) {
        return std::nullopt;
    }
    auto why = fmt::format("a batch does not scale: {}", describe_batch_scaling(*scaling, spec.table));
    if (!spec.pushdown_problem.empty()) {
        why += fmt::format("; lockwise could not narrow the joined subquery to each batch's keys: {}", spec.pushdown_problem);
    }
    return statement_diagnostic(
        spec, std::move(why),
        fmt::format("Make each batch read only its own rows. instead: a correlated subquery per row, e.g.\n{}\n{}",
                    batch_scaling_rewrite(spec), k_scaling_alternative));
}

std::string batch_scaling_rewrite(const BackfillSpec& spec)
{
    const auto ref = pg::quote_identifier(spec.alias.empty() ? spec.table : spec.alias);
    return fmt::format("  UPDATE {table} AS {ref}\n"
                       "     SET <column> = (SELECT s.<value> FROM <source> AS s WHERE s.<key column> = {ref}.<key> ORDER BY ... LIMIT 1)\n"
                       "   WHERE <pending>;",
                       fmt::arg("table", qualified_name(spec)), fmt::arg("ref", ref));
}

namespace {

// The top plan node of `EXPLAIN (FORMAT JSON, ...) <sql>`.
nlohmann::json explain_json(pg::Connection& connection, std::string_view options, const std::string& sql)
{
    const auto result = connection.exec(fmt::format("EXPLAIN (FORMAT JSON{}) {}", options, sql));
    const auto document = nlohmann::json::parse(std::string(result.get(0, 0)), nullptr, false);
    if (document.is_discarded() || !document.is_array() || document.empty() || !document[0].contains("Plan")) {
        throw core::Error(core::ExitCode::internal, "EXPLAIN returned no plan");
    }
    return document[0];
}

// The scan node (anywhere in the plan) that reads the most rows of one relation. A scan right
// under a LIMIT stops early; its Plan Rows is what it would read without the LIMIT: skipped.
void widest_scan(const nlohmann::json& node, std::string& relation, long long& rows, bool under_limit = false)
{
    if (!under_limit && node.contains("Relation Name") && node.contains("Plan Rows")) {
        const auto estimate = node["Plan Rows"].get<double>() * std::max(1.0, node.value("Plan Loops", 1.0));
        if (estimate > static_cast<double>(rows)) {
            rows = static_cast<long long>(estimate);
            relation = node.contains("Schema") ? node["Schema"].get<std::string>() + "." + node["Relation Name"].get<std::string>()
                                               : node["Relation Name"].get<std::string>();
        }
    }
    if (node.contains("Plans")) {
        for (const auto& child : node["Plans"]) {
            widest_scan(child, relation, rows, node.value("Node Type", "") == "Limit");
        }
    }
}

// 600000 -> "600,000": the figures a reader compares at a glance.
std::string round_count(long long value)
{
    const auto digits = std::to_string(value < 0 ? -value : value);
    std::string out = value < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

} // namespace

std::optional<BatchScaling> estimate_batch_scaling(pg::Connection& connection, const BackfillSpec& spec)
{
    std::vector<catalog::Diagnostic> errors;
    const auto target = resolve_target(connection, spec, errors);
    if (!target || !errors.empty()) {
        return std::nullopt;
    }
    BatchScaling scaling;
    scaling.batch_rows = spec.fixed_batch.value_or(spec.initial_batch);
    try {
        const auto hi = connection.exec(fmt::format("SELECT max({}.{})::text FROM {}", target->ref, target->key, from_clause(*target, spec)));
        if (hi.is_null(0, 0)) {
            return std::nullopt; // an empty table: every batch is free
        }
        const auto bound = fmt::format("{}::{}", pg::quote_literal(hi.get(0, 0)), target->key_type);
        // One batch's work: its keys and the UPDATE on them, as the batch statement joins them.
        // (Not the batch statement itself: the planner would count its held-rows look, which a
        // one-time filter skips in nearly every batch, as a full scan each time.)
        const auto key = fmt::format("{}.{}", target->ref, target->key);
        const auto one_batch = fmt::format(
            "WITH lockwise_locked AS MATERIALIZED (\n"
            "  SELECT {0} AS k FROM {1} WHERE {0} <= {2} AND ({3}) ORDER BY {0} LIMIT {4})\n{5}",
            key, from_clause(*target, spec), bound, target->pending, scaling.batch_rows,
            pushed_down(spec, *target)
                ? update_sql(spec, fmt::format("{} = lockwise_locked.k", key), "lockwise_locked", spec.batch_head_text,
                             spec.batch_where_text)
                : update_sql(spec, fmt::format("{} = lockwise_locked.k", key), "lockwise_locked"));
        const auto batch = explain_json(connection, "", one_batch);
        const auto whole = explain_json(connection, "", update_sql(spec, "true"));
        const auto pending = explain_json(connection, "", fmt::format("SELECT 1 FROM {} WHERE ({})", from_clause(*target, spec), target->pending));
        scaling.batch_cost = batch["Plan"]["Total Cost"].get<double>();
        scaling.whole_cost = whole["Plan"]["Total Cost"].get<double>();
        scaling.rows_to_do = static_cast<long long>(pending["Plan"]["Plan Rows"].get<double>());
        const auto verbose = explain_json(connection, ", VERBOSE", one_batch);
        widest_scan(verbose["Plan"], scaling.widest_scan, scaling.widest_scan_rows);
    } catch (const pg::SqlError& error) {
        if (error.connection_lost()) {
            throw;
        }
        return std::nullopt; // validate_against_database reports why it does not plan
    }
    scaling.batches = std::max(1LL, (scaling.rows_to_do + scaling.batch_rows - 1) / scaling.batch_rows);
    const auto batches_cost = static_cast<double>(scaling.batches) * scaling.batch_cost;
    scaling.scales = batches_cost <= k_batch_work_limit * std::max(scaling.whole_cost, 1.0) ||
                     batches_cost - scaling.whole_cost <= k_batch_waste_floor;
    if (scaling.scales || scaling.widest_scan.empty()) {
        return scaling;
    }
    // Cost into time: a bounded, timed read of the relation the batch reads most of.
    try {
        const auto sample = explain_json(connection, ", ANALYZE",
                                         fmt::format("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT 100000) AS s",
                                                     scaling.widest_scan));
        const auto cost = sample["Plan"]["Total Cost"].get<double>();
        const auto milliseconds = sample["Execution Time"].get<double>();
        if (cost > 0) {
            scaling.seconds = static_cast<double>(scaling.batches) * scaling.batch_cost * milliseconds / cost / 1000.0;
        }
    } catch (const pg::SqlError& error) {
        if (error.connection_lost()) {
            throw;
        }
    }
    return scaling;
}

std::string describe_batch_scaling(const BatchScaling& scaling, std::string_view table)
{
    auto text = fmt::format("each batch reads ~{} {} rows", round_count(scaling.widest_scan_rows),
                            scaling.widest_scan.substr(scaling.widest_scan.find('.') + 1));
    if (scaling.seconds) {
        const auto seconds = *scaling.seconds;
        const auto duration = seconds < 90 ? fmt::format("{:.0f} s", seconds)
                              : seconds < 5400 ? fmt::format("{:.0f} min", seconds / 60) : fmt::format("{:.1f} h", seconds / 3600);
        text += fmt::format("; about {} for {} {} rows", duration, round_count(scaling.rows_to_do), table);
    }
    text += fmt::format(" ({} batches of {}, each estimated at {:.0f}% of the whole UPDATE)", round_count(scaling.batches),
                        round_count(scaling.batch_rows), 100.0 * scaling.batch_cost / std::max(scaling.whole_cost, 1.0));
    return text;
}

BackfillResult run_backfill(pg::Connection& connection, const BackfillSpec& spec, const BackfillOptions& options,
                            BackfillObserver& observer)
{
    auto errors = validate_against_database(connection, spec);
    auto target = errors.empty() ? resolve_target(connection, spec, errors) : std::nullopt;
    if (!errors.empty() || !target) {
        throw core::Error(core::ExitCode::usage, errors.empty() ? "backfill target did not resolve" : errors.front().message,
                          errors.empty() ? std::string() : errors.front().hint);
    }
    Engine engine(connection, spec, options, observer, std::move(*target));
    return engine.run();
}

void forget_backfill(pg::Connection& connection, const BackfillOptions& options)
{
    const auto exists = connection.exec_params("SELECT to_regclass($1) IS NOT NULL",
                                               {pg::quote_identifier(options.progress_schema) + ".backfill_progress"});
    if (!exists.get_bool(0, 0)) {
        return;
    }
    connection.exec_params(fmt::format("DELETE FROM {}.backfill_progress WHERE migration_version = $1 AND step_index = $2::int",
                                       pg::quote_identifier(options.progress_schema)),
                           {options.migration_version, std::to_string(options.step_index)});
}

} // namespace lockwise::backfill
