// Overflow-checked arithmetic for the parsers of durations, sizes and counts, and the
// control-byte filter for source lines quoted in diagnostics.
#include <gtest/gtest.h>

#include <limits>

#include "lockwise/core/checked.hpp"
#include "lockwise/core/source_location.hpp"

using namespace lockwise::core;

namespace {

TEST(CoreChecked, MulAddStaysWithinTheLimitOrFails)
{
    constexpr auto k_max = std::numeric_limits<long long>::max();
    EXPECT_EQ(checked_mul_add(3, 4, 5, 100), 17);
    EXPECT_EQ(checked_mul_add(10, 10, 0, 100), 100);
    EXPECT_FALSE(checked_mul_add(10, 10, 1, 100).has_value());
    EXPECT_FALSE(checked_mul_add(2562047788016LL, 3'600'000, 0, k_max).has_value()) << "the product overflows";
    EXPECT_FALSE(checked_mul_add(1, k_max, 1, k_max).has_value()) << "the sum overflows";
    EXPECT_FALSE(checked_mul_add(-1, 1, 0, k_max).has_value());
    static_assert(checked_mul_add(1, 1, 1, 2) == 2);
}

TEST(CoreChecked, LeadingNumber)
{
    const auto small = leading_number("1234ms", 10'000);
    ASSERT_TRUE(small.has_value());
    EXPECT_EQ(small->value, 1234);
    EXPECT_EQ(small->digits, 4U);
    EXPECT_EQ(leading_number("ms", 10)->digits, 0U);
    EXPECT_FALSE(leading_number("10001", 10'000).has_value());
    EXPECT_FALSE(leading_number("99999999999999999999999999", std::numeric_limits<long long>::max()).has_value());
}

TEST(CoreSourceLine, ControlCharactersArePrintedAsReplacementCharacters)
{
    EXPECT_EQ(printable_source_line("SELECT\t'a';"), "SELECT\t'a';");
    EXPECT_EQ(printable_source_line(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(printable_source_line("\x1b]0;title\x07x"), "\xEF\xBF\xBD]0;title\xEF\xBF\xBDx");
    EXPECT_EQ(printable_source_line("\x7f\xC2\x9B" "2J caf\xC3\xA9"), "\xEF\xBF\xBD\xEF\xBF\xBD" "2J caf\xC3\xA9");
    const auto rendered = render_diagnostic("f.sql", "SELECT '\x1b[2J' x;", 15, "error", "syntax error");
    EXPECT_EQ(rendered.find('\x1b'), std::string::npos) << rendered;
}

} // namespace
