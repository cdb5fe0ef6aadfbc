#ifndef KPISCORE_STAFFING_ERLANG_A_HPP
#define KPISCORE_STAFFING_ERLANG_A_HPP

// Erlang A (M/M/n+M): Poisson arrivals at rate lambda, n agents with exponential handling times
// of mean AHT = 1/mu, and exponential patience of mean 1/theta; a contact abandons when its wait
// reaches its patience. The queue is stable for every load, so overload is allowed here.
//
// Sources:
//  - O. Garnett, A. Mandelbaum, M. Reiman (2002), "Designing a call center with impatient
//    customers", Manufacturing & Service Operations Management 4(3), 208-227 (the model, and
//    P(W > 0) through the function A(x, y) below).
//  - A. Mandelbaum, S. Zeltyn (2004/2009), "The M/M/n+G queue: summary of performance measures"
//    (technical note, Technion), sec. "Exponential patience": with x = n mu / theta,
//    y = lambda / theta, rho = lambda / (n mu) and
//        A(x, y) = x e^y / y^x * gamma(x, y) = sum_{k>=0} y^k / ((x+1)...(x+k)),
//    where gamma(x, y) is the lower incomplete gamma function,
//        P(W > 0)          = A B / (1 + (A - 1) B)                   [B = Erlang B(n, n rho)]
//        P(Ab | W > 0)     = 1 / (rho A) + 1 - 1 / rho
//        P(V > t | W > 0)  = gamma(x, y e^{-theta t}) / gamma(x, y)  [V: offered wait]
//    and the offered wait V has density proportional to exp(lambda H(v) - n mu v) on v > 0,
//    H(v) = (1 - e^{-theta v}) / theta (Baccelli & Hebuterne 1981).
//  - W. H. Press et al. (2007), Numerical Recipes, 3rd ed., sec. 6.2 (incomplete gamma: series
//    for z < s + 1, Lentz continued fraction otherwise) and sec. 5.2 (modified Lentz).
//  - M. Abramowitz, I. Stegun (1964), Handbook of Mathematical Functions, 6.1.40-41 (Stirling
//    series for log Gamma) and 6.3.18 (asymptotic series for the digamma function).
//
// Derived here (and checked against a direct birth-death computation in
// tests/staffing/make_reference.py):
//  - answered within t: P(served, W <= t) = P(W = 0) + P(W > 0) R_t with
//        R_t = [gamma(x+1, y) - gamma(x+1, y e^{-theta t})] / (y gamma(x, y)),
//    from integrating e^{-theta v} (the chance patience outlasts v) against the density of V;
//  - the wait of all contacts is min(V, patience), so E[W] = P(Ab) / theta (Little's law) and
//    P(W > t) = P(V > t) e^{-theta t};
//  - the mean wait of answered contacts uses the queue length k seen on arrival,
//    P(k) proportional to tau_k = y^k / ((x+1)...(x+k)), and, given k, V = sum of independent
//    exponentials of rates theta (x + i), i = 0..k, so E[V e^{-theta V} | k] =
//    x / (x+k+1) * sum_{i=1}^{k+1} 1 / (theta (x+i)); summed over k this gives
//        E[V e^{-theta V} | W > 0] = (1 / (theta rho)) sum_{j>=1} tau_j H_j / sum_{j>=0} tau_j,
//    H_j = sum_{i=1}^{j} 1/(x+i). The same series gives P(Ab | W > 0) = sum_j j tau_j /
//    (y sum_j tau_j), equal to the Mandelbaum-Zeltyn formula but free of its cancellation
//    when abandonment is rare.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "kpiscore/staffing/erlang_c.hpp"

namespace kpiscore::staffing {

/// Performance of an M/M/n+M queue. Times in seconds; shares of offered contacts unless said.
struct erlang_a_result {
  double offered_load = 0;              ///< A = arrival rate x AHT, in Erlangs
  int agents = 0;                       ///< n
  double p_wait = 0;                    ///< P(W > 0): an arriving contact finds every agent busy
  double service_level = 0;             ///< answered within target_s / offered
  double asa = 0;                       ///< mean wait of answered contacts
  double occupancy = 0;                 ///< carried load / n = A (1 - p_abandon) / n
  double p_abandon = 0;                 ///< abandoned / offered
  double service_level_of_answered = 0; ///< answered within target_s / answered
  double service_level_excluding_early_abandons = 0; ///< answered within T / (offered - ab. <= T)
  double p_abandon_within_target = 0;                ///< abandoned within target_s / offered
  double mean_wait = 0; ///< mean wait of all offered contacts, answered or abandoned
};

namespace detail {

inline constexpr double gamma_eps = std::numeric_limits<double>::epsilon() / 2;

// Stirling correction lnGamma(s+1) - (s ln s - s + ln(2 pi s) / 2) for s >= 10 (Abramowitz &
// Stegun 6.1.40-41; the Bernoulli terms B_{2k} / (2k (2k-1) s^{2k-1})). Truncation < 1e-17.
inline double stirling_correction(double s) {
  const double r = 1.0 / s, r2 = r * r;
  return r *
         (1.0 / 12 +
          r2 * (-1.0 / 360 +
                r2 * (1.0 / 1260 +
                      r2 * (-1.0 / 1680 + r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 / 156))))));
}

inline constexpr double ln_sqrt_2pi = 0.91893853320467274178032973640562;

// ln Gamma(s + 1) for s >= 0, without std::lgamma (which writes the global signgam, a data race).
inline double log_gamma1p(double s) {
  if (s >= 10.0)
    return s * std::log(s) - s + 0.5 * std::log(s) + ln_sqrt_2pi + stirling_correction(s);
  // ln Gamma(s+1) = ln Gamma(s+1+m) - ln((s+1)(s+2)...(s+m)), with s + m >= 10.
  double prod = 1.0, t = s;
  while (t < 10.0) {
    t += 1.0;
    prod *= t;
  }
  return t * std::log(t) - t + 0.5 * std::log(t) + ln_sqrt_2pi + stirling_correction(t) -
         std::log(prod);
}

// d - log1p(d) for d > -1, accurate also for small |d| where the two terms cancel.
inline double d_minus_log1p(double d) {
  if (std::abs(d) < 0.25) {
    // sum_{k>=2} (-1)^k d^k / k
    double term = d * d, sum = 0.0;
    for (int k = 2; k < 60; ++k) {
      const double t = term / k;
      sum += (k % 2 == 0) ? t : -t;
      if (std::abs(t) < gamma_eps * std::abs(sum)) break;
      term *= d;
    }
    return sum;
  }
  return d - std::log1p(d);
}

// L(s, z) = ln( Gamma(s+1) e^z z^{-s} ), the log of the prefactor with P(s, z) = e^{-L} S(s, z)
// (NR 6.2.5). For large s it is written as s (d - log1p d) + ln sqrt(2 pi s) + Stirling with
// d = (z - s) / s, which keeps full relative accuracy where z - s ln z and ln Gamma(s+1) are
// both huge and nearly cancel (Temme's uniform-asymptotics trick, as in DiDonato & Morris 1986).
inline double log_gamma_prefactor(double s, double z) {
  if (s >= 10.0)
    return s * d_minus_log1p((z - s) / s) + 0.5 * std::log(s) + ln_sqrt_2pi +
           stirling_correction(s);
  return z - s * std::log(z) + log_gamma1p(s);
}

// Regularized incomplete gamma functions P(s, z) and Q(s, z) = 1 - P(s, z) for s > 0, z >= 0,
// with the scaled value log(e^{L(s,z)} P(s,z)) that stays finite when P underflows.
// For s = x, z = y this scaled value is ln A(x, y) of Mandelbaum & Zeltyn.
struct incomplete_gamma {
  double p = 0;             // P(s, z)
  double q = 1;             // Q(s, z)
  double log_scaled = 0;    // ln( e^{L(s,z)} P(s,z) ) = ln sum_{k>=0} z^k / ((s+1)...(s+k))
  double log_prefactor = 0; // L(s, z)
  bool series = true;       // computed by the series (z < s + 1)
};

inline incomplete_gamma gamma_pq(double s, double z) {
  incomplete_gamma g;
  if (z <= 0.0) return g; // P = 0, Q = 1, scaled sum = 1
  g.log_prefactor = log_gamma_prefactor(s, z);
  const int max_iter = 100000 + static_cast<int>(std::min(1e8, 50.0 * std::sqrt(s + z)));
  if (z < s + 1.0) {
    // NR 6.2.5: P = e^{-L} sum_{k>=0} z^k / ((s+1)...(s+k)); positive terms, ratio z/(s+k) < 1.
    double term = 1.0, sum = 1.0;
    for (int k = 1;; ++k) {
      term *= z / (s + k);
      sum += term;
      if (term < gamma_eps * sum) break;
      if (k > max_iter) throw std::runtime_error("incomplete gamma series did not converge");
    }
    g.log_scaled = std::log(sum);
    const double lp = g.log_scaled - g.log_prefactor;
    g.p = std::exp(lp);
    g.q = -std::expm1(lp);
    g.series = true;
    return g;
  }
  // NR 6.2.7 with the modified Lentz method (NR 5.2): h = e^z z^{-s} Gamma(s, z),
  // so Q = s e^{-L} h.
  constexpr double tiny = std::numeric_limits<double>::min() / gamma_eps;
  double b = z + 1.0 - s, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1;; ++i) {
    const double an = -i * (i - s);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1.0) <= gamma_eps) break;
    if (i > max_iter)
      throw std::runtime_error("incomplete gamma continued fraction did not converge");
  }
  g.q = s * h * std::exp(-g.log_prefactor);
  g.p = 1.0 - g.q;
  g.log_scaled = g.log_prefactor + std::log1p(-g.q);
  g.series = false;
  return g;
}

// sum_{i=1}^{m} 1 / (x + i) = psi(x + m + 1) - psi(x + 1), accurate for any m >= 0: short sums
// directly, long ones as a difference of the digamma asymptotic series (A&S 6.3.18) with the
// leading log difference written as log1p so that nothing cancels.
inline double harmonic_sum(double x, double m) {
  double sum = 0.0;
  double a = x + 1.0; // next term is 1 / a
  double left = m;
  while (left > 0 && (left <= 64 || a < 10.0)) {
    sum += 1.0 / a;
    a += 1.0;
    left -= 1.0;
  }
  if (left <= 0) return sum;
  const double b = a + left; // psi(b) - psi(a)
  // psi(z) ~ ln z - 1/(2z) - 1/(12 z^2) + 1/(120 z^4) - 1/(252 z^6) + 1/(240 z^8) - 1/(132 z^10)
  auto tail = [](double z) {
    const double r2 = 1.0 / (z * z);
    return r2 * r2 * (1.0 / 120 + r2 * (-1.0 / 252 + r2 * (1.0 / 240 - r2 / 132)));
  };
  const double diff = std::log1p(left / a) + left / (2.0 * a * b) +
                      left * (a + b) / (12.0 * a * a * b * b) + (tail(b) - tail(a));
  return sum + diff;
}

// Moments of the queue length seen by a delayed arrival, up to the common factor tau_{j*}:
//   m0 = sum_j w_j, m1 = sum_j j w_j, mh = sum_{j>=1} w_j H_j,  w_j = tau_j / tau_{j*},
// summed outwards from the mode j* = max(0, floor(y - x)) until the tails are negligible, so the
// cost grows like sqrt(y) rather than like the queue length.
struct queue_moments {
  double m0 = 0, m1 = 0, mh = 0;
};

inline queue_moments delayed_queue_moments(double x, double y) {
  const double mode = std::max(0.0, std::floor(y - x));
  queue_moments m;
  const double h_mode = harmonic_sum(x, mode);
  m.m0 = 1.0;
  m.m1 = mode;
  m.mh = h_mode;
  constexpr double eps = gamma_eps / 4;
  // Upwards: w_{j} = w_{j-1} y / (x + j); the ratio r decreases with j, so the tail after j is
  // at most w r / (1 - r), and the j- and H-weighted tails are bounded in the same way.
  {
    double w = 1.0, h = h_mode, j = mode;
    for (;;) {
      j += 1.0;
      const double r = y / (x + j);
      w *= r;
      h += 1.0 / (x + j);
      if (w == 0.0) break;
      m.m0 += w;
      m.m1 += j * w;
      m.mh += h * w;
      if (r < 1.0) {
        const double g = 1.0 / (1.0 - r);
        const double tail = w * g;
        if (tail < eps * m.m0 && tail * (j + g) < eps * m.m1 &&
            tail * (h + g / (x + j)) < eps * m.mh)
          break;
      }
    }
  }
  // Downwards: w_{j} = w_{j+1} (x + j + 1) / y, ratio decreasing as j falls.
  {
    double w = 1.0, h = h_mode, j = mode;
    while (j > 0.0) {
      const double r = (x + j) / y;
      h -= 1.0 / (x + j);
      if (h < 0.0) h = 0.0;
      j -= 1.0;
      w *= r;
      if (w == 0.0) break;
      m.m0 += w;
      m.m1 += j * w;
      m.mh += h * w;
      if (r < 1.0 && w / (1.0 - r) < eps * m.m0) break;
    }
  }
  return m;
}

// Erlang A measures for n agents given the Erlang B value b = B(n, A).
inline erlang_a_result erlang_a_from_b(double lambda, double aht_s, int n, double target_s,
                                       double patience_s, double b) {
  const double load = lambda * aht_s;
  const double x = n * patience_s / aht_s; // n mu / theta
  const double y = lambda * patience_s;    // lambda / theta
  const double rho = load / n;
  const double theta_t = target_s / patience_s;
  const double u = std::exp(-theta_t);

  const incomplete_gamma g0 = gamma_pq(x, y); // A(x, y) = exp(g0.log_scaled) >= 1
  const double inv_a = std::exp(-g0.log_scaled);
  // P(W > 0) = A B / (1 + (A - 1) B) = B / (B + (1 - B) / A); P(W = 0) likewise, no cancellation.
  const double denom = b + (1.0 - b) * inv_a;
  const double p_wait = b / denom;
  const double p_no_wait = (1.0 - b) * inv_a / denom;

  const queue_moments qm = delayed_queue_moments(x, y);
  const double p_ab_given_wait = qm.m1 / (y * qm.m0);
  const double e_served_wait_given_wait = patience_s / rho * (qm.mh / qm.m0);

  // Ratios of incomplete gamma functions with the prefactor differences taken exactly:
  //   L(s, y u) - L(s, y) = s theta t - y (1 - u),  L(x+1, y) - L(x, y) = ln((x + 1) / y).
  const incomplete_gamma g1 = gamma_pq(x + 1.0, y);
  const incomplete_gamma g1t = gamma_pq(x + 1.0, y * u);
  const incomplete_gamma g0t = gamma_pq(x, y * u);
  const double one_minus_u = -std::expm1(-theta_t);
  double r_inf, r_t, v_tail; // P(served | W>0), P(served, W<=t | W>0), P(V > t | W>0)
  if (g0.series) {
    // y < x + 1, so y u < x + 1 too and all four functions come from the series.
    const double k = x / (x + 1.0);
    const double d1 = (x + 1.0) * theta_t - y * one_minus_u;
    const double d0 = x * theta_t - y * one_minus_u;
    r_inf = k * std::exp(g1.log_scaled - g0.log_scaled);
    r_t = k *
          (std::exp(g1.log_scaled - g0.log_scaled) - std::exp(g1t.log_scaled - g0.log_scaled - d1));
    v_tail = std::exp(g0t.log_scaled - g0.log_scaled - d0);
  } else {
    // y >= x + 1: P(x, y) > 1/2, plain ratios are accurate; differences of P near 1 are taken
    // as differences of Q.
    r_inf = g1.p / (rho * g0.p);
    const double diff = g1.p > 0.5 ? g1t.q - g1.q : g1.p - g1t.p;
    r_t = diff / (rho * g0.p);
    v_tail = g0t.p / g0.p;
  }
  r_t = std::clamp(r_t, 0.0, r_inf);
  v_tail = std::clamp(v_tail, 0.0, 1.0);

  erlang_a_result r;
  r.offered_load = load;
  r.agents = n;
  r.p_wait = p_wait;
  r.p_abandon = p_wait * p_ab_given_wait;
  const double p_served = p_no_wait + p_wait * r_inf;
  r.service_level = p_no_wait + p_wait * r_t;
  r.asa = p_served > 0.0 ? p_wait * e_served_wait_given_wait / p_served : 0.0;
  r.occupancy = load * p_served / n;
  r.mean_wait = r.p_abandon * patience_s;
  // Abandoned within t = 1 - E[exp(-theta min(V, t))] = 1 - SL - u P(V > t).
  r.p_abandon_within_target = std::clamp(p_wait * (1.0 - r_t - u * v_tail), 0.0, r.p_abandon);
  r.service_level_of_answered = p_served > 0.0 ? std::min(1.0, r.service_level / p_served) : 0.0;
  const double not_early = 1.0 - r.p_abandon_within_target;
  r.service_level_excluding_early_abandons =
      not_early > 0.0 ? std::min(1.0, r.service_level / not_early) : 0.0;
  return r;
}

inline double service_level_on(const erlang_a_result& r, sl_basis basis) {
  switch (basis) {
  case sl_basis::answered:
    return r.service_level_of_answered;
  case sl_basis::excluding_early_abandons:
    return r.service_level_excluding_early_abandons;
  case sl_basis::offered:
    break;
  }
  return r.service_level;
}

inline bool meets(const erlang_a_result& r, const staffing_goal& g) {
  return service_level_on(r, g.basis) >= g.service_level && r.asa <= g.max_asa_s &&
         r.occupancy <= g.max_occupancy && r.p_abandon <= g.max_abandon;
}

inline void validate_a(std::string_view fn, double lambda, double aht_s, double patience_s) {
  require_positive(fn, "arrival_rate", lambda);
  require_positive(fn, "aht_s", aht_s);
  require_positive(fn, "patience_s", patience_s);
}

} // namespace detail

/// Erlang A measures for `agents` agents: Poisson arrivals at `arrival_rate_per_s`, exponential
/// handling times of mean `aht_s`, exponential patience of mean `patience_s`, service-level
/// threshold `target_s`. Any load is allowed (abandonment keeps the queue stable).
inline erlang_a_result erlang_a(double arrival_rate_per_s, double aht_s, int agents,
                                double target_s, double patience_s) {
  constexpr std::string_view fn = "erlang_a";
  detail::validate_a(fn, arrival_rate_per_s, aht_s, patience_s);
  detail::require_agents(fn, agents);
  detail::require_non_negative(fn, "target_s", target_s);
  const double load = arrival_rate_per_s * aht_s;
  return detail::erlang_a_from_b(arrival_rate_per_s, aht_s, agents, target_s, patience_s,
                                 detail::erlang_b(agents, load));
}

/// Smallest number of agents whose Erlang A measures meet every requirement of `goal`.
/// Every measure improves monotonically with n, so a doubling search followed by bisection
/// finds it; only the final count is an integer.
inline int agents_required_a(double arrival_rate_per_s, double aht_s, double patience_s,
                             const staffing_goal& goal) {
  constexpr std::string_view fn = "agents_required_a";
  detail::validate_a(fn, arrival_rate_per_s, aht_s, patience_s);
  detail::validate_goal(fn, goal);
  auto ok = [&](int n) {
    const double b = detail::erlang_b(n, arrival_rate_per_s * aht_s);
    return detail::meets(
        detail::erlang_a_from_b(arrival_rate_per_s, aht_s, n, goal.target_s, patience_s, b), goal);
  };
  int hi = 1;
  while (!ok(hi)) {
    if (hi > std::numeric_limits<int>::max() / 2)
      detail::fail(fn, "no number of agents representable as int meets the goal");
    hi *= 2;
  }
  int lo = hi / 2; // ok(lo) is false unless lo == 0
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    (ok(mid) ? hi : lo) = mid;
  }
  return hi;
}

/// Smallest number of agents with answered-within-target_s / offered >= service_level and
/// occupancy <= max_occupancy (Erlang A).
inline int agents_required_a(double arrival_rate_per_s, double aht_s, double target_s,
                             double service_level, double patience_s, double max_occupancy = 1.0) {
  staffing_goal g;
  g.target_s = target_s;
  g.service_level = service_level;
  g.max_occupancy = max_occupancy;
  return agents_required_a(arrival_rate_per_s, aht_s, patience_s, g);
}

} // namespace kpiscore::staffing

#endif // KPISCORE_STAFFING_ERLANG_A_HPP
