#ifndef KPISCORE_METRICS_CONTACT_RULES_HPP
#define KPISCORE_METRICS_CONTACT_RULES_HPP

#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/table/nulls.hpp>

#include <cstdint>

namespace kpiscore {

/// One contact as the per-record definitions see it (the columnar kernel applies exactly the
/// same rules to whole columns; a test checks the two agree on random data).
struct ContactRecord {
  bool inbound = true;
  bool answered = true;
  std::int64_t wait_ms = 0;
  std::int64_t talk_ms = null_duration, hold_ms = null_duration, acw_ms = null_duration;
  std::int8_t resolved_first_contact = null_small, csat = null_small, nps = null_small;
  std::int8_t complaint = null_small, converted = null_small;
  std::int64_t sl_threshold_ms = 20'000; ///< the threshold in force for this contact's channel/queue
};

/// The record-level predicates of the KPI definitions, resolved from KpiOptions once.
struct ContactRules {
  bool sl_strict = false; ///< wait < T instead of wait <= T
  std::int64_t short_abandon_ms = 0;
  bool aht_talk = true, aht_hold = true, aht_acw = true;
  bool fcr_unknown_is_unresolved = false;
  bool fcr_handled_only = false;
  int csat_top_box_min = 4;
  bool complaint_over_offered = false;
  bool conversion_over_offered = false;

  static ContactRules from(const KpiOptions& o) {
    ContactRules r;
    r.sl_strict = o.service_level.comparison == ThresholdComparison::less;
    r.short_abandon_ms = o.service_level.short_abandon_ms;
    r.aht_talk = o.aht.talk;
    r.aht_hold = o.aht.hold;
    r.aht_acw = o.aht.acw;
    r.fcr_unknown_is_unresolved = o.fcr.unknown == FcrUnknown::not_resolved;
    r.fcr_handled_only = o.fcr.scope == Population::handled;
    r.csat_top_box_min = o.csat.top_box_min;
    r.complaint_over_offered = o.complaint_denominator == Population::offered;
    r.conversion_over_offered = o.conversion_denominator == Population::offered;
    return r;
  }

  bool within(std::int64_t wait_ms, std::int64_t threshold_ms) const noexcept {
    return sl_strict ? wait_ms < threshold_ms : wait_ms <= threshold_ms;
  }
};

} // namespace kpiscore

#endif
