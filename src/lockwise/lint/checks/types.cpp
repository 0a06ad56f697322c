// Rules about the types a migration declares (bigint keys, identity, timestamptz, text, jsonb) and
// enum values added and used in the same transaction.
#include <fmt/format.h>

#include "lockwise/lint/checks/walker.hpp"

namespace lockwise::lint::checks {

void Walker::lint_types(const Statement& st)
{
    std::set<std::string> pk_columns;
    for (const auto& c : st.constraints) {
        if (c.kind == ConstraintKind::primary_key) {
            pk_columns.insert(c.columns.begin(), c.columns.end());
        }
    }
    // A column of a composite key (a join table's (ticket_id, tag_id)) has the type of the key it
    // refers to: it runs out when that table's own key does, which is where the finding belongs.
    const bool single_column_key = pk_columns.size() == 1;
    for (const auto& col : st.columns) {
        lint_column_type(st, col, col.primary_key || (single_column_key && pk_columns.contains(col.name)));
    }
    for (const auto& action : st.actions) {
        if (action.kind == AlterAction::Kind::add_column && action.column_def) {
            lint_column_type(st, *action.column_def, action.column_def->primary_key);
        } else if (action.kind == AlterAction::Kind::alter_column_type && action.column_def) {
            auto def = *action.column_def;
            def.name = action.column;
            lint_column_type(st, def, false);
        }
    }
    lint_enum_use(st);
}

void Walker::lint_column_type(const Statement& st, const sql::ColumnDef& col, bool primary_key)
{
    const auto span = locate(st, col.name);
    const bool small_int = col.type_name == "int4" || col.type_name == "int2";
    if (primary_key && small_int) {
        add("prefer-bigint", span, "", LockMode::none, TableWork::none,
            fmt::format("primary key {} is {}: it runs out at {} and widening it later rewrites the table and every referencing table",
                        col.name, col.serial ? (col.type_name == "int2" ? "smallserial" : "serial") : col.type_name,
                        col.type_name == "int2" ? "32,767" : "2,147,483,647"),
            fmt::format("{} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", col.name),
            "Use bigint for keys: it costs 4 more bytes per row and never needs a rewrite to grow.");
    }
    if (col.serial) {
        add("prefer-identity", span, "", LockMode::none, TableWork::none,
            fmt::format("column {} is serial: prefer an identity column", col.name),
            fmt::format("{} {} GENERATED ALWAYS AS IDENTITY", col.name, "bigint"),
            "Identity columns are standard SQL, own their sequence properly, and reject accidental manual ids with ALWAYS.");
    }
    if (col.type_name == "timestamp") {
        add("prefer-timestamptz", span, "", LockMode::none, TableWork::none,
            fmt::format("column {} is timestamp without time zone: values depend on each client's TimeZone", col.name),
            fmt::format("{} timestamptz", col.name), "timestamptz stores an absolute instant in the same 8 bytes.");
    }
    if (col.type_name == "bpchar") {
        add("prefer-text-over-char", span, "", LockMode::none, TableWork::none,
            fmt::format("column {} is char(n): values are padded with spaces and compared ignoring them", col.name),
            fmt::format("{} text", col.name), "Use text (with a CHECK on length if needed) or varchar(n).");
    }
    if (col.type_name == "json") {
        add("prefer-jsonb", span, "", LockMode::none, TableWork::none,
            fmt::format("column {} is json: it has no equality operator (DISTINCT, GROUP BY, UNION fail) and cannot be indexed", col.name),
            fmt::format("{} jsonb", col.name), "jsonb is parsed once, can be indexed (GIN), and supports equality.");
    }
}

void Walker::lint_enum_add_value(const Statement& st)
{
    static const std::regex value_re(R"(ADD\s+VALUE\s+(IF\s+NOT\s+EXISTS\s+)?'((?:[^']|'')*)')", std::regex::icase);
    std::smatch match;
    std::string value;
    if (std::regex_search(st.text, match, value_re)) {
        value = match[2].str();
    }
    if (value.empty() || m_new_types.contains(st.enum_type) || m_context.created_in_run.contains(st.enum_type)) {
        return; // not ADD VALUE, or the type is new in this file (its values may be used at once)
    }
    const auto& place = m_places[m_index];
    if (version_below(120000) && place.in_transaction) {
        add("enum-add-value-in-transaction", st.span, "", LockMode::none, TableWork::metadata_only,
            "ALTER TYPE ... ADD VALUE cannot run inside a transaction block before PostgreSQL 12",
            "", "Put this statement in its own migration marked `-- lockwise:no-transaction`.");
    }
    m_enum_values.push_back({st.enum_type, value, place.group, st.span.line});
}

void Walker::lint_enum_use(const Statement& st)
{
    const auto& place = m_places[m_index];
    for (const auto& added : m_enum_values) {
        if (added.group != place.group || !place.in_transaction) {
            continue;
        }
        const auto literal = fmt::format("'{}'", added.value);
        if (st.text.find(literal) == std::string::npos) {
            continue;
        }
        add("enum-add-value-in-transaction", locate(st, literal), "", LockMode::none, TableWork::none,
            fmt::format("uses enum value {} added to {} on line {} in the same transaction: PostgreSQL refuses it (unsafe use of new value) until that transaction commits",
                        literal, added.type, added.line),
            "", "Add the value in an earlier migration (or commit between the two statements) and use it after.");
    }
}

} // namespace lockwise::lint::checks
