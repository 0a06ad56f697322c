// `lockwise demo` end to end at a small scale: throwaway cluster, migration 35, seed data,
// load, migration 36 rehearsed under it, the report printed and the HTML written.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/testing.hpp"

using namespace lockwise;

TEST(CliDemo, RunsEndToEndAndPrintsTheReport)
{
    testkit::TempDir dir;
    const auto html = dir.path() / "demo.html";
    const auto json = dir.path() / "demo.json";
    const auto result = testkit::run_lockwise({"--log-format", "plain", "demo", "--scale", "2000", "--baseline", "1s", "--tail",
                                               "300ms", "--report", html.string(), "--json", json.string()},
                                              {}, testkit::source_dir());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("Impact report: lockwise demo: migration 36 on 2000 leads"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("CREATE INDEX CONCURRENTLY idx_leads_last_call_direction"), std::string::npos);
    const auto report = nlohmann::json::parse(testkit::read_file(json));
    ASSERT_EQ(report["steps"].size(), 5U) << report.dump(2);
    EXPECT_EQ(report["steps"][3]["kind"], "backfill");
    EXPECT_GE(report["steps"][3]["rows"].get<long long>(), 2000);
    EXPECT_EQ(report["failed_total"], 0);
    EXPECT_GT(report["phases"][0]["committed"].get<long long>(), 50) << "the baseline ran the workload";
    EXPECT_NE(testkit::read_file(html).find("<svg"), std::string::npos);
}

TEST(CliDemo, BlockerIsWaitedOutAndNamedInTheReport)
{
    const auto result = testkit::run_lockwise({"--log-format", "plain", "demo", "--scale", "1000", "--baseline", "500ms", "--tail",
                                               "200ms", "--blocker", "--blocker-hold", "3s"},
                                              {}, testkit::source_dir());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("is now idle in transaction"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("lockwise-demo-blocker"), std::string::npos) << "the lock watch names the blocker";
    EXPECT_NE(result.output.find("committed after 3.0 s"), std::string::npos) << result.output;
}

TEST(CliDemo, UnknownExamplesDirectoryIsAUsageError)
{
    const auto result = testkit::run_lockwise({"demo", "--examples", "/nonexistent"});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("--examples /nonexistent"), std::string::npos) << result.output;
}
