// The bad-input catalogue (docs/reliability.md): every kind of bad input is refused with a
// clear message and its documented exit code, and leaves the target database untouched.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fstream>
#include <functional>

#include <sys/stat.h>

#include "lockwise/core/process.hpp"
#include "lockwise/core/version.hpp"
#include "lockwise/pg/connection.hpp"
#include "support/testing.hpp"

namespace lockwise::testkit {
namespace {

std::filesystem::path bad(const std::string& name) { return source_dir() / "tests/data/bad_input" / name; }

// Every relation outside the system schemas, and whether the lockwise schema exists.
std::string user_objects(const std::string& conninfo)
{
    auto connection = pg::Connection::connect(conninfo, "bad-input-check");
    auto result = connection.exec(
        "SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ',' ORDER BY 1), '') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%'");
    auto schemas = connection.exec("SELECT count(*) FROM pg_namespace WHERE nspname = 'lockwise'");
    return std::string(result.get(0, 0)) + (schemas.get_int(0, 0) > 0 ? " +schema lockwise" : "");
}

struct Expect {
    int exit_code;
    std::vector<std::string> contains;
};

// Runs migrate (then plan, lint and status where they read the same input) and checks each
// refuses with the exit code, says what it must, and changes nothing in the database.
void expect_refused(const std::vector<std::string>& args, const std::map<std::string, std::string>& env, const Expect& expect,
                    const std::string& conninfo, const std::filesystem::path& cwd = {})
{
    const auto before = user_objects(conninfo);
    auto full_env = env;
    full_env.emplace("DATABASE_URL", conninfo);
    const auto result = run_lockwise(args, full_env, cwd);
    EXPECT_EQ(result.exit_code, expect.exit_code) << result.output;
    for (const auto& text : expect.contains) {
        EXPECT_NE(result.output.find(text), std::string::npos) << "missing \"" << text << "\" in:\n" << result.output;
    }
    EXPECT_EQ(result.output.find("internal error"), std::string::npos) << result.output;
    EXPECT_EQ(user_objects(conninfo), before) << "the database changed: " << result.output;
}

std::vector<std::string> migrate_in(const std::filesystem::path& dir)
{
    return {"migrate", "--migrations", dir.string(), "--log-format", "plain"};
}

TEST(BadInput, SyntaxErrorsAreAllReportedWithCarets)
{
    const auto db = fresh_database();
    expect_refused(migrate_in(bad("syntax")), {},
                   {2, {"V1__create.sql:2:1", "V2__alter.sql:2:", "syntax error", "^", "nothing was run"}}, db);
    // plan reads the same files and refuses them the same way, without a database.
    const auto plan = run_lockwise({"plan", "--migrations", bad("syntax").string()});
    EXPECT_EQ(plan.exit_code, 2) << plan.output;
    EXPECT_NE(plan.output.find("V2__alter.sql:2:"), std::string::npos) << plan.output;
}

TEST(BadInput, UnknownDirectiveSuggestsTheNearestName)
{
    expect_refused(migrate_in(bad("unknown_directive")), {},
                   {2, {"V1__create.sql:1:", "unknown directive", "no-transaction", "^"}}, fresh_database());
}

TEST(BadInput, MalformedDirectivesAreAllReported)
{
    expect_refused(migrate_in(bad("malformed_directive")), {}, {2, {"V1__create.sql:1:", "V1__create.sql:3:"}},
                   fresh_database());
}

// pending= is parsed as one expression (issue 20 item 4): text that closes lockwise's own
// parenthesis is refused by migrate, plan and lint alike, as is every other bad option.
TEST(BadInput, BackfillOptionsAreCheckedBeforeAnythingRuns)
{
    const auto dir = bad("backfill_options");
    expect_refused(migrate_in(dir), {},
                   {2, {"V1__leads.sql:2:1", "is not one condition", "V1__leads.sql:4:1", "batch=0", "speed", "nothing was run"}},
                   fresh_database());
    const auto plan = run_lockwise({"plan", "--migrations", dir.string()});
    EXPECT_EQ(plan.exit_code, 2) << plan.output;
    EXPECT_NE(plan.output.find("done) OR (true"), std::string::npos) << plan.output;
    EXPECT_NE(plan.output.find("is not one condition"), std::string::npos) << plan.output;
    const auto lint = run_lockwise({"lint", "--offline", "--migrations", dir.string()});
    EXPECT_NE(lint.exit_code, 0) << lint.output;
    EXPECT_NE(lint.output.find("is not one condition"), std::string::npos) << lint.output;
    EXPECT_NE(lint.output.find("batch=0"), std::string::npos) << lint.output;
}

// Rule backfill-batch-scans-whole (issue 16): with a database, lint reports a backfill whose
// every batch would read all of call_log (the seed guide's join with a LIMIT lockwise can't
// push the batch through), with the estimate and the rewrite; the example's correlated form
// and the seed guide's exact join (narrowed to each batch) are not reported; offline lint
// can't judge it and says nothing.
TEST(BadInput, BackfillWhoseBatchReadsEverythingIsALintFinding)
{
    const auto db = fresh_database();
    {
        auto connection = pg::Connection::connect(db, "seed");
        connection.exec(R"(
            CREATE TABLE leads (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, tenant_id bigint NOT NULL,
                                last_call_direction text);
            CREATE TABLE call_log (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, lead_id bigint NOT NULL,
                                   direction text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
            CREATE INDEX ON call_log (lead_id, created_at);
            CREATE INDEX ON leads (tenant_id, id) WHERE last_call_direction IS NULL;
            INSERT INTO leads (tenant_id) SELECT 1 + g % 3 FROM generate_series(1, 4000) g;
            INSERT INTO call_log (lead_id, direction, created_at)
            SELECT l.id, CASE WHEN (l.id + g) % 2 = 0 THEN 'inbound' ELSE 'outbound' END, now() - g * interval '1 day'
              FROM leads l, generate_series(1, 3) g WHERE l.id % 4 <> 0;
            ANALYZE)");
    }
    const std::string seed_join = "UPDATE leads l SET last_call_direction = fc.direction FROM (SELECT DISTINCT ON (lead_id) "
                                  "lead_id, direction FROM call_log WHERE lead_id IS NOT NULL ORDER BY lead_id, created_at{}) fc "
                                  "WHERE l.id = fc.lead_id AND l.last_call_direction IS NULL;\n";
    TempDir refused;
    refused.write("V1__limited.sql", "-- lockwise:backfill key=id partition=tenant_id batch=10\n" +
                                         fmt::format(fmt::runtime(seed_join), " LIMIT 1000000"));
    const auto before = user_objects(db);
    const auto lint = run_lockwise({"lint", "--migrations", refused.path().string()}, {{"DATABASE_URL", db}});
    EXPECT_EQ(lint.exit_code, 6) << lint.output;
    for (const auto* text : {"V1__limited.sql:2:1: error[backfill-batch-scans-whole]", "a batch does not scale: each batch reads ~",
                             "call_log rows; about ", "LIMIT", "instead:", "LIMIT 1)", "GROUP BY"}) {
        EXPECT_NE(lint.output.find(text), std::string::npos) << "missing \"" << text << "\" in:\n" << lint.output;
    }
    const auto offline = run_lockwise({"lint", "--offline", "--migrations", refused.path().string()});
    EXPECT_EQ(offline.exit_code, 0) << offline.output;
    EXPECT_EQ(offline.output.find("backfill-batch-scans-whole"), std::string::npos) << offline.output;
    const auto disabled = run_lockwise({"lint", "--migrations", refused.path().string()},
                                       {{"DATABASE_URL", db}, {"LOCKWISE_LINT_DISABLE", "backfill-batch-scans-whole"}});
    EXPECT_EQ(disabled.output.find("error[backfill-batch-scans-whole]"), std::string::npos) << disabled.output;

    TempDir scales;
    scales.write("V1__example.sql", "-- lockwise:backfill key=id partition=tenant_id batch=auto target-ms=200\n"
                                    "UPDATE leads AS l SET last_call_direction = (SELECT c.direction FROM call_log AS c "
                                    "WHERE c.lead_id = l.id ORDER BY c.created_at, c.id LIMIT 1) WHERE l.last_call_direction IS NULL;\n");
    scales.write("V2__seed_guide.sql", "-- lockwise:backfill key=id partition=tenant_id batch=10\n" +
                                           fmt::format(fmt::runtime(seed_join), ""));
    const auto clean = run_lockwise({"lint", "--migrations", scales.path().string()}, {{"DATABASE_URL", db}});
    EXPECT_EQ(clean.exit_code, 0) << clean.output;
    EXPECT_EQ(clean.output.find("backfill-batch-scans-whole"), std::string::npos) << clean.output;
    EXPECT_NE(clean.output.find("2 file(s) linted"), std::string::npos) << clean.output;
    EXPECT_EQ(user_objects(db), before) << "lint changed the database";
}

TEST(BadInput, DuplicateVersionsNameBothFiles)
{
    expect_refused(migrate_in(bad("duplicate_version")), {}, {2, {"V1__orders.sql", "V1.0__items.sql"}}, fresh_database());
}

TEST(BadInput, UnparsableVersion)
{
    expect_refused(migrate_in(bad("unparsable_version")), {}, {2, {"Vabc__items.sql"}}, fresh_database());
}

TEST(BadInput, EmptyMigration)
{
    expect_refused(migrate_in(bad("empty_file")), {}, {2, {"V2__nothing.sql"}}, fresh_database());
}

TEST(BadInput, InvalidUtf8IsReportedAtTheByte)
{
    expect_refused(migrate_in(bad("invalid_utf8")), {}, {2, {"V1__orders.sql:1:", "UTF-8"}}, fresh_database());
}

TEST(BadInput, NulByteIsRefusedBeforeAnythingRuns)
{
    // PostgreSQL's parser reads a C string: this file once ran as if it ended at the NUL,
    // was recorded as applied, and table b never existed.
    expect_refused(migrate_in(bad("nul_byte")), {},
                   {2, {"V1__tables.sql:1:25", "NUL byte", "UTF-16", "nothing was run"}}, fresh_database());
}

TEST(BadInput, ControlCharacterIsRefusedAndNotPrinted)
{
    const auto db = fresh_database();
    expect_refused(migrate_in(bad("control_character")), {}, {2, {"V1__orders.sql:1:", "control character U+001B"}}, db);
    const auto result = run_lockwise({"plan", "--migrations", bad("control_character").string()});
    EXPECT_EQ(result.output.find('\x1b'), std::string::npos) << result.output;
}

TEST(BadInput, PsqlMetaCommandIsNamed)
{
    expect_refused(migrate_in(bad("psql_meta_command")), {},
                   {2, {"V1__orders.sql:1:1", "psql meta-command \\set is not SQL", "ON_ERROR_STOP"}}, fresh_database());
}

// Secrets only in lockwise's environment, which /proc/self/environ would expose.
const std::map<std::string, std::string> k_fake_secrets = {{"PGPASSWORD", "fake-pgpassword-Hq3v"},
                                                           {"LOCKWISE_TEST_FAKE_SECRET", "fake-secret-Zq7xW2pL"}};

void expect_no_fake_secret(const CliResult& result)
{
    for (const auto& [name, value] : k_fake_secrets) {
        EXPECT_EQ(result.output.find(value), std::string::npos) << name << " leaked:\n" << result.output;
    }
}

TEST(BadInput, SymlinksFifosAndDevicesAreRefusedUnread)
{
    const auto db = fresh_database();
    struct Case {
        std::string file;
        std::function<void(const std::filesystem::path&)> make;
        std::string says;
    };
    const std::vector<Case> cases = {
        {"V99__x.sql", [](const std::filesystem::path& p) { std::filesystem::create_symlink("/proc/self/environ", p); },
         "outside the migrations directory"},
        {"V99__x.sql", [](const std::filesystem::path& p) { std::filesystem::create_symlink("/dev/zero", p); },
         "outside the migrations directory"},
        {"V99__x.sql", [](const std::filesystem::path& p) { ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0); }, "FIFO"},
    };
    for (const auto& c : cases) {
        TempDir dir;
        dir.write("migrations/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
        c.make(dir.path() / "migrations" / c.file);
        const auto migrations = (dir.path() / "migrations").string();
        for (const auto& command : {"lint", "plan"}) {
            const auto result = run_lockwise({command, "--migrations", migrations, "--log-format", "plain"}, k_fake_secrets);
            EXPECT_EQ(result.exit_code, 2) << command << ": " << result.output;
            EXPECT_NE(result.output.find("migrations/" + c.file), std::string::npos) << result.output;
            EXPECT_NE(result.output.find(c.says), std::string::npos) << result.output;
            expect_no_fake_secret(result);
        }
        auto env = k_fake_secrets;
        expect_refused(migrate_in(dir.path() / "migrations"), env, {2, {"migrations/" + c.file, c.says}}, db);
    }
}

TEST(BadInput, QuotedSourceLinesAreRedacted)
{
    TempDir dir;
    dir.write("migrations/V1__role.sql", "CREATE ROLE app LOGIN PASSWORD 'hunter2-fake-Kx9' VALID UNTIL;\n");
    const auto result = run_lockwise({"plan", "--migrations", (dir.path() / "migrations").string()});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("V1__role.sql:1:"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("hunter2-fake-Kx9"), std::string::npos) << result.output;
}

TEST(BadInput, FileSizeCapIsConfigurable)
{
    const auto db = fresh_database();
    TempDir dir;
    dir.write("migrations/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n" + std::string(3000, '-') + "\n");
    expect_refused(migrate_in(dir.path() / "migrations"), {{"LOCKWISE_MAX_FILE_SIZE", "2kB"}},
                   {2, {"V1__t.sql", "file too large", "migrations.max_file_size (2kB)"}}, db);
    expect_refused(migrate_in(dir.path() / "migrations"), {{"LOCKWISE_MAX_FILE_SIZE", "99999999999GB"}},
                   {2, {"LOCKWISE_MAX_FILE_SIZE", "too large: the largest size is 1048576GB"}}, db);
    const auto plan = run_lockwise({"plan", "--migrations", (dir.path() / "migrations").string()},
                                   {{"LOCKWISE_MAX_FILE_SIZE", "4kB"}});
    EXPECT_EQ(plan.exit_code, 0) << plan.output;
}

TEST(BadInput, OverflowingLimitsAreRefusedNamingTheMaximum)
{
    const auto db = fresh_database();
    TempDir dir;
    dir.write("migrations/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    const auto migrations = (dir.path() / "migrations").string();
    expect_refused({"migrate", "--migrations", migrations, "--terminate-blockers", "idle-in-transaction:2562047788016h"}, {},
                   {2, {"too large: the largest is 2147483647ms"}}, db);
    expect_refused(migrate_in(migrations), {{"LOCKWISE_LOCK_WAIT", "2562047788016h"}},
                   {2, {"LOCKWISE_LOCK_WAIT", "too large: the largest duration is 2147483647ms"}}, db);
    expect_refused(migrate_in(migrations), {{"LOCKWISE_DDL_LOCK_TIMEOUT", "99999999999999999999999ms"}},
                   {2, {"LOCKWISE_DDL_LOCK_TIMEOUT", "too large"}}, db);
    expect_refused(migrate_in(migrations), {{"LOCKWISE_PARALLEL", "99999999999999999999"}},
                   {2, {"LOCKWISE_PARALLEL", "too large: the largest is 2147483647"}}, db);
    TempDir directive;
    directive.write("migrations/V1__t.sql", "-- lockwise:lock-timeout 2562047788016h\nCREATE TABLE t (id int);\n");
    expect_refused(migrate_in(directive.path() / "migrations"), {},
                   {2, {"V1__t.sql:1:", "too large: the largest duration is 2147483647ms"}}, db);
}

// The server must read the bytes lockwise parsed and hashed the way lockwise read them,
// whatever the database or the environment sets.
TEST(BadInput, SqlRunsAsItWasParsedWhateverTheSessionDefaults)
{
    const auto db = fresh_database();
    const auto dbname = db.substr(db.rfind('=') + 1);
    {
        auto admin = pg::Connection::connect(db, "bad-input-setup");
        admin.exec(fmt::format("ALTER DATABASE \"{}\" SET standard_conforming_strings = off", dbname));
        admin.exec(fmt::format("DROP DATABASE IF EXISTS \"{}_latin1\"", dbname));
        admin.exec(fmt::format("CREATE DATABASE \"{}_latin1\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0",
                               dbname));
    }
    // With standard_conforming_strings off, 'a\' is an unterminated string to the server.
    TempDir strings;
    strings.write("V1__t.sql", "CREATE TABLE t (v text);\nINSERT INTO t VALUES ('a\\');\nINSERT INTO t VALUES ('b');\n");
    const auto run = run_lockwise(migrate_in(strings.path()), {{"DATABASE_URL", db}});
    ASSERT_EQ(run.exit_code, 0) << run.output;
    {
        auto check = pg::Connection::connect(db, "bad-input-check");
        EXPECT_EQ(std::string(check.exec("SELECT string_agg(v, ',' ORDER BY v) FROM t").get(0, 0)), "a\\,b");
    }
    // In a LATIN1 database (and with PGCLIENTENCODING saying so), UTF-8 text is still stored as the characters written.
    const auto latin1 = cluster().conninfo(dbname + "_latin1");
    TempDir text;
    text.write("V1__t.sql", "CREATE TABLE t (v text);\nINSERT INTO t VALUES ('caf\xC3\xA9');\n");
    const auto encoded = run_lockwise(migrate_in(text.path()), {{"DATABASE_URL", latin1}, {"PGCLIENTENCODING", "LATIN1"}});
    ASSERT_EQ(encoded.exit_code, 0) << encoded.output;
    auto check = pg::Connection::connect(latin1, "bad-input-check");
    EXPECT_EQ(std::string(check.exec("SELECT (v = 'caf' || chr(233))::text || ',' || length(v) FROM t").get(0, 0)), "true,4");
}

TEST(BadInput, MissingMigrationsDirectory)
{
    TempDir dir;
    expect_refused(migrate_in(dir.path() / "no-such-dir"), {}, {2, {"no-such-dir"}}, fresh_database());
}

TEST(BadInput, BadConfigValuesAreReportedWithFileAndLine)
{
    const auto db = fresh_database();
    TempDir dir;
    dir.write("migrations/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    dir.write("lockwise.toml", "[policy.ddl]\nlock_timeout = \"5\"\n\n[log]\nlevel = \"loud\"\n\n[runner]\nno_such_key = 1\n");
    expect_refused({"migrate"}, {}, {2, {"lockwise.toml:2", "lockwise.toml:5", "no_such_key"}}, db, dir.path());
    // A bad environment value and a bad flag value are refused the same way.
    expect_refused(migrate_in(dir.path() / "migrations"), {{"LOCKWISE_LOCK_WAIT", "forever"}},
                   {2, {"LOCKWISE_LOCK_WAIT"}}, db);
    expect_refused({"migrate", "--migrations", (dir.path() / "migrations").string(), "--lock-wait", "10"}, {},
                   {2, {"--lock-wait"}}, db);
    expect_refused({"migrate", "--migrations", (dir.path() / "migrations").string(), "--terminate-blockers", "everyone"},
                   {}, {2, {"idle-in-transaction"}}, db);
    expect_refused({"migrate", "--migrations", (dir.path() / "migrations").string(), "--target", "x.y"}, {},
                   {2, {"--target"}}, db);
    const auto toml = dir.write("broken.toml", "[policy\nlock_timeout = 1\n");
    expect_refused({"migrate", "--config", toml.string(), "--migrations", (dir.path() / "migrations").string()}, {},
                   {2, {"broken.toml"}}, db);
}

TEST(BadInput, UnreachableServerExits7)
{
    TempDir dir;
    dir.write("V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    const auto url = fmt::format("postgresql://app@127.0.0.1:{}/app?connect_timeout=2", pg::free_tcp_port());
    const auto result = run_lockwise(migrate_in(dir.path()), {{"DATABASE_URL", url}});
    EXPECT_EQ(result.exit_code, 7) << result.output;
    EXPECT_NE(result.output.find("hint:"), std::string::npos) << result.output;
    const auto status = run_lockwise({"status", "--migrations", dir.path().string()}, {{"DATABASE_URL", url}});
    EXPECT_EQ(status.exit_code, 7) << status.output;
}

TEST(BadInput, MissingPrivilegesChangeNothing)
{
    const auto db = fresh_database();
    const auto dbname = db.substr(db.rfind('=') + 1);
    {
        auto admin = pg::Connection::connect(db, "bad-input-setup");
        admin.exec("DO $$ BEGIN CREATE ROLE no_create LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        admin.exec(fmt::format("REVOKE CREATE ON DATABASE \"{}\" FROM PUBLIC", dbname));
    }
    const auto as_role = fmt::format("host={} port={} user=no_create dbname={}", cluster().socket_directory(), cluster().port(), dbname);
    TempDir dir;
    dir.write("V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    const auto before = user_objects(db);
    const auto result = run_lockwise(migrate_in(dir.path()), {{"DATABASE_URL", as_role}});
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("permission denied"), std::string::npos) << result.output;
    EXPECT_EQ(user_objects(db), before) << result.output;
}

TEST(BadInput, ReadOnlyDatabaseIsRefused)
{
    const auto db = fresh_database();
    const auto dbname = db.substr(db.rfind('=') + 1);
    {
        auto admin = pg::Connection::connect(db, "bad-input-setup");
        admin.exec(fmt::format("ALTER DATABASE \"{}\" SET default_transaction_read_only = on", dbname));
    }
    TempDir dir;
    dir.write("V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    const auto before = user_objects(db);
    const auto result = run_lockwise(migrate_in(dir.path()), {{"DATABASE_URL", db}});
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("read-only"), std::string::npos) << result.output;
    EXPECT_EQ(user_objects(db), before);
}

TEST(BadInput, HotStandbyIsRefused)
{
    const auto db = fresh_database();
    const auto dbname = db.substr(db.rfind('=') + 1);
    const auto standby_dir = cluster().directory() + "/standby";
    const auto port = pg::free_tcp_port();
    const auto bindir = std::string(core::k_pg_bindir);
    auto result = core::run_process({bindir + "/pg_basebackup", "-h", cluster().directory(), "-p", std::to_string(cluster().port()),
                                     "-U", "postgres", "-D", standby_dir, "-R", "-X", "stream", "-c", "fast"},
                                    pg::server_program_options());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    {
        std::ofstream conf(standby_dir + "/postgresql.conf", std::ios::app);
        conf << "\nport = " << port << "\nhot_standby = on\n";
    }
    result = core::run_process({bindir + "/pg_ctl", "-D", standby_dir, "-l", standby_dir + "/standby.log", "-w", "-t", "60", "-s", "start"},
                               pg::server_program_options());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const auto standby = fmt::format("host={} port={} user=postgres dbname={}", cluster().directory(), port, dbname);
    TempDir dir;
    dir.write("V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    const auto migrate = run_lockwise(migrate_in(dir.path()), {{"DATABASE_URL", standby}});
    EXPECT_EQ(migrate.exit_code, 1) << migrate.output;
    EXPECT_NE(migrate.output.find("read-only"), std::string::npos) << migrate.output;
    core::run_process({bindir + "/pg_ctl", "-D", standby_dir, "-w", "-s", "-m", "immediate", "stop"}, pg::server_program_options());
    std::filesystem::remove_all(standby_dir);
    EXPECT_EQ(user_objects(db), "");
}

TEST(BadInput, HistoryFromANewerLockwiseIsRefused)
{
    const auto db = fresh_database();
    {
        auto admin = pg::Connection::connect(db, "bad-input-setup");
        admin.exec("CREATE SCHEMA lockwise; CREATE TABLE lockwise.schema_history_meta (key text PRIMARY KEY, value text NOT NULL); "
                   "INSERT INTO lockwise.schema_history_meta VALUES ('format_version', '99'), ('created_by', 'lockwise 9.0.0')");
    }
    TempDir dir;
    dir.write("V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    expect_refused(migrate_in(dir.path()), {}, {2, {"newer lockwise", "99", "Upgrade lockwise"}}, db);
    expect_refused({"status", "--migrations", dir.path().string()}, {}, {2, {"newer lockwise"}}, db);
}

TEST(BadInput, ChecksumDriftExits5AndRunsNothing)
{
    const auto db = fresh_database();
    TempDir dir;
    dir.write("V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    const auto first = run_lockwise(migrate_in(dir.path()), {{"DATABASE_URL", db}});
    ASSERT_EQ(first.exit_code, 0) << first.output;
    dir.write("V1__t.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
    dir.write("V2__u.sql", "CREATE TABLE u (id int PRIMARY KEY);\n");
    expect_refused(migrate_in(dir.path()), {}, {5, {"V1__t.sql", "repair"}}, db);
    const auto status = run_lockwise({"status", "--migrations", dir.path().string()}, {{"DATABASE_URL", db}});
    EXPECT_EQ(status.exit_code, 5) << status.output;
    EXPECT_NE(status.output.find("drifted"), std::string::npos) << status.output;
}

} // namespace
} // namespace lockwise::testkit
