// The lint stage: rules over classified statements that refuse dangerous
// migrations, each finding saying which lock it takes, what that blocks, and the safe SQL.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/sql/facts.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::lint {

enum class Severity { info, warning, error };
std::string_view severity_name(Severity severity) noexcept; // "info", "warning", "error"

// One rule of the rule set (docs/lint.md lists them all).
struct RuleInfo {
    std::string_view id;       // stable: used in `-- lockwise:allow <id> <reason>` and in JSON
    Severity severity;         // default severity, before grading by context
    std::string_view summary;  // one line
    bool size_sensitive;       // cost grows with the table: graded down on small tables
};

// Every rule, in documentation order.
const std::vector<RuleInfo>& rules();
// The rule with this id, or nullptr.
const RuleInfo* find_rule(std::string_view id) noexcept;

struct Finding {
    std::string rule_id;
    Severity severity = Severity::error;
    std::string file;                  // display path of the migration
    sql::Span span;                    // the statement, or the part of it the finding is about
    std::string message;               // lowercase, one sentence
    std::string table;                 // the relation concerned ("" when none)
    sql::LockMode lock = sql::LockMode::none; // lock held while the operation runs
    std::string lock_blocks;           // "reads and writes", "writes" or "nothing"
    sql::TableWork work = sql::TableWork::none; // how long the lock is held: metadata-only, full scan, rewrite
    std::string safe_alternative;      // SQL to use instead; may be empty
    std::string hint;                  // full sentence(s)
    // Every relation the statement locks, as the lock model predicts it: the named one and those
    // it locks besides (the table of a dropped index, a view over a dropped table, a referenced
    // table), each with its mode and `reason` ("table of leads_idx").
    std::vector<sql::RelationLock> relations;
    bool suppressed = false;           // a `-- lockwise:allow` covers it
    std::string suppression_reason;
};

// Size of a table as the server estimates it.
struct TableFacts {
    long long estimated_rows = -1; // pg_class.reltuples; -1 when never analyzed
    long long total_bytes = 0;     // relpages of the table, its TOAST table and indexes, times block_size
};

// A column's type as known from CREATE TABLE / ADD COLUMN in earlier migrations.
struct KnownColumn {
    std::string type_name;
    std::vector<long> type_modifiers;
    bool is_array = false;
};

// What earlier migrations created: lets ALTER COLUMN TYPE be decided exactly.
struct KnownTable {
    std::map<std::string, KnownColumn> columns;
    std::set<std::string> not_null_checked; // columns with a validated CHECK (col IS NOT NULL)
    std::map<std::string, std::string> not_valid_not_null; // NOT VALID CHECK (col IS NOT NULL): name -> column
};

// What lint knows beyond the SQL text. Everything is optional: without it lint is conservative.
// The oldest PostgreSQL lockwise supports and tests (docs/versions.md); offline lint assumes
// it for syntax that needs a newer server unless told the version.
inline constexpr int k_oldest_supported_server = 130000;
// "13", "17" for a server_version_num (the major version, as PostgreSQL 10+ names releases).
std::string server_version_name(int version_num);

// One backfill-batch-scans-whole verdict: the estimate and the rewrite to use instead.
struct UnscalableBackfill {
    std::string message; // "a batch does not scale: each batch reads ~600,000 call_log rows; ..."
    std::string instead; // the rewrite (SQL)
    std::string hint;
};

struct Context {
    std::optional<int> server_version_num;       // e.g. 150004 (SHOW server_version_num; or lint.server_version)
    // Where server_version_num comes from when it is not the connected server's, for messages:
    // "lint.server_version (lockwise.toml:3:18)". Empty for the connected server, or when unknown.
    std::string server_version_source;
    std::optional<bool> timezone_is_utc;         // SHOW TimeZone is UTC (timestamp -> timestamptz)
    std::map<std::string, TableFacts> tables;    // key: "schema.table", and "table" for search_path tables
    long long small_table_rows = 10'000;         // below this a rewrite or scan is graded down
    std::map<std::string, KnownTable> schema;    // key: "table" (unqualified) or "schema.table"
    // Set when linting against a live database: every relation and type that exists there when the
    // run starts ("schema.name", and "name" for the search_path's schemas). An object absent from it
    // and created by a migration of this run is new for the rest of the run: no application uses it.
    std::optional<std::set<std::string>> existing;
    std::set<std::string> created_in_run; // such objects, as lint_migrations meets them (same keys)
    // Indexes and their tables, foreign keys, views' sources, partitions: read from the live catalog
    // when linting against a database (the lock model's full list of relations per statement).
    std::optional<sql::SchemaFacts> schema_facts;
    std::set<std::string> disabled_rules;               // lint.disable: never reported
    // Backfills whose batch does not scale, as judged against the live database by the cli
    // (backfill::batch_scaling_problem; lint itself runs no query). Key: (file display path,
    // offset of the UPDATE). Empty offline: rule backfill-batch-scans-whole needs a database.
    std::map<std::pair<std::string, std::size_t>, UnscalableBackfill> unscalable_backfills;
    std::map<std::string, Severity> severity_overrides; // lint.severity.<rule>: replaces the default severity
};

// The SQL the cli runs to fill Context::tables; pass its rows to context_from_rows.
// Columns: nspname, relname, reltuples (text), total bytes (text). It reads pg_class only:
// pg_total_relation_size would lock every table, and wait behind any ACCESS EXCLUSIVE lock on one.
inline constexpr std::string_view k_table_facts_query =
    // reltuples is -1 for a table never vacuumed or analysed from PostgreSQL 14 on, but 0 on 13:
    // there a 0 with no pages and no vacuum/analyse yet is reported as unknown (-1) too.
    "SELECT n.nspname, c.relname, "
    "CASE WHEN c.reltuples = 0 AND c.relpages = 0 AND s.last_vacuum IS NULL AND s.last_autovacuum IS NULL "
    "AND s.last_analyze IS NULL AND s.last_autoanalyze IS NULL THEN -1 ELSE c.reltuples::bigint END, "
    "((c.relpages::bigint + coalesce(t.relpages, 0) + coalesce((SELECT sum(i.relpages) FROM pg_index x "
    "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid), 0)) "
    "* current_setting('block_size')::bigint)::bigint "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_class t ON t.oid = c.reltoastrelid "
    "LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid "
    "WHERE c.relkind IN ('r', 'p', 'm') "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
    "ORDER BY n.nspname, c.relname";

// The SQL the cli runs to fill Context::existing; pass its rows to add_existing_objects.
// Columns: nspname, name (relations of every kind; enums, domains and ranges).
inline constexpr std::string_view k_existing_objects_query =
    "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
    "UNION ALL "
    "SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
    "WHERE t.typtype IN ('e', 'd', 'r', 'm') "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

// Fills context.existing from the rows of k_existing_objects_query (each row: 2 text values).
void add_existing_objects(Context& context, const std::vector<std::vector<std::string>>& rows,
                          const std::vector<std::string>& search_path_schemas = {"public"});

// Adds to context.created_in_run what `script` creates that did not exist in the database
// (nothing when context.existing is unset: offline lint knows nothing of what is deployed).
void record_created(Context& context, const sql::ParsedScript& script);

// Builds the table facts from the rows of k_table_facts_query (each row: 4 text values).
// A table in a schema on the search_path is also keyed by its bare name (first schema wins).
Context context_from_rows(const std::vector<std::vector<std::string>>& rows,
                          const std::vector<std::string>& search_path_schemas = {"public"});

// Adds what `script` creates or changes (tables, column types, validated NOT NULL checks)
// to context.schema, so the next migration is linted knowing it.
void record_schema(Context& context, const sql::ParsedScript& script);

struct MigrationLint {
    std::string file;                         // display path
    std::vector<Finding> findings;            // in file order, suppressed ones included
    std::vector<catalog::Diagnostic> errors;   // parse errors and bad suppressions
    std::vector<catalog::Diagnostic> warnings; // suppressions that suppressed nothing
};

// Lints one migration whose up SQL was parsed into `script`.
MigrationLint lint_migration(const catalog::Migration& migration, const sql::ParsedScript& script,
                             const Context& context);

// Parses and lints migrations in order, recording each one's schema into a copy of
// `context` before the next. The one call the cli and the benchmark make.
std::vector<MigrationLint> lint_migrations(const std::vector<catalog::Migration>& migrations,
                                           const Context& context);

// Whether `lint` must stop a run: an unsuppressed error finding or any error.
bool has_blocking_errors(const MigrationLint& lint) noexcept;

struct RenderOptions {
    bool show_suppressed = false;
    bool show_info = true;
};

// Per file: "file:line:col: error[rule]: message", the source line and caret, then
// lock/blocks/work, the safe SQL and the hint. `file_text` is the migration's whole text.
std::string render_human(const MigrationLint& lint, std::string_view file_text,
                         const RenderOptions& options = {});

// {"file":..., "findings":[{rule, severity, line, column, offset, length, message, table,
//  lock, blocks, work, safe_alternative, hint, suppressed, suppression_reason}], "errors":[...], ...}
nlohmann::json to_json(const MigrationLint& lint);

// GitHub Actions workflow commands: "::error file=F,line=L,col=C,title=T::message".
std::string render_github(const MigrationLint& lint, const RenderOptions& options = {});

// "reads and writes", "writes" or "nothing": what an application notices while `mode` is held.
std::string_view blocks_description(sql::LockMode mode) noexcept;

} // namespace lockwise::lint
