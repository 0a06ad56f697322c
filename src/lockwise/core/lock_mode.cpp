// The table-level lock conflict matrix, written out from the PostgreSQL 15
// manual (13.3.1, table 13.2) as one bit mask per mode, and the modes' two spellings.
#include "lockwise/core/lock_mode.hpp"

#include <cctype>
#include <string>

namespace lockwise::core {
namespace {

constexpr unsigned bit(LockMode mode) noexcept
{
    return 1U << static_cast<unsigned>(mode);
}

// Row = requested mode, bits = modes it conflicts with.
constexpr unsigned conflict_mask(LockMode mode) noexcept
{
    using enum LockMode;
    switch (mode) {
    case access_share:
        return bit(access_exclusive);
    case row_share:
        return bit(exclusive) | bit(access_exclusive);
    case row_exclusive:
        return bit(share) | bit(share_row_exclusive) | bit(exclusive) | bit(access_exclusive);
    case share_update_exclusive:
        return bit(share_update_exclusive) | bit(share) | bit(share_row_exclusive) | bit(exclusive) |
               bit(access_exclusive);
    case share:
        return bit(row_exclusive) | bit(share_update_exclusive) | bit(share_row_exclusive) | bit(exclusive) |
               bit(access_exclusive);
    case share_row_exclusive:
        return bit(row_exclusive) | bit(share_update_exclusive) | bit(share) | bit(share_row_exclusive) |
               bit(exclusive) | bit(access_exclusive);
    case exclusive:
        return bit(row_share) | bit(row_exclusive) | bit(share_update_exclusive) | bit(share) |
               bit(share_row_exclusive) | bit(exclusive) | bit(access_exclusive);
    case access_exclusive:
        return 0xFFU;
    }
    return 0xFFU;
}

std::string normalise(std::string_view text)
{
    std::string out;
    for (char c : text) {
        if (c != ' ' && c != '_') {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    if (out.size() > 4 && out.ends_with("lock")) {
        out.resize(out.size() - 4);
    }
    return out;
}

} // namespace

const char* pg_locks_name(LockMode mode) noexcept
{
    switch (mode) {
    case LockMode::access_share:
        return "AccessShareLock";
    case LockMode::row_share:
        return "RowShareLock";
    case LockMode::row_exclusive:
        return "RowExclusiveLock";
    case LockMode::share_update_exclusive:
        return "ShareUpdateExclusiveLock";
    case LockMode::share:
        return "ShareLock";
    case LockMode::share_row_exclusive:
        return "ShareRowExclusiveLock";
    case LockMode::exclusive:
        return "ExclusiveLock";
    case LockMode::access_exclusive:
        return "AccessExclusiveLock";
    }
    return "AccessExclusiveLock";
}

const char* sql_name(LockMode mode) noexcept
{
    switch (mode) {
    case LockMode::access_share:
        return "ACCESS SHARE";
    case LockMode::row_share:
        return "ROW SHARE";
    case LockMode::row_exclusive:
        return "ROW EXCLUSIVE";
    case LockMode::share_update_exclusive:
        return "SHARE UPDATE EXCLUSIVE";
    case LockMode::share:
        return "SHARE";
    case LockMode::share_row_exclusive:
        return "SHARE ROW EXCLUSIVE";
    case LockMode::exclusive:
        return "EXCLUSIVE";
    case LockMode::access_exclusive:
        return "ACCESS EXCLUSIVE";
    }
    return "ACCESS EXCLUSIVE";
}

std::optional<LockMode> parse_lock_mode(std::string_view text)
{
    const auto wanted = normalise(text);
    for (auto mode : k_all_lock_modes) {
        if (normalise(pg_locks_name(mode)) == wanted) {
            return mode;
        }
    }
    return std::nullopt;
}

bool lock_modes_conflict(LockMode a, LockMode b) noexcept
{
    return (conflict_mask(a) & bit(b)) != 0;
}

std::vector<LockMode> conflicting_modes(LockMode wanted)
{
    std::vector<LockMode> modes;
    for (auto mode : k_all_lock_modes) {
        if (lock_modes_conflict(wanted, mode)) {
            modes.push_back(mode);
        }
    }
    return modes;
}

} // namespace lockwise::core
