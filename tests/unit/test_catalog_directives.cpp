// `-- lockwise:` directives: what is recognised, how arguments are tokenised, and
// every error with its line:col and hint.
#include <gtest/gtest.h>

#include "lockwise/catalog/directive.hpp"

using namespace lockwise::catalog;

namespace {

DirectiveScan scan(std::string_view sql)
{
    return parse_directives(sql, 0, sql.size(), "migrations/V1__x.sql");
}

TEST(CatalogDirectives, ParsesEveryDirective)
{
    struct Case {
        std::string_view sql;
        std::string name;
        std::vector<std::string> words;
        std::map<std::string, std::string> options;
        std::string arguments;
    };
    const std::vector<Case> cases = {
        {"-- lockwise:no-transaction", "no-transaction", {}, {}, ""},
        {"--lockwise:best-effort   ", "best-effort", {}, {}, ""},
        {"--\tlockwise:lock-timeout 250ms", "lock-timeout", {"250ms"}, {}, "250ms"},
        {"-- lockwise:statement-timeout off", "statement-timeout", {"off"}, {}, "off"},
        {"-- lockwise:statement-timeout 2min", "statement-timeout", {"2min"}, {}, "2min"},
        {"-- lockwise:retries 12", "retries", {"12"}, {}, "12"},
        {"-- lockwise:allow add-index-non-concurrently table is empty, created above",
         "allow", {"add-index-non-concurrently", "table is empty, created above"}, {},
         "add-index-non-concurrently table is empty, created above"},
        {"-- lockwise:allow rule-1 it's \"fine\" -- really", "allow", {"rule-1", "it's \"fine\" -- really"}, {},
         "rule-1 it's \"fine\" -- really"},
        {"-- lockwise:backfill key=id partition=tenant_id batch=auto pending=\"direction IS NULL AND x = \\\"y\\\"\"",
         "backfill", {},
         {{"key", "id"}, {"partition", "tenant_id"}, {"batch", "auto"}, {"pending", "direction IS NULL AND x = \"y\""}},
         "key=id partition=tenant_id batch=auto pending=\"direction IS NULL AND x = \\\"y\\\"\""},
        {"-- lockwise:backfill", "backfill", {}, {}, ""},
        {"-- lockwise:backfill key=id extra \"two words\"", "backfill", {"extra", "two words"}, {{"key", "id"}},
         "key=id extra \"two words\""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.sql));
        const auto result = scan(c.sql);
        ASSERT_TRUE(result.errors.empty()) << result.errors.front().message;
        ASSERT_EQ(result.directives.size(), 1u);
        const auto& directive = result.directives[0];
        EXPECT_EQ(directive.name, c.name);
        EXPECT_EQ(directive.words, c.words);
        EXPECT_EQ(directive.options, c.options);
        EXPECT_EQ(directive.arguments, c.arguments);
        EXPECT_EQ(directive.offset, 0u);
        EXPECT_EQ(directive.line, 1);
        EXPECT_EQ(directive.column, 1);
    }
}

TEST(CatalogDirectives, IgnoresLockwiseOutsideDirectiveComments)
{
    const std::string_view sql =
        "SELECT '-- lockwise:no-transaction';\n"
        "SELECT $$\n-- lockwise:bogus\n$$;\n"
        "/* -- lockwise:no-transaction */\n"
        "-- see lockwise:no-transaction in the docs\n"
        "-- Lockwise:no-transaction\n"
        "SELECT \"-- lockwise:x\" FROM t;\n"
        "SELECT 1; -- lockwise:retries 3\n";
    const auto result = scan(sql);
    EXPECT_TRUE(result.errors.empty());
    ASSERT_EQ(result.directives.size(), 1u);
    EXPECT_EQ(result.directives[0].name, "retries");
    EXPECT_EQ(result.directives[0].line, 9);
    EXPECT_EQ(result.directives[0].column, 11);
    EXPECT_EQ(sql.substr(result.directives[0].offset, 11), "-- lockwise");
}

// Where PostgreSQL's scanner sees a string, a quoted identifier or a comment, a directive
// there must not count: it would change how lockwise runs a file whose SQL says otherwise.
TEST(CatalogDirectives, FollowsPostgresLexicalRulesWhereTheyAreSubtle)
{
    const std::string_view sql =
        "/* outer /* nested */\n-- lockwise:no-transaction\n still a comment */\n"
        "SELECT E'it\\'s\n-- lockwise:no-transaction\n';\n"
        "SELECT 'a''\n-- lockwise:no-transaction\n';\n"
        "SELECT $tag$ $$\n-- lockwise:no-transaction\n$$ $tag$;\n"
        "SELECT U&'\\0041\n-- lockwise:no-transaction\n';\n"
        "SELECT B'1010', X'ff';\n"
        "-- lockwise:retries 2\n";
    const auto result = scan(sql);
    EXPECT_TRUE(result.errors.empty());
    ASSERT_EQ(result.directives.size(), 1u);
    EXPECT_EQ(result.directives[0].name, "retries");
    EXPECT_EQ(result.directives[0].line, 17);
}

TEST(CatalogDirectives, RecordsOffsetsInFileOrder)
{
    const std::string_view sql = "-- lockwise:lock-timeout 1s\nALTER TABLE t ADD c int;\n\n  -- lockwise:backfill key=id\n"
                                 "UPDATE t SET c = 1;\n";
    const auto result = scan(sql);
    ASSERT_EQ(result.directives.size(), 2u);
    EXPECT_EQ(result.directives[0].offset, 0u);
    EXPECT_EQ(result.directives[1].offset, sql.find("-- lockwise:backfill"));
    EXPECT_EQ(result.directives[1].line, 4);
    EXPECT_EQ(result.directives[1].column, 3);
}

TEST(CatalogDirectives, ReportsEachErrorWithPositionAndHint)
{
    struct Case {
        std::string_view sql;
        int line;
        int column;
        std::string message;
        std::string hint_part;
    };
    const std::vector<Case> cases = {
        {"-- lockwise:no-transactions", 1, 13, "unknown directive 'lockwise:no-transactions'", "Did you mean 'no-transaction'?"},
        {"SELECT 1;\n  -- lockwise:lock_timeout 1s", 2, 15, "unknown directive 'lockwise:lock_timeout'", "Did you mean 'lock-timeout'?"},
        {"-- lockwise:frobnicate", 1, 13, "unknown directive 'lockwise:frobnicate'", "Valid directives: no-transaction, best-effort"},
        {"-- lockwise: no-transaction", 1, 13, "missing directive name after 'lockwise:'", "right after the colon"},
        {"-- lockwise:no-transaction please", 1, 28, "'lockwise:no-transaction' takes no arguments", "Remove the text"},
        {"-- lockwise:best-effort yes", 1, 25, "'lockwise:best-effort' takes no arguments", "Remove the text"},
        {"-- lockwise:lock-timeout 5", 1, 26, "invalid duration '5'", "250ms, 5s, 2min, 1h"},
        {"-- lockwise:lock-timeout 5m", 1, 26, "invalid duration '5m'", "ms, s, min or h"},
        {"-- lockwise:lock-timeout off", 1, 26, "invalid duration 'off'", "integer followed by"},
        {"-- lockwise:lock-timeout", 1, 25, "'lockwise:lock-timeout' needs a duration", "<a duration>"},
        {"-- lockwise:lock-timeout 1s 2s", 1, 29, "'lockwise:lock-timeout' takes exactly one argument, a duration", ""},
        {"-- lockwise:statement-timeout forever", 1, 31, "invalid duration 'forever'", "or 'off'"},
        {"-- lockwise:retries many", 1, 21, "invalid retry count 'many'", "whole number"},
        {"-- lockwise:retries -1", 1, 21, "invalid retry count '-1'", "whole number"},
        {"-- lockwise:retries 5000", 1, 21, "invalid retry count '5000'", "0 to 1000"},
        {"-- lockwise:retries", 1, 20, "'lockwise:retries' needs a number", ""},
        {"-- lockwise:allow add-index-non-concurrently", 1, 45, "'lockwise:allow add-index-non-concurrently' needs a reason", "Say why"},
        {"-- lockwise:allow add-index   ", 1, 28, "'lockwise:allow add-index' needs a reason", "Say why"},
        {"-- lockwise:allow", 1, 18, "'lockwise:allow' needs a rule id and a reason", "<rule-id> <reason>"},
        {"-- lockwise:allow \"bad rule\" x", 1, 19, "invalid rule id '\"bad'", "Rule ids"},
        {"-- lockwise:backfill key=id pending=\"a = 1", 1, 37, "unterminated quoted value", "Close the value"},
        {"-- lockwise:backfill =id", 1, 22, "missing option name before '='", "key=value"},
        {"-- lockwise:backfill key=id key=tenant_id", 1, 29, "option 'key' given twice", ""},
        {"-- lockwise:lock-timeout \"1s", 1, 26, "unterminated quoted value", ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.sql));
        const auto result = scan(c.sql);
        EXPECT_TRUE(result.directives.empty());
        ASSERT_EQ(result.errors.size(), 1u);
        const auto& error = result.errors[0];
        EXPECT_EQ(error.file, "migrations/V1__x.sql");
        EXPECT_EQ(error.line, c.line);
        EXPECT_EQ(error.column, c.column);
        EXPECT_EQ(error.message, c.message);
        EXPECT_NE(error.hint.find(c.hint_part), std::string::npos) << error.hint;
        EXPECT_FALSE(error.source_line.empty());
    }
}

TEST(CatalogDirectives, CollectsEveryErrorAndKeepsValidDirectives)
{
    const auto result = scan("-- lockwise:retries x\n-- lockwise:no-transaction\n-- lockwise:nope\n");
    ASSERT_EQ(result.errors.size(), 2u);
    EXPECT_EQ(result.errors[0].line, 1);
    EXPECT_EQ(result.errors[1].line, 3);
    ASSERT_EQ(result.directives.size(), 1u);
    EXPECT_EQ(result.directives[0].name, "no-transaction");
}

TEST(CatalogDirectives, SuggestsNearNames)
{
    EXPECT_EQ(closest_directive_name("no-transactions"), "no-transaction");
    EXPECT_EQ(closest_directive_name("notransaction"), "no-transaction");
    EXPECT_EQ(closest_directive_name("retry"), "retries");
    EXPECT_EQ(closest_directive_name("backfil"), "backfill");
    EXPECT_EQ(closest_directive_name("allow-all"), "allow");
    EXPECT_EQ(closest_directive_name("zzzzzzzzzz"), "");
}

TEST(CatalogDirectives, RenderShowsPositionSourceCaretAndHint)
{
    const auto result = scan("SELECT 1;\n-- lockwise:lock-timeout 5\n");
    ASSERT_EQ(result.errors.size(), 1u);
    const auto text = render(result.errors[0]);
    EXPECT_EQ(text, "migrations/V1__x.sql:2:26: error: invalid duration '5'\n"
                    "     2 | -- lockwise:lock-timeout 5\n"
                    "       |                          ^\n"
                    "  hint: A duration is an integer followed by ms, s, min or h (for example 250ms, 5s, 2min, 1h).\n");
    Diagnostic whole_file;
    whole_file.file = "migrations/V1__x.sql";
    whole_file.message = "cannot read file: Permission denied";
    whole_file.hint = "Check it.";
    EXPECT_EQ(render(whole_file, "warning"),
              "migrations/V1__x.sql: warning: cannot read file: Permission denied\n  hint: Check it.\n");
}

} // namespace
