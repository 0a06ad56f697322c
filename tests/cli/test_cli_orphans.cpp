// Orphans of a killed run (docs/reliability.md): a SIGKILLed `lockwise migrate` leaves its work
// backend running; the rerun must end it before it reads history, log its pid, leave live runners
// of other history tables alone, and wait (saying so) for orphans it may not signal.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <thread>

#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace lockwise::testkit;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> migrate_args(const TempDir& dir)
{
    return {"migrate", "--migrations", dir.path().string(), "--log-format", "plain", "--lock-wait", "60s"};
}

// Waits (bounded) for a backend whose application_name matches `like` and whose query matches
// `query_like`; returns its pid, or 0.
int wait_for_backend(pg::Connection& watcher, const std::string& like, const std::string& query_like)
{
    const auto deadline = Clock::now() + 60s;
    while (Clock::now() < deadline) {
        const auto result = watcher.exec_params(
            "SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1 AND query LIKE $2 AND state = 'active'",
            {like, query_like});
        if (result.rows() > 0) {
            return static_cast<int>(result.get_int(0, 0));
        }
        std::this_thread::sleep_for(20ms);
    }
    return 0;
}

bool backend_alive(pg::Connection& watcher, int pid)
{
    return watcher.exec_params("SELECT 1 FROM pg_stat_activity WHERE pid = $1", {std::to_string(pid)}).rows() > 0;
}

// An ended orphan exits once it reads its closed socket: give it a moment.
bool backend_exits(pg::Connection& watcher, int pid)
{
    const auto deadline = Clock::now() + 20s;
    while (backend_alive(watcher, pid)) {
        if (Clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

// The issue's reproduction, made deterministic: the group's INSERT sleeps while PGOPTIONS sets
// test.sleep (first run only), lockwise is SIGKILLed mid-INSERT, the rerun starts at once.
TEST(Orphans, RerunEndsTheKilledRunsBackendBeforeItStarts)
{
    const auto conninfo = fresh_database();
    TempDir dir;
    dir.write("V1__leads.sql", "CREATE TABLE leads (id bigserial PRIMARY KEY, note text);\n"
                               "INSERT INTO leads (note) SELECT 'lead ' || g FROM generate_series(1, 1000) g,\n"
                               "    pg_sleep(coalesce(nullif(current_setting('test.sleep', true), ''), '0')::float8);\n");
    dir.write("V2__contacts.sql", "CREATE TABLE contacts (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, lead_id bigint);\n");
    auto watcher = pg::Connection::connect(conninfo, "test-watcher");
    int orphan = 0;
    {
        BackgroundLockwise first(migrate_args(dir), {{"DATABASE_URL", conninfo}, {"PGOPTIONS", "-c test.sleep=120"}});
        orphan = wait_for_backend(watcher, "lockwise/%/work", "%INSERT INTO leads%");
        ASSERT_NE(orphan, 0) << first.output_so_far();
        first.kill(SIGKILL);
        first.wait();
    }
    ASSERT_TRUE(backend_alive(watcher, orphan)) << "SIGKILL should leave the INSERT's backend running";
    const auto started = Clock::now();
    const auto rerun = run_lockwise(migrate_args(dir), {{"DATABASE_URL", conninfo}});
    const auto took = Clock::now() - started;
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_NE(rerun.output.find(fmt::format("pid {} of lockwise run", orphan)), std::string::npos) << rerun.output;
    EXPECT_NE(rerun.output.find("INSERT INTO leads"), std::string::npos) << rerun.output;
    EXPECT_NE(rerun.output.find(fmt::format("orphan pid {} ended after", orphan)), std::string::npos) << rerun.output;
    EXPECT_TRUE(backend_exits(watcher, orphan));
    // The orphan's INSERT would sleep 120 s: the rerun ended it rather than waiting for it.
    EXPECT_LT(took, 100s);
    EXPECT_EQ(watcher.exec("SELECT pg_get_serial_sequence('leads', 'id')").get(0, 0), "public.leads_id_seq");
    EXPECT_EQ(watcher.exec("SELECT count(*) FROM leads").get(0, 0), "1000");
    EXPECT_EQ(watcher.exec("SELECT count(*) FROM pg_class WHERE relname LIKE 'leads_id_seq%'").get(0, 0), "1");
}

// Sessions named like lockwise's but of a live runner (its lock session holds an advisory lock)
// or of another runner waiting for its turn (role lock) are left alone; an idle-in-transaction
// work session of a dead run holding a lock on the migrated table is ended.
TEST(Orphans, OnlySessionsOfDeadRunsAreEnded)
{
    const auto conninfo = fresh_database();
    {
        auto setup = pg::Connection::connect(conninfo, "setup");
        setup.exec("CREATE TABLE accounts (id int PRIMARY KEY)");
    }
    TempDir dir;
    dir.write("V1__accounts_note.sql", "ALTER TABLE accounts ADD COLUMN note text;\n");

    auto live_lock = pg::Connection::connect(conninfo, "lockwise/aaaaaaaaaaaa/lock");
    live_lock.exec("SELECT pg_advisory_lock(4242)");
    auto live_work = pg::Connection::connect(conninfo, "lockwise/aaaaaaaaaaaa/work");
    live_work.send("SELECT pg_sleep(20)");
    auto waiting_runner = pg::Connection::connect(conninfo, "lockwise/bbbbbbbbbbbb/lock");
    waiting_runner.exec("BEGIN; SELECT 1");
    auto dead_work = pg::Connection::connect(conninfo, "lockwise/cccccccccccc/work");
    dead_work.exec("BEGIN; SELECT * FROM accounts");
    const int dead_pid = dead_work.backend_pid();

    const auto result = run_lockwise(migrate_args(dir), {{"DATABASE_URL", conninfo}});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find(fmt::format("pid {} of lockwise run cccccccccccc (work, idle in transaction", dead_pid)),
              std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find("aaaaaaaaaaaa"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("bbbbbbbbbbbb"), std::string::npos) << result.output;
    auto watcher = pg::Connection::connect(conninfo, "test-watcher");
    EXPECT_TRUE(backend_exits(watcher, dead_pid));
    EXPECT_TRUE(backend_alive(watcher, live_work.backend_pid()));
    EXPECT_TRUE(backend_alive(watcher, waiting_runner.backend_pid()));
    EXPECT_TRUE(live_work.busy()) << "the live runner's statement must still be running";
    live_work.cancel_and_drain();
}

// `lockwise locks` says which run and role a lockwise session belongs to.
TEST(Orphans, LocksShowsTheRunOfALockwiseSession)
{
    const auto conninfo = fresh_database();
    auto holder = pg::Connection::connect(conninfo, "lockwise/0123456789ab/work");
    holder.exec("CREATE TABLE t (id int)");
    holder.exec("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
    auto waiter = pg::Connection::connect(conninfo, "app");
    waiter.send("SELECT * FROM t");
    auto watcher = pg::Connection::connect(conninfo, "test-watcher");
    ASSERT_NE(wait_for_backend(watcher, "app", "SELECT * FROM t"), 0);
    const auto text = run_lockwise({"locks"}, {{"DATABASE_URL", conninfo}});
    ASSERT_EQ(text.exit_code, 0) << text.output;
    EXPECT_NE(text.output.find("(lockwise run 0123456789ab, work)"), std::string::npos) << text.output;
    const auto json = run_lockwise({"locks", "--json"}, {{"DATABASE_URL", conninfo}});
    ASSERT_EQ(json.exit_code, 0) << json.output;
    std::string compact = json.output; // pretty-printed or not
    std::erase_if(compact, [](char c) { return c == ' ' || c == '\n'; });
    EXPECT_NE(compact.find(R"("lockwise_run":"0123456789ab")"), std::string::npos) << json.output;
    EXPECT_NE(compact.find(R"("lockwise_role":"work")"), std::string::npos) << json.output;
    holder.exec("COMMIT");
    while (waiter.busy()) {
        waiter.wait(100ms);
    }
}

// Without permission to signal (the orphan runs as a superuser, the migration role is not one),
// lockwise waits for the orphan to end, says so with its pid, then applies.
TEST(Orphans, WithoutPermissionToSignalItWaitsAndSaysSo)
{
    const auto db = fresh_database();
    const auto dbname = db.substr(db.rfind('=') + 1);
    {
        auto admin = pg::Connection::connect(db, "setup");
        admin.exec("DO $$ BEGIN CREATE ROLE orphan_migrator LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; "
                   "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        admin.exec(fmt::format("GRANT CONNECT, CREATE ON DATABASE \"{}\" TO orphan_migrator", dbname));
        admin.exec("GRANT CREATE, USAGE ON SCHEMA public TO orphan_migrator");
    }
    const auto as_migrator =
        fmt::format("host={} port={} user=orphan_migrator dbname={}", cluster().socket_directory(), cluster().port(), dbname);
    TempDir dir;
    dir.write("V1__notes.sql", "CREATE TABLE notes (id int PRIMARY KEY);\n");
    auto orphan = pg::Connection::connect(db, "lockwise/dddddddddddd/work");
    const int orphan_pid = orphan.backend_pid();
    const auto orphan_started = Clock::now();
    // Like a killed run's backend: it ends its statement, then its session (a real orphan's
    // backend exits when it finds its client gone; the migration role can't see its state).
    std::thread orphan_client([&orphan] {
        orphan.exec("SELECT pg_sleep(3)");
        orphan = pg::Connection();
    });
    const auto result = run_lockwise(migrate_args(dir), {{"DATABASE_URL", as_migrator}});
    const auto took = Clock::now() - orphan_started;
    orphan_client.join();
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find(fmt::format("no permission to signal orphan pid {}", orphan_pid)), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find(fmt::format("orphan pid {} ended on its own", orphan_pid)), std::string::npos) << result.output;
    // It went on only once the orphan had ended.
    EXPECT_GE(took, 3s);
}

} // namespace
