// Minimal JSON text output for locks/ (which links only pg): escaping and the
// few value shapes the blocking tree and snapshots need. Also the ms formatter.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lockwise::locks {

// A JSON string literal, quotes included; invalid UTF-8 bytes become U+FFFD.
std::string json_string(std::string_view text);
// The number of milliseconds, or null.
std::string json_millis(const std::optional<std::chrono::milliseconds>& value);
// "340ms", "1.2s", "2m05s", "1h02m" (the same rules as report::format_duration, which locks can't link).
std::string format_millis(std::chrono::milliseconds value);

} // namespace lockwise::locks
