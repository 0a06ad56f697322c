// Test support implementation. The cluster is a function-local static: started
// by the first test that needs it, stopped and removed when the binary exits.
#include "support/testing.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include <atomic>
#include <cctype>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "lockwise/core/process.hpp"

namespace lockwise::testkit {

pg::ThrowawayCluster& cluster()
{
    static pg::ThrowawayCluster instance;
    return instance;
}

std::string fresh_database()
{
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info != nullptr ? fmt::format("{}_{}", info->test_suite_name(), info->name()) : "test";
    for (auto& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            c = '_';
        }
    }
    name = fmt::format("t{}_{}", counter++, name.substr(0, 40));
    for (auto& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    cluster().create_database(name);
    return cluster().conninfo(name);
}

TempDir::TempDir()
{
    std::string pattern = (std::filesystem::temp_directory_path() / "lockwise-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
}

TempDir::~TempDir()
{
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

std::filesystem::path TempDir::write(const std::string& relative, const std::string& content) const
{
    const auto full = m_path / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream file(full, std::ios::binary | std::ios::trunc);
    file << content;
    return full;
}

CliResult run_lockwise(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                       const std::filesystem::path& working_directory)
{
    std::vector<std::string> argv{LOCKWISE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    core::ProcessOptions options;
    for (const auto& [name, value] : env) {
        options.env.emplace_back(name, value);
    }
    if (!working_directory.empty()) {
        options.working_directory = working_directory.string();
    }
    const auto result = core::run_process(argv, options);
    return {result.signal != 0 ? 128 + result.signal : result.exit_code, result.output};
}

BackgroundLockwise::BackgroundLockwise(const std::vector<std::string>& args, const std::map<std::string, std::string>& env)
{
    std::vector<std::string> argv{LOCKWISE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    core::ProcessOptions options;
    for (const auto& [name, value] : env) {
        options.env.emplace_back(name, value);
    }
    m_pid = core::spawn_process(argv, options, (m_dir.path() / "output.log").string());
}

BackgroundLockwise::~BackgroundLockwise()
{
    if (!m_result && m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        int status = 0;
        waitpid(m_pid, &status, 0);
    }
}

CliResult BackgroundLockwise::wait()
{
    if (!m_result) {
        int status = 0;
        while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
        CliResult result;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        result.output = output_so_far();
        m_result = result;
    }
    return *m_result;
}

bool BackgroundLockwise::running()
{
    if (m_result) {
        return false;
    }
    int status = 0;
    const pid_t done = waitpid(m_pid, &status, WNOHANG);
    if (done == m_pid) {
        CliResult result;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        result.output = output_so_far();
        m_result = result;
        return false;
    }
    return true;
}

void BackgroundLockwise::kill(int signal_number) { ::kill(m_pid, signal_number); }

std::string BackgroundLockwise::output_so_far() const { return read_file(m_dir.path() / "output.log"); }

std::filesystem::path source_dir() { return LOCKWISE_SOURCE_DIR; }
std::filesystem::path lockwise_binary() { return LOCKWISE_BINARY; }

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream file(path, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

} // namespace lockwise::testkit
