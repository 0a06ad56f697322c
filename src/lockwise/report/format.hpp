// Human formatting of timestamps, counts and rates, shared by the logger, progress
// bars and the run summary so every output agrees. Durations: core::format_duration.
#pragma once

#include <chrono>
#include <string>

namespace lockwise::report {

// UTC, millisecond precision, RFC 3339: "2026-11-28T14:03:22.123Z".
std::string format_timestamp(std::chrono::system_clock::time_point time);

// Local wall-clock time of day "14:03:22" (UTC) for the pretty format, where the date is noise.
std::string format_time_of_day(std::chrono::system_clock::time_point time);

// Thousands separators: 1234567 -> "1,234,567".
std::string format_count(long long count);

// Compact magnitude for rates: 950 -> "950", 3210 -> "3.2k", 1500000 -> "1.5M".
std::string format_si(double value);

} // namespace lockwise::report
