// Log-linear bucket arithmetic and the occupied-span storage of Histogram.
// Bucket b < S (S = k_sub_buckets) holds exactly b; above, bucket (shift+1)*S + m - S
// holds [m << shift, (m+1) << shift) for a mantissa m in [S, 2S).
#include "lockwise/load/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace lockwise::load {

std::uint32_t Histogram::bucket_of(std::uint64_t value) noexcept
{
    if (value < k_sub_buckets) {
        return static_cast<std::uint32_t>(value);
    }
    const auto shift = static_cast<std::uint32_t>(std::bit_width(value)) - 1U - k_sub_bucket_bits;
    const auto mantissa = value >> shift;
    return static_cast<std::uint32_t>((shift + 1) * k_sub_buckets + mantissa - k_sub_buckets);
}

std::uint64_t Histogram::bucket_lowest(std::uint32_t bucket) noexcept
{
    if (bucket < k_sub_buckets) {
        return bucket;
    }
    const std::uint64_t shift = bucket / k_sub_buckets - 1;
    const std::uint64_t mantissa = bucket % k_sub_buckets + k_sub_buckets;
    return mantissa << shift;
}

std::uint64_t Histogram::bucket_highest(std::uint32_t bucket) noexcept
{
    if (bucket < k_sub_buckets) {
        return bucket;
    }
    const std::uint64_t shift = bucket / k_sub_buckets - 1;
    return bucket_lowest(bucket) + ((std::uint64_t{1} << shift) - 1);
}

void Histogram::ensure_covers(std::uint32_t bucket)
{
    if (m_counts.empty()) {
        m_first = bucket;
        m_counts.assign(1, 0);
        return;
    }
    if (bucket < m_first) {
        m_counts.insert(m_counts.begin(), m_first - bucket, 0);
        m_first = bucket;
    } else if (bucket >= m_first + m_counts.size()) {
        m_counts.resize(bucket - m_first + 1, 0);
    }
}

void Histogram::record(std::uint64_t value, std::uint64_t count)
{
    if (count == 0) {
        return;
    }
    const auto bucket = bucket_of(value);
    ensure_covers(bucket);
    m_counts[bucket - m_first] += count;
    m_min = m_count == 0 ? value : std::min(m_min, value);
    m_max = std::max(m_max, value);
    m_count += count;
    m_sum += static_cast<long double>(value) * static_cast<long double>(count);
}

void Histogram::merge(const Histogram& other)
{
    if (other.m_count == 0) {
        return;
    }
    ensure_covers(other.m_first);
    ensure_covers(static_cast<std::uint32_t>(other.m_first + other.m_counts.size() - 1));
    for (std::size_t i = 0; i < other.m_counts.size(); ++i) {
        m_counts[other.m_first + i - m_first] += other.m_counts[i];
    }
    m_min = m_count == 0 ? other.m_min : std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
    m_count += other.m_count;
    m_sum += other.m_sum;
}

double Histogram::mean() const noexcept
{
    return m_count == 0 ? 0.0 : static_cast<double>(m_sum / static_cast<long double>(m_count));
}

std::uint64_t Histogram::value_at_quantile(double q) const
{
    if (m_count == 0) {
        return 0;
    }
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count))));
    // The extremes are known exactly; only values in between are bucket estimates.
    if (rank >= m_count) {
        return m_max;
    }
    if (rank == 1) {
        return m_min;
    }
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        seen += m_counts[i];
        if (seen >= rank) {
            const auto bucket = static_cast<std::uint32_t>(m_first + i);
            const auto low = bucket_lowest(bucket);
            const auto middle = low + (bucket_highest(bucket) - low) / 2;
            return std::clamp(middle, m_min, m_max);
        }
    }
    return m_max;
}

std::vector<std::pair<std::uint32_t, std::uint64_t>> Histogram::buckets() const
{
    std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        if (m_counts[i] != 0) {
            out.emplace_back(static_cast<std::uint32_t>(m_first + i), m_counts[i]);
        }
    }
    return out;
}

bool Histogram::operator==(const Histogram& other) const
{
    return m_count == other.m_count && min() == other.min() && m_max == other.m_max &&
           buckets() == other.buckets();
}

} // namespace lockwise::load
