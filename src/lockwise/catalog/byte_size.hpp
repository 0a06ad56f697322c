// Sizes as written in lockwise.toml and directives ("16MB", "512kB", "1GB"): one checked
// parser, shared by the file size cap and the backfill's WAL lag limit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lockwise::catalog {

// "<non-negative integer>[unit]" with unit B, kB (or KB), MB or GB (powers of 1024, as in
// PostgreSQL); no unit means bytes. nullopt for anything else or past core::k_max_byte_size.
std::optional<long long> parse_byte_size(std::string_view text);

// Why parse_byte_size refused `text`: "too large: the largest size is ..." or "not a size".
std::string byte_size_problem(std::string_view text);

inline constexpr std::string_view k_byte_size_syntax = "an integer optionally followed by B, kB, MB or GB (for example 16MB)";

} // namespace lockwise::catalog
