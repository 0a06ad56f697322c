// Data-driven lint cases (tests/data/lint/*.test): SQL in, expected findings out, run end
// to end through sql::parse_script and catalog::parse_directives. Format: docs/lint.md, "Test cases".
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <sstream>

#include "lockwise/catalog/directive.hpp"
#include "lockwise/core/text.hpp"
#include "lockwise/lint/lint.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {

struct Case {
    std::string file;
    int line = 0;          // line of the "===" header in the .test file
    std::string name;
    std::string sql;
    lint::Context context;
    bool run_in_transaction = true;
    std::vector<std::string> expected; // normalised expectation lines, sorted
};

// gtest prints parameters on failure: the case's place, not its bytes.
[[maybe_unused]] void PrintTo(const Case& c, std::ostream* os) { *os << c.file << ":" << c.line << " " << c.name; }

std::string trim(std::string_view text)
{
    return std::string(lockwise::core::trim_space(text));
}

std::vector<Case> read_cases(const std::filesystem::path& path)
{
    std::vector<Case> cases;
    std::istringstream in(testkit::read_file(path));
    std::string line;
    int number = 0;
    enum class Part { none, sql, expect } part = Part::none;
    while (std::getline(in, line)) {
        ++number;
        if (line.starts_with("=== ")) {
            cases.push_back({});
            cases.back().file = path.filename().string();
            cases.back().line = number;
            cases.back().name = trim(line.substr(4));
            part = Part::sql;
            continue;
        }
        if (cases.empty() || part == Part::none) {
            continue; // file header comments
        }
        auto& c = cases.back();
        if (part == Part::sql && line.starts_with("@")) {
            std::istringstream words(line.substr(1));
            std::string option;
            words >> option;
            if (option == "server") {
                int version = 0;
                words >> version;
                c.context.server_version_num = version;
            } else if (option == "rows") {
                std::string table;
                long long rows = 0;
                words >> table >> rows;
                c.context.tables[table] = {rows, rows * 100};
            } else if (option == "no-transaction") {
                c.run_in_transaction = false;
            } else if (option == "column") {
                // @column <table> <column> <type>: the column's type, as earlier migrations left it.
                std::string table;
                std::string column;
                std::string type;
                words >> table >> column >> type;
                lint::KnownColumn known;
                known.is_array = type.ends_with("[]");
                if (known.is_array) {
                    type.resize(type.size() - 2);
                }
                if (const auto paren = type.find('('); paren != std::string::npos) {
                    std::istringstream mods(type.substr(paren + 1));
                    long value = 0;
                    char separator = 0;
                    while (mods >> value) {
                        known.type_modifiers.push_back(value);
                        mods >> separator;
                    }
                    type.resize(paren);
                }
                known.type_name = type;
                c.context.schema[table].columns[column] = known;
            } else if (option == "utc") {
                c.context.timezone_is_utc = true;
            } else {
                ADD_FAILURE() << path << ":" << number << ": unknown option @" << option;
            }
            continue;
        }
        if (part == Part::sql && line == "----") {
            part = Part::expect;
            continue;
        }
        if (part == Part::sql) {
            c.sql += line + "\n";
        } else if (!trim(line).empty() && !line.starts_with("#") && trim(line) != "none") {
            c.expected.push_back(trim(line));
        }
    }
    for (auto& c : cases) {
        std::sort(c.expected.begin(), c.expected.end());
    }
    return cases;
}

std::vector<Case> all_cases()
{
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(testkit::source_dir() / "tests/data/lint")) {
        if (entry.path().extension() == ".test") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    std::vector<Case> cases;
    for (const auto& file : files) {
        auto more = read_cases(file);
        cases.insert(cases.end(), more.begin(), more.end());
    }
    return cases;
}

// "rule severity line:col", "... suppressed", "error: message", "warning: message".
std::vector<std::string> actual_lines(const lint::MigrationLint& result)
{
    std::vector<std::string> lines;
    for (const auto& f : result.findings) {
        lines.push_back(fmt::format("{} {} {}:{}{}", f.rule_id, lint::severity_name(f.severity), f.span.line, f.span.column,
                                    f.suppressed ? " suppressed" : ""));
    }
    for (const auto& e : result.errors) {
        lines.push_back(fmt::format("error {}:{}: {}", e.line, e.column, e.message));
    }
    for (const auto& w : result.warnings) {
        lines.push_back(fmt::format("warning {}:{}: {}", w.line, w.column, w.message));
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

class LintCase : public testing::TestWithParam<Case> {};

TEST_P(LintCase, FindingsMatch)
{
    const auto& c = GetParam();
    catalog::Migration migration;
    migration.display_path = c.file;
    migration.text = c.sql;
    migration.up_end = c.sql.size();
    migration.run_in_transaction = c.run_in_transaction;
    const auto directives = catalog::parse_directives(c.sql, 0, c.sql.size(), c.file);
    migration.directives = directives.directives;
    for (const auto& d : migration.directives) {
        if (d.name == "no-transaction") {
            migration.run_in_transaction = false;
        }
    }
    const auto script = sql::parse_script(c.sql);
    const auto result = lint::lint_migration(migration, script, c.context);
    auto actual = actual_lines(result);
    // Catalog's own directive errors are part of what a user sees for this file.
    for (const auto& e : directives.errors) {
        actual.push_back(fmt::format("catalog-error {}:{}: {}", e.line, e.column, e.message));
    }
    std::sort(actual.begin(), actual.end());
    EXPECT_EQ(actual, c.expected) << c.file << ":" << c.line << " (" << c.name << ")\n"
                                  << lint::render_human(result, c.sql, {true, true});
    // Every finding renders in all three outputs without throwing.
    EXPECT_NO_THROW((void)lint::to_json(result).dump());
    EXPECT_NO_THROW((void)lint::render_github(result));
}

std::string case_name(const testing::TestParamInfo<Case>& info)
{
    std::string name = fmt::format("{}_{}_{}", info.param.file.substr(0, info.param.file.find('.')), info.param.line,
                                   info.param.name);
    for (auto& ch : name) {
        if (std::isalnum(static_cast<unsigned char>(ch)) == 0) {
            ch = '_';
        }
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Data, LintCase, testing::ValuesIn(all_cases()), case_name);

TEST(LintCases, EveryRuleHasThreeCases)
{
    std::map<std::string, int> seen;
    for (const auto& c : all_cases()) {
        for (const auto& e : c.expected) {
            seen[e.substr(0, e.find(' '))] += 1;
        }
    }
    for (const auto& rule : lint::rules()) {
        if (rule.id == "backfill-batch-scans-whole") {
            continue; // judged by the server's planner: tests/cli/test_cli_bad_input.cpp runs it against one
        }
        EXPECT_GE(seen[std::string(rule.id)], 3) << rule.id << " needs at least three expected findings in tests/data/lint";
    }
}

} // namespace
