#ifndef KPISCORE_TABLE_LEGS_HPP
#define KPISCORE_TABLE_LEGS_HPP

#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <cstdint>

namespace kpiscore {

struct LegSummary {
  std::uint64_t rows_in = 0;            ///< rows of the input table
  std::uint64_t duplicate_rows = 0;     ///< exact duplicates dropped (all columns equal)
  std::uint64_t contacts = 0;           ///< rows of the output table
  std::uint64_t multi_leg_contacts = 0; ///< contacts made of two or more distinct legs
};

/// Collapses rows that share a contact_id (the legs of one contact: transfers, consults) into
/// one row per contact, so offered, answered, abandoned, wait and service level count the
/// contact once (docs/inputs.md, "Legs"). Within a contact the legs are ordered by arrived_at
/// (then file order); exact duplicate rows are dropped first (counted in the summary) unless
/// `legs.drop_duplicates` is false. The contact row takes:
///  - contact_id, arrived_at, direction, channel and queue from the first leg;
///  - answered = any leg answered; wait_s = the first leg's wait (`wait: total`: the sum);
///  - the owner leg = the last answered leg (`owner: first`: the first answered one; no leg
///    answered: the last leg), whose agent_id and every other dimension the contact takes;
///  - talk_s, hold_s, acw_s summed over the legs (nulls skipped; all null → null), or the owner
///    leg's (`handle: owner`);
///  - resolved_first_contact of the last leg (`fcr: first`: the first leg's); csat and nps of the
///    last leg that has one; complaint and converted = 1 when any leg has 1.
/// Contacts keep the order of their first row. A table with no repeated contact_id and no
/// duplicates comes back unchanged.
ContactTable collapse_legs(const ContactTable& in, const KpiOptions::Legs& options, LegSummary* summary = nullptr);

} // namespace kpiscore

#endif
