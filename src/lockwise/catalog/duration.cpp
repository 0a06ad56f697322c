// parse_duration: the units PostgreSQL itself accepts for timeouts, minus the
// ambiguous ones ("m" could be minutes or a typo for "ms"), so a typo is an error.
#include "lockwise/catalog/duration.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace lockwise::catalog {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text)
{
    std::size_t digits = 0;
    std::int64_t value = 0;
    constexpr std::int64_t k_max_value = 1'000'000'000'000; // far beyond any sane timeout, far below overflow
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        value = value * 10 + (text[digits] - '0');
        if (value > k_max_value) {
            return std::nullopt;
        }
        ++digits;
    }
    if (digits == 0) {
        return std::nullopt;
    }
    static constexpr std::array<std::pair<std::string_view, std::int64_t>, 4> k_units{{
        {"ms", 1}, {"s", 1000}, {"min", 60'000}, {"h", 3'600'000},
    }};
    const auto unit = text.substr(digits);
    for (const auto& [name, factor] : k_units) {
        if (unit == name) {
            return std::chrono::milliseconds(value * factor);
        }
    }
    return std::nullopt;
}

} // namespace lockwise::catalog
