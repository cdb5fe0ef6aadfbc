#ifndef KPISCORE_SCORING_INDICATOR_RULE_HPP
#define KPISCORE_SCORING_INDICATOR_RULE_HPP

#include <kpiscore/scoring/units.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace kpiscore::scoring {

enum class Direction : std::uint8_t { higher_is_better, lower_is_better };
enum class StepRounding : std::uint8_t { none, floor, ceil };

/// One row of a tier table: the score when the value lies within the bounds (each optional;
/// `min`/`max` inclusive, `above`/`below` exclusive). The first matching row wins.
struct Tier {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;
  double score = 0;
  bool contains(double v) const noexcept {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  bool operator==(const Tier&) const = default;
};

/// How an indicator turns its value (and the target in force) into points, 0..100 by default.
///
///   deduct        full marks at or better than target; `points` lost per `per` of shortfall.
///                 Continuous by default ("10 points per 10 s over": 35 s vs 30 s → 95);
///                 step_rounding floor counts whole steps only (→ 100), ceil any started step
///                 (→ 90). Step counts within 1e-9 of an integer snap to it first, so binary
///                 fractions (0.85 − 0.80 = 0.0499999…) do not lose a step.
///   value         the value itself as the score, times `scale` (a ratio's default scale is
///                 100: 88 % → 88)
///   proportional  value/target × 100 (higher is better) or target/value × 100 (lower), capped
///   tiers         a table of value ranges and scores; no row matching → the floor
///   bands         piecewise linear through (value, score) points, flat beyond the ends
/// Every rule's result is clamped to [floor, cap] (default 0 and 100).
struct IndicatorRule {
  enum class Type : std::uint8_t { deduct, value, proportional, tiers, bands };
  Type type = Type::deduct;
  double per = 1, points = 0;
  StepRounding rounding = StepRounding::none;
  double scale = 1;
  std::vector<Tier> tiers;
  std::vector<std::pair<double, double>> bands; ///< (value, score), values strictly increasing
  double floor = 0, cap = 100;

  bool needs_target() const noexcept { return type == Type::deduct || type == Type::proportional; }

  /// The shortfall against the target: how far the value is on the wrong side (0 when met).
  static double shortfall(double value, double target, Direction d) noexcept {
    const double gap = d == Direction::lower_is_better ? value - target : target - value;
    return gap > 0 ? gap : 0.0;
  }

  /// The score of `value` against `target` (ignored by rules without a target).
  double score(double value, double target, Direction d) const noexcept {
    double s = cap;
    switch (type) {
    case Type::deduct: {
      double steps = shortfall(value, target, d) / per;
      const double nearest = std::round(steps);
      if (std::abs(steps - nearest) <= 1e-9 * std::max(1.0, nearest)) steps = nearest;
      if (rounding == StepRounding::floor) steps = std::floor(steps);
      else if (rounding == StepRounding::ceil) steps = std::ceil(steps);
      s = 100.0 - points * steps;
      break;
    }
    case Type::value: s = value * scale; break;
    case Type::proportional: {
      const double num = d == Direction::lower_is_better ? target : value;
      const double den = d == Direction::lower_is_better ? value : target;
      s = den > 0 ? 100.0 * num / den : (num >= 0 ? cap : floor);
      break;
    }
    case Type::tiers: {
      s = floor;
      for (const Tier& t : tiers)
        if (t.contains(value)) {
          s = t.score;
          break;
        }
      break;
    }
    case Type::bands: {
      if (value <= bands.front().first) s = bands.front().second;
      else if (value >= bands.back().first) s = bands.back().second;
      else {
        const auto it = std::upper_bound(bands.begin(), bands.end(), value,
                                         [](double v, const auto& p) { return v < p.first; });
        const auto& [x1, y1] = *it;
        const auto& [x0, y0] = *(it - 1);
        s = y0 + (y1 - y0) * (value - x0) / (x1 - x0);
      }
      break;
    }
    }
    return std::clamp(s, floor, cap);
  }

  /// For people, in the indicator's unit: "10 points per 10s short of target (continuous)".
  std::string describe(Unit u, Direction d) const;

  bool operator==(const IndicatorRule&) const = default;
};

} // namespace kpiscore::scoring

#endif
