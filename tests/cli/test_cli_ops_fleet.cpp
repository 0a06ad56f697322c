// `lockwise migrate --targets` and `status --targets` through the binary, on databases spread over
// two clusters: per-target progress, the summary table with redacted connection strings, exit codes,
// the catalogue-query source, and the whole fleet's pending counts.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {

const std::string k_secret = "hunter2-fleet";

std::string with_password(const std::string& conninfo) { return conninfo + " password=" + k_secret; }

std::filesystem::path migrations(const testkit::TempDir& dir)
{
    dir.write("migrations/V1__create_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n");
    dir.write("migrations/V2__index_orders.sql", "CREATE INDEX CONCURRENTLY orders_total ON orders (total);\n");
    return dir.path() / "migrations";
}

} // namespace

TEST(CliOpsFleet, TwoClustersMigrateThroughATargetsFileAndStatusShowsTheFleet)
{
    testkit::TempDir dir;
    const auto files = migrations(dir);
    pg::ThrowawayCluster second;
    second.create_database("east1");
    second.create_database("east2");
    const std::vector<std::pair<std::string, std::string>> targets = {
        {"west1", with_password(testkit::fresh_database())},
        {"west2", with_password(testkit::fresh_database())},
        {"east1", with_password(second.conninfo("east1"))},
        {"east2", with_password(second.conninfo("east2"))},
    };
    std::string toml = "[targets]\n";
    for (const auto& [name, conninfo] : targets) {
        toml += fmt::format("{} = \"{}\"\n", name, conninfo);
    }
    const auto file = dir.write("fleet.toml", toml);

    auto before = testkit::run_lockwise({"status", "-m", files.string(), "--targets", file.string()});
    ASSERT_EQ(before.exit_code, 0) << before.output;
    EXPECT_NE(before.output.find("4 target(s), 4 with pending migrations"), std::string::npos) << before.output;

    auto migrate = testkit::run_lockwise(
        {"migrate", "-m", files.string(), "--targets", file.string(), "--parallel", "2", "--log-format", "plain"});
    ASSERT_EQ(migrate.exit_code, 0) << migrate.output;
    EXPECT_EQ(migrate.output.find(k_secret), std::string::npos) << migrate.output;
    EXPECT_NE(migrate.output.find("password=***"), std::string::npos) << migrate.output;
    EXPECT_NE(migrate.output.find("fleet: 4 target(s): 4 applied, 0 already up to date, 0 failed, 0 skipped"), std::string::npos)
        << migrate.output;
    EXPECT_NE(migrate.output.find("[east2] "), std::string::npos) << "each target's own log lines carry its name";
    for (const auto& [name, conninfo] : targets) {
        auto connection = pg::Connection::connect(conninfo);
        EXPECT_EQ(connection.exec("SELECT count(*) FROM lockwise.schema_history WHERE status = 'succeeded'").get_int(0, 0), 2) << name;
    }

    auto after = testkit::run_lockwise({"status", "-m", files.string(), "--targets", file.string(), "--json"});
    ASSERT_EQ(after.exit_code, 0) << after.output;
    const auto rows = nlohmann::json::parse(after.output);
    ASSERT_EQ(rows.size(), 4u);
    for (const auto& row : rows) {
        EXPECT_EQ(row["applied"], 2) << row.dump();
        EXPECT_EQ(row["pending"], 0) << row.dump();
    }
    EXPECT_EQ(after.output.find(k_secret), std::string::npos);

    // A new migration, an unreachable target: status says which, with exit 7, and its password stays hidden.
    dir.write("migrations/V3__orders_note.sql", "ALTER TABLE orders ADD COLUMN note text;\n");
    std::string plain;
    for (const auto& [name, conninfo] : targets) {
        plain += name + " " + conninfo + "\n";
    }
    plain += "gone host=127.0.0.1 port=1 dbname=x password=" + k_secret + "\n";
    const auto with_dead = dir.write("dead.txt", plain);
    auto partial = testkit::run_lockwise({"status", "-m", files.string(), "--targets", with_dead.string()});
    EXPECT_EQ(partial.exit_code, 7) << partial.output;
    EXPECT_NE(partial.output.find("5 target(s), 4 with pending migrations"), std::string::npos) << partial.output;
    EXPECT_NE(partial.output.find("unreachable"), std::string::npos) << partial.output;
    EXPECT_EQ(partial.output.find(k_secret), std::string::npos) << partial.output;

    auto stop = testkit::run_lockwise({"migrate", "-m", files.string(), "--targets", with_dead.string(), "--parallel", "1",
                                       "--on-failure", "continue", "--json"});
    EXPECT_EQ(stop.exit_code, 7) << stop.output;
    EXPECT_EQ(stop.output.find(k_secret), std::string::npos) << stop.output;
    const auto summary_at = stop.output.find("{\n");
    ASSERT_NE(summary_at, std::string::npos) << stop.output;
    const auto summary = nlohmann::json::parse(stop.output.substr(summary_at));
    EXPECT_EQ(summary["targets"][0]["outcome"], "applied");
    EXPECT_EQ(summary["targets"][4]["outcome"], "failed");
    EXPECT_EQ(summary["targets"][4]["exit_code"], 7);
}

TEST(CliOpsFleet, TargetsFromACatalogueQueryAndACanaryThatFails)
{
    testkit::TempDir dir;
    const auto files = migrations(dir);
    const auto catalog_db = testkit::fresh_database();
    std::vector<std::string> shards;
    for (int index = 0; index < 4; ++index) {
        shards.push_back(testkit::fresh_database());
    }
    {
        auto catalog = pg::Connection::connect(catalog_db);
        catalog.exec("CREATE TABLE shards (name text, conninfo text, position int)");
        for (std::size_t index = 0; index < shards.size(); ++index) {
            catalog.exec_params("INSERT INTO shards VALUES ($1, $2, $3)",
                                {fmt::format("shard{}", index + 1), shards[index], std::to_string(index)});
        }
        auto first = pg::Connection::connect(shards[0]);
        first.exec("CREATE TABLE orders (conflicting int)"); // the canary's migration fails
    }
    const std::vector<std::string> query = {"--targets-query", "SELECT name, conninfo FROM shards ORDER BY position",
                                            "--catalog-url", catalog_db};
    std::vector<std::string> args = {"migrate", "-m", files.string(), "--canary", "1", "--log-format", "plain"};
    args.insert(args.end(), query.begin(), query.end());
    auto canary = testkit::run_lockwise(args);
    EXPECT_EQ(canary.exit_code, 1) << canary.output;
    EXPECT_NE(canary.output.find("1 failed, 3 skipped"), std::string::npos) << canary.output;
    EXPECT_NE(canary.output.find("not started: a canary failed"), std::string::npos) << canary.output;
    auto check = pg::Connection::connect(shards[3]);
    EXPECT_EQ(check.exec("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'").get_int(0, 0), 0);

    // JSON logs: every log line stays one JSON object; a target's own events carry a "target" field.
    std::vector<std::string> json_args = {"migrate", "-m", files.string(), "--canary", "1", "--log-format", "json"};
    json_args.insert(json_args.end(), query.begin(), query.end());
    auto json_run = testkit::run_lockwise(json_args);
    EXPECT_EQ(json_run.exit_code, 1) << json_run.output;
    std::istringstream lines(json_run.output);
    int tagged = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] != '{') {
            continue; // the summary table on stdout
        }
        const auto event = nlohmann::json::parse(line, nullptr, false);
        ASSERT_TRUE(event.is_object()) << line;
        if (event.contains("target") && event.contains("ts")) {
            ++tagged;
        }
    }
    EXPECT_GT(tagged, 0) << json_run.output;

    auto missing_catalog = testkit::run_lockwise({"migrate", "-m", files.string(), "--targets-query", "SELECT 1"});
    EXPECT_EQ(missing_catalog.exit_code, 2) << missing_catalog.output;
    EXPECT_NE(missing_catalog.output.find("--targets-query needs --catalog-url"), std::string::npos);
}
