// The live catalog's answer to "what else does this statement lock": indexes'
// tables, foreign keys, views' sources, partitions and owned sequences, read into
// the sql stage's SchemaFacts. Only catalog tables are read (pg_class, pg_index,
// pg_constraint, pg_inherits, pg_depend, pg_rewrite): no user relation is locked.
#pragma once

#include "lockwise/pg/connection.hpp"
#include "lockwise/sql/facts.hpp"

namespace lockwise::locks {

// Reads every user relation's dependencies in one read-only transaction under a short
// lock_timeout. `connection` must not be inside a transaction. Throws pg::SqlError.
sql::SchemaFacts read_schema_facts(pg::Connection& connection);

} // namespace lockwise::locks
