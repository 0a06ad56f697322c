// The \set distributions: uniform stays in range, Zipf and exponential frequencies
// match their formulas, and a seed gives the same values every time.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "lockwise/load/random.hpp"

using lockwise::load::Rng;

TEST(LoadRandom, UniformCoversRangeEvenly)
{
    Rng rng(1);
    std::vector<int> counts(10, 0);
    for (int i = 0; i < 100000; ++i) {
        const auto v = rng.uniform(5, 14);
        ASSERT_GE(v, 5);
        ASSERT_LE(v, 14);
        counts[static_cast<std::size_t>(v - 5)] += 1;
    }
    for (const int count : counts) {
        EXPECT_NEAR(count, 10000, 500);
    }
    EXPECT_EQ(Rng(3).uniform(7, 7), 7);
}

TEST(LoadRandom, ZipfFrequenciesFollowOneOverRankToTheS)
{
    for (const double s : {0.8, 1.0, 1.5}) {
        Rng rng(99);
        const int n = 10;
        std::vector<int> counts(n, 0);
        const int draws = 200000;
        for (int i = 0; i < draws; ++i) {
            const auto v = rng.zipf(101, 100 + n, s);
            ASSERT_GE(v, 101);
            ASSERT_LE(v, 100 + n);
            counts[static_cast<std::size_t>(v - 101)] += 1;
        }
        double total = 0;
        for (int k = 1; k <= n; ++k) {
            total += 1 / std::pow(k, s);
        }
        for (int k = 1; k <= n; ++k) {
            const double expected = draws * (1 / std::pow(k, s)) / total;
            EXPECT_NEAR(counts[static_cast<std::size_t>(k - 1)], expected, 0.05 * expected + 50)
                << "s=" << s << " rank " << k;
        }
    }
}

TEST(LoadRandom, ExponentialFavoursTheLowEnd)
{
    Rng rng(5);
    int low_half = 0;
    for (int i = 0; i < 50000; ++i) {
        const auto v = rng.exponential(1, 100, 5.0);
        ASSERT_GE(v, 1);
        ASSERT_LE(v, 100);
        low_half += v <= 50 ? 1 : 0;
    }
    // P(r < 0.5) = (1 - e^-2.5) / (1 - e^-5) ~ 0.924.
    EXPECT_NEAR(low_half / 50000.0, 0.924, 0.01);
}

TEST(LoadRandom, SameSeedSameValues)
{
    Rng a(12345);
    Rng b(12345);
    Rng c(12346);
    int differ = 0;
    for (int i = 0; i < 100; ++i) {
        const auto x = a.next();
        EXPECT_EQ(x, b.next());
        differ += x != c.next() ? 1 : 0;
    }
    EXPECT_EQ(differ, 100);
}
