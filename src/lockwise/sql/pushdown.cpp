// push_key_set_into_join: the proof over the JSON parse tree, the edit on libpg_query's
// protobuf tree (the only form its deparser reads), decoded and re-encoded field by field.
#include "lockwise/sql/pushdown.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "lockwise/sql/parse_tree.hpp"
#include "lockwise/sql/pg_query_api.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::sql {

namespace {

using detail::Json;
using detail::member;
using detail::node_body;
using detail::node_type;
using detail::text_of;

// ---- the protobuf wire format, just enough to replace one nested field ----------------------

struct WireField {
    std::uint32_t number = 0;
    std::uint32_t wire = 0; // 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32
    std::uint64_t varint = 0;
    std::string bytes;      // body of a length-delimited or fixed field
};
using Message = std::vector<WireField>;

bool read_varint(std::string_view data, std::size_t& pos, std::uint64_t& value)
{
    value = 0;
    for (int shift = 0; shift < 64 && pos < data.size(); shift += 7) {
        const auto byte = static_cast<std::uint8_t>(data[pos++]);
        value |= static_cast<std::uint64_t>(byte & 0x7fU) << shift;
        if ((byte & 0x80U) == 0) {
            return true;
        }
    }
    return false;
}

std::optional<Message> decode(std::string_view data)
{
    Message message;
    std::size_t pos = 0;
    while (pos < data.size()) {
        std::uint64_t key = 0;
        if (!read_varint(data, pos, key)) {
            return std::nullopt;
        }
        WireField field;
        field.number = static_cast<std::uint32_t>(key >> 3U);
        field.wire = static_cast<std::uint32_t>(key & 7U);
        std::size_t length = 0;
        if (field.wire == 0) {
            if (!read_varint(data, pos, field.varint)) {
                return std::nullopt;
            }
        } else if (field.wire == 1 || field.wire == 5) {
            length = field.wire == 1 ? 8 : 4;
        } else if (field.wire == 2) {
            std::uint64_t size = 0;
            if (!read_varint(data, pos, size)) {
                return std::nullopt;
            }
            length = static_cast<std::size_t>(size);
        } else {
            return std::nullopt;
        }
        if (length > data.size() - pos) {
            return std::nullopt;
        }
        field.bytes = std::string(data.substr(pos, length));
        pos += length;
        message.push_back(std::move(field));
    }
    return message;
}

void write_varint(std::string& out, std::uint64_t value)
{
    while (value >= 0x80U) {
        out.push_back(static_cast<char>((value & 0x7fU) | 0x80U));
        value >>= 7U;
    }
    out.push_back(static_cast<char>(value));
}

std::string encode(const Message& message)
{
    std::string out;
    for (const auto& field : message) {
        write_varint(out, (static_cast<std::uint64_t>(field.number) << 3U) | field.wire);
        if (field.wire == 0) {
            write_varint(out, field.varint);
        } else {
            if (field.wire == 2) {
                write_varint(out, field.bytes.size());
            }
            out += field.bytes;
        }
    }
    return out;
}

WireField bytes_field(std::uint32_t number, std::string bytes)
{
    return WireField{number, 2, 0, std::move(bytes)};
}

// The `index`-th occurrence of field `number` (a length-delimited one), or nullptr.
WireField* nth(Message& message, std::uint32_t number, std::size_t index = 0)
{
    for (auto& field : message) {
        if (field.number == number && field.wire == 2 && index-- == 0) {
            return &field;
        }
    }
    return nullptr;
}

// Field numbers of pg_query.proto (libpg_query 15-4.x) on the path the edit walks.
constexpr std::uint32_t k_parse_result_stmts = 2;
constexpr std::uint32_t k_raw_stmt_stmt = 1;
constexpr std::uint32_t k_node_bool_expr = 16;
constexpr std::uint32_t k_node_update_stmt = 56;
constexpr std::uint32_t k_node_select_stmt = 58;
constexpr std::uint32_t k_node_range_subselect = 185;
constexpr std::uint32_t k_update_from_clause = 4;
constexpr std::uint32_t k_range_subselect_subquery = 2;
constexpr std::uint32_t k_select_where_clause = 5;
constexpr std::uint32_t k_bool_expr_boolop = 2;
constexpr std::uint32_t k_bool_expr_args = 3;
constexpr std::uint64_t k_and_expr = 1;

// The WHERE Node of "SELECT 1 WHERE <condition>" parsed to protobuf: the condition as a tree.
std::optional<std::string> where_of_select(std::string_view parse_result)
{
    auto result = decode(parse_result);
    auto* raw = result ? nth(*result, k_parse_result_stmts) : nullptr;
    auto raw_message = raw ? decode(raw->bytes) : std::nullopt;
    auto* node = raw_message ? nth(*raw_message, k_raw_stmt_stmt) : nullptr;
    auto node_message = node ? decode(node->bytes) : std::nullopt;
    auto* select = node_message ? nth(*node_message, k_node_select_stmt) : nullptr;
    auto select_message = select ? decode(select->bytes) : std::nullopt;
    auto* where = select_message ? nth(*select_message, k_select_where_clause) : nullptr;
    return where ? std::optional<std::string>(where->bytes) : std::nullopt;
}

// The UPDATE's protobuf tree with `condition` (a Node) ANDed into the WHERE of the
// subquery that is FROM item `from_index`.
std::optional<std::string> with_condition(std::string_view parse_result, std::size_t from_index, const std::string& condition)
{
    auto result = decode(parse_result);
    auto* raw = result ? nth(*result, k_parse_result_stmts) : nullptr;
    auto raw_message = raw ? decode(raw->bytes) : std::nullopt;
    auto* node = raw_message ? nth(*raw_message, k_raw_stmt_stmt) : nullptr;
    auto node_message = node ? decode(node->bytes) : std::nullopt;
    auto* update = node_message ? nth(*node_message, k_node_update_stmt) : nullptr;
    auto update_message = update ? decode(update->bytes) : std::nullopt;
    auto* from = update_message ? nth(*update_message, k_update_from_clause, from_index) : nullptr;
    auto from_message = from ? decode(from->bytes) : std::nullopt;
    auto* subselect = from_message ? nth(*from_message, k_node_range_subselect) : nullptr;
    auto subselect_message = subselect ? decode(subselect->bytes) : std::nullopt;
    auto* subquery = subselect_message ? nth(*subselect_message, k_range_subselect_subquery) : nullptr;
    auto subquery_message = subquery ? decode(subquery->bytes) : std::nullopt;
    auto* select = subquery_message ? nth(*subquery_message, k_node_select_stmt) : nullptr;
    auto select_message = select ? decode(select->bytes) : std::nullopt;
    if (!select_message) {
        return std::nullopt;
    }
    if (auto* where = nth(*select_message, k_select_where_clause)) {
        const Message both = {WireField{k_bool_expr_boolop, 0, k_and_expr, {}}, bytes_field(k_bool_expr_args, where->bytes),
                              bytes_field(k_bool_expr_args, condition)};
        where->bytes = encode(Message{bytes_field(k_node_bool_expr, encode(both))});
    } else {
        select_message->push_back(bytes_field(k_select_where_clause, condition));
    }
    select->bytes = encode(*select_message);
    subquery->bytes = encode(*subquery_message);
    subselect->bytes = encode(*subselect_message);
    from->bytes = encode(*from_message);
    update->bytes = encode(*update_message);
    node->bytes = encode(*node_message);
    raw->bytes = encode(*raw_message);
    return encode(*result);
}

// ---- the proof, over the JSON tree ---------------------------------------------------------

std::vector<std::string> column_ref(const Json& node)
{
    if (node_type(node) != "ColumnRef") {
        return {};
    }
    return detail::string_list(member(node_body(node), "fields"));
}

// Same column: the same name, and the same qualifier when both are qualified.
bool same_column(const std::vector<std::string>& a, const std::vector<std::string>& b)
{
    if (a.empty() || b.empty() || a.back() != b.back()) {
        return false;
    }
    return a.size() == 1 || b.size() == 1 || a == b;
}

bool list_has_column(const Json* list, const std::vector<std::string>& column)
{
    if (list == nullptr || !list->is_array()) {
        return false;
    }
    for (const auto& item : *list) {
        if (same_column(column_ref(item), column)) {
            return true;
        }
    }
    return false;
}

std::vector<const Json*> conjuncts(const Json* where)
{
    if (where == nullptr) {
        return {};
    }
    if (node_type(*where) == "BoolExpr" && text_of(node_body(*where), "boolop") == "AND_EXPR") {
        std::vector<const Json*> terms;
        for (const auto& arg : *member(node_body(*where), "args")) {
            terms.push_back(&arg);
        }
        return terms;
    }
    return {where};
}

// Why the subquery's rows for one value of `inner` might depend on other rows; "" when they can't.
std::string subquery_problem(const Json& select, const std::vector<std::string>& inner)
{
    if (member(select, "limitCount") != nullptr || member(select, "limitOffset") != nullptr) {
        return "its LIMIT/OFFSET picks rows across keys";
    }
    if (member(select, "lockingClause") != nullptr || member(select, "withClause") != nullptr) {
        return "it has FOR UPDATE or its own WITH";
    }
    if (member(select, "windowClause") != nullptr) {
        return "it has a named WINDOW";
    }
    if (const auto* distinct = member(select, "distinctClause"); distinct != nullptr && distinct->is_array()) {
        const bool plain = distinct->size() == 1 && (*distinct)[0].is_object() && (*distinct)[0].empty();
        if (!plain && !list_has_column(distinct, inner)) {
            return "its DISTINCT ON does not include the join column";
        }
    }
    const auto* group = member(select, "groupClause");
    if (group != nullptr && !list_has_column(group, inner)) {
        return "its GROUP BY does not include the join column";
    }
    if (group == nullptr && member(select, "havingClause") != nullptr) {
        return "its HAVING aggregates across keys";
    }
    std::string problem;
    detail::walk_nodes(*member(select, "targetList"), [&](std::string_view type, const Json& body) {
        if (type != "FuncCall") {
            return;
        }
        if (const auto* over = member(body, "over"); over != nullptr && !list_has_column(member(*over, "partitionClause"), inner)) {
            problem = "a window function's PARTITION BY does not include the join column";
        }
    });
    if (!problem.empty()) {
        return problem;
    }
    // An aggregate without GROUP BY folds every key into one row.
    if (group == nullptr) {
        detail::walk_nodes(*member(select, "targetList"), [&](std::string_view type, const Json& body) {
            if (type == "FuncCall" && member(body, "over") == nullptr) {
                const auto name = detail::string_list(member(body, "funcname"));
                static const std::vector<std::string> aggregates = {"count", "sum", "min", "max", "avg", "array_agg",
                                                                    "string_agg", "bool_and", "bool_or", "every", "json_agg",
                                                                    "jsonb_agg"};
                if (!name.empty() && std::find(aggregates.begin(), aggregates.end(), name.back()) != aggregates.end()) {
                    problem = "it aggregates without GROUP BY";
                }
            }
        });
    }
    return problem;
}

std::string quoted(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& name : names) {
        if (!out.empty()) {
            out += '.';
        }
        out += '"';
        for (const char c : name) {
            out += c;
            if (c == '"') {
                out += '"';
            }
        }
        out += '"';
    }
    return out;
}

} // namespace

std::optional<KeyJoinPushdown> push_key_set_into_join(std::string_view update_text, std::string_view key_set)
{
    const auto parsed = detail::parse(update_text);
    const auto* statements = parsed.error ? nullptr : member(parsed.tree, "stmts");
    if (statements == nullptr || statements->size() != 1) {
        return std::nullopt;
    }
    const auto* statement = member((*statements)[0], "stmt");
    if (statement == nullptr || node_type(*statement) != "UpdateStmt") {
        return std::nullopt;
    }
    const auto& update = node_body(*statement);
    const auto* from = member(update, "fromClause");
    if (from == nullptr || !from->is_array()) {
        return std::nullopt;
    }
    const auto& relation = *member(update, "relation");
    const auto* alias = member(relation, "alias");
    const auto ref = alias != nullptr ? text_of(*alias, "aliasname") : text_of(relation, "relname");

    for (const auto* term : conjuncts(member(update, "whereClause"))) {
        if (node_type(*term) != "A_Expr" || text_of(node_body(*term), "kind") != "AEXPR_OP") {
            continue;
        }
        const auto& expression = node_body(*term);
        const auto op = detail::string_list(member(expression, "name"));
        const auto* left = member(expression, "lexpr");
        const auto* right = member(expression, "rexpr");
        if (op != std::vector<std::string>{"="} || left == nullptr || right == nullptr) {
            continue;
        }
        for (const auto& [mine, theirs] : {std::pair{left, right}, std::pair{right, left}}) {
            const auto target_side = column_ref(*mine);
            const auto other_side = column_ref(*theirs);
            if (target_side.size() != 2 || target_side[0] != ref || other_side.size() != 2) {
                continue;
            }
            for (std::size_t index = 0; index < from->size(); ++index) {
                const auto& item = (*from)[index];
                if (node_type(item) != "RangeSubselect") {
                    continue;
                }
                const auto& subselect = node_body(item);
                const auto* item_alias = member(subselect, "alias");
                if (item_alias == nullptr || text_of(*item_alias, "aliasname") != other_side[0]) {
                    continue;
                }
                KeyJoinPushdown pushdown;
                pushdown.target_column = target_side[1];
                const auto* subquery = member(subselect, "subquery");
                if (detail::flag_of(subselect, "lateral") || subquery == nullptr || node_type(*subquery) != "SelectStmt") {
                    pushdown.problem = "the joined subquery is LATERAL";
                    return pushdown;
                }
                const auto& select = node_body(*subquery);
                if (text_of(select, "op") != "SETOP_NONE") {
                    pushdown.problem = "the joined subquery's rows for one key may depend on other keys: it is a UNION/INTERSECT/EXCEPT";
                    return pushdown;
                }
                // The subquery column behind s.<out>: a plain column of its own FROM.
                std::vector<std::string> inner;
                if (const auto* targets = member(select, "targetList"); targets != nullptr) {
                    for (const auto& target : *targets) {
                        const auto& body = node_body(target);
                        const auto* value = member(body, "val");
                        const auto name = text_of(body, "name");
                        const auto columns = value != nullptr ? column_ref(*value) : std::vector<std::string>{};
                        if (name == other_side[1] || (name.empty() && !columns.empty() && columns.back() == other_side[1])) {
                            inner = columns;
                            break;
                        }
                    }
                }
                if (inner.empty()) {
                    pushdown.problem = "the join column " + other_side[1] + " is not a plain column of the subquery";
                    return pushdown;
                }
                if (auto problem = subquery_problem(select, inner); !problem.empty()) {
                    pushdown.problem = "the joined subquery's rows for one key may depend on other keys: " + problem;
                    return pushdown;
                }
                const auto condition_tree = detail::parse_protobuf(
                    "SELECT 1 WHERE " + quoted(inner) + " = ANY(ARRAY(" + std::string(key_set) + "))");
                const auto condition = condition_tree ? where_of_select(*condition_tree) : std::nullopt;
                const auto tree = detail::parse_protobuf(update_text);
                const auto edited = tree && condition ? with_condition(*tree, index, *condition) : std::nullopt;
                const auto printed = edited ? detail::deparse_protobuf(*edited) : std::nullopt;
                const auto reparsed = printed ? parse_script(*printed) : ParsedScript{};
                if (reparsed.statements.size() != 1 || !reparsed.statements[0].update) {
                    pushdown.problem = "libpg_query could not print the edited statement";
                    return pushdown;
                }
                pushdown.head_text = reparsed.statements[0].update->head_text;
                pushdown.where_text = reparsed.statements[0].update->where_text;
                return pushdown;
            }
        }
    }
    return std::nullopt;
}

} // namespace lockwise::sql
