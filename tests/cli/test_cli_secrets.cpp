// Secrets never leave lockwise: with a password in DATABASE_URL or --database-url, no
// output of any command (plain or JSON logs, errors, summaries, config) contains it, on
// success or failure (wrong password, unreachable host). Also: quoted history identifiers.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>

#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/throwaway_cluster.hpp"
#include "support/testing.hpp"

namespace lockwise::testkit {
namespace {

constexpr const char* k_password = "S3cr3t-Pa55word-xyzzy";
constexpr const char* k_wrong_password = "Wr0ng-Pa55word-plugh";

// A cluster that asks for a password over TCP (the default test cluster has no TCP).
pg::ThrowawayCluster& password_cluster()
{
    static pg::ThrowawayCluster instance([] {
        pg::ThrowawayCluster::Options options;
        options.tcp = true;
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

// The two passwords of issue "no secret may reach any output": a bare '%' in a URI (libpq can't
// parse it and used to quote it back) and a comma in a keyword value (the scrubber used to stop
// there). Each distinctive part is searched for in everything lockwise wrote.
constexpr const char* k_percent_password = "SEC%zzRET";
constexpr const char* k_comma_password = "Comma,b0b-secret";

void expect_none_of(const std::string& text, const std::vector<std::string>& secrets, const std::string& what)
{
    for (const auto& secret : secrets) {
        EXPECT_EQ(text.find(secret), std::string::npos) << what << " shows \"" << secret << "\":\n" << text;
    }
}

TEST(Secrets, UnparsableConnectionStringsNeverEchoTheirPassword)
{
    TempDir dir;
    dir.write("migrations/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    const auto migrations = (dir.path() / "migrations").string();
    const std::vector<std::string> secrets = {k_percent_password, "zzRET", "TAIL-s3cr3t", ",b0b"};
    const std::vector<std::string> bad_urls = {fmt::format("postgresql://u:{}@h/db", k_percent_password),
                                               fmt::format("host=h password={} TAIL-s3cr3t", k_comma_password)};
    for (const auto& bad : bad_urls) {
        for (const char* log_format : {"plain", "json"}) {
            for (const auto& command : std::vector<std::string>{"config", "status", "migrate", "plan"}) {
                const std::vector<std::string> common = {command, "--migrations", migrations, "--log-format", log_format};
                auto flag_args = common;
                flag_args.insert(flag_args.end(), {"--database-url", bad});
                for (const auto& result :
                     {run_lockwise(flag_args), run_lockwise(common, {{"DATABASE_URL", bad}})}) {
                    EXPECT_EQ(result.exit_code, 2) << result.output;
                    EXPECT_NE(result.output.find("invalid connection string: "), std::string::npos) << result.output;
                    EXPECT_NE(result.output.find("the value is not shown"), std::string::npos) << result.output;
                    expect_none_of(result.output, secrets, "lockwise " + command);
                }
            }
        }
    }
    // The same strings from a targets file and from --targets-query rows.
    std::string lines;
    for (std::size_t i = 0; i < bad_urls.size(); ++i) {
        lines += fmt::format("bad{} {}\n", i, bad_urls[i]);
    }
    const auto file = dir.write("fleet.txt", lines);
    const auto from_file = run_lockwise({"status", "--migrations", migrations, "--targets", file.string()});
    EXPECT_EQ(from_file.exit_code, 2) << from_file.output;
    EXPECT_NE(from_file.output.find("target \"bad0\": invalid connection string: an invalid percent-encoded token"),
              std::string::npos)
        << from_file.output;
    expect_none_of(from_file.output, secrets, "status --targets");
    const auto catalog = fresh_database();
    {
        auto setup = pg::Connection::connect(catalog, "setup");
        setup.exec("CREATE TABLE shards (name text, conninfo text)");
        for (std::size_t i = 0; i < bad_urls.size(); ++i) {
            setup.exec_params("INSERT INTO shards VALUES ($1, $2)", {fmt::format("bad{}", i), bad_urls[i]});
        }
    }
    for (const char* log_format : {"plain", "json"}) {
        const auto from_query = run_lockwise({"migrate", "--migrations", migrations, "--log-format", log_format,
                                              "--targets-query", "SELECT name, conninfo FROM shards ORDER BY name",
                                              "--catalog-url", catalog});
        EXPECT_EQ(from_query.exit_code, 2) << from_query.output;
        EXPECT_NE(from_query.output.find("--targets-query row 2: error: target \"bad1\": invalid connection string"),
                  std::string::npos)
            << from_query.output;
        expect_none_of(from_query.output, secrets, "migrate --targets-query");
    }
}

// A password lockwise was never given in a connection string (PGPASSWORD, a .pgpass entry) is
// still masked wherever it shows up: here a failing migration quotes it in its error, which
// goes to stderr, the JSON log and the history row.
TEST(Secrets, PasswordsFromPgpassAndPgpasswordAreMasked)
{
    auto& pg = password_cluster();
    const std::string secret = "Pgpass-Pa55-quux";
    {
        auto admin = pg::Connection::connect(pg.conninfo(), "secrets-setup");
        admin.exec(fmt::format("DO $$ BEGIN CREATE ROLE pgpass_user LOGIN PASSWORD '{0}'; "
                               "EXCEPTION WHEN duplicate_object THEN ALTER ROLE pgpass_user PASSWORD '{0}'; END $$",
                               secret));
        admin.exec("DROP DATABASE IF EXISTS pgpass_db");
        admin.exec("CREATE DATABASE pgpass_db OWNER pgpass_user");
    }
    TempDir dir;
    dir.write("migrations/V1__quote.sql", fmt::format("SELECT '{}'::int;\n", secret));
    const auto passfile = dir.write("pgpass", fmt::format("127.0.0.1:{}:*:pgpass_user:{}\n", pg.port(), secret));
    std::filesystem::permissions(passfile, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const auto url = fmt::format("host=127.0.0.1 port={} user=pgpass_user dbname=pgpass_db connect_timeout=3", pg.port());
    const std::vector<std::map<std::string, std::string>> sources = {
        {{"DATABASE_URL", url}, {"PGPASSWORD", secret}, {"PGPASSFILE", "/nonexistent"}},
        {{"DATABASE_URL", url}, {"PGPASSFILE", passfile.string()}},
    };
    for (const auto& env : sources) {
        for (const char* log_format : {"plain", "json"}) {
            const auto result = run_lockwise({"migrate", "--migrations", (dir.path() / "migrations").string(), "--log-format",
                                              log_format},
                                             env);
            EXPECT_EQ(result.exit_code, 1) << result.output;
            EXPECT_NE(result.output.find("invalid input syntax for type integer"), std::string::npos) << result.output;
            expect_none_of(result.output, {secret}, env.contains("PGPASSWORD") ? "PGPASSWORD" : ".pgpass");
        }
    }
    auto check = pg::Connection::connect(pg.conninfo("pgpass_db"), "secrets-check");
    const auto history = check.exec("SELECT string_agg(t::text, ' ') FROM lockwise.schema_history t");
    ASSERT_FALSE(history.is_null(0, 0));
    EXPECT_NE(std::string(history.get(0, 0)).find("invalid input syntax"), std::string::npos) << history.get(0, 0);
    expect_none_of(std::string(history.get(0, 0)), {secret}, "the history row");
}

// Other sessions' SQL in a blocker description: the history's last_error and every output keep
// it redacted (a password literal) and without its terminal escapes.
TEST(Secrets, BlockerQueriesAreRedactedInHistoryAndOutput)
{
    const auto db = fresh_database();
    {
        auto setup = pg::Connection::connect(db, "setup");
        setup.exec("CREATE TABLE t (id int PRIMARY KEY)");
    }
    auto blocker = pg::Connection::connect(db, "blocker\x1b]0;owned\x07");
    blocker.exec("BEGIN");
    blocker.exec(fmt::format("SELECT count(*) FROM t /* \x1b[2J ALTER ROLE app PASSWORD '{}' and password={} */",
                             "Blocker-Pa55-one", k_comma_password));
    TempDir dir;
    dir.write("V1__alter.sql", "-- lockwise:retries 2\nALTER TABLE t ADD COLUMN note text;\n");
    for (const char* log_format : {"plain", "json"}) {
        const auto result = run_lockwise({"migrate", "--migrations", dir.path().string(), "--log-format", log_format},
                                         {{"DATABASE_URL", db}, {"LOCKWISE_DDL_RETRY_BUDGET", "2s"}});
        EXPECT_EQ(result.exit_code, 3) << result.output;
        EXPECT_NE(result.output.find("SELECT count(*) FROM t"), std::string::npos) << "the blocker is named:\n" << result.output;
        expect_none_of(result.output, {"Blocker-Pa55-one", ",b0b", "\x1b", "\x07"}, "migrate");
        const auto locks = run_lockwise({"locks", "--log-format", log_format}, {{"DATABASE_URL", db}});
        expect_none_of(locks.output, {"Blocker-Pa55-one", ",b0b", "\x1b", "\x07"}, "locks");
    }
    blocker.exec("ROLLBACK");
    auto check = pg::Connection::connect(db, "check");
    const auto row = check.exec("SELECT last_error FROM lockwise.schema_history WHERE version = '1'");
    ASSERT_EQ(row.rows(), 1);
    const std::string last_error(row.get(0, 0));
    EXPECT_NE(last_error.find("SELECT count(*) FROM t"), std::string::npos) << last_error;
    expect_none_of(last_error, {"Blocker-Pa55-one", ",b0b", "\x1b", "\x07"}, "history last_error");
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
