// The largest durations, sizes and counts a user may write, and the overflow-checked
// arithmetic every parser of such values uses: a too-large value is an error that names
// the maximum, never a number that wrapped around (a wrapped duration can pass "> 0").
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace lockwise::core {

// PostgreSQL's timeouts are int milliseconds; no lockwise duration needs more.
inline constexpr std::chrono::milliseconds k_max_duration{2'147'483'647};
inline constexpr std::string_view k_max_duration_text = "2147483647ms (about 24 days, PostgreSQL's largest timeout)";

// Sizes (bytes): 1 PiB, far beyond any file or WAL lag lockwise looks at.
inline constexpr long long k_max_byte_size = 1LL << 50;
inline constexpr std::string_view k_max_byte_size_text = "1048576GB (1 PiB)";

// Whole-number settings (counts, retries, parallelism).
inline constexpr long long k_max_count = 2'147'483'647;

// value * factor + addend when the result stays within [0, limit]; nullopt otherwise
// (including when the intermediate product overflows). All arguments non-negative.
constexpr std::optional<long long> checked_mul_add(long long value, long long factor, long long addend,
                                                   long long limit) noexcept
{
    long long product = 0;
    long long sum = 0;
    if (value < 0 || factor < 0 || addend < 0 || __builtin_mul_overflow(value, factor, &product) ||
        __builtin_add_overflow(product, addend, &sum) || sum > limit) {
        return std::nullopt;
    }
    return sum;
}

// The leading decimal digits of `text` as a number, and how many there were; nullopt when
// the number exceeds `limit` (however many digits follow). digits == 0: no number.
struct LeadingNumber {
    long long value = 0;
    std::size_t digits = 0;
};
constexpr std::optional<LeadingNumber> leading_number(std::string_view text, long long limit) noexcept
{
    LeadingNumber out;
    while (out.digits < text.size() && text[out.digits] >= '0' && text[out.digits] <= '9') {
        const auto next = checked_mul_add(out.value, 10, text[out.digits] - '0', limit);
        if (!next) {
            return std::nullopt;
        }
        out.value = *next;
        ++out.digits;
    }
    return out;
}

} // namespace lockwise::core
