// The backfill's view of a `-- lockwise:backfill` step: the spec the plan parsed
// (plan/backfill_spec.hpp) and the checks of it that need the database.
#pragma once

#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/plan/backfill_spec.hpp"

namespace lockwise::pg {
class Connection;
}

namespace lockwise::backfill {

using Millis = plan::Millis;
using plan::BackfillSpec;
using plan::parse_backfill_duration;
using plan::parse_backfill_spec;
using plan::parse_byte_size;

// Checks that need the database: the table, key (unique, NOT NULL, single column),
// partition column, pending predicate and the UPDATE itself. Read-only (EXPLAIN,
// catalog queries); returns every problem found, empty when the spec is runnable.
std::vector<catalog::Diagnostic> validate_against_database(pg::Connection& connection, const BackfillSpec& spec);

} // namespace lockwise::backfill
