// Minimal JSON text output for locks/ (no JSON library here): escaping and the
// few value shapes the blocking tree and snapshots need.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lockwise::locks {

// A JSON string literal of report::sanitize(text), quotes included; invalid UTF-8 bytes
// become U+FFFD.
std::string json_string(std::string_view text);
// The number of milliseconds, or null.
std::string json_millis(const std::optional<std::chrono::milliseconds>& value);

} // namespace lockwise::locks
