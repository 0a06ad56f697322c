// Deterministic random values for the load generator: a tiny, seedable generator
// (splitmix64) and the distributions of workload \set (uniform, Zipf, exponential).
#pragma once

#include <cstdint>

namespace lockwise::load {

// splitmix64 finaliser: a well-mixed 64-bit value from any input (seeds, ticket numbers).
std::uint64_t mix64(std::uint64_t value) noexcept;

// Cheap to construct per transaction, so a transaction's choices depend only on
// (seed, its ticket number), not on which client thread runs it.
class Rng {
public:
    explicit Rng(std::uint64_t seed) noexcept : m_state(seed) {}
    std::uint64_t next() noexcept;
    // Uniform in [0, 1).
    double unit() noexcept;
    // Uniform integer in [lo, hi] (lo <= hi).
    std::int64_t uniform(std::int64_t lo, std::int64_t hi) noexcept;
    // Zipf over [lo, hi]: lo has rank 1, rank r has weight 1/r^s (s > 0). Rejection-inversion
    // (Hörmann & Derflinger 1996), constant time and memory for any range.
    std::int64_t zipf(std::int64_t lo, std::int64_t hi, double s) noexcept;
    // pgbench's random_exponential: lo most likely, decaying by exp(-parameter) over the range.
    std::int64_t exponential(std::int64_t lo, std::int64_t hi, double parameter) noexcept;

private:
    std::uint64_t m_state;
};

} // namespace lockwise::load
