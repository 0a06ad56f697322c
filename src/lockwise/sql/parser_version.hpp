// Which PostgreSQL grammar lockwise parses SQL with (libpg_query embeds one server version's parser).
#pragma once

#include <string>

namespace lockwise::sql {

// The PostgreSQL version whose parser libpg_query was built from, e.g. "15.1".
std::string parser_version();

} // namespace lockwise::sql
