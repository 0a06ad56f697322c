// Timestamp, count and rate formatting, and secret scrubbing in free text.
#include <gtest/gtest.h>

#include "lockwise/report/format.hpp"
#include "lockwise/report/redact.hpp"

using namespace lockwise::report;
using namespace std::chrono_literals;

TEST(ReportFormat, TimestampsAreUtcWithMilliseconds)
{
    // 2026-11-28T14:03:22.123Z
    const std::chrono::system_clock::time_point time{std::chrono::milliseconds(1795874602123LL)};
    EXPECT_EQ(format_timestamp(time), "2026-11-28T14:03:22.123Z");
    EXPECT_EQ(format_time_of_day(time), "14:03:22");
}

TEST(ReportFormat, CountsAndRates)
{
    EXPECT_EQ(format_count(0), "0");
    EXPECT_EQ(format_count(999), "999");
    EXPECT_EQ(format_count(1000), "1,000");
    EXPECT_EQ(format_count(1234567), "1,234,567");
    EXPECT_EQ(format_count(-12345), "-12,345");
    EXPECT_EQ(format_si(950), "950");
    EXPECT_EQ(format_si(2.5), "2.5");
    EXPECT_EQ(format_si(3210), "3.2k");
    EXPECT_EQ(format_si(1500000), "1.5M");
    EXPECT_EQ(format_si(999999), "1.0M");
}

TEST(ReportRedact, ConninfoPasswords)
{
    EXPECT_EQ(scrub_text("host=db user=app password=hunter2 dbname=crm"), "host=db user=app password=*** dbname=crm");
    EXPECT_EQ(scrub_text("password = 'two words\\' here' port=5432"), "password = *** port=5432");
    EXPECT_EQ(scrub_text("PGPASSWORD=hunter2 lockwise migrate"), "PGPASSWORD=*** lockwise migrate");
    EXPECT_EQ(scrub_text("sslpassword=k3y"), "sslpassword=***");
    EXPECT_EQ(scrub_text("Password=Hunter2"), "Password=***");
}

TEST(ReportRedact, UriUserInfo)
{
    EXPECT_EQ(scrub_text("connecting to postgres://app:hunter2@db:5432/crm now"),
              "connecting to postgres://app:***@db:5432/crm now");
    EXPECT_EQ(scrub_text("postgresql://app:p%40ss@db/crm?sslmode=require"), "postgresql://app:***@db/crm?sslmode=require");
    EXPECT_EQ(scrub_text("postgres://app@db/crm"), "postgres://app@db/crm") << "no password: unchanged";
    EXPECT_EQ(scrub_text("see https://example.com/a:b"), "see https://example.com/a:b");
}

TEST(ReportRedact, SqlPasswordLiterals)
{
    EXPECT_EQ(scrub_text("CREATE ROLE app LOGIN PASSWORD 'it''s secret';"), "CREATE ROLE app LOGIN PASSWORD '***';");
    EXPECT_EQ(scrub_text("ALTER USER app WITH password 'x'"), "ALTER USER app WITH password '***'");
}

TEST(ReportRedact, EdgeCases)
{
    EXPECT_EQ(scrub_text("password="), "password=");
    EXPECT_EQ(scrub_text("password='unterminated"), "password=***");
    EXPECT_EQ(scrub_text("PASSWORD 'open"), "PASSWORD '***'");
    EXPECT_EQ(scrub_text("a password=x b password=y"), "a password=*** b password=***");
    EXPECT_EQ(scrub_text("the password is wrong"), "the password is wrong");
    EXPECT_EQ(scrub_text("postgres://a:b@h postgres://c:d@h"), "postgres://a:***@h postgres://c:***@h");
    EXPECT_EQ(scrub_text("postgres://a:b"), "postgres://a:b") << "host:port without user info";
    EXPECT_EQ(scrub_text("://:@"), "://:***@");
}

TEST(ReportRedact, PlainTextIsUntouched)
{
    const std::string text = "step 2/5 autocommit CREATE INDEX CONCURRENTLY idx_x ON leads (tenant_id)";
    EXPECT_EQ(scrub_text(text), text);
    EXPECT_EQ(scrub_text(""), "");
}

TEST(ReportRedact, LiteralRedactor)
{
    const auto redactor = literal_redactor({"hunter2", "", "s3cr3t"});
    EXPECT_EQ(redactor("a hunter2 b hunter2hunter2 s3cr3t"), "a *** b ****** ***");
    EXPECT_EQ(redactor("nothing"), "nothing");
}
