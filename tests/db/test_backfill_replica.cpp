// max-lag against a real streaming replica on loopback: pg_basebackup of the test
// cluster, replay paused on the standby so lag grows; the backfill must wait while the
// lag is over the ceiling and finish once replay resumes.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lockwise/core/process.hpp"
#include "lockwise/core/version.hpp"
#include "support/testing.hpp"
#include "test_backfill_support.hpp"

using namespace lockwise;
using namespace lockwise::backfill;
using namespace lockwise::backfill::testing;
using namespace std::chrono_literals;

namespace {

// A hot standby of the test cluster, always stopped and removed.
class Standby {
public:
    Standby()
    {
        auto& primary = testkit::cluster();
        m_directory = primary.directory() + "/standby";
        m_port = pg::free_tcp_port();
        const auto bindir = std::string(core::k_pg_bindir);
        auto result = core::run_process({bindir + "/pg_basebackup", "-h", primary.directory(), "-p",
                                         std::to_string(primary.port()), "-U", "postgres", "-D", m_directory, "-R",
                                         "-X", "stream", "-c", "fast"},
                                        pg::server_program_options());
        if (result.exit_code != 0) {
            throw std::runtime_error("pg_basebackup failed: " + result.output);
        }
        std::ofstream conf(m_directory + "/postgresql.conf", std::ios::app);
        conf << "\nport = " << m_port << "\nhot_standby = on\nwal_receiver_status_interval = '1s'\n";
        conf.close();
        result = core::run_process({bindir + "/pg_ctl", "-D", m_directory, "-l", m_directory + "/standby.log", "-w",
                                    "-t", "60", "-s", "start"},
                                   pg::server_program_options());
        if (result.exit_code != 0) {
            std::filesystem::remove_all(m_directory);
            throw std::runtime_error("standby did not start: " + result.output);
        }
        m_running = true;
    }
    Standby(const Standby&) = delete;
    Standby& operator=(const Standby&) = delete;
    ~Standby()
    {
        if (m_running) {
            core::run_process({std::string(core::k_pg_bindir) + "/pg_ctl", "-D", m_directory, "-w", "-s", "-m",
                               "immediate", "stop"},
                              pg::server_program_options());
        }
        std::error_code ignored;
        std::filesystem::remove_all(m_directory, ignored);
    }
    std::string conninfo(const std::string& dbname) const
    {
        return fmt::format("host={} port={} user=postgres dbname={}", testkit::cluster().directory(), m_port, dbname);
    }

private:
    std::string m_directory;
    int m_port = 0;
    bool m_running = false;
};

class LagObserver : public RecordingObserver {
public:
    void on_throttle(std::string_view reason, Millis duration) override
    {
        RecordingObserver::on_throttle(reason, duration);
        lag_throttled = true;
    }
    std::atomic<bool> lag_throttled{false};
};

} // namespace

TEST(BackfillReplica, WaitsWhileReplayLagIsOverTheCeiling)
{
    const auto conninfo = testkit::fresh_database();
    auto connection = pg::Connection::connect(conninfo);
    seed(connection, {1500, 500});
    plain_update_copy(connection, false);
    const std::string dbname(connection.exec("SELECT current_database()").get(0, 0));

    const auto t0 = pg::Clock::now();
    Standby standby;
    std::printf("standby up in %lld ms\n", static_cast<long long>(std::chrono::duration_cast<Millis>(pg::Clock::now() - t0).count()));
    auto replica = pg::Connection::connect(standby.conninfo(dbname), "standby-check");
    // Wait until the standby streams and has replayed what is there.
    const auto deadline = pg::Clock::now() + 30s;
    while (connection.exec("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' "
                           "AND replay_lsn >= pg_current_wal_lsn()").get_int(0, 0) == 0) {
        ASSERT_LT(pg::Clock::now(), deadline) << "standby never caught up";
        std::this_thread::sleep_for(100ms);
    }
    std::printf("caught up in %lld ms\n", static_cast<long long>(std::chrono::duration_cast<Millis>(pg::Clock::now() - t0).count()));
    replica.exec("SELECT pg_wal_replay_pause()");

    LagObserver observer;
    std::thread resumer([&] {
        const auto give_up = pg::Clock::now() + 30s;
        while (!observer.lag_throttled.load() && pg::Clock::now() < give_up) {
            std::this_thread::sleep_for(20ms);
        }
        std::this_thread::sleep_for(800ms); // the backfill must stay paused meanwhile
        replica.exec("SELECT pg_wal_replay_resume()");
    });
    auto options = test_options();
    options.lag_poll = 100ms;
    BackfillResult result;
    try {
        result = run_backfill(connection, seed_spec({{"key", "id"}, {"partition", "tenant_id"}, {"batch", "200"}, {"max-lag", "64kB"}}),
                              options, observer);
    } catch (...) {
        resumer.join();
        throw;
    }
    resumer.join();
    std::printf("throttle events %lld, throttled %lld ms, batches %lld, elapsed %lld ms\n", result.throttle_events,
                static_cast<long long>(result.throttled.count()), result.batches, static_cast<long long>(result.elapsed.count()));
    EXPECT_GT(result.throttle_events, 0);
    EXPECT_GE(result.throttled, 700ms) << "paused until replay resumed";
    ASSERT_FALSE(observer.throttles.empty());
    EXPECT_NE(observer.throttles.front().find("replica lag"), std::string::npos) << observer.throttles.front();
    EXPECT_EQ(differences(connection), 0);
}
