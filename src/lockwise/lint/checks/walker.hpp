// The walk over one migration's statements that applies the rule set: what the rules share
// (positions, the tables the migration itself created, transactions, findings and grading).
// Each rule family's checks are defined in the file of that family in this folder.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/lint/lint.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::lint::checks {

using sql::AlterAction;
using sql::ConstraintKind;
using sql::LockMode;
using sql::Statement;
using sql::TableWork;

std::string upper(std::string_view text);
std::string lower(std::string_view text);
bool kind_is(const Statement& statement, std::string_view kind);
bool kind_starts(const Statement& statement, std::string_view prefix);
// The statement's first keyword, uppercased (comments before it skipped).
std::string first_keyword(std::string_view text);
std::string qualified(std::string_view schema, std::string_view name);
std::string human_bytes(long long bytes);
// 130000 -> "13", 90600 -> "9.6".
// SQL with CONCURRENTLY inserted after the leading keywords `head` matches.
std::string with_concurrently(const std::string& text, const std::regex& head);

struct PendingConstraint {
    std::string table;
    std::string name;
    std::string not_null_column; // CHECK (col IS NOT NULL)
    bool validated = false;
    int group = -1;
    bool not_valid = false;
};

struct AddedEnumValue {
    std::string type;
    std::string value;
    int group = -1;
    int line = 0;
};

struct StatementPlace {
    int group = 0;              // transaction the statement runs in
    bool in_transaction = false; // inside a transaction block (explicit, or lockwise's own)
    bool in_explicit = false;    // inside the file's own BEGIN ... COMMIT
};

class Walker {
public:
    Walker(const catalog::Migration& migration, const sql::ParsedScript& script, const Context& context);

    MigrationLint run();

private:
    // ---- positions (walker.cpp) -----------------------------------------------------------------

    catalog::Diagnostic diagnostic(std::size_t offset, int line, int column, std::string message,
                                   std::string hint) const;
    // The span of the first whole-word, case-insensitive occurrence of `needle` in the statement.
    sql::Span locate(const Statement& statement, std::string_view needle) const;

    // ---- tables known to this migration (walker.cpp) ---------------------------------------------

    // Created by this migration, or earlier in this run and absent from the database when it started.
    bool is_new_relation(std::string_view schema, std::string_view name) const;
    bool created_in_run(std::string_view schema, std::string_view name) const;
    std::optional<TableFacts> facts(std::string_view schema, std::string_view name) const;
    KnownTable* known_table(std::string_view schema, std::string_view name);
    // The relation a statement is about: its first lock on a relation it did not create.
    const sql::RelationLock* target(const Statement& st) const;
    LockMode strongest_lock(const Statement& st) const;

    // ---- findings (walker.cpp) -------------------------------------------------------------------

    Finding& add_at(std::size_t statement, std::string_view rule_id, sql::Span span, std::string table,
                    LockMode lock, TableWork work, std::string message, std::string safe, std::string hint);
    Finding& add(std::string_view rule_id, sql::Span span, std::string table, LockMode lock, TableWork work,
                 std::string message, std::string safe = {}, std::string hint = {});
    // Size-sensitive findings on a table known to be small are graded down to info; on a
    // known table the size is stated either way.
    void grade(Finding& finding, std::string_view schema, std::string_view name) const;
    bool version_below(int version) const;

    // ---- dispatch and state after each statement (walker.cpp) ------------------------------------

    void lint_statement(const Statement& st);
    void remember(const Statement& st);
    void apply_suppressions();
    void sort_findings();

    // ---- transactions.cpp: nested-transaction, concurrently-in-transaction, lock-table,
    //      multiple-exclusive-locks ------------------------------------------------------------------

    void place_statements();
    void lint_concurrently_in_transaction(const Statement& st);
    void lint_lock_table(const Statement& st);
    // The seed's deadlock: statements of one transaction that write-lock different existing
    // tables. Judged per statement by the table it is about (a statement's own extra locks,
    // e.g. the referenced table of a foreign key, are taken atomically by PostgreSQL).
    void lint_lock_spread(const Statement& st);
    const sql::RelationLock* data_relation(const Statement& st) const;

    // ---- indexes.cpp: index-not-concurrent, drop-index-not-concurrent, reindex-not-concurrent -----

    void lint_create_index(const Statement& st);
    void lint_drop_index(const Statement& st);
    void lint_reindex(const Statement& st);

    // ---- constraints.cpp: foreign-key-not-valid, check-not-valid, unique-without-index,
    //      exclusion-constraint, set-not-null, validate-in-same-transaction ------------------------

    static std::string_view constraint_keyword(ConstraintKind kind);
    void lint_add_constraint(const Statement& st, const AlterAction& action, const std::string& table,
                             const std::string& schema, const std::string& name, bool existing);
    void lint_validate(const Statement& st, const AlterAction& action, sql::Span span, const std::string& table,
                       const std::string& schema, const std::string& name);
    PendingConstraint* not_null_check(const std::string& schema, const std::string& name, const std::string& column);
    void lint_set_not_null(const AlterAction& action, sql::Span span, const std::string& table,
                           const std::string& schema, const std::string& name);

    // ---- columns.cpp: add-column-*, alter-column-type, alter-column-type-family, drop-column,
    //      rename-column ---------------------------------------------------------------------------

    static std::string default_expression(const std::string& text, const std::string& column);
    void lint_add_column(const Statement& st, const AlterAction& action, const std::string& table,
                         const std::string& schema, const std::string& name);
    void lint_alter_type(const Statement& st, const AlterAction& action, sql::Span span, const std::string& table,
                         const std::string& schema, const std::string& name);
    void lint_drop_column(const AlterAction& action, sql::Span span, const std::string& table);
    void lint_rename_column(const AlterAction& action, sql::Span span, const std::string& table);

    // ---- tables.cpp: the ALTER TABLE dispatch; drop-table, rename-table, truncate, vacuum-full,
    //      cluster, table-rewrite, detach-partition-not-concurrent, trigger-on-existing-table,
    //      refresh-matview-not-concurrent, cascade -------------------------------------------------

    void lint_alter_table(const Statement& st);
    void lint_drop_table(const Statement& st);
    void lint_rename_table(const Statement& st, const AlterAction& action, const std::string& table);
    void lint_truncate(const Statement& st);
    void lint_vacuum(const Statement& st);
    void lint_whole_table_rewrite(const Statement& st, std::string_view rule, std::string_view what);
    void lint_table_rewrite(const AlterAction& action, sql::Span span, const std::string& table,
                            const std::string& schema, const std::string& name);
    void lint_detach_partition(const AlterAction& action, sql::Span span, const std::string& table);
    bool trigger_changed_before(const std::string& table);
    void lint_trigger(const Statement& st);
    void lint_toggle_trigger(const AlterAction& action, sql::Span span, const std::string& table);
    void lint_refresh_matview(const Statement& st);
    void lint_cascade(const Statement& st);
    void lint_alter_cascade(const Statement& st, const AlterAction& action, const std::string& table);

    // ---- data.cpp: unbatched-update, unbatched-delete --------------------------------------------

    bool has_backfill_directive(const Statement& st) const;
    void lint_dml(const Statement& st);

    // ---- backfill_scaling.cpp: backfill-batch-scans-whole ---------------------------------------

    void lint_backfill_scaling(const Statement& st);

    // ---- types.cpp: prefer-bigint, prefer-identity, prefer-timestamptz, prefer-text-over-char,
    //      prefer-jsonb, enum-add-value-in-transaction -------------------------------------------

    void lint_types(const Statement& st);
    // ---- versions.cpp: needs-newer-server --------------------------------------------------------
    void lint_server_features(const Statement& st);
    void lint_column_type(const Statement& st, const sql::ColumnDef& col, bool primary_key);
    void lint_enum_add_value(const Statement& st);
    void lint_enum_use(const Statement& st);

    const catalog::Migration& m_migration;
    const sql::ParsedScript& m_script;
    const Context& m_context;
    std::map<std::string, KnownTable> m_schema;
    MigrationLint m_out;
    std::vector<std::size_t> m_statement_of; // statement index of each finding
    std::vector<StatementPlace> m_places;
    std::size_t m_index = 0;
    std::set<std::string> m_new;         // relations created by this migration
    std::set<std::string> m_new_indexes; // indexes created on new tables
    std::set<std::string> m_new_types;
    std::vector<PendingConstraint> m_constraints;
    std::vector<AddedEnumValue> m_enum_values;
    struct HeldLock {
        int line = 0;
        LockMode mode = LockMode::none;
        bool heavy = false; // ACCESS EXCLUSIVE, or held over an index build, scan or rewrite
    };
    std::map<int, std::map<std::string, HeldLock>> m_group_locks; // group -> table -> first lock
    std::map<std::string, std::string> m_partition_parent;        // partition attached/detached here -> parent
    std::map<int, std::set<std::string>> m_trigger_tables;        // group -> tables whose triggers changed
};

} // namespace lockwise::lint::checks
