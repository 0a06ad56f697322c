// Human formatting of durations, timestamps, counts and rates. Rounding is done
// in integers so "59.96s" becomes "1m00s", never "60.0s".
#include "lockwise/report/format.hpp"

#include <cmath>
#include <ctime>
#include <fmt/format.h>

namespace lockwise::report {

std::string format_duration(std::chrono::nanoseconds duration)
{
    using namespace std::chrono;
    if (duration < nanoseconds::zero()) {
        return "-" + format_duration(-duration);
    }
    const long long ms = duration_cast<milliseconds>(duration + microseconds(500)).count();
    if (ms < 1000) {
        return fmt::format("{}ms", ms);
    }
    const long long tenths = (ms + 50) / 100;
    if (tenths < 600) {
        return fmt::format("{}.{}s", tenths / 10, tenths % 10);
    }
    const long long seconds_total = (ms + 500) / 1000;
    if (seconds_total < 3600) {
        return fmt::format("{}m{:02}s", seconds_total / 60, seconds_total % 60);
    }
    const long long minutes_total = (seconds_total + 30) / 60;
    return fmt::format("{}h{:02}m", minutes_total / 60, minutes_total % 60);
}

namespace {

std::tm utc_tm(std::chrono::system_clock::time_point time)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(
        std::chrono::floor<std::chrono::seconds>(time));
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    return parts;
}

} // namespace

std::string format_timestamp(std::chrono::system_clock::time_point time)
{
    const auto parts = utc_tm(time);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                            time - std::chrono::floor<std::chrono::seconds>(time))
                            .count();
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", parts.tm_year + 1900, parts.tm_mon + 1,
                       parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, millis);
}

std::string format_time_of_day(std::chrono::system_clock::time_point time)
{
    const auto parts = utc_tm(time);
    return fmt::format("{:02}:{:02}:{:02}", parts.tm_hour, parts.tm_min, parts.tm_sec);
}

std::string format_count(long long count)
{
    if (count < 0) {
        return "-" + format_count(-count);
    }
    std::string digits = std::to_string(count);
    std::string out;
    const auto lead = digits.size() % 3;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (i % 3) == lead) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

std::string format_si(double value)
{
    if (!std::isfinite(value)) {
        return "?";
    }
    const double magnitude = std::fabs(value);
    if (magnitude < 1000.0) {
        return magnitude < 10.0 && magnitude != std::floor(magnitude) ? fmt::format("{:.1f}", value)
                                                                       : fmt::format("{:.0f}", value);
    }
    if (magnitude < 999950.0) {
        return fmt::format("{:.1f}k", value / 1e3);
    }
    if (magnitude < 999950000.0) {
        return fmt::format("{:.1f}M", value / 1e6);
    }
    return fmt::format("{:.1f}G", value / 1e9);
}

} // namespace lockwise::report
