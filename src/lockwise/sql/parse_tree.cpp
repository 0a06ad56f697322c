// Reading libpg_query's JSON parse tree: member access with protobuf's
// omitted defaults, names, types, expression volatility and relations read.
#include "lockwise/sql/parse_tree.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace lockwise::sql::detail {
namespace {

const Json k_null_json;

// Functions a column default may call without forcing a table rewrite
// (immutable or stable in PostgreSQL 15's catalog). Anything else is treated as volatile.
constexpr std::array<std::string_view, 44> k_non_volatile_functions{
    "now", "current_timestamp", "transaction_timestamp", "statement_timestamp", "current_date",
    "localtimestamp", "lower", "upper", "coalesce", "nullif", "length", "char_length", "btrim", "ltrim",
    "rtrim", "trim", "concat", "concat_ws", "substr", "substring", "replace", "md5", "abs", "round",
    "trunc", "floor", "ceil", "greatest", "least", "to_char", "to_timestamp", "to_date", "date_trunc",
    "make_interval", "make_date", "json_build_object", "jsonb_build_object", "json_build_array",
    "jsonb_build_array", "array_length", "current_setting", "format", "left", "right",
};

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

const Json* member(const Json& node, std::string_view key)
{
    if (!node.is_object()) {
        return nullptr;
    }
    const auto found = node.find(key);
    return found == node.end() ? nullptr : &*found;
}

std::string text_of(const Json& node, std::string_view key)
{
    const auto* value = member(node, key);
    return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

bool flag_of(const Json& node, std::string_view key)
{
    const auto* value = member(node, key);
    return value != nullptr && value->is_boolean() && value->get<bool>();
}

long integer_of(const Json& node, std::string_view key)
{
    const auto* value = member(node, key);
    return value != nullptr && value->is_number_integer() ? value->get<long>() : 0;
}

std::string_view node_type(const Json& node)
{
    if (node.is_object() && node.size() == 1) {
        const auto& key = node.begin().key();
        if (!key.empty() && std::isupper(static_cast<unsigned char>(key[0])) != 0) {
            return key;
        }
    }
    return {};
}

const Json& node_body(const Json& node)
{
    return node_type(node).empty() ? k_null_json : node.begin().value();
}

std::string string_value(const Json& node)
{
    if (node_type(node) == "String") {
        return text_of(node_body(node), "sval");
    }
    return {};
}

std::vector<std::string> string_list(const Json* list)
{
    std::vector<std::string> names;
    if (list != nullptr && list->is_array()) {
        for (const auto& item : *list) {
            names.push_back(string_value(item));
        }
    }
    return names;
}

std::optional<long> integer_constant(const Json& node)
{
    const auto type = node_type(node);
    const auto& body = node_body(node);
    if (type == "Integer") {
        return integer_of(body, "ival");
    }
    if (type == "A_Const") {
        if (const auto* ival = member(body, "ival")) {
            return integer_of(*ival, "ival");
        }
    }
    return std::nullopt;
}

RelationName relation_of(const Json& range_var)
{
    // protobuf JSON leaves out false values: a RangeVar without "inh" was written ONLY.
    return {text_of(range_var, "schemaname"), text_of(range_var, "relname"), !flag_of(range_var, "inh")};
}

RelationName relation_of_names(const std::vector<std::string>& names)
{
    RelationName relation;
    if (!names.empty()) {
        relation.name = names.back();
    }
    if (names.size() >= 2) {
        relation.schema = names[names.size() - 2];
    }
    return relation;
}

TypeInfo type_of(const Json& type_name)
{
    TypeInfo info;
    auto names = string_list(member(type_name, "names"));
    if (!names.empty()) {
        info.name = lowercase(names.back());
    }
    if (const auto* mods = member(type_name, "typmods"); mods != nullptr && mods->is_array()) {
        for (const auto& mod : *mods) {
            if (auto value = integer_constant(mod)) {
                info.modifiers.push_back(*value);
            }
        }
    }
    info.is_array = member(type_name, "arrayBounds") != nullptr;
    // serial types are int columns with a sequence default, not types of their own.
    if (names.size() == 1) {
        if (info.name == "serial" || info.name == "serial4") {
            info = {"int4", {}, info.is_array, true};
        } else if (info.name == "bigserial" || info.name == "serial8") {
            info = {"int8", {}, info.is_array, true};
        } else if (info.name == "smallserial" || info.name == "serial2") {
            info = {"int2", {}, info.is_array, true};
        }
    }
    return info;
}

void walk_nodes(const Json& tree, const std::function<void(std::string_view type, const Json& body)>& visit)
{
    if (tree.is_array()) {
        for (const auto& item : tree) {
            walk_nodes(item, visit);
        }
        return;
    }
    if (!tree.is_object()) {
        return;
    }
    if (const auto type = node_type(tree); !type.empty() && tree.begin().value().is_object()) {
        visit(type, tree.begin().value());
    }
    for (const auto& [key, value] : tree.items()) {
        walk_nodes(value, visit);
    }
}

bool expression_is_volatile(const Json& expression)
{
    bool is_volatile = false;
    walk_nodes(expression, [&](std::string_view type, const Json& body) {
        if (type == "FuncCall") {
            const auto names = string_list(member(body, "funcname"));
            const auto name = names.empty() ? std::string() : lowercase(names.back());
            if (std::find(k_non_volatile_functions.begin(), k_non_volatile_functions.end(), name) ==
                k_non_volatile_functions.end()) {
                is_volatile = true;
            }
        } else if (type == "SubLink") {
            is_volatile = true;
        }
    });
    return is_volatile;
}

void collect_used_types(const Json& tree, std::vector<std::string>& out)
{
    walk_nodes(tree, [&](std::string_view type, const Json& body) {
        const Json* type_name = nullptr;
        if (type == "TypeCast") {
            type_name = member(body, "typeName");
        } else if (type == "ColumnDef") {
            type_name = member(body, "typeName");
        }
        if (type_name != nullptr) {
            auto name = type_of(*type_name).name;
            if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) {
                out.push_back(std::move(name));
            }
        }
    });
}

std::vector<RelationName> relations_read(const Json& tree)
{
    std::set<std::string> cte_names;
    walk_nodes(tree, [&](std::string_view type, const Json& body) {
        if (type == "CommonTableExpr") {
            cte_names.insert(text_of(body, "ctename"));
        }
    });
    std::vector<RelationName> relations;
    walk_nodes(tree, [&](std::string_view type, const Json& body) {
        if (type != "RangeVar") {
            return;
        }
        auto relation = relation_of(body);
        if (relation.schema.empty() && cte_names.contains(relation.name)) {
            return;
        }
        relations.push_back(std::move(relation));
    });
    return relations;
}

void add_lock(Statement& statement, const RelationName& relation, LockMode mode, bool created)
{
    if (relation.name.empty()) {
        return;
    }
    for (auto& lock : statement.locks) {
        if (lock.schema == relation.schema && lock.name == relation.name) {
            lock.mode = std::max(lock.mode, mode);
            lock.created_by_statement = lock.created_by_statement || created;
            lock.only = lock.only && relation.only;
            return;
        }
    }
    statement.locks.push_back({relation.schema, relation.name, mode, created, {}, relation.only});
}

} // namespace lockwise::sql::detail
