// core::format_duration, the one duration text of logs, summaries and the blocking tree.
#include <gtest/gtest.h>

#include "lockwise/core/format.hpp"

using lockwise::core::format_duration;
using namespace std::chrono_literals;

TEST(CoreFormat, DurationUnits)
{
    EXPECT_EQ(format_duration(0ms), "0ms");
    EXPECT_EQ(format_duration(340ms), "340ms");
    EXPECT_EQ(format_duration(999ms), "999ms");
    EXPECT_EQ(format_duration(1000ms), "1.0s");
    EXPECT_EQ(format_duration(1234ms), "1.2s");
    EXPECT_EQ(format_duration(59940ms), "59.9s");
    EXPECT_EQ(format_duration(125s), "2m05s");
    EXPECT_EQ(format_duration(3600s + 125s), "1h02m");
    EXPECT_EQ(format_duration(27h + 5min), "27h05m") << "hours are not folded into days";
}

TEST(CoreFormat, DurationRoundsIntoTheNextUnit)
{
    EXPECT_EQ(format_duration(std::chrono::microseconds(400)), "0ms");
    EXPECT_EQ(format_duration(std::chrono::microseconds(999'600)), "1.0s") << "never 1000ms";
    EXPECT_EQ(format_duration(59960ms), "1m00s") << "rounding never prints 60.0s";
    EXPECT_EQ(format_duration(3599500ms), "1h00m") << "never 60m00s";
    EXPECT_EQ(format_duration(3600s + 59min + 40s), "2h00m");
}

TEST(CoreFormat, NegativeDurations)
{
    EXPECT_EQ(format_duration(-1500ms), "-1.5s");
    EXPECT_EQ(format_duration(-125s), "-2m05s");
}
