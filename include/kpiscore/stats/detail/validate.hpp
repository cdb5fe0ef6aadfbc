#ifndef KPISCORE_STATS_DETAIL_VALIDATE_HPP
#define KPISCORE_STATS_DETAIL_VALIDATE_HPP

// Argument checks shared by the stats functions. Every message has the form
// "<function>: <argument> must be <condition>, got <value>" with the value in its shortest
// round-trip decimal form, so a caller sees exactly what was passed.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kpiscore::stats::detail {

inline std::string num(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

inline std::string num(std::int64_t v) {
  return std::to_string(v);
}

[[noreturn]] inline void fail(std::string_view fn, std::string_view what) {
  throw std::invalid_argument(std::string(fn) + ": " + std::string(what));
}

/// 0 < alpha < 1.
inline void check_alpha(std::string_view fn, double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) fail(fn, "alpha must be in (0, 1), got " + num(alpha));
}

/// 0 <= p <= 1.
inline void check_probability(std::string_view fn, std::string_view name, double p) {
  if (!(p >= 0.0 && p <= 1.0)) fail(fn, std::string(name) + " must be in [0, 1], got " + num(p));
}

} // namespace kpiscore::stats::detail

#endif // KPISCORE_STATS_DETAIL_VALIDATE_HPP
