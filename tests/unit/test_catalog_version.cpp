// Versions, format names and durations: the values every other catalog rule relies on.
#include <gtest/gtest.h>

#include "lockwise/catalog/byte_size.hpp"
#include "lockwise/catalog/duration.hpp"
#include "lockwise/catalog/migration.hpp"

using namespace lockwise::catalog;
using namespace std::chrono_literals;

namespace {

struct VersionCase {
    std::string_view text;
    std::vector<long long> parts; // empty: invalid
    std::string_view canonical;
};

TEST(CatalogVersion, ParsesTable)
{
    const std::vector<VersionCase> cases = {
        {"1", {1}, "1"},
        {"01", {1}, "1"},
        {"1.2.3", {1, 2, 3}, "1.2.3"},
        {"1_1", {1, 1}, "1.1"},
        {"10.1", {10, 1}, "10.1"},
        {"1.0", {1, 0}, "1.0"},
        {"0", {0}, "0"},
        {"00000000000000", {0}, "0"},
        {"20240101120000", {20240101120000LL}, "20240101120000"},
        {"2.010", {2, 10}, "2.10"},
        {"", {}, ""},
        {"abc", {}, ""},
        {"1.", {}, ""},
        {".1", {}, ""},
        {"1..2", {}, ""},
        {"1-2", {}, ""},
        {"1 ", {}, ""},
        {"1234567890123456789", {}, ""}, // 19 significant digits: would overflow
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.text));
        const auto version = Version::parse(c.text);
        if (c.parts.empty()) {
            EXPECT_FALSE(version.has_value());
            continue;
        }
        ASSERT_TRUE(version.has_value());
        EXPECT_EQ(version->parts, c.parts);
        EXPECT_EQ(version->text, c.text);
        EXPECT_EQ(version->canonical(), c.canonical);
    }
}

TEST(CatalogVersion, OrdersNumericallyByDottedParts)
{
    const std::vector<std::string_view> ascending = {"1", "1.1", "1.2", "1.10", "2", "2_1", "10", "10.1", "10.1.1", "100"};
    for (std::size_t i = 0; i + 1 < ascending.size(); ++i) {
        const auto a = *Version::parse(ascending[i]);
        const auto b = *Version::parse(ascending[i + 1]);
        EXPECT_LT(a, b) << ascending[i] << " < " << ascending[i + 1];
        EXPECT_GT(b, a);
        EXPECT_NE(a, b);
    }
}

TEST(CatalogVersion, EqualityIgnoresLeadingZerosAndTrailingZeroParts)
{
    EXPECT_EQ(*Version::parse("1"), *Version::parse("1.0"));
    EXPECT_EQ(*Version::parse("1"), *Version::parse("01"));
    EXPECT_EQ(*Version::parse("1.0.0"), *Version::parse("1_0"));
    EXPECT_NE(*Version::parse("1"), *Version::parse("1.0.1"));
}

TEST(CatalogFormat, NamesRoundTrip)
{
    for (const auto format : {Format::native, Format::golang_migrate, Format::dbmate, Format::goose, Format::diesel}) {
        EXPECT_EQ(format_from_name(format_name(format)), format);
    }
    EXPECT_EQ(format_name(Format::golang_migrate), "golang-migrate");
    EXPECT_EQ(format_from_name("flyway"), Format::native);
    EXPECT_FALSE(format_from_name("liquibase").has_value());
}

TEST(CatalogDuration, ParsesTable)
{
    const std::vector<std::pair<std::string_view, std::optional<std::chrono::milliseconds>>> cases = {
        {"250ms", 250ms}, {"5s", 5s}, {"2min", 2min}, {"1h", 1h}, {"0s", 0ms}, {"90s", 90s},
        {"", std::nullopt}, {"5", std::nullopt}, {"5m", std::nullopt}, {"1.5s", std::nullopt},
        {"-1s", std::nullopt}, {"5 s", std::nullopt}, {"s", std::nullopt}, {"5sec", std::nullopt},
        {"5S", std::nullopt}, {"99999999999999h", std::nullopt},
    };
    for (const auto& [text, expected] : cases) {
        EXPECT_EQ(parse_duration(text), expected) << "'" << text << "'";
    }
}

TEST(CatalogDuration, TooLargeIsRefusedNamingTheMaximum)
{
    EXPECT_EQ(parse_duration("2147483647ms"), 2147483647ms);
    EXPECT_EQ(parse_duration("596h"), 596h);
    EXPECT_EQ(parse_duration("35791min"), 35791min);
    for (const char* text : {"2147483648ms", "597h", "35792min", "2562047788016h", "99999999999999999999999999s"}) {
        EXPECT_FALSE(parse_duration(text).has_value()) << text;
        EXPECT_EQ(duration_problem(text), "too large: the largest duration is 2147483647ms (about 24 days, PostgreSQL's "
                                          "largest timeout)")
            << text;
    }
    EXPECT_EQ(duration_problem("5m"), "not a duration");
    EXPECT_EQ(duration_problem("99999999999999999999999m"), "not a duration");
}

TEST(CatalogByteSize, ParsesUnitsAndRefusesOverflow)
{
    EXPECT_EQ(parse_byte_size("0"), 0);
    EXPECT_EQ(parse_byte_size("512B"), 512);
    EXPECT_EQ(parse_byte_size("16kB"), 16 * 1024);
    EXPECT_EQ(parse_byte_size("16KB"), 16 * 1024);
    EXPECT_EQ(parse_byte_size("16MB"), 16 * 1024 * 1024);
    EXPECT_EQ(parse_byte_size("2GB"), 2LL * 1024 * 1024 * 1024);
    EXPECT_EQ(parse_byte_size("1048576GB"), 1LL << 50);
    for (const char* bad : {"", "MB", "1.5MB", "-1MB", "16 MB", "16mb", "16TB"}) {
        EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
        EXPECT_EQ(byte_size_problem(bad), "not a size") << bad;
    }
    // 999999999999999GB once wrapped around to a small or negative number.
    for (const char* large : {"1048577GB", "999999999999999GB", "9223372036854775807", "99999999999999999999999"}) {
        EXPECT_FALSE(parse_byte_size(large).has_value()) << large;
        EXPECT_EQ(byte_size_problem(large), "too large: the largest size is 1048576GB (1 PiB)") << large;
    }
}

} // namespace
