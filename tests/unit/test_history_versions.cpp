// History's version keys against catalog::Version: the same texts parse to the same parts,
// and history's order (PostgreSQL's numeric[] order) never contradicts catalog's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lockwise/catalog/migration.hpp"
#include "lockwise/history/versions.hpp"

using namespace lockwise;

namespace {

const std::vector<std::string> k_texts{
    "1",   "1.0", "01",   "1.0.0", "1_0", "1.9", "1.10", "1_10", "2",  "2_1", "2.1", "2.01", "2.1.0",
    "10",  "9",   "007",  "7",     "0",   "0.0", "20240101120000", "20240101120000.1", "3.0.1", "3.1",
};

int catalog_order(const catalog::Version& left, const catalog::Version& right)
{
    const auto order = left <=> right;
    return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

} // namespace

TEST(HistoryVersions, ParseAsCatalogDoes)
{
    for (const auto& text : k_texts) {
        const auto version = catalog::Version::parse(text);
        ASSERT_TRUE(version.has_value()) << text;
        EXPECT_EQ(history::parse_version_parts(text), version->parts) << text;
        EXPECT_EQ(history::canonical_version(*version), version->canonical()) << text;
        EXPECT_EQ(history::canonical_version(version->parts), version->canonical()) << text;
    }
    for (const auto* bad : {"", "1.", "_1", "1__2", "1.a", "1 ", "-1", "1234567890123456789"}) {
        EXPECT_EQ(catalog::Version::parse(bad).has_value(), history::parse_version_parts(bad).has_value()) << bad;
        EXPECT_FALSE(history::parse_version_parts(bad).has_value()) << bad;
    }
}

TEST(HistoryVersions, OrderRefinesCatalogOrder)
{
    for (const auto& left_text : k_texts) {
        for (const auto& right_text : k_texts) {
            const auto left = catalog::Version::parse(left_text).value();
            const auto right = catalog::Version::parse(right_text).value();
            const int by_catalog = catalog_order(left, right);
            const int by_history = history::compare_versions(left.parts, right.parts);
            const auto context = left_text + " vs " + right_text;
            if (by_catalog != 0) {
                EXPECT_EQ(by_history, by_catalog) << context;
            } else {
                // Equal to catalog ("1" and "1.0"): PostgreSQL still orders them, fewer parts first.
                const int by_length = left.parts.size() < right.parts.size() ? -1 : (left.parts.size() > right.parts.size() ? 1 : 0);
                EXPECT_EQ(by_history, by_length) << context;
            }
            // Equal in history means the same canonical text, so the same history row.
            EXPECT_EQ(by_history == 0, left.canonical() == right.canonical()) << context;
        }
    }
}

TEST(HistoryVersions, ReviewedPairs)
{
    const auto parts = [](const char* text) { return history::parse_version_parts(text).value(); };
    EXPECT_EQ(catalog::Version::parse("1"), catalog::Version::parse("1.0"));
    EXPECT_LT(history::compare_versions(parts("1"), parts("1.0")), 0);
    EXPECT_GT(history::compare_versions(parts("1.10"), parts("1.9")), 0);
    EXPECT_GT(*catalog::Version::parse("1.10"), *catalog::Version::parse("1.9"));
    EXPECT_EQ(history::compare_versions(parts("2_1"), parts("2.1")), 0);
    EXPECT_EQ(catalog::Version::parse("2_1"), catalog::Version::parse("2.1"));
    EXPECT_EQ(history::canonical_version(parts("2_01")), "2.1");
}
