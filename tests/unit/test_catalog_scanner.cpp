// The comment lexer, UTF-8 validation and the checksum: the pieces directive
// recognition and drift detection stand on.
#include <gtest/gtest.h>

#include "lockwise/catalog/checksum.hpp"
#include "lockwise/catalog/comment_scanner.hpp"
#include "lockwise/catalog/utf8.hpp"

using namespace lockwise::catalog;

namespace {

std::vector<std::string> comments_of(std::string_view sql)
{
    std::vector<std::string> out;
    for (const auto& comment : scan_comments(sql).comments) {
        out.emplace_back(sql.substr(comment.begin, comment.end - comment.begin));
    }
    return out;
}

TEST(CatalogScanner, FindsOnlyRealLineComments)
{
    struct Case {
        std::string_view sql;
        std::vector<std::string> comments;
    };
    const std::vector<Case> cases = {
        {"-- a\nSELECT 1; -- b\r\n", {"-- a", "-- b"}},
        {"SELECT '-- not a comment';", {}},
        {"SELECT 'it''s -- still a string';", {}},
        {"SELECT E'\\' -- escaped quote';", {}},
        {"SELECT \"col -- name\" FROM t;", {}},
        {"SELECT $$ -- body $$; -- real", {"-- real"}},
        {"SELECT $fn$ $$ -- $fn$; -- x", {"-- x"}},
        {"SELECT $1 -- param then comment", {"-- param then comment"}},
        {"/* outer /* inner */ -- still block */ -- after", {"-- after"}},
        {"SELECT a$b -- identifier with dollar", {"-- identifier with dollar"}},
        {"SELECT 'unterminated -- no", {}},
        {"CASE'x' -- after", {"-- after"}},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(comments_of(c.sql), c.comments) << c.sql;
    }
}

TEST(CatalogScanner, ReportsWhetherThereIsCode)
{
    EXPECT_FALSE(scan_comments("").has_code());
    EXPECT_FALSE(scan_comments("  -- only a comment\n/* and a block */\n\t\n").has_code());
    const std::string_view sql = "-- c\n  SELECT 1;";
    EXPECT_EQ(scan_comments(sql).first_code, 7u);
    // Only the given range is scanned.
    EXPECT_FALSE(scan_comments(sql, 0, 5).has_code());
}

TEST(CatalogUtf8, FindsTheFirstInvalidByte)
{
    const std::vector<std::pair<std::string, std::optional<std::size_t>>> cases = {
        {"plain ascii", std::nullopt},
        {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", std::nullopt},
        {"ab\xFF", 2},
        {"a\xC3", 1},                // truncated
        {"\xC0\xAF", 0},             // overlong '/'
        {"x\xED\xA0\x80", 1},        // surrogate
        {"\xF4\x90\x80\x80", 0},     // past U+10FFFF
        {"ok\xE2\x82", 2},
    };
    for (const auto& [text, expected] : cases) {
        EXPECT_EQ(find_invalid_utf8(text), expected);
    }
    EXPECT_EQ(strip_bom("\xEF\xBB\xBFSELECT 1"), "SELECT 1");
    EXPECT_EQ(strip_bom("SELECT 1"), "SELECT 1");
}

TEST(CatalogChecksum, IsSha256WithNormalisedLineEndings)
{
    // sha256("") is well known; the prefix names the algorithm.
    EXPECT_EQ(checksum_sql(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(checksum_sql("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(checksum_sql("SELECT 1;\r\nSELECT 2;\r\n"), checksum_sql("SELECT 1;\nSELECT 2;\n"));
    EXPECT_NE(checksum_sql("SELECT 1;\n"), checksum_sql("SELECT 2;\n"));
    EXPECT_NE(checksum_sql("SELECT 1;\n"), checksum_sql("SELECT 1; \n"));
}

} // namespace
