// Human formatting of timestamps, counts and rates (durations: core::format_duration).
#include "lockwise/report/format.hpp"

#include <cmath>
#include <ctime>
#include <fmt/format.h>

namespace lockwise::report {

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
