// Lint rules over hand-built sql::Statement values: the contract with the sql stage,
// independent of the parser; suppressions, context grading and the three outputs.
#include <gtest/gtest.h>

#include "lockwise/lint/lint.hpp"

using namespace lockwise;
using sql::LockMode;
using sql::TableWork;

namespace {

sql::Statement statement(std::string text, std::string kind, std::size_t offset, int line)
{
    sql::Statement st;
    st.text = std::move(text);
    st.kind = std::move(kind);
    st.span = {offset, st.text.size(), line, 1};
    return st;
}

sql::RelationLock lock(std::string name, LockMode mode, bool created = false)
{
    return {"", std::move(name), mode, created, "", false};
}

// A migration whose text is the statements joined by ";\n", with spans set to match.
struct Built {
    catalog::Migration migration;
    sql::ParsedScript script;
};

Built build(std::vector<sql::Statement> statements, std::vector<catalog::Directive> directives = {})
{
    Built b;
    b.migration.display_path = "migrations/V1__test.sql";
    int line = 1;
    for (auto& st : statements) {
        st.span.offset = b.migration.text.size();
        st.span.length = st.text.size();
        st.span.line = line;
        b.migration.text += st.text + ";\n";
        ++line;
    }
    b.migration.directives = std::move(directives);
    b.script.statements = std::move(statements);
    return b;
}

sql::Statement create_index(std::string table, bool concurrently)
{
    auto st = statement(concurrently ? "CREATE INDEX CONCURRENTLY i ON " + table + " (a)" : "CREATE INDEX i ON " + table + " (a)",
                        "CREATE INDEX", 0, 1);
    st.concurrently = concurrently;
    st.transactional = !concurrently;
    st.index = sql::IndexInfo{"i", "", table, {"a"}, false, concurrently, false, false, "btree"};
    st.locks.push_back(lock(table, concurrently ? LockMode::share_update_exclusive : LockMode::share));
    return st;
}

sql::Statement create_table(std::string table)
{
    auto st = statement("CREATE TABLE " + table + " (a int8)", "CREATE TABLE", 0, 1);
    st.locks.push_back(lock(table, LockMode::access_exclusive, true));
    sql::ColumnDef column;
    column.name = "a";
    column.type_name = "int8";
    st.columns.push_back(column);
    return st;
}

std::vector<std::string> rule_ids(const lint::MigrationLint& result)
{
    std::vector<std::string> ids;
    for (const auto& f : result.findings) {
        ids.push_back(f.rule_id + (f.suppressed ? "(suppressed)" : ""));
    }
    return ids;
}

} // namespace

TEST(LintRules, CreateIndexOnExistingTableIsAnErrorWithTheConcurrentSql)
{
    auto b = build({create_index("users", false)});
    const auto result = lint::lint_migration(b.migration, b.script, {});
    ASSERT_EQ(result.findings.size(), 1U);
    const auto& f = result.findings[0];
    EXPECT_EQ(f.rule_id, "index-not-concurrent");
    EXPECT_EQ(f.severity, lint::Severity::error);
    EXPECT_EQ(f.lock, LockMode::share);
    EXPECT_EQ(f.lock_blocks, "writes");
    EXPECT_EQ(f.work, TableWork::full_scan);
    EXPECT_EQ(f.safe_alternative, "CREATE INDEX CONCURRENTLY i ON users (a);");
    EXPECT_EQ(f.span.line, 1);
    EXPECT_TRUE(lint::has_blocking_errors(result));
}

TEST(LintRules, TableCreatedEarlierInTheMigrationIsExempt)
{
    auto b = build({create_table("users"), create_index("users", false)});
    const auto result = lint::lint_migration(b.migration, b.script, {});
    EXPECT_TRUE(result.findings.empty()) << testing::PrintToString(rule_ids(result));
    EXPECT_FALSE(lint::has_blocking_errors(result));
}

TEST(LintRules, SmallTableGradesDownAndSaysSo)
{
    auto b = build({create_index("users", false)});
    lint::Context context;
    context.tables["users"] = {500, 8192};
    auto result = lint::lint_migration(b.migration, b.script, context);
    ASSERT_EQ(result.findings.size(), 1U);
    EXPECT_EQ(result.findings[0].severity, lint::Severity::info);
    EXPECT_NE(result.findings[0].message.find("about 500 rows"), std::string::npos);
    context.tables["users"] = {5'000'000, 1LL << 30};
    result = lint::lint_migration(b.migration, b.script, context);
    EXPECT_EQ(result.findings[0].severity, lint::Severity::error);
    EXPECT_NE(result.findings[0].message.find("5000000 rows, 1.0 GB"), std::string::npos);
}

TEST(LintRules, AllowSuppressesTheNextStatementOnly)
{
    catalog::Directive allow;
    allow.name = "allow";
    allow.arguments = "index-not-concurrent table is tiny and unused";
    allow.words = {"index-not-concurrent", "table", "is", "tiny", "and", "unused"};
    allow.offset = 0;
    auto b = build({create_index("users", false), create_index("orders", false)}, {allow});
    // The directive sits before the first statement: shift the statements after it.
    b.migration.text = "-- lockwise:allow index-not-concurrent table is tiny and unused\n" + b.migration.text;
    const std::size_t shift = b.migration.text.find("CREATE");
    for (auto& st : b.script.statements) {
        st.span.offset += shift;
        st.span.line += 1;
    }
    const auto result = lint::lint_migration(b.migration, b.script, {});
    // Two tables write-locked in one transaction also warn (deadlock risk).
    EXPECT_EQ(rule_ids(result), (std::vector<std::string>{"index-not-concurrent(suppressed)", "index-not-concurrent",
                                                          "multiple-exclusive-locks"}));
    EXPECT_EQ(result.findings[0].suppression_reason, "table is tiny and unused");
    EXPECT_TRUE(result.errors.empty());
    EXPECT_TRUE(result.warnings.empty());
}

TEST(LintRules, BadSuppressionsAreReported)
{
    auto directive = [](std::string args, std::vector<std::string> words) {
        catalog::Directive d;
        d.name = "allow";
        d.arguments = std::move(args);
        d.words = std::move(words);
        return d;
    };
    auto b = build({create_table("t")},
                   {directive("", {}), directive("no-such-rule because", {"no-such-rule", "because"}),
                    directive("drop-table", {"drop-table"}), directive("drop-table reason given", {"drop-table", "reason", "given"})});
    const auto result = lint::lint_migration(b.migration, b.script, {});
    ASSERT_EQ(result.errors.size(), 3U);
    EXPECT_NE(result.errors[0].message.find("needs a rule id"), std::string::npos);
    EXPECT_NE(result.errors[1].message.find("unknown rule 'no-such-rule'"), std::string::npos);
    EXPECT_NE(result.errors[2].message.find("needs a reason"), std::string::npos);
    ASSERT_EQ(result.warnings.size(), 1U);
    EXPECT_NE(result.warnings[0].message.find("suppresses nothing"), std::string::npos);
    EXPECT_TRUE(lint::has_blocking_errors(result));
}

TEST(LintRules, SetNotNullIsSafeAfterAValidatedCheck)
{
    auto alter = [](std::string text, sql::AlterAction action) {
        auto st = statement(std::move(text), "ALTER TABLE", 0, 1);
        st.locks.push_back(lock("users", action.lock));
        st.actions.push_back(std::move(action));
        return st;
    };
    sql::AlterAction add;
    add.kind = sql::AlterAction::Kind::add_constraint;
    add.subcommand = "ADD CONSTRAINT";
    add.lock = LockMode::access_exclusive;
    add.constraint = sql::Constraint{sql::ConstraintKind::check, "email_nn", {}, true, std::nullopt, std::nullopt, "email"};
    sql::AlterAction validate;
    validate.kind = sql::AlterAction::Kind::validate_constraint;
    validate.subcommand = "VALIDATE CONSTRAINT";
    validate.name = "email_nn";
    validate.lock = LockMode::share_update_exclusive;
    sql::AlterAction set;
    set.kind = sql::AlterAction::Kind::set_not_null;
    set.subcommand = "SET NOT NULL";
    set.column = "email";
    set.lock = LockMode::access_exclusive;

    // A no-transaction migration: each statement commits on its own, so VALIDATE runs
    // under SHARE UPDATE EXCLUSIVE only and SET NOT NULL uses the validated check.
    auto b = build({alter("ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID", add),
                    alter("ALTER TABLE users VALIDATE CONSTRAINT email_nn", validate),
                    alter("ALTER TABLE users ALTER COLUMN email SET NOT NULL", set)});
    b.migration.run_in_transaction = false;
    const auto result = lint::lint_migration(b.migration, b.script, {});
    EXPECT_TRUE(result.findings.empty()) << testing::PrintToString(rule_ids(result));

    // In one transaction the same three statements keep ACCESS EXCLUSIVE during VALIDATE.
    b.migration.run_in_transaction = true;
    const auto same = lint::lint_migration(b.migration, b.script, {});
    EXPECT_EQ(rule_ids(same), (std::vector<std::string>{"validate-in-same-transaction"}));

    // Without the validated check, SET NOT NULL is an error with the safe recipe.
    auto only_set = build({alter("ALTER TABLE users ALTER COLUMN email SET NOT NULL", set)});
    const auto unsafe = lint::lint_migration(only_set.migration, only_set.script, {});
    ASSERT_EQ(rule_ids(unsafe), (std::vector<std::string>{"set-not-null"}));
    EXPECT_EQ(unsafe.findings[0].span.column, 32) << "points at the column";
    EXPECT_NE(unsafe.findings[0].safe_alternative.find("CHECK (email IS NOT NULL) NOT VALID"), std::string::npos);
}

TEST(LintRules, OutputsCarryTheFinding)
{
    auto b = build({create_index("users", false)});
    const auto result = lint::lint_migration(b.migration, b.script, {});
    const auto human = lint::render_human(result, b.migration.text);
    EXPECT_NE(human.find("migrations/V1__test.sql:1:1: error[index-not-concurrent]"), std::string::npos) << human;
    EXPECT_NE(human.find("ShareLock on users, blocks writes; work: full-scan"), std::string::npos) << human;
    EXPECT_NE(human.find("CREATE INDEX CONCURRENTLY i ON users (a);"), std::string::npos) << human;
    const auto json = lint::to_json(result);
    EXPECT_EQ(json["findings"][0]["rule"], "index-not-concurrent");
    EXPECT_EQ(json["findings"][0]["lock"], "ShareLock");
    EXPECT_EQ(json["blocking"], true);
    const auto github = lint::render_github(result);
    EXPECT_TRUE(github.starts_with("::error file=migrations/V1__test.sql,line=1,col=1,title=lockwise index-not-concurrent::"))
        << github;
    EXPECT_NE(github.find("%0Ainstead:%0ACREATE INDEX CONCURRENTLY"), std::string::npos) << github;
}

TEST(LintRules, RuleIdsAreUniqueAndFindable)
{
    std::set<std::string_view> ids;
    for (const auto& rule : lint::rules()) {
        EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
        EXPECT_EQ(lint::find_rule(rule.id), &rule);
    }
    EXPECT_EQ(lint::find_rule("nope"), nullptr);
    EXPECT_GE(lint::rules().size(), 30U);
}

TEST(LintContext, FromRowsKeysQualifiedAndSearchPathNames)
{
    const auto context = lint::context_from_rows({{"app", "users", "1200", "65536"}, {"public", "users", "-1", "8192"},
                                                  {"public", "orders", "99", "16384"}},
                                                 {"app", "public"});
    EXPECT_EQ(context.tables.at("app.users").estimated_rows, 1200);
    EXPECT_EQ(context.tables.at("public.users").estimated_rows, -1);
    EXPECT_EQ(context.tables.at("users").estimated_rows, 1200) << "app is first on the search_path";
    EXPECT_EQ(context.tables.at("orders").total_bytes, 16384);
}
