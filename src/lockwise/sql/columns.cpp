// Column and constraint definitions, shared by CREATE TABLE and ALTER TABLE:
// canonical types, default volatility, and what a constraint costs to add.
#include <algorithm>

#include "lockwise/sql/classify.hpp"

namespace lockwise::sql::detail {
namespace {

ConstraintKind constraint_kind(std::string_view contype)
{
    if (contype == "CONSTR_CHECK") {
        return ConstraintKind::check;
    }
    if (contype == "CONSTR_FOREIGN") {
        return ConstraintKind::foreign_key;
    }
    if (contype == "CONSTR_UNIQUE") {
        return ConstraintKind::unique;
    }
    if (contype == "CONSTR_PRIMARY") {
        return ConstraintKind::primary_key;
    }
    if (contype == "CONSTR_EXCLUSION") {
        return ConstraintKind::exclusion;
    }
    if (contype == "CONSTR_NOTNULL") {
        return ConstraintKind::not_null;
    }
    return ConstraintKind::other;
}

// CHECK (col IS NOT NULL): the column, so a later SET NOT NULL can skip its scan.
std::optional<std::string> not_null_check_column(const Json& expression)
{
    if (node_type(expression) != "NullTest") {
        return std::nullopt;
    }
    const auto& test = node_body(expression);
    if (text_of(test, "nulltesttype") != "IS_NOT_NULL") {
        return std::nullopt;
    }
    const auto* arg = member(test, "arg");
    if (arg == nullptr || node_type(*arg) != "ColumnRef") {
        return std::nullopt;
    }
    const auto fields = string_list(member(node_body(*arg), "fields"));
    if (fields.size() != 1 || fields[0].empty()) {
        return std::nullopt;
    }
    return fields[0];
}

} // namespace

Constraint constraint_of(const Json& constraint)
{
    Constraint result;
    result.kind = constraint_kind(text_of(constraint, "contype"));
    result.name = text_of(constraint, "conname");
    result.not_valid = flag_of(constraint, "skip_validation");
    if (const auto index = text_of(constraint, "indexname"); !index.empty()) {
        result.using_index = index;
    }
    if (const auto* table = member(constraint, "pktable")) {
        const auto relation = relation_of(*table);
        result.referenced_table = relation.schema.empty() ? relation.name : relation.schema + "." + relation.name;
    }
    result.columns = string_list(member(constraint, result.kind == ConstraintKind::foreign_key ? "fk_attrs" : "keys"));
    if (const auto* expression = member(constraint, "raw_expr"); expression != nullptr &&
                                                                 result.kind == ConstraintKind::check) {
        result.not_null_check_column = not_null_check_column(*expression);
        walk_nodes(*expression, [&](std::string_view type, const Json& body) {
            if (type == "ColumnRef") {
                const auto fields = string_list(member(body, "fields"));
                if (!fields.empty() && !fields.back().empty() &&
                    std::find(result.columns.begin(), result.columns.end(), fields.back()) == result.columns.end()) {
                    result.columns.push_back(fields.back());
                }
            }
        });
    }
    return result;
}

LockMode constraint_lock(const Constraint& constraint)
{
    // A foreign key adds triggers to both tables: as strong as CREATE TRIGGER (tablecmds.c).
    return constraint.kind == ConstraintKind::foreign_key ? LockMode::share_row_exclusive
                                                          : LockMode::access_exclusive;
}

TableWork constraint_work(const Constraint& constraint)
{
    if (constraint.not_valid || constraint.using_index) {
        return TableWork::metadata_only;
    }
    switch (constraint.kind) {
    case ConstraintKind::check:
    case ConstraintKind::foreign_key:
    case ConstraintKind::unique:
    case ConstraintKind::primary_key:
    case ConstraintKind::exclusion:
    case ConstraintKind::not_null:
        return TableWork::full_scan;
    case ConstraintKind::other:
        break;
    }
    return TableWork::metadata_only;
}

ColumnDef column_of(const Json& column_def, std::vector<Constraint>& constraints)
{
    ColumnDef column;
    column.name = text_of(column_def, "colname");
    if (const auto* type_name = member(column_def, "typeName")) {
        const auto type = type_of(*type_name);
        column.type_name = type.name;
        column.type_modifiers = type.modifiers;
        column.is_array = type.is_array;
        column.serial = type.serial;
    }
    if (const auto* list = member(column_def, "constraints"); list != nullptr && list->is_array()) {
        for (const auto& item : *list) {
            const auto& body = node_body(item);
            const auto contype = text_of(body, "contype");
            if (contype == "CONSTR_NOTNULL") {
                column.not_null = true;
            } else if (contype == "CONSTR_DEFAULT") {
                column.has_default = true;
                if (const auto* expression = member(body, "raw_expr")) {
                    column.default_is_volatile = expression_is_volatile(*expression);
                }
            } else if (contype == "CONSTR_IDENTITY") {
                column.identity = true;
            } else if (contype == "CONSTR_GENERATED") {
                column.generated_stored = true;
            } else if (contype == "CONSTR_PRIMARY" || contype == "CONSTR_UNIQUE" || contype == "CONSTR_CHECK" ||
                       contype == "CONSTR_FOREIGN" || contype == "CONSTR_EXCLUSION") {
                auto constraint = constraint_of(body);
                if (constraint.columns.empty() && constraint.kind != ConstraintKind::check) {
                    constraint.columns.push_back(column.name);
                }
                if (constraint.kind == ConstraintKind::primary_key) {
                    column.primary_key = true;
                    column.not_null = true;
                } else if (constraint.kind == ConstraintKind::unique) {
                    column.unique = true;
                } else if (constraint.kind == ConstraintKind::foreign_key) {
                    column.references_table = constraint.referenced_table;
                }
                constraints.push_back(std::move(constraint));
            }
        }
    }
    return column;
}

} // namespace lockwise::sql::detail
