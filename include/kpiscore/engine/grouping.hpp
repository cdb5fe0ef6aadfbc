#ifndef KPISCORE_ENGINE_GROUPING_HPP
#define KPISCORE_ENGINE_GROUPING_HPP

#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/table/contact_table.hpp>
#include <kpiscore/table/dictionary_column.hpp>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore {

/// Time buckets of `arrived_at` in the options' time zone (local wall clock; in a DST fall-back
/// the repeated hour lands in the same local bucket).
///   interval15 / interval30  "YYYY-MM-DDTHH:MM"   hour  "YYYY-MM-DDTHH:00"
///   day "YYYY-MM-DD"   week (ISO 8601) "YYYY-Www"   month "YYYY-MM"
///   peak  "peak" or "off_peak" from the options' peak hours
inline constexpr std::string_view time_key_names[] = {"interval15", "interval30", "hour", "day",
                                                      "week",       "month",      "peak"};

/// More groups than KpiOptions::max_groups: the input is too fine-grained for the keys asked
/// for (an input error, CLI exit 2), found before any per-group state is allocated.
class TooManyGroups : public std::length_error {
public:
  using std::length_error::length_error;
};

/// Splits "agent_id,month" into names (spaces trimmed); empty parts are an error.
std::vector<std::string> parse_group_by(std::string_view text);

/// Dense group ids for every row. Ids follow the sorted order of the key tuples (byte-wise
/// labels, null last), so equal data gives equal ids whatever the row order.
struct GroupIndex {
  std::vector<std::uint32_t> group_of_row;
  std::size_t groups = 0;
  std::vector<DictionaryColumn> keys; ///< one code per group
};

/// Builds the group index. A name is a dimension of the table, `contact_id` (one group per
/// contact), a standard dimension the table lacks (all null), or a time key; anything else is
/// std::invalid_argument. More than `options.max_groups` groups is TooManyGroups, thrown while
/// the index is built (for `contact_id` as soon as its distinct ids pass the limit), before the
/// aggregation allocates its per-group accumulators.
///
/// Message: "group keys agent_id,contact_id make more than 5000000 groups (max_groups): group by
/// coarser keys, or raise max_groups (docs/kpis.md, \"max_groups\")".
GroupIndex build_group_index(const ContactTable& table, std::span<const std::string> by,
                             const KpiOptions& options);

} // namespace kpiscore

#endif
