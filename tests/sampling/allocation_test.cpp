#include <kpiscore/sampling/allocation.hpp>
#include <kpiscore/sampling/inclusion.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace {

using namespace kpiscore::sampling;

std::int64_t sum(const std::vector<std::int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::int64_t{0});
}

TEST(SamplingAllocation, ProportionalByLargestRemainder) {
  // 10 of 1000 over strata of 500, 300, 200 gives 5, 3, 2 exactly.
  const std::vector<double> s{500, 300, 200};
  const std::vector<std::int64_t> lo{0, 0, 0}, hi{500, 300, 200};
  AllocationResult a = allocate(10, s, lo, hi);
  EXPECT_EQ(a.counts, (std::vector<std::int64_t>{5, 3, 2}));
  // 7 of 1000: exact shares 3.5, 2.1, 1.4 -> floors 3, 2, 1 (6) and the largest remainder (0.5)
  // gets the seventh.
  a = allocate(7, s, lo, hi);
  EXPECT_NEAR(a.expected[0], 3.5, 1e-12);
  EXPECT_NEAR(a.expected[1], 2.1, 1e-12);
  EXPECT_NEAR(a.expected[2], 1.4, 1e-12);
  EXPECT_EQ(a.counts, (std::vector<std::int64_t>{4, 2, 1}));
  EXPECT_EQ(a.total, 7);
}

TEST(SamplingAllocation, EqualRemaindersGoToTheEarlierStratum) {
  const std::vector<double> s{1, 1, 1};
  const std::vector<std::int64_t> lo{0, 0, 0}, hi{10, 10, 10};
  EXPECT_EQ(allocate(4, s, lo, hi).counts, (std::vector<std::int64_t>{2, 1, 1}));
  EXPECT_EQ(allocate(5, s, lo, hi).counts, (std::vector<std::int64_t>{2, 2, 1}));
}

TEST(SamplingAllocation, MinimumsAndMaximumsAreHonouredAndTheTotalStaysExact) {
  // Shares 90, 9, 1 of 20 with every stratum at least 2 and at most 15: the big stratum is capped
  // at 15, the small one raised to 2, and the middle one takes the rest (3).
  const std::vector<double> s{90, 9, 1};
  const std::vector<std::int64_t> lo{2, 2, 1}, hi{15, 9, 1};
  const AllocationResult a = allocate(20, s, lo, hi);
  EXPECT_EQ(a.counts, (std::vector<std::int64_t>{15, 4, 1}));
  EXPECT_EQ(sum(a.counts), 20);
  EXPECT_NEAR(std::accumulate(a.expected.begin(), a.expected.end(), 0.0), 20.0, 1e-9);
}

TEST(SamplingAllocation, BoundsThatBindSetTheTotal) {
  const std::vector<double> s{1, 1};
  const std::vector<std::int64_t> lo{3, 3}, hi{5, 5};
  EXPECT_EQ(allocate(4, s, lo, hi).total, 6);   // the minimums need 6
  EXPECT_EQ(allocate(20, s, lo, hi).total, 10); // the maximums allow 10
}

TEST(SamplingAllocation, ManyStrataSumExactly) {
  std::vector<double> s;
  std::vector<std::int64_t> lo, hi;
  for (int h = 0; h < 997; ++h) {
    s.push_back(1.0 + (h * 7919 % 113));
    lo.push_back(1);
    hi.push_back(static_cast<std::int64_t>(s.back()));
  }
  for (double total : {997.0, 1500.0, 12345.0, 20000.0}) {
    const AllocationResult a = allocate(total, s, lo, hi);
    EXPECT_EQ(sum(a.counts), static_cast<std::int64_t>(total));
    for (std::size_t h = 0; h < s.size(); ++h) {
      EXPECT_GE(a.counts[h], lo[h]);
      EXPECT_LE(a.counts[h], hi[h]);
      EXPECT_LE(std::abs(static_cast<double>(a.counts[h]) - a.expected[h]), 1.0);
    }
  }
}

TEST(SamplingAllocation, BadArgumentsAreErrors) {
  const std::vector<double> s{1, -1};
  const std::vector<std::int64_t> lo{0, 0}, hi{1, 1}, crossed{2, 0};
  try {
    (void)allocate(1, s, lo, hi);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "allocate: stratum 1: expected a non-negative share");
  }
  const std::vector<double> ok{1, 1};
  EXPECT_THROW((void)allocate(1, ok, crossed, hi), std::invalid_argument);
  EXPECT_THROW((void)allocate(-1, ok, lo, hi), std::invalid_argument);
}

TEST(SamplingInclusion, ProportionalToSizeWithCertainties) {
  // Sizes 10, 1, 1, 1, 1 with n = 2: 10 * 2 / 14 > 1, so the first is certain and the other
  // four share the remaining 1: 0.25 each.
  const std::vector<double> x{10, 1, 1, 1, 1};
  const std::vector<double> pi = pps_inclusion(2, x);
  EXPECT_EQ(pi[0], 1.0);
  for (std::size_t i = 1; i < 5; ++i)
    EXPECT_DOUBLE_EQ(pi[i], 0.25);
  // No certainty: n = 1, sizes 1, 2, 3 -> 1/6, 2/6, 3/6.
  const std::vector<double> y{1, 2, 3};
  const std::vector<double> q = pps_inclusion(1, y);
  EXPECT_DOUBLE_EQ(q[0], 1.0 / 6);
  EXPECT_DOUBLE_EQ(q[1], 2.0 / 6);
  EXPECT_DOUBLE_EQ(q[2], 3.0 / 6);
  // A real (expected) size, several certainties, ties treated alike.
  const std::vector<double> z{5, 5, 1, 1, 1, 1, 1, 1};
  const std::vector<double> r = pps_inclusion(3.5, z);
  EXPECT_EQ(r[0], 1.0);
  EXPECT_EQ(r[1], 1.0);
  for (std::size_t i = 2; i < z.size(); ++i)
    EXPECT_DOUBLE_EQ(r[i], 0.25);
  EXPECT_NEAR(std::accumulate(r.begin(), r.end(), 0.0), 3.5, 1e-12);
  EXPECT_EQ(pps_inclusion(9, z), std::vector<double>(8, 1.0));
  EXPECT_THROW((void)pps_inclusion(1, std::vector<double>{1, 0}), std::invalid_argument);
}

TEST(SamplingInclusion, OrderSamplingKeys) {
  EXPECT_DOUBLE_EQ(pareto_key(0.5, 0.2), 1.0 * (0.8 / 0.2));
  EXPECT_DOUBLE_EQ(pareto_key(0.25, 0.5), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(sequential_poisson_key(0.3, 0.6), 0.5);
  EXPECT_EQ(pareto_key(0.99, 1.0), -1.0);
  EXPECT_EQ(sequential_poisson_key(0.01, 1.0), -1.0);
  EXPECT_TRUE(std::isinf(pareto_key(0.01, 0.0)));
}

} // namespace
