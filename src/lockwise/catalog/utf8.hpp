// UTF-8 validation of migration files: PostgreSQL rejects invalid UTF-8 in the
// middle of a migration, so lockwise rejects the file up front with a position.
#pragma once

#include <optional>
#include <string_view>

namespace lockwise::catalog {

// Byte offset of the first byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF are invalid); nullopt if valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text) noexcept;

// `text` without a leading UTF-8 byte order mark.
std::string_view strip_bom(std::string_view text) noexcept;

} // namespace lockwise::catalog
