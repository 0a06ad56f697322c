// The parser version comes from libpg_query's header, the one lockwise was compiled against.
#include "lockwise/sql/parser_version.hpp"

#include <pg_query.h>

namespace lockwise::sql {

std::string parser_version() { return PG_VERSION; }

} // namespace lockwise::sql
