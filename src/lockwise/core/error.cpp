// Exit code names and the Error type every command failure is reported as.
#include "lockwise/core/error.hpp"

namespace lockwise::core {

const char* to_string(ExitCode code) noexcept
{
    switch (code) {
    case ExitCode::success: return "success";
    case ExitCode::migration_failed: return "migration failed";
    case ExitCode::usage: return "usage or input error";
    case ExitCode::lock_budget_exhausted: return "lock budget exhausted";
    case ExitCode::runner_locked: return "another runner holds the lock";
    case ExitCode::checksum_drift: return "checksum drift";
    case ExitCode::lint_refused: return "refused by lint";
    case ExitCode::connection_failed: return "connection failed";
    case ExitCode::interrupted: return "interrupted";
    case ExitCode::gate_failed: return "impact gate exceeded";
    case ExitCode::internal: return "internal error";
    }
    return "unknown";
}

Error::Error(ExitCode code, std::string message, std::string hint)
    : std::runtime_error(std::move(message)), m_code(code), m_hint(std::move(hint))
{
}

} // namespace lockwise::core
