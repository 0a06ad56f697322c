// A boolean condition written outside a statement (a directive's pending=): judged as one
// expression by PostgreSQL's parser and printed back from its parse tree, never pasted.
#pragma once

#include <string>
#include <string_view>

namespace lockwise::sql {

struct Condition {
    std::string text;    // the expression as libpg_query's deparser prints it; "" when problem is set
    std::string problem; // why `source` is not one condition; "" when it is
};

// Parses `source` as the WHERE of "SELECT 1 WHERE <source>" and accepts it only when that is
// the whole statement: nothing may close a parenthesis it did not open, add a clause (GROUP BY,
// UNION, ORDER BY, LIMIT, FOR UPDATE, ...) or a second statement. The text returned is printed
// from the parse tree, so a caller that wraps it in parentheses gets exactly one expression.
Condition parse_condition(std::string_view source);

} // namespace lockwise::sql
