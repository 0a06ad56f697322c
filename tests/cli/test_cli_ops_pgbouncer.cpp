// lockwise through a real PgBouncer in front of the throwaway cluster. Session pooling works
// exactly as direct; transaction pooling is detected and refused (exit 2, naming --direct-url),
// and --direct-url / LOCKWISE_DIRECT_URL runs the migration over the direct connection.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "lockwise/core/process.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/run/pooler.hpp"
#include "support/testing.hpp"

using namespace lockwise;
using namespace std::chrono_literals;

namespace {

// A PgBouncer in front of the test cluster, in the given pool mode; killed in the destructor.
class Bouncer {
public:
    explicit Bouncer(const std::string& pool_mode) : m_port(pg::free_tcp_port())
    {
        // The bouncer reaches the cluster over its unix socket (the test cluster has no TCP).
        // PgBouncer refuses to run as root: it runs as postgres, which must write its log here.
        std::filesystem::permissions(m_dir.path(), std::filesystem::perms::all);
        m_dir.write("users.txt", "\"postgres\" \"\"\n");
        const auto ini = m_dir.write(
            "pgbouncer.ini",
            fmt::format("[databases]\n* = host={} port={}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {}\n"
                        "unix_socket_dir =\nauth_type = trust\nauth_file = {}\npool_mode = {}\nmax_client_conn = 200\n"
                        "default_pool_size = 20\nignore_startup_parameters = extra_float_digits\n",
                        testkit::cluster().socket_directory(), testkit::cluster().port(), m_port,
                        (m_dir.path() / "users.txt").string(), pool_mode));
        core::ProcessOptions options;
        options.run_as_user = "postgres";
        m_log = (m_dir.path() / "pgbouncer.log").string();
        m_pid = core::spawn_process({"/usr/sbin/pgbouncer", ini.string()}, options, m_log);
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (true) {
            try {
                pg::Connection::connect(conninfo("postgres"));
                break;
            } catch (const pg::SqlError& error) {
                if (std::chrono::steady_clock::now() > deadline) {
                    ADD_FAILURE() << "pgbouncer did not start: " << error.what() << "\n" << testkit::read_file(m_log);
                    break;
                }
                std::this_thread::sleep_for(100ms);
            }
        }
    }
    Bouncer(const Bouncer&) = delete;
    Bouncer& operator=(const Bouncer&) = delete;
    ~Bouncer()
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            int status = 0;
            ::waitpid(m_pid, &status, 0);
        }
    }
    std::string conninfo(const std::string& dbname) const
    {
        return fmt::format("host=127.0.0.1 port={} user=postgres dbname={}", m_port, dbname);
    }
    std::string log() const { return testkit::read_file(m_log); }

private:
    testkit::TempDir m_dir;
    int m_port;
    int m_pid = -1;
    std::string m_log;
};

std::string dbname_of(const std::string& conninfo)
{
    const auto at = conninfo.find("dbname=");
    return conninfo.substr(at + 7, conninfo.find(' ', at) - at - 7);
}

std::filesystem::path migrations(const testkit::TempDir& dir)
{
    dir.write("migrations/V1__create.sql", "CREATE TABLE items (id bigint PRIMARY KEY, sku text, price numeric);\n"
                                           "INSERT INTO items SELECT g, 'sku' || g, g FROM generate_series(1, 100) g;\n");
    dir.write("migrations/V2__index.sql", "CREATE INDEX CONCURRENTLY items_sku ON items (sku);\n");
    dir.write("migrations/V3__column.sql", "ALTER TABLE items ADD COLUMN note text;\n");
    return dir.path() / "migrations";
}

testkit::CliResult migrate(const std::filesystem::path& dir, const std::string& url, std::vector<std::string> extra = {},
                           std::map<std::string, std::string> env = {})
{
    std::vector<std::string> args{"migrate", "-m", dir.string(), "--log-format", "plain"};
    args.insert(args.end(), extra.begin(), extra.end());
    env["DATABASE_URL"] = url;
    return testkit::run_lockwise(args, env);
}

long long count(const std::string& conninfo, const std::string& sql)
{
    auto connection = pg::Connection::connect(conninfo);
    return connection.exec(sql).get_int(0, 0);
}

} // namespace

TEST(CliOpsPgBouncer, TheProbeTellsSessionFromTransactionPooling)
{
    const auto direct = testkit::fresh_database();
    EXPECT_EQ(run::probe_session_pinning(direct).pinning, run::SessionPinning::pinned);
    Bouncer session("session");
    const auto via_session = run::probe_session_pinning(session.conninfo(dbname_of(direct)));
    EXPECT_EQ(via_session.pinning, run::SessionPinning::pinned) << via_session.evidence;
    Bouncer transaction("transaction");
    for (int round = 0; round < 5; ++round) { // the verdict must not depend on luck
        const auto via_transaction = run::probe_session_pinning(transaction.conninfo(dbname_of(direct)));
        EXPECT_EQ(via_transaction.pinning, run::SessionPinning::not_pinned) << via_transaction.evidence;
    }
    Bouncer statement("statement");
    EXPECT_EQ(run::probe_session_pinning(statement.conninfo(dbname_of(direct))).pinning, run::SessionPinning::not_pinned);
}

TEST(CliOpsPgBouncer, SessionPoolingMigratesExactlyAsDirect)
{
    testkit::TempDir dir;
    const auto files = migrations(dir);
    const auto direct = testkit::fresh_database();
    Bouncer bouncer("session");
    const auto pooled = bouncer.conninfo(dbname_of(direct));
    auto first = migrate(files, pooled);
    ASSERT_EQ(first.exit_code, 0) << first.output << bouncer.log();
    EXPECT_NE(first.output.find("3 migration(s) applied"), std::string::npos) << first.output;
    EXPECT_EQ(count(direct, "SELECT count(*) FROM pg_index WHERE indexrelid = 'items_sku'::regclass AND indisvalid"), 1);
    EXPECT_EQ(count(direct, "SELECT count(*) FROM lockwise.schema_history WHERE status = 'succeeded'"), 3);
    auto again = migrate(files, pooled);
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("database is up to date"), std::string::npos) << again.output;
}

TEST(CliOpsPgBouncer, TransactionPoolingIsRefusedUnlessADirectUrlIsGiven)
{
    testkit::TempDir dir;
    const auto files = migrations(dir);
    const auto direct = testkit::fresh_database();
    Bouncer bouncer("transaction");
    const auto pooled = bouncer.conninfo(dbname_of(direct));

    auto refused = migrate(files, pooled);
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
    EXPECT_NE(refused.output.find("transaction (or statement) pooling"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("--direct-url"), std::string::npos) << refused.output;
    EXPECT_EQ(count(direct, "SELECT count(*) FROM pg_tables WHERE tablename = 'items'"), 0) << "nothing ran";

    auto with_flag = migrate(files, pooled, {"--direct-url", direct});
    ASSERT_EQ(with_flag.exit_code, 0) << with_flag.output;
    EXPECT_NE(with_flag.output.find("the database URL is transaction-pooled"), std::string::npos) << with_flag.output;
    EXPECT_NE(with_flag.output.find("3 migration(s) applied"), std::string::npos) << with_flag.output;
    EXPECT_EQ(count(direct, "SELECT count(*) FROM pg_index WHERE indexrelid = 'items_sku'::regclass AND indisvalid"), 1);

    // The environment variable works the same way (the containers' way of passing it).
    dir.write("migrations/V4__more.sql", "CREATE INDEX CONCURRENTLY items_price ON items (price);\n");
    auto with_env = migrate(files, pooled, {}, {{"LOCKWISE_DIRECT_URL", direct}});
    ASSERT_EQ(with_env.exit_code, 0) << with_env.output;
    EXPECT_NE(with_env.output.find("1 migration(s) applied"), std::string::npos) << with_env.output;
    // status and plan need no session: they work through the transaction pooler.
    auto status = testkit::run_lockwise({"status", "-m", files.string()}, {{"DATABASE_URL", pooled}});
    EXPECT_EQ(status.exit_code, 0) << status.output;
}
