// Inputs found by fuzz/fuzz_sql_script that broke parse_script: each must come back as a
// value (statements or errors), never an exception. Each must stay fixed.
#include <gtest/gtest.h>

#include "lockwise/sql/statement.hpp"

namespace {

// crash-89931bb9: invalid UTF-8 inside a quoted identifier or string literal. libpg_query
// copies the bytes into its JSON parse tree and nlohmann::json::parse throws parse_error.101
// (and the PgQueryParseResult is never freed). The catalog rejects invalid UTF-8 in files
// first, but parse_script's contract is to report, not throw, for any text.
TEST(SqlFuzzRegressions, InvalidUtf8InAnIdentifierIsAnErrorNotAnException)
{
    for (const std::string_view sql : {std::string_view("SELECT 1 FROM \"t\xff" "x\";\n"),
                                       std::string_view("SELECT 'a\xff';\n")}) {
        lockwise::sql::ParsedScript parsed;
        EXPECT_NO_THROW(parsed = lockwise::sql::parse_script(sql)) << sql;
        ASSERT_EQ(parsed.errors.size(), 1U) << sql;
        EXPECT_NE(parsed.errors[0].message.find("UTF-8"), std::string::npos) << parsed.errors[0].message;
        EXPECT_TRUE(parsed.statements.empty());
    }
}

} // namespace
