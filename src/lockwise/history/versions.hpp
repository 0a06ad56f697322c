// Version keys as the history table stores them: dotted numeric parts, compared
// part by part. Kept here (not in catalog) so history reads other tools' version text too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockwise/catalog/migration.hpp"

namespace lockwise::history {

using VersionParts = std::vector<long long>;

// Parses "1", "1.2.3", "1_2", "007" into numeric parts (leading zeros insignificant). nullopt if not a version.
std::optional<VersionParts> parse_version_parts(std::string_view text);

// Parts joined with '.': the text stored in the `version` column.
std::string canonical_version(const VersionParts& parts);
std::string canonical_version(const catalog::Version& version);

// "{1,2,3}": the literal of the `version_sort numeric[]` column.
std::string version_sort_literal(const VersionParts& parts);

// Part by part, then the shorter first ("1" < "1.0" < "1.1" < "2" < "10"): the order of numeric[] in PostgreSQL.
int compare_versions(const VersionParts& left, const VersionParts& right) noexcept;

} // namespace lockwise::history
