// `lockwise migrate` end to end against a real server: the seed migrations apply
// while another session writes, a rerun is a no-op, and status/plan agree with history.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fmt/format.h>
#include <thread>

#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace std::chrono_literals;

namespace {

std::filesystem::path examples() { return testkit::source_dir() / "examples" / "migrations"; }

testkit::CliResult lockwise_on(const std::string& conninfo, std::vector<std::string> args)
{
    args.insert(args.begin(), {"--log-format", "plain"});
    return testkit::run_lockwise(args, {{"DATABASE_URL", conninfo}});
}

} // namespace

TEST(CliMigrate, SeedMigrationsApplyWhileTheApplicationWritesAndRerunIsANoOp)
{
    const auto conninfo = testkit::fresh_database();
    auto first = lockwise_on(conninfo, {"migrate", "-m", examples().string(), "--target", "35"});
    ASSERT_EQ(first.exit_code, 0) << first.output;
    {
        auto seed = pg::Connection::connect(conninfo);
        seed.exec("INSERT INTO businesses SELECT g, 'b' || g FROM generate_series(1, 5) g;"
                  "INSERT INTO leads (tenant_id, name) SELECT 1 + g % 5, 'lead ' || g FROM generate_series(1, 3000) g;"
                  "INSERT INTO call_log (tenant_id, lead_id, direction, created_at) "
                  "SELECT l.tenant_id, l.id, CASE WHEN (l.id + k) % 2 = 0 THEN 'inbound' ELSE 'outbound' END, now() - k * interval '1 minute' "
                  "FROM leads l, generate_series(1, 3) k WHERE l.id % 7 <> 0");
    }
    // The application keeps writing to both tables for the whole migration.
    std::atomic<bool> stop{false};
    std::atomic<int> writes{0};
    std::atomic<int> failures{0};
    std::thread application([&] {
        auto app = pg::Connection::connect(conninfo, "crm-api");
        while (!stop) {
            try {
                app.exec("INSERT INTO call_log (tenant_id, lead_id, direction) SELECT tenant_id, id, 'inbound' FROM leads "
                         "WHERE id = 1 + (random() * 2999)::int;"
                         "UPDATE leads SET updated_at = now() WHERE id = 1 + (random() * 2999)::int");
                ++writes;
            } catch (const pg::SqlError&) {
                ++failures;
            }
            std::this_thread::sleep_for(5ms);
        }
    });
    auto second = lockwise_on(conninfo, {"migrate", "-m", examples().string()});
    stop = true;
    application.join();
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_GT(writes.load(), 10);
    EXPECT_EQ(failures.load(), 0);
    EXPECT_NE(second.output.find("applied 36"), std::string::npos) << second.output;

    auto check = pg::Connection::connect(conninfo);
    // Every lead whose earliest call existed before the backfill has that call's direction.
    const auto wrong = check.exec(
        "SELECT count(*) FROM leads l WHERE l.last_call_direction IS DISTINCT FROM "
        "(SELECT c.direction FROM call_log c WHERE c.lead_id = l.id ORDER BY c.created_at, c.id LIMIT 1) "
        "AND l.id % 7 <> 0");
    EXPECT_EQ(wrong.get(0, 0), "0");
    const auto valid = check.exec("SELECT count(*) FROM pg_index WHERE indexrelid::regclass::text IN "
                                  "('idx_call_log_lead_created', 'idx_leads_backfill_pending', 'idx_leads_last_call_direction') AND indisvalid");
    EXPECT_EQ(valid.get(0, 0), "3");

    auto third = lockwise_on(conninfo, {"migrate", "-m", examples().string()});
    ASSERT_EQ(third.exit_code, 0) << third.output;
    EXPECT_NE(third.output.find("up to date"), std::string::npos) << third.output;
    EXPECT_NE(third.output.find("0 migration(s) applied"), std::string::npos) << third.output;

    auto status = lockwise_on(conninfo, {"status", "--json", "-m", examples().string()});
    ASSERT_EQ(status.exit_code, 0) << status.output;
    EXPECT_NE(status.output.find("\"applied\""), std::string::npos) << status.output;
    auto plan = lockwise_on(conninfo, {"plan", "-m", examples().string()});
    EXPECT_EQ(plan.exit_code, 0) << plan.output;
}
