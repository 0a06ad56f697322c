// lint's claims checked against a real PostgreSQL 15: which ALTER COLUMN TYPE casts rewrite
// the table (relfilenode changes), and the table-facts query feeding context_from_rows.
#include <gtest/gtest.h>

#include "lockwise/lint/lint.hpp"
#include "lockwise/lint/types.hpp"
#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {

struct CastCase {
    const char* from;     // SQL type of the column
    const char* to;       // SQL type after ALTER
    lint::KnownColumn from_known;
    lint::KnownColumn to_known;
};

} // namespace

TEST(LintServer, CastCostsMatchWhatPostgresDoes)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    connection.exec("SET TimeZone = 'Europe/Oslo'");
    const std::vector<CastCase> cases = {
        {"varchar(10)", "varchar(20)", {"varchar", {10}, false}, {"varchar", {20}, false}},
        {"varchar(10)", "text", {"varchar", {10}, false}, {"text", {}, false}},
        {"varchar(20)", "varchar(10)", {"varchar", {20}, false}, {"varchar", {10}, false}},
        {"text", "varchar", {"text", {}, false}, {"varchar", {}, false}},
        {"text", "varchar(5)", {"text", {}, false}, {"varchar", {5}, false}},
        {"numeric(10,2)", "numeric(12,2)", {"numeric", {10, 2}, false}, {"numeric", {12, 2}, false}},
        {"numeric(10,2)", "numeric", {"numeric", {10, 2}, false}, {"numeric", {}, false}},
        {"numeric(10,2)", "numeric(12,4)", {"numeric", {10, 2}, false}, {"numeric", {12, 4}, false}},
        {"cidr", "inet", {"cidr", {}, false}, {"inet", {}, false}},
        {"int4", "int8", {"int4", {}, false}, {"int8", {}, false}},
        {"bpchar(3)", "text", {"bpchar", {3}, false}, {"text", {}, false}},
        {"timestamp(0)", "timestamp(3)", {"timestamp", {0}, false}, {"timestamp", {3}, false}},
        {"json", "jsonb", {"json", {}, false}, {"jsonb", {}, false}},
        // Not UTC here: lint says "rewrite unless UTC", and PostgreSQL rewrites.
        {"timestamp", "timestamptz", {"timestamp", {}, false}, {"timestamptz", {}, false}},
    };
    int n = 0;
    for (const auto& c : cases) {
        const auto table = "cast_" + std::to_string(++n);
        connection.exec("CREATE TABLE " + table + " (v " + c.from + ")");
        connection.exec("INSERT INTO " + table + " VALUES (NULL)");
        const auto before = std::string(connection.exec("SELECT pg_relation_filenode('" + table + "')").get(0, 0));
        connection.exec("ALTER TABLE " + table + " ALTER COLUMN v TYPE " + c.to);
        const auto after = std::string(connection.exec("SELECT pg_relation_filenode('" + table + "')").get(0, 0));
        const bool rewrote = before != after;
        const auto cost = lint::cast_cost(c.from_known, c.to_known, false, 150000);
        EXPECT_EQ(cost != lint::CastCost::none, rewrote) << c.from << " -> " << c.to;
    }
    // With TimeZone UTC, timestamp -> timestamptz keeps the file on PostgreSQL 12+.
    connection.exec("SET TimeZone = 'UTC'");
    connection.exec("CREATE TABLE cast_utc (v timestamp)");
    const auto before = std::string(connection.exec("SELECT pg_relation_filenode('cast_utc')").get(0, 0));
    connection.exec("ALTER TABLE cast_utc ALTER COLUMN v TYPE timestamptz");
    EXPECT_EQ(before, std::string(connection.exec("SELECT pg_relation_filenode('cast_utc')").get(0, 0)));
}

TEST(LintServer, TableFactsQueryFeedsTheContext)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    connection.exec("CREATE SCHEMA app; CREATE TABLE app.big (id int); CREATE TABLE small (id int);"
                    "INSERT INTO app.big SELECT generate_series(1, 20000); INSERT INTO small VALUES (1);"
                    "ANALYZE app.big; ANALYZE small");
    const auto result = connection.exec(lint::k_table_facts_query);
    std::vector<std::vector<std::string>> rows;
    for (int r = 0; r < result.rows(); ++r) {
        rows.push_back({std::string(result.get(r, 0)), std::string(result.get(r, 1)), std::string(result.get(r, 2)),
                        std::string(result.get(r, 3))});
    }
    const auto context = lint::context_from_rows(rows, {"public"});
    ASSERT_TRUE(context.tables.contains("app.big"));
    EXPECT_EQ(context.tables.at("app.big").estimated_rows, 20000);
    EXPECT_GT(context.tables.at("app.big").total_bytes, 8192);
    EXPECT_EQ(context.tables.at("small").estimated_rows, 1);
    EXPECT_FALSE(context.tables.contains("big")) << "app is not on the search_path given";
    EXPECT_FALSE(context.tables.contains("pg_catalog.pg_class"));
}
