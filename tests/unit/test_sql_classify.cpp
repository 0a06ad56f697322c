// The classifier against the data-driven cases in tests/data/classify/*.test
// (one parameterised test; the format is described in test_sql_cases.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "lockwise/sql/facts.hpp"
#include "lockwise/sql/statement.hpp"
#include "support/testing.hpp"
#include "unit/test_sql_cases.hpp"

using namespace lockwise;

namespace {

const std::vector<testdata::ClassifyCase>& all_cases()
{
    static const auto cases = testdata::read_cases(testkit::source_dir() / "tests/data/classify");
    return cases;
}

const sql::SchemaFacts& schema_facts()
{
    static const auto facts = [] {
        sql::SchemaFacts learned;
        std::ifstream input(testkit::source_dir() / "tests/data/classify/schema.sql");
        const std::string text((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
        sql::parse_script(text, 0, std::string_view::npos, learned);
        return learned;
    }();
    return facts;
}

std::set<std::string> true_flags(const sql::Statement& statement)
{
    std::set<std::string> flags;
    const std::pair<bool, const char*> all[] = {
        {statement.concurrently, "concurrently"},     {statement.transaction_control, "transaction-control"},
        {statement.if_exists, "if-exists"},           {statement.if_not_exists, "if-not-exists"},
        {statement.cascade, "cascade"},               {statement.is_trigger_change, "trigger-change"},
        {statement.has_where, "has-where"},           {statement.is_copy_from_stdin, "copy-from-stdin"},
    };
    for (const auto& [set, name] : all) {
        if (set) {
            flags.insert(name);
        }
    }
    return flags;
}

class ClassifyCaseTest : public testing::TestWithParam<testdata::ClassifyCase> {};

TEST_P(ClassifyCaseTest, MatchesExpectation)
{
    const auto& expected = GetParam();
    SCOPED_TRACE(expected.location + " " + expected.name + "\n" + expected.sql);
    // Offline: the dependencies are what the schema file declares (sql/facts.hpp).
    auto facts = schema_facts();
    // A case for some versions only ("13", "14-") is classified for the oldest of them: the
    // model follows the server version where PostgreSQL versions lock differently.
    if (const auto versions = expected.value("versions"); !versions.empty()) {
        facts.server_version_num = std::atoi(versions.c_str()) * 10000;
    }
    const auto script = sql::parse_script(expected.sql, 0, std::string_view::npos, facts);
    const auto flags = expected.words("flags");
    if (std::find(flags.begin(), flags.end(), "copy-from-stdin") != flags.end()) {
        ASSERT_EQ(script.errors.size(), 1U);
        EXPECT_EQ(script.errors[0].message, "COPY FROM STDIN data is not supported in migrations");
        EXPECT_FALSE(script.errors[0].hint.empty());
        EXPECT_TRUE(script.statements.empty());
        return;
    }
    ASSERT_TRUE(script.errors.empty()) << script.errors[0].message;
    ASSERT_EQ(script.statements.size(), 1U);
    const auto& statement = script.statements[0];

    ASSERT_TRUE(expected.has("kind") && expected.has("work") && expected.has("locks")) << "incomplete case";
    EXPECT_EQ(statement.kind, expected.value("kind"));
    EXPECT_EQ(sql::table_work_name(statement.work), expected.value("work"));
    EXPECT_EQ(statement.transactional, expected.value("transactional") != "no");

    std::map<std::string, testdata::ExpectedLock> actual_locks;
    for (const auto& lock : statement.locks) {
        actual_locks[lock.name] = {std::string(sql::lock_mode_name(lock.mode)), lock.created_by_statement};
    }
    for (const auto& [name, lock] : expected.locks) {
        ASSERT_TRUE(actual_locks.contains(name)) << "no lock predicted on " << name;
        EXPECT_EQ(actual_locks[name].mode, lock.mode) << name;
        EXPECT_EQ(actual_locks[name].created, lock.created) << name << " created_by_statement";
    }
    EXPECT_EQ(actual_locks.size(), expected.locks.size()) << "unexpected extra locks";

    const auto expected_flags = std::set<std::string>(flags.begin(), flags.end());
    EXPECT_EQ(true_flags(statement), expected_flags);

    if (expected.has("actions")) {
        std::vector<std::string> actions;
        for (const auto& action : statement.actions) {
            actions.push_back(action.subcommand);
            EXPECT_NE(action.lock, sql::LockMode::none) << action.subcommand;
        }
        EXPECT_EQ(actions, expected.words("actions", ','));
    }
    for (const auto& type : expected.words("types")) {
        EXPECT_NE(std::find(statement.used_types.begin(), statement.used_types.end(), type), statement.used_types.end())
            << "used_types lacks " << type;
    }
    if (expected.has("enum")) {
        EXPECT_EQ(statement.enum_type, expected.value("enum"));
    }
}

std::string case_name(const testing::TestParamInfo<testdata::ClassifyCase>& info)
{
    return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Cases, ClassifyCaseTest, testing::ValuesIn(all_cases()), case_name);

TEST(ClassifyCases, EnoughCasesAndUniqueNames)
{
    std::set<std::string> names;
    for (const auto& current : all_cases()) {
        EXPECT_TRUE(names.insert(current.name).second) << "duplicate case " << current.name;
        EXPECT_FALSE(current.sql.empty()) << current.name;
    }
    EXPECT_GE(all_cases().size(), 70U);
}

} // namespace
