// `lockwise config` through the built binary: one precedence for every key (flag > env >
// lockwise.toml > default), sources shown, passwords never printed, bad input refused at file:line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/testing.hpp"

using namespace lockwise;

namespace {

// `lockwise config --json` in `dir`; the parsed output (or a failure with the text).
nlohmann::json config_json(const testkit::TempDir& dir, std::vector<std::string> args = {},
                           const std::map<std::string, std::string>& env = {})
{
    args.insert(args.begin(), {"config", "--json"});
    const auto result = testkit::run_lockwise(args, env, dir.path());
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return nlohmann::json::parse(result.output, nullptr, false);
}

} // namespace

TEST(CliConfig, EveryLayerOverridesTheOneBelowIt)
{
    testkit::TempDir dir;
    const struct {
        std::string key, env, flag, toml_section, toml_leaf;
    } cases[] = {
        {"migrations.dir", "LOCKWISE_MIGRATIONS", "--migrations", "migrations", "dir"},
        {"log.format", "LOCKWISE_LOG_FORMAT", "--log-format", "log", "format"},
    };
    for (const auto& item : cases) {
        const std::string toml_value = item.key == "log.format" ? "json" : "from-toml";
        const std::string env_value = item.key == "log.format" ? "plain" : "from-env";
        const std::string flag_value = item.key == "log.format" ? "pretty" : "from-flag";
        std::filesystem::remove(dir.path() / "lockwise.toml");
        auto defaults = config_json(dir);
        EXPECT_EQ(defaults[item.key]["source"], "default") << item.key;
        dir.write("lockwise.toml", "[" + item.toml_section + "]\n" + item.toml_leaf + " = \"" + toml_value + "\"\n");
        auto from_toml = config_json(dir);
        EXPECT_EQ(from_toml[item.key]["value"], toml_value);
        EXPECT_EQ(from_toml[item.key]["source"], "lockwise.toml:2:" + std::to_string(item.toml_leaf.size() + 4));
        auto from_env = config_json(dir, {}, {{item.env, env_value}});
        EXPECT_EQ(from_env[item.key]["value"], env_value);
        EXPECT_EQ(from_env[item.key]["source"], "env " + item.env);
        auto from_flag = config_json(dir, {item.flag, flag_value}, {{item.env, env_value}});
        EXPECT_EQ(from_flag[item.key]["value"], flag_value);
        EXPECT_EQ(from_flag[item.key]["source"], "flag " + item.flag);
    }
}

TEST(CliConfig, PolicyAndFleetKeysFollowTheSamePrecedence)
{
    testkit::TempDir dir;
    dir.write("lockwise.toml", "[policy.ddl]\nlock_timeout = \"250ms\"\n[fleet]\nparallel = 3\non_failure = \"continue\"\n");
    auto config = config_json(dir, {}, {{"LOCKWISE_PARALLEL", "9"}});
    EXPECT_EQ(config["policy.ddl.lock_timeout"]["value"], "250ms");
    EXPECT_EQ(config["policy.ddl.lock_timeout"]["source"], "lockwise.toml:2:16");
    EXPECT_EQ(config["fleet.parallel"]["value"], "9");
    EXPECT_EQ(config["fleet.on_failure"]["value"], "continue");
    auto env = config_json(dir, {}, {{"LOCKWISE_DDL_LOCK_TIMEOUT", "2s"}});
    EXPECT_EQ(env["policy.ddl.lock_timeout"]["value"], "2s");
    EXPECT_EQ(env["policy.ddl.lock_timeout"]["source"], "env LOCKWISE_DDL_LOCK_TIMEOUT");
}

TEST(CliConfig, PasswordsNeverAppearInAnyOutput)
{
    testkit::TempDir dir;
    const std::string secret = "s3cr3t-Pa55";
    for (const auto& [env, value] : std::map<std::string, std::string>{
             {"DATABASE_URL", "postgres://app:" + secret + "@db.internal:5432/app"},
             {"LOCKWISE_DATABASE_URL", "host=db.internal dbname=app user=app password=" + secret},
             {"LOCKWISE_DIRECT_URL", "postgresql://app:" + secret + "@db-direct:5432/app?sslmode=require"}}) {
        for (const auto& args : {std::vector<std::string>{"config"}, std::vector<std::string>{"config", "--json"}}) {
            const auto result = testkit::run_lockwise(args, {{env, value}}, dir.path());
            ASSERT_EQ(result.exit_code, 0) << result.output;
            EXPECT_EQ(result.output.find(secret), std::string::npos) << result.output;
            EXPECT_NE(result.output.find("db"), std::string::npos);
            EXPECT_NE(result.output.find("env " + env), std::string::npos) << result.output;
        }
    }
    // LOCKWISE_DATABASE_URL wins over DATABASE_URL.
    auto both = config_json(dir, {}, {{"DATABASE_URL", "host=from-database-url"}, {"LOCKWISE_DATABASE_URL", "host=from-lockwise"}});
    EXPECT_EQ(both["database.url"]["source"], "env LOCKWISE_DATABASE_URL");
    EXPECT_NE(both["database.url"]["value"].get<std::string>().find("from-lockwise"), std::string::npos);
}

TEST(CliConfig, UnknownKeysAndBadValuesAreReportedTogetherWithFileLineAndChoices)
{
    testkit::TempDir dir;
    dir.write("lockwise.toml", "typo = 1\n[log]\nformat = \"yaml\"\n\n[runner]\nlock_wiat = \"5s\"\n[migrations]\nformat = \"rails\"\n"
                               "[policy.ddl]\nlock_timeout = \"soon\"\n[databse]\nurl = \"x\"\n");
    const auto result = testkit::run_lockwise({"config"}, {}, dir.path());
    EXPECT_EQ(result.exit_code, 2) << result.output;
    const auto& out = result.output;
    EXPECT_NE(out.find("lockwise.toml:3:10: error: log.format: \"yaml\" is not valid (valid: auto, plain, json, pretty)"),
              std::string::npos) << out;
    EXPECT_NE(out.find("lockwise.toml:6:13: error: unknown key \"runner.lock_wiat\" (valid in [runner]: lock_wait,"), std::string::npos)
        << out;
    EXPECT_NE(out.find("lockwise.toml:8:10: error: migrations.format: \"rails\" is not valid (valid: auto, native, golang-migrate"),
              std::string::npos) << out;
    EXPECT_NE(out.find("lockwise.toml:10:16: error: policy.ddl.lock_timeout: \"soon\" is not a duration"), std::string::npos) << out;
    EXPECT_NE(out.find("lockwise.toml:12:7: error: unknown key \"databse.url\" (valid sections: database, migrations, history, runner, fleet, log, policy, lint)"),
              std::string::npos) << out;
    EXPECT_NE(out.find("lockwise.toml:1:8: error: unknown key \"typo\" (valid sections:"), std::string::npos) << out;
    EXPECT_NE(out.find("hint: "), std::string::npos);
}

TEST(CliConfig, BadEnvironmentAndFlagValuesAreUsageErrors)
{
    testkit::TempDir dir;
    auto env = testkit::run_lockwise({"config"}, {{"LOCKWISE_ON_FAILURE", "retry"}}, dir.path());
    EXPECT_EQ(env.exit_code, 2);
    EXPECT_NE(env.output.find("environment LOCKWISE_ON_FAILURE: error: \"retry\" is not valid (valid: stop, continue)"),
              std::string::npos) << env.output;
    auto flag = testkit::run_lockwise({"config", "--log-format", "xml"}, {}, dir.path());
    EXPECT_EQ(flag.exit_code, 2);
    EXPECT_NE(flag.output.find("--log-format: \"xml\" is not valid (valid: auto, plain, json, pretty)"), std::string::npos) << flag.output;
    auto missing = testkit::run_lockwise({"config", "--config", "nope.toml"}, {}, dir.path());
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.output.find("config file nope.toml does not exist"), std::string::npos) << missing.output;
}

TEST(CliConfig, ServerVersionSettingDecidesWhatOfflineLintAndPlanAccept)
{
    // DETACH PARTITION ... CONCURRENTLY exists from PostgreSQL 14: offline lint assumes 13 unless told.
    testkit::TempDir dir;
    dir.write("migrations/V1__parts.sql", "CREATE TABLE events (at date) PARTITION BY RANGE (at);\n"
                                          "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n");
    dir.write("migrations/V2__detach.sql", "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;\n");
    const auto assumed = testkit::run_lockwise({"lint"}, {}, dir.path());
    EXPECT_EQ(assumed.exit_code, 6) << assumed.output;
    EXPECT_NE(assumed.output.find("needs-newer-server"), std::string::npos) << assumed.output;
    EXPECT_NE(assumed.output.find("lint assumed PostgreSQL 13, the oldest supported version"), std::string::npos) << assumed.output;

    const auto flag = testkit::run_lockwise({"lint", "--server-version", "14"}, {}, dir.path());
    EXPECT_EQ(flag.exit_code, 0) << flag.output;
    EXPECT_EQ(flag.output.find("needs-newer-server"), std::string::npos) << flag.output;

    dir.write("lockwise.toml", "[lint]\nserver_version = \"13.9\"\n");
    const auto file = testkit::run_lockwise({"lint"}, {}, dir.path());
    EXPECT_EQ(file.exit_code, 6) << file.output;
    EXPECT_NE(file.output.find("lint.server_version (set by lockwise.toml:2:"), std::string::npos) << file.output;
    EXPECT_NE(file.output.find("is PostgreSQL 13"), std::string::npos) << file.output;
    const auto env = testkit::run_lockwise({"lint"}, {{"LOCKWISE_LINT_SERVER_VERSION", "17"}}, dir.path());
    EXPECT_EQ(env.exit_code, 0) << env.output;

    // plan says which server it planned for.
    const auto plan = testkit::run_lockwise({"plan", "--server-version", "16"}, {}, dir.path());
    EXPECT_NE(plan.output.find("server: PostgreSQL 16 assumed: lint.server_version (set by flag --server-version)"), std::string::npos)
        << plan.output;
    dir.write("lockwise.toml", "");
    const auto default_plan = testkit::run_lockwise({"plan"}, {}, dir.path());
    EXPECT_NE(default_plan.output.find("server: PostgreSQL 13 assumed (the oldest supported"), std::string::npos) << default_plan.output;

    // A version lockwise does not support is a usage error naming where it was set.
    dir.write("lockwise.toml", "[lint]\nserver_version = \"12\"\n");
    const auto old = testkit::run_lockwise({"lint"}, {}, dir.path());
    EXPECT_EQ(old.exit_code, 2) << old.output;
    EXPECT_NE(old.output.find("lockwise.toml:2:"), std::string::npos) << old.output;
    EXPECT_NE(old.output.find("is not a PostgreSQL version lockwise supports"), std::string::npos) << old.output;
    const auto junk = testkit::run_lockwise({"lint", "--server-version", "fifteen"}, {}, dir.path());
    EXPECT_EQ(junk.exit_code, 2) << junk.output;
}
