// Containers start together: `migrate --wait-for-db` retries the first connection with backoff
// until PostgreSQL is up; without it a down database fails at once (exit 7). Logs without a TTY are
// plain lines, or JSON lines only on stderr with the results alone on stdout.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <future>
#include <set>
#include <sstream>
#include <thread>

#include "lockwise/core/process.hpp"
#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace std::chrono_literals;

namespace {

std::filesystem::path one_migration(const testkit::TempDir& dir)
{
    dir.write("migrations/V1__create_widgets.sql", "CREATE TABLE widgets (id bigint PRIMARY KEY, name text);\n");
    dir.write("migrations/V2__index_widgets.sql", "CREATE INDEX CONCURRENTLY widgets_name ON widgets (name);\n");
    return dir.path() / "migrations";
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

} // namespace

TEST(CliOpsWait, WaitForDbRetriesUntilTheServerStarts)
{
    testkit::TempDir dir;
    const auto migrations = one_migration(dir);
    pg::ThrowawayCluster late;
    const auto conninfo = late.conninfo("postgres");
    late.stop();

    const auto started = std::chrono::steady_clock::now();
    auto fast = testkit::run_lockwise({"migrate", "-m", migrations.string(), "--log-format", "plain"}, {{"DATABASE_URL", conninfo}});
    EXPECT_EQ(fast.exit_code, 7) << fast.output;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "without --wait-for-db a down database fails at once";
    EXPECT_NE(fast.output.find("--wait-for-db retries at start-up"), std::string::npos) << fast.output;

    auto waiting = std::async(std::launch::async, [&] {
        return testkit::run_lockwise({"migrate", "-m", migrations.string(), "--wait-for-db", "20s", "--log-format", "plain"},
                                     {{"DATABASE_URL", conninfo}});
    });
    std::this_thread::sleep_for(1500ms);
    late.start();
    const auto result = waiting.get();
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("database not reachable yet"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("2 migration(s) applied"), std::string::npos) << result.output;
    auto check = pg::Connection::connect(conninfo);
    EXPECT_EQ(check.exec("SELECT count(*) FROM pg_indexes WHERE indexname = 'widgets_name'").get_int(0, 0), 1);

    // A budget that runs out while the server stays down: exit 7 naming the budget.
    late.stop();
    auto expired = testkit::run_lockwise({"migrate", "-m", migrations.string(), "--wait-for-db", "1s"}, {{"DATABASE_URL", conninfo}});
    EXPECT_EQ(expired.exit_code, 7) << expired.output;
    EXPECT_NE(expired.output.find("did not accept connections within --wait-for-db 1s"), std::string::npos) << expired.output;
    late.start();
}

TEST(CliOpsWait, JsonLogsGoToStderrAndResultsToStdout)
{
    testkit::TempDir dir;
    const auto migrations = one_migration(dir);
    const auto conninfo = testkit::fresh_database();
    const auto out = dir.path() / "stdout.txt";
    const auto err = dir.path() / "stderr.txt";
    auto run = [&](const std::string& format) {
        const auto command = fmt::format("'{}' migrate -m '{}' --log-format {} --json > '{}' 2> '{}'", testkit::lockwise_binary().string(),
                                         migrations.string(), format, out.string(), err.string());
        core::ProcessOptions options;
        options.env.emplace_back("DATABASE_URL", conninfo);
        return core::run_process({"sh", "-c", command}, options);
    };
    ASSERT_EQ(run("json").exit_code, 0) << testkit::read_file(err);
    const auto logs = lines_of(testkit::read_file(err));
    ASSERT_FALSE(logs.empty());
    std::set<std::string> events;
    for (const auto& line : logs) {
        const auto event = nlohmann::json::parse(line, nullptr, false);
        ASSERT_TRUE(event.is_object()) << "not a JSON line: " << line;
        events.insert(event.value("event", ""));
    }
    EXPECT_TRUE(events.count("migrate_started")) << testkit::read_file(err);
    EXPECT_TRUE(events.count("migration_applied")) << testkit::read_file(err);
    const auto summary = nlohmann::json::parse(testkit::read_file(out), nullptr, false);
    ASSERT_TRUE(summary.is_object()) << testkit::read_file(out);
    EXPECT_EQ(summary["applied"], 2);

    // Plain logs without a TTY: whole lines, no colours, no carriage returns; a rerun is up to date.
    ASSERT_EQ(run("auto").exit_code, 0) << testkit::read_file(err);
    const auto plain = testkit::read_file(err);
    EXPECT_EQ(plain.find('\x1b'), std::string::npos) << plain;
    EXPECT_EQ(plain.find('\r'), std::string::npos) << plain;
    EXPECT_NE(plain.find("database is up to date"), std::string::npos) << plain;
    for (const auto& line : lines_of(plain)) {
        EXPECT_NE(line.front(), '{') << line;
    }
}
