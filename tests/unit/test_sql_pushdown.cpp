// push_key_set_into_join and parse_condition without a server: what is provably narrowed to
// a batch's keys (through the parse tree), what is refused and why.
#include <gtest/gtest.h>

#include "lockwise/sql/condition.hpp"
#include "lockwise/sql/pushdown.hpp"
#include "lockwise/sql/statement.hpp"

using namespace lockwise::sql;

namespace {

constexpr std::string_view k_keys = "SELECT k FROM batch_keys";

std::string update_from(std::string_view subquery, std::string_view join = "l.id = fc.lead_id")
{
    return "UPDATE leads l SET last_call_direction = fc.direction FROM (" + std::string(subquery) + ") fc WHERE " +
           std::string(join) + " AND l.last_call_direction IS NULL";
}

} // namespace

TEST(SqlPushdown, SeedGuideDistinctOnIsNarrowedInItsOwnWhere)
{
    const auto pushed = push_key_set_into_join(
        update_from("SELECT DISTINCT ON (lead_id) lead_id, direction FROM call_log WHERE lead_id IS NOT NULL "
                    "ORDER BY lead_id, created_at"),
        k_keys);
    ASSERT_TRUE(pushed.has_value());
    EXPECT_EQ(pushed->problem, "");
    EXPECT_EQ(pushed->target_column, "id");
    EXPECT_EQ(pushed->head_text,
              "UPDATE leads l SET last_call_direction = fc.direction FROM (SELECT DISTINCT ON (lead_id) lead_id, direction "
              "FROM call_log WHERE lead_id IS NOT NULL AND lead_id = ANY(ARRAY(SELECT k FROM batch_keys)) "
              "ORDER BY lead_id, created_at) fc");
    EXPECT_EQ(pushed->where_text, "l.id = fc.lead_id AND l.last_call_direction IS NULL");
    // The edited statement is one valid UPDATE.
    const auto reparsed = parse_script(pushed->head_text + " WHERE " + pushed->where_text);
    EXPECT_TRUE(reparsed.errors.empty());
    ASSERT_EQ(reparsed.statements.size(), 1U);
}

TEST(SqlPushdown, ProvableFormsAreNarrowed)
{
    for (const auto& [subquery, join] : std::vector<std::pair<std::string, std::string>>{
             {"SELECT c.lead_id, max(c.direction) AS direction FROM call_log c GROUP BY c.lead_id", "fc.lead_id = l.id"},
             {"SELECT DISTINCT lead_id, direction FROM call_log", "l.id = fc.lead_id"},
             {"SELECT lead_id AS lid, direction, row_number() OVER (PARTITION BY lead_id ORDER BY created_at) AS n FROM call_log",
              "l.id = fc.lid AND fc.n = 1"},
             {"SELECT lead_id, direction FROM call_log", "l.id = fc.lead_id"},
             // fc.lead_id is the tenant here: narrowing tenant_id to the keys is exactly right.
             {"SELECT tenant_id AS lead_id, max(direction) AS direction FROM call_log GROUP BY tenant_id", "l.id = fc.lead_id"}}) {
        const auto pushed = push_key_set_into_join(update_from(subquery, join), k_keys);
        ASSERT_TRUE(pushed.has_value()) << subquery;
        EXPECT_EQ(pushed->problem, "") << subquery;
        EXPECT_NE(pushed->head_text.find("= ANY(ARRAY(SELECT k FROM batch_keys))"), std::string::npos) << pushed->head_text;
    }
}

TEST(SqlPushdown, UnprovableFormsSayWhy)
{
    for (const auto& [subquery, why] : std::vector<std::pair<std::string, std::string>>{
             {"SELECT DISTINCT ON (lead_id) lead_id, direction FROM call_log ORDER BY lead_id LIMIT 10", "LIMIT"},
             {"SELECT DISTINCT ON (direction) lead_id, direction FROM call_log", "DISTINCT ON"},
             {"SELECT lead_id + 0 AS lead_id, max(direction) AS direction FROM call_log GROUP BY 1", "plain column"},
             {"SELECT lead_id, max(direction) AS direction FROM call_log GROUP BY direction, tenant_id, lead_id % 2",
              "GROUP BY"},
             {"SELECT lead_id, direction, rank() OVER (ORDER BY created_at) AS r FROM call_log", "PARTITION BY"},
             {"SELECT lead_id, direction FROM call_log UNION SELECT lead_id, direction FROM call_log", "UNION"}}) {
        const auto pushed = push_key_set_into_join(update_from(subquery), k_keys);
        ASSERT_TRUE(pushed.has_value()) << subquery;
        EXPECT_NE(pushed->problem.find(why), std::string::npos) << subquery << ": " << pushed->problem;
        EXPECT_TRUE(pushed->head_text.empty());
    }
}

TEST(SqlPushdown, NothingToPushWithoutAJoinedSubquery)
{
    EXPECT_FALSE(push_key_set_into_join("UPDATE leads l SET a = c.d FROM call_log c WHERE c.lead_id = l.id", k_keys));
    EXPECT_FALSE(push_key_set_into_join("UPDATE leads l SET a = 1 WHERE l.id > 3", k_keys));
    EXPECT_FALSE(push_key_set_into_join(update_from("SELECT lead_id, direction FROM call_log", "l.id > fc.lead_id"), k_keys));
}

TEST(SqlCondition, OneExpressionPrintedFromItsTree)
{
    EXPECT_EQ(parse_condition("NOT done").text, "NOT done");
    EXPECT_EQ(parse_condition("a   IS NULL /* x */ OR b").text, "a IS NULL OR b");
    for (const auto* bad : {"done) OR (true", "true) OR (true", "true GROUP BY 1", "true; SELECT 1", "", "true LIMIT 1"}) {
        const auto condition = parse_condition(bad);
        EXPECT_FALSE(condition.problem.empty()) << bad;
        EXPECT_TRUE(condition.text.empty()) << bad;
    }
}
