// The throwaway cluster starts fast, accepts connections over its private socket only
// (TCP only when asked for, and then with a password), and leaves no process or
// directory behind.
#include <cstdio>
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

#include "lockwise/core/error.hpp"
#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/throwaway_cluster.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {
// A zombie (exited, not yet reaped by its reparenting init) counts as gone.
bool process_alive(pid_t pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string ignored_pid, ignored_name, state;
    if (!(stat >> ignored_pid >> ignored_name >> state)) {
        return false;
    }
    return state != "Z" && state != "X";
}
} // namespace

TEST(ThrowawayCluster, StartsQuicklyAcceptsConnectionsAndLeavesNothingBehind)
{
    std::string directory;
    pid_t postmaster = 0;
    const auto started = std::chrono::steady_clock::now();
    {
        pg::ThrowawayCluster cluster;
        // How long initdb + start take is measured, not asserted (a loaded machine takes longer).
        const auto startup = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        std::printf("throwaway cluster: initdb + start in %lld ms\n", static_cast<long long>(startup.count()));
        directory = cluster.directory();
        auto socket = pg::Connection::connect(cluster.conninfo());
        EXPECT_EQ(socket.exec("SELECT 1").get(0, 0), "1");
        EXPECT_EQ(socket.server_version() / 10000, cluster.major_version()); // 15 unless LOCKWISE_TEST_PG says otherwise
        EXPECT_EQ(socket.exec("SELECT current_setting('application_name')").get(0, 0), "lockwise");
        // What `lockwise demo` runs on: no TCP listener at all, and a socket only its owner can reach.
        EXPECT_EQ(socket.exec("SHOW listen_addresses").get(0, 0), "");
        EXPECT_THROW(pg::Connection::connect(
                         fmt::format("host=127.0.0.1 port={} user=postgres dbname=postgres connect_timeout=3", cluster.port())),
                     pg::SqlError);
        struct stat info {};
        ASSERT_EQ(::stat(directory.c_str(), &info), 0);
        EXPECT_EQ(info.st_mode & 0777, 0700u);
        std::ifstream pid_file(cluster.data_directory() + "/postmaster.pid");
        pid_file >> postmaster;
        ASSERT_GT(postmaster, 0);
    }
    EXPECT_FALSE(std::filesystem::exists(directory));
    EXPECT_FALSE(process_alive(postmaster)) << "postmaster still running";
}

TEST(ThrowawayCluster, FreshDatabasesAreIsolated)
{
    auto first = pg::Connection::connect(testkit::fresh_database());
    auto second = pg::Connection::connect(testkit::fresh_database());
    first.exec("CREATE TABLE only_here (id int)");
    EXPECT_THROW(second.exec("SELECT * FROM only_here"), pg::SqlError);
}

TEST(ThrowawayCluster, TcpIsAnOptionAndNeedsThePassword)
{
    pg::ThrowawayCluster::Options options;
    options.tcp = true;
    pg::ThrowawayCluster cluster(options);
    ASSERT_EQ(cluster.password().size(), 32u);
    auto tcp = pg::Connection::connect(cluster.tcp_conninfo());
    EXPECT_EQ(tcp.exec("SHOW listen_addresses").get(0, 0), "127.0.0.1");
    const auto without_password =
        fmt::format("host=127.0.0.1 port={} user=postgres dbname=postgres connect_timeout=3", cluster.port());
    try {
        pg::Connection::connect(without_password);
        ADD_FAILURE() << "a TCP login without the password was accepted";
    } catch (const pg::SqlError& error) {
        EXPECT_NE(std::string(error.what()).find("password"), std::string::npos) << error.what();
    }
    const auto wrong_password = without_password + " password=not-the-password";
    EXPECT_THROW(pg::Connection::connect(wrong_password), pg::SqlError);
}

TEST(ThrowawayCluster, RestartKeepsData)
{
    const auto conninfo = testkit::fresh_database();
    pg::Connection::connect(conninfo).exec("CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)");
    testkit::cluster().restart();
    EXPECT_EQ(pg::Connection::connect(conninfo).exec("SELECT id FROM kept").get(0, 0), "7");
}

TEST(ThrowawayCluster, RunsTheServerVersionTheEnvironmentAsksFor)
{
    // LOCKWISE_TEST_PG=13..17 (docs/versions.md); unset means Debian's PostgreSQL 15.
    const char* wanted = std::getenv("LOCKWISE_TEST_PG");
    const int expected_major = wanted != nullptr && *wanted != '\0' ? std::atoi(wanted) : 15;
    EXPECT_EQ(testkit::cluster().major_version(), expected_major);
    auto connection = pg::Connection::connect(testkit::cluster().conninfo());
    EXPECT_EQ(connection.server_version() / 10000, expected_major);
    EXPECT_EQ(pg::server_major_version(testkit::cluster().bindir()), expected_major);
}

TEST(ThrowawayCluster, AVersionWhoseBinariesAreMissingIsRefusedWithTheInstallCommand)
{
    testkit::cluster(); // started first, with the environment the run was given
    const char* given = std::getenv("LOCKWISE_TEST_PG");
    const std::string given_version = given != nullptr ? given : "";
    const auto cache = testkit::TempDir();
    ::setenv("LOCKWISE_PG_CACHE", cache.path().c_str(), 1);
    ::setenv("LOCKWISE_TEST_PG", "13", 1);
    try {
        pg::server_bindir_from_environment();
        ADD_FAILURE() << "an empty cache must not resolve";
    } catch (const core::Error& error) {
        EXPECT_NE(std::string(error.what()).find("PostgreSQL 13 server binaries are not installed"), std::string::npos) << error.what();
        EXPECT_NE(error.hint().find("./dev.sh pg 13"), std::string::npos) << error.hint();
    }
    ::setenv("LOCKWISE_TEST_PG", "12", 1);
    EXPECT_THROW(pg::server_bindir_from_environment(), core::Error);
    ::unsetenv("LOCKWISE_PG_CACHE");
    if (given_version.empty()) {
        ::unsetenv("LOCKWISE_TEST_PG");
    } else {
        ::setenv("LOCKWISE_TEST_PG", given_version.c_str(), 1);
    }
}
