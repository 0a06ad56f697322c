// parse_condition: one expression in, the deparser's text of that expression out.
#include "lockwise/sql/condition.hpp"

#include <set>

#include "lockwise/sql/parse_tree.hpp"
#include "lockwise/sql/pg_query_api.hpp"

namespace lockwise::sql {

namespace {

constexpr std::string_view k_prefix = "SELECT 1 WHERE ";

// The members a bare "SELECT 1 WHERE <expr>" has in the protobuf JSON (defaults omitted).
const std::set<std::string, std::less<>> k_select_members = {"targetList", "whereClause", "limitOption", "op"};

} // namespace

Condition parse_condition(std::string_view source)
{
    Condition condition;
    if (source.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        condition.problem = "the condition is empty";
        return condition;
    }
    const auto wrapped = std::string(k_prefix) + std::string(source);
    const auto parsed = detail::parse(wrapped);
    if (parsed.error) {
        condition.problem = parsed.error->message;
        return condition;
    }
    const auto* statements = detail::member(parsed.tree, "stmts");
    if (statements == nullptr || !statements->is_array() || statements->size() != 1) {
        condition.problem = "it is more than one statement";
        return condition;
    }
    const auto* statement = detail::member((*statements)[0], "stmt");
    if (statement == nullptr || detail::node_type(*statement) != "SelectStmt") {
        condition.problem = "it is not a single condition";
        return condition;
    }
    const auto& select = detail::node_body(*statement);
    for (const auto& [name, value] : select.items()) {
        if (!k_select_members.contains(name)) {
            condition.problem = "it adds a clause to the query instead of being one condition";
            return condition;
        }
    }
    const auto* targets = detail::member(select, "targetList");
    if (detail::member(select, "whereClause") == nullptr || targets == nullptr || targets->size() != 1 ||
        detail::text_of(select, "op") != "SETOP_NONE" || detail::text_of(select, "limitOption") != "LIMIT_OPTION_DEFAULT") {
        condition.problem = "it is not a single condition";
        return condition;
    }
    const auto printed = detail::deparse(wrapped);
    if (!printed || !printed->starts_with(k_prefix)) {
        condition.problem = "libpg_query could not print it back";
        return condition;
    }
    condition.text = printed->substr(k_prefix.size());
    return condition;
}

} // namespace lockwise::sql
