// Never wait on what the migration doesn't touch (docs/reliability.md): with an unrelated table
// held ACCESS EXCLUSIVE by an idle transaction, `migrate`, `plan` and online `lint` finish while
// that transaction is still open. The test holds the lock until each command is done (or has been
// running for 60 s, which fails it): the command must not outlive-wait the holder.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace lockwise::testkit;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// Runs lockwise while `holder` keeps its transaction open; true when it ended on its own.
bool finishes_while_held(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                         pg::Connection& holder, CliResult& result)
{
    BackgroundLockwise process(args, env);
    const auto deadline = Clock::now() + 60s;
    while (process.running()) {
        if (Clock::now() > deadline) {
            process.kill(SIGKILL);
            result = process.wait();
            return false;
        }
        std::this_thread::sleep_for(20ms);
    }
    result = process.wait();
    // The holder never let go: its transaction is still open.
    return holder.in_transaction();
}

TEST(UnrelatedLock, MigratePlanAndLintDoNotWaitForIt)
{
    const auto conninfo = fresh_database();
    {
        auto setup = pg::Connection::connect(conninfo, "setup");
        setup.exec("CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE other (id int PRIMARY KEY);"
                   "INSERT INTO other SELECT generate_series(1, 100); ANALYZE other");
    }
    TempDir dir;
    dir.write("V1__a_b.sql", "ALTER TABLE a ADD COLUMN b int;\n");
    const std::map<std::string, std::string> env = {{"DATABASE_URL", conninfo}, {"LOCKWISE_MIGRATIONS", dir.path().string()}};

    auto holder = pg::Connection::connect(conninfo, "unrelated-holder");
    holder.exec("BEGIN; LOCK TABLE other IN ACCESS EXCLUSIVE MODE");

    CliResult result;
    ASSERT_TRUE(finishes_while_held({"plan"}, env, holder, result)) << result.output;
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("AccessExclusiveLock a"), std::string::npos) << result.output;

    ASSERT_TRUE(finishes_while_held({"lint"}, env, holder, result)) << result.output;
    EXPECT_EQ(result.exit_code, 0) << result.output;

    ASSERT_TRUE(finishes_while_held({"migrate", "--log-format", "plain"}, env, holder, result)) << result.output;
    EXPECT_EQ(result.exit_code, 0) << result.output;
    auto check = pg::Connection::connect(conninfo, "check");
    EXPECT_EQ(check.exec("SELECT count(*) FROM pg_attribute WHERE attrelid = 'a'::regclass AND attname = 'b'").get(0, 0), "1");
    // Table sizes still come from pg_class, the locked table included, without touching it.
    ASSERT_TRUE(finishes_while_held({"lint", "--json"}, env, holder, result)) << result.output;
    EXPECT_EQ(result.exit_code, 0) << result.output;
    holder.exec("COMMIT");
}

} // namespace
