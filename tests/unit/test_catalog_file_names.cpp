// File-name shapes of each format, including the near misses that must not match.
#include <gtest/gtest.h>

#include "lockwise/catalog/file_names.hpp"

using namespace lockwise::catalog;

namespace {

struct Case {
    std::string_view file;
    std::string_view suffix;
    bool underscore_optional;
    std::optional<std::pair<std::string_view, std::string_view>> expected; // version, name
};

TEST(CatalogFileNames, MatchesNumberedNames)
{
    const std::vector<Case> cases = {
        {"1_init.up.sql", ".up.sql", false, {{"1", "init"}}},
        {"000001_create_users_table.down.sql", ".down.sql", false, {{"000001", "create_users_table"}}},
        {"1_.up.sql", ".up.sql", false, {{"1", ""}}},
        {"1.up.sql", ".up.sql", false, std::nullopt},
        {"_1_a.up.sql", ".up.sql", false, std::nullopt},
        {"1_a.up.sql.bak", ".up.sql", false, std::nullopt},
        {"20230101000000_create_users.sql", ".sql", true, {{"20230101000000", "create_users"}}},
        {"20230101000000.sql", ".sql", true, {{"20230101000000", ""}}},
        {"20230101000000-x.sql", ".sql", true, {{"20230101000000", "-x"}}},
        {"x1_a.sql", ".sql", true, std::nullopt},
        {"00001_create_users.go", ".go", false, {{"00001", "create_users"}}},
    };
    for (const auto& c : cases) {
        const auto match = match_numbered(c.file, c.suffix, c.underscore_optional);
        ASSERT_EQ(match.has_value(), c.expected.has_value()) << c.file;
        if (match) {
            EXPECT_EQ(match->version, c.expected->first) << c.file;
            EXPECT_EQ(match->name, c.expected->second) << c.file;
        }
    }
}

TEST(CatalogFileNames, MatchesDieselFolders)
{
    const auto setup = match_diesel_folder("00000000000000_diesel_initial_setup");
    ASSERT_TRUE(setup);
    EXPECT_EQ(setup->version, "00000000000000");
    EXPECT_EQ(setup->name, "diesel_initial_setup");
    const auto dashed = match_diesel_folder("2024-01-01-120000_create_users");
    ASSERT_TRUE(dashed);
    EXPECT_EQ(dashed->version, "2024-01-01-120000");
    EXPECT_EQ(dashed->name, "create_users");
    for (const auto bad : {"2024-01-01-120000", "2024-01-01-120000_", "-2024_x", "create_users", "2024.01_x"}) {
        EXPECT_FALSE(match_diesel_folder(bad)) << bad;
    }
}

TEST(CatalogFileNames, TrimsBlanks)
{
    EXPECT_EQ(trim_blanks(" \t a b \t"), "a b");
    EXPECT_EQ(skip_blanks("\t x "), "x ");
    EXPECT_EQ(trim_blanks("   "), "");
}

} // namespace
