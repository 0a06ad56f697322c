// The lockwise version, recorded in history with every migration it applies.
#pragma once

namespace lockwise::core {
inline constexpr const char* k_version = LOCKWISE_VERSION;
inline constexpr const char* k_pg_bindir = LOCKWISE_PG_BINDIR;
} // namespace lockwise::core
