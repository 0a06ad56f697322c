// Matching migration file names of each format without std::regex (which GCC 12
// cannot compile warning-free under the sanitizers): small, exact, testable shapes.
#pragma once

#include <optional>
#include <string_view>

namespace lockwise::catalog {

bool starts_with(std::string_view text, std::string_view prefix) noexcept;
bool ends_with(std::string_view text, std::string_view suffix) noexcept;
// The number of leading ASCII digits.
std::size_t leading_digits(std::string_view text) noexcept;

struct NumberedName {
    std::string_view version; // the leading digits (or digits and dashes for diesel)
    std::string_view name;    // what follows the '_' (without the suffix)
};

// "<digits>_<name><suffix>" (golang-migrate, goose); with `underscore_optional`,
// "<digits><name><suffix>" too, a leading '_' of the name dropped (dbmate).
std::optional<NumberedName> match_numbered(std::string_view file, std::string_view suffix,
                                           bool underscore_optional = false) noexcept;

// Diesel's "<digits and dashes>_<name>" folder, the first character a digit.
std::optional<NumberedName> match_diesel_folder(std::string_view folder) noexcept;

// Lines and words: blanks are spaces and tabs.
std::string_view skip_blanks(std::string_view text) noexcept;
std::string_view trim_blanks(std::string_view text) noexcept;

} // namespace lockwise::catalog
