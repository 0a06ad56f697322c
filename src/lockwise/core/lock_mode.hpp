// PostgreSQL's eight table-level lock modes, their names and which pairs conflict
// (the manual's table 13.2): one table for the classifier (sql) and the lock watch (locks).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace lockwise::core {

// Ordered from weakest to strongest, as in the manual.
enum class LockMode {
    access_share,
    row_share,
    row_exclusive,
    share_update_exclusive,
    share,
    share_row_exclusive,
    exclusive,
    access_exclusive,
};

inline constexpr LockMode k_all_lock_modes[] = {
    LockMode::access_share, LockMode::row_share,           LockMode::row_exclusive, LockMode::share_update_exclusive,
    LockMode::share,        LockMode::share_row_exclusive, LockMode::exclusive,     LockMode::access_exclusive,
};

// The name pg_locks.mode uses: "AccessExclusiveLock".
const char* pg_locks_name(LockMode mode) noexcept;
// The name LOCK TABLE uses: "ACCESS EXCLUSIVE".
const char* sql_name(LockMode mode) noexcept;
// Accepts either spelling ("AccessShareLock", "ACCESS SHARE", "access share"); nullopt otherwise.
std::optional<LockMode> parse_lock_mode(std::string_view text);
// Whether a lock in mode `a` held by one transaction blocks a request for `b` by another (symmetric).
bool lock_modes_conflict(LockMode a, LockMode b) noexcept;
// Every mode that conflicts with `wanted`, weakest first.
std::vector<LockMode> conflicting_modes(LockMode wanted);

} // namespace lockwise::core
