// The table-level lock modes as locks/ names them: core's one table (core/lock_mode.hpp),
// which the classifier in sql/ uses too, so both agree on who blocks whom.
#pragma once

#include "lockwise/core/lock_mode.hpp"

namespace lockwise::locks {

using core::conflicting_modes;
using core::k_all_lock_modes;
using core::lock_modes_conflict;
using core::LockMode;
using core::parse_lock_mode;
using core::pg_locks_name;
using core::sql_name;

} // namespace lockwise::locks
