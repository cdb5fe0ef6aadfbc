#ifndef KPISCORE_STAFFING_SHRINKAGE_HPP
#define KPISCORE_STAFFING_SHRINKAGE_HPP

// Shrinkage: the share of paid time in which scheduled agents are not available to handle
// contacts (breaks, meetings, training, coaching, absence). Net (on-queue) agents from Erlang
// become scheduled agents by dividing by (1 - shrinkage); see Gans, Koole & Mandelbaum (2003),
// sec. 4.4 ("rostering"), and any workforce-management text.
//
// Components are combined in one of two documented ways:
//  - additive:       s = s_1 + s_2 + ...           (all components are shares of paid time)
//  - multiplicative: s = 1 - (1 - s_1)(1 - s_2)... (each component applies to the time left
//                                                    after the previous ones)

#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "kpiscore/staffing/erlang_c.hpp"

namespace kpiscore::staffing {

enum class shrinkage_combination { additive, multiplicative };

namespace detail {
inline void require_shrinkage(std::string_view fn, std::string_view name, double s) {
  if (!(s >= 0.0 && s < 1.0)) fail(fn, std::string(name) + " must be in [0, 1), got " + num(s));
}
} // namespace detail

/// Total shrinkage of the given components (each in [0, 1)); the total must stay below 1.
inline double total_shrinkage(std::span<const double> components,
                              shrinkage_combination how = shrinkage_combination::additive) {
  constexpr std::string_view fn = "total_shrinkage";
  double total = 0.0, kept = 1.0;
  for (std::size_t i = 0; i < components.size(); ++i) {
    detail::require_shrinkage(fn, "component " + std::to_string(i), components[i]);
    total += components[i];
    kept *= 1.0 - components[i];
  }
  if (how == shrinkage_combination::multiplicative) return 1.0 - kept;
  detail::require_shrinkage(fn, "the additive total", total);
  return total;
}

/// Scheduled agents needed for `net_agents` on the queue: net / (1 - shrinkage), not rounded.
inline double gross_up(double net_agents, double shrinkage) {
  constexpr std::string_view fn = "gross_up";
  detail::require_non_negative(fn, "net_agents", net_agents);
  detail::require_shrinkage(fn, "shrinkage", shrinkage);
  return net_agents / (1.0 - shrinkage);
}

/// Whole scheduled agents for `net_agents`: the gross-up rounded up. A relative slack of 1e-12
/// absorbs the representation error of decimal shares (so 14 / (1 - 0.3) gives 20, not 21, even
/// if the quotient came out as 20.000000000000004).
inline int scheduled_agents(int net_agents, double shrinkage) {
  constexpr std::string_view fn = "scheduled_agents";
  if (net_agents < 0)
    detail::fail(fn, "net_agents must be non-negative, got " + std::to_string(net_agents));
  detail::require_shrinkage(fn, "shrinkage", shrinkage);
  const double gross = net_agents / (1.0 - shrinkage);
  const double rounded = std::ceil(gross * (1.0 - 1e-12));
  if (!(rounded <= static_cast<double>(std::numeric_limits<int>::max())))
    detail::fail(fn, "scheduled agents " + detail::num(rounded) + " do not fit in int");
  return static_cast<int>(rounded);
}

} // namespace kpiscore::staffing

#endif // KPISCORE_STAFFING_SHRINKAGE_HPP
