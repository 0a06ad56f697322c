// Running an external program (initdb, pg_ctl, pg_dump, the lockwise binary in
// tests) and capturing its output, optionally as another system user.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lockwise::core {

struct ProcessResult {
    int exit_code = -1;   // -1 when the process died from a signal
    int signal = 0;       // the signal that ended it, 0 otherwise
    std::string output;   // stdout and stderr, interleaved
};

struct ProcessOptions {
    std::optional<std::string> run_as_user;              // setuid/setgid to this user (we are root)
    std::vector<std::pair<std::string, std::string>> env; // added to (or replacing in) the environment
    std::optional<std::string> working_directory;
    std::optional<std::string> stdin_text;
};

// Runs argv[0] (searched in PATH when it has no slash) and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Starts a process without waiting; returns its pid. Output goes to `log_path` (appended).
int spawn_process(const std::vector<std::string>& argv, const ProcessOptions& options,
                  const std::string& log_path);

} // namespace lockwise::core
