// Lock modes and the table-level lock conflict table of the PostgreSQL 15
// manual ("Explicit Locking", Table 13.2), used to say whom a statement blocks.
#include <array>

#include "lockwise/sql/statement.hpp"

namespace lockwise::sql {
namespace {

struct ModeName {
    LockMode mode;
    std::string_view name;
};

constexpr std::array<ModeName, 9> k_mode_names{{
    {LockMode::none, "none"},
    {LockMode::access_share, "AccessShareLock"},
    {LockMode::row_share, "RowShareLock"},
    {LockMode::row_exclusive, "RowExclusiveLock"},
    {LockMode::share_update_exclusive, "ShareUpdateExclusiveLock"},
    {LockMode::share, "ShareLock"},
    {LockMode::share_row_exclusive, "ShareRowExclusiveLock"},
    {LockMode::exclusive, "ExclusiveLock"},
    {LockMode::access_exclusive, "AccessExclusiveLock"},
}};

// Bit i set in k_conflicts[m] means mode m conflicts with the mode of value i.
constexpr unsigned bit(LockMode mode) { return 1U << static_cast<unsigned>(mode); }
constexpr std::array<unsigned, 9> k_conflicts{
    0U,
    bit(LockMode::access_exclusive),
    bit(LockMode::exclusive) | bit(LockMode::access_exclusive),
    bit(LockMode::share) | bit(LockMode::share_row_exclusive) | bit(LockMode::exclusive) |
        bit(LockMode::access_exclusive),
    bit(LockMode::share_update_exclusive) | bit(LockMode::share) | bit(LockMode::share_row_exclusive) |
        bit(LockMode::exclusive) | bit(LockMode::access_exclusive),
    bit(LockMode::row_exclusive) | bit(LockMode::share_update_exclusive) | bit(LockMode::share_row_exclusive) |
        bit(LockMode::exclusive) | bit(LockMode::access_exclusive),
    bit(LockMode::row_exclusive) | bit(LockMode::share_update_exclusive) | bit(LockMode::share) |
        bit(LockMode::share_row_exclusive) | bit(LockMode::exclusive) | bit(LockMode::access_exclusive),
    bit(LockMode::row_share) | bit(LockMode::row_exclusive) | bit(LockMode::share_update_exclusive) |
        bit(LockMode::share) | bit(LockMode::share_row_exclusive) | bit(LockMode::exclusive) |
        bit(LockMode::access_exclusive),
    bit(LockMode::access_share) | bit(LockMode::row_share) | bit(LockMode::row_exclusive) |
        bit(LockMode::share_update_exclusive) | bit(LockMode::share) | bit(LockMode::share_row_exclusive) |
        bit(LockMode::exclusive) | bit(LockMode::access_exclusive),
};

} // namespace

std::string_view lock_mode_name(LockMode mode) noexcept
{
    return k_mode_names[static_cast<std::size_t>(mode)].name;
}

std::optional<LockMode> lock_mode_from_name(std::string_view name) noexcept
{
    for (const auto& entry : k_mode_names) {
        if (entry.name == name) {
            return entry.mode;
        }
    }
    return std::nullopt;
}

bool lock_modes_conflict(LockMode held, LockMode requested) noexcept
{
    return (k_conflicts[static_cast<std::size_t>(requested)] & bit(held)) != 0;
}

bool lock_blocks_reads(LockMode mode) noexcept
{
    return lock_modes_conflict(mode, LockMode::access_share);
}

bool lock_blocks_writes(LockMode mode) noexcept
{
    return lock_modes_conflict(mode, LockMode::row_exclusive);
}

std::string_view table_work_name(TableWork work) noexcept
{
    switch (work) {
    case TableWork::none:
        return "none";
    case TableWork::metadata_only:
        return "metadata-only";
    case TableWork::full_scan:
        return "full-scan";
    case TableWork::rewrite:
        return "rewrite";
    }
    return "none";
}

} // namespace lockwise::sql
