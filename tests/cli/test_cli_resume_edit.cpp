// The rerun after a failure takes what the failure's hint says works (docs/history.md): an edit
// of the failed step or later ones is run; an edit of a committed step is refused, naming it.
// And a folder that lacks applied migrations fails, unless --ignore-missing says it is meant.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Project {
    testkit::TempDir dir;
    std::string conninfo = testkit::fresh_database();

    void write(const std::string& name, const std::string& sql) const { dir.write("migrations/" + name, sql); }
    void remove(const std::string& name) const { std::filesystem::remove(dir.path() / "migrations" / name); }
    testkit::CliResult run(const std::vector<std::string>& args) const
    {
        return testkit::run_lockwise(args, {{"DATABASE_URL", conninfo},
                                            {"LOCKWISE_MIGRATIONS", (dir.path() / "migrations").string()},
                                            {"LOCKWISE_LOG_FORMAT", "plain"}});
    }
    std::string value(const std::string& sql) const
    {
        auto connection = pg::Connection::connect(conninfo, "test");
        return std::string(connection.exec(sql).get(0, 0));
    }
};

// Three steps: a group, a concurrent index (its own step), and a misspelled column in the third.
const char* const k_failing =
    "CREATE TABLE a (id int, name text);\n\n"
    "CREATE INDEX CONCURRENTLY a_id_idx ON a (id);\n\n"
    "ALTER TABLE a ADD COLUMN name_upper text GENERATED ALWAYS AS (upper(nmae)) STORED;\n";

TEST(ResumeEdit, FixingTheFailedStepResumesWithTheNewText)
{
    Project project;
    project.write("V1__a.sql", k_failing);
    const auto failed = project.run({"migrate"});
    ASSERT_EQ(failed.exit_code, 1) << failed.output;
    EXPECT_TRUE(contains(failed.output, "nmae")) << failed.output;
    EXPECT_TRUE(contains(failed.output, "it resumes here with the edited text")) << failed.output;
    EXPECT_EQ(project.value("SELECT steps_done FROM lockwise.schema_history"), "2");

    std::string fixed = k_failing;
    fixed.replace(fixed.find("nmae"), 4, "name");
    project.write("V1__a.sql", fixed);
    const auto rerun = project.run({"migrate"});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_TRUE(contains(rerun.output, "only steps after its committed 2 changed")) << rerun.output;
    EXPECT_TRUE(contains(rerun.output, "resuming 1 a at step 3/3")) << rerun.output;
    EXPECT_EQ(project.value("SELECT status FROM lockwise.schema_history"), "succeeded");
    EXPECT_EQ(project.value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'a'::regclass AND attname = 'name_upper'"), "1");
    // The new text's checksum is recorded: no drift afterwards.
    const auto status = project.run({"status"});
    EXPECT_EQ(status.exit_code, 0) << status.output;
    const auto again = project.run({"migrate"});
    EXPECT_EQ(again.exit_code, 0) << again.output;
}

TEST(ResumeEdit, EditingACommittedStepIsRefusedNamingIt)
{
    Project project;
    project.write("V1__a.sql", k_failing);
    ASSERT_EQ(project.run({"migrate"}).exit_code, 1);

    std::string edited = k_failing;
    edited.replace(edited.find("id int"), 6, "id bigint");
    edited.replace(edited.find("nmae"), 4, "name");
    project.write("V1__a.sql", edited);
    const auto refused = project.run({"migrate"});
    EXPECT_EQ(refused.exit_code, 5) << refused.output;
    EXPECT_TRUE(contains(refused.output, "step 1/3 (migrations/V1__a.sql:1:1) committed already, and its text changed since")) << refused.output;
    EXPECT_TRUE(contains(refused.output, "Restore those steps as they ran")) << refused.output;
    EXPECT_TRUE(contains(refused.output, "resumes at step 3")) << refused.output;
    EXPECT_EQ(project.value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'a'::regclass AND attname = 'name_upper'"), "0")
        << "nothing may run";
    EXPECT_EQ(project.value("SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'a'::regclass AND attname = 'id'"),
              "integer");

    // What the hint says works: restore step 1 and the rerun resumes.
    std::string restored = k_failing;
    restored.replace(restored.find("nmae"), 4, "name");
    project.write("V1__a.sql", restored);
    const auto rerun = project.run({"migrate"});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
    EXPECT_EQ(project.value("SELECT status FROM lockwise.schema_history"), "succeeded");
}

TEST(MissingFiles, AFolderWithoutAppliedMigrationsFailsUnlessAccepted)
{
    Project project;
    project.write("V1__a.sql", "CREATE TABLE a (id int);\n");
    project.write("V2__b.sql", "CREATE TABLE b (id int);\n");
    ASSERT_EQ(project.run({"migrate"}).exit_code, 0);

    // The wrong folder: V2 is not there, a V3 is.
    project.remove("V2__b.sql");
    project.write("V3__c.sql", "CREATE TABLE c (id int);\n");
    const auto wrong = project.run({"migrate"});
    EXPECT_EQ(wrong.exit_code, 2) << wrong.output;
    EXPECT_TRUE(contains(wrong.output, "applied migrations are missing from the migrations folder")) << wrong.output;
    EXPECT_TRUE(contains(wrong.output, "2 (migrations/V2__b.sql): applied, but its file is gone")) << wrong.output;
    EXPECT_TRUE(contains(wrong.output, "--ignore-missing")) << wrong.output;
    EXPECT_EQ(project.value("SELECT to_regclass('c') IS NULL"), "t") << "nothing may run";

    // An empty folder fails the same way, naming both.
    project.remove("V1__a.sql");
    project.remove("V3__c.sql");
    const auto empty = project.run({"migrate"});
    EXPECT_NE(empty.exit_code, 0) << empty.output;
    EXPECT_TRUE(contains(empty.output, "1 (migrations/V1__a.sql)")) << empty.output;

    // Accepted knowingly: a warning per missing version, and the pending one runs.
    project.write("V3__c.sql", "CREATE TABLE c (id int);\n");
    const auto accepted = project.run({"migrate", "--ignore-missing"});
    ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
    EXPECT_TRUE(contains(accepted.output, "its file is gone (--ignore-missing)")) << accepted.output;
    EXPECT_EQ(project.value("SELECT to_regclass('c') IS NOT NULL"), "t");
}

} // namespace
