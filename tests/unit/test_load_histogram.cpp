// Histogram: percentiles within the promised relative error of the exact ones on random
// data of several shapes, exact small values, and merge equal to recording the union.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "lockwise/load/histogram.hpp"

using lockwise::load::Histogram;

namespace {

std::uint64_t exact_quantile(std::vector<std::uint64_t> sorted, double q)
{
    const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()))));
    return sorted[rank - 1];
}

void expect_close(std::uint64_t reported, std::uint64_t exact, double q)
{
    const double tolerance = std::max(1.0, static_cast<double>(exact) / (2.0 * Histogram::k_sub_buckets) + 1);
    EXPECT_LE(std::abs(static_cast<double>(reported) - static_cast<double>(exact)), tolerance)
        << "q=" << q << " reported " << reported << " exact " << exact;
    EXPECT_LE(std::abs(static_cast<double>(reported) - static_cast<double>(exact)),
              std::max(1.0, 0.01 * static_cast<double>(exact)))
        << "beyond 1% at q=" << q;
}

} // namespace

TEST(LoadHistogram, PercentilesMatchExactWithinOnePercent)
{
    std::mt19937_64 engine(42);
    std::lognormal_distribution<double> latency(std::log(2000.0), 1.2); // ~2 ms, long tail
    std::exponential_distribution<double> exponential(1.0 / 50000);
    std::uniform_int_distribution<std::uint64_t> wide(0, 5'000'000'000ULL);
    for (int shape = 0; shape < 3; ++shape) {
        Histogram histogram;
        std::vector<std::uint64_t> values;
        for (int i = 0; i < 200000; ++i) {
            const double draw = shape == 0 ? latency(engine) : shape == 1 ? exponential(engine)
                                                                          : static_cast<double>(wide(engine));
            values.push_back(static_cast<std::uint64_t>(draw));
            histogram.record(values.back());
        }
        std::sort(values.begin(), values.end());
        ASSERT_EQ(histogram.count(), values.size());
        EXPECT_EQ(histogram.min(), values.front());
        EXPECT_EQ(histogram.max(), values.back());
        for (const double q : {0.0, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
            expect_close(histogram.value_at_quantile(q), exact_quantile(values, q), q);
        }
        long double sum = 0;
        for (const auto value : values) {
            sum += static_cast<long double>(value);
        }
        EXPECT_NEAR(histogram.mean(), static_cast<double>(sum / values.size()), 1e-6 * histogram.mean());
    }
}

TEST(LoadHistogram, SmallValuesAreExactAndBucketsTileTheRange)
{
    Histogram histogram;
    for (std::uint64_t v = 0; v < Histogram::k_sub_buckets; ++v) {
        histogram.record(v);
    }
    for (std::uint64_t v = 0; v < Histogram::k_sub_buckets; ++v) {
        const double q = static_cast<double>(v + 1) / static_cast<double>(Histogram::k_sub_buckets);
        EXPECT_EQ(histogram.value_at_quantile(q), v);
    }
    // Consecutive buckets meet without gaps or overlaps, and each holds what it claims to.
    for (std::uint32_t bucket = 0; bucket < 40 * Histogram::k_sub_buckets; ++bucket) {
        EXPECT_EQ(Histogram::bucket_highest(bucket) + 1, Histogram::bucket_lowest(bucket + 1)) << bucket;
        EXPECT_EQ(Histogram::bucket_of(Histogram::bucket_lowest(bucket)), bucket);
        EXPECT_EQ(Histogram::bucket_of(Histogram::bucket_highest(bucket)), bucket);
    }
    EXPECT_EQ(Histogram::bucket_of(UINT64_MAX), Histogram::bucket_of(UINT64_MAX - 1));
    EXPECT_EQ(Histogram().value_at_quantile(0.5), 0U);
}

TEST(LoadHistogram, MergeEqualsRecordingTheUnion)
{
    std::mt19937_64 engine(7);
    std::lognormal_distribution<double> low(std::log(500.0), 0.5);
    std::lognormal_distribution<double> high(std::log(800000.0), 0.3);
    Histogram parts[4];
    Histogram all;
    for (int i = 0; i < 40000; ++i) {
        // Parts cover different ranges so merging must widen the stored span on both sides.
        const auto part = static_cast<std::size_t>(i % 4);
        const auto value = static_cast<std::uint64_t>(part % 2 == 0 ? low(engine) : high(engine));
        parts[part].record(value);
        all.record(value);
    }
    Histogram merged;
    merged.merge(parts[3]);
    merged.merge(parts[0]);
    merged.merge(Histogram());
    merged.merge(parts[2]);
    merged.merge(parts[1]);
    EXPECT_TRUE(merged == all);
    EXPECT_EQ(merged.count(), 40000U);
    EXPECT_EQ(merged.min(), all.min());
    EXPECT_EQ(merged.max(), all.max());
    for (const double q : {0.5, 0.99, 0.999}) {
        EXPECT_EQ(merged.value_at_quantile(q), all.value_at_quantile(q));
    }
    EXPECT_NEAR(merged.mean(), all.mean(), 1e-9 * all.mean());
    Histogram other = parts[0];
    other.record(parts[0].max() + 1000000);
    EXPECT_FALSE(other == parts[0]);
}

TEST(LoadHistogram, WeightedRecordAndSparseStorage)
{
    Histogram histogram;
    histogram.record(1000, 99);
    histogram.record(700000, 1);
    EXPECT_EQ(histogram.count(), 100U);
    EXPECT_NEAR(static_cast<double>(histogram.value_at_quantile(0.5)), 1000, 10);
    EXPECT_EQ(histogram.value_at_quantile(1.0), 700000U);
    EXPECT_EQ(histogram.buckets().size(), 2U);
}
