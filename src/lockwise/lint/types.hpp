// What PostgreSQL does to a table's data when a column's type changes: the casts
// that are binary-coercible (no rewrite) and the type families a running app relies on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/lint/lint.hpp"

namespace lockwise::lint {

enum class CastCost {
    none,              // catalog change only (binary-coercible, or a widening typmod change)
    rewrite,           // the table and its indexes are rewritten under ACCESS EXCLUSIVE
    rewrite_unless_utc // timestamp -> timestamptz: no rewrite on PG12+ only when TimeZone is UTC
};

// The cost of ALTER COLUMN ... TYPE `to` on a column of type `from` (PostgreSQL 9.2+ rules).
CastCost cast_cost(const KnownColumn& from, const KnownColumn& to, bool has_using,
                   std::optional<int> server_version_num);

// "integer", "number", "string", "datetime", ... or the type name itself when it has no family.
std::string type_family(std::string_view type_name);

// "varchar(255)", "int8", "text[]": how the type is written in SQL.
std::string format_type(std::string_view type_name, const std::vector<long>& modifiers, bool is_array);

} // namespace lockwise::lint
