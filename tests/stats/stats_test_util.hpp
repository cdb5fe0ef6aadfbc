#ifndef KPISCORE_TESTS_STATS_TEST_UTIL_HPP
#define KPISCORE_TESTS_STATS_TEST_UTIL_HPP

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace kpiscore::test {

/// |got - want| <= tol |want| (an expected zero must be matched to within 1e-300); both values in
/// the failure message.
inline ::testing::AssertionResult stats_near(double got, double want, double tol = 1e-9) {
  if (std::isinf(want) && got == want) return ::testing::AssertionSuccess();
  if (std::isfinite(got) && std::abs(got - want) <= tol * std::abs(want) + 1e-300)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << got << ", want " << want << " (relative error "
                                       << std::abs(got - want) / std::abs(want) << ")";
}

/// The message of the exception of type E that f throws (to pin error texts).
template <class E = std::invalid_argument, class F> std::string error_text(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception of the expected type>";
}

} // namespace kpiscore::test

#endif
