// The lock truth test: every case of tests/data/classify/*.test runs on a
// throwaway PostgreSQL against the schema of tests/data/classify/schema.sql, and
// the locks its backend takes (pg_locks) must be exactly the classifier's list,
// dependent relations included, with the dependencies read from the live catalog
// (locks::read_schema_facts). The same list must come out offline, from what
// schema.sql declares. Statements that can't run in a transaction are observed
// from a second session while they wait behind a third one's transaction.
//
// Rules of the comparison: a relation of the schema is matched by OID resolved
// before the statement (so drops and renames are seen); catalogs, TOAST tables
// and composite types are left out; an index the classifier does not name is
// left out (PostgreSQL locks every index of a table it writes or rewrites, and a
// query's plan picks others: that is the table's lock, not a second one).
// A case may say `-- versions: 13-15` or `-- versions: 16-` to run only there;
// LOCKWISE_TRUTH_MAX_CASES limits the number of cases (sanitizer runs).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "lockwise/locks/dependencies.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/sql/facts.hpp"
#include "lockwise/sql/statement.hpp"
#include "support/testing.hpp"
#include "unit/test_sql_cases.hpp"

using namespace lockwise;

namespace {

struct Relation {
    std::string name;
    char kind = 'r';
};

struct Outcome {
    std::map<std::string, sql::LockMode> locks; // relation name -> strongest mode
    std::string error;                          // PostgreSQL refused the statement
};

constexpr const char* k_user_relations = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
                                         "AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%' AND c.relkind <> 'c'";

// Every relation of the schema by OID, read before the statement runs.
std::map<std::string, Relation> relations_before(pg::Connection& connection)
{
    std::map<std::string, Relation> relations;
    const auto result = connection.exec(
        std::string("SELECT c.oid::text, c.relname, c.relkind::text FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ") + k_user_relations);
    for (int row = 0; row < result.rows(); ++row) {
        relations[std::string(result.get(row, 0))] = {std::string(result.get(row, 1)), result.get(row, 2)[0]};
    }
    return relations;
}

// The relation locks `pid` holds (and, observed from outside, waits for), by name.
std::map<std::string, sql::LockMode> locks_of(pg::Connection& connection, int pid,
                                              const std::map<std::string, Relation>& before,
                                              const std::set<std::string>& named_indexes, bool existing_only)
{
    const auto result = connection.exec_params(
        std::string("SELECT l.relation::text, l.mode, c.relname, c.relkind::text, n.nspname FROM pg_locks l "
                    "LEFT JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE l.pid = $1 AND l.locktype = 'relation' "
                    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
        {std::to_string(pid)});
    std::map<std::string, sql::LockMode> locks;
    for (int row = 0; row < result.rows(); ++row) {
        const std::string oid(result.get(row, 0));
        Relation relation;
        if (const auto found = before.find(oid); found != before.end()) {
            relation = found->second;
        } else if (existing_only || result.is_null(row, 2)) {
            continue; // created by the statement and gone again, or (observed) not there before
        } else {
            const std::string schema(result.get(row, 4));
            if (schema == "pg_catalog" || schema == "information_schema" || schema.starts_with("pg_toast") ||
                result.get(row, 3) == "c") {
                continue;
            }
            relation = {std::string(result.get(row, 2)), result.get(row, 3)[0]};
        }
        if ((relation.kind == 'i' || relation.kind == 'I') && !named_indexes.contains(relation.name)) {
            continue;
        }
        const auto mode = sql::lock_mode_from_name(result.get(row, 1)).value_or(sql::LockMode::none);
        auto& held = locks[relation.name];
        held = std::max(held, mode);
    }
    return locks;
}

std::string describe(const std::map<std::string, sql::LockMode>& locks)
{
    std::string text;
    for (const auto& [name, mode] : locks) {
        text += fmt::format(" {}={}", name, sql::lock_mode_name(mode));
    }
    return text.empty() ? " (none)" : text;
}

std::map<std::string, sql::LockMode> by_name(const std::vector<sql::RelationLock>& locks, bool existing_only)
{
    std::map<std::string, sql::LockMode> out;
    for (const auto& lock : locks) {
        if (!(existing_only && lock.created_by_statement)) {
            out[lock.name] = std::max(out[lock.name], lock.mode);
        }
    }
    return out;
}

// "statement: relation predicted X vs real Y" for each difference.
std::vector<std::string> differences(const std::string& statement, const std::map<std::string, sql::LockMode>& predicted,
                                     const std::map<std::string, sql::LockMode>& actual, const std::vector<std::string>& excused)
{
    std::vector<std::string> out;
    std::set<std::string> names;
    for (const auto& [name, mode] : predicted) {
        names.insert(name);
    }
    for (const auto& [name, mode] : actual) {
        names.insert(name);
    }
    for (const auto& name : names) {
        const auto p = predicted.contains(name) ? predicted.at(name) : sql::LockMode::none;
        const auto a = actual.contains(name) ? actual.at(name) : sql::LockMode::none;
        if (p != a && !(p == sql::LockMode::none && std::find(excused.begin(), excused.end(), name) != excused.end())) {
            out.push_back(fmt::format("{}: {} predicted {} vs real {}", statement, name,
                                      p == sql::LockMode::none ? "no lock" : sql::lock_mode_name(p),
                                      a == sql::LockMode::none ? "no lock" : sql::lock_mode_name(a)));
        }
    }
    return out;
}

bool runs_on(const testdata::ClassifyCase& current, int server_version)
{
    const auto range = current.value("versions");
    if (range.empty()) {
        return true;
    }
    const int major = server_version / 10000;
    const auto dash = range.find('-');
    const int low = std::atoi(range.substr(0, dash).c_str());
    const int high = dash == std::string::npos ? low : dash + 1 < range.size() ? std::atoi(range.substr(dash + 1).c_str()) : 1000;
    return major >= low && major <= high;
}

class LockTruth {
public:
    LockTruth()
    {
        m_schema = testkit::read_file(testkit::source_dir() / "tests/data/classify/schema.sql");
        m_database = testkit::fresh_database();
        auto connection = pg::Connection::connect(m_database);
        connection.exec(m_schema);
        m_online = locks::read_schema_facts(connection);
        m_database_name = std::string(connection.exec("SELECT current_database()").get(0, 0));
        sql::parse_script(m_schema, 0, std::string_view::npos, m_offline);
        m_server_version = connection.server_version();
        m_offline.server_version_num = m_server_version; // as lint.server_version says offline
    }

    // The statement's locks with the given facts ("" errors when it is not one statement).
    std::optional<sql::Statement> classify(const std::string& text, const sql::SchemaFacts& facts) const
    {
        auto copy = facts;
        auto script = sql::parse_script(text, 0, std::string_view::npos, copy);
        if (!script.errors.empty() || script.statements.size() != 1) {
            return std::nullopt;
        }
        return script.statements[0];
    }

    std::vector<std::string> check(const testdata::ClassifyCase& current)
    {
        const auto online = classify(current.sql, m_online);
        const auto offline = classify(current.sql, m_offline);
        if (!online || !offline) {
            return {current.sql + ": the classifier did not yield exactly one statement"};
        }
        const bool observed = !online->transactional;
        auto problems = differences(current.sql + " (offline vs online facts)", by_name(offline->locks, false),
                                    by_name(online->locks, false), {});
        std::set<std::string> named_indexes;
        for (const auto& lock : online->locks) {
            named_indexes.insert(lock.name);
        }
        const auto outcome = observed ? observe(current, named_indexes) : run(current.sql, named_indexes);
        if (!outcome.error.empty()) {
            problems.push_back(current.sql + ": PostgreSQL refused the statement: " + outcome.error);
            return problems;
        }
        auto predicted = by_name(online->locks, observed);
        // IF EXISTS on a relation that is not there: nothing to lock.
        std::erase_if(predicted, [&](const auto& item) {
            const bool created = std::any_of(online->locks.begin(), online->locks.end(), [&](const sql::RelationLock& lock) {
                return lock.name == item.first && lock.created_by_statement;
            });
            return !created && !m_existing.contains(item.first);
        });
        auto found = differences(current.sql, predicted, outcome.locks, current.words("unpredicted"));
        if (!found.empty()) {
            found.push_back(fmt::format("  predicted:{}\n  real:     {}", describe(predicted), describe(outcome.locks)));
        }
        problems.insert(problems.end(), found.begin(), found.end());
        return problems;
    }

    int server_version() const { return m_server_version; }

private:
    Outcome run(const std::string& text, const std::set<std::string>& named_indexes)
    {
        m_existing.clear();
        if (!m_connection) {
            m_connection = pg::Connection::connect(m_database);
        }
        auto& connection = m_connection;
        Outcome outcome;
        const auto before = relations_before(connection);
        for (const auto& [oid, relation] : before) {
            m_existing.insert(relation.name);
        }
        connection.exec("BEGIN");
        try {
            connection.exec(text);
            outcome.locks = locks_of(connection, connection.backend_pid(), before, named_indexes, false);
        } catch (const pg::SqlError& error) {
            outcome.error = error.what();
        }
        connection.exec("ROLLBACK");
        return outcome;
    }

    // Runs the statement in a copy of the schema's database while a third session's open
    // transaction (`-- blocker:`) holds it up, and reads its locks from a second session.
    Outcome observe(const testdata::ClassifyCase& current, const std::set<std::string>& named_indexes)
    {
        m_connection = pg::Connection(); // a template must have no connections
        const auto copy = fmt::format("truth_copy_{}", ++m_copies);
        auto admin = pg::Connection::connect(testkit::cluster().conninfo("postgres"));
        for (int attempt = 1;; ++attempt) {
            try {
                admin.exec(fmt::format("CREATE DATABASE {} TEMPLATE {}", copy, m_database_name));
                break;
            } catch (const pg::SqlError&) {
                if (attempt == 20) {
                    throw; // a closed connection's backend takes a moment to leave the template
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
        Outcome outcome;
        {
            const auto conninfo = testkit::cluster().conninfo(copy);
            auto runner = pg::Connection::connect(conninfo);
            auto watcher = pg::Connection::connect(conninfo);
            auto blocker = pg::Connection::connect(conninfo);
            const auto before = relations_before(watcher);
            m_existing.clear();
            for (const auto& [oid, relation] : before) {
                m_existing.insert(relation.name);
            }
            blocker.exec("BEGIN");
            if (const auto blocking = current.value("blocker"); !blocking.empty()) {
                blocker.exec(blocking);
            }
            runner.send(current.sql);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            bool waiting = false;
            while (!waiting && std::chrono::steady_clock::now() < deadline) {
                waiting = watcher
                              .exec_params("SELECT wait_event_type IN ('Lock') FROM pg_stat_activity WHERE pid = $1",
                                           {std::to_string(runner.backend_pid())})
                              .get_bool(0, 0);
                if (!waiting) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
            }
            if (!waiting) {
                outcome.error = "the statement never waited behind the blocker: nothing was observed";
            } else {
                outcome.locks = locks_of(watcher, runner.backend_pid(), before, named_indexes, true);
            }
            blocker.exec("ROLLBACK");
            try {
                while (auto result = runner.wait(std::chrono::seconds(60))) {
                    (void)result;
                    break;
                }
            } catch (const pg::SqlError& error) {
                outcome.error = error.what();
            }
        }
        admin.exec(fmt::format("DROP DATABASE {}", copy));
        return outcome;
    }

    std::string m_schema;
    std::string m_database;
    std::string m_database_name;
    pg::Connection m_connection;
    sql::SchemaFacts m_online;
    sql::SchemaFacts m_offline;
    int m_server_version = 0;
    int m_copies = 0;
    std::set<std::string> m_existing; // relation names before the current case's statement
};

TEST(LockTruth, ClassifierLocksArePgLocks)
{
    LockTruth truth;
    auto cases = testdata::read_cases(testkit::source_dir() / "tests/data/classify");
    std::size_t limit = cases.size();
    if (const char* value = std::getenv("LOCKWISE_TRUTH_MAX_CASES"); value != nullptr && std::atoi(value) > 0) {
        limit = static_cast<std::size_t>(std::atoi(value));
    }
    int checked = 0;
    int agreed = 0;
    std::string failures;
    // Transactional cases first: the observed ones need the schema's database without connections.
    std::stable_sort(cases.begin(), cases.end(), [&](const auto& a, const auto& b) {
        return !a.value("blocker").empty() < !b.value("blocker").empty();
    });
    for (const auto& current : cases) {
        if (!current.verify || !runs_on(current, truth.server_version()) || static_cast<std::size_t>(checked) >= limit) {
            continue;
        }
        ++checked;
        const auto problems = truth.check(current);
        if (problems.empty()) {
            ++agreed;
            continue;
        }
        failures += fmt::format("\ncase {} ({})", current.name, current.location);
        for (const auto& problem : problems) {
            failures += "\n  " + problem;
        }
    }
    std::cout << fmt::format("lock truth: {} of {} statements agree with pg_locks ({:.1f}%), PostgreSQL {}\n", agreed, checked,
                             checked == 0 ? 0.0 : 100.0 * agreed / checked, truth.server_version());
    EXPECT_TRUE(failures.empty()) << failures;
    if (limit == cases.size()) {
        EXPECT_GE(checked, 250) << "too few statements verified against PostgreSQL";
    }
}

} // namespace
