// The runner against real competing sessions: idle-in-transaction blockers,
// terminate-blockers, INVALID index repair, best-effort steps, concurrent runners,
// failures, drift and repair, retry classification and budgets.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "lockwise/core/process.hpp"
#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

struct Project {
    testkit::TempDir dir;
    std::string conninfo = testkit::fresh_database();

    void write(const std::string& name, const std::string& sql) const { dir.write("migrations/" + name, sql); }
    std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) const
    {
        extra["DATABASE_URL"] = conninfo;
        extra["LOCKWISE_MIGRATIONS"] = (dir.path() / "migrations").string();
        extra["LOCKWISE_LOG_FORMAT"] = "plain";
        return extra;
    }
    testkit::CliResult run(const std::vector<std::string>& args, std::map<std::string, std::string> extra = {}) const
    {
        return testkit::run_lockwise(args, env(std::move(extra)));
    }
    pg::Connection connect(std::string_view application = "test") const { return pg::Connection::connect(conninfo, application); }
};

// An application session that keeps reading a table and records its worst latency.
class ApplicationReader {
public:
    ApplicationReader(const std::string& conninfo, std::string sql) : m_thread([this, conninfo, sql] {
        auto connection = pg::Connection::connect(conninfo, "crm-api");
        while (!m_stop) {
            const auto started = Clock::now();
            try {
                connection.exec(sql);
                ++m_queries;
            } catch (const pg::SqlError&) {
                ++m_failures;
            }
            const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
            m_max_ms = std::max<long long>(m_max_ms, took);
            std::this_thread::sleep_for(10ms);
        }
    })
    {
    }
    ~ApplicationReader() { stop(); }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }
    long long max_ms() const { return m_max_ms; }
    int queries() const { return m_queries; }
    int failures() const { return m_failures; }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<long long> m_max_ms{0};
    std::atomic<int> m_queries{0};
    std::atomic<int> m_failures{0};
    std::thread m_thread;
};

void seed_leads(const Project& project)
{
    project.connect().exec("CREATE TABLE leads (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, name text);"
                           "INSERT INTO leads SELECT g, g % 4, 'lead ' || g FROM generate_series(1, 2000) g");
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

} // namespace

TEST(Runner, IdleInTransactionBlockerIsNamedAndTheApplicationNeverQueuesBehindUs)
{
    Project project;
    seed_leads(project);
    project.write("V1__add_note.sql", "ALTER TABLE leads ADD COLUMN note text;\n");
    // An application's role: --terminate-blockers spares superusers' sessions (the cluster's postgres).
    project.connect().exec("DO $$ BEGIN CREATE ROLE shell_user LOGIN NOSUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; "
                           "END $$; GRANT SELECT ON leads TO shell_user");
    auto blocker = pg::Connection::connect(project.conninfo + " user=shell_user", "forgotten-shell");
    blocker.exec("BEGIN; SELECT name FROM leads WHERE id = 1");
    const int blocker_pid = blocker.backend_pid();
    ApplicationReader application(project.conninfo, "SELECT name FROM leads WHERE id = 42");
    testkit::BackgroundLockwise migrate({"migrate"}, project.env());
    std::this_thread::sleep_for(3s);
    EXPECT_TRUE(migrate.running()) << migrate.output_so_far();
    blocker.exec("COMMIT");
    const auto result = migrate.wait();
    application.stop();
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(contains(result.output, fmt::format("pid {}", blocker_pid))) << result.output;
    EXPECT_TRUE(contains(result.output, "idle in transaction")) << result.output;
    EXPECT_TRUE(contains(result.output, "SELECT name FROM leads WHERE id = 1")) << result.output;
    // The ddl lock_timeout caps at 2s; lockwise waits outside the lock queue while the blocker is idle.
    EXPECT_LT(application.max_ms(), 2000) << "an application query waited behind the migration";
    EXPECT_GT(application.queries(), 50);
    EXPECT_EQ(project.connect().exec("SELECT count(*) FROM information_schema.columns WHERE column_name = 'note'").get(0, 0), "1");
}

TEST(Runner, RowLockWaitIsRetriedWithAGrowingLockTimeoutUntilTheHolderCommits)
{
    Project project;
    seed_leads(project);
    project.write("V1__rename_lead.sql", "UPDATE leads SET name = 'renamed' WHERE id = 7;\n");
    auto holder = project.connect("batch-job");
    holder.exec("BEGIN; UPDATE leads SET name = name WHERE id = 7");
    testkit::BackgroundLockwise migrate({"migrate"}, project.env({{"LOCKWISE_DML_LOCK_TIMEOUT", "200ms"}}));
    std::this_thread::sleep_for(1500ms);
    holder.exec("COMMIT");
    const auto result = migrate.wait();
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(contains(result.output, "attempt 1 (lock_timeout 200ms) failed")) << result.output;
    EXPECT_TRUE(contains(result.output, "55P03")) << result.output;
    EXPECT_TRUE(contains(result.output, "batch-job")) << "the blocker must be named:\n" << result.output;
    EXPECT_EQ(project.connect().exec("SELECT name FROM leads WHERE id = 7").get(0, 0), "renamed");
}

TEST(Runner, TerminateBlockersEndsAnIdleTransactionAfterTheThreshold)
{
    Project project;
    seed_leads(project);
    project.write("V1__add_note.sql", "ALTER TABLE leads ADD COLUMN note text;\n");
    // An application's role: --terminate-blockers spares superusers' sessions (the cluster's postgres).
    project.connect().exec("DO $$ BEGIN CREATE ROLE shell_user LOGIN NOSUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; "
                           "END $$; GRANT SELECT ON leads TO shell_user");
    auto blocker = pg::Connection::connect(project.conninfo + " user=shell_user", "forgotten-shell");
    blocker.exec("BEGIN; SELECT name FROM leads WHERE id = 1");
    const int blocker_pid = blocker.backend_pid();
    // A session idle in transaction on another table must survive.
    project.connect().exec("CREATE TABLE unrelated (id int)");
    auto bystander = project.connect("bystander");
    bystander.exec("BEGIN; SELECT * FROM unrelated");
    const auto started = Clock::now();
    const auto result = project.run({"migrate", "--terminate-blockers", "idle-in-transaction:1s"});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_LT(Clock::now() - started, 15s);
    EXPECT_TRUE(contains(result.output, fmt::format("terminated pid {}", blocker_pid)) ||
                contains(result.output, fmt::format("terminated blocker pid {}", blocker_pid)))
        << result.output;
    EXPECT_THROW(blocker.exec("SELECT 1"), pg::SqlError);
    EXPECT_EQ(bystander.exec("SELECT 1").get(0, 0), "1") << "a session that did not block us was terminated";
}

TEST(Runner, InvalidIndexOfTheTargetNameIsDroppedAndRebuilt)
{
    Project project;
    auto setup = project.connect();
    setup.exec("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t SELECT g, g % 10 FROM generate_series(1, 100) g");
    EXPECT_THROW(setup.exec("CREATE UNIQUE INDEX CONCURRENTLY t_v_key ON t (v)"), pg::SqlError);
    ASSERT_EQ(setup.exec("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_v_key'::regclass").get(0, 0), "f");
    setup.exec("DELETE FROM t WHERE id > 10");
    project.write("V1__unique_v.sql", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_v_key ON t (v);\n");
    const auto result = project.run({"migrate"});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(contains(result.output, "INVALID")) << result.output;
    EXPECT_EQ(setup.exec("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_v_key'::regclass").get(0, 0), "t");
}

TEST(Runner, BestEffortIndexThatKeepsFailingWarnsAndTheMigrationSucceeds)
{
    Project project;
    project.connect().exec("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t SELECT g, 1 FROM generate_series(1, 10) g");
    project.write("V1__maybe_unique.sql",
                  "-- lockwise:best-effort\nCREATE UNIQUE INDEX CONCURRENTLY t_v_unique ON t (v);\n\nCREATE TABLE after_it (id int);\n");
    const auto result = project.run({"migrate"});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(contains(result.output, "best-effort")) << result.output;
    EXPECT_TRUE(contains(result.output, "warned")) << result.output;
    EXPECT_EQ(project.connect().exec("SELECT to_regclass('after_it') IS NOT NULL").get(0, 0), "t");
}

TEST(Runner, TenConcurrentRunnersApplyEachMigrationExactlyOnce)
{
    Project project;
    project.connect().exec("CREATE TABLE applied_log (migration text)");
    project.write("V1__first.sql", "CREATE TABLE one (id int);\nINSERT INTO applied_log VALUES ('V1');\n");
    project.write("V2__second.sql", "INSERT INTO applied_log VALUES ('V2');\nSELECT pg_sleep(0.3);\n");
    project.write("V3__index.sql", "CREATE INDEX CONCURRENTLY one_id_idx ON one (id);\n");
    std::vector<std::unique_ptr<testkit::BackgroundLockwise>> runners;
    for (int i = 0; i < 10; ++i) {
        runners.push_back(std::make_unique<testkit::BackgroundLockwise>(std::vector<std::string>{"migrate"}, project.env()));
    }
    for (auto& runner : runners) {
        const auto result = runner->wait();
        EXPECT_EQ(result.exit_code, 0) << result.output;
    }
    auto check = project.connect();
    EXPECT_EQ(check.exec("SELECT string_agg(migration, ',' ORDER BY migration) FROM applied_log").get(0, 0), "V1,V2");
    EXPECT_EQ(check.exec("SELECT count(*) FROM lockwise.schema_history WHERE status = 'succeeded'").get(0, 0), "3");
}

TEST(Runner, SecondRunnerGivesUpAfterLockWaitWithItsOwnExitCode)
{
    Project project;
    project.write("V1__slow.sql", "SELECT pg_sleep(3);\n");
    testkit::BackgroundLockwise first({"migrate"}, project.env());
    std::this_thread::sleep_for(800ms);
    const auto second = project.run({"migrate", "--lock-wait", "500ms"});
    EXPECT_EQ(second.exit_code, 4) << second.output;
    EXPECT_TRUE(contains(second.output, "runner lock")) << second.output;
    EXPECT_EQ(first.wait().exit_code, 0);
}

TEST(Runner, KilledInsideAStepResumesAndEndsLikeACleanRun)
{
    Project project;
    const std::string migration = "CREATE TABLE a (id int PRIMARY KEY, v int);\n"
                                  "INSERT INTO a SELECT g, g FROM generate_series(1, 1000) g;\n\n"
                                  "CREATE INDEX CONCURRENTLY a_v_idx ON a (v);\n\n"
                                  "CREATE TABLE b (id int);\nSELECT pg_sleep(2);\n\n"
                                  "CREATE INDEX CONCURRENTLY b_id_idx ON b (id);\n";
    project.write("V1__steps.sql", migration);
    testkit::BackgroundLockwise victim({"migrate"}, project.env());
    // Killed inside the pg_sleep of step 3: wait for the step to start (a loaded machine may take
    // seconds to get there), then a moment into its 2 s.
    const auto deadline = Clock::now() + 60s;
    while (!contains(victim.output_so_far(), "step 3/4 group") && victim.running() && Clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(contains(victim.output_so_far(), "step 3/4 group")) << victim.output_so_far();
    std::this_thread::sleep_for(300ms);
    victim.kill(SIGKILL);
    EXPECT_EQ(victim.wait().exit_code, 128 + SIGKILL);
    const auto rerun = project.run({"migrate"});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_TRUE(contains(rerun.output, "resuming")) << rerun.output;

    Project clean;
    clean.write("V1__steps.sql", migration);
    ASSERT_EQ(clean.run({"migrate"}).exit_code, 0);
    const auto shape = [](const Project& p) -> std::string {
        return std::string(p.connect()
            .exec("SELECT string_agg(tablename || ':' || indexname || ':' || indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes "
                  "WHERE schemaname = 'public'")
            .get(0, 0));
    };
    EXPECT_EQ(std::string(shape(project)), std::string(shape(clean)));
    EXPECT_EQ(project.connect().exec("SELECT count(*) FROM a").get(0, 0), "1000");
    EXPECT_EQ(project.connect().exec("SELECT bool_and(indisvalid) FROM pg_index WHERE indrelid IN ('a'::regclass, 'b'::regclass)").get(0, 0), "t");
}

TEST(Runner, FailingStatementLeavesNothingOfItsGroupAndTheFixedRerunSucceeds)
{
    Project project;
    project.write("V1__broken.sql", "CREATE TABLE x (id int);\nINSERT INTO x VALUES (1 / 0);\n");
    const auto failed = project.run({"migrate"});
    EXPECT_EQ(failed.exit_code, 1) << failed.output;
    EXPECT_TRUE(contains(failed.output, "V1__broken.sql:2:")) << failed.output;
    EXPECT_TRUE(contains(failed.output, "division by zero")) << failed.output;
    EXPECT_FALSE(contains(failed.output, "retrying")) << "a data error must not be retried:\n" << failed.output;
    auto check = project.connect();
    EXPECT_EQ(check.exec("SELECT to_regclass('x') IS NULL").get(0, 0), "t");
    const auto history = check.exec("SELECT status, last_error, last_error_position FROM lockwise.schema_history");
    ASSERT_EQ(history.rows(), 1);
    EXPECT_EQ(history.get(0, 0), "failed");
    EXPECT_TRUE(contains(std::string(history.get(0, 2)), "V1__broken.sql:2:")) << history.get(0, 2);

    project.write("V1__broken.sql", "CREATE TABLE x (id int);\nINSERT INTO x VALUES (1);\n");
    const auto fixed = project.run({"migrate"});
    ASSERT_EQ(fixed.exit_code, 0) << fixed.output;
    EXPECT_EQ(check.exec("SELECT count(*) FROM x").get(0, 0), "1");
}

TEST(Runner, ChecksumDriftIsRefusedUntilRepair)
{
    Project project;
    project.write("V1__t.sql", "CREATE TABLE t (id int);\n");
    ASSERT_EQ(project.run({"migrate"}).exit_code, 0);
    project.write("V1__t.sql", "CREATE TABLE t (id bigint);\n");
    project.write("V2__u.sql", "CREATE TABLE u (id int);\n");
    const auto drift = project.run({"migrate"});
    EXPECT_EQ(drift.exit_code, 5) << drift.output;
    EXPECT_TRUE(contains(drift.output, "V1__t.sql")) << drift.output;
    EXPECT_TRUE(contains(drift.output, "sha256:")) << drift.output;
    EXPECT_EQ(project.connect().exec("SELECT to_regclass('u') IS NULL").get(0, 0), "t") << "nothing may run on drift";
    EXPECT_EQ(project.run({"status"}).exit_code, 5);
    const auto repair = project.run({"repair"});
    ASSERT_EQ(repair.exit_code, 0) << repair.output;
    const auto after = project.run({"migrate"});
    ASSERT_EQ(after.exit_code, 0) << after.output;
    EXPECT_EQ(project.connect().exec("SELECT to_regclass('u') IS NOT NULL").get(0, 0), "t");
}

TEST(Runner, LockFailuresStopAtTheBudgetWithTheirOwnExitCode)
{
    Project project;
    seed_leads(project);
    project.write("V1__add_note.sql", "ALTER TABLE leads ADD COLUMN note text;\n");
    auto holder = project.connect("long-report");
    holder.exec("BEGIN; LOCK TABLE leads IN ACCESS SHARE MODE");
    const auto started = Clock::now();
    const auto result = project.run({"migrate"}, {{"LOCKWISE_DDL_RETRY_BUDGET", "2s"}});
    EXPECT_EQ(result.exit_code, 3) << result.output;
    EXPECT_LT(Clock::now() - started, 20s);
    EXPECT_TRUE(contains(result.output, "gave up")) << result.output;
    EXPECT_TRUE(contains(result.output, "long-report")) << result.output;
    holder.exec("ROLLBACK");
    EXPECT_EQ(project.run({"migrate"}).exit_code, 0);
}

TEST(Runner, LintErrorsRefuseTheRunBeforeAnythingRuns)
{
    Project project;
    seed_leads(project);
    project.write("V1__index.sql", "CREATE INDEX leads_name_idx ON leads (name);\n");
    const auto refused = project.run({"migrate"});
    EXPECT_EQ(refused.exit_code, 6) << refused.output;
    EXPECT_TRUE(contains(refused.output, "index-not-concurrent")) << refused.output;
    EXPECT_EQ(project.connect().exec("SELECT to_regclass('lockwise.schema_history') IS NULL").get(0, 0), "t");
    project.write("V1__index.sql",
                  "-- lockwise:allow index-not-concurrent leads is tiny and written only by a nightly job\n"
                  "CREATE INDEX leads_name_idx ON leads (name);\n");
    EXPECT_EQ(project.run({"migrate"}).exit_code, 0);
}

TEST(Runner, DropIndexWaitsForAHolderOfTheIndexsTable)
{
    // LOCK TABLE touches no index: only the live catalog tells that DROP INDEX locks leads too.
    Project project;
    seed_leads(project);
    project.connect().exec("CREATE INDEX leads_tenant_idx ON leads (tenant_id)");
    project.write("V1__drop_index.sql", "DROP INDEX leads_tenant_idx;\n");
    auto blocker = project.connect("forgotten-shell");
    blocker.exec("BEGIN; LOCK TABLE leads IN ACCESS SHARE MODE");
    const int blocker_pid = blocker.backend_pid();
    testkit::BackgroundLockwise migrate({"migrate"}, project.env());
    std::this_thread::sleep_for(3s);
    EXPECT_TRUE(migrate.running()) << migrate.output_so_far();
    blocker.exec("COMMIT");
    const auto result = migrate.wait();
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(contains(result.output, fmt::format("pid {}", blocker_pid))) << result.output;
    EXPECT_TRUE(contains(result.output, "holds a conflicting lock; waiting for it to finish")) << result.output;
    EXPECT_TRUE(project.connect().exec("SELECT to_regclass('leads_tenant_idx') IS NULL").get_bool(0, 0));
}

TEST(Runner, PlanJsonListsEveryRelationAStatementLocksWithWhy)
{
    // pg_locks shows DROP INDEX locking the index's table, and DROP TABLE ... CASCADE locking the
    // views over the table and the table its foreign key references: plan --json must say so.
    Project project;
    seed_leads(project);
    project.connect().exec("CREATE INDEX leads_tenant_idx ON leads (tenant_id);"
                           "CREATE TABLE call_log (id bigint PRIMARY KEY, lead_id bigint REFERENCES leads (id));"
                           "CREATE VIEW recent_calls AS SELECT * FROM call_log;"
                           "CREATE MATERIALIZED VIEW calls_per_lead AS SELECT lead_id, count(*) FROM call_log GROUP BY lead_id;");
    project.write("V1__drop_index.sql", "DROP INDEX leads_tenant_idx;\n");
    project.write("V2__drop_call_log.sql", "DROP TABLE call_log CASCADE;\n");
    const auto json_file = project.dir.path() / "plan.json";
    core::ProcessOptions options;
    for (const auto& [name, value] : project.env()) {
        options.env.emplace_back(name, value);
    }
    const auto plan = core::run_process(
        {"sh", "-c", fmt::format("'{}' plan --json > '{}'", testkit::lockwise_binary().string(), json_file.string())}, options);
    ASSERT_EQ(plan.exit_code, 0) << plan.output;
    const auto json = nlohmann::json::parse(testkit::read_file(json_file));
    ASSERT_EQ(json.size(), 2U) << json.dump(2);
    // Every (relation, mode, reason) of each migration's statements.
    auto locks_of = [&](std::size_t migration) {
        std::map<std::string, std::pair<std::string, std::string>> out;
        for (const auto& step : json[migration]["steps"]) {
            for (const auto& statement : step["statements"]) {
                for (const auto& lock : statement["locks"]) {
                    out[lock["relation"].get<std::string>()] = {lock["mode"].get<std::string>(), lock["reason"].get<std::string>()};
                }
            }
        }
        return out;
    };
    const auto drop_index = locks_of(0);
    ASSERT_TRUE(drop_index.contains("leads")) << json[0].dump(2);
    EXPECT_EQ(drop_index.at("leads").first, "AccessExclusiveLock");
    EXPECT_EQ(drop_index.at("leads").second, "table of leads_tenant_idx");
    EXPECT_EQ(drop_index.at("leads_tenant_idx").first, "AccessExclusiveLock");

    const auto drop_table = locks_of(1);
    EXPECT_EQ(drop_table.at("call_log").first, "AccessExclusiveLock") << json[1].dump(2);
    ASSERT_TRUE(drop_table.contains("recent_calls")) << json[1].dump(2);
    EXPECT_EQ(drop_table.at("recent_calls").first, "AccessExclusiveLock");
    EXPECT_TRUE(contains(drop_table.at("recent_calls").second, "call_log")) << drop_table.at("recent_calls").second;
    ASSERT_TRUE(drop_table.contains("calls_per_lead")) << json[1].dump(2);
    EXPECT_EQ(drop_table.at("calls_per_lead").first, "AccessExclusiveLock");
    ASSERT_TRUE(drop_table.contains("leads")) << "the table its foreign key references: " << json[1].dump(2);
    EXPECT_TRUE(contains(drop_table.at("leads").second, "referenced")) << drop_table.at("leads").second;

    // The lint messages carry the same knowledge: the index's table and what CASCADE reaches.
    std::string findings;
    for (const auto& migration : json) {
        for (const auto& step : migration["steps"]) {
            for (const auto& statement : step["statements"]) {
                for (const auto& finding : statement["findings"]) {
                    findings += finding["message"].get<std::string>() + "\n";
                }
            }
        }
    }
    EXPECT_TRUE(contains(findings, "DROP INDEX leads_tenant_idx takes ACCESS EXCLUSIVE on its table leads")) << findings;
    EXPECT_TRUE(contains(findings, "recent_calls (view over call_log")) << findings;
    const auto human = project.run({"lint"});
    EXPECT_TRUE(contains(human.output, "= also locks: leads AccessExclusiveLock (table of leads_tenant_idx)")) << human.output;
}
