// A mergeable latency histogram with log-linear buckets (HdrHistogram-style):
// bounded relative error at any magnitude, constant memory per value range.
#pragma once

#include <cstdint>
#include <vector>

namespace lockwise::load {

// Counts non-negative integer values (lockwise records microseconds). Values below
// k_sub_buckets are exact; above, a bucket spans 1/k_sub_buckets of its lower bound,
// and a reported value (bucket midpoint, clamped to the exact min/max) is within
// 1/(2*k_sub_buckets) ~ 0.4% of the true one. Not thread-safe: one per recorder, merged later.
class Histogram {
public:
    static constexpr int k_sub_bucket_bits = 7;
    static constexpr std::uint64_t k_sub_buckets = 1U << k_sub_bucket_bits;

    // Adds `count` occurrences of `value`.
    void record(std::uint64_t value, std::uint64_t count = 1);
    // Adds every count of `other` (the result equals a histogram of both value sets).
    void merge(const Histogram& other);

    std::uint64_t count() const noexcept { return m_count; }
    bool empty() const noexcept { return m_count == 0; }
    // Exact minimum, maximum and mean of the recorded values (0 when empty).
    std::uint64_t min() const noexcept { return m_count == 0 ? 0 : m_min; }
    std::uint64_t max() const noexcept { return m_max; }
    double mean() const noexcept;
    // The value at quantile q in [0, 1] (nearest rank: the ceil(q*count)-th smallest), 0 when empty.
    std::uint64_t value_at_quantile(double q) const;

    // The bucket that holds `value`, and the smallest and largest value of a bucket.
    static std::uint32_t bucket_of(std::uint64_t value) noexcept;
    static std::uint64_t bucket_lowest(std::uint32_t bucket) noexcept;
    static std::uint64_t bucket_highest(std::uint32_t bucket) noexcept;

    // Non-zero buckets as (bucket, count), ascending: for serialisation and tests.
    std::vector<std::pair<std::uint32_t, std::uint64_t>> buckets() const;

    bool operator==(const Histogram& other) const;

private:
    void ensure_covers(std::uint32_t bucket);

    // Counts of buckets [m_first, m_first + m_counts.size()): latencies cluster, so
    // storing only the occupied span keeps a per-window histogram small.
    std::vector<std::uint64_t> m_counts;
    std::uint32_t m_first = 0;
    std::uint64_t m_count = 0;
    std::uint64_t m_min = 0;
    std::uint64_t m_max = 0;
    long double m_sum = 0;
};

} // namespace lockwise::load
