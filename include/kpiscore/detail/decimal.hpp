#ifndef KPISCORE_DETAIL_DECIMAL_HPP
#define KPISCORE_DETAIL_DECIMAL_HPP

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace kpiscore::detail {

/// A finite decimal number written out in full: digits, `.`, a sign and an exponent; no hex, no
/// inf/nan, no surrounding text. The readers of evaluation and indicator tables share it.
inline std::optional<double> finite_decimal(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+'))
      return std::nullopt;
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

} // namespace kpiscore::detail

#endif
