#ifndef KPISCORE_STAFFING_ERLANG_C_HPP
#define KPISCORE_STAFFING_ERLANG_C_HPP

// Erlang C (M/M/n, infinite patience): probability of waiting, service level, ASA, occupancy and
// the number of agents required for a goal.
//
// Sources:
//  - A. K. Erlang (1917), "Solution of some problems in the theory of probabilities of
//    significance in automatic telephone exchanges", Elektroteknikeren 13 (English translation in
//    Brockmeyer, Halstrom & Jensen, "The Life and Works of A. K. Erlang", 1948).
//  - N. Gans, G. Koole, A. Mandelbaum (2003), "Telephone call centers: tutorial, review, and
//    research prospects", Manufacturing & Service Operations Management 5(2), 79-141, sec. 4.1.
//  - The Erlang B recursion B(k) = A B(k-1) / (k + A B(k-1)) and the relation
//    C = n B / (n - A (1 - B)) are in every queueing text, e.g. Kleinrock (1975), Queueing
//    Systems vol. 1, sec. 3.5-3.6.

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kpiscore::staffing {

/// Which contacts the service level is a share of, when contacts can abandon (Erlang A).
/// Erlang C has no abandonment, so all three coincide there.
enum class sl_basis {
  offered,                 ///< answered within T / offered (abandons count against; default)
  answered,                ///< answered within T / answered (abandons ignored)
  excluding_early_abandons ///< answered within T / (offered - abandoned within T)
};

/// What a staffing must achieve. A requirement that is not wanted keeps its neutral default.
struct staffing_goal {
  double target_s = 0.0;      ///< threshold T of the service level, seconds (>= 0)
  double service_level = 0.0; ///< required share answered within T, in [0, 1); 0 = none
  double max_asa_s = std::numeric_limits<double>::infinity(); ///< mean wait of answered contacts
  double max_occupancy = 1.0;                                 ///< in (0, 1]
  double max_abandon = 1.0; ///< share of offered contacts abandoning, in (0, 1]; Erlang A only
  sl_basis basis = sl_basis::offered; ///< Erlang A only
};

/// Performance of an M/M/n queue. Times in seconds.
struct erlang_c_result {
  double offered_load = 0;  ///< A = arrival rate x AHT, in Erlangs (never rounded)
  int agents = 0;           ///< n
  double p_wait = 0;        ///< P(W > 0), the Erlang C probability C(n, A)
  double service_level = 0; ///< P(W <= target_s)
  double asa = 0;           ///< E[W], average speed of answer
  double occupancy = 0;     ///< A / n
};

namespace detail {

// Shortest round-trip decimal form, so error messages show exactly what the caller passed.
inline std::string num(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

[[noreturn]] inline void fail(std::string_view fn, const std::string& what) {
  throw std::invalid_argument(std::string(fn) + ": " + what);
}

inline void require_positive(std::string_view fn, std::string_view name, double v) {
  if (!(v > 0.0) || !std::isfinite(v))
    fail(fn, std::string(name) + " must be positive and finite, got " + num(v));
}

inline void require_non_negative(std::string_view fn, std::string_view name, double v) {
  if (!(v >= 0.0) || !std::isfinite(v))
    fail(fn, std::string(name) + " must be non-negative and finite, got " + num(v));
}

inline void require_agents(std::string_view fn, int agents) {
  if (agents < 1) fail(fn, "agents must be at least 1, got " + std::to_string(agents));
}

inline void validate_goal(std::string_view fn, const staffing_goal& g) {
  require_non_negative(fn, "target_s", g.target_s);
  if (!(g.service_level >= 0.0 && g.service_level < 1.0))
    fail(fn, "service_level must be in [0, 1), got " + num(g.service_level));
  if (!(g.max_asa_s > 0.0))
    fail(fn, "max_asa_s must be positive (infinity for no limit), got " + num(g.max_asa_s));
  if (!(g.max_occupancy > 0.0 && g.max_occupancy <= 1.0))
    fail(fn, "max_occupancy must be in (0, 1], got " + num(g.max_occupancy));
  if (!(g.max_abandon > 0.0 && g.max_abandon <= 1.0))
    fail(fn, "max_abandon must be in (0, 1], got " + num(g.max_abandon));
}

// Erlang B blocking probability B(n, A) by the forward recursion
//   B(0) = 1,  B(k) = A B(k-1) / (k + A B(k-1)).
// Every step maps [0, 1] into [0, 1] with positive terms only, so there is no overflow (unlike
// A^n / n!) and no cancellation; the relative error grows at most linearly in n.
inline double erlang_b(int n, double load) {
  double b = 1.0;
  for (int k = 1; k <= n; ++k)
    b = load * b / (k + load * b);
  return b;
}

// Erlang C measures from B = B(n, A), with n > A. Written so that nothing cancels:
//   C     = B / (1 - rho (1 - B))                        [rho = A / n]
//   1 - C = (1 - B)(1 - rho) / (1 - rho (1 - B))
//   SL(T) = 1 - C exp(-(n - A) T / AHT) = (1 - C) - C expm1(-(n - A) T / AHT)
//   ASA   = C AHT / (n - A)
// (Gans, Koole & Mandelbaum 2003, eqs. (4.1)-(4.3)).
inline erlang_c_result erlang_c_from_b(double load, int n, double aht_s, double target_s,
                                       double b) {
  const double gap = static_cast<double>(n) - load; // n - A > 0
  const double one_minus_rho = gap / n;
  const double rho = load / n;
  const double denom = one_minus_rho + rho * b; // 1 - rho (1 - B)
  const double c = b / denom;
  const double one_minus_c = (1.0 - b) * one_minus_rho / denom;
  erlang_c_result r;
  r.offered_load = load;
  r.agents = n;
  r.p_wait = c;
  r.service_level = one_minus_c - c * std::expm1(-gap * target_s / aht_s);
  r.asa = c * aht_s / gap;
  r.occupancy = rho;
  return r;
}

inline bool meets(const erlang_c_result& r, const staffing_goal& g) {
  return r.service_level >= g.service_level && r.asa <= g.max_asa_s &&
         r.occupancy <= g.max_occupancy;
}

} // namespace detail

/// Erlang C measures for `agents` agents, arrivals at `arrival_rate_per_s` (Poisson), handling
/// times exponential with mean `aht_s`, and service-level threshold `target_s`.
/// Throws std::invalid_argument on a non-positive rate or AHT, a negative threshold, fewer than
/// one agent, or an unstable queue (offered load >= agents).
inline erlang_c_result erlang_c(double arrival_rate_per_s, double aht_s, int agents,
                                double target_s) {
  constexpr std::string_view fn = "erlang_c";
  detail::require_positive(fn, "arrival_rate", arrival_rate_per_s);
  detail::require_positive(fn, "aht_s", aht_s);
  detail::require_agents(fn, agents);
  detail::require_non_negative(fn, "target_s", target_s);
  const double load = arrival_rate_per_s * aht_s;
  if (!(load < agents))
    detail::fail(fn, "unstable queue: offered load " + detail::num(load) +
                         " Erlangs is not below " + std::to_string(agents) +
                         " agents (Erlang C needs arrival_rate * aht_s < agents)");
  return detail::erlang_c_from_b(load, agents, aht_s, target_s, detail::erlang_b(agents, load));
}

/// Smallest number of agents whose Erlang C measures meet every requirement of `goal`
/// (service level, ASA, occupancy; `max_abandon` and `basis` do not apply without abandonment).
/// Service level and occupancy improve monotonically with n, so the first n above the offered
/// load that meets the goal is the answer; the load itself is never rounded.
inline int agents_required(double arrival_rate_per_s, double aht_s, const staffing_goal& goal) {
  constexpr std::string_view fn = "agents_required";
  detail::require_positive(fn, "arrival_rate", arrival_rate_per_s);
  detail::require_positive(fn, "aht_s", aht_s);
  detail::validate_goal(fn, goal);
  const double load = arrival_rate_per_s * aht_s;
  if (!(load < static_cast<double>(std::numeric_limits<int>::max()) - 1.0))
    detail::fail(fn, "offered load " + detail::num(load) + " Erlangs is too large");
  double b = 1.0;
  for (int n = 1;; ++n) {
    b = load * b / (n + load * b); // B(n, A) from B(n - 1, A)
    if (n <= load) continue;       // unstable: not a candidate
    if (detail::meets(detail::erlang_c_from_b(load, n, aht_s, goal.target_s, b), goal)) return n;
    if (n == std::numeric_limits<int>::max())
      detail::fail(fn, "no number of agents representable as int meets the goal");
  }
}

/// Smallest number of agents with P(W <= target_s) >= service_level and occupancy <=
/// max_occupancy (Erlang C).
inline int agents_required(double arrival_rate_per_s, double aht_s, double target_s,
                           double service_level, double max_occupancy = 1.0) {
  staffing_goal g;
  g.target_s = target_s;
  g.service_level = service_level;
  g.max_occupancy = max_occupancy;
  return agents_required(arrival_rate_per_s, aht_s, g);
}

} // namespace kpiscore::staffing

#endif // KPISCORE_STAFFING_ERLANG_C_HPP
