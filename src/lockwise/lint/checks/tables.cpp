// Rules about whole tables: the ALTER TABLE dispatch, DROP/RENAME/TRUNCATE, rewrites (VACUUM FULL,
// CLUSTER, SET TABLESPACE...), partitions, triggers, materialized view refreshes and CASCADE.
#include <algorithm>

#include <fmt/format.h>

#include "lockwise/lint/checks/walker.hpp"

namespace lockwise::lint::checks {

void Walker::lint_alter_table(const Statement& st)
{
    const auto* rel = target(st);
    if (rel == nullptr) {
        return;
    }
    const auto& schema = rel->schema;
    const auto& name = rel->name;
    const auto table = qualified(schema, name);
    const bool existing = !is_new_relation(schema, name);
    for (const auto& action : st.actions) {
        // Point at the column, else the named object (constraint, partition), else the subcommand.
        const auto span = locate(st, !action.column.empty() ? action.column
                                     : !action.name.empty() ? action.name
                                                            : action.subcommand);
        switch (action.kind) {
        case AlterAction::Kind::add_column:
            if (existing && action.column_def) {
                lint_add_column(st, action, table, schema, name);
            }
            break;
        case AlterAction::Kind::drop_column:
            if (existing) {
                lint_drop_column(action, span, table);
            }
            break;
        case AlterAction::Kind::alter_column_type:
            if (existing && action.column_def) {
                lint_alter_type(st, action, span, table, schema, name);
            }
            break;
        case AlterAction::Kind::set_not_null:
            if (existing) {
                lint_set_not_null(action, span, table, schema, name);
            }
            break;
        case AlterAction::Kind::add_constraint:
            if (action.constraint) {
                lint_add_constraint(st, action, table, schema, name, existing);
            }
            break;
        case AlterAction::Kind::validate_constraint:
            lint_validate(st, action, span, table, schema, name);
            break;
        case AlterAction::Kind::rename_column:
            if (existing) {
                lint_rename_column(action, span, table);
            }
            break;
        case AlterAction::Kind::rename_table:
            // Renaming an index or sequence breaks no query; a table or view does.
            if (existing && !kind_is(st, "ALTER INDEX") && !kind_is(st, "ALTER SEQUENCE")) {
                lint_rename_table(st, action, table);
            }
            break;
        case AlterAction::Kind::enable_trigger:
        case AlterAction::Kind::disable_trigger:
            if (existing) {
                lint_toggle_trigger(action, span, table);
            }
            break;
        case AlterAction::Kind::detach_partition:
            if (existing && !action.concurrently && !version_below(140000)) {
                lint_detach_partition(action, span, table);
            }
            break;
        default:
            if (existing && action.work == TableWork::rewrite) {
                lint_table_rewrite(action, span, table, schema, name);
            }
            break;
        }
        // What CASCADE drops from a table created earlier in this run was created in the run too.
        if (!created_in_run(schema, name)) {
            lint_alter_cascade(st, action, table);
        }
    }
}

void Walker::lint_drop_table(const Statement& st)
{
    for (const auto& lock : st.locks) {
        // Only the tables the statement names: the relations it locks besides them (views over
        // them, the tables their foreign keys reference) are not dropped; `cascade` names those.
        if (lock.reason.empty() && !lock.created_by_statement && !is_new_relation(lock.schema, lock.name)) {
            add("drop-table", st.span, qualified(lock.schema, lock.name), LockMode::access_exclusive,
                TableWork::metadata_only,
                fmt::format("dropping table {} breaks every running query and deploy that still uses it", qualified(lock.schema, lock.name)),
                "", "First release application code that no longer reads or writes the table, then drop it in a later migration; suppress with `-- lockwise:allow drop-table <reason>` once that is true.");
        }
    }
}

void Walker::lint_rename_table(const Statement& st, const AlterAction& action, const std::string& table)
{
    // The rule's own advice: a view under the old name, created later in the same transaction,
    // keeps every query that uses the old name working (simple views are updatable).
    const auto* renamed = target(st);
    const auto& place = m_places[m_index];
    for (std::size_t next = m_index + 1; renamed != nullptr && place.in_transaction && next < m_script.statements.size(); ++next) {
        if (m_places[next].group != place.group) {
            break;
        }
        const auto& later = m_script.statements[next];
        if (!kind_starts(later, "CREATE") || later.kind.find("VIEW") == std::string::npos) {
            continue;
        }
        for (const auto& lock : later.locks) {
            if (lock.created_by_statement && lock.name == renamed->name && lock.schema == renamed->schema) {
                return;
            }
        }
    }
    add("rename-table", st.span, table, LockMode::access_exclusive, TableWork::metadata_only,
        fmt::format("renaming table {} to {} breaks every running query that uses the old name", table, action.name),
        fmt::format("ALTER TABLE {} RENAME TO {};\nCREATE VIEW {} AS SELECT * FROM {};", table, action.name, table, action.name),
        "Keep the old name working as a simple (updatable) view until the application uses the new name, then drop the view.");
}

void Walker::lint_truncate(const Statement& st)
{
    for (const auto& lock : st.locks) {
        // The named tables; what CASCADE or partitioning reaches besides them is in the finding's
        // relations (and `cascade` names it).
        if (!lock.reason.empty() || lock.created_by_statement || is_new_relation(lock.schema, lock.name)) {
            continue;
        }
        add("truncate", st.span, qualified(lock.schema, lock.name), LockMode::access_exclusive, TableWork::metadata_only,
            fmt::format("TRUNCATE removes every row of {} and takes ACCESS EXCLUSIVE: the application can neither read nor write it until the transaction commits",
                        qualified(lock.schema, lock.name)),
            "", "If the rows must go while the application runs, DELETE them in batches; if the table is truly unused, say so with `-- lockwise:allow truncate <reason>`.");
    }
}

void Walker::lint_vacuum(const Statement& st)
{
    const bool full = strongest_lock(st) == LockMode::access_exclusive || st.work == TableWork::rewrite ||
                      std::regex_search(st.text, std::regex(R"(\bFULL\b)", std::regex::icase));
    if (full) {
        lint_whole_table_rewrite(st, "vacuum-full", "VACUUM FULL");
    }
}

void Walker::lint_whole_table_rewrite(const Statement& st, std::string_view rule, std::string_view what)
{
    const auto* rel = target(st);
    if (rel != nullptr && is_new_relation(rel->schema, rel->name)) {
        return;
    }
    const auto name = rel != nullptr ? qualified(rel->schema, rel->name) : std::string("every table");
    auto& f = add(rule, st.span, rel != nullptr ? name : "", LockMode::access_exclusive, TableWork::rewrite,
                  fmt::format("{} rewrites {} under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite", what, name),
                  "", "Use pg_repack or pg_squeeze, which rebuild the table online; plain VACUUM reclaims space for reuse without blocking.");
    if (rel != nullptr) {
        grade(f, rel->schema, rel->name);
    }
}

void Walker::lint_table_rewrite(const AlterAction& action, sql::Span span, const std::string& table,
                                const std::string& schema, const std::string& name)
{
    auto& f = add("table-rewrite", span, table, LockMode::access_exclusive, TableWork::rewrite,
                  fmt::format("{} rewrites {} and its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite",
                              action.subcommand, table),
                  "", "Run it in a maintenance window, or build a new table and switch to it.");
    grade(f, schema, name);
}

void Walker::lint_detach_partition(const AlterAction& action, sql::Span span, const std::string& table)
{
    add("detach-partition-not-concurrent", span, table, LockMode::access_exclusive, TableWork::metadata_only,
        fmt::format("DETACH PARTITION {} takes ACCESS EXCLUSIVE on the parent {}", action.name, table),
        fmt::format("ALTER TABLE {} DETACH PARTITION {} CONCURRENTLY;", table, action.name),
        "DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) takes SHARE UPDATE EXCLUSIVE; it cannot run in a transaction, so lockwise runs it on its own.");
}

// A table's triggers changed a second time in the same transaction (DROP then CREATE, DISABLE
// then ENABLE): the lock is held already, and the application only ever sees the state at commit,
// which the first finding is about.
bool Walker::trigger_changed_before(const std::string& table)
{
    const auto& place = m_places[m_index];
    if (!place.in_transaction) {
        return false;
    }
    return !m_trigger_tables[place.group].insert(table).second;
}

void Walker::lint_trigger(const Statement& st)
{
    const auto* rel = target(st);
    if (rel != nullptr && !is_new_relation(rel->schema, rel->name) &&
        !trigger_changed_before(qualified(rel->schema, rel->name))) {
        const auto mode = kind_is(st, "CREATE TRIGGER") ? LockMode::share_row_exclusive : LockMode::access_exclusive;
        add("trigger-on-existing-table", st.span, qualified(rel->schema, rel->name), std::max(mode, rel->mode),
            TableWork::metadata_only,
            fmt::format("{} on existing table {} takes {} (blocks {}) and changes what every write to it does",
                        st.kind, qualified(rel->schema, rel->name), sql::lock_mode_name(std::max(mode, rel->mode)),
                        blocks_description(std::max(mode, rel->mode))),
            "", "Make sure the trigger function exists and is correct for rows the application writes while the migration runs; test it under load before release.");
    }
}

void Walker::lint_toggle_trigger(const AlterAction& action, sql::Span span, const std::string& table)
{
    if (trigger_changed_before(table)) {
        return;
    }
    add("trigger-on-existing-table", span, table, LockMode::share_row_exclusive, TableWork::metadata_only,
        fmt::format("{} on existing table {} blocks writes while it waits for and holds its lock, and changes what every write does",
                    action.subcommand, table),
        "", "Make sure the application tolerates the trigger being on (or off) for writes in flight.");
}

void Walker::lint_refresh_matview(const Statement& st)
{
    const auto* rel = target(st);
    if (!st.concurrently && (rel == nullptr || !is_new_relation(rel->schema, rel->name))) {
        static const std::regex head(R"(^\s*REFRESH\s+MATERIALIZED\s+VIEW)", std::regex::icase);
        add("refresh-matview-not-concurrent", st.span, rel != nullptr ? qualified(rel->schema, rel->name) : "",
            LockMode::access_exclusive, TableWork::rewrite,
            "REFRESH MATERIALIZED VIEW without CONCURRENTLY takes ACCESS EXCLUSIVE on the view: reads of it wait until the refresh ends",
            with_concurrently(st.text, head),
            "CONCURRENTLY needs a unique index on the view (without a WHERE clause) and takes EXCLUSIVE, which lets reads continue.");
    }
}

void Walker::lint_cascade(const Statement& st)
{
    if (st.cascade && (first_keyword(st.text) == "DROP" || kind_starts(st, "TRUNCATE"))) {
        // What the lock model knows depends on the dropped relation (live catalog, or earlier migrations).
        std::string dependents;
        for (const auto& lock : st.locks) {
            if (!lock.reason.empty()) {
                dependents += fmt::format("{}{} ({})", dependents.empty() ? "" : ", ", qualified(lock.schema, lock.name), lock.reason);
            }
        }
        add("cascade", locate(st, "CASCADE"), "", strongest_lock(st), TableWork::none,
            fmt::format("{} ... CASCADE also removes every dependent object (views, foreign keys{}) without naming them{}",
                        st.kind, kind_starts(st, "TRUNCATE") ? ", and the rows of referencing tables" : "",
                        dependents.empty() ? "" : "; it locks " + dependents),
            "", "Drop or change the dependent objects explicitly first, then use RESTRICT (the default) so an unexpected dependency fails the migration instead.");
    }
}

void Walker::lint_alter_cascade(const Statement& st, const AlterAction& action, const std::string& table)
{
    if (action.cascade && action.kind == AlterAction::Kind::drop_column) {
        add("cascade", locate(st, "CASCADE"), table, LockMode::access_exclusive, TableWork::metadata_only,
            "DROP COLUMN ... CASCADE also drops the views, indexes and constraints that depend on the column",
            "", "Drop the dependent objects explicitly first, then drop the column without CASCADE.");
    } else if (action.cascade && action.kind == AlterAction::Kind::drop_constraint) {
        add("cascade", locate(st, "CASCADE"), table, LockMode::access_exclusive, TableWork::metadata_only,
            "DROP CONSTRAINT ... CASCADE also drops the foreign keys of other tables that depend on it",
            "", "Drop the dependent constraints explicitly first.");
    }
}

} // namespace lockwise::lint::checks
