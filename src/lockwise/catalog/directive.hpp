// `-- lockwise:<name> [arguments]` directives: recognising them in comments, tokenising
// their arguments and checking what the catalog can check (names, durations, counts).
// The grammar is documented in docs/directives.md.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/catalog/migration.hpp"

namespace lockwise::catalog {

inline constexpr std::array<std::string_view, 7> k_directive_names{
    "no-transaction", "best-effort", "lock-timeout", "statement-timeout", "retries", "allow", "backfill",
};

// Directives found in text[begin, end), and an error for each malformed one.
struct DirectiveScan {
    std::vector<Directive> directives;
    std::vector<Diagnostic> errors;
};

// Reads every `--` comment of text[begin, end) that begins with "lockwise:" (after optional
// spaces); `file` is the display path used in errors.
DirectiveScan parse_directives(std::string_view text, std::size_t begin, std::size_t end,
                               const std::string& file);

// The closest known directive name to `name` within a small edit distance, or "".
std::string_view closest_directive_name(std::string_view name);

} // namespace lockwise::catalog
