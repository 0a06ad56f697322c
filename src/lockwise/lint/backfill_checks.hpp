// Internal to lint/: the checks of `-- lockwise:backfill` directives, the same parse the
// plan does (plan/backfill_spec.hpp), so `lint` refuses what `plan` and `migrate` would.
#pragma once

#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::lint {

// Parses every backfill directive of `migration` with the UPDATE that follows it and
// appends each problem (unknown option, bad value, pending= that is not one condition) to
// `errors`. `file` is the display path used in diagnostics.
void check_backfill_directives(const catalog::Migration& migration, const sql::ParsedScript& script,
                               const std::string& file, std::vector<catalog::Diagnostic>& errors);

} // namespace lockwise::lint
