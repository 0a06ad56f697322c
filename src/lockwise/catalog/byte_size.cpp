// parse_byte_size: PostgreSQL's memory units (1kB = 1024 bytes), with checked arithmetic
// so "99999999999999GB" is refused as too large instead of wrapping around.
#include "lockwise/catalog/byte_size.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "lockwise/core/checked.hpp"

namespace lockwise::catalog {

namespace {

enum class Outcome { ok, malformed, too_large };

Outcome parse(std::string_view text, long long& out)
{
    static constexpr std::array<std::pair<std::string_view, long long>, 6> k_units{{
        {"", 1}, {"B", 1}, {"kB", 1024}, {"KB", 1024}, {"MB", 1024 * 1024}, {"GB", 1024 * 1024 * 1024},
    }};
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        ++digits;
    }
    const auto unit = text.substr(digits);
    const auto* found = std::find_if(k_units.begin(), k_units.end(), [&](const auto& entry) { return entry.first == unit; });
    if (digits == 0 || found == k_units.end()) {
        return Outcome::malformed;
    }
    const auto number = core::leading_number(text, std::numeric_limits<long long>::max());
    const auto bytes = number ? core::checked_mul_add(number->value, found->second, 0, core::k_max_byte_size) : std::nullopt;
    if (!bytes) {
        return Outcome::too_large;
    }
    out = *bytes;
    return Outcome::ok;
}

} // namespace

std::optional<long long> parse_byte_size(std::string_view text)
{
    long long out = 0;
    return parse(text, out) == Outcome::ok ? std::optional(out) : std::nullopt;
}

std::string byte_size_problem(std::string_view text)
{
    long long out = 0;
    switch (parse(text, out)) {
    case Outcome::ok: return {};
    case Outcome::too_large: return "too large: the largest size is " + std::string(core::k_max_byte_size_text);
    case Outcome::malformed: break;
    }
    return "not a size";
}

} // namespace lockwise::catalog
