// parse_backfill_spec without a server: defaults, every option, and every error
// collected with its position and a hint.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "lockwise/backfill/spec.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace lockwise::backfill;
using namespace std::chrono_literals;

namespace {

sql::Statement update_statement(bool returning = false, bool from = false)
{
    sql::Statement statement;
    statement.kind = "UPDATE";
    statement.span = sql::Span{200, 120, 14, 1};
    statement.text = "UPDATE leads AS l SET last_call_direction = 'x' WHERE l.last_call_direction IS NULL";
    sql::UpdateInfo update;
    update.schema = "crm";
    update.table = "leads";
    update.alias = "l";
    update.set_columns = {"last_call_direction"};
    update.head_text = "UPDATE leads AS l SET last_call_direction = 'x' ";
    update.where_text = "l.last_call_direction IS NULL";
    update.has_returning = returning;
    update.has_from = from;
    statement.update = update;
    return statement;
}

catalog::Directive directive(std::map<std::string, std::string> options)
{
    catalog::Directive d;
    d.name = "backfill";
    d.options = std::move(options);
    d.offset = 150;
    d.line = 13;
    d.column = 1;
    return d;
}

std::vector<catalog::Diagnostic> errors_of(std::map<std::string, std::string> options,
                                           const sql::Statement& statement = update_statement())
{
    std::vector<catalog::Diagnostic> errors;
    parse_backfill_spec(directive(std::move(options)), statement, errors, "V36__x.sql");
    return errors;
}

} // namespace

TEST(BackfillSpec, DefaultsComeFromTheUpdate)
{
    std::vector<catalog::Diagnostic> errors;
    const auto spec = parse_backfill_spec(directive({}), update_statement(), errors, "V36__x.sql");
    EXPECT_TRUE(errors.empty());
    EXPECT_EQ(spec.schema, "crm");
    EXPECT_EQ(spec.table, "leads");
    EXPECT_EQ(spec.alias, "l");
    EXPECT_EQ(spec.pending, "l.last_call_direction IS NULL") << "pending defaults to the UPDATE's WHERE";
    EXPECT_EQ(spec.key, "") << "the primary key, resolved against the database";
    EXPECT_EQ(spec.partition, "");
    EXPECT_FALSE(spec.fixed_batch.has_value());
    EXPECT_EQ(spec.target, 200ms);
    EXPECT_EQ(spec.passes, 3);
    EXPECT_EQ(spec.min_batch, 100);
    EXPECT_EQ(spec.max_batch, 50000);
    EXPECT_EQ(spec.file, "V36__x.sql");
    EXPECT_EQ(spec.directive_line, 13);
    EXPECT_EQ(spec.statement_line, 14);
}

TEST(BackfillSpec, EveryOption)
{
    std::vector<catalog::Diagnostic> errors;
    const auto spec = parse_backfill_spec(
        directive({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "500"}, {"min-batch", "10"}, {"max-batch", "900"},
                   {"target-ms", "150"}, {"pause", "50ms"}, {"max-rate", "2500.5"}, {"max-lag", "5s"}, {"passes", "5"},
                   {"pending", "l.status <> 'done'"}, {"lock-timeout", "250ms"}, {"statement-timeout", "2min"}}),
        update_statement(), errors);
    ASSERT_TRUE(errors.empty()) << errors.front().message;
    EXPECT_EQ(spec.key, "id");
    EXPECT_EQ(spec.partition, "tenant_id");
    EXPECT_EQ(spec.fixed_batch, 500);
    EXPECT_EQ(spec.min_batch, 10);
    EXPECT_EQ(spec.max_batch, 900);
    EXPECT_EQ(spec.target, 150ms);
    EXPECT_EQ(spec.pause, 50ms);
    EXPECT_DOUBLE_EQ(*spec.max_rate, 2500.5);
    EXPECT_EQ(spec.max_lag, Millis(5000));
    EXPECT_FALSE(spec.max_lag_bytes.has_value());
    EXPECT_EQ(spec.passes, 5);
    EXPECT_EQ(spec.pending, "l.status <> 'done'");
    EXPECT_EQ(spec.lock_timeout, 250ms);
    EXPECT_EQ(spec.statement_timeout, Millis(120000));
}

TEST(BackfillSpec, MaxLagTakesASizeToo)
{
    std::vector<catalog::Diagnostic> errors;
    const auto spec = parse_backfill_spec(directive({{"max-lag", "16MB"}, {"target", "1s"}, {"batch", "auto"}}),
                                          update_statement(), errors);
    ASSERT_TRUE(errors.empty());
    EXPECT_EQ(spec.max_lag_bytes, 16LL * 1024 * 1024);
    EXPECT_FALSE(spec.max_lag.has_value());
    EXPECT_EQ(spec.target, 1000ms);
    EXPECT_FALSE(spec.fixed_batch.has_value());
    EXPECT_EQ(parse_byte_size("512kB"), 512 * 1024);
    EXPECT_EQ(parse_byte_size("2GB"), 2LL * 1024 * 1024 * 1024);
    EXPECT_EQ(parse_byte_size("12"), 12);
    EXPECT_FALSE(parse_byte_size("12 MB").has_value());
    EXPECT_FALSE(parse_byte_size("MB").has_value());
}

TEST(BackfillSpec, EveryErrorIsCollectedWithPositionAndHint)
{
    const auto errors = errors_of({{"bach", "10"}, {"batch", "ten"}, {"pause", "5 seconds"}, {"max-rate", "-3"},
                                   {"passes", "0"}, {"max-lag", "soon"}, {"target-ms", "0"}});
    ASSERT_EQ(errors.size(), 7U);
    for (const auto& error : errors) {
        EXPECT_EQ(error.file, "V36__x.sql");
        EXPECT_EQ(error.line, 13);
        EXPECT_EQ(error.column, 1);
        EXPECT_FALSE(error.hint.empty()) << error.message;
        EXPECT_EQ(error.message.front(), std::tolower(error.message.front())) << "messages are lowercase";
    }
    std::string all;
    for (const auto& error : errors) {
        all += error.message + "\n";
    }
    EXPECT_NE(all.find("unknown backfill option \"bach\""), std::string::npos) << all;
    EXPECT_NE(all.find("batch=ten is not a positive integer"), std::string::npos) << all;
    EXPECT_NE(all.find("pause=5 seconds is not a valid duration"), std::string::npos) << all;
    EXPECT_NE(all.find("max-rate=-3"), std::string::npos) << all;
    EXPECT_NE(all.find("passes=0"), std::string::npos) << all;
    EXPECT_NE(all.find("max-lag=soon"), std::string::npos) << all;
    EXPECT_NE(all.find("target-ms=0"), std::string::npos) << all;
}

TEST(BackfillSpec, PendingMustParseAsOneCondition)
{
    EXPECT_TRUE(errors_of({{"pending", "l.a IS NULL AND (l.b > 3 OR l.c = 'x;y')"}}).empty());
    // Each would parse inside "WHERE (...)": closing a parenthesis it did not open, adding a
    // clause or a statement. None may reach a batch.
    for (const auto* bad : {"l.a IS NULL)", "l.a = 'open", "true; DROP TABLE leads", "l.a IS", "   ", "done) OR (true",
                            "true) OR (true", "true GROUP BY 1", "true UNION SELECT 1", "true ORDER BY 1", "true LIMIT 1",
                            "true FOR UPDATE", "true HAVING true", "true WINDOW w AS ()", "true) UNION (SELECT 1"}) {
        const auto errors = errors_of({{"pending", bad}});
        ASSERT_EQ(errors.size(), 1U) << bad;
        EXPECT_NE(errors.front().message.find("is not one condition"), std::string::npos) << errors.front().message;
        EXPECT_EQ(errors.front().line, 13) << "at the directive";
    }
}

TEST(BackfillSpec, PendingIsPrintedFromItsParseTree)
{
    std::vector<catalog::Diagnostic> errors;
    // Comments, spacing and grouping come back as libpg_query's deparser prints them: the
    // engine wraps exactly one expression in its own parentheses.
    auto spec = parse_backfill_spec(directive({{"pending", "l.a IS NULL -- ) OR (true\n OR l.b"}}), update_statement(), errors);
    ASSERT_TRUE(errors.empty()) << errors.front().message;
    EXPECT_EQ(spec.pending, "l.a IS NULL OR l.b");
    spec = parse_backfill_spec(directive({{"pending", "(l.a)   AND NOT EXISTS (SELECT 1 FROM x WHERE x.id = l.id)"}}),
                               update_statement(), errors);
    ASSERT_TRUE(errors.empty()) << errors.front().message;
    EXPECT_EQ(spec.pending, "l.a AND NOT EXISTS (SELECT 1 FROM x WHERE x.id = l.id)");
}

TEST(BackfillSpec, RefusesWhatItCannotBatch)
{
    sql::Statement insert;
    insert.kind = "INSERT";
    insert.span = sql::Span{10, 20, 3, 5};
    auto errors = errors_of({}, insert);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors.front().message.find("must annotate an UPDATE, not INSERT"), std::string::npos);
    EXPECT_EQ(errors.front().line, 3);
    EXPECT_EQ(errors.front().column, 5);

    errors = errors_of({}, update_statement(true));
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors.front().message.find("RETURNING"), std::string::npos);
    EXPECT_EQ(errors.front().line, 14);

    errors = errors_of({{"key", "tenant_id,id"}});
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors.front().message.find("composite"), std::string::npos);

    errors = errors_of({{"min-batch", "500"}, {"max-batch", "100"}});
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors.front().message.find("min-batch=500 is larger than max-batch=100"), std::string::npos);
}

TEST(BackfillSpec, UpdateFromScansEveryRowUnlessPendingIsGiven)
{
    std::vector<catalog::Diagnostic> errors;
    auto spec = parse_backfill_spec(directive({}), update_statement(false, true), errors);
    EXPECT_TRUE(errors.empty());
    EXPECT_EQ(spec.pending, "") << "the WHERE may name the FROM tables";
    spec = parse_backfill_spec(directive({{"pending", "l.x IS NULL"}}), update_statement(false, true), errors);
    EXPECT_EQ(spec.pending, "l.x IS NULL");
}

TEST(BackfillSpec, TheSeedMigrationParsesIntoASpec)
{
    const auto path = (testkit::source_dir() / "examples/migrations/V36__last_call_direction.sql").string();
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        GTEST_SKIP() << "examples/ not present";
    }
    std::string text;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) {
        text.append(buffer, n);
    }
    std::fclose(file);
    const auto script = sql::parse_script(text);
    ASSERT_TRUE(script.errors.empty());
    const auto update = std::find_if(script.statements.begin(), script.statements.end(),
                                     [](const sql::Statement& s) { return s.update.has_value(); });
    ASSERT_NE(update, script.statements.end());
    std::vector<catalog::Diagnostic> errors;
    const auto spec = parse_backfill_spec(
        directive({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "auto"}, {"target-ms", "200"}}), *update, errors);
    ASSERT_TRUE(errors.empty());
    EXPECT_EQ(spec.table, "leads");
    EXPECT_EQ(spec.alias, "l");
    EXPECT_EQ(spec.pending, "l.last_call_direction IS NULL");
    EXPECT_NE(spec.head_text.find("SET last_call_direction"), std::string::npos);
    EXPECT_EQ(spec.head_text.find("WHERE l.last_call_direction"), std::string::npos);
}
