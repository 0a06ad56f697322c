// The classifier's predicted locks checked against PostgreSQL itself: each
// case of tests/data/classify/*.test runs in a transaction on a prepared
// schema, and the locks its backend holds (pg_locks) must match the prediction.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <map>

#include "lockwise/pg/connection.hpp"
#include "lockwise/sql/statement.hpp"
#include "support/testing.hpp"
#include "unit/test_sql_cases.hpp"

using namespace lockwise;

namespace {

struct ActualLock {
    sql::LockMode mode = sql::LockMode::none;
    char relkind = 'r';
};

// Relations are matched by OID resolved before the statement runs: a renamed
// or dropped relation no longer has its old name in pg_class afterwards.
std::map<std::string, std::string> oids_of(pg::Connection& connection, const std::vector<sql::RelationLock>& locks)
{
    std::map<std::string, std::string> names; // oid -> predicted name
    for (const auto& lock : locks) {
        const auto qualified = lock.schema.empty() ? lock.name : lock.schema + "." + lock.name;
        const auto result = connection.exec_params("SELECT to_regclass($1)::oid", {qualified});
        if (!result.is_null(0, 0)) {
            names[std::string(result.get(0, 0))] = lock.name;
        }
    }
    return names;
}

// Strongest mode per relation this backend holds, catalogs, TOAST and composite types left out.
std::map<std::string, ActualLock> held_locks(pg::Connection& connection,
                                             const std::map<std::string, std::string>& names_before = {})
{
    const auto result = connection.exec(
        "SELECT l.relation::text, c.relname, l.mode, c.relkind FROM pg_locks l "
        "LEFT JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND coalesce(n.nspname, '') NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
        "AND coalesce(c.relkind, 'r') <> 'c'");
    std::map<std::string, ActualLock> locks;
    for (int row = 0; row < result.rows(); ++row) {
        const std::string oid(result.get(row, 0));
        const auto before = names_before.find(oid);
        const std::string name = before != names_before.end() ? before->second
                                 : result.is_null(row, 1)     ? "oid " + oid
                                                              : std::string(result.get(row, 1));
        if (before == names_before.end() && result.is_null(row, 1)) {
            continue; // dropped by the statement and not predicted: an index or sequence that went with it
        }
        const auto mode = sql::lock_mode_from_name(result.get(row, 2)).value_or(sql::LockMode::none);
        auto& lock = locks[name];
        lock.mode = std::max(lock.mode, mode);
        lock.relkind = result.get(row, 3).empty() ? 'r' : result.get(row, 3)[0];
    }
    return locks;
}

std::string describe(const std::vector<sql::RelationLock>& locks)
{
    std::string text;
    for (const auto& lock : locks) {
        text += fmt::format(" {}={}", lock.name, sql::lock_mode_name(lock.mode));
    }
    return text.empty() ? " (none)" : text;
}

std::string describe(const std::map<std::string, ActualLock>& locks)
{
    std::string text;
    for (const auto& [name, lock] : locks) {
        text += fmt::format(" {}={}", name, sql::lock_mode_name(lock.mode));
    }
    return text.empty() ? " (none)" : text;
}

// Compares one case; returns "" when prediction and reality agree, else the discrepancy.
std::string check_case(pg::Connection& connection, const testdata::ClassifyCase& current)
{
    const auto script = sql::parse_script(current.sql);
    if (!script.errors.empty() || script.statements.size() != 1) {
        return "the classifier did not yield exactly one statement";
    }
    const auto& predicted = script.statements[0].locks;
    std::map<std::string, ActualLock> actual;
    const auto names_before = oids_of(connection, predicted);
    connection.exec("BEGIN");
    try {
        connection.exec(current.sql);
        actual = held_locks(connection, names_before);
    } catch (const pg::SqlError& error) {
        connection.exec("ROLLBACK");
        return fmt::format("PostgreSQL refused the statement: {}", error.what());
    }
    connection.exec("ROLLBACK");

    std::vector<std::string> problems;
    for (const auto& lock : predicted) {
        const auto found = actual.find(lock.name);
        if (found == actual.end()) {
            problems.push_back(fmt::format("{} is not locked at all", lock.name));
        } else if (found->second.mode != lock.mode) {
            problems.push_back(fmt::format("{}: predicted {}, actual {}", lock.name, sql::lock_mode_name(lock.mode),
                                           sql::lock_mode_name(found->second.mode)));
        }
    }
    const auto unpredicted = current.words("unpredicted");
    for (const auto& [name, lock] : actual) {
        const bool named = std::any_of(predicted.begin(), predicted.end(),
                                       [&](const sql::RelationLock& item) { return item.name == name; });
        const bool index = lock.relkind == 'i' || lock.relkind == 'I';
        const bool excused = std::find(unpredicted.begin(), unpredicted.end(), name) != unpredicted.end();
        if (!named && !index && !excused) {
            problems.push_back(fmt::format("{} is locked ({}) but not predicted", name, sql::lock_mode_name(lock.mode)));
        }
    }
    if (problems.empty()) {
        return {};
    }
    std::string report;
    for (const auto& problem : problems) {
        report += "\n    " + problem;
    }
    return fmt::format("{}\n  predicted:{}\n  actual:   {}", report, describe(predicted), describe(actual));
}

TEST(SqlLockTruth, PredictedLocksMatchPgLocks)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    connection.exec(testkit::read_file(testkit::source_dir() / "tests/data/classify/schema.sql"));
    const auto cases = testdata::read_cases(testkit::source_dir() / "tests/data/classify");
    int checked = 0;
    std::string failures;
    for (const auto& current : cases) {
        if (!current.verify) {
            continue;
        }
        ++checked;
        if (const auto problem = check_case(connection, current); !problem.empty()) {
            failures += fmt::format("\ncase {} ({})\n  sql: {}{}\n", current.name, current.location, current.sql, problem);
        }
    }
    EXPECT_TRUE(failures.empty()) << failures;
    EXPECT_GE(checked, 60) << "too few cases verified against PostgreSQL";
    std::cout << "verified " << checked << " of " << cases.size() << " cases against pg_locks\n";
}

TEST(SqlLockTruth, ForeignKeyValidationInOneScriptNamesTheReferencedTable)
{
    auto connection = pg::Connection::connect(testkit::fresh_database());
    connection.exec(testkit::read_file(testkit::source_dir() / "tests/data/classify/schema.sql"));
    const std::string text = "ALTER TABLE archive ADD CONSTRAINT archive_lead_fk FOREIGN KEY (lead_id) "
                             "REFERENCES leads (id) NOT VALID;\n"
                             "ALTER TABLE archive VALIDATE CONSTRAINT archive_lead_fk;\n";
    const auto script = sql::parse_script(text);
    ASSERT_EQ(script.statements.size(), 2U);
    connection.exec(script.statements[0].text);
    connection.exec("BEGIN");
    connection.exec(script.statements[1].text);
    const auto actual = held_locks(connection);
    connection.exec("ROLLBACK");
    std::map<std::string, sql::LockMode> predicted;
    for (const auto& lock : script.statements[1].locks) {
        predicted[lock.name] = lock.mode;
    }
    ASSERT_EQ(predicted.size(), 2U) << describe(script.statements[1].locks);
    for (const auto& [name, mode] : predicted) {
        ASSERT_TRUE(actual.contains(name)) << name;
        EXPECT_EQ(actual.at(name).mode, mode) << name << ": actual" << describe(actual);
    }
}

} // namespace
