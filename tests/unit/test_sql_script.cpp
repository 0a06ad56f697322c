// parse_script as a whole: statement spans (comments, blank lines, dollar
// quotes, CRLF, sections), every syntax error reported, COPY FROM STDIN refused.
#include <gtest/gtest.h>

#include "lockwise/sql/statement.hpp"

using namespace lockwise;

namespace {

struct Position {
    int line;
    int column;
};

void expect_at(const sql::Span& span, Position position, const std::string& what)
{
    EXPECT_EQ(span.line, position.line) << what;
    EXPECT_EQ(span.column, position.column) << what;
}

TEST(SqlScript, SpansSkipCommentsBlankLinesAndDollarQuotes)
{
    const std::string text = "-- migration 36; adds a column\n"
                             "\n"
                             "/* a block comment; with semicolons; */\n"
                             "  ALTER TABLE leads ADD COLUMN last_call_direction text;\n"
                             "DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;\n"
                             "\n"
                             "\t-- trailing; comment\n"
                             "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $fn$ SELECT 1; $fn$;  -- done\n";
    const auto script = sql::parse_script(text);
    ASSERT_TRUE(script.errors.empty());
    ASSERT_EQ(script.statements.size(), 3U);
    expect_at(script.statements[0].span, {4, 3}, "ALTER");
    EXPECT_EQ(script.statements[0].text, "ALTER TABLE leads ADD COLUMN last_call_direction text");
    EXPECT_EQ(text.substr(script.statements[0].span.offset, script.statements[0].span.length),
              script.statements[0].text);
    expect_at(script.statements[1].span, {5, 1}, "DO");
    EXPECT_EQ(script.statements[1].text, "DO $$ BEGIN PERFORM 1; PERFORM 2; END $$");
    EXPECT_EQ(script.statements[1].kind, "DO");
    expect_at(script.statements[2].span, {8, 1}, "CREATE FUNCTION");
    EXPECT_EQ(script.statements[2].text, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $fn$ SELECT 1; $fn$");
}

TEST(SqlScript, CrlfLineEndingsAndNoFinalSemicolon)
{
    const std::string text = "-- header\r\nCREATE TABLE t (id int);\r\n\r\n  SELECT 1\r\n";
    const auto script = sql::parse_script(text);
    ASSERT_TRUE(script.errors.empty());
    ASSERT_EQ(script.statements.size(), 2U);
    expect_at(script.statements[0].span, {2, 1}, "CREATE");
    expect_at(script.statements[1].span, {4, 3}, "SELECT");
    EXPECT_EQ(script.statements[1].text, "SELECT 1");
}

TEST(SqlScript, SectionSpansAreRelativeToTheWholeFile)
{
    const std::string text = "-- migrate:up\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int;\n"
                             "-- migrate:down\nDROP TABLE t;\n";
    const auto up_begin = text.find("CREATE");
    const auto up_end = text.find("-- migrate:down");
    const auto script = sql::parse_script(text, up_begin, up_end);
    ASSERT_TRUE(script.errors.empty());
    ASSERT_EQ(script.statements.size(), 2U);
    expect_at(script.statements[1].span, {3, 1}, "ALTER");
    EXPECT_EQ(script.statements[1].span.offset, text.find("ALTER"));
    const auto down = sql::parse_script(text, up_end);
    ASSERT_EQ(down.statements.size(), 1U);
    expect_at(down.statements[0].span, {5, 1}, "DROP");
}

TEST(SqlScript, EverySyntaxErrorIsReportedWithItsPosition)
{
    const std::string text = "CREATE TABLE ok (id int);\n"
                             "CREATE TABL broken1 (id int);\n"
                             "-- fine in between\n"
                             "ALTER TABLE ok ADD COLUMN;\n"
                             "SELECT 1;\n"
                             "  UPDATE ok SET WHERE id = 1;\n";
    const auto script = sql::parse_script(text);
    EXPECT_TRUE(script.statements.empty()) << "nothing may run when the file has errors";
    ASSERT_EQ(script.errors.size(), 3U);
    expect_at(script.errors[0].span, {2, 8}, script.errors[0].message);
    EXPECT_EQ(script.errors[0].message, "syntax error at or near \"TABL\"");
    expect_at(script.errors[1].span, {4, 26}, script.errors[1].message);
    EXPECT_EQ(script.errors[1].message, "syntax error at or near \";\"");
    expect_at(script.errors[2].span, {6, 17}, script.errors[2].message);
    EXPECT_EQ(script.errors[2].message, "syntax error at or near \"WHERE\"");
}

TEST(SqlScript, ErrorPositionCountsBytesAfterMultibyteCharacters)
{
    const std::string text = "-- café ☕\nSELECT 'ünïcode' FRM t;\n";
    const auto script = sql::parse_script(text);
    ASSERT_EQ(script.errors.size(), 1U);
    EXPECT_EQ(script.errors[0].span.offset, text.find("t;"));
    EXPECT_EQ(script.errors[0].span.line, 2);
}

TEST(SqlScript, UnterminatedDollarQuoteIsAnError)
{
    const auto script = sql::parse_script("SELECT 1;\nDO $$ BEGIN PERFORM 1;\n");
    ASSERT_EQ(script.errors.size(), 1U);
    EXPECT_EQ(script.errors[0].span.line, 2);
    EXPECT_TRUE(script.statements.empty());
}

TEST(SqlScript, CopyFromStdinIsRefusedAndOtherErrorsStillFound)
{
    const std::string text = "CREATE TABLE t (id int, v text);\n"
                             "COPY t (id, v) FROM stdin;\n"
                             "1\tone; two\n"
                             "2\tthree\n"
                             "\\.\n"
                             "SELEC 1;\n";
    const auto script = sql::parse_script(text);
    EXPECT_TRUE(script.statements.empty());
    ASSERT_EQ(script.errors.size(), 2U);
    EXPECT_EQ(script.errors[0].message, "COPY FROM STDIN data is not supported in migrations");
    EXPECT_NE(script.errors[0].hint.find("INSERT"), std::string::npos);
    expect_at(script.errors[0].span, {2, 1}, "COPY");
    expect_at(script.errors[1].span, {6, 1}, script.errors[1].message);
}

TEST(SqlScript, CopyFromStdinWithoutDataIsRefusedToo)
{
    const auto script = sql::parse_script("COPY t FROM STDIN WITH (FORMAT csv)");
    ASSERT_EQ(script.errors.size(), 1U);
    EXPECT_EQ(script.errors[0].message, "COPY FROM STDIN data is not supported in migrations");
    EXPECT_TRUE(sql::parse_script("COPY t FROM '/srv/data.csv'").errors.empty());
}

TEST(SqlScript, TransactionControlWrittenInTheFile)
{
    const auto script = sql::parse_script("BEGIN;\nALTER TABLE t ADD COLUMN x int;\nCOMMIT;\n");
    ASSERT_TRUE(script.errors.empty());
    ASSERT_EQ(script.statements.size(), 3U);
    EXPECT_TRUE(script.statements[0].transaction_control);
    EXPECT_EQ(script.statements[0].kind, "BEGIN");
    EXPECT_FALSE(script.statements[1].transaction_control);
    EXPECT_TRUE(script.statements[2].transaction_control);
    EXPECT_EQ(script.statements[2].kind, "COMMIT");
}

TEST(SqlScript, EmptyAndCommentOnlyInput)
{
    EXPECT_TRUE(sql::parse_script("").statements.empty());
    const auto script = sql::parse_script("-- nothing here;\n/* nor; here */\n;;\n");
    EXPECT_TRUE(script.errors.empty());
    EXPECT_TRUE(script.statements.empty());
}

TEST(SqlScript, SqlStandardFunctionBodyWithSemicolonsIsOneStatement)
{
    const auto script = sql::parse_script("CREATE FUNCTION g() RETURNS int LANGUAGE sql\n"
                                          "BEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;\nSELECT g();\n");
    ASSERT_TRUE(script.errors.empty()) << script.errors[0].message;
    ASSERT_EQ(script.statements.size(), 2U);
    expect_at(script.statements[1].span, {6, 1}, "SELECT");
}

} // namespace

namespace {

TEST(SqlScript, MisspelledFirstWordAndUnterminatedStringAreBothReported)
{
    const auto script = sql::parse_script("SELEC 1;\nSELECT 2;\nSELECT 'open;\n");
    ASSERT_EQ(script.errors.size(), 2U);
    expect_at(script.errors[0].span, {1, 1}, script.errors[0].message);
    expect_at(script.errors[1].span, {3, 8}, script.errors[1].message);
    EXPECT_NE(script.errors[1].message.find("unterminated"), std::string::npos) << script.errors[1].message;
}

} // namespace

namespace {

TEST(SqlScript, PsqlMetaCommandsAreNamedAsNotSql)
{
    struct Case {
        std::string text;
        Position at;
        std::string message;
        std::string hint_part;
    };
    const std::vector<Case> cases = {
        {"\\set ON_ERROR_STOP on\nCREATE TABLE a (id int);\n", {1, 1}, "psql meta-command \\set is not SQL", "ON_ERROR_STOP"},
        {"CREATE TABLE a (id int);\n\\i other.sql\n", {2, 1}, "psql meta-command \\i is not SQL", "included file"},
        {"CREATE TABLE a (id int);\n  \\connect app\nSELECT 1;\n", {2, 3}, "psql meta-command \\connect is not SQL",
         "--database-url"},
        {"-- setup\n\\timing\nSELECT 1;\n", {2, 1}, "psql meta-command \\timing is not SQL", "Remove the line"},
        {"SELECT 1; \\gset\n", {1, 11}, "psql meta-command \\gset is not SQL", "psql's own"},
    };
    for (const auto& c : cases) {
        const auto script = sql::parse_script(c.text);
        ASSERT_EQ(script.errors.size(), 1U) << c.text;
        EXPECT_EQ(script.errors[0].message, c.message) << c.text;
        expect_at(script.errors[0].span, c.at, c.text);
        EXPECT_NE(script.errors[0].hint.find(c.hint_part), std::string::npos) << script.errors[0].hint;
        EXPECT_TRUE(script.statements.empty());
    }
    // A backslash inside a statement is PostgreSQL's own syntax error, not a meta-command.
    const auto inside = sql::parse_script("SELECT 1 \\ 2;\n");
    ASSERT_EQ(inside.errors.size(), 1U);
    EXPECT_EQ(inside.errors[0].message.find("psql"), std::string::npos) << inside.errors[0].message;
    // A backslash in a string is data.
    EXPECT_TRUE(sql::parse_script("SELECT '\\set x';\n").errors.empty());
}

} // namespace
