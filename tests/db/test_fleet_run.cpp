// The fleet runner against real databases: 50 databases at --parallel 8, the two failure
// policies, a rerun that resumes where the fleet stopped, and canaries that stop a bad release.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sstream>

#include "lockwise/core/error.hpp"
#include "lockwise/fleet/fleet.hpp"
#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {

struct Files {
    testkit::TempDir dir;
    catalog::Catalog catalog;
    std::vector<plan::MigrationPlan> plans;
};

std::unique_ptr<Files> tiny_migrations()
{
    auto files = std::make_unique<Files>();
    files->dir.write("migrations/V1__create_widgets.sql", "CREATE TABLE widgets (id bigint PRIMARY KEY, name text);\n");
    files->dir.write("migrations/V2__index_widgets.sql", "CREATE INDEX CONCURRENTLY widgets_name ON widgets (name);\n");
    files->catalog = catalog::load_catalog(files->dir.path() / "migrations");
    EXPECT_TRUE(files->catalog.errors.empty());
    for (const auto& migration : files->catalog.migrations) {
        files->plans.push_back(plan::plan_migration(migration, plan::default_policies()));
    }
    return files;
}

std::vector<fleet::Target> databases(int count, const std::string& prefix)
{
    std::vector<fleet::Target> targets;
    for (int index = 1; index <= count; ++index) {
        targets.push_back({fmt::format("{}{:02}", prefix, index), testkit::fresh_database(), ""});
    }
    return targets;
}

// A target whose first migration conflicts with what is already there.
void make_conflict(const fleet::Target& target)
{
    auto connection = pg::Connection::connect(target.conninfo);
    connection.exec("CREATE TABLE widgets (other int)");
}

void clear_conflict(const fleet::Target& target)
{
    auto connection = pg::Connection::connect(target.conninfo);
    connection.exec("DROP TABLE widgets");
}

fleet::FleetResult run_fleet(const Files& files, const std::vector<fleet::Target>& targets, fleet::FleetOptions options,
                       std::ostringstream& log_text)
{
    report::LoggerOptions log_options;
    log_options.format = report::LogFormat::plain;
    report::Logger log(log_options, log_text);
    return fleet::migrate_fleet(files.catalog, files.plans, targets, options, log);
}

std::vector<fleet::TargetOutcome> outcomes(const fleet::FleetResult& result)
{
    std::vector<fleet::TargetOutcome> out;
    for (const auto& target : result.targets) {
        out.push_back(target.outcome);
    }
    return out;
}

using O = fleet::TargetOutcome;

} // namespace

TEST(FleetRun, FiftyDatabasesEightAtATimeThenARerunFindsThemUpToDate)
{
    const auto files = tiny_migrations();
    const auto targets = databases(50, "shard");
    fleet::FleetOptions options;
    options.parallel = 8;
    std::ostringstream log;
    const auto started = std::chrono::steady_clock::now();
    const auto first = run_fleet(*files, targets, options, log);
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(fleet::exit_code(first), 0) << fleet::render_summary(first);
    for (const auto& target : first.targets) {
        EXPECT_EQ(target.outcome, O::applied) << target.name << ": " << target.error;
        EXPECT_EQ(target.applied, 2);
    }
    for (const auto& target : targets) {
        auto connection = pg::Connection::connect(target.conninfo);
        EXPECT_EQ(connection.exec("SELECT count(*) FROM lockwise.schema_history WHERE status = 'succeeded'").get_int(0, 0), 2);
    }
    EXPECT_NE(log.str().find("[50/50]"), std::string::npos) << log.str();
    std::cerr << "50 targets, parallel 8: " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";

    std::ostringstream again_log;
    const auto again = run_fleet(*files, targets, options, again_log);
    EXPECT_EQ(fleet::exit_code(again), 0);
    for (const auto& target : again.targets) {
        EXPECT_EQ(target.outcome, O::up_to_date) << target.name;
        EXPECT_EQ(target.up_to_date, 2);
    }
    const auto summary = fleet::render_summary(again);
    EXPECT_NE(summary.find("50 target(s): 0 applied, 50 already up to date, 0 failed, 0 skipped"), std::string::npos) << summary;
}

TEST(FleetRun, StopPolicyStopsStartingTargetsAndARerunResumesWhereTheFleetStopped)
{
    const auto files = tiny_migrations();
    const auto targets = databases(5, "db");
    make_conflict(targets[1]);
    fleet::FleetOptions options;
    options.parallel = 1; // order is deterministic: targets start one after another
    options.on_failure = fleet::OnFailure::stop;
    std::ostringstream log;
    const auto stopped = run_fleet(*files, targets, options, log);
    EXPECT_EQ(outcomes(stopped), (std::vector<O>{O::applied, O::failed, O::skipped, O::skipped, O::skipped}));
    EXPECT_EQ(fleet::exit_code(stopped), 1);
    EXPECT_NE(stopped.targets[1].error.find("already exists"), std::string::npos) << stopped.targets[1].error;
    EXPECT_EQ(stopped.targets[2].error, "not started: an earlier target failed (--on-failure stop)");
    const auto summary = fleet::render_summary(stopped);
    EXPECT_NE(summary.find("5 target(s): 1 applied, 0 already up to date, 1 failed, 3 skipped"), std::string::npos) << summary;
    EXPECT_NE(log.str().find("db02 failed (exit 1)"), std::string::npos) << log.str();

    clear_conflict(targets[1]);
    std::ostringstream rerun_log;
    const auto resumed = run_fleet(*files, targets, options, rerun_log);
    EXPECT_EQ(outcomes(resumed), (std::vector<O>{O::up_to_date, O::applied, O::applied, O::applied, O::applied}));
    EXPECT_EQ(fleet::exit_code(resumed), 0) << fleet::render_summary(resumed);
}

TEST(FleetRun, ContinuePolicyMigratesEveryOtherTarget)
{
    const auto files = tiny_migrations();
    const auto targets = databases(6, "db");
    make_conflict(targets[0]);
    make_conflict(targets[3]);
    fleet::FleetOptions options;
    options.parallel = 3;
    options.on_failure = fleet::OnFailure::keep_going;
    std::ostringstream log;
    const auto result = run_fleet(*files, targets, options, log);
    EXPECT_EQ(outcomes(result), (std::vector<O>{O::failed, O::applied, O::applied, O::failed, O::applied, O::applied}));
    EXPECT_EQ(fleet::exit_code(result), 1);
    const auto json = fleet::to_json(result);
    EXPECT_EQ(json["targets"][0]["outcome"], "failed");
    EXPECT_EQ(json["targets"][0]["exit_code"], 1);
    EXPECT_EQ(json["exit_code"], 1);
}

TEST(FleetRun, AFailedCanaryStopsTheFleetAndGoodCanariesLetItGoOn)
{
    const auto files = tiny_migrations();
    const auto targets = databases(6, "db");
    make_conflict(targets[1]);
    fleet::FleetOptions options;
    options.parallel = 4;
    options.canary = 2;
    options.on_failure = fleet::OnFailure::keep_going; // canaries stop the fleet whatever the policy
    std::ostringstream log;
    const auto stopped = run_fleet(*files, targets, options, log);
    EXPECT_TRUE(stopped.canary_failed);
    EXPECT_EQ(outcomes(stopped), (std::vector<O>{O::applied, O::failed, O::skipped, O::skipped, O::skipped, O::skipped}));
    EXPECT_EQ(stopped.targets[4].error, "not started: a canary failed");
    EXPECT_TRUE(stopped.targets[0].canary);
    EXPECT_FALSE(stopped.targets[2].canary);
    for (std::size_t index = 2; index < targets.size(); ++index) {
        auto connection = pg::Connection::connect(targets[index].conninfo);
        EXPECT_EQ(connection.exec("SELECT count(*) FROM pg_tables WHERE tablename = 'widgets'").get_int(0, 0), 0);
    }
    clear_conflict(targets[1]);
    std::ostringstream again_log;
    const auto good = run_fleet(*files, targets, options, again_log);
    EXPECT_FALSE(good.canary_failed);
    EXPECT_EQ(outcomes(good), (std::vector<O>{O::up_to_date, O::applied, O::applied, O::applied, O::applied, O::applied}));
}

TEST(FleetRun, TargetsFilesInBothFormatsAndTheirErrors)
{
    testkit::TempDir dir;
    const auto toml = dir.write("fleet.toml", "[targets]\neu1 = \"host=eu1 dbname=app\"\n\"us-1\" = \"postgres://u:pw@us1/app\"\n");
    const auto from_toml = fleet::load_targets_file(toml);
    ASSERT_EQ(from_toml.size(), 2u);
    EXPECT_EQ(from_toml[0].name, "eu1");
    EXPECT_EQ(from_toml[1].conninfo, "postgres://u:pw@us1/app");
    const auto plain = dir.write("fleet.txt", "# shards\nshard1 host=a dbname=app\n\n  shard2   host=b dbname=app port=6432\n");
    const auto from_plain = fleet::load_targets_file(plain);
    ASSERT_EQ(from_plain.size(), 2u);
    EXPECT_EQ(from_plain[1].conninfo, "host=b dbname=app port=6432");
    EXPECT_EQ(from_plain[1].where, plain.string() + ":4");
    const auto bad = dir.write("bad.txt", "a host=x\na host=y\nb\nc host=z password='unterminated\n");
    try {
        fleet::load_targets_file(bad);
        ADD_FAILURE() << "bad targets file accepted";
    } catch (const core::Error& error) {
        EXPECT_EQ(error.code(), core::ExitCode::usage);
        const std::string message = error.what();
        EXPECT_NE(message.find(bad.string() + ":2: error: target \"a\" is listed twice"), std::string::npos) << message;
        EXPECT_NE(message.find(bad.string() + ":3: error: target \"b\" has no connection string"), std::string::npos) << message;
        EXPECT_NE(message.find(bad.string() + ":4: error: target \"c\": invalid connection string"), std::string::npos) << message;
    }
}

// fleet.allowed_hosts: every host a target names must be listed (exact, *.domain, a socket
// directory); all the others are reported at once, before any connection.
TEST(FleetRun, AllowedHostsRestrictTargets)
{
    const auto allowed = fleet::parse_allowed_hosts(" db1.internal, *.shards.internal ,/run/postgresql,");
    ASSERT_EQ(allowed.size(), 3u);
    EXPECT_TRUE(fleet::host_allowed("DB1.Internal", allowed));
    EXPECT_TRUE(fleet::host_allowed("s7.shards.internal", allowed));
    EXPECT_FALSE(fleet::host_allowed("shards.internal", allowed)) << "*.domain is for names under it";
    EXPECT_FALSE(fleet::host_allowed("evilshards.internal", allowed));
    EXPECT_TRUE(fleet::host_allowed("/run/postgresql", allowed));
    EXPECT_FALSE(fleet::host_allowed("/RUN/postgresql", allowed)) << "a path compares exactly";
    EXPECT_FALSE(fleet::host_allowed("", allowed));

    const std::string content = "ok1 host=db1.internal dbname=app\n"
                                "ok2 postgresql://app@s1.shards.internal,s2.shards.internal/app\n"
                                "evil host=elsewhere.example sslmode=disable dbname=app\n"
                                "half host=db1.internal,attacker.example dbname=app\n"
                                "addr host=db1.internal hostaddr=203.0.113.9 dbname=app\n"
                                "nohost dbname=app\n";
    try {
        fleet::parse_targets("fleet.txt", content, allowed);
        ADD_FAILURE() << "targets outside fleet.allowed_hosts accepted";
    } catch (const core::Error& error) {
        EXPECT_EQ(error.code(), core::ExitCode::usage);
        const std::string message = error.what();
        EXPECT_EQ(message.find("ok1"), std::string::npos) << message;
        EXPECT_EQ(message.find("ok2"), std::string::npos) << message;
        EXPECT_NE(message.find("fleet.txt:3: error: target \"evil\": host \"elsewhere.example\" is not in fleet.allowed_hosts"),
                  std::string::npos)
            << message;
        EXPECT_NE(message.find("fleet.txt:4: error: target \"half\": host \"attacker.example\""), std::string::npos) << message;
        EXPECT_NE(message.find("fleet.txt:5: error: target \"addr\": host \"203.0.113.9\""), std::string::npos) << message;
        EXPECT_NE(message.find("fleet.txt:6: error: target \"nohost\" names no host"), std::string::npos) << message;
    }
    EXPECT_EQ(fleet::parse_targets("fleet.txt", "ok1 host=db1.internal dbname=app\n", allowed).size(), 1u);
    EXPECT_EQ(fleet::parse_targets("fleet.txt", content.substr(0, content.find("evil")), {}).size(), 2u)
        << "without the list every host is allowed";
}
