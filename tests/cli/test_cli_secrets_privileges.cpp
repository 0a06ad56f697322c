// What lockwise may do to others and what it needs: --terminate-blockers ends only a session
// that blocks lockwise and matches the policy (idle in transaction long enough, not a
// superuser's unless runner.terminate_superusers says so), and a role holding only the
// privileges docs/reliability.md lists can run a migration.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fmt/format.h>
#include <thread>

#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/sql_error.hpp"
#include "support/testing.hpp"

namespace lockwise::testkit {
namespace {

using namespace std::chrono_literals;

// Runs lockwise, killing it after `limit` (a hang is a failure with its output, not a stuck suite).
CliResult run_bounded(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                      std::chrono::seconds limit = 60s)
{
    BackgroundLockwise process(args, env);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (process.running()) {
        if (std::chrono::steady_clock::now() > deadline) {
            ADD_FAILURE() << "lockwise did not finish within " << limit.count() << " s:\n" << process.output_so_far();
            process.kill(SIGKILL);
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    return process.wait();
}

bool alive(pg::Connection& connection)
{
    try {
        connection.exec("SELECT 1");
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// The sessions of an application's role (the test cluster's own sessions are the superuser's).
std::string as_app_user(const std::string& db)
{
    auto setup = pg::Connection::connect(db, "setup");
    setup.exec("DO $$ BEGIN CREATE ROLE app_user LOGIN NOSUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$; "
               "GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_user");
    return db + " user=app_user";
}

TEST(Privileges, TerminateBlockersEndsOnlyMatchingBlockers)
{
    const auto db = fresh_database();
    {
        auto setup = pg::Connection::connect(db, "setup");
        setup.exec("CREATE TABLE orders (id int PRIMARY KEY); CREATE TABLE unrelated (id int PRIMARY KEY); "
                   "INSERT INTO orders VALUES (1); INSERT INTO unrelated VALUES (1)");
    }
    const auto app = as_app_user(db);
    // Idle in transaction, but on a table lockwise does not touch: must survive.
    auto bystander = pg::Connection::connect(app, "bystander");
    bystander.exec("BEGIN; SELECT * FROM unrelated");
    // Idle in transaction on orders: blocks the ALTER and matches the policy: must be terminated.
    auto idle_blocker = pg::Connection::connect(app, "idle-blocker");
    idle_blocker.exec("BEGIN; SELECT * FROM orders");
    std::this_thread::sleep_for(1200ms);
    // Active on orders for 3 s: blocks the ALTER too, but is working: must survive and finish.
    auto active_blocker = pg::Connection::connect(app, "active-blocker");
    active_blocker.send("BEGIN; SELECT count(*) FROM orders, pg_sleep(3); COMMIT");
    std::this_thread::sleep_for(200ms);

    TempDir dir;
    dir.write("V1__orders_note.sql", "ALTER TABLE orders ADD COLUMN note text;\n");
    const auto result = run_bounded({"migrate", "--migrations", dir.path().string(), "--terminate-blockers",
                                     "idle-in-transaction:1s", "--log-format", "plain"},
                                    {{"DATABASE_URL", db}});
    EXPECT_EQ(result.exit_code, 0) << result.output;

    auto finished = active_blocker.wait(10000ms);
    ASSERT_TRUE(finished.has_value());
    EXPECT_TRUE(alive(active_blocker)) << "an active session was terminated:\n" << result.output;
    EXPECT_TRUE(alive(bystander)) << "a session that did not block lockwise was terminated:\n" << result.output;
    EXPECT_FALSE(alive(idle_blocker)) << "the matching idle-in-transaction blocker survived:\n" << result.output;
    auto check = pg::Connection::connect(db, "check");
    EXPECT_EQ(check.exec("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'")
                  .get_int(0, 0),
              1);
}

// A DBA's session (a superuser's) idle in transaction on the table is never terminated by the
// policy alone: the migration runs out of its budget and the session lives. Only the separate
// runner.terminate_superusers opt-in lets the policy end it.
TEST(Privileges, TerminateBlockersSparesASuperuserBlocker)
{
    const auto db = fresh_database();
    {
        auto setup = pg::Connection::connect(db, "setup");
        setup.exec("CREATE TABLE orders (id int PRIMARY KEY)");
    }
    auto dba = pg::Connection::connect(db, "dba-shell");
    ASSERT_EQ(dba.exec("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").get(0, 0), "t");
    dba.exec("BEGIN; SELECT * FROM orders");
    std::this_thread::sleep_for(1200ms);
    TempDir dir;
    dir.write("V1__orders_note.sql", "-- lockwise:retries 2\nALTER TABLE orders ADD COLUMN note text;\n");
    const std::vector<std::string> args = {"migrate", "--migrations", dir.path().string(), "--terminate-blockers",
                                           "idle-in-transaction:1s", "--log-format", "plain"};
    const auto spared = run_bounded(args, {{"DATABASE_URL", db}, {"LOCKWISE_DDL_RETRY_BUDGET", "2s"}});
    EXPECT_EQ(spared.exit_code, 3) << spared.output;
    EXPECT_TRUE(alive(dba)) << "a superuser's session was terminated:\n" << spared.output;
    EXPECT_NE(spared.output.find("dba-shell"), std::string::npos) << "the blocker must be named:\n" << spared.output;

    const auto opted_in = run_bounded(args, {{"DATABASE_URL", db}, {"LOCKWISE_TERMINATE_SUPERUSERS", "true"}});
    EXPECT_EQ(opted_in.exit_code, 0) << opted_in.output;
    EXPECT_FALSE(alive(dba)) << "runner.terminate_superusers did not let the policy end it:\n" << opted_in.output;
}

TEST(Privileges, WithoutTheFlagNoSessionIsTerminated)
{
    const auto db = fresh_database();
    {
        auto setup = pg::Connection::connect(db, "setup");
        setup.exec("CREATE TABLE orders (id int PRIMARY KEY)");
    }
    auto idle_blocker = pg::Connection::connect(db, "idle-blocker");
    idle_blocker.exec("BEGIN; SELECT * FROM orders");
    TempDir dir;
    dir.write("V1__orders_note.sql", "-- lockwise:retries 2\nALTER TABLE orders ADD COLUMN note text;\n");
    const auto result = run_bounded({"migrate", "--migrations", dir.path().string(), "--log-format", "plain"},
                                    {{"DATABASE_URL", db}, {"LOCKWISE_DDL_RETRY_BUDGET", "2s"}});
    EXPECT_EQ(result.exit_code, 3) << result.output;
    EXPECT_TRUE(alive(idle_blocker)) << result.output;
    // The blocker is named in the diagnostics.
    EXPECT_NE(result.output.find("idle-blocker"), std::string::npos) << result.output;
}

// The least privileges of docs/reliability.md: CONNECT and CREATE on the database (for the
// history schema) and CREATE on the schema the migrations write to; nothing else.
TEST(Privileges, DocumentedLeastPrivilegesAreEnough)
{
    const auto db = fresh_database();
    const auto dbname = db.substr(db.rfind('=') + 1);
    {
        auto admin = pg::Connection::connect(db, "setup");
        admin.exec("DO $$ BEGIN CREATE ROLE migrator LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; "
                   "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        admin.exec(fmt::format("REVOKE ALL ON DATABASE \"{}\" FROM PUBLIC", dbname));
        admin.exec(fmt::format("GRANT CONNECT, CREATE ON DATABASE \"{}\" TO migrator", dbname));
        admin.exec("CREATE SCHEMA app; GRANT CREATE, USAGE ON SCHEMA app TO migrator");
    }
    const auto as_migrator =
        fmt::format("host={} port={} user=migrator dbname={} options='-c search_path=app'", cluster().socket_directory(),
                    cluster().port(), dbname);
    TempDir dir;
    dir.write("V1__orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\n"
                                "INSERT INTO orders SELECT g, NULL FROM generate_series(1, 300) g;\n");
    dir.write("V2__orders_status.sql",
              "ALTER TABLE orders ADD COLUMN note text;\n\n"
              "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n\n"
              "-- lockwise:backfill key=id batch=100 pending=\"status IS NULL\"\n"
              "UPDATE orders SET status = 'open' WHERE status IS NULL;\n");
    const auto result = run_lockwise({"migrate", "--migrations", dir.path().string(), "--log-format", "plain"},
                                     {{"DATABASE_URL", as_migrator}});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const auto status = run_lockwise({"status", "--migrations", dir.path().string()}, {{"DATABASE_URL", as_migrator}});
    EXPECT_EQ(status.exit_code, 0) << status.output;
    auto check = pg::Connection::connect(db, "check");
    EXPECT_EQ(check.exec("SELECT count(*) FROM app.orders WHERE status = 'open'").get_int(0, 0), 300);
    EXPECT_EQ(check.exec("SELECT count(*) FROM lockwise.schema_history WHERE status = 'succeeded'").get_int(0, 0), 2);
}

} // namespace
} // namespace lockwise::testkit
