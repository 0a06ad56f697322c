// splitmix64 and the \set distributions. The Zipf sampler follows Apache Commons RNG's
// RejectionInversionZipfSampler: exact for any exponent, no per-range tables.
#include "lockwise/load/random.hpp"

#include <algorithm>
#include <cmath>

namespace lockwise::load {

std::uint64_t mix64(std::uint64_t value) noexcept
{
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27U)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31U);
}

std::uint64_t Rng::next() noexcept
{
    m_state += 0x9e3779b97f4a7c15ULL;
    return mix64(m_state);
}

double Rng::unit() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

std::int64_t Rng::uniform(std::int64_t lo, std::int64_t hi) noexcept
{
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1U;
    if (span == 0) { // the full 64-bit range
        return static_cast<std::int64_t>(next());
    }
    return lo + static_cast<std::int64_t>(next() % span);
}

namespace {

// log1p(x)/x and expm1(x)/x, stable near 0.
double helper1(double x) { return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x)); }
double helper2(double x) { return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x)); }

struct ZipfShape {
    double s;
    double h_integral(double x) const
    {
        const double log_x = std::log(x);
        return helper2((1 - s) * log_x) * log_x;
    }
    double h(double x) const { return std::exp(-s * std::log(x)); }
    double h_integral_inverse(double x) const
    {
        double t = x * (1 - s);
        t = std::max(t, -1.0);
        return std::exp(helper1(t) * x);
    }
};

} // namespace

std::int64_t Rng::zipf(std::int64_t lo, std::int64_t hi, double s) noexcept
{
    const auto n = static_cast<double>(hi - lo + 1);
    if (n <= 1) {
        return lo;
    }
    const ZipfShape shape{s};
    const double h_integral_x1 = shape.h_integral(1.5) - 1;
    const double h_integral_n = shape.h_integral(n + 0.5);
    const double s_bound = 2 - shape.h_integral_inverse(shape.h_integral(2.5) - shape.h(2));
    for (;;) {
        const double u = h_integral_n + unit() * (h_integral_x1 - h_integral_n);
        const double x = shape.h_integral_inverse(u);
        double k = std::floor(x + 0.5);
        k = std::clamp(k, 1.0, n);
        if (k - x <= s_bound || u >= shape.h_integral(k + 0.5) - shape.h(k)) {
            return lo + static_cast<std::int64_t>(k) - 1;
        }
    }
}

std::int64_t Rng::exponential(std::int64_t lo, std::int64_t hi, double parameter) noexcept
{
    const double cut = std::exp(-parameter);
    const double uniform01 = 1.0 - unit(); // (0, 1]
    const double r = -std::log(cut + (1.0 - cut) * uniform01) / parameter;
    const auto offset = static_cast<std::int64_t>(static_cast<double>(hi - lo + 1) * r);
    return std::min(hi, lo + offset);
}

} // namespace lockwise::load
