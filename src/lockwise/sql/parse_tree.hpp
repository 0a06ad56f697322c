// Internal to sql/: reading libpg_query's JSON parse tree (PostgreSQL 15 raw
// parse nodes) into plain values. Nothing outside sql/ sees these nodes.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockwise/sql/statement.hpp"

namespace lockwise::sql::detail {

using Json = nlohmann::json;

// The member `key` of object `node`, or nullptr (protobuf JSON omits default values).
const Json* member(const Json& node, std::string_view key);
std::string text_of(const Json& node, std::string_view key);  // "" when absent
bool flag_of(const Json& node, std::string_view key);          // false when absent
long integer_of(const Json& node, std::string_view key);       // 0 when absent
// {"Type": {...}} -> "Type" and the body; "" and null for anything else.
std::string_view node_type(const Json& node);
const Json& node_body(const Json& node);
// {"String": {"sval": "x"}} -> "x".
std::string string_value(const Json& node);
// A list of String nodes, e.g. ["public", "leads"] for qualified names.
std::vector<std::string> string_list(const Json* list);
// The integer of an A_Const / Integer node, or nullopt.
std::optional<long> integer_constant(const Json& node);

struct RelationName {
    std::string schema;
    std::string name;
    bool only = false; // ONLY name
};
// A bare RangeVar body ({"relname": ..., "schemaname": ...}).
RelationName relation_of(const Json& range_var);
// A qualified-name list (DROP, COMMENT objects): last item is the name.
RelationName relation_of_names(const std::vector<std::string>& names);

struct TypeInfo {
    std::string name; // canonical: "int4", "varchar", "timestamptz", "mood"
    std::vector<long> modifiers;
    bool is_array = false;
    bool serial = false;
};
// A TypeName body.
TypeInfo type_of(const Json& type_name);

// Whether evaluating `expression` may call a volatile function (random(), nextval(), ...).
// Functions not on a small list of known immutable/stable ones count as volatile.
bool expression_is_volatile(const Json& expression);

// Calls `visit` for every node object {"Type": body} anywhere under `tree`.
void walk_nodes(const Json& tree, const std::function<void(std::string_view type, const Json& body)>& visit);

// Type names used in casts and column definitions anywhere under `tree`.
void collect_used_types(const Json& tree, std::vector<std::string>& out);

// Tables read under `tree` (FROM lists, joins, subqueries), skipping CTE names.
std::vector<RelationName> relations_read(const Json& tree);

// Adds (or strengthens) the lock on schema.name in `statement`.
void add_lock(Statement& statement, const RelationName& relation, LockMode mode, bool created = false);

} // namespace lockwise::sql::detail
