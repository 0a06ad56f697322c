// Human duration text shared by every stage (logs, progress, run summaries, the
// blocking tree), so the same wait reads the same wherever lockwise prints it.
#pragma once

#include <chrono>
#include <string>

namespace lockwise::core {

// "0ms", "340ms", "1.2s", "59.9s", "2m05s", "1h02m"; negative durations get a leading "-".
std::string format_duration(std::chrono::nanoseconds duration);

} // namespace lockwise::core
