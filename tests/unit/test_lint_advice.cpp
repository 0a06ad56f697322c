// lockwise's own advice lints clean: for each dangerous statement, the `instead:` SQL of its
// finding, written as migrations (split where it says "in a later transaction / migration")
// after a base schema of big tables, leaves no warning and no error.
#include <gtest/gtest.h>

#include <sstream>

#include "lockwise/catalog/directive.hpp"
#include "lockwise/lint/lint.hpp"

using namespace lockwise;

namespace {

struct AdviceCase {
    std::string rule;
    std::string dangerous;
};

const std::vector<AdviceCase> k_cases = {
    {"index-not-concurrent", "CREATE INDEX accounts_email_idx ON accounts (email)"},
    {"drop-index-not-concurrent", "DROP INDEX accounts_name_idx"},
    {"reindex-not-concurrent", "REINDEX INDEX accounts_name_idx"},
    {"set-not-null", "ALTER TABLE accounts ALTER COLUMN email SET NOT NULL"},
    {"check-not-valid", "ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email <> '')"},
    {"foreign-key-not-valid", "ALTER TABLE orders ADD CONSTRAINT orders_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (id)"},
    {"unique-without-index", "ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email)"},
    {"add-column-volatile-default", "ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid()"},
    {"add-column-inline-constraint", "ALTER TABLE orders ADD COLUMN owner_id bigint REFERENCES accounts (id)"},
    {"add-column-generated-stored", "ALTER TABLE accounts ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED"},
    {"alter-column-type", "ALTER TABLE accounts ALTER COLUMN name TYPE varchar(20)"},
    {"unbatched-update", "UPDATE accounts SET name = ''"},
    {"rename-table", "ALTER TABLE accounts RENAME TO customers"},
};

const char* const k_base_schema =
    "CREATE TABLE accounts (id bigint PRIMARY KEY, email text, name text);\n"
    "CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint);\n"
    "CREATE INDEX accounts_name_idx ON accounts (name);\n";

catalog::Migration migration(int version, std::string text)
{
    catalog::Migration m;
    m.display_path = "migrations/V" + std::to_string(version) + "__advice.sql";
    m.text = std::move(text);
    m.up_begin = 0;
    m.up_end = m.text.size();
    m.run_in_transaction = m.text.find("CONCURRENTLY") == std::string::npos;
    m.directives = catalog::parse_directives(m.text, 0, m.text.size(), m.display_path).directives;
    return m;
}

lint::Context big_tables()
{
    lint::Context context;
    context.server_version_num = 150000;
    for (const auto* table : {"accounts", "orders"}) {
        context.tables[table] = lint::TableFacts{1'000'000, 100LL << 20};
        context.tables[std::string("public.") + table] = lint::TableFacts{1'000'000, 100LL << 20};
    }
    return context;
}

// The advice split into migrations: a new one at each "-- in a later ..." line; placeholders filled.
std::vector<std::string> split_advice(const std::string& advice)
{
    std::vector<std::string> parts(1);
    std::istringstream lines(advice);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("-- in a later")) {
            parts.emplace_back();
            continue;
        }
        for (std::size_t at = line.find("<expression>"); at != std::string::npos; at = line.find("<expression>")) {
            line.replace(at, 12, "lower(email)");
        }
        parts.back() += line + "\n";
    }
    return parts;
}

} // namespace

TEST(LintAdvice, EveryInsteadLintsClean)
{
    const auto context = big_tables();
    for (const auto& c : k_cases) {
        SCOPED_TRACE(c.rule + ": " + c.dangerous);
        const auto before = lint::lint_migrations({migration(1, k_base_schema), migration(2, c.dangerous + ";\n")}, context);
        ASSERT_EQ(before.size(), 2U);
        const lint::Finding* finding = nullptr;
        for (const auto& f : before[1].findings) {
            if (f.rule_id == c.rule) {
                finding = &f;
            }
        }
        ASSERT_NE(finding, nullptr) << "the dangerous statement must produce the finding";
        ASSERT_FALSE(finding->safe_alternative.empty());

        std::vector<catalog::Migration> migrations{migration(1, k_base_schema)};
        for (const auto& part : split_advice(finding->safe_alternative)) {
            migrations.push_back(migration(static_cast<int>(migrations.size()) + 1, part));
        }
        const auto after = lint::lint_migrations(migrations, context);
        for (std::size_t i = 1; i < after.size(); ++i) {
            EXPECT_TRUE(after[i].errors.empty()) << migrations[i].text;
            for (const auto& f : after[i].findings) {
                EXPECT_TRUE(f.suppressed || f.severity == lint::Severity::info)
                    << "advice of " << c.rule << " gets " << f.rule_id << ": " << f.message << "\nin:\n" << migrations[i].text;
            }
        }
    }
}
