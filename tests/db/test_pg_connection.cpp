// The libpq layer against a real server: error fields, deadlines that cancel,
// notices, async send/wait, cancel from another thread, quoting.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <thread>

#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/conninfo.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace std::chrono_literals;

TEST(PgConnection, ErrorCarriesEveryField)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    connection.exec("CREATE TABLE t (id int PRIMARY KEY)");
    try {
        connection.exec("SELECT nosuchcolumn FROM t");
        FAIL() << "expected an error";
    } catch (const pg::SqlError& error) {
        EXPECT_EQ(error.sqlstate(), "42703");
        EXPECT_NE(error.fields().message.find("nosuchcolumn"), std::string::npos);
        ASSERT_TRUE(error.fields().position.has_value());
        EXPECT_EQ(*error.fields().position, 8);
        EXPECT_EQ(error.fields().statement, "SELECT nosuchcolumn FROM t");
        EXPECT_FALSE(error.connection_lost());
    }
    connection.exec("INSERT INTO t VALUES (1)");
    try {
        connection.exec("INSERT INTO t VALUES (1)");
        FAIL();
    } catch (const pg::SqlError& error) {
        EXPECT_EQ(error.sqlstate(), "23505");
        EXPECT_EQ(error.fields().constraint, "t_pkey");
        EXPECT_EQ(error.fields().table, "t");
        EXPECT_FALSE(error.fields().detail.empty());
    }
    EXPECT_EQ(connection.exec("SELECT 2").get(0, 0), "2") << "connection usable after errors";
}

TEST(PgConnection, DeadlineCancelsAndConnectionStaysUsable)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    const auto started = pg::Clock::now();
    try {
        connection.exec("SELECT pg_sleep(30)", 200ms);
        FAIL();
    } catch (const pg::SqlError& error) {
        EXPECT_EQ(error.sqlstate(), pg::sqlstate::query_canceled);
        EXPECT_NE(error.fields().message.find("deadline"), std::string::npos);
    }
    EXPECT_LT(pg::Clock::now() - started, 5s);
    EXPECT_EQ(connection.exec("SELECT 3").get(0, 0), "3");
}

TEST(PgConnection, AsyncSendWaitAndCancelFromAnotherThread)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    connection.send("SELECT pg_sleep(30)");
    EXPECT_FALSE(connection.wait(50ms).has_value());
    auto handle = connection.cancel_handle();
    std::thread canceller([&] { handle.cancel(); });
    canceller.join();
    try {
        while (!connection.wait(100ms)) {
        }
        FAIL();
    } catch (const pg::SqlError& error) {
        EXPECT_EQ(error.sqlstate(), pg::sqlstate::query_canceled);
    }
    EXPECT_EQ(connection.exec("SELECT 4").get(0, 0), "4");
}

TEST(PgConnection, NoticesAreCaptured)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    connection.exec("DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$");
    const auto notices = connection.take_notices();
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_EQ(notices[0].message, "hello 42");
    EXPECT_EQ(notices[0].severity, "NOTICE");
    EXPECT_TRUE(connection.take_notices().empty());
}

TEST(PgConnection, ParamsAndQuotingRoundTrip)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    const std::string evil = "we\"ird'; DROP TABLE x; --";
    connection.exec("CREATE TABLE " + connection.quote_identifier(evil) + " (v text)");
    connection.exec_params("INSERT INTO " + pg::quote_identifier(evil) + " VALUES ($1)", {evil});
    const auto result = connection.exec("SELECT v FROM " + pg::quote_identifier(evil) + " WHERE v = " + pg::quote_literal(evil));
    ASSERT_EQ(result.rows(), 1);
    EXPECT_EQ(result.get(0, 0), evil);
}

TEST(PgConnection, ConnectFailureIsRedacted)
{
    const auto conninfo = fmt::format("host=127.0.0.1 port={} user=nobody_here password=s3cr3t-pw dbname=postgres",
                                      testkit::cluster().port());
    try {
        pg::Connection::connect(conninfo);
        FAIL();
    } catch (const pg::SqlError& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.find("s3cr3t-pw"), std::string::npos) << message;
        EXPECT_NE(message.find("password=***"), std::string::npos) << message;
        EXPECT_TRUE(error.connection_lost());
    }
}

TEST(Conninfo, RedactsKeyValueAndUris)
{
    const auto key_value = pg::redact_conninfo("host=db user=app password=hunter2 dbname=crm");
    EXPECT_EQ(key_value.find("hunter2"), std::string::npos) << key_value;
    EXPECT_NE(key_value.find("password=***"), std::string::npos) << key_value;
    EXPECT_NE(key_value.find("dbname=crm"), std::string::npos) << key_value;
    const auto uri = pg::redact_conninfo("postgresql://app:hunter2@db.example:5433/crm?sslmode=require");
    EXPECT_EQ(uri.find("hunter2"), std::string::npos) << uri;
    EXPECT_NE(uri.find("password=***"), std::string::npos) << uri;
    EXPECT_NE(uri.find("sslmode=require"), std::string::npos) << uri;
    EXPECT_EQ(pg::redact_conninfo("host='unterminated").find("unterminated"), std::string::npos);
    EXPECT_EQ(pg::scrub_secrets("failed for hunter2", "password=hunter2"), "failed for ***");
}

// libpq quotes the token it could not parse, which may be the password: lockwise says what is
// wrong in its own words, for validation and for a connection attempt alike.
TEST(Conninfo, ParseErrorsNeverQuoteTheValue)
{
    struct Case {
        std::string conninfo;
        std::string secret;
        std::string problem;
    };
    const std::vector<Case> cases = {
        {"postgresql://u:SEC%zzRET@h/db", "SEC%zzRET", "invalid percent-encoded token"},
        {"host=h password=abc TAIL", "TAIL", "a word without \"=\""},
        {"host=h password=a,b x=y", "a,b", "an unknown connection option"},
        {"host=h password='s3cr3t-open", "s3cr3t-open", "a quoted value is not terminated"},
        {"postgresql://u:p@h/db?password=x%00y", "x%00y", "a percent-encoded NUL"},
        {"postgresql://u:pw@[::1/db?sslmode=zz-secret", "zz-secret", "IPv6 host address without its closing"},
    };
    for (const auto& c : cases) {
        std::string problem;
        EXPECT_FALSE(pg::conninfo_is_valid(c.conninfo, problem)) << c.conninfo;
        EXPECT_NE(problem.find(c.problem), std::string::npos) << problem;
        EXPECT_NE(problem.find("the value is not shown"), std::string::npos) << problem;
        EXPECT_EQ(problem.find(c.secret), std::string::npos) << problem;
        try {
            pg::Connection::connect(c.conninfo);
            ADD_FAILURE() << "connected with " << c.conninfo;
        } catch (const pg::SqlError& error) {
            const std::string message = error.what();
            EXPECT_EQ(message.find(c.secret), std::string::npos) << message;
            EXPECT_NE(message.find("invalid connection string: "), std::string::npos) << message;
        }
    }
    // Hosts of a parsable string, for fleet.allowed_hosts.
    EXPECT_EQ(pg::conninfo_hosts("host=a,b hostaddr=10.0.0.1 dbname=x"), (std::vector<std::string>{"a", "b", "10.0.0.1"}));
    EXPECT_EQ(pg::conninfo_hosts("postgresql://u@db1.internal:5432,db2.internal/app"),
              (std::vector<std::string>{"db1.internal", "db2.internal"}));
    EXPECT_TRUE(pg::conninfo_hosts("dbname=x").empty());
}
