// `lockwise demo` on a terminal (a pty from script(1), util-linux/bsdutils): the long backfill is one
// live line redrawn in place, its per-partition lines show only with -v, and the report comes after
// at most ~10 lines. Without a terminal every line is kept (test_cli_demo, tests/install).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <regex>
#include <sstream>

#include "lockwise/core/process.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Runs `lockwise <args>` with stdout and stderr on a pseudo-terminal; returns what the terminal got.
core::ProcessResult run_on_terminal(const std::string& args)
{
    const auto command = fmt::format("'{}' {}", testkit::lockwise_binary().string(), args);
    return core::run_process({"script", "-qfec", command, "/dev/null"});
}

// The lines a person sees once the output has settled: escape sequences dropped, and of a line
// redrawn with carriage returns only its last version.
std::vector<std::string> screen_lines(const std::string& output)
{
    const auto plain = std::regex_replace(output, std::regex("\x1b\\[[0-9;]*[A-Za-z]"), "");
    std::vector<std::string> lines;
    std::istringstream in(plain);
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && line.back() == '\r') {
            line.pop_back(); // the pty writes "\r\n"
        }
        line = line.substr(line.rfind('\r') == std::string::npos ? 0 : line.rfind('\r') + 1);
        lines.push_back(line);
    }
    return lines;
}

const std::string k_demo = "demo --leads 2000 --baseline 1s --tail 300ms";

} // namespace

TEST(CliTerminal, DemoShowsALiveBackfillLineAndTheReportAfterAFewLines)
{
    const auto result = run_on_terminal(k_demo);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(contains(result.output, "\r\x1b[2K")) << "no line was redrawn in place:\n" << result.output;
    EXPECT_FALSE(contains(result.output, "backfill partition 1:")) << result.output;
    const auto lines = screen_lines(result.output);
    int before_report = 0;
    bool report = false;
    bool backfill_line = false;
    for (const auto& line : lines) {
        if (line.rfind("Impact report:", 0) == 0) {
            report = true;
            break;
        }
        backfill_line = backfill_line || (contains(line, "backfill leads: ") && contains(line, "rows/s"));
        before_report += line.empty() ? 0 : 1;
    }
    ASSERT_TRUE(report) << result.output;
    EXPECT_TRUE(backfill_line) << "the backfill's progress line (rows, rows/s) is missing:\n" << result.output;
    EXPECT_LE(before_report, 10) << result.output;
}

TEST(CliTerminal, VerboseShowsThePartitionLines)
{
    const auto result = run_on_terminal("-v " + k_demo);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    for (const auto* partition : {"backfill partition 1:", "backfill partition 2:"}) {
        EXPECT_TRUE(contains(result.output, partition)) << result.output;
    }
    EXPECT_TRUE(contains(result.output, "Impact report:")) << result.output;
}
