// Shared test support: one throwaway cluster per test binary, a fresh database
// per test, temp dirs, and running the built `lockwise` binary.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lockwise/pg/connection.hpp"
#include "lockwise/pg/throwaway_cluster.hpp"

namespace lockwise::testkit {

// The cluster of this test binary, started on first use, removed at exit.
pg::ThrowawayCluster& cluster();

// Creates a new, empty database for the running test and returns its conninfo.
std::string fresh_database();

// A temporary directory removed when it goes out of scope.
class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const noexcept { return m_path; }
    // Writes `content` to path()/relative (creating folders) and returns the full path.
    std::filesystem::path write(const std::string& relative, const std::string& content) const;

private:
    std::filesystem::path m_path;
};

struct CliResult {
    int exit_code = -1;
    std::string output; // stdout + stderr
};

// Runs the built lockwise binary with `args`, extra environment and working directory.
CliResult run_lockwise(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {},
                       const std::filesystem::path& working_directory = {});

// The lockwise binary running in the background (output to a file), for tests that race it.
class BackgroundLockwise {
public:
    BackgroundLockwise(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});
    BackgroundLockwise(const BackgroundLockwise&) = delete;
    BackgroundLockwise& operator=(const BackgroundLockwise&) = delete;
    ~BackgroundLockwise(); // kills it if still running
    int pid() const noexcept { return m_pid; }
    // Waits for it to exit; exit code (128 + signal when killed) and its output.
    CliResult wait();
    bool running();
    void kill(int signal_number);
    std::string output_so_far() const;

private:
    int m_pid = -1;
    std::optional<CliResult> m_result;
    TempDir m_dir;
};

std::filesystem::path source_dir();
std::filesystem::path lockwise_binary(); // the `lockwise` built next to the tests
std::string read_file(const std::filesystem::path& path);

} // namespace lockwise::testkit
