// fork/exec with captured output. Used for PostgreSQL's own tools and by tests
// that run the lockwise binary; never on a hot path.
#include "lockwise/core/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

#include "lockwise/core/error.hpp"

namespace lockwise::core {
namespace {

// Runs in the child after fork: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const ProcessOptions& options,
                             const passwd* user)
{
    if (options.working_directory && chdir(options.working_directory->c_str()) != 0) {
        _exit(127);
    }
    if (user != nullptr) {
        if (initgroups(user->pw_name, user->pw_gid) != 0 || setgid(user->pw_gid) != 0 ||
            setuid(user->pw_uid) != 0) {
            _exit(126);
        }
        setenv("HOME", user->pw_dir, 1);
        setenv("USER", user->pw_name, 1);
    }
    for (const auto& [name, value] : options.env) {
        setenv(name.c_str(), value.c_str(), 1);
    }
    std::vector<char*> args;
    for (const auto& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
}

const passwd* lookup_user(const ProcessOptions& options)
{
    if (!options.run_as_user) {
        return nullptr;
    }
    const passwd* user = getpwnam(options.run_as_user->c_str());
    if (user == nullptr) {
        throw Error(ExitCode::internal, fmt::format("system user \"{}\" does not exist", *options.run_as_user));
    }
    return user;
}

} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options)
{
    const passwd* user = lookup_user(options);
    int output_pipe[2];
    int input_pipe[2];
    if (pipe2(output_pipe, O_CLOEXEC) != 0 || pipe2(input_pipe, O_CLOEXEC) != 0) {
        throw Error(ExitCode::internal, fmt::format("pipe: {}", std::strerror(errno)));
    }
    const pid_t pid = fork();
    if (pid < 0) {
        throw Error(ExitCode::internal, fmt::format("fork: {}", std::strerror(errno)));
    }
    if (pid == 0) {
        dup2(input_pipe[0], STDIN_FILENO);
        dup2(output_pipe[1], STDOUT_FILENO);
        dup2(output_pipe[1], STDERR_FILENO);
        exec_child(argv, options, user);
    }
    close(output_pipe[1]);
    close(input_pipe[0]);
    if (options.stdin_text) {
        const auto& text = *options.stdin_text;
        std::size_t written = 0;
        while (written < text.size()) {
            const auto n = write(input_pipe[1], text.data() + written, text.size() - written);
            if (n <= 0) {
                break;
            }
            written += static_cast<std::size_t>(n);
        }
    }
    close(input_pipe[1]);
    ProcessResult result;
    char buffer[4096];
    while (true) {
        const auto n = read(output_pipe[0], buffer, sizeof buffer);
        if (n > 0) {
            result.output.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    close(output_pipe[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

int spawn_process(const std::vector<std::string>& argv, const ProcessOptions& options,
                  const std::string& log_path)
{
    const passwd* user = lookup_user(options);
    const pid_t pid = fork();
    if (pid < 0) {
        throw Error(ExitCode::internal, fmt::format("fork: {}", std::strerror(errno)));
    }
    if (pid == 0) {
        const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        const int null_input = open("/dev/null", O_RDONLY);
        if (log >= 0) {
            dup2(log, STDOUT_FILENO);
            dup2(log, STDERR_FILENO);
        }
        if (null_input >= 0) {
            dup2(null_input, STDIN_FILENO);
        }
        exec_child(argv, options, user);
    }
    return pid;
}

} // namespace lockwise::core
