#ifndef KPISCORE_TABLE_NULLS_HPP
#define KPISCORE_TABLE_NULLS_HPP

#include <cstdint>
#include <limits>

namespace kpiscore {

/// Explicit null markers of the columnar layout. Durations are int64 milliseconds, so the
/// smallest int64 (never a valid duration: durations are non-negative) marks a missing value.
inline constexpr std::int64_t null_duration = std::numeric_limits<std::int64_t>::min();

/// Flags (0/1) and survey scores (csat 1..N, nps 0..10) are int8; -1 marks a missing value.
inline constexpr std::int8_t null_small = -1;

/// The null marker of a nullable column type (durations int64, flags and scores int8), for code
/// that is generic over the column type (a masked Column materialises its nulls as this value).
template <class T> struct null_value;
template <> struct null_value<std::int64_t> {
  static constexpr std::int64_t value = null_duration;
};
template <> struct null_value<std::int8_t> {
  static constexpr std::int8_t value = null_small;
};
template <class T>
concept nullable_column_type = requires { null_value<T>::value; };

/// Dictionary code of a missing (empty) dimension value.
inline constexpr std::uint32_t null_code = std::numeric_limits<std::uint32_t>::max();

} // namespace kpiscore

#endif
