// TLS: lockwise migrates over sslmode=verify-full against a cluster that accepts only TLS
// on TCP, with a CA and a server certificate for "localhost" made at test time by openssl;
// a wrong CA or a host name the certificate does not name is refused (exit 7).
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <fmt/format.h>
#include <memory>

#include "lockwise/core/process.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/throwaway_cluster.hpp"
#include "support/testing.hpp"

namespace lockwise::testkit {
namespace {

void openssl(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = core::run_process(argv);
    if (result.exit_code != 0) {
        throw std::runtime_error("openssl failed: " + result.output);
    }
}

// A CA, a server certificate signed by it for localhost, and an unrelated second CA.
struct Certificates {
    TempDir dir;
    std::string ca() const { return (dir.path() / "ca.crt").string(); }
    std::string other_ca() const { return (dir.path() / "other-ca.crt").string(); }
    std::string cert() const { return (dir.path() / "server.crt").string(); }
    std::string key() const { return (dir.path() / "server.key").string(); }

    Certificates()
    {
        const auto p = [&](const char* name) { return (dir.path() / name).string(); };
        for (const char* name : {"ca", "other-ca"}) {
            openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", fmt::format("/CN=lockwise test {}", name),
                     "-keyout", p(fmt::format("{}.key", name).c_str()), "-out", p(fmt::format("{}.crt", name).c_str())});
        }
        openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", key(), "-out", p("server.csr")});
        dir.write("san.ext", "subjectAltName=DNS:localhost\n");
        openssl({"x509", "-req", "-in", p("server.csr"), "-CA", ca(), "-CAkey", p("ca.key"), "-CAcreateserial", "-days", "2",
                 "-extfile", p("san.ext"), "-out", cert()});
        // The server refuses a key others can read; when we are root, it runs as postgres and must own it.
        std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_exec |
                                                     std::filesystem::perms::others_exec);
        std::filesystem::permissions(key(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        if (geteuid() == 0) {
            if (const passwd* user = getpwnam("postgres")) {
                for (const auto& file : {key(), cert(), ca()}) {
                    if (chown(file.c_str(), user->pw_uid, user->pw_gid) != 0) {
                        throw std::runtime_error("chown failed");
                    }
                }
            }
        }
    }
};

struct TlsFixture {
    Certificates certificates;
    std::unique_ptr<pg::ThrowawayCluster> cluster;
    TlsFixture()
    {
        pg::ThrowawayCluster::Options options;
        options.settings = {{"ssl", "on"},
                            {"ssl_cert_file", certificates.cert()},
                            {"ssl_key_file", certificates.key()},
                            {"ssl_ca_file", certificates.ca()}};
        // TCP only with TLS: a client that does not use it is rejected, so success proves TLS.
        options.tcp = true;
        options.hba_lines = {"hostssl all all 127.0.0.1/32 scram-sha-256", "hostnossl all all 127.0.0.1/32 reject"};
        cluster = std::make_unique<pg::ThrowawayCluster>(options);
    }
};

TlsFixture& tls()
{
    static TlsFixture fixture;
    return fixture;
}

TEST(Tls, MigrateOverVerifyFull)
{
    auto& f = tls();
    f.cluster->create_database("tls_ok");
    TempDir dir;
    dir.write("V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY, v text);\n");
    dir.write("V2__idx.sql", "CREATE INDEX CONCURRENTLY t_v_idx ON t (v);\n");
    const auto url = fmt::format("postgresql://postgres:{}@localhost:{}/tls_ok?sslmode=verify-full&sslrootcert={}",
                                 f.cluster->password(), f.cluster->port(), f.certificates.ca());
    const auto result = run_lockwise({"migrate", "--migrations", dir.path().string(), "--log-format", "plain"}, {{"DATABASE_URL", url}});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const auto status = run_lockwise({"status", "--migrations", dir.path().string()}, {{"DATABASE_URL", url}});
    EXPECT_EQ(status.exit_code, 0) << status.output;
    // And plain TCP without TLS really is refused by this server.
    const auto plain = run_lockwise({"status", "--migrations", dir.path().string()},
                                    {{"DATABASE_URL", fmt::format("postgresql://postgres:{}@127.0.0.1:{}/tls_ok?sslmode=disable",
                                                                  f.cluster->password(), f.cluster->port())}});
    EXPECT_EQ(plain.exit_code, 7) << plain.output;
    auto check = pg::Connection::connect(f.cluster->conninfo("tls_ok"), "check");
    EXPECT_EQ(check.exec("SELECT count(*) FROM lockwise.schema_history WHERE status = 'succeeded'").get_int(0, 0), 2);
}

TEST(Tls, WrongCaIsRefused)
{
    auto& f = tls();
    TempDir dir;
    dir.write("V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    const auto url = fmt::format("postgresql://postgres:{}@localhost:{}/postgres?sslmode=verify-full&sslrootcert={}",
                                 f.cluster->password(), f.cluster->port(), f.certificates.other_ca());
    const auto result = run_lockwise({"migrate", "--migrations", dir.path().string()}, {{"DATABASE_URL", url}});
    EXPECT_EQ(result.exit_code, 7) << result.output;
    EXPECT_NE(result.output.find("certificate verify failed"), std::string::npos) << result.output;
}

TEST(Tls, HostNameMismatchIsRefused)
{
    auto& f = tls();
    TempDir dir;
    dir.write("V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    // The certificate names localhost only; 127.0.0.1 is not it.
    const auto url = fmt::format("postgresql://postgres:{}@127.0.0.1:{}/postgres?sslmode=verify-full&sslrootcert={}",
                                 f.cluster->password(), f.cluster->port(), f.certificates.ca());
    const auto result = run_lockwise({"migrate", "--migrations", dir.path().string()}, {{"DATABASE_URL", url}});
    EXPECT_EQ(result.exit_code, 7) << result.output;
    EXPECT_NE(result.output.find("does not match host name"), std::string::npos) << result.output;
}

} // namespace
} // namespace lockwise::testkit
