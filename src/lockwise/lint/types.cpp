// Type-change knowledge for ALTER COLUMN TYPE: which casts rewrite the table.
// Each "none" claim is checked against a real server in tests/db/test_lint_casts.cpp.
#include "lockwise/lint/types.hpp"

#include <array>

namespace lockwise::lint {
namespace {

// Modifiers of `to` accept every value of `from` for length-limited types (varchar, varbit).
bool length_widens(const std::vector<long>& from, const std::vector<long>& to)
{
    if (to.empty()) {
        return true; // unconstrained
    }
    if (from.empty()) {
        return false; // adding a limit checks every row
    }
    return to[0] >= from[0];
}

// numeric(p,s) -> numeric(p',s) with p' >= p, or unconstrained numeric.
bool numeric_widens(const std::vector<long>& from, const std::vector<long>& to)
{
    if (to.empty()) {
        return true;
    }
    if (from.empty()) {
        return false;
    }
    const long from_scale = from.size() > 1 ? from[1] : 0;
    const long to_scale = to.size() > 1 ? to[1] : 0;
    return to_scale == from_scale && to[0] >= from[0];
}

bool is_string_without_trim(std::string_view type) { return type == "varchar" || type == "text"; }

} // namespace

CastCost cast_cost(const KnownColumn& from, const KnownColumn& to, bool has_using,
                   std::optional<int> server_version_num)
{
    if (from.is_array != to.is_array) {
        return CastCost::rewrite;
    }
    if (from.type_name == to.type_name && from.type_modifiers == to.type_modifiers && !has_using) {
        return CastCost::none;
    }
    if (has_using) {
        return CastCost::rewrite;
    }
    const auto& a = from.type_name;
    const auto& b = to.type_name;
    if (a == b) {
        if (a == "varchar" || a == "varbit") {
            return length_widens(from.type_modifiers, to.type_modifiers) ? CastCost::none : CastCost::rewrite;
        }
        if (a == "numeric") {
            return numeric_widens(from.type_modifiers, to.type_modifiers) ? CastCost::none : CastCost::rewrite;
        }
        if (a == "timestamp" || a == "timestamptz" || a == "time" || a == "timetz" || a == "interval") {
            // Raising fractional-second precision (or dropping it) needs no rewrite.
            return length_widens(from.type_modifiers, to.type_modifiers) ? CastCost::none : CastCost::rewrite;
        }
        return CastCost::rewrite;
    }
    if (is_string_without_trim(a) && b == "text") {
        return CastCost::none;
    }
    if (a == "text" && b == "varchar" && to.type_modifiers.empty()) {
        return CastCost::none;
    }
    if (a == "cidr" && b == "inet") {
        return CastCost::none;
    }
    if (a == "timestamp" && b == "timestamptz") {
        if (server_version_num && *server_version_num >= 120000) {
            return CastCost::rewrite_unless_utc;
        }
        return CastCost::rewrite;
    }
    return CastCost::rewrite;
}

std::string type_family(std::string_view type_name)
{
    struct Family {
        std::string_view type;
        std::string_view family;
    };
    static constexpr std::array<Family, 24> k_families{{
        {"int2", "number"},      {"int4", "number"},      {"int8", "number"},
        {"numeric", "number"},   {"float4", "number"},    {"float8", "number"},
        {"money", "number"},     {"text", "string"},      {"varchar", "string"},
        {"bpchar", "string"},    {"citext", "string"},    {"name", "string"},
        {"timestamp", "datetime"}, {"timestamptz", "datetime"}, {"date", "datetime"},
        {"time", "time"},        {"timetz", "time"},      {"json", "json"},
        {"jsonb", "json"},       {"inet", "network"},     {"cidr", "network"},
        {"bit", "bits"},         {"varbit", "bits"},      {"bool", "boolean"},
    }};
    for (const auto& entry : k_families) {
        if (entry.type == type_name) {
            return std::string(entry.family);
        }
    }
    return std::string(type_name);
}

std::string format_type(std::string_view type_name, const std::vector<long>& modifiers, bool is_array)
{
    std::string out(type_name);
    if (!modifiers.empty()) {
        out += '(';
        for (std::size_t i = 0; i < modifiers.size(); ++i) {
            out += (i > 0 ? "," : "") + std::to_string(modifiers[i]);
        }
        out += ')';
    }
    if (is_array) {
        out += "[]";
    }
    return out;
}

} // namespace lockwise::lint
