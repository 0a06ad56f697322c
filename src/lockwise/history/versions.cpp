// Version keys of the history table: parsing and text are catalog::Version's; the order
// is the one PostgreSQL gives the `version_sort numeric[]` column, so SQL and C++ sort alike.
#include "lockwise/history/versions.hpp"

#include <compare>

namespace lockwise::history {

std::optional<VersionParts> parse_version_parts(std::string_view text)
{
    auto version = catalog::Version::parse(text);
    if (!version) {
        return std::nullopt;
    }
    return std::move(version->parts);
}

std::string canonical_version(const VersionParts& parts)
{
    catalog::Version version;
    version.parts = parts;
    return version.canonical();
}

std::string canonical_version(const catalog::Version& version)
{
    return version.parts.empty() ? version.text : version.canonical();
}

bool is_repeatable_key(std::string_view version) noexcept { return version.starts_with("R__"); }

std::string version_sort_literal(const VersionParts& parts)
{
    std::string out = "{";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        out += (i > 0 ? "," : "") + std::to_string(parts[i]);
    }
    return out + "}";
}

int compare_versions(const VersionParts& left, const VersionParts& right) noexcept
{
    // numeric[] compares element by element, a prefix first: exactly std::vector's order.
    const auto order = left <=> right;
    return std::is_lt(order) ? -1 : (std::is_gt(order) ? 1 : 0);
}

} // namespace lockwise::history
