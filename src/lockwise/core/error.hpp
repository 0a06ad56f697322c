// The one error hierarchy of lockwise: every error that ends a command carries
// a stable code that is also the process exit status (README, "Exit codes").
#pragma once

#include <stdexcept>
#include <string>

namespace lockwise::core {

// Exit codes are part of the public interface: scripts and CI depend on them.
enum class ExitCode : int {
    success = 0,
    migration_failed = 1,     // a statement failed for a reason retrying can't fix
    usage = 2,                // bad flags, bad config, bad migration files
    lock_budget_exhausted = 3, // lock waits kept failing until the step's total budget ran out
    runner_locked = 4,        // another lockwise runner held the runner lock past --lock-wait
    checksum_drift = 5,       // an applied migration's file changed (see `lockwise repair`)
    lint_refused = 6,         // an error-level lint finding, not suppressed
    connection_failed = 7,    // the database could not be reached or refused us
    interrupted = 8,          // SIGINT/SIGTERM: stopped cleanly at a checkpoint
    gate_failed = 9,          // rehearse: an impact gate (--max-p99-ms, ...) was exceeded
    internal = 70,            // a bug in lockwise
};

const char* to_string(ExitCode code) noexcept;

// What ends a command. `what()` is the lowercase message; the hint is a full sentence.
class Error : public std::runtime_error {
public:
    Error(ExitCode code, std::string message, std::string hint = {});

    ExitCode code() const noexcept { return m_code; }
    const std::string& hint() const noexcept { return m_hint; }

private:
    ExitCode m_code;
    std::string m_hint;
};

} // namespace lockwise::core
