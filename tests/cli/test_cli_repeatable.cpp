// Flyway's repeatable migrations (issue 13 item 5): R__<description>.sql runs after every
// versioned migration, in description order, again whenever its checksum changes and not
// otherwise; status and plan show it; baseline --from flyway takes over Flyway's rows for it.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

// A Flyway-layout project under db/migrations, run from the project's root directory.
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
    std::string query(const std::string& sql) const { return std::string(connect().exec(sql).get(0, 0)); }
    // The status rows as "version state" strings, in the order status prints them.
    std::vector<std::string> states() const
    {
        const auto result = run({"status", "--json"});
        EXPECT_EQ(result.exit_code, 0) << result.output;
        const auto json = nlohmann::json::parse(result.output.substr(result.output.find('[')));
        std::vector<std::string> out;
        for (const auto& row : json) {
            out.push_back(row["version"].get<std::string>() + " " + row["state"].get<std::string>());
        }
        return out;
    }
};

using Strings = std::vector<std::string>;

} // namespace

TEST(CliRepeatable, RunsAfterTheVersionedOnesAndAgainOnlyWhenChanged)
{
    Project project;
    project.write("V1__items.sql", "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);\n");
    project.write("V2__prices.sql", "ALTER TABLE items ADD COLUMN price_cents bigint;\n");
    const auto versioned_only = project.run({"migrate"});
    ASSERT_EQ(versioned_only.exit_code, 0) << versioned_only.output;
    EXPECT_EQ(project.query("SELECT value FROM lockwise.schema_history_meta WHERE key = 'format_version'"), "1")
        << "a history without repeatable rows stays readable by a lockwise that has none";

    // Views depend on V2's column; the functions file sorts first by description.
    project.write("R__views.sql", "CREATE OR REPLACE VIEW priced_items AS SELECT id, name, price_cents FROM items;\n");
    project.write("R__functions.sql",
                  "CREATE OR REPLACE FUNCTION item_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM items $$;\n");
    project.write("V3__stock.sql", "ALTER TABLE items ADD COLUMN stock integer NOT NULL DEFAULT 0;\n");
    EXPECT_EQ(project.states(), (Strings{"1 applied", "2 applied", "3 pending", "R__functions pending", "R__views pending"}));
    const auto plan = project.run({"plan"});
    ASSERT_EQ(plan.exit_code, 0) << plan.output;
    EXPECT_TRUE(contains(plan.output, "R__views")) << plan.output;
    EXPECT_LT(plan.output.find("V3__stock.sql"), plan.output.find("R__functions.sql")) << plan.output;

    const auto first = project.run({"migrate"});
    ASSERT_EQ(first.exit_code, 0) << first.output;
    EXPECT_TRUE(contains(first.output, "3 migration(s) applied")) << first.output;
    const auto v3 = first.output.find("applying 3 ");
    const auto functions = first.output.find("applying R__functions");
    const auto views = first.output.find("applying R__views");
    ASSERT_NE(v3, std::string::npos) << first.output;
    EXPECT_LT(v3, functions) << first.output;
    EXPECT_LT(functions, views) << first.output;
    EXPECT_EQ(project.query("SELECT count(*) FROM priced_items"), "0");
    EXPECT_EQ(project.query("SELECT value FROM lockwise.schema_history_meta WHERE key = 'format_version'"), "2");
    EXPECT_EQ(project.states(), (Strings{"1 applied", "2 applied", "3 applied", "R__functions applied", "R__views applied"}));

    const auto second = project.run({"migrate"});
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_TRUE(contains(second.output, "0 migration(s) applied")) << second.output;
    EXPECT_FALSE(contains(second.output, "applying")) << second.output;

    // Edited: only it runs again, and status and plan say so before.
    project.write("R__views.sql", "CREATE OR REPLACE VIEW priced_items AS SELECT id, name, price_cents, stock FROM items;\n");
    EXPECT_EQ(project.states(), (Strings{"1 applied", "2 applied", "3 applied", "R__functions applied", "R__views changed"}));
    const auto plan_changed = project.run({"plan"});
    ASSERT_EQ(plan_changed.exit_code, 0) << plan_changed.output;
    EXPECT_TRUE(contains(plan_changed.output, "R__views.sql")) << plan_changed.output;
    EXPECT_FALSE(contains(plan_changed.output, "R__functions.sql")) << plan_changed.output;
    const auto rerun = project.run({"migrate"});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_TRUE(contains(rerun.output, "1 migration(s) applied")) << rerun.output;
    EXPECT_TRUE(contains(rerun.output, "applying R__views")) << rerun.output;
    EXPECT_FALSE(contains(rerun.output, "applying R__functions")) << rerun.output;
    EXPECT_EQ(project.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'priced_items'"), "4");
    EXPECT_EQ(project.states(), (Strings{"1 applied", "2 applied", "3 applied", "R__functions applied", "R__views applied"}));
    EXPECT_EQ(project.query("SELECT count(*) FROM lockwise.schema_history WHERE version LIKE 'R%'"), "2")
        << "one row per repeatable migration, keyed by its description";

    // Linted like the others.
    project.write("R__views.sql", "CREATE OR REPLACE VIEW priced_items AS SELECT id, name, price_cents, stock FROM items;\n"
                                  "CREATE INDEX items_name_idx ON items (name);\n");
    const auto lint = project.run({"lint", "--offline"});
    EXPECT_TRUE(contains(lint.output, "db/migrations/R__views.sql:2:1")) << lint.output;
    EXPECT_TRUE(contains(lint.output, "index-not-concurrent")) << lint.output;
}

TEST(CliRepeatable, AFolderOfOnlyRepeatableMigrations)
{
    Project project;
    project.connect().exec("CREATE TABLE accounts (id bigint PRIMARY KEY, email text)");
    project.write("R__account_emails.sql", "CREATE OR REPLACE VIEW account_emails AS SELECT id, email FROM accounts;\n");
    const auto first = project.run({"migrate"});
    ASSERT_EQ(first.exit_code, 0) << first.output;
    EXPECT_TRUE(contains(first.output, "1 migration(s) applied")) << first.output;
    const auto second = project.run({"migrate"});
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_TRUE(contains(second.output, "0 migration(s) applied")) << second.output;
    EXPECT_EQ(project.states(), (Strings{"R__account_emails applied"}));
}

TEST(CliRepeatable, BaselineFromFlywayTakesOverItsRepeatableRows)
{
    Project project;
    project.write("V1__items.sql", "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);\n");
    project.write("R__views.sql", "CREATE OR REPLACE VIEW item_names AS SELECT name FROM items;\n");
    // What Flyway left: its schema, and its history (createMetaDataTable.sql) with the repeatable
    // row keyed by description, version NULL and Flyway's own CRC32 checksum.
    project.connect().exec(R"(CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);
CREATE VIEW item_names AS SELECT name FROM items;
CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL,
    CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank"));
INSERT INTO flyway_schema_history VALUES
 (1, '1', 'items', 'SQL', 'V1__items.sql', 1942, 'app', now(), 5, true),
 (2, NULL, 'views', 'SQL', 'R__views.sql', -7731, 'app', now(), 3, true))");
    const auto refused = project.run({"migrate"});
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
    const auto baseline = project.run({"baseline", "--from", "flyway"});
    ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
    EXPECT_TRUE(contains(baseline.output, "recorded R__views as baselined")) << baseline.output;
    EXPECT_EQ(project.states(), (Strings{"1 baselined", "R__views baselined"}));
    const auto nothing = project.run({"migrate"});
    ASSERT_EQ(nothing.exit_code, 0) << nothing.output;
    EXPECT_TRUE(contains(nothing.output, "0 migration(s) applied")) << nothing.output;

    project.write("R__views.sql", "CREATE OR REPLACE VIEW item_names AS SELECT name, id FROM items;\n");
    EXPECT_EQ(project.states(), (Strings{"1 baselined", "R__views changed"}));
    const auto rerun = project.run({"migrate"});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_TRUE(contains(rerun.output, "1 migration(s) applied")) << rerun.output;
    EXPECT_EQ(project.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'item_names'"), "2");
}

TEST(CliRepeatable, AFailedRepeatableMigrationRunsWholeAgainOnceFixed)
{
    Project project;
    project.write("V1__items.sql", "CREATE TABLE items (id bigint PRIMARY KEY);\n");
    project.write("R__checks.sql", "CREATE OR REPLACE VIEW item_ids AS SELECT id FROM items;\nSELECT 1 / 0;\n");
    const auto failed = project.run({"migrate"});
    EXPECT_NE(failed.exit_code, 0) << failed.output;
    EXPECT_EQ(project.states(), (Strings{"1 applied", "R__checks failed"}));
    project.write("R__checks.sql", "CREATE OR REPLACE VIEW item_ids AS SELECT id FROM items;\nSELECT 1;\n");
    const auto fixed = project.run({"migrate"});
    ASSERT_EQ(fixed.exit_code, 0) << fixed.output;
    EXPECT_TRUE(contains(fixed.output, "1 migration(s) applied, 1 already up to date")) << fixed.output;
    EXPECT_EQ(project.states(), (Strings{"1 applied", "R__checks applied"}));
    EXPECT_EQ(project.query("SELECT count(*) FROM item_ids"), "0");
}
