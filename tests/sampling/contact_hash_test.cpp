#include <kpiscore/sampling/contact_hash.hpp>

#include "sampling_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace kpiscore::sampling;

// Reference values from an independent Python implementation of the documented algorithm
// (docs/sampling.md, "The contact's random number"), arbitrary-precision integers masked to 64
// bits.
TEST(SamplingContactHash, MatchesTheDocumentedAlgorithm) {
  EXPECT_EQ(contact_hash("", 0), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(contact_hash("C0000000001", 0), 0x1c51d9a4c0676f8aULL);
  EXPECT_EQ(contact_hash("C0000000001", 42), 0x87837777049476bbULL);
  EXPECT_EQ(contact_hash("\xe5\xb7\xa5\xe5\x8d\x95-7", 7), 0x6ce86789c3af6198ULL);
  EXPECT_EQ(contact_hash("12345678", 1), 0x964dd861d0844a9fULL);
  EXPECT_EQ(contact_hash("123456789abcdefgh", 18446744073709551615ULL), 0xdf20711fefa407dcULL);
  EXPECT_DOUBLE_EQ(contact_uniform("C0000000001", 0), 0.11062393448119467);
  EXPECT_DOUBLE_EQ(contact_uniform("C0000000001", 42), 0.5293497720309277);
}

TEST(SamplingContactHash, UniformsStayInsideTheirIntervals) {
  EXPECT_EQ(hash_uniform(0), 0.0);
  EXPECT_EQ(hash_uniform(~0ULL), 1.0 - 0x1.0p-53); // the largest double below 1
  EXPECT_EQ(hash_uniform_open(0), 0x1.0p-53);
  EXPECT_EQ(hash_uniform_open(~0ULL), 1.0 - 0x1.0p-53);
}

TEST(SamplingContactHash, LengthAndPaddingAreDistinguished) {
  // A trailing NUL byte would pad to the same word: the length in the start value tells them apart.
  EXPECT_NE(contact_hash(std::string("ab"), 3), contact_hash(std::string("ab\0", 3), 3));
  EXPECT_NE(contact_hash("C1", 1), contact_hash("C1", 2));
}

// Ids C0..C19999 in 20 equal bins: Pearson's chi-square with 19 degrees of freedom stays under
// its 0.999 quantile (deterministic: fixed ids and seed).
TEST(SamplingContactHash, UniformsOfSequentialIdsAreEvenlySpread) {
  std::vector<double> bins(20, 0.0);
  const int n = 20000;
  for (int i = 0; i < n; ++i)
    bins[static_cast<std::size_t>(
        contact_uniform(kpiscore::test::prefixed('C', static_cast<std::uint64_t>(i)), 2026) *
        20)] += 1;
  double x2 = 0;
  for (double b : bins)
    x2 += (b - n / 20.0) * (b - n / 20.0) / (n / 20.0);
  EXPECT_LT(x2, kpiscore::test::chi_square_999(19));
}

} // namespace
