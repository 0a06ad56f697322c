// Durations as written in directives and lockwise.toml ("250ms", "5s", "2min", "1h"):
// one parser so a value means the same thing wherever a user writes it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lockwise::catalog {

// "<non-negative integer><unit>" with unit ms, s, min or h, at most core::k_max_duration;
// nullopt for anything else (no unit, "m", spaces, fractions, negative or too large values).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Why parse_duration refused `text`: "too large: the largest duration is 2147483647ms (...)"
// when it is a well-formed duration past the maximum, else "not a duration".
std::string duration_problem(std::string_view text);

// The accepted spellings, for hints: "an integer followed by ms, s, min or h (250ms, 5s, 2min, 1h)".
inline constexpr std::string_view k_duration_syntax =
    "an integer followed by ms, s, min or h (for example 250ms, 5s, 2min, 1h)";

} // namespace lockwise::catalog
