// The checksum history stores for each migration's up SQL. It names its algorithm
// ("sha256:<hex>") so that changing the algorithm later can never look like drift.
#pragma once

#include <string>
#include <string_view>

namespace lockwise::catalog {

inline constexpr std::string_view k_checksum_algorithm = "sha256";

// "sha256:<64 lowercase hex digits>" of `sql` with CRLF line endings turned into LF,
// so a checkout with different line endings (or a BOM, removed earlier) is not drift.
std::string checksum_sql(std::string_view sql);

} // namespace lockwise::catalog
