// core's lock-mode table against PostgreSQL 15's documented conflict matrix (manual 13.3.1,
// table 13.2), written out here again as the manual prints it so a typo in either copy fails.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "lockwise/core/lock_mode.hpp"

using namespace lockwise::core;

namespace {

// Rows: requested mode, columns: existing mode, both in the manual's order (weakest first).
// 'X' = conflicts. Copied from the manual's table, not derived from the code.
constexpr std::array<std::string_view, 8> k_manual_matrix{
    ".......X", // ACCESS SHARE
    "......XX", // ROW SHARE
    "....XXXX", // ROW EXCLUSIVE
    "...XXXXX", // SHARE UPDATE EXCLUSIVE
    "..XX.XXX", // SHARE
    "..XXXXXX", // SHARE ROW EXCLUSIVE
    ".XXXXXXX", // EXCLUSIVE
    "XXXXXXXX", // ACCESS EXCLUSIVE
};

constexpr std::array<std::string_view, 8> k_manual_names{
    "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
    "SHARE",        "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE",
};

} // namespace

TEST(CoreLockMode, ConflictTableMatchesTheManual)
{
    ASSERT_EQ(std::size(k_all_lock_modes), k_manual_matrix.size());
    for (std::size_t requested = 0; requested < k_manual_matrix.size(); ++requested) {
        for (std::size_t existing = 0; existing < k_manual_matrix.size(); ++existing) {
            const auto a = k_all_lock_modes[requested];
            const auto b = k_all_lock_modes[existing];
            EXPECT_EQ(lock_modes_conflict(a, b), k_manual_matrix[requested][existing] == 'X')
                << sql_name(a) << " requested while " << sql_name(b) << " is held";
        }
    }
}

TEST(CoreLockMode, ConflictTableIsSymmetric)
{
    for (auto a : k_all_lock_modes) {
        for (auto b : k_all_lock_modes) {
            EXPECT_EQ(lock_modes_conflict(a, b), lock_modes_conflict(b, a)) << sql_name(a) << " / " << sql_name(b);
        }
    }
}

TEST(CoreLockMode, NamesInTheManualsOrderAndBothSpellings)
{
    for (std::size_t i = 0; i < k_manual_names.size(); ++i) {
        const auto mode = k_all_lock_modes[i];
        EXPECT_EQ(sql_name(mode), k_manual_names[i]);
        EXPECT_EQ(parse_lock_mode(sql_name(mode)), mode);
        EXPECT_EQ(parse_lock_mode(pg_locks_name(mode)), mode);
    }
    EXPECT_STREQ(pg_locks_name(LockMode::share_update_exclusive), "ShareUpdateExclusiveLock");
    EXPECT_EQ(parse_lock_mode("access share"), LockMode::access_share);
    EXPECT_EQ(parse_lock_mode("NoSuchLock"), std::nullopt);
    EXPECT_EQ(parse_lock_mode("Lock"), std::nullopt);
}

TEST(CoreLockMode, ConflictingModesWeakestFirst)
{
    EXPECT_EQ(conflicting_modes(LockMode::access_share), std::vector<LockMode>{LockMode::access_exclusive});
    EXPECT_EQ(conflicting_modes(LockMode::share),
              (std::vector<LockMode>{LockMode::row_exclusive, LockMode::share_update_exclusive, LockMode::share_row_exclusive,
                                     LockMode::exclusive, LockMode::access_exclusive}));
    EXPECT_EQ(conflicting_modes(LockMode::access_exclusive).size(), 8U);
}
