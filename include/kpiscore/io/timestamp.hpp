#ifndef KPISCORE_IO_TIMESTAMP_HPP
#define KPISCORE_IO_TIMESTAMP_HPP

#include <kpiscore/table/time_zone.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace kpiscore {

enum class TimestampError : std::uint8_t { none, syntax, impossible, nonexistent_local, out_of_range };

struct ParsedTimestamp {
  std::int64_t utc_ms = 0;
  TimestampError error = TimestampError::none;
};

/// Parses ISO-8601 `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|±HH[:MM]|±HHMM]`. Digits past the
/// millisecond are truncated. Without an offset the time is local wall-clock time in `to_utc`'s
/// zone (in a DST overlap the earlier instant; in a DST gap an error). Years before 1900 are
/// out_of_range: no contact record is that old, and four-digit years keep time-bucket labels in
/// the same order as time.
ParsedTimestamp parse_timestamp(std::string_view text, LocalToUtc& to_utc);

/// Parses a timestamp in a strftime-like `format` (docs/inputs.md): %Y (4 digits), %m %d %H
/// (1 or 2 digits), %M %S (2 digits), %f (1–9 fraction digits, truncated to ms), %z (Z, ±HH,
/// ±HHMM, ±HH:MM), %% (a literal %); any other character matches itself. The same errors as
/// parse_timestamp (syntax: the text does not match the format).
ParsedTimestamp parse_timestamp_format(std::string_view text, std::string_view format, LocalToUtc& to_utc);

/// Empty when `format` is usable by parse_timestamp_format (known directives, each at most
/// once, %Y %m %d present, %M only with %H, %S only with %M), else why not.
std::string validate_timestamp_format(std::string_view format);

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace kpiscore

#endif
