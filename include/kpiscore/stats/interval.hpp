#ifndef KPISCORE_STATS_INTERVAL_HPP
#define KPISCORE_STATS_INTERVAL_HPP

// The vocabulary shared by the confidence intervals and tests: an interval and the alternative
// hypothesis, named as in statsmodels ("two-sided", "larger", "smaller").

#include <string>
#include <string_view>

#include "kpiscore/stats/detail/validate.hpp"

namespace kpiscore::stats {

/// A confidence interval [lower, upper].
struct Interval {
  double lower = 0;
  double upper = 0;
  bool operator==(const Interval&) const = default;
};

/// The alternative hypothesis of a test, and the side of a one-sided interval, as statsmodels
/// defines them: a one-sided interval for "larger" is the one whose complement is the rejection
/// region of the "larger" test.
enum class Alternative {
  two_sided, ///< "two-sided": both bounds at alpha / 2 (the default everywhere)
  larger,    ///< "larger": H1 value > null
  smaller,   ///< "smaller": H1 value < null
};

/// "two-sided", "larger" or "smaller"; anything else is std::invalid_argument.
inline Alternative parse_alternative(std::string_view s) {
  if (s == "two-sided") return Alternative::two_sided;
  if (s == "larger") return Alternative::larger;
  if (s == "smaller") return Alternative::smaller;
  detail::fail("alternative",
               "expected one of two-sided, larger, smaller, got '" + std::string(s) + "'");
}

inline std::string_view to_string(Alternative a) noexcept {
  switch (a) {
  case Alternative::larger:
    return "larger";
  case Alternative::smaller:
    return "smaller";
  case Alternative::two_sided:
    break;
  }
  return "two-sided";
}

} // namespace kpiscore::stats

#endif // KPISCORE_STATS_INTERVAL_HPP
