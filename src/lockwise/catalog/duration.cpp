// parse_duration: the units PostgreSQL itself accepts for timeouts, minus the
// ambiguous ones ("m" could be minutes or a typo for "ms"), so a typo is an error.
// Arithmetic is checked: a value past core::k_max_duration is refused, never wrapped.
#include "lockwise/catalog/duration.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "lockwise/core/checked.hpp"

namespace lockwise::catalog {

namespace {

enum class Outcome { ok, malformed, too_large };

Outcome parse(std::string_view text, std::chrono::milliseconds& out)
{
    static constexpr std::array<std::pair<std::string_view, long long>, 4> k_units{{
        {"ms", 1}, {"s", 1000}, {"min", 60'000}, {"h", 3'600'000},
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
    if (!number) {
        return Outcome::too_large;
    }
    const auto millis = core::checked_mul_add(number->value, found->second, 0, core::k_max_duration.count());
    if (!millis) {
        return Outcome::too_large;
    }
    out = std::chrono::milliseconds(*millis);
    return Outcome::ok;
}

} // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text)
{
    std::chrono::milliseconds out{0};
    return parse(text, out) == Outcome::ok ? std::optional(out) : std::nullopt;
}

std::string duration_problem(std::string_view text)
{
    std::chrono::milliseconds out{0};
    switch (parse(text, out)) {
    case Outcome::ok: return {};
    case Outcome::too_large: return "too large: the largest duration is " + std::string(core::k_max_duration_text);
    case Outcome::malformed: break;
    }
    return "not a duration";
}

} // namespace lockwise::catalog
