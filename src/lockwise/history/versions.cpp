// Version parsing and ordering for the history table; the same order PostgreSQL
// gives the `version_sort numeric[]` column, so SQL and C++ sort alike.
#include "lockwise/history/versions.hpp"

#include <charconv>

namespace lockwise::history {

std::optional<VersionParts> parse_version_parts(std::string_view text)
{
    VersionParts parts;
    std::size_t position = 0;
    while (true) {
        const std::size_t begin = position;
        while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
            ++position;
        }
        if (position == begin) {
            return std::nullopt;
        }
        long long value = 0;
        const auto [end, error] = std::from_chars(text.data() + begin, text.data() + position, value);
        if (error != std::errc{} || end != text.data() + position) {
            return std::nullopt; // out of range
        }
        parts.push_back(value);
        if (position == text.size()) {
            return parts;
        }
        if (text[position] != '.' && text[position] != '_') {
            return std::nullopt;
        }
        ++position;
    }
}

namespace {

std::string join(const VersionParts& parts, char separator)
{
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            out += separator;
        }
        out += std::to_string(parts[i]);
    }
    return out;
}

} // namespace

std::string canonical_version(const VersionParts& parts) { return join(parts, '.'); }

std::string canonical_version(const catalog::Version& version) { return canonical_version(version.parts); }

std::string version_sort_literal(const VersionParts& parts) { return "{" + join(parts, ',') + "}"; }

int compare_versions(const VersionParts& left, const VersionParts& right) noexcept
{
    for (std::size_t i = 0; i < left.size() && i < right.size(); ++i) {
        if (left[i] != right[i]) {
            return left[i] < right[i] ? -1 : 1;
        }
    }
    if (left.size() == right.size()) {
        return 0;
    }
    return left.size() < right.size() ? -1 : 1;
}

} // namespace lockwise::history
