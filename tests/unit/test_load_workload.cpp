// Workload scripts: transactions, weights, \setup/\set/\sleep, :name -> $n binding
// (never pasted), SQL lexing (quotes, casts, comments, dollar quotes) and every error
// reported with file:line:col and a hint. Also parses the shipped examples/workload.sql.
#include <gtest/gtest.h>

#include "lockwise/core/error.hpp"
#include "lockwise/load/workload.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using load::Distribution;
using load::Step;

namespace {

load::Workload parse_ok(std::string_view text)
{
    auto parsed = load::parse_workload(text, "w.sql");
    std::string errors;
    for (const auto& error : parsed.errors) {
        errors += error.rendered;
    }
    EXPECT_TRUE(parsed.errors.empty()) << errors;
    return std::move(parsed.workload);
}

std::vector<load::WorkloadError> parse_errors(std::string_view text)
{
    return load::parse_workload(text, "w.sql").errors;
}

} // namespace

TEST(LoadWorkload, ParsesTransactionsVariablesAndBindsParameters)
{
    const auto workload = parse_ok(R"(-- a comment
\setup max_lead_id SELECT max(id) FROM leads;
\setup tenants SELECT count(*) FROM businesses

-- transaction new_call weight=5
\set lead random(1, :max_lead_id)
INSERT INTO call_log (tenant_id, lead_id, direction)
SELECT tenant_id, id, CASE WHEN random() < 0.5 THEN 'inbound' ELSE 'outbound' END
FROM leads WHERE id = :lead;   -- trailing comment
UPDATE leads SET updated_at = now() WHERE id = :lead AND tenant_id <= :tenants;

-- transaction pick
\set t random_zipf(1, :tenants, 1.1)
\set n 42
\set e random_exponential(1, 100, 2.5)
\sleep 20 ms
SELECT :t::bigint, ':lead', ":t", $$ :e $$, /* :n */ :n, :e, :t;
)");
    ASSERT_EQ(workload.transactions.size(), 2U);
    EXPECT_EQ(workload.setup.size(), 2U);
    EXPECT_EQ(workload.setup[0].sql, "SELECT max(id) FROM leads");
    EXPECT_EQ(workload.setup[0].line, 2);
    const auto& new_call = workload.transactions[0];
    EXPECT_EQ(new_call.name, "new_call");
    EXPECT_EQ(new_call.weight, 5);
    ASSERT_EQ(new_call.steps.size(), 3U);
    EXPECT_EQ(new_call.steps[0].kind, Step::Kind::set);
    EXPECT_EQ(new_call.steps[0].distribution, Distribution::uniform);
    EXPECT_EQ(new_call.steps[0].operands[0].literal, 1);
    EXPECT_EQ(new_call.steps[0].operands[1].variable, workload.variable_index("max_lead_id"));
    EXPECT_EQ(new_call.steps[1].sql, "INSERT INTO call_log (tenant_id, lead_id, direction)\n"
                                     "SELECT tenant_id, id, CASE WHEN random() < 0.5 THEN 'inbound' ELSE 'outbound' END\n"
                                     "FROM leads WHERE id = $1");
    EXPECT_EQ(new_call.steps[1].line, 7);
    EXPECT_EQ(new_call.steps[1].parameters, std::vector<int>{workload.variable_index("lead")});
    EXPECT_EQ(new_call.steps[2].sql, "UPDATE leads SET updated_at = now() WHERE id = $1 AND tenant_id <= $2");
    const auto& pick = workload.transactions[1];
    EXPECT_EQ(pick.weight, 1);
    ASSERT_EQ(pick.steps.size(), 5U);
    EXPECT_EQ(pick.steps[0].distribution, Distribution::zipf);
    EXPECT_DOUBLE_EQ(pick.steps[0].operands[2].literal, 1.1);
    EXPECT_EQ(pick.steps[1].distribution, Distribution::constant);
    EXPECT_EQ(pick.steps[2].distribution, Distribution::exponential);
    EXPECT_EQ(pick.steps[3].kind, Step::Kind::sleep);
    EXPECT_EQ(pick.steps[3].sleep_us, 20000);
    // Quoted text, dollar quotes and comments are left alone; casts are not variables; a
    // variable used twice is one parameter.
    EXPECT_EQ(pick.steps[4].sql, "SELECT $1::bigint, ':lead', \":t\", $$ :e $$, /* :n */ $2, $3, $1");
    EXPECT_EQ(pick.steps[4].parameters.size(), 3U);
}

TEST(LoadWorkload, ErrorsCarryPositionAndHintAndAreAllReported)
{
    const auto errors = parse_errors("SELECT 1;\n"                       // 1: outside a transaction
                                     "-- transaction a weight=0\n"        // 2: bad weight
                                     "\\set x random(1, :nope)\n"         // 3: undefined variable
                                     "SELECT :y;\n"                       // 4: undefined variable
                                     "\\frobnicate\n"                     // 5: unknown meta command
                                     "\\set z random(1)\n"                // 6: arity
                                     "SELECT $1;\n"                       // 7: hand-written $n
                                     "-- transaction a\n"                 // 8: duplicate name
                                     "SELECT 1; SELECT 2;\n"              // 9: two statements on a line
                                     "\\set w gaussian(1, 2)\n"           // 10: unknown function
                                     "\\setup late SELECT 1\n"            // 11: setup inside a transaction
                                     "SELECT 'unterminated\n");           // 12: no ';'
    ASSERT_EQ(errors.size(), 12U);
    const std::vector<std::pair<int, int>> positions = {{1, 1}, {2, 25}, {3, 18}, {4, 8},  {5, 1},  {6, 15},
                                                        {7, 8}, {8, 16}, {9, 11}, {10, 8}, {11, 1}, {12, 1}};
    for (std::size_t i = 0; i < errors.size(); ++i) {
        EXPECT_EQ(errors[i].line, positions[i].first) << i << ": " << errors[i].rendered;
        EXPECT_EQ(errors[i].column, positions[i].second) << i << ": " << errors[i].rendered;
    }
    EXPECT_EQ(errors[2].message, "variable \"nope\" is not defined here");
    EXPECT_NE(errors[2].hint.find("\\setup nope"), std::string::npos);
    EXPECT_EQ(errors[2].rendered.rfind("w.sql:3:18: error: variable \"nope\" is not defined here\n", 0), 0U)
        << errors[2].rendered;
    EXPECT_NE(errors[2].rendered.find("  hint: "), std::string::npos);
    for (const auto& error : errors) {
        EXPECT_FALSE(error.message.empty());
        EXPECT_TRUE(std::islower(static_cast<unsigned char>(error.message[0])) || error.message[0] == '\\' ||
                    error.message[0] == '\'')
            << error.message;
    }
}

TEST(LoadWorkload, SleepPastTheMaximumIsAnErrorNotAWrappedNumber)
{
    const auto errors = parse_errors("-- transaction a\n\\sleep 99999999999999 s\nSELECT 1;\n");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].line, 2);
    EXPECT_NE(errors[0].message.find("too large: the largest is 2147483647ms"), std::string::npos) << errors[0].message;
}

TEST(LoadWorkload, VariablesAreScopedToTheirTransaction)
{
    const auto errors = parse_errors("-- transaction a\n\\set x random(1, 10)\nSELECT :x;\n"
                                     "-- transaction b\nSELECT :x;\n");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].line, 5);
    const auto empty = parse_errors("-- transaction a\n\\set x random(1, 10)\n-- transaction b\nSELECT 1;\n");
    ASSERT_EQ(empty.size(), 1U);
    EXPECT_EQ(empty[0].message, "transaction \"a\" has no SQL statements");
    EXPECT_EQ(parse_errors("-- just a comment\n").at(0).message, "workload has no transactions");
}

TEST(LoadWorkload, ThrowingEntryPointsListEveryError)
{
    try {
        load::workload_from_text("-- transaction a weight=x\nSELECT :q;\n", "bad.sql");
        FAIL();
    } catch (const core::Error& error) {
        EXPECT_EQ(error.code(), core::ExitCode::usage);
        const std::string message = error.what();
        EXPECT_NE(message.find("bad.sql:1:"), std::string::npos) << message;
        EXPECT_NE(message.find("bad.sql:2:8"), std::string::npos) << message;
    }
    EXPECT_THROW(load::load_workload("/nonexistent/workload.sql"), core::Error);
}

TEST(LoadWorkload, ShippedExampleParses)
{
    const auto workload = load::load_workload(testkit::source_dir() / "examples" / "workload.sql");
    std::vector<std::string> names;
    for (const auto& transaction : workload.transactions) {
        names.push_back(transaction.name);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"new_call", "touch_lead", "read_lead", "new_lead"}));
    for (const auto& transaction : workload.transactions) {
        for (const auto& step : transaction.steps) {
            EXPECT_EQ(step.sql.find(':' + std::string("lead")), std::string::npos) << step.sql;
        }
    }
}
