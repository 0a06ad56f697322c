// The project's own statement model: what every later stage knows about a SQL
// statement. The PostgreSQL parse tree never leaves sql/ (DuckDB-style): the
// classifier turns it into these types.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockwise::sql {

// Table-level lock modes, weakest to strongest (PostgreSQL manual, "Table-level Locks").
enum class LockMode : int {
    none = 0,
    access_share,           // SELECT
    row_share,              // SELECT FOR UPDATE/SHARE
    row_exclusive,          // INSERT/UPDATE/DELETE
    share_update_exclusive, // VACUUM, CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT
    share,                  // CREATE INDEX
    share_row_exclusive,    // CREATE TRIGGER, ADD FOREIGN KEY
    exclusive,              // REFRESH MATERIALIZED VIEW CONCURRENTLY
    access_exclusive,       // most ALTER TABLE, DROP, TRUNCATE, VACUUM FULL
};

// "AccessExclusiveLock" (the pg_locks.mode spelling).
std::string_view lock_mode_name(LockMode mode) noexcept;
std::optional<LockMode> lock_mode_from_name(std::string_view name) noexcept;
// Whether holding `held` makes a request for `requested` wait (the conflict table).
bool lock_modes_conflict(LockMode held, LockMode requested) noexcept;
// What an application notices while the lock is held (or queued for).
bool lock_blocks_reads(LockMode mode) noexcept;  // conflicts with ACCESS SHARE (plain SELECT)
bool lock_blocks_writes(LockMode mode) noexcept; // conflicts with ROW EXCLUSIVE (INSERT/UPDATE/DELETE)

// How much of the table the statement touches while holding its lock.
enum class TableWork {
    none,          // no table data touched (or a new/empty relation)
    metadata_only, // catalog change only: fast once the lock is granted
    full_scan,     // reads every row (e.g. ADD CONSTRAINT validation, SET NOT NULL check)
    rewrite,       // writes a new copy of the table and its indexes
};
std::string_view table_work_name(TableWork work) noexcept; // "none", "metadata-only", "full-scan", "rewrite"

// A byte range of the migration file, with the 1-based line/column of its start.
struct Span {
    std::size_t offset = 0;
    std::size_t length = 0;
    int line = 1;
    int column = 1;
};

struct RelationLock {
    std::string schema; // "" when unqualified in the SQL
    std::string name;
    LockMode mode = LockMode::none;
    bool created_by_statement = false; // the statement creates this relation (it is new and empty)
    // Why a relation the statement does not name is locked: "table of leads_tenant_idx",
    // "references call_log", "view over leads", "partition of events". "" for a named relation.
    std::string reason;
    bool only = false; // ONLY t: partitions and inheritance children are left alone
};

struct ColumnDef {
    std::string name;
    std::string type_name;          // canonical lowercase PostgreSQL name: "int4", "int8", "varchar",
                                    // "timestamp", "timestamptz", "bpchar", "json", "text", ...
    std::vector<long> type_modifiers; // e.g. {255} for varchar(255), {10, 2} for numeric(10,2)
    bool is_array = false;
    bool not_null = false;
    bool primary_key = false;
    bool unique = false;
    bool has_default = false;
    bool default_is_volatile = false; // default calls a volatile function (random(), clock_timestamp(), nextval(), gen_random_uuid(), ...)
    bool serial = false;              // serial/bigserial/smallserial
    bool identity = false;            // GENERATED ... AS IDENTITY
    bool generated_stored = false;    // GENERATED ALWAYS AS (...) STORED
    std::optional<std::string> references_table; // inline REFERENCES t
};

enum class ConstraintKind { check, foreign_key, unique, primary_key, exclusion, not_null, other };

struct Constraint {
    ConstraintKind kind = ConstraintKind::other;
    std::string name;                    // "" when unnamed
    std::vector<std::string> columns;    // constrained columns (FK: local columns)
    bool not_valid = false;              // ... NOT VALID
    std::optional<std::string> using_index; // UNIQUE/PRIMARY KEY USING INDEX idx
    std::optional<std::string> referenced_table; // foreign keys
    // For CHECK (col IS NOT NULL): the column, so SET NOT NULL can be recognised as safe after it.
    std::optional<std::string> not_null_check_column;
};

// One ALTER TABLE subcommand.
struct AlterAction {
    enum class Kind {
        add_column, drop_column, alter_column_type, set_default, drop_default, set_not_null,
        drop_not_null, add_constraint, validate_constraint, drop_constraint, rename_column,
        rename_table, rename_constraint, set_schema, enable_trigger, disable_trigger,
        attach_partition, detach_partition, set_logged, set_unlogged, set_tablespace,
        set_storage_or_options, set_statistics, cluster_on, owner, replica_identity, inherit,
        row_level_security, add_identity, other,
    };
    Kind kind = Kind::other;
    std::string subcommand;            // human name, e.g. "ADD COLUMN", "ALTER COLUMN TYPE"
    std::string column;                // column the action is about, when any
    std::optional<ColumnDef> column_def;  // ADD COLUMN; ALTER COLUMN TYPE (new type in type_name/type_modifiers)
    std::optional<Constraint> constraint; // ADD CONSTRAINT
    std::string name;                  // constraint/trigger/new name, partition name
    bool has_using = false;            // ALTER COLUMN TYPE ... USING
    bool concurrently = false;         // DETACH PARTITION ... CONCURRENTLY
    bool cascade = false;              // DROP ... CASCADE
    LockMode lock = LockMode::none;    // lock this subcommand alone needs on the table
    TableWork work = TableWork::none;  // without knowing the column's current type; see lint for casts
};

struct IndexInfo {
    std::string name;   // "" when unnamed
    std::string schema;
    std::string table;
    std::vector<std::string> columns; // column names or "(expr)"
    bool unique = false;
    bool concurrently = false;
    bool if_not_exists = false;
    bool partial = false;             // has WHERE
    std::string method;               // "btree", "gin", ...
};

// The pieces of an UPDATE a backfill needs to run it one batch at a time.
struct UpdateInfo {
    std::string schema;
    std::string table;
    std::string alias;       // "" when none: refer to the table by name
    std::vector<std::string> set_columns;
    std::string head_text;   // statement text before the top-level WHERE keyword (all of it if none)
    std::string where_text;  // the top-level WHERE condition's text, "" when there is none
    bool has_from = false;
    bool has_returning = false;
};

// Syntax or a setting that only some server versions accept (see needs-newer-server in lint).
struct ServerFeature {
    int version_num = 0;  // the first server that has it, e.g. 140000
    std::string feature;  // "DETACH PARTITION ... CONCURRENTLY"
};

struct Statement {
    Span span;                // within the migration file
    std::string text;         // the statement's source text, without the trailing semicolon
    std::string kind;         // command tag: "CREATE TABLE", "ALTER TABLE", "CREATE INDEX", "UPDATE", ...
    std::vector<RelationLock> locks; // strongest table-level lock per relation it touches
    bool transactional = true;       // may run inside a transaction block
    bool concurrently = false;       // CREATE/DROP/REINDEX ... CONCURRENTLY, DETACH ... CONCURRENTLY
    bool transaction_control = false; // BEGIN/COMMIT/ROLLBACK/SAVEPOINT/...
    bool if_exists = false;
    bool if_not_exists = false;
    bool cascade = false;
    TableWork work = TableWork::none;  // strongest across its actions
    std::vector<AlterAction> actions;  // ALTER TABLE subcommands, in order
    std::vector<ColumnDef> columns;    // CREATE TABLE columns
    std::vector<Constraint> constraints; // CREATE TABLE table constraints (column constraints too)
    std::optional<IndexInfo> index;    // CREATE INDEX / DROP INDEX / REINDEX
    std::optional<UpdateInfo> update;  // UPDATE
    bool has_where = false;            // UPDATE/DELETE with a WHERE clause
    bool is_trigger_change = false;    // CREATE/DROP TRIGGER, ENABLE/DISABLE TRIGGER
    bool is_copy_from_stdin = false;   // COPY ... FROM STDIN (its data is not SQL)
    std::string enum_type;             // ALTER TYPE ... ADD VALUE: the type; CREATE TYPE AS ENUM
    std::vector<std::string> used_types; // type names referenced (casts, column types) for enum-use checks
    std::vector<ServerFeature> needs_server; // features newer than the oldest supported server (13)
    std::vector<std::string> notes;    // classifier remarks worth showing ("lock depends on subcommands")
    std::string parent_schema;         // CREATE TABLE ... PARTITION OF / INHERITS: the parent
    std::string parent_table;
    std::optional<std::vector<std::string>> insert_columns; // INSERT (cols): the list; nullopt without one
    bool default_values = false;       // INSERT ... DEFAULT VALUES
    bool restart_identity = false;     // TRUNCATE ... RESTART IDENTITY
    bool with_no_data = false;         // REFRESH MATERIALIZED VIEW ... WITH NO DATA
    std::string statistics;            // CREATE/DROP STATISTICS: the statistics object's name
};

struct ParseError {
    Span span;            // where PostgreSQL's parser stopped
    std::string message;  // e.g. "syntax error at or near \"TABL\""
    std::string hint;     // a full sentence saying what to do instead ("" when PostgreSQL has none)
};

struct ParsedScript {
    std::vector<Statement> statements;
    std::vector<ParseError> errors; // every error in the script; statements is empty when non-empty
};

struct SchemaFacts;

// Splits and classifies the SQL in file_text[section_begin, section_end) with
// libpg_query (PostgreSQL 15 grammar). Spans are relative to the whole file.
// Each statement's locks include the relations it locks without naming them, as
// far as `facts` and the script's earlier statements tell (sql/facts.hpp); what
// the script declares is learned into `facts`, so a caller can chain migrations.
ParsedScript parse_script(std::string_view file_text, std::size_t section_begin, std::size_t section_end,
                          SchemaFacts& facts);
// The same with only what the script itself declares.
ParsedScript parse_script(std::string_view file_text, std::size_t section_begin = 0,
                          std::size_t section_end = std::string_view::npos);

} // namespace lockwise::sql
