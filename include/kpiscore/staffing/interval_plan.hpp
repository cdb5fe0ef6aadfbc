#ifndef KPISCORE_STAFFING_INTERVAL_PLAN_HPP
#define KPISCORE_STAFFING_INTERVAL_PLAN_HPP

// Interval plans: required agents per 15/30/60-minute interval from arrivals and AHT (forecast
// or measured), and the "what if" of a given staffing in the same intervals. Each interval is
// treated as a stationary queue in steady state (the usual "stationary independent period by
// period" approach; Green, Kolesar & Soares 2001, "Improving the SIPP approach for staffing
// service systems", Operations Research 49(4), 549-564, discuss when it under-staffs).
//
// Erlang C is used when plan_params::patience_s is infinite, Erlang A otherwise.

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kpiscore/staffing/erlang_a.hpp"
#include "kpiscore/staffing/erlang_c.hpp"
#include "kpiscore/staffing/shrinkage.hpp"

namespace kpiscore::staffing {

/// One interval of a forecast or of measured history.
struct interval_forecast {
  double arrivals = 0; ///< contacts offered in the interval (may be fractional in a forecast)
  double aht_s = 0;    ///< average handling time; ignored when arrivals == 0
};

struct plan_params {
  double interval_s = 1800; ///< interval length in seconds
  staffing_goal goal;       ///< service level, threshold, ASA, occupancy, abandonment
  double shrinkage = 0;     ///< in [0, 1); net agents are grossed up by 1 / (1 - shrinkage)
  double patience_s = std::numeric_limits<double>::infinity(); ///< infinity: Erlang C
};

/// Predicted measures of one interval for some number of net agents. With no arrivals every
/// measure is that of an idle queue (service level 1, waits 0). When no contact can be answered
/// (Erlang C with agents <= offered load, or Erlang A with zero agents) `asa` is infinity.
struct interval_measures {
  bool stable = true; ///< false for Erlang C with agents <= offered load (the queue grows)
  double p_wait = 0;
  double service_level = 1; ///< on the basis of goal.basis (Erlang A); P(W <= T) for Erlang C
  double asa = 0;
  double occupancy = 0;
  double p_abandon = 0; ///< 0 under Erlang C
};

struct interval_requirement {
  double arrival_rate = 0;    ///< per second
  double offered_load = 0;    ///< Erlangs, unrounded
  int agents = 0;             ///< net agents required (on the queue)
  double scheduled_exact = 0; ///< agents / (1 - shrinkage), unrounded
  int scheduled_agents = 0;   ///< scheduled_exact rounded up
  interval_measures measures; ///< at `agents`
};

struct interval_evaluation {
  int agents = 0;             ///< net agents given
  double offered_load = 0;    ///< Erlangs
  interval_measures measures; ///< at `agents`
  bool meets_goal = false;
  int agents_required = 0; ///< what would have met the goal
  int shortfall = 0;       ///< agents_required - agents (negative: surplus)
};

namespace detail {

inline void validate_plan(std::string_view fn, const plan_params& p) {
  require_positive(fn, "interval_s", p.interval_s);
  validate_goal(fn, p.goal);
  require_shrinkage(fn, "shrinkage", p.shrinkage);
  if (!(p.patience_s > 0.0))
    fail(fn, "patience_s must be positive (infinity for Erlang C), got " + num(p.patience_s));
}

inline void validate_interval(std::string_view fn, std::size_t i, const interval_forecast& f) {
  const std::string where = "interval " + std::to_string(i) + ": ";
  if (!(f.arrivals >= 0.0) || !std::isfinite(f.arrivals))
    fail(fn, where + "arrivals must be non-negative and finite, got " + num(f.arrivals));
  if (f.arrivals > 0.0 && (!(f.aht_s > 0.0) || !std::isfinite(f.aht_s)))
    fail(fn, where + "aht_s must be positive and finite, got " + num(f.aht_s));
}

inline interval_measures measures_at(const interval_forecast& f, const plan_params& p, int agents) {
  interval_measures m;
  if (f.arrivals == 0.0) return m;
  const double lambda = f.arrivals / p.interval_s;
  const double load = lambda * f.aht_s;
  const double inf = std::numeric_limits<double>::infinity();
  if (std::isinf(p.patience_s)) {
    if (!(load < agents)) {
      m.stable = false;
      m.p_wait = 1;
      m.service_level = 0;
      m.asa = inf;
      m.occupancy = 1;
      return m;
    }
    const erlang_c_result r = erlang_c(lambda, f.aht_s, agents, p.goal.target_s);
    m.p_wait = r.p_wait;
    m.service_level = r.service_level;
    m.asa = r.asa;
    m.occupancy = r.occupancy;
    return m;
  }
  if (agents == 0) {
    m.p_wait = 1;
    m.service_level = 0;
    m.asa = inf;
    m.p_abandon = 1;
    return m;
  }
  const erlang_a_result r = erlang_a(lambda, f.aht_s, agents, p.goal.target_s, p.patience_s);
  m.p_wait = r.p_wait;
  m.service_level = service_level_on(r, p.goal.basis);
  m.asa = r.asa;
  m.occupancy = r.occupancy;
  m.p_abandon = r.p_abandon;
  return m;
}

inline int required_at(const interval_forecast& f, const plan_params& p) {
  if (f.arrivals == 0.0) return 0;
  const double lambda = f.arrivals / p.interval_s;
  return std::isinf(p.patience_s) ? agents_required(lambda, f.aht_s, p.goal)
                                  : agents_required_a(lambda, f.aht_s, p.patience_s, p.goal);
}

} // namespace detail

/// Required net and scheduled agents per interval, with the measures they achieve.
inline std::vector<interval_requirement>
plan_intervals(std::span<const interval_forecast> intervals, const plan_params& params) {
  constexpr std::string_view fn = "plan_intervals";
  detail::validate_plan(fn, params);
  for (std::size_t i = 0; i < intervals.size(); ++i)
    detail::validate_interval(fn, i, intervals[i]);
  std::vector<interval_requirement> out;
  out.reserve(intervals.size());
  for (const interval_forecast& f : intervals) {
    interval_requirement r;
    r.arrival_rate = f.arrivals / params.interval_s;
    r.offered_load = f.arrivals > 0.0 ? r.arrival_rate * f.aht_s : 0.0;
    r.agents = detail::required_at(f, params);
    r.scheduled_exact = r.agents / (1.0 - params.shrinkage);
    r.scheduled_agents = scheduled_agents(r.agents, params.shrinkage);
    r.measures = detail::measures_at(f, params, r.agents);
    out.push_back(r);
  }
  return out;
}

/// "What if": the measures a given net staffing achieves in each interval, whether it meets
/// the goal, and how many agents would have met it.
inline std::vector<interval_evaluation>
evaluate_staffing(std::span<const interval_forecast> intervals, std::span<const int> agents,
                  const plan_params& params) {
  constexpr std::string_view fn = "evaluate_staffing";
  detail::validate_plan(fn, params);
  if (agents.size() != intervals.size())
    detail::fail(fn, "expected " + std::to_string(intervals.size()) +
                         " staffing values (one per interval), got " +
                         std::to_string(agents.size()));
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    detail::validate_interval(fn, i, intervals[i]);
    if (agents[i] < 0)
      detail::fail(fn, "interval " + std::to_string(i) + ": agents must be non-negative, got " +
                           std::to_string(agents[i]));
  }
  std::vector<interval_evaluation> out;
  out.reserve(intervals.size());
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const interval_forecast& f = intervals[i];
    interval_evaluation e;
    e.agents = agents[i];
    e.offered_load = f.arrivals > 0.0 ? f.arrivals / params.interval_s * f.aht_s : 0.0;
    e.measures = detail::measures_at(f, params, e.agents);
    e.agents_required = detail::required_at(f, params);
    e.meets_goal = e.agents >= e.agents_required;
    e.shortfall = e.agents_required - e.agents;
    out.push_back(e);
  }
  return out;
}

} // namespace kpiscore::staffing

#endif // KPISCORE_STAFFING_INTERVAL_PLAN_HPP
