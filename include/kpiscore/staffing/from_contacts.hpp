#ifndef KPISCORE_STAFFING_FROM_CONTACTS_HPP
#define KPISCORE_STAFFING_FROM_CONTACTS_HPP

// Interval forecasts measured from contact records, and the interval plan ("what if") they give.
//
// From a contact table (docs/input.md), per 15/30/60-minute interval of `arrived_at` in the
// chosen time zone, and optionally per queue:
//  - arrivals: inbound contacts offered (the KPI engine's `offered`);
//  - AHT: the KPI engine's `aht_s` over the inbound contacts handled in the interval (talk +
//    hold + acw by default; an interval where no handled contact has a known handle time falls
//    back to the AHT of its queue over the whole input, and says so);
//  - the service level within the plan's threshold and the ASA that were actually measured;
//  - agents seen: distinct agent_id values that answered a contact arriving in the interval;
//  - patience per queue: the exponential maximum-likelihood estimate of patience.hpp, with the
//    waits of abandoned contacts as times to abandon and the waits of answered contacts as
//    censored observations.
// Outbound contacts are left out: Erlang models the inbound queue (their count is reported).
//
// plan_from_contacts then runs plan_intervals (interval_plan.hpp) on those measured intervals:
// the agents that would have met the goal in each past interval, with the measures they give,
// and the Erlang prediction at the agents seen.

#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/staffing/interval_plan.hpp>
#include <kpiscore/staffing/patience.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kpiscore::staffing {

struct contacts_forecast_options {
  int interval_minutes = 30; ///< 15, 30 or 60
  bool by_queue = false;     ///< one series per value of the `queue` column
  double target_s = 20;      ///< threshold of the measured service level, seconds (>= 0)
  std::string timezone = "UTC"; ///< IANA zone of the interval boundaries
  KpiOptions::Aht aht;          ///< handle-time components (default talk + hold + acw)
  int threads = 0;              ///< 0 = all cores; results do not depend on it
};

/// One measured interval (of one queue when by_queue).
struct measured_interval {
  std::optional<std::string> queue; ///< nullopt when not by queue, or for an empty queue value
  std::string interval;             ///< local start, "YYYY-MM-DDTHH:MM"
  std::int64_t arrivals = 0;        ///< inbound contacts offered
  std::int64_t answered = 0;
  std::int64_t abandoned = 0;
  double aht_s = 0;              ///< the interval's AHT, or the queue's when aht_from_queue
  bool aht_from_queue = false;   ///< no handled contact with a known handle time here
  std::optional<double> service_level; ///< measured: answered within target_s / offered
  std::optional<double> asa_s;         ///< measured mean wait of answered contacts
  std::optional<int> agents_seen;      ///< distinct agent_id answering; nullopt without agent_id
};

/// Patience and AHT of one queue (or of everything when not by queue).
struct queue_summary {
  std::optional<std::string> queue;
  std::int64_t arrivals = 0;
  std::optional<double> aht_s;  ///< over the whole input; nullopt without any known handle time
  patience_sample waits;        ///< abandons and answered waits (mergeable counts, exposure)
  /// The estimate, or nullopt when there is no abandonment (patience unbounded: Erlang C) or
  /// no waiting at all; `patience_note` then says which.
  std::optional<patience_estimate> patience;
  std::string patience_note;
};

struct contacts_forecast {
  int interval_minutes = 30;
  bool by_queue = false;
  std::vector<measured_interval> intervals; ///< sorted by (queue, interval)
  std::vector<queue_summary> queues;        ///< sorted by queue (null last)
  std::int64_t inbound = 0;
  std::int64_t outbound_skipped = 0;
};

/// Measures arrivals, AHT, service level, ASA and agents seen per interval (and queue), and
/// patience per queue. Throws std::invalid_argument (message prefixed "forecast_from_contacts: ")
/// for a bad interval length, threshold or time zone, no inbound contact, or a queue with
/// arrivals but no handled contact with a known handle time (its AHT is unknown).
contacts_forecast forecast_from_contacts(const ContactTable& table,
                                         const contacts_forecast_options& options);

/// One row of the plan from measured intervals.
struct contact_plan_row {
  measured_interval measured;
  interval_requirement plan;   ///< agents that would have met the goal, and their measures
  bool erlang_a = false;       ///< the model used: Erlang A (true) or Erlang C
  double patience_s = 0;       ///< Erlang A only: the queue's estimated mean patience
  std::optional<interval_measures> at_seen; ///< Erlang prediction at measured.agents_seen
  std::optional<int> shortfall;             ///< plan.agents - agents_seen
};

/// The interval plan of measured intervals. `params.interval_s` is replaced by the forecast's
/// interval length and `params.patience_s` is ignored: with `erlang_a`, each queue uses its
/// estimated patience (Erlang C for a queue without abandonment, whose patience estimate is
/// unbounded); without, Erlang C everywhere. Throws std::invalid_argument as plan_intervals
/// does ("plan_from_contacts: ..."), and for a queue whose abandons all had zero wait.
std::vector<contact_plan_row> plan_from_contacts(const contacts_forecast& forecast,
                                                 const plan_params& params, bool erlang_a);

} // namespace kpiscore::staffing

#endif // KPISCORE_STAFFING_FROM_CONTACTS_HPP
