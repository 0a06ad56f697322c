// Human duration text. Rounding is done in integers, one unit at a time, so
// "59.96s" becomes "1m00s", never "60.0s".
#include "lockwise/core/format.hpp"

#include <fmt/format.h>

namespace lockwise::core {

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

} // namespace lockwise::core
