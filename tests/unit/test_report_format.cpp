// Timestamp, count and rate formatting, secret scrubbing in free text, and the output filter.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lockwise/core/secrets.hpp"
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

TEST(ReportRedact, ScrubsEveryQuotingOfPassword)
{
    // A password value runs to white space: commas, semicolons and quotes belong to it.
    EXPECT_EQ(scrub_text("host=h password=a,b dbname=x"), "host=h password=*** dbname=x");
    EXPECT_EQ(scrub_text("password=a;b&c\"d"), "password=***");
    // Inside a URI's query the next parameter ends it.
    EXPECT_EQ(scrub_text("postgresql://h/db?password=a,b&sslmode=require"), "postgresql://h/db?password=***&sslmode=require");
    EXPECT_EQ(scrub_text("ALTER ROLE app PASSWORD E'it\\'s x';"), "ALTER ROLE app PASSWORD '***';");
    EXPECT_EQ(scrub_text("ALTER ROLE app PASSWORD e'x' VALID UNTIL 'infinity'"), "ALTER ROLE app PASSWORD '***' VALID UNTIL 'infinity'");
    EXPECT_EQ(scrub_text("ALTER ROLE app PASSWORD U&'d\\0061t' LOGIN"), "ALTER ROLE app PASSWORD '***' LOGIN");
    EXPECT_EQ(scrub_text("CREATE ROLE app PASSWORD $$x y$$ LOGIN"), "CREATE ROLE app PASSWORD '***' LOGIN");
    EXPECT_EQ(scrub_text("CREATE ROLE app PASSWORD $pw$a$$b$pw$;"), "CREATE ROLE app PASSWORD '***';");
    EXPECT_EQ(scrub_text("CREATE ROLE app PASSWORD'x';"), "CREATE ROLE app PASSWORD'***';");
    EXPECT_EQ(scrub_text("CREATE ROLE app PASSWORD $$unterminated"), "CREATE ROLE app PASSWORD '***'");
    EXPECT_EQ(scrub_text("ALTER ROLE app PASSWORD NULL"), "ALTER ROLE app PASSWORD NULL");
    EXPECT_EQ(scrub_text("PREPARE p AS ALTER ROLE app PASSWORD $1"), "PREPARE p AS ALTER ROLE app PASSWORD $1");
    // A password libpq could not parse keeps raw '@' and '/': hidden up to the last '@'.
    EXPECT_EQ(scrub_text("postgresql://u:SEC%zz@R/ET@h/db x"), "postgresql://u:***@h/db x");
}

TEST(ReportRedact, ControlBytesBecomeVisibleEscapes)
{
    EXPECT_EQ(sanitize("SELECT 1 /* \x1b[2J\x1b]0;owned\x07 */"), "SELECT 1 /* \\x1b[2J\\x1b]0;owned\\x07 */");
    EXPECT_EQ(sanitize("a\rb\x7f c\xc2\x9b" "31m"), "a\\x0db\\x7f c\\u009b31m");
    EXPECT_EQ(sanitize("keeps\nnew lines\tand tabs, and \xc3\xa9"), "keeps\nnew lines\tand tabs, and \xc3\xa9");
}

TEST(ReportRedact, SanitizeMasksRegisteredSecretsEverywhere)
{
    lockwise::core::clear_secrets();
    lockwise::core::register_secret("SEC%zzRET");
    lockwise::core::register_secret("abc"); // too short to mask everywhere: only the patterns hide it
    EXPECT_EQ(sanitize("libpq: invalid percent-encoded token: \"SEC%zzRET\""), "libpq: invalid percent-encoded token: \"***\"");
    EXPECT_EQ(sanitize("abc password=abc"), "abc password=***");
    const auto json = sanitize_json(nlohmann::json{{"error", "token SEC%zzRET"}, {"list", {"x", "password='a b'"}}});
    EXPECT_EQ(json["error"], "token ***");
    EXPECT_EQ(json["list"][1], "password=***");
    lockwise::core::clear_secrets();
    EXPECT_EQ(sanitize("SEC%zzRET"), "SEC%zzRET");
}

TEST(ReportRedact, SecretSpelledAgainByEscapingIsMaskedToo)
{
    // fuzz_report_redact: the escape of the control byte 0x13 ("\x13") followed by "t$$" spells the
    // secret "3t$$" after masking had run; sanitize masks again at the end.
    lockwise::core::clear_secrets();
    lockwise::core::register_secret("3t$$");
    const std::string input = "3t$$\n$$\nC y'PASSWORD $USSWOhur2x0AScra\x13t$$xRD \xdcV'J";
    EXPECT_EQ(sanitize(input).find("3t$$"), std::string::npos) << sanitize(input);
    lockwise::core::clear_secrets();
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
