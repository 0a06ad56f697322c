// The classifier's lock modes (sql::LockMode adds `none` for statements that take no
// table lock) mapped onto core's one table of names and conflicts (core/lock_mode.hpp).
#include <optional>

#include "lockwise/core/lock_mode.hpp"
#include "lockwise/sql/statement.hpp"

namespace lockwise::sql {
namespace {

// sql::LockMode is core::LockMode shifted by one for `none`; nullopt for none.
std::optional<core::LockMode> to_core(LockMode mode) noexcept
{
    if (mode == LockMode::none) {
        return std::nullopt;
    }
    return static_cast<core::LockMode>(static_cast<int>(mode) - 1);
}

LockMode from_core(core::LockMode mode) noexcept
{
    return static_cast<LockMode>(static_cast<int>(mode) + 1);
}

static_assert(static_cast<int>(LockMode::access_share) - 1 == static_cast<int>(core::LockMode::access_share));
static_assert(static_cast<int>(LockMode::access_exclusive) - 1 == static_cast<int>(core::LockMode::access_exclusive));

} // namespace

std::string_view lock_mode_name(LockMode mode) noexcept
{
    const auto core_mode = to_core(mode);
    return core_mode ? core::pg_locks_name(*core_mode) : "none";
}

std::optional<LockMode> lock_mode_from_name(std::string_view name) noexcept
{
    // Only the exact spellings lock_mode_name gives: plan files and golden cases round-trip them.
    if (name == "none") {
        return LockMode::none;
    }
    for (auto mode : core::k_all_lock_modes) {
        if (name == core::pg_locks_name(mode)) {
            return from_core(mode);
        }
    }
    return std::nullopt;
}

bool lock_modes_conflict(LockMode held, LockMode requested) noexcept
{
    const auto core_held = to_core(held);
    const auto core_requested = to_core(requested);
    return core_held && core_requested && core::lock_modes_conflict(*core_held, *core_requested);
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
