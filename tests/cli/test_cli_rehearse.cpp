// `lockwise rehearse` end to end: a tiny migration that holds ACCESS EXCLUSIVE on the
// table the workload uses for ~0.8 s; the stall gate fails (exit 9) below that and passes above.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/testing.hpp"

using namespace lockwise;

namespace {

struct Scenario {
    testkit::TempDir dir;
    std::string conninfo = testkit::fresh_database();
    Scenario()
    {
        dir.write("m/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL DEFAULT 0);\n"
                                 "INSERT INTO t SELECT g, 0 FROM generate_series(1, 200) g;\n");
        dir.write("m/V2__hold.sql", "LOCK TABLE t IN ACCESS EXCLUSIVE MODE;\nSELECT pg_sleep(0.8);\n");
        dir.write("w.sql", "-- transaction touch weight=1\n\\set id random(1, 200)\nUPDATE t SET v = v + 1 WHERE id = :id;\n");
        const auto first = run({"migrate", "--target", "1"});
        EXPECT_EQ(first.exit_code, 0) << first.output;
    }
    testkit::CliResult run(std::vector<std::string> args) const
    {
        args.insert(args.begin(), {"--log-format", "plain", "-m", (dir.path() / "m").string()});
        return testkit::run_lockwise(args, {{"DATABASE_URL", conninfo}});
    }
    std::vector<std::string> rehearse(std::vector<std::string> extra) const
    {
        std::vector<std::string> args = {"rehearse", "--workload", (dir.path() / "w.sql").string(), "--clients", "2",
                                         "--rate", "100", "--baseline", "1s", "--tail", "300ms"};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }
};

} // namespace

TEST(CliRehearse, StallGateFailsWithExitNineAndSaysByHowMuch)
{
    Scenario scenario;
    const auto json_path = scenario.dir.path() / "r.json";
    const auto result = scenario.run(scenario.rehearse({"--max-stall-ms", "300", "--max-failures", "0", "--json", json_path.string()}));
    EXPECT_EQ(result.exit_code, 9) << result.output;
    EXPECT_NE(result.output.find("Impact report"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("FAIL --max-stall-ms 300: measured"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("exceeded by"), std::string::npos);
    EXPECT_NE(result.output.find("pass --max-failures 0"), std::string::npos) << result.output;
    const auto json = nlohmann::json::parse(testkit::read_file(json_path));
    ASSERT_EQ(json["steps"].size(), 1U);
    EXPECT_EQ(json["steps"][0]["version"], "2");
    EXPECT_EQ(json["steps"][0]["lock"], "AccessExclusiveLock");
    EXPECT_GE(json["steps"][0]["duration_ms"].get<double>(), 790);
    // The application waited behind the lock for most of the hold.
    EXPECT_GE(json["steps"][0]["app_max_ms"].get<double>(), 500) << json.dump(2);
    EXPECT_GE(json["phases"][1]["max_ms"].get<double>(), 500);
    EXPECT_EQ(json["gates"][0]["passed"], false);
    EXPECT_LT(json["phases"][0]["max_ms"].get<double>(), 300) << "the baseline has no stall";
}

TEST(CliRehearse, GatesPassAboveTheHoldAndTheHtmlIsSelfContained)
{
    Scenario scenario;
    const auto html_path = scenario.dir.path() / "r.html";
    const auto result = scenario.run(scenario.rehearse(
        {"--max-stall-ms", "5000", "--max-p99-ms", "5000", "--max-failures", "0", "--report", html_path.string()}));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("pass --max-stall-ms 5000"), std::string::npos) << result.output;
    const auto html = testkit::read_file(html_path);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_NE(html.find("AccessExclusiveLock"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("href="), std::string::npos);
    EXPECT_NE(html.find("</html>"), std::string::npos);
    // Nothing left to do: a second rehearsal says so and succeeds.
    const auto again = scenario.run(scenario.rehearse({}));
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("nothing to rehearse"), std::string::npos);
}

// The --exec command is part of every report (text, JSON, HTML); a password written into it
// (a URI with a bare '%', a keyword value with a comma) never is.
TEST(CliRehearse, ReportsNeverShowASecretOfTheExecCommand)
{
    Scenario scenario;
    const auto json_path = scenario.dir.path() / "r.json";
    const auto html_path = scenario.dir.path() / "r.html";
    const auto command = std::string("true postgresql://u:SEC%zzRET@h/db 'host=h password=Comma,b0b-secret' ") +
                         "&& psql -X -q -d \"$DATABASE_URL\" -c 'SELECT pg_sleep(0.3)'";
    const auto result = scenario.run(
        scenario.rehearse({"--exec", command, "--json", json_path.string(), "--report", html_path.string()}));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const auto json = testkit::read_file(json_path);
    const auto html = testkit::read_file(html_path);
    EXPECT_NE(json.find("pg_sleep(0.3)"), std::string::npos) << "the command is in the report:\n" << json;
    EXPECT_NE(html.find("pg_sleep(0.3)"), std::string::npos) << "the command is in the report";
    for (const auto* secret : {"SEC%zzRET", "zzRET", "Comma,b0b", ",b0b"}) {
        EXPECT_EQ(result.output.find(secret), std::string::npos) << secret << " in:\n" << result.output;
        EXPECT_EQ(json.find(secret), std::string::npos) << secret << " in:\n" << json;
        EXPECT_EQ(html.find(secret), std::string::npos) << secret << " in the HTML report";
    }
    EXPECT_NO_THROW({
        const auto parsed = nlohmann::json::parse(json);
        EXPECT_TRUE(parsed.is_object());
    });
}

TEST(CliRehearse, JsonToStdoutAndAnExternalCommand)
{
    Scenario scenario;
    const auto result = scenario.run(scenario.rehearse({"--exec", "psql -X -q -d \"$DATABASE_URL\" -c 'SELECT pg_sleep(0.3)'", "--json"}));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const auto start = result.output.find("{\n");
    ASSERT_NE(start, std::string::npos) << result.output;
    const auto json = nlohmann::json::parse(result.output.substr(start, result.output.rfind("}\n") - start + 1));
    ASSERT_EQ(json["steps"].size(), 1U);
    EXPECT_EQ(json["steps"][0]["kind"], "external");
    EXPECT_GE(json["steps"][0]["duration_ms"].get<double>(), 290);
}
