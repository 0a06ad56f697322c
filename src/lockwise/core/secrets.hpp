// The process-wide list of secret values lockwise has seen (passwords of connection strings,
// PGPASSWORD, the .pgpass entry libpq used), so every output can mask them wherever they
// appear, even in text that has no `password=` around them (a server's or libpq's message).
#pragma once

#include <string>
#include <string_view>

namespace lockwise::core {

// Values shorter than this are not registered: masking every "ab" would garble all output,
// and the pattern scrubber (report::scrub_text) still hides them after `password=`.
inline constexpr std::size_t k_min_secret_length = 4;

// Adds `secret` (thread-safe; empty, short and repeated values are ignored).
void register_secret(std::string_view secret);

// `text` with every occurrence of every registered secret replaced by "***".
std::string mask_secrets(std::string_view text);

// Forgets every registered secret (tests).
void clear_secrets() noexcept;

} // namespace lockwise::core
