#ifndef KPISCORE_TESTS_STAFFING_TEST_UTIL_HPP
#define KPISCORE_TESTS_STAFFING_TEST_UTIL_HPP

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace kpiscore::test {

/// |got − want| <= tol·|want|, with both values in the failure message.
inline ::testing::AssertionResult rel_near(double got, double want, double tol = 1e-9) {
  if (std::isfinite(got) && std::abs(got - want) <= tol * std::abs(want) + 1e-300)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << got << ", want " << want << " (relative error "
                                       << std::abs(got - want) / std::abs(want) << ")";
}

/// The message of the std::invalid_argument that f throws (to pin error texts).
template <class F> std::string invalid_argument_text(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no std::invalid_argument>";
}

} // namespace kpiscore::test

#endif
