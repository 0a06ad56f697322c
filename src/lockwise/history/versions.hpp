// Version keys as the history table stores them: catalog::Version's parsing and text
// (one set of rules for file names and history rows), ordered as PostgreSQL orders numeric[].
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/catalog/migration.hpp"

namespace lockwise::history {

// catalog::Version::parts: numeric parts, leading zeros dropped.
using VersionParts = decltype(catalog::Version::parts);

// catalog::Version::parse's parts ("1", "1.2.3", "1_2", "007" -> {7}); nullopt if catalog refuses the text.
std::optional<VersionParts> parse_version_parts(std::string_view text);

// Parts joined with '.' (catalog::Version::canonical): the text stored in the `version` column.
std::string canonical_version(const VersionParts& parts);
// A repeatable migration's key is its version text, "R__<description>".
std::string canonical_version(const catalog::Version& version);
// Whether a history row's version is a repeatable migration's key ("R__views").
bool is_repeatable_key(std::string_view version) noexcept;

// "{1,2,3}": the literal of the `version_sort numeric[]` column.
std::string version_sort_literal(const VersionParts& parts);

// The order of numeric[] in PostgreSQL, so C++ and `ORDER BY version_sort` agree: catalog::Version's
// order, and among versions catalog calls equal ("1", "1.0") the one with fewer parts first.
int compare_versions(const VersionParts& left, const VersionParts& right) noexcept;

} // namespace lockwise::history
