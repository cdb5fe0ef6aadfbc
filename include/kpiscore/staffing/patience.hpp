#ifndef KPISCORE_STAFFING_PATIENCE_HPP
#define KPISCORE_STAFFING_PATIENCE_HPP

// Mean patience (time a contact is willing to wait) from contact records, for Erlang A.
//
// Model: patience is exponential with rate theta. An abandoned contact shows its patience
// exactly (its time to abandon); an answered contact shows only that its patience exceeded its
// wait (a right-censored observation). With d abandoned contacts, times a_i, and answered
// contacts with waits w_j, the likelihood is
//     L(theta) = prod_i theta e^{-theta a_i} * prod_j e^{-theta w_j}
// and its maximum is
//     theta_hat = d / (sum_i a_i + sum_j w_j),     mean patience = 1 / theta_hat,
// i.e. abandonments per second of total waiting ("exposure"). Contacts answered without waiting
// add nothing to the exposure, but they are counted. The large-sample standard error from the
// observed information d / theta^2 is theta_hat / sqrt(d), and by the delta method
// mean / sqrt(d) for the mean (Lawless 2003, "Statistical Models and Methods for Lifetime
// Data", 2nd ed., sec. 2.2; the estimator is also the one of Brown et al. 2005, "Statistical
// analysis of a telephone call center", JASA 100, 36-50, sec. 6, under exponential patience).
//
// patience_sample keeps integer milliseconds (as the contact table does), so any split of the
// records merges to exactly the same state.

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "kpiscore/staffing/erlang_c.hpp"

namespace kpiscore::staffing {

struct patience_estimate {
  double rate_per_s = 0;       ///< theta_hat, abandonments per second of waiting
  double mean_s = 0;           ///< 1 / theta_hat, mean patience in seconds
  double mean_std_error_s = 0; ///< mean_s / sqrt(abandoned)
  std::int64_t abandoned = 0;  ///< d
  std::int64_t answered = 0;   ///< censored observations
  double exposure_s = 0;       ///< sum of all waits, seconds
};

namespace detail {
inline patience_estimate make_patience_estimate(std::string_view fn, std::int64_t abandoned,
                                                std::int64_t answered, double exposure_s) {
  if (abandoned == 0)
    fail(fn, "no abandoned contacts: the patience estimate is unbounded (need at least one)");
  if (!(exposure_s > 0.0))
    fail(fn, "total waiting time is zero: every abandonment was immediate, the patience "
             "estimate is zero");
  patience_estimate e;
  e.abandoned = abandoned;
  e.answered = answered;
  e.exposure_s = exposure_s;
  e.rate_per_s = static_cast<double>(abandoned) / exposure_s;
  e.mean_s = exposure_s / static_cast<double>(abandoned);
  e.mean_std_error_s = e.mean_s / std::sqrt(static_cast<double>(abandoned));
  return e;
}
} // namespace detail

/// Mergeable state of the exponential-patience estimate: counts and total waiting time in
/// integer milliseconds.
class patience_sample {
public:
  /// An abandoned contact that waited `time_to_abandon_ms` before leaving.
  void add_abandoned(std::int64_t time_to_abandon_ms) {
    add_wait("patience_sample::add_abandoned", "time_to_abandon_ms", time_to_abandon_ms);
    ++abandoned_;
  }
  /// An answered contact that waited `wait_ms` (a censored patience observation).
  void add_answered(std::int64_t wait_ms) {
    add_wait("patience_sample::add_answered", "wait_ms", wait_ms);
    ++answered_;
  }

  /// Merge: counts and exposures add, so any split of the records gives the same state.
  patience_sample& operator+=(const patience_sample& o) {
    abandoned_ += o.abandoned_;
    answered_ += o.answered_;
    exposure_ms_ += o.exposure_ms_;
    return *this;
  }
  friend bool operator==(const patience_sample&, const patience_sample&) = default;

  std::int64_t abandoned() const noexcept { return abandoned_; }
  std::int64_t answered() const noexcept { return answered_; }
  std::int64_t exposure_ms() const noexcept { return exposure_ms_; }

  /// The maximum-likelihood estimate; throws std::invalid_argument without abandonments or
  /// without any waiting time.
  patience_estimate estimate() const {
    return detail::make_patience_estimate("patience_sample::estimate", abandoned_, answered_,
                                          static_cast<double>(exposure_ms_) / 1000.0);
  }

private:
  void add_wait(std::string_view fn, std::string_view name, std::int64_t ms) {
    if (ms < 0)
      detail::fail(fn, std::string(name) + " must be non-negative, got " + std::to_string(ms));
    if (ms > std::numeric_limits<std::int64_t>::max() - exposure_ms_)
      detail::fail(fn, "total waiting time overflows int64 milliseconds");
    exposure_ms_ += ms;
  }

  std::int64_t abandoned_ = 0;
  std::int64_t answered_ = 0;
  std::int64_t exposure_ms_ = 0;
};

/// The estimate from times in seconds: `abandon_times_s` of abandoned contacts and
/// `answered_waits_s` of answered ones (all >= 0 and finite). The exposure is summed with
/// Neumaier's compensated summation, so the order of the records does not matter in practice.
inline patience_estimate estimate_patience(std::span<const double> abandon_times_s,
                                           std::span<const double> answered_waits_s) {
  constexpr std::string_view fn = "estimate_patience";
  double sum = 0.0, comp = 0.0;
  auto add = [&](double v) {
    const double t = sum + v;
    comp += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  };
  for (std::size_t i = 0; i < abandon_times_s.size(); ++i) {
    const double v = abandon_times_s[i];
    if (!(v >= 0.0) || !std::isfinite(v))
      detail::fail(fn, "abandon_times_s[" + std::to_string(i) +
                           "] must be non-negative and finite, got " + detail::num(v));
    add(v);
  }
  for (std::size_t i = 0; i < answered_waits_s.size(); ++i) {
    const double v = answered_waits_s[i];
    if (!(v >= 0.0) || !std::isfinite(v))
      detail::fail(fn, "answered_waits_s[" + std::to_string(i) +
                           "] must be non-negative and finite, got " + detail::num(v));
    add(v);
  }
  return detail::make_patience_estimate(fn, static_cast<std::int64_t>(abandon_times_s.size()),
                                        static_cast<std::int64_t>(answered_waits_s.size()),
                                        sum + comp);
}

} // namespace kpiscore::staffing

#endif // KPISCORE_STAFFING_PATIENCE_HPP
