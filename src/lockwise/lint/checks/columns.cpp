// Rules about adding, retyping, dropping and renaming columns of existing tables.
#include <cctype>

#include <fmt/format.h>

#include "lockwise/lint/checks/walker.hpp"
#include "lockwise/lint/types.hpp"

namespace lockwise::lint::checks {

std::string Walker::default_expression(const std::string& text, const std::string& column)
{
    const std::regex re(std::string(R"(\bDEFAULT\s+)"), std::regex::icase);
    const auto column_pos = lower(text).find(lower(column));
    const std::string rest = column_pos == std::string::npos ? text : text.substr(column_pos);
    std::smatch match;
    if (!std::regex_search(rest, match, re)) {
        return "<default>";
    }
    std::string tail = match.suffix().str();
    int depth = 0;
    std::size_t end = 0;
    for (; end < tail.size(); ++end) {
        const char c = tail[end];
        if (c == '(') {
            ++depth;
        } else if (c == ')') {
            --depth;
        } else if (depth == 0 && c == ',') {
            break;
        }
        if (depth == 0) {
            static const std::regex stop(R"(^\s+(NOT\s+NULL|NULL|CONSTRAINT|CHECK|REFERENCES|UNIQUE|PRIMARY|GENERATED|COLLATE)\b)", std::regex::icase);
            if (std::regex_search(tail.substr(end), stop)) {
                break;
            }
        }
    }
    auto expr = tail.substr(0, end);
    while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.back())) != 0) {
        expr.pop_back();
    }
    return expr.empty() ? "<default>" : expr;
}

void Walker::lint_add_column(const Statement& st, const AlterAction& action, const std::string& table,
                             const std::string& schema, const std::string& name)
{
    const auto& col = *action.column_def;
    const auto span = locate(st, col.name);
    const auto type = format_type(col.type_name, col.type_modifiers, col.is_array);
    if (col.generated_stored) {
        auto& f = add("add-column-generated-stored", span, table, LockMode::access_exclusive, TableWork::rewrite,
                      fmt::format("adding stored generated column {} rewrites {} under ACCESS EXCLUSIVE to compute it for every row", col.name, table),
                      fmt::format("ALTER TABLE {} ADD COLUMN {} {};\n-- lockwise:backfill\nUPDATE {} SET {} = <expression>;", table, col.name, type, table, col.name),
                      "Add a plain column, keep it current with a trigger or the application, and backfill it in batches.");
        grade(f, schema, name);
    } else if (col.default_is_volatile || col.serial || col.identity) {
        const auto expr = col.serial ? std::string("nextval(...)") : default_expression(st.text, col.name);
        auto& f = add("add-column-volatile-default", span, table, LockMode::access_exclusive, TableWork::rewrite,
                      fmt::format("adding column {} with a volatile default ({}) rewrites {} under ACCESS EXCLUSIVE to compute a value for every row",
                                  col.name, col.serial ? "serial" : col.identity ? "identity" : expr, table),
                      col.serial || col.identity
                          ? ""
                          : fmt::format("ALTER TABLE {} ADD COLUMN {} {};\nALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};\n-- lockwise:backfill\nUPDATE {} SET {} = {} WHERE {} IS NULL;",
                                        table, col.name, type, table, col.name, expr, table, col.name, expr, col.name),
                      "Add the column without a default, set the default in a second statement (new rows get it), then backfill existing rows in batches.");
        grade(f, schema, name);
    } else if (col.has_default && version_below(110000)) {
        auto& f = add("add-column-default-before-pg11", span, table, LockMode::access_exclusive, TableWork::rewrite,
                      fmt::format("adding column {} with a default rewrites {} on this server (before PostgreSQL 11)", col.name, table),
                      fmt::format("ALTER TABLE {} ADD COLUMN {} {};\nALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};\n-- lockwise:backfill\nUPDATE {} SET {} = {} WHERE {} IS NULL;",
                                  table, col.name, type, table, col.name, default_expression(st.text, col.name), table, col.name,
                                  default_expression(st.text, col.name), col.name),
                      "PostgreSQL 11 and later store a constant default without a rewrite.");
        grade(f, schema, name);
    }
    if (col.not_null && !col.has_default && !col.generated_stored && !col.identity && !col.serial) {
        const auto table_facts = facts(schema, name);
        if (!table_facts || table_facts->estimated_rows != 0) {
            add("add-column-not-null-no-default", span, table, LockMode::access_exclusive, TableWork::full_scan,
                fmt::format("adding column {} NOT NULL without a default fails as soon as {} has a row", col.name, table),
                fmt::format("ALTER TABLE {} ADD COLUMN {} {};\n-- backfill it, then add a validated CHECK ({} IS NOT NULL) and SET NOT NULL", table, col.name, type, col.name),
                "Add the column nullable (or with a constant default), backfill it, then enforce NOT NULL through a NOT VALID check that you validate.");
        }
    }
    if (col.references_table || col.primary_key || col.unique) {
        const bool fk = col.references_table.has_value();
        auto& f = add("add-column-inline-constraint", span, table, fk ? LockMode::share_row_exclusive : LockMode::access_exclusive,
                      fk ? TableWork::full_scan : TableWork::full_scan,
                      fk ? fmt::format("inline REFERENCES {} on new column {} validates the foreign key in the same statement, holding locks on {} and {}",
                                       *col.references_table, col.name, table, *col.references_table)
                         : fmt::format("inline {} on new column {} builds a unique index while ACCESS EXCLUSIVE on {} is held",
                                       col.primary_key ? "PRIMARY KEY" : "UNIQUE", col.name, table),
                      fk ? fmt::format("ALTER TABLE {} ADD COLUMN {} {};\nALTER TABLE {} ADD CONSTRAINT {}_{}_fkey FOREIGN KEY ({}) REFERENCES {} NOT VALID;\n-- in a later transaction:\nALTER TABLE {} VALIDATE CONSTRAINT {}_{}_fkey;",
                                       table, col.name, type, table, name, col.name, col.name, *col.references_table, table, name, col.name)
                         : fmt::format("ALTER TABLE {} ADD COLUMN {} {};\nCREATE UNIQUE INDEX CONCURRENTLY {}_{}_key ON {} ({});\nALTER TABLE {} ADD CONSTRAINT {}_{}_key {} USING INDEX {}_{}_key;",
                                       table, col.name, type, name, col.name, table, col.name, table, name, col.name,
                                       col.primary_key ? "PRIMARY KEY" : "UNIQUE", name, col.name),
                      "Add the column first, then the constraint in the online way.");
        grade(f, schema, name);
    }
}

void Walker::lint_alter_type(const Statement& st, const AlterAction& action, sql::Span span, const std::string& table,
                             const std::string& schema, const std::string& name)
{
    const auto& def = *action.column_def;
    const KnownColumn to{def.type_name, def.type_modifiers, def.is_array};
    const auto to_text = format_type(to.type_name, to.type_modifiers, to.is_array);
    const auto safe = fmt::format(
        "ALTER TABLE {} ADD COLUMN {}_new {};\n-- lockwise:backfill\nUPDATE {} SET {}_new = {}::{};\n-- then switch the application to {}_new and drop {} in a later migration",
        table, action.column, to_text, table, action.column, action.column, to_text, action.column, action.column);
    const auto* known = known_table(schema, name);
    const KnownColumn* from = nullptr;
    if (known != nullptr) {
        if (auto it = known->columns.find(action.column); it != known->columns.end()) {
            from = &it->second;
        }
    }
    (void)st;
    if (from == nullptr) {
        auto& f = add("alter-column-type", span, table, LockMode::access_exclusive, TableWork::rewrite,
                      action.has_using
                          ? fmt::format("changing the type of {}.{} to {} with USING rewrites the table and its indexes under ACCESS EXCLUSIVE", table, action.column, to_text)
                          : fmt::format("changing the type of {}.{} to {} rewrites the table and its indexes under ACCESS EXCLUSIVE unless the cast is binary-coercible; lockwise does not know the column's current type",
                                        table, action.column, to_text),
                      safe,
                      "No rewrite only for: varchar(n) to varchar(m >= n) or text, text to unconstrained varchar, numeric(p,s) to numeric(p' >= p,s) or numeric, cidr to inet, a higher timestamp/time precision, and timestamp to timestamptz on PostgreSQL 12+ when TimeZone is UTC. int to bigint DOES rewrite.");
        if (!action.has_using) {
            f.severity = Severity::warning;
        }
        grade(f, schema, name);
        return;
    }
    const auto from_text = format_type(from->type_name, from->type_modifiers, from->is_array);
    if (type_family(from->type_name) != type_family(to.type_name)) {
        add("alter-column-type-family", span, table, LockMode::access_exclusive, TableWork::rewrite,
            fmt::format("changing {}.{} from {} to {} (another kind of type) breaks application code that reads or writes the old type",
                        table, action.column, from_text, to_text),
            safe, "Add a new column of the new type, write both, backfill, switch reads, then drop the old column.");
    }
    switch (cast_cost(*from, to, action.has_using, m_context.server_version_num)) {
    case CastCost::none:
        break;
    case CastCost::rewrite: {
        auto& f = add("alter-column-type", span, table, LockMode::access_exclusive, TableWork::rewrite,
                      fmt::format("changing {}.{} from {} to {} rewrites the table and its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite",
                                  table, action.column, from_text, to_text),
                      safe, "Add a new column of the new type, backfill it in batches, and switch to it.");
        grade(f, schema, name);
        break;
    }
    case CastCost::rewrite_unless_utc: {
        if (m_context.timezone_is_utc == true) {
            break;
        }
        auto& f = add("alter-column-type", span, table, LockMode::access_exclusive, TableWork::rewrite,
                      fmt::format("changing {}.{} from timestamp to timestamptz rewrites the table unless the session TimeZone is UTC (PostgreSQL 12+)",
                                  table, action.column),
                      "SET LOCAL TimeZone = 'UTC';\n" + st.text + ";", "Run it with TimeZone set to UTC, and only if the stored timestamps are UTC.");
        f.severity = Severity::warning;
        grade(f, schema, name);
        break;
    }
    }
}

void Walker::lint_drop_column(const AlterAction& action, sql::Span span, const std::string& table)
{
    add("drop-column", span, table, LockMode::access_exclusive, TableWork::metadata_only,
        fmt::format("dropping column {}.{} breaks running queries that name it (including INSERTs listing it and SELECT * mapped by position)",
                    table, action.column),
        "", "First release application code that no longer uses the column (e.g. Rails ignored_columns), then drop it in a later migration.");
}

void Walker::lint_rename_column(const AlterAction& action, sql::Span span, const std::string& table)
{
    add("rename-column", span, table, LockMode::access_exclusive, TableWork::metadata_only,
        fmt::format("renaming column {}.{} to {} breaks every running query that uses the old name",
                    table, action.column, action.name),
        "", "Add the new column, write both, backfill, switch reads, then drop the old column in a later release (or expose the new name through a view).");
}

} // namespace lockwise::lint::checks
