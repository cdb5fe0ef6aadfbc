#ifndef KPISCORE_TABLE_CONTACT_TABLE_HPP
#define KPISCORE_TABLE_CONTACT_TABLE_HPP

#include <kpiscore/table/column.hpp>
#include <kpiscore/table/dictionary_column.hpp>
#include <kpiscore/table/nulls.hpp>
#include <kpiscore/table/string_column.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore {

/// Numeric columns of a contact record. Durations are int64 milliseconds (`null_duration` when
/// missing); flags and survey scores are int8 (`null_small` when missing).
enum class DurationField : std::uint8_t { talk, hold, acw };
enum class SmallField : std::uint8_t { resolved_first_contact, csat, nps, complaint, converted };

inline constexpr std::array<std::string_view, 3> duration_field_names{"talk_s", "hold_s", "acw_s"};
inline constexpr std::array<std::string_view, 5> small_field_names{
    "resolved_first_contact", "csat", "nps", "complaint", "converted"};

/// The dimensions every contact export may carry; any further CSV column is kept as a dimension
/// too. A standard dimension absent from the input behaves as an all-null column.
inline constexpr std::array<std::string_view, 7> standard_dimension_names{
    "channel", "category", "customer_type", "agent_id", "team", "vendor", "queue"};

/// Columnar contact records (one row per call, chat or ticket), the input of every KPI.
///
/// Layout: numeric columns are `Column`s: owned, or borrowed from in-memory input without a copy
/// (io/array_input.hpp). Required columns are always `size()` long; an optional column that the source did not
/// have is empty (`has(...)` is false) and every KPI that needs it is null. Timestamps are UTC
/// epoch milliseconds; local time buckets are computed at grouping time in the chosen zone.
struct ContactTable {
  StringColumn contact_id;
  Column<std::int64_t> arrived_at_ms;
  Column<std::uint8_t> inbound;  ///< 1 inbound, 0 outbound
  Column<std::uint8_t> answered; ///< 1 answered (handled by a person), 0 not
  Column<std::int64_t> wait_ms;  ///< queue wait; for an abandoned contact, time to abandon
  std::array<Column<std::int64_t>, 3> durations; ///< talk, hold, acw (by DurationField)
  std::array<Column<std::int8_t>, 5> smalls;     ///< by SmallField
  std::vector<DictionaryColumn> dimensions;           ///< standard ones first, then extras

  std::size_t size() const noexcept { return arrived_at_ms.size(); }

  const Column<std::int64_t>& column(DurationField f) const { return durations[static_cast<std::size_t>(f)]; }
  Column<std::int64_t>& column(DurationField f) { return durations[static_cast<std::size_t>(f)]; }
  const Column<std::int8_t>& column(SmallField f) const { return smalls[static_cast<std::size_t>(f)]; }
  Column<std::int8_t>& column(SmallField f) { return smalls[static_cast<std::size_t>(f)]; }

  bool has(DurationField f) const { return !column(f).empty() || size() == 0; }
  bool has(SmallField f) const { return !column(f).empty() || size() == 0; }

  /// Index of the dimension called `name` in `dimensions`, if present.
  std::optional<std::size_t> dimension_index(std::string_view name) const {
    for (std::size_t i = 0; i < dimensions.size(); ++i)
      if (dimensions[i].name() == name) return i;
    return std::nullopt;
  }
  const DictionaryColumn* dimension(std::string_view name) const {
    auto i = dimension_index(name);
    return i ? &dimensions[*i] : nullptr;
  }

  /// Checks that every present column has `size()` rows; throws std::invalid_argument otherwise.
  void validate_shape() const {
    const std::size_t n = size();
    auto check = [n](std::size_t m, std::string_view name) {
      if (m != n)
        throw std::invalid_argument("column " + std::string(name) + ": expected " +
                                    std::to_string(n) + " rows, actual " + std::to_string(m));
    };
    check(contact_id.size(), "contact_id");
    check(inbound.size(), "direction");
    check(answered.size(), "answered");
    check(wait_ms.size(), "wait_s");
    for (std::size_t f = 0; f < durations.size(); ++f)
      if (!durations[f].empty()) check(durations[f].size(), duration_field_names[f]);
    for (std::size_t f = 0; f < smalls.size(); ++f)
      if (!smalls[f].empty()) check(smalls[f].size(), small_field_names[f]);
    for (const auto& d : dimensions) check(d.size(), d.name());
  }
};

} // namespace kpiscore

#endif
