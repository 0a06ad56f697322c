// File-name shapes of the supported formats, written out by hand.
#include "lockwise/catalog/file_names.hpp"

namespace lockwise::catalog {

namespace {

bool is_blank(char c) noexcept
{
    return c == ' ' || c == '\t';
}

} // namespace

bool starts_with(std::string_view text, std::string_view prefix) noexcept
{
    return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) noexcept
{
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::size_t leading_digits(std::string_view text) noexcept
{
    std::size_t count = 0;
    while (count < text.size() && text[count] >= '0' && text[count] <= '9') {
        ++count;
    }
    return count;
}

std::optional<NumberedName> match_numbered(std::string_view file, std::string_view suffix,
                                           bool underscore_optional) noexcept
{
    if (!ends_with(file, suffix)) {
        return std::nullopt;
    }
    const auto stem = file.substr(0, file.size() - suffix.size());
    const auto digits = leading_digits(stem);
    if (digits == 0) {
        return std::nullopt;
    }
    auto name = stem.substr(digits);
    if (starts_with(name, "_")) {
        name.remove_prefix(1);
    } else if (!underscore_optional) {
        return std::nullopt;
    }
    return NumberedName{stem.substr(0, digits), name};
}

std::optional<NumberedName> match_diesel_folder(std::string_view folder) noexcept
{
    if (leading_digits(folder) == 0) {
        return std::nullopt;
    }
    std::size_t end = 0;
    while (end < folder.size() && ((folder[end] >= '0' && folder[end] <= '9') || folder[end] == '-')) {
        ++end;
    }
    if (end + 1 >= folder.size() || folder[end] != '_') {
        return std::nullopt;
    }
    return NumberedName{folder.substr(0, end), folder.substr(end + 1)};
}

std::string_view skip_blanks(std::string_view text) noexcept
{
    while (!text.empty() && is_blank(text.front())) {
        text.remove_prefix(1);
    }
    return text;
}

std::string_view trim_blanks(std::string_view text) noexcept
{
    text = skip_blanks(text);
    while (!text.empty() && is_blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

} // namespace lockwise::catalog
