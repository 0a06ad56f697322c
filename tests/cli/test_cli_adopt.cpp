// Adopting lockwise on an existing project (issue 13): a history applied to an empty database
// is not refused for what it does to tables it created itself; a database another runner
// migrated is refused until baselined, with the exact command; after the baseline, lint and
// migrate check only what is pending, and a dangerous statement on a big table is still refused.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

// A golang-migrate project under db/migrations, run from the project's root directory.
struct Project {
    testkit::TempDir dir;
    std::string conninfo = testkit::fresh_database();

    void write(const std::string& name, const std::string& sql) const { dir.write("db/migrations/" + name, sql); }
    testkit::CliResult run(std::vector<std::string> args) const
    {
        args.insert(args.end(), {"-m", "db/migrations"});
        return testkit::run_lockwise(args, {{"DATABASE_URL", conninfo}, {"LOCKWISE_LOG_FORMAT", "plain"}}, dir.path());
    }
    pg::Connection connect() const { return pg::Connection::connect(conninfo, "test"); }

    // What years of golang-migrate produced: each step creates, then reshapes, its own tables.
    void write_history() const
    {
        write("000001_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50), email text);\n");
        write("000001_create_users.down.sql", "DROP TABLE users;\n");
        write("000002_reshape_users.up.sql",
              "CREATE INDEX users_email_idx ON users (email);\n"
              "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
              "ALTER TABLE users ALTER COLUMN full_name TYPE text;\n"
              "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n"
              "CREATE TYPE user_state AS ENUM ('active');\n");
        write("000002_reshape_users.down.sql", "DROP TYPE user_state; DROP INDEX users_email_idx;\n");
        write("000003_states.up.sql",
              "ALTER TYPE user_state ADD VALUE 'banned';\n"
              "ALTER TABLE users ADD COLUMN state user_state NOT NULL;\n"
              "DROP INDEX users_email_idx;\n");
        write("000003_states.down.sql", "ALTER TABLE users DROP COLUMN state;\n");
    }
};

} // namespace

TEST(CliAdopt, AHistoryAppliesToAnEmptyDatabaseWithoutRefusalsOnTablesItCreated)
{
    Project project;
    project.write_history();
    // Offline, lint knows nothing of what is deployed and keeps judging every table as existing.
    const auto offline = project.run({"lint", "--offline"});
    EXPECT_EQ(offline.exit_code, 6) << offline.output;
    EXPECT_TRUE(contains(offline.output, "error[index-not-concurrent]")) << offline.output;

    const auto migrated = project.run({"migrate"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
    EXPECT_EQ(project.connect().exec("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'").get(0, 0), "4");

    // A table that existed before the run is judged as before: the gate still refuses.
    project.connect().exec("INSERT INTO users (id, email, state) SELECT g, 'u' || g, 'active' FROM generate_series(1, 20000) g; ANALYZE users");
    project.write("000004_lookup.up.sql", "CREATE INDEX users_full_name_idx ON users (full_name);\n");
    project.write("000004_lookup.down.sql", "DROP INDEX users_full_name_idx;\n");
    const auto refused = project.run({"migrate"});
    EXPECT_EQ(refused.exit_code, 6) << refused.output;
    EXPECT_TRUE(contains(refused.output, "index-not-concurrent")) << refused.output;
}

TEST(CliAdopt, AnotherRunnersDatabaseIsRefusedUntilBaselinedThenOnlyPendingIsChecked)
{
    Project project;
    project.write_history();
    {
        // The database as golang-migrate left it: the schema of 1-3, its version table at 3, and a
        // million rows in users (narrow rows: about a second to insert).
        auto setup = project.connect();
        setup.exec("CREATE TABLE users (id bigint PRIMARY KEY, full_name text, email text UNIQUE);"
                   "CREATE TYPE user_state AS ENUM ('active', 'banned');"
                   "ALTER TABLE users ADD COLUMN state user_state NOT NULL DEFAULT 'active';"
                   "INSERT INTO users (id) SELECT g FROM generate_series(1, 1000000) g;"
                   "ANALYZE users;"
                   "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
                   "INSERT INTO schema_migrations VALUES (3, false);");
    }
    project.write("000004_lookup.up.sql", "CREATE INDEX users_full_name_idx ON users (full_name);\n");
    project.write("000004_lookup.down.sql", "DROP INDEX users_full_name_idx;\n");

    const auto unadopted = project.run({"migrate"});
    EXPECT_EQ(unadopted.exit_code, 2) << unadopted.output;
    EXPECT_TRUE(contains(unadopted.output, "lockwise baseline --from golang-migrate")) << unadopted.output;
    EXPECT_EQ(project.connect().exec("SELECT to_regclass('lockwise.schema_history') IS NULL").get(0, 0), "t");

    const auto baselined = project.run({"baseline", "--from", "golang-migrate"});
    ASSERT_EQ(baselined.exit_code, 0) << baselined.output;

    // Only 4 is pending: lint and the gate judge it alone, on a table of a million rows.
    const auto lint = project.run({"lint"});
    EXPECT_EQ(lint.exit_code, 6) << lint.output;
    EXPECT_TRUE(contains(lint.output, "db/migrations/000004_lookup.up.sql:1:1: error[index-not-concurrent]")) << lint.output;
    EXPECT_FALSE(contains(lint.output, "000002")) << lint.output;
    EXPECT_TRUE(contains(lint.output, "1 file(s) linted")) << lint.output;

    // Annotations name the file from the working directory, so GitHub attaches them to it.
    const auto github = project.run({"lint", "--output", "github"});
    EXPECT_TRUE(contains(github.output, "::error file=db/migrations/000004_lookup.up.sql,line=1")) << github.output;

    const auto refused = project.run({"migrate"});
    EXPECT_EQ(refused.exit_code, 6) << refused.output;
    EXPECT_TRUE(contains(refused.output, "index-not-concurrent")) << refused.output;
    EXPECT_EQ(project.connect().exec("SELECT to_regclass('users_full_name_idx') IS NULL").get(0, 0), "t");

    project.write("000004_lookup.up.sql", "CREATE INDEX CONCURRENTLY users_full_name_idx ON users (full_name);\n");
    const auto applied = project.run({"migrate"});
    EXPECT_EQ(applied.exit_code, 0) << applied.output;
    EXPECT_EQ(project.run({"lint"}).exit_code, 0);
}

TEST(CliAdopt, LintSettingsComeFromFileEnvAndFlagAndBadOnesFailWithFileLine)
{
    Project project;
    project.write_history();
    project.dir.write("lockwise.toml", "[lint]\nsince = \"000002\"\ndisable = [\"drop-index-not-concurrent\"]\n"
                                       "small_table_rows = 500\n[lint.severity]\nrename-column = \"warning\"\n");
    const auto shown = testkit::run_lockwise({"config", "--json"}, {}, project.dir.path());
    ASSERT_EQ(shown.exit_code, 0) << shown.output;
    const auto json = nlohmann::json::parse(shown.output);
    EXPECT_EQ(json["lint.since"]["value"], "000002");
    EXPECT_EQ(json["lint.since"]["source"], "lockwise.toml:2:9");
    EXPECT_EQ(json["lint.disable"]["value"], "drop-index-not-concurrent");
    EXPECT_EQ(json["lint.severity.rename-column"]["source"], "lockwise.toml:6:17");
    EXPECT_EQ(json["lint.small_table_rows"]["value"], "500");

    // Offline: 1 and 2 are history; 3's DROP INDEX is disabled, its ADD COLUMN NOT NULL is not.
    const auto since = project.run({"lint", "--offline"});
    EXPECT_EQ(since.exit_code, 6) << since.output;
    EXPECT_TRUE(contains(since.output, "1 file(s) linted")) << since.output;
    EXPECT_TRUE(contains(since.output, "error[add-column-not-null-no-default]")) << since.output;
    EXPECT_FALSE(contains(since.output, "drop-index-not-concurrent")) << since.output;

    // The flag beats the file: --since 1 checks 2 as well, with rename-column graded by the file.
    const auto flag = project.run({"lint", "--offline", "--since", "1"});
    EXPECT_TRUE(contains(flag.output, "2 file(s) linted")) << flag.output;
    EXPECT_TRUE(contains(flag.output, "warning[rename-column]")) << flag.output;

    // The environment beats the file too; an unknown rule id fails and lists the valid ones.
    const auto env = testkit::run_lockwise({"lint", "--offline", "-m", "db/migrations"},
                                           {{"LOCKWISE_LINT_DISABLE", "add-column-not-null-no-default,no-such-rule"}}, project.dir.path());
    EXPECT_EQ(env.exit_code, 2) << env.output;
    EXPECT_TRUE(contains(env.output, "unknown lint rule no-such-rule (valid: index-not-concurrent,")) << env.output;

    project.dir.write("lockwise.toml", "[lint]\ndisable = [\"index-not-concurent\"]\n[lint.severity]\ncascade = \"fatal\"\n");
    const auto bad = project.run({"lint", "--offline"});
    EXPECT_EQ(bad.exit_code, 2) << bad.output;
    EXPECT_TRUE(contains(bad.output, "lockwise.toml:2:11: error: lint.disable: unknown lint rule index-not-concurent")) << bad.output;
    EXPECT_TRUE(contains(bad.output, "lockwise.toml:4:11: error: lint.severity.cascade: \"fatal\" is not valid (valid: default, error, warning, info)"))
        << bad.output;
}
