// report::StepProgress: on a terminal (pretty) a long step is one live line and its per-partition
// detail shows only at -v (debug); plain and JSON output keep every detail event at its level.
#include <gtest/gtest.h>

#include <sstream>

#include "lockwise/report/step_progress.hpp"

using namespace lockwise::report;

namespace {

LoggerOptions options(LogFormat format, Level min_level)
{
    LoggerOptions result;
    result.format = format;
    result.min_level = min_level;
    result.width = 100;
    result.redraw_interval = std::chrono::milliseconds(0);
    return result;
}

// Runs a three-partition step and returns what the logger wrote.
std::string run_step(LogFormat format, Level min_level)
{
    std::ostringstream out;
    Logger log(options(format, min_level), out);
    StepProgress step(log, "backfill leads");
    for (int partition = 1; partition <= 3; ++partition) {
        step.update(partition * 100, 300, "partition " + std::to_string(partition));
        step.detail(Level::info, "backfill_partition_done", "backfill partition " + std::to_string(partition) + ": 100 rows updated",
                    {{"partition", partition}});
    }
    step.detail(Level::warn, "backfill_stalled", "a warning is never detail");
    step.finish("done");
    return out.str();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST(ReportStepProgress, TerminalShowsOneLiveLineAndPartitionsOnlyAtVerbose)
{
    const auto quiet = run_step(LogFormat::pretty, Level::info);
    EXPECT_FALSE(contains(quiet, "backfill partition 2")) << quiet;
    EXPECT_TRUE(contains(quiet, "backfill leads: partition 3")) << quiet;           // the live line, redrawn in place
    EXPECT_TRUE(contains(quiet, "\r\x1b[2K")) << quiet;                             // erased before the next line
    EXPECT_TRUE(contains(quiet, "a warning is never detail")) << quiet;
    EXPECT_TRUE(contains(quiet, "300 rows in")) << quiet;                           // the final summary line
    const auto verbose = run_step(LogFormat::pretty, Level::debug);
    for (const auto* partition : {"backfill partition 1:", "backfill partition 2:", "backfill partition 3:"}) {
        EXPECT_TRUE(contains(verbose, partition)) << verbose;
    }
}

TEST(ReportStepProgress, PlainAndJsonKeepEveryDetailEvent)
{
    const auto plain = run_step(LogFormat::plain, Level::info);
    EXPECT_TRUE(contains(plain, "info  backfill partition 2: 100 rows updated partition=2")) << plain;
    EXPECT_FALSE(contains(plain, "\x1b[")) << plain;
    const auto json = run_step(LogFormat::json, Level::info);
    EXPECT_TRUE(contains(json, R"("level":"info","event":"backfill_partition_done")")) << json;
    EXPECT_TRUE(contains(json, R"("partition":3)")) << json;
}

TEST(ReportStepProgress, DetailLevel)
{
    std::ostringstream out;
    Logger pretty(options(LogFormat::pretty, Level::info), out);
    Logger plain(options(LogFormat::plain, Level::info), out);
    EXPECT_EQ(StepProgress::detail_level(pretty, Level::info), Level::debug);
    EXPECT_EQ(StepProgress::detail_level(pretty, Level::warn), Level::warn);
    EXPECT_EQ(StepProgress::detail_level(plain, Level::info), Level::info);
}
