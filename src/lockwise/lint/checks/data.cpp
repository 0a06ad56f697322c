// Rules about data changes in a migration: UPDATE and DELETE of a whole or large table in one statement.
#include <fmt/format.h>

#include "lockwise/lint/checks/walker.hpp"

namespace lockwise::lint::checks {

bool Walker::has_backfill_directive(const Statement& st) const
{
    const std::size_t previous_end = m_index == 0 ? 0
                                                  : m_script.statements[m_index - 1].span.offset +
                                                        m_script.statements[m_index - 1].span.length;
    return std::any_of(m_migration.directives.begin(), m_migration.directives.end(), [&](const auto& d) {
        return d.name == "backfill" && d.offset < st.span.offset && d.offset >= previous_end;
    });
}

void Walker::lint_dml(const Statement& st)
{
    const bool is_update = kind_is(st, "UPDATE");
    const auto* rel = target(st);
    std::string schema = rel != nullptr ? rel->schema : "";
    std::string name = rel != nullptr ? rel->name : "";
    if (is_update && st.update) {
        schema = st.update->schema;
        name = st.update->table;
    }
    if (name.empty() || is_new_relation(schema, name) || has_backfill_directive(st)) {
        return;
    }
    const auto table_facts = facts(schema, name);
    const bool large = table_facts && table_facts->estimated_rows >= m_context.small_table_rows;
    if (st.has_where && !large) {
        return;
    }
    const auto rule = is_update ? "unbatched-update" : "unbatched-delete";
    const auto verb = is_update ? "UPDATE" : "DELETE";
    auto& f = add(rule, st.span, qualified(schema, name), LockMode::row_exclusive,
                  is_update ? TableWork::full_scan : TableWork::full_scan,
                  st.has_where ? fmt::format("{} on a large table in one statement locks every matching row until the transaction commits, and writes all its WAL at once", verb)
                               : fmt::format("{} without WHERE changes every row of {} in one statement: each row stays locked until the transaction commits, and concurrent writes to them wait",
                                             verb, qualified(schema, name)),
                  is_update ? fmt::format("-- lockwise:backfill\n{};", st.text) : "",
                  is_update ? "Mark the UPDATE with `-- lockwise:backfill` so lockwise runs it in short batches by primary key, skipping rows the application holds."
                            : "Delete in batches by primary key (a loop of DELETE ... WHERE id IN (SELECT id ... LIMIT 10000)), committing each batch.");
    f.lock_blocks = "writes to the changed rows";
    if (!st.has_where) {
        grade(f, schema, name);
    } else {
        f.severity = Severity::warning;
        f.message += fmt::format(" (the table has about {} rows)", table_facts->estimated_rows);
    }
}

} // namespace lockwise::lint::checks
