// A private PostgreSQL server for tests and `lockwise demo`: initdb into a
// temp dir, started with pg_ctl on a unix socket in that 0700 dir only (TCP on
// 127.0.0.1 with a random scram password when asked for), and always stopped and
// removed (destructor, signals, exit). The server is Debian's PostgreSQL 15 unless
// a bindir or LOCKWISE_TEST_PG picks another version (docs/versions.md).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lockwise/core/process.hpp"

namespace lockwise::pg {

// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's pick), for a
// server about to start or a "nothing answers here" test; throws core::Error if none.
int free_tcp_port();

// How to run a PostgreSQL server program (initdb, pg_ctl, pg_basebackup, postgres) so it
// can own its data directory: as the `postgres` system user when we are root, LC_ALL=C.
core::ProcessOptions server_program_options();

// The server binaries the environment asks for: LOCKWISE_PG_BINDIR if set, else the
// major version in LOCKWISE_TEST_PG (13..17) looked up in the server cache that
// `./dev.sh` fills from npm (LOCKWISE_PG_CACHE, see pg_server_cache_directory()),
// else Debian's PostgreSQL 15. Throws core::Error if LOCKWISE_TEST_PG names a version
// whose binaries are not there, with the command that installs them.
std::string server_bindir_from_environment();

// Where `./dev.sh` installs the npm server packages: $LOCKWISE_PG_CACHE, else
// /var/cache/lockwise/pg as root (the `postgres` user must be able to run them), else
// ${XDG_CACHE_HOME:-~/.cache}/lockwise/pg.
std::string pg_server_cache_directory();

// The major version of the server binaries in bindir (`postgres --version`), e.g. 15;
// throws core::Error if there is no runnable `postgres` there.
int server_major_version(const std::string& bindir);

class ThrowawayCluster {
public:
    struct Options {
        // Extra postgresql.conf settings, e.g. {"wal_level", "logical"}.
        std::vector<std::pair<std::string, std::string>> settings;
        // Durability off (fsync, synchronous_commit, full_page_writes) for speed; the
        // benchmarks turn it back on to measure what production would see.
        bool durable = false;
        // Lines put in pg_hba.conf before the defaults (e.g. password auth tests).
        std::vector<std::string> hba_lines;
        // Also listen on 127.0.0.1. Off by default: the unix socket lives in a 0700 directory, so
        // only its owner can connect, while any local user could reach a TCP port. With TCP on, the
        // superuser gets a random password and TCP logins need it (scram-sha-256).
        bool tcp = false;
        // Server binaries (initdb, pg_ctl, postgres); empty: server_bindir_from_environment().
        std::string bindir;
    };

    // Starts the cluster; throws core::Error if PostgreSQL can't be started (with its log).
    ThrowawayCluster();
    explicit ThrowawayCluster(Options options);
    ThrowawayCluster(const ThrowawayCluster&) = delete;
    ThrowawayCluster& operator=(const ThrowawayCluster&) = delete;
    ~ThrowawayCluster();

    // conninfo over the unix socket as the superuser "postgres".
    std::string conninfo(std::string_view dbname = "postgres") const;
    // conninfo over TCP on 127.0.0.1 with the superuser's password (Options::tcp only).
    std::string tcp_conninfo(std::string_view dbname = "postgres") const;
    // The superuser's random password for TCP logins ("" without Options::tcp).
    const std::string& password() const noexcept { return m_password; }

    int port() const noexcept { return m_port; }
    // The server's major version (13..17) and the directory of its binaries.
    int major_version() const noexcept { return m_major_version; }
    const std::string& bindir() const noexcept { return m_bindir; }
    const std::string& directory() const noexcept { return m_directory; }
    const std::string& socket_directory() const noexcept { return m_directory; }
    const std::string& data_directory() const noexcept { return m_data_directory; }

    // CREATE DATABASE name TEMPLATE template_db.
    void create_database(std::string_view name, std::string_view template_db = "template1") const;

    // Stops the server; `immediate` simulates a crash (no checkpoint).
    void stop(bool immediate = false);
    void start();
    // pg_ctl restart -m fast (fault injection: a fast restart of PostgreSQL).
    void restart();
    bool running() const noexcept { return m_running; }
    // The server log so far (for failure messages).
    std::string log() const;

private:
    std::vector<std::string> pg_command(std::string_view tool) const;
    void run_as_owner(const std::vector<std::string>& argv, std::string_view what) const;

    Options m_options;
    std::string m_directory;      // everything lives here: data, socket, log
    std::string m_data_directory;
    std::string m_log_path;
    std::string m_password;
    std::string m_bindir;
    int m_major_version = 0;
    int m_port = 0;
    bool m_running = false;
    int m_registry_slot = -1;
};

} // namespace lockwise::pg
