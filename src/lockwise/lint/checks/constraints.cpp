// Rules about adding and validating constraints on existing tables: foreign keys and checks
// without NOT VALID, unique/primary keys without USING INDEX, exclusion constraints, SET NOT NULL.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lockwise/lint/checks/walker.hpp"

namespace lockwise::lint::checks {

std::string_view Walker::constraint_keyword(ConstraintKind kind)
{
    switch (kind) {
    case ConstraintKind::foreign_key:
        return "FOREIGN";
    case ConstraintKind::check:
        return "CHECK";
    case ConstraintKind::unique:
        return "UNIQUE";
    case ConstraintKind::primary_key:
        return "PRIMARY";
    case ConstraintKind::exclusion:
        return "EXCLUDE";
    default:
        break;
    }
    return "ADD";
}

void Walker::lint_add_constraint(const Statement& st, const AlterAction& action, const std::string& table,
                                 const std::string& schema, const std::string& name, bool existing)
{
    const auto& c = *action.constraint;
    const auto cols = fmt::format("{}", fmt::join(c.columns, ", "));
    const auto span = locate(st, !c.name.empty() ? std::string_view(c.name) : constraint_keyword(c.kind));
    PendingConstraint pending{qualified(schema, name), c.name, c.not_null_check_column.value_or(""), !c.not_valid,
                              m_places[m_index].group, c.not_valid};
    m_constraints.push_back(pending);
    if (!existing) {
        return;
    }
    const auto constraint_name = !c.name.empty() ? c.name
                                                 : fmt::format("{}_{}_{}", name, c.columns.empty() ? "" : c.columns.front(),
                                                               c.kind == ConstraintKind::foreign_key ? "fkey" : c.kind == ConstraintKind::check ? "check" : "key");
    switch (c.kind) {
    case ConstraintKind::foreign_key:
        if (!c.not_valid) {
            auto& f = add("foreign-key-not-valid", span, table, LockMode::share_row_exclusive, TableWork::full_scan,
                          fmt::format("adding foreign key {} checks every row of {} while blocking writes to {} and {}",
                                      constraint_name, table, table, c.referenced_table.value_or("the referenced table")),
                          fmt::format("{} NOT VALID;\n-- in a later transaction (e.g. the next migration):\nALTER TABLE {} VALIDATE CONSTRAINT {};", st.text, table, constraint_name),
                          "NOT VALID makes the constraint apply to new rows at once; VALIDATE checks old rows under SHARE UPDATE EXCLUSIVE, which lets writes continue.");
            grade(f, schema, name);
        }
        break;
    case ConstraintKind::check:
        if (!c.not_valid) {
            auto& f = add("check-not-valid", span, table, LockMode::access_exclusive, TableWork::full_scan,
                          fmt::format("adding check constraint {} scans every row of {} under ACCESS EXCLUSIVE", constraint_name, table),
                          fmt::format("{} NOT VALID;\n-- in a later transaction (e.g. the next migration):\nALTER TABLE {} VALIDATE CONSTRAINT {};", st.text, table, constraint_name),
                          "NOT VALID makes the constraint apply to new rows at once; VALIDATE checks old rows under SHARE UPDATE EXCLUSIVE.");
            grade(f, schema, name);
        }
        break;
    case ConstraintKind::unique:
    case ConstraintKind::primary_key:
        if (!c.using_index) {
            const auto kind = c.kind == ConstraintKind::unique ? "UNIQUE" : "PRIMARY KEY";
            const auto index = fmt::format("{}_idx", constraint_name);
            auto& f = add("unique-without-index", span, table, LockMode::access_exclusive, TableWork::full_scan,
                          fmt::format("adding {} constraint {} builds its unique index under ACCESS EXCLUSIVE: reads and writes of {} wait for the build",
                                      kind, constraint_name, table),
                          fmt::format("CREATE UNIQUE INDEX CONCURRENTLY {} ON {} ({});\nALTER TABLE {} ADD CONSTRAINT {} {} USING INDEX {};",
                                      index, table, cols, table, constraint_name, kind, index),
                          c.kind == ConstraintKind::primary_key
                              ? "Build the index concurrently first. PRIMARY KEY USING INDEX also sets NOT NULL on its columns: add validated CHECK (col IS NOT NULL) constraints first to avoid that scan."
                              : "Build the index concurrently first; attaching it is a catalog change.");
            grade(f, schema, name);
        }
        break;
    case ConstraintKind::exclusion: {
        auto& f = add("exclusion-constraint", span, table, LockMode::access_exclusive, TableWork::full_scan,
                      fmt::format("adding exclusion constraint {} builds its index under ACCESS EXCLUSIVE, and there is no concurrent way to add one", constraint_name),
                      "", "Add it while the table is small or in a maintenance window; or enforce the rule another way (a unique index over a computed key, or the application).");
        grade(f, schema, name);
        break;
    }
    default:
        break;
    }
}

void Walker::lint_validate(const Statement& st, const AlterAction& action, sql::Span span, const std::string& table,
                           const std::string& schema, const std::string& name)
{
    const auto& place = m_places[m_index];
    // A NOT VALID CHECK (col IS NOT NULL) added by an earlier migration is validated now.
    if (auto* known = known_table(schema, name); known != nullptr) {
        if (auto it = known->not_valid_not_null.find(action.name); it != known->not_valid_not_null.end()) {
            known->not_null_checked.insert(it->second);
        }
    }
    for (auto& c : m_constraints) {
        if (c.name != action.name || (c.table != qualified(schema, name) && c.table != name)) {
            continue;
        }
        c.validated = true;
        if (c.not_valid && c.group == place.group && place.in_transaction && !is_new_relation(schema, name)) {
            auto& f = add("validate-in-same-transaction", span, table, LockMode::access_exclusive, TableWork::full_scan,
                          fmt::format("VALIDATE CONSTRAINT {} runs in the same transaction as the ADD CONSTRAINT ... NOT VALID before it, so ACCESS EXCLUSIVE on {} is still held during the validation scan",
                                      action.name, table),
                          fmt::format("-- in a later migration (or after COMMIT):\n{};", st.text),
                          "Validate in a separate transaction: a later migration, or a `-- lockwise:no-transaction` migration.");
            grade(f, schema, name);
        }
    }
}

PendingConstraint* Walker::not_null_check(const std::string& schema, const std::string& name, const std::string& column)
{
    for (auto& c : m_constraints) {
        if ((c.table == qualified(schema, name) || c.table == name) && c.not_null_column == column && c.validated) {
            return &c;
        }
    }
    return nullptr;
}

void Walker::lint_set_not_null(const AlterAction& action, sql::Span span, const std::string& table,
                               const std::string& schema, const std::string& name)
{
    const auto* known = known_table(schema, name);
    const bool checked = not_null_check(schema, name, action.column) != nullptr ||
                         (known != nullptr && known->not_null_checked.contains(action.column));
    if (checked && !version_below(120000)) {
        return;
    }
    const auto constraint = fmt::format("{}_{}_not_null", name, action.column);
    auto& f = add("set-not-null", span, table, LockMode::access_exclusive, TableWork::full_scan,
                  checked ? fmt::format("SET NOT NULL on {}.{} scans the whole table under ACCESS EXCLUSIVE: before PostgreSQL 12 the validated CHECK constraint is not used",
                                        table, action.column)
                          : fmt::format("SET NOT NULL on {}.{} scans the whole table under ACCESS EXCLUSIVE: reads and writes wait for the scan",
                                        table, action.column),
                  fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID;\n-- in a later transaction (e.g. the next migration):\nALTER TABLE {} VALIDATE CONSTRAINT {};\nALTER TABLE {} ALTER COLUMN {} SET NOT NULL;\nALTER TABLE {} DROP CONSTRAINT {};",
                              table, constraint, action.column, table, constraint, table, action.column, table, constraint),
                  "On PostgreSQL 12+, SET NOT NULL skips the scan when a validated CHECK (col IS NOT NULL) exists; VALIDATE takes only SHARE UPDATE EXCLUSIVE.");
    grade(f, schema, name);
}

} // namespace lockwise::lint::checks
