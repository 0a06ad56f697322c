// Migration versions and format names: versions compare as dotted numbers the way
// Flyway's MigrationVersion does (missing trailing parts count as zero, so 1 == 1.0).
#include "lockwise/catalog/migration.hpp"

#include <array>

namespace lockwise::catalog {

namespace {

constexpr std::array<std::pair<Format, std::string_view>, 5> k_format_names{{
    {Format::native, "native"},
    {Format::golang_migrate, "golang-migrate"},
    {Format::dbmate, "dbmate"},
    {Format::goose, "goose"},
    {Format::diesel, "diesel"},
}};

// 18 digits always fit in a long long; timestamps (14 digits) are well inside.
constexpr std::size_t k_max_part_digits = 18;

long long part_or_zero(const std::vector<long long>& parts, std::size_t index)
{
    return index < parts.size() ? parts[index] : 0;
}

} // namespace

std::string_view format_name(Format format) noexcept
{
    for (const auto& [value, name] : k_format_names) {
        if (value == format) {
            return name;
        }
    }
    return "unknown";
}

std::optional<Format> format_from_name(std::string_view name) noexcept
{
    for (const auto& [value, known] : k_format_names) {
        if (known == name) {
            return value;
        }
    }
    // Flyway users will say "flyway"; it is the same format.
    if (name == "flyway") {
        return Format::native;
    }
    return std::nullopt;
}

std::optional<Version> Version::parse(std::string_view text)
{
    Version version;
    version.text = std::string(text);
    std::size_t position = 0;
    while (true) {
        const auto part_begin = position;
        long long value = 0;
        std::size_t significant_digits = 0; // leading zeros are insignificant: "01" == "1"
        while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
            if (significant_digits > 0 || text[position] != '0') {
                if (++significant_digits > k_max_part_digits) {
                    return std::nullopt;
                }
                value = value * 10 + (text[position] - '0');
            }
            ++position;
        }
        if (position == part_begin) { // every part has at least one digit
            return std::nullopt;
        }
        version.parts.push_back(value);
        if (position == text.size()) {
            return version;
        }
        if (text[position] != '.' && text[position] != '_') {
            return std::nullopt;
        }
        ++position;
        if (position == text.size()) {
            return std::nullopt;
        }
    }
}

std::strong_ordering Version::operator<=>(const Version& other) const noexcept
{
    const auto count = std::max(parts.size(), other.parts.size());
    for (std::size_t i = 0; i < count; ++i) {
        const auto order = part_or_zero(parts, i) <=> part_or_zero(other.parts, i);
        if (order != std::strong_ordering::equal) {
            return order;
        }
    }
    return std::strong_ordering::equal;
}

bool Version::operator==(const Version& other) const noexcept
{
    return (*this <=> other) == std::strong_ordering::equal;
}

std::string Version::canonical() const
{
    // As the contract says: the parts as numbers (no leading zeros), every part kept.
    // "1.0" stays "1.0" although it equals "1": the catalog refuses such pairs as duplicates.
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            out += '.';
        }
        out += std::to_string(parts[i]);
    }
    return out;
}

} // namespace lockwise::catalog
