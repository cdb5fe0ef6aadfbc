// Interval forecasts from contact records and their interval plan (staffing/from_contacts.hpp).
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/staffing/from_contacts.hpp>
#include <kpiscore/table/time_zone.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <span>
#include <stdexcept>
#include <utility>

namespace kpiscore::staffing {
namespace {

constexpr std::string_view forecast_fn = "forecast_from_contacts";
constexpr std::string_view plan_fn = "plan_from_contacts";

/// The inbound rows of `t`, with only the columns the forecast reads (the KPI columns, queue and
/// agent_id).
ContactTable inbound_rows(const ContactTable& t) {
  ContactTable out;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t.inbound[i]) rows.push_back(i);
  out.contact_id.reserve(rows.size(), rows.size() * 12);
  for (std::size_t i : rows) out.contact_id.push_back(t.contact_id[i]);
  auto pick = [&](const auto& src, auto& dst) {
    if (src.empty()) return;
    dst.reserve(rows.size());
    for (std::size_t i : rows) dst.push_back(src[i]);
  };
  pick(t.arrived_at_ms, out.arrived_at_ms);
  pick(t.inbound, out.inbound);
  pick(t.answered, out.answered);
  pick(t.wait_ms, out.wait_ms);
  for (std::size_t f = 0; f < t.durations.size(); ++f) pick(t.durations[f], out.durations[f]);
  for (std::size_t f = 0; f < t.smalls.size(); ++f) pick(t.smalls[f], out.smalls[f]);
  for (const DictionaryColumn& d : t.dimensions) {
    if (d.name() != "queue" && d.name() != "agent_id") continue;
    DictionaryColumn copy(d.name());
    for (const std::string& v : d.dictionary()) (void)copy.encode(v); // same codes, same order
    copy.reserve(rows.size());
    for (std::size_t i : rows) copy.push_code(d.codes()[i]);
    out.dimensions.push_back(std::move(copy));
  }
  return out;
}

std::optional<double> kpi(const KpiTable& k, std::size_t g, std::string_view name) {
  return k.values[g][k.kpi_index(name)].value;
}

std::string queue_name(const std::optional<std::string>& q, bool by_queue) {
  if (!by_queue) return "all contacts";
  return q ? "queue '" + *q + "'" : "queue (empty)";
}

} // namespace

contacts_forecast forecast_from_contacts(const ContactTable& table,
                                         const contacts_forecast_options& options) {
  const std::string fn(forecast_fn);
  const char* interval_key = nullptr;
  switch (options.interval_minutes) {
  case 15: interval_key = "interval15"; break;
  case 30: interval_key = "interval30"; break;
  case 60: interval_key = "hour"; break;
  default:
    detail::fail(fn, "interval_minutes must be 15, 30 or 60, got " +
                         std::to_string(options.interval_minutes));
  }
  detail::require_non_negative(fn, "target_s", options.target_s);
  if (options.threads < 0)
    detail::fail(fn, "threads must be non-negative, got " + std::to_string(options.threads));

  KpiOptions ko;
  try {
    ko.timezone = TimeZone::locate(options.timezone).name();
  } catch (const std::invalid_argument& e) {
    detail::fail(fn, e.what());
  }
  ko.service_level.threshold_ms = std::llround(options.target_s * 1000.0);
  ko.aht = options.aht;
  ko.threads = options.threads;

  contacts_forecast out;
  out.interval_minutes = options.interval_minutes;
  out.by_queue = options.by_queue;
  std::optional<ContactTable> filtered;
  const std::int64_t inbound_count =
      std::count(table.inbound.begin(), table.inbound.end(), std::uint8_t{1});
  out.inbound = inbound_count;
  out.outbound_skipped = static_cast<std::int64_t>(table.size()) - inbound_count;
  if (out.outbound_skipped > 0) filtered = inbound_rows(table);
  const ContactTable& t = filtered ? *filtered : table;
  if (t.size() == 0) detail::fail(fn, "no inbound contacts in the input");

  // Per queue (or one group): AHT over the whole input and the patience sample.
  const std::vector<std::string> queue_keys =
      options.by_queue ? std::vector<std::string>{"queue"} : std::vector<std::string>{};
  const GroupIndex qindex = build_group_index(t, queue_keys, ko);
  const GroupedKpiState qstate = aggregate(t, qindex, ko);
  const KpiTable qk = finalize(qstate);
  out.queues.resize(qk.size());
  for (std::size_t q = 0; q < qk.size(); ++q) {
    queue_summary& s = out.queues[q];
    if (options.by_queue) s.queue = qk.keys[q][0];
    s.arrivals = static_cast<std::int64_t>(kpi(qk, q, "offered").value_or(0));
    s.aht_s = kpi(qk, q, "aht_s");
  }
  for (std::size_t i = 0; i < t.size(); ++i) {
    queue_summary& s = out.queues[qindex.group_of_row[i]];
    if (t.answered[i])
      s.waits.add_answered(t.wait_ms[i]);
    else
      s.waits.add_abandoned(t.wait_ms[i]);
  }
  for (queue_summary& s : out.queues) {
    if (s.waits.abandoned() == 0) {
      s.patience_note = "no abandoned contact: patience unbounded (Erlang C)";
    } else if (s.waits.exposure_ms() == 0) {
      s.patience_note = "every abandonment was immediate and no answered contact waited: "
                        "patience estimate is zero";
    } else {
      s.patience = s.waits.estimate();
    }
    if (!s.aht_s)
      detail::fail(fn, queue_name(s.queue, options.by_queue) + ": " + std::to_string(s.arrivals) +
                           " arrivals but no answered contact with a known handle time: AHT "
                           "unknown");
  }

  // Per (queue, interval).
  std::vector<std::string> keys = queue_keys;
  keys.emplace_back(interval_key);
  const GroupIndex index = build_group_index(t, keys, ko);
  const KpiTable k = finalize(aggregate(t, index, ko));

  std::vector<std::optional<int>> seen(k.size());
  if (const DictionaryColumn* agent = t.dimension("agent_id")) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs; // (group, agent code)
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t.answered[i] && agent->codes()[i] != null_code)
        pairs.emplace_back(index.group_of_row[i], agent->codes()[i]);
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    for (auto& s : seen) s = 0;
    for (const auto& [g, a] : pairs) ++*seen[g];
  }

  const std::size_t interval_part = options.by_queue ? 1 : 0;
  out.intervals.reserve(k.size());
  std::size_t q = 0; // queue groups are in the same (sorted) order as the interval groups
  for (std::size_t g = 0; g < k.size(); ++g) {
    measured_interval m;
    if (options.by_queue) {
      m.queue = k.keys[g][0];
      while (q + 1 < out.queues.size() && out.queues[q].queue != m.queue) ++q;
    }
    m.interval = k.keys[g][interval_part].value_or("");
    m.arrivals = static_cast<std::int64_t>(kpi(k, g, "offered").value_or(0));
    m.answered = static_cast<std::int64_t>(kpi(k, g, "answered").value_or(0));
    m.abandoned = static_cast<std::int64_t>(kpi(k, g, "abandoned").value_or(0));
    if (const auto aht = kpi(k, g, "aht_s")) {
      m.aht_s = *aht;
    } else {
      m.aht_s = *out.queues[q].aht_s;
      m.aht_from_queue = true;
    }
    m.service_level = kpi(k, g, "service_level");
    m.asa_s = kpi(k, g, "asa_s");
    m.agents_seen = seen[g];
    out.intervals.push_back(std::move(m));
  }
  return out;
}

std::vector<contact_plan_row> plan_from_contacts(const contacts_forecast& forecast,
                                                 const plan_params& params, bool erlang_a) {
  const std::string fn(plan_fn);
  if (forecast.interval_minutes != 15 && forecast.interval_minutes != 30 &&
      forecast.interval_minutes != 60)
    detail::fail(fn, "interval_minutes must be 15, 30 or 60, got " +
                         std::to_string(forecast.interval_minutes));
  plan_params base = params;
  base.interval_s = forecast.interval_minutes * 60.0;
  base.patience_s = std::numeric_limits<double>::infinity();
  detail::validate_plan(plan_fn, base);
  const bool by_queue = forecast.by_queue;
  std::map<std::optional<std::string>, const queue_summary*> queues;
  for (const queue_summary& s : forecast.queues) queues[s.queue] = &s;

  std::vector<contact_plan_row> out;
  out.reserve(forecast.intervals.size());
  std::size_t begin = 0;
  while (begin < forecast.intervals.size()) {
    const std::optional<std::string>& queue = forecast.intervals[begin].queue;
    std::size_t end = begin;
    while (end < forecast.intervals.size() && forecast.intervals[end].queue == queue) ++end;
    const auto it = queues.find(queue);
    const queue_summary* summary = it == queues.end() ? nullptr : it->second;
    plan_params p = base;
    if (erlang_a) {
      if (!summary)
        detail::fail(fn, queue_name(queue, by_queue) + ": no patience summary in the forecast");
      if (summary->patience) {
        p.patience_s = summary->patience->mean_s;
      } else if (summary->waits.abandoned() > 0) {
        detail::fail(fn, queue_name(queue, by_queue) +
                             ": every abandonment was immediate and no answered contact "
                             "waited: cannot estimate patience for Erlang A");
      }
    }
    std::vector<interval_forecast> run;
    run.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      const measured_interval& m = forecast.intervals[i];
      if (m.arrivals < 0)
        detail::fail(fn, queue_name(queue, by_queue) + ", interval " + m.interval +
                             ": arrivals must be non-negative, got " + std::to_string(m.arrivals));
      if (m.arrivals > 0 && (!(m.aht_s > 0.0) || !std::isfinite(m.aht_s)))
        detail::fail(fn, queue_name(queue, by_queue) + ", interval " + m.interval +
                             ": AHT must be positive and finite, got " + detail::num(m.aht_s) +
                             " s (handle times of zero?)");
      run.push_back({static_cast<double>(m.arrivals), m.aht_s});
    }
    const std::vector<interval_requirement> plan = plan_intervals(run, p);
    for (std::size_t i = begin; i < end; ++i) {
      contact_plan_row row;
      row.measured = forecast.intervals[i];
      row.plan = plan[i - begin];
      row.erlang_a = !std::isinf(p.patience_s);
      row.patience_s = row.erlang_a ? p.patience_s : 0.0;
      if (row.measured.agents_seen) {
        row.at_seen = detail::measures_at(run[i - begin], p, *row.measured.agents_seen);
        row.shortfall = row.plan.agents - *row.measured.agents_seen;
      }
      out.push_back(std::move(row));
    }
    begin = end;
  }
  return out;
}

} // namespace kpiscore::staffing
