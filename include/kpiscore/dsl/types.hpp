#ifndef KPISCORE_DSL_TYPES_HPP
#define KPISCORE_DSL_TYPES_HPP

#include <cstdint>
#include <string_view>

namespace kpiscore::dsl {

/// The unit-aware types of the rules language (docs/rules.md, "Types").
///
/// At run time `boolean` is one byte per row (0/1); `string` is a view per row; every other
/// type is a double: durations in seconds, ratios as fractions (85% = 0.85), times as UTC epoch
/// seconds, points and numbers as they are. `null` is the type of the literal `null` only: it
/// unifies with every type. Every value of every type may be missing (null) at run time.
enum class Type : std::uint8_t {
  null,
  boolean,
  integer,
  number,
  string,
  duration,
  ratio,
  points,
  time,
};

constexpr std::string_view name_of(Type t) noexcept {
  switch (t) {
  case Type::null:
    return "null";
  case Type::boolean:
    return "bool";
  case Type::integer:
    return "integer";
  case Type::number:
    return "number";
  case Type::string:
    return "string";
  case Type::duration:
    return "duration";
  case Type::ratio:
    return "ratio";
  case Type::points:
    return "points";
  case Type::time:
    return "time";
  }
  return "?";
}

/// Whether values of the type are stored as doubles at run time.
constexpr bool is_numeric(Type t) noexcept {
  return t == Type::integer || t == Type::number || t == Type::duration || t == Type::ratio ||
         t == Type::points || t == Type::time;
}

/// Plain numbers: integer and number mix freely (integer widens to number).
constexpr bool is_plain(Type t) noexcept {
  return t == Type::integer || t == Type::number;
}

} // namespace kpiscore::dsl

#endif
