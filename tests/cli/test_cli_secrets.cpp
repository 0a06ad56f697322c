// Secrets never leave lockwise: with a password in DATABASE_URL or --database-url, no
// output of any command (plain or JSON logs, errors, summaries, config) contains it, on
// success or failure (wrong password, unreachable host). Also: quoted history identifiers.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/throwaway_cluster.hpp"
#include "support/testing.hpp"

namespace lockwise::testkit {
namespace {

constexpr const char* k_password = "S3cr3t-Pa55word-xyzzy";
constexpr const char* k_wrong_password = "Wr0ng-Pa55word-plugh";

// A cluster that asks for a password over TCP (the default test cluster trusts everyone).
pg::ThrowawayCluster& password_cluster()
{
    static pg::ThrowawayCluster instance([] {
        pg::ThrowawayCluster::Options options;
        options.hba_lines = {"host all all 127.0.0.1/32 scram-sha-256"};
        return options;
    }());
    static const bool prepared = [] {
        auto admin = pg::Connection::connect(instance.conninfo(), "secrets-setup");
        admin.exec(fmt::format("CREATE ROLE app LOGIN PASSWORD '{}'", k_password));
        admin.exec("CREATE DATABASE app OWNER app");
        return true;
    }();
    (void)prepared;
    return instance;
}

std::string url(const std::string& password, int port)
{
    return fmt::format("postgresql://app:{}@127.0.0.1:{}/app?connect_timeout=3", password, port);
}

std::string keyword_conninfo(const std::string& password, int port)
{
    return fmt::format("host=127.0.0.1 port={} user=app password={} dbname=app connect_timeout=3", port, password);
}

void expect_no_secret(const CliResult& result, const std::string& what)
{
    for (const char* secret : {k_password, k_wrong_password}) {
        EXPECT_EQ(result.output.find(secret), std::string::npos) << what << " printed the password:\n" << result.output;
    }
}

struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
};

std::vector<Case> every_command(const std::filesystem::path& migrations, const std::string& secret_url)
{
    std::vector<Case> cases;
    for (const char* log_format : {"plain", "json"}) {
        for (const bool via_flag : {false, true}) {
            std::vector<std::string> common = {"--migrations", migrations.string(), "--log-format", log_format, "--verbose"};
            std::map<std::string, std::string> env;
            if (via_flag) {
                common.insert(common.end(), {"--database-url", secret_url});
            } else {
                env["DATABASE_URL"] = secret_url;
            }
            for (const auto& command : std::vector<std::vector<std::string>>{
                     {"migrate"}, {"migrate", "--json"}, {"status"}, {"status", "--json"}, {"plan"}, {"config"}, {"lint"}}) {
                Case c{command, env};
                c.args.insert(c.args.end(), common.begin(), common.end());
                cases.push_back(c);
            }
        }
    }
    return cases;
}

TEST(Secrets, NoCommandPrintsThePassword)
{
    auto& pg = password_cluster();
    TempDir dir;
    dir.write("migrations/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY, v text);\n");
    dir.write("migrations/V2__idx.sql", "CREATE INDEX CONCURRENTLY t_v_idx ON t (v);\n");
    for (const auto& secret_url : {url(k_password, pg.port()), keyword_conninfo(k_password, pg.port())}) {
        int succeeded = 0;
        for (const auto& c : every_command(dir.path() / "migrations", secret_url)) {
            const auto result = run_lockwise(c.args, c.env);
            expect_no_secret(result, fmt::format("lockwise {}", fmt::join(c.args, " ")));
            succeeded += result.exit_code == 0 ? 1 : 0;
        }
        // Everything ran for real (the password was right): a test that only saw failures proves little.
        EXPECT_GE(succeeded, 24) << secret_url;
    }
    // The history records who ran it, never how they logged in.
    auto admin = pg::Connection::connect(pg.conninfo("app"), "secrets-check");
    auto history = admin.exec("SELECT string_agg(t::text, ' ') FROM lockwise.schema_history t");
    EXPECT_EQ(std::string(history.get(0, 0)).find(k_password), std::string::npos);
}

TEST(Secrets, WrongPasswordFailsWithoutPrintingIt)
{
    auto& pg = password_cluster();
    TempDir dir;
    dir.write("migrations/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    for (const auto& secret_url : {url(k_wrong_password, pg.port()), keyword_conninfo(k_wrong_password, pg.port())}) {
        for (const auto& c : every_command(dir.path() / "migrations", secret_url)) {
            const auto result = run_lockwise(c.args, c.env);
            expect_no_secret(result, fmt::format("lockwise {}", fmt::join(c.args, " ")));
            const bool needs_database = c.args[0] == "migrate" || c.args[0] == "status";
            if (needs_database) {
                EXPECT_EQ(result.exit_code, 7) << result.output;
                EXPECT_NE(result.output.find("password authentication failed"), std::string::npos) << result.output;
            }
        }
    }
}

TEST(Secrets, UnreachableHostFailsWithoutPrintingThePassword)
{
    TempDir dir;
    dir.write("migrations/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    // Port 1 on loopback: connection refused at once.
    for (const auto& c : every_command(dir.path() / "migrations", url(k_password, 1))) {
        const auto result = run_lockwise(c.args, c.env);
        expect_no_secret(result, fmt::format("lockwise {}", fmt::join(c.args, " ")));
        if (c.args[0] == "migrate" || c.args[0] == "status") {
            EXPECT_EQ(result.exit_code, 7) << result.output;
        }
    }
    // Waiting for the database logs each failed attempt: none of them may carry the password either.
    const auto waited = run_lockwise({"migrate", "--migrations", (dir.path() / "migrations").string(), "--wait-for-db", "1s",
                                      "--log-format", "json"},
                                     {{"DATABASE_URL", url(k_password, 1)}});
    EXPECT_EQ(waited.exit_code, 7) << waited.output;
    expect_no_secret(waited, "migrate --wait-for-db");
}

TEST(Secrets, HistoryIdentifiersAreQuotedEverywhere)
{
    const auto db = fresh_database();
    TempDir dir;
    dir.write("migrations/V1__t.sql",
              "CREATE TABLE t (id bigint PRIMARY KEY, grp int NOT NULL, v text);\n"
              "INSERT INTO t SELECT g, g % 3, NULL FROM generate_series(1, 500) g;\n");
    dir.write("migrations/V2__backfill.sql",
              "CREATE INDEX CONCURRENTLY t_v_idx ON t (v);\n\n"
              "-- lockwise:backfill key=id partition=grp batch=100 pending=\"v IS NULL\"\n"
              "UPDATE t SET v = 'x' || id WHERE v IS NULL;\n");
    const std::map<std::string, std::string> env = {{"DATABASE_URL", db},
                                                    {"LOCKWISE_HISTORY_SCHEMA", "we\"ird schema"},
                                                    {"LOCKWISE_HISTORY_TABLE", "hist'ory \"table\"; DROP TABLE t; --"}};
    const auto migrations = (dir.path() / "migrations").string();
    const auto first = run_lockwise({"migrate", "--migrations", migrations}, env);
    ASSERT_EQ(first.exit_code, 0) << first.output;
    const auto again = run_lockwise({"migrate", "--migrations", migrations}, env);
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("0 migration(s) applied"), std::string::npos) << again.output;
    const auto status = run_lockwise({"status", "--migrations", migrations, "--json"}, env);
    EXPECT_EQ(status.exit_code, 0) << status.output;
    auto connection = pg::Connection::connect(db, "secrets-check");
    auto tables = connection.exec(
        "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'we\"ird schema' AND c.relkind = 'r'");
    EXPECT_NE(std::string(tables.get(0, 0)).find("hist'ory \"table\"; DROP TABLE t; --"), std::string::npos) << tables.get(0, 0);
    auto rows = connection.exec("SELECT count(*), count(v) FROM t");
    EXPECT_EQ(rows.get_int(0, 0), 500);
    EXPECT_EQ(rows.get_int(0, 1), 500);
    auto applied = connection.exec("SELECT count(*) FROM \"we\"\"ird schema\".\"hist'ory \"\"table\"\"; DROP TABLE t; --\" "
                                   "WHERE status = 'succeeded'");
    EXPECT_EQ(applied.get_int(0, 0), 2);
    // Nothing went to the default location.
    auto default_schema = connection.exec("SELECT count(*) FROM pg_namespace WHERE nspname = 'lockwise'");
    EXPECT_EQ(default_schema.get_int(0, 0), 0);
}

} // namespace
} // namespace lockwise::testkit
