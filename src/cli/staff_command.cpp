// kpiscore staff: Erlang C / Erlang A staffing (docs/staffing.md, "Command line").
//   - one question: arrivals, AHT, target -> agents required (and a given staffing's measures);
//   - an interval plan from contact records (measured arrivals, AHT, patience, "what if");
//   - an interval plan from a forecast CSV (interval,arrivals,aht_s[,patience_s]).
#include "cli_common.hpp"

#include <kpiscore/kpiscore.hpp>
#include <kpiscore/staffing.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace kpiscore;
using namespace kpiscore::cli;
namespace ks = kpiscore::staffing;

int run_staff(const std::vector<std::string>& args);

const RegisterCommand reg{
    "staff",
    "kpiscore staff  --aht S --target-s T --service-level SL (--arrivals-per-hour X | --input "
    "F.csv | --forecast F.csv) ...   Erlang C/A staffing",
    &run_staff};

const char* staff_help = R"(kpiscore staff — agents required under Erlang C or Erlang A

Usage:
  kpiscore staff (--arrivals-per-hour X | --arrivals N --interval-min M) --aht S
                 --target-s T --service-level SL [--max-occupancy O] [--patience S]
                 [--shrinkage S] [--agents N] [--format table|json]
  kpiscore staff --input CONTACTS.csv [--interval 15|30|60] [--by queue] --target-s T
                 --service-level SL [--tz ZONE] [--erlang-a] [--max-occupancy O]
                 [--shrinkage S] [--format table|json|csv]
  kpiscore staff --forecast FORECAST.csv [--interval 15|30|60] --target-s T
                 --service-level SL [--patience S] [--max-occupancy O] [--shrinkage S]
                 [--format table|json|csv]

One question:
  --arrivals-per-hour X   contacts offered per hour (> 0)
  --arrivals N            contacts offered per interval of --interval-min M minutes (> 0)
  --aht S                 average handling time, seconds (> 0)
  --agents N              also evaluate N agents on the queue ("what if")
Interval plan from contact records (docs/input.md):
  --input FILE            contacts CSV; inbound arrivals, AHT, measured service level and ASA,
                          and agents seen (distinct agent_id answering) per interval
  --interval M            interval length in minutes: 15, 30 or 60 (default 30)
  --by queue              one plan per queue
  --tz ZONE               IANA time zone of the interval boundaries (default UTC)
  --erlang-a              Erlang A with each queue's patience estimated from the records
                          (a queue without abandons keeps Erlang C)
Interval plan from a forecast:
  --forecast FILE         CSV with columns interval,arrivals,aht_s and optionally patience_s
                          (an empty patience_s falls back to --patience, else Erlang C)
Goal and staffing:
  --target-s T            service-level threshold in seconds (>= 0)
  --service-level SL      required share answered within T, in (0, 1) (e.g. 0.8)
  --max-occupancy O       maximum occupancy in (0, 1] (default 1: no limit)
  --patience S            mean patience in seconds: Erlang A (default: Erlang C, no abandons)
  --shrinkage S           share of paid time off the queue, in [0, 1) (default 0): scheduled
                          agents = required / (1 - S), rounded up
  --format F              table (default), json, or csv (interval plans only)

Exit codes: 0 ok, 1 usage error, 2 input error (unreadable or unusable file or data).
)";

constexpr double inf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------------------------
// Arguments

std::optional<double> parse_number(std::string_view text) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

/// A number flag whose value must satisfy `ok`; otherwise "FLAG: expected WHAT, actual 'V'".
template <class Ok>
double number_flag(const std::string& flag, const std::string& text, const char* what, Ok ok) {
  const auto v = parse_number(text);
  if (!v || !ok(*v)) throw UsageError(flag + ": expected " + what + ", actual '" + text + "'");
  return *v;
}

int int_flag(const std::string& flag, const std::string& text, const char* what, int lo, int hi) {
  int v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v < lo || v > hi)
    throw UsageError(flag + ": expected " + what + ", actual '" + text + "'");
  return v;
}

struct StaffArgs {
  // one question
  std::optional<double> arrivals_per_hour, arrivals, interval_min, aht;
  std::optional<int> agents;
  // interval plans
  std::string input, forecast, tz;
  std::optional<int> interval;
  bool by_queue = false, erlang_a = false;
  // goal
  std::optional<double> target_s, service_level, patience;
  double max_occupancy = 1.0, shrinkage = 0.0;
  std::string format = "table";
};

// ---------------------------------------------------------------------------------------------
// Output helpers

std::string fixed(double v, int decimals, const char* suffix = "") {
  if (std::isinf(v)) return "inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, suffix);
  return buf;
}
std::string percent(double v) { return fixed(v * 100.0, 1, "%"); }
std::string percent(const std::optional<double>& v) { return v ? percent(*v) : "-"; }
std::string seconds(double v) { return fixed(v, 1); }
std::string seconds(const std::optional<double>& v) { return v ? seconds(*v) : "-"; }

std::string shortest(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

/// A JSON number, or null for infinity (an unstable queue's ASA).
nlohmann::ordered_json num(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}
template <class T> nlohmann::ordered_json opt(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

std::string model_name(double patience_s) { return std::isinf(patience_s) ? "erlang_c" : "erlang_a"; }

nlohmann::ordered_json measures_json(const ks::interval_measures& m, bool erlang_a) {
  nlohmann::ordered_json j;
  j["stable"] = m.stable;
  j["service_level"] = num(m.service_level);
  j["asa_s"] = num(m.asa);
  j["occupancy"] = num(m.occupancy);
  j["p_wait"] = num(m.p_wait);
  if (erlang_a) j["p_abandon"] = num(m.p_abandon);
  return j;
}

ks::plan_params goal_params(const StaffArgs& a) {
  ks::plan_params p;
  p.goal.target_s = *a.target_s;
  p.goal.service_level = *a.service_level;
  p.goal.max_occupancy = a.max_occupancy;
  p.shrinkage = a.shrinkage;
  p.patience_s = a.patience.value_or(inf);
  return p;
}

std::string goal_text(const StaffArgs& a) {
  std::string s = fixed(*a.service_level * 100.0, 1, "%") + " answered within " +
                  shortest(*a.target_s) + " s";
  if (a.max_occupancy < 1.0) s += ", occupancy <= " + percent(a.max_occupancy);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Mode (a): one question

int run_question(const StaffArgs& a) {
  ks::plan_params p = goal_params(a);
  const double interval_s = a.arrivals_per_hour ? 3600.0 : *a.interval_min * 60.0;
  const double arrivals = a.arrivals_per_hour ? *a.arrivals_per_hour : *a.arrivals;
  p.interval_s = interval_s;
  const std::vector<ks::interval_forecast> one{{arrivals, *a.aht}};
  std::vector<ks::interval_requirement> plan;
  std::vector<ks::interval_evaluation> what_if;
  try {
    plan = ks::plan_intervals(one, p);
    if (a.agents) what_if = ks::evaluate_staffing(one, std::vector<int>{*a.agents}, p);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const ks::interval_requirement& r = plan.front();
  const bool erlang_a = !std::isinf(p.patience_s);

  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["model"] = model_name(p.patience_s);
    j["arrivals"] = arrivals;
    j["interval_s"] = interval_s;
    j["arrival_rate_per_s"] = r.arrival_rate;
    j["aht_s"] = *a.aht;
    if (erlang_a) j["patience_s"] = p.patience_s;
    j["offered_load"] = r.offered_load;
    j["goal"] = {{"target_s", *a.target_s},
                 {"service_level", *a.service_level},
                 {"max_occupancy", a.max_occupancy}};
    j["shrinkage"] = a.shrinkage;
    nlohmann::ordered_json req;
    req["agents"] = r.agents;
    req["scheduled_agents"] = r.scheduled_agents;
    req["scheduled_exact"] = r.scheduled_exact;
    req.update(measures_json(r.measures, erlang_a));
    j["required"] = req;
    if (a.agents) {
      const ks::interval_evaluation& e = what_if.front();
      nlohmann::ordered_json w;
      w["agents"] = e.agents;
      w.update(measures_json(e.measures, erlang_a));
      w["meets_goal"] = e.meets_goal;
      w["shortfall"] = e.shortfall;
      j["what_if"] = w;
    }
    std::cout << j.dump(2) << "\n";
    return exit_ok;
  }

  std::vector<std::vector<std::string>> rows;
  auto add = [&](std::string k, std::string v) { rows.push_back({std::move(k), std::move(v)}); };
  std::cout << (erlang_a ? "Erlang A" : "Erlang C") << ": " << shortest(arrivals)
            << " arrivals per " << shortest(interval_s / 60.0) << " min, AHT " << shortest(*a.aht)
            << " s" << (erlang_a ? ", patience " + shortest(p.patience_s) + " s" : "")
            << "; goal " << goal_text(a) << "\n";
  add("offered load", fixed(r.offered_load, 3) + " Erlangs");
  add("agents required", std::to_string(r.agents));
  add("scheduled agents", std::to_string(r.scheduled_agents) + " (shrinkage " +
                              percent(a.shrinkage) + ": " + fixed(r.scheduled_exact, 2) +
                              " exact)");
  auto add_measures = [&](const ks::interval_measures& m) {
    add("service level", percent(m.service_level));
    add("ASA", seconds(m.asa) + " s");
    add("occupancy", percent(m.occupancy));
    add("P(wait)", percent(m.p_wait));
    if (erlang_a) add("P(abandon)", percent(m.p_abandon));
  };
  add_measures(r.measures);
  if (a.agents) {
    const ks::interval_evaluation& e = what_if.front();
    add("", "");
    add("what if: agents", std::to_string(e.agents));
    if (!e.measures.stable) add("queue", "unstable (agents <= offered load)");
    add_measures(e.measures);
    add("meets goal", e.meets_goal ? "yes" : "no");
    add("shortfall", std::to_string(e.shortfall) + (e.shortfall < 0 ? " (surplus)" : ""));
  }
  std::size_t w = 0;
  for (const auto& row : rows) w = std::max(w, row[0].size());
  for (const auto& row : rows) {
    std::string line = row[0] + std::string(w - row[0].size() + 2, ' ') + row[1];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
  return exit_ok;
}

// ---------------------------------------------------------------------------------------------
// Mode (b): interval plan from contact records

std::string label(const std::optional<std::string>& q) { return q ? *q : "-"; }

int run_contacts(const StaffArgs& a) {
  KpiOptions read_options;
  try {
    if (!a.tz.empty()) read_options.timezone = TimeZone::locate(a.tz).name();
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--tz: ") + e.what());
  }
  ReadResult read = read_contacts_csv_file(a.input, read_options);
  std::cerr << "kpiscore: " << read.rows_read << " rows read, " << read.accepted() << " accepted, "
            << read.rejects.size() << " rejected";
  if (!read.rejects.empty()) std::cerr << " (see them with kpiscore kpis --rejects FILE)";
  std::cerr << "\n";

  ks::contacts_forecast_options fo;
  fo.interval_minutes = a.interval.value_or(30);
  fo.by_queue = a.by_queue;
  fo.target_s = *a.target_s;
  fo.timezone = read_options.timezone;
  ks::contacts_forecast forecast;
  try {
    forecast = ks::forecast_from_contacts(read.table, fo);
  } catch (const std::invalid_argument& e) {
    throw InputError(a.input + ": " + e.what());
  }
  ks::plan_params p = goal_params(a);
  std::vector<ks::contact_plan_row> plan;
  try {
    plan = ks::plan_from_contacts(forecast, p, a.erlang_a);
  } catch (const std::invalid_argument& e) {
    throw InputError(a.input + ": " + e.what());
  }
  if (forecast.outbound_skipped > 0)
    std::cerr << "kpiscore: " << forecast.outbound_skipped
              << " outbound contacts left out (Erlang models the inbound queue)\n";

  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["interval_minutes"] = forecast.interval_minutes;
    j["timezone"] = fo.timezone;
    j["goal"] = {{"target_s", *a.target_s},
                 {"service_level", *a.service_level},
                 {"max_occupancy", a.max_occupancy}};
    j["shrinkage"] = a.shrinkage;
    j["inbound"] = forecast.inbound;
    j["outbound_skipped"] = forecast.outbound_skipped;
    nlohmann::ordered_json queues = nlohmann::ordered_json::array();
    for (const ks::queue_summary& s : forecast.queues) {
      nlohmann::ordered_json q;
      if (a.by_queue) q["queue"] = opt(s.queue);
      q["arrivals"] = s.arrivals;
      q["aht_s"] = opt(s.aht_s);
      q["abandoned"] = s.waits.abandoned();
      q["answered"] = s.waits.answered();
      q["wait_exposure_s"] = static_cast<double>(s.waits.exposure_ms()) / 1000.0;
      if (s.patience) {
        q["patience_s"] = s.patience->mean_s;
        q["patience_std_error_s"] = s.patience->mean_std_error_s;
      } else {
        q["patience_s"] = nullptr;
        q["patience_note"] = s.patience_note;
      }
      queues.push_back(std::move(q));
    }
    j["queues"] = std::move(queues);
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const ks::contact_plan_row& r : plan) {
      nlohmann::ordered_json o;
      if (a.by_queue) o["queue"] = opt(r.measured.queue);
      o["interval"] = r.measured.interval;
      o["arrivals"] = r.measured.arrivals;
      o["answered"] = r.measured.answered;
      o["abandoned"] = r.measured.abandoned;
      o["aht_s"] = r.measured.aht_s;
      o["aht_from_queue"] = r.measured.aht_from_queue;
      o["offered_load"] = r.plan.offered_load;
      o["measured_service_level"] = opt(r.measured.service_level);
      o["measured_asa_s"] = opt(r.measured.asa_s);
      o["agents_seen"] = opt(r.measured.agents_seen);
      o["model"] = r.erlang_a ? "erlang_a" : "erlang_c";
      if (r.erlang_a) o["patience_s"] = r.patience_s;
      o["agents_required"] = r.plan.agents;
      o["scheduled_agents"] = r.plan.scheduled_agents;
      o["scheduled_exact"] = r.plan.scheduled_exact;
      o["at_required"] = measures_json(r.plan.measures, r.erlang_a);
      o["at_seen"] = r.at_seen ? measures_json(*r.at_seen, r.erlang_a) : nullptr;
      o["shortfall"] = opt(r.shortfall);
      rows.push_back(std::move(o));
    }
    j["intervals"] = std::move(rows);
    std::cout << j.dump(2) << "\n";
    return exit_ok;
  }

  if (a.format == "csv") {
    std::string out = a.by_queue ? "queue," : "";
    out += "interval,arrivals,answered,abandoned,aht_s,aht_from_queue,offered_load,"
           "measured_service_level,measured_asa_s,agents_seen,model,patience_s,agents_required,"
           "scheduled_agents,service_level,asa_s,occupancy,p_abandon,service_level_at_seen,"
           "asa_s_at_seen,shortfall\n";
    auto o = [](const std::optional<double>& v) { return v ? shortest(*v) : std::string(); };
    auto fin = [](double v) { return std::isfinite(v) ? shortest(v) : std::string(); };
    for (const ks::contact_plan_row& r : plan) {
      const auto& m = r.measured;
      if (a.by_queue) out += (m.queue ? csv_quote(*m.queue) : "") + ",";
      out += csv_quote(m.interval) + "," + std::to_string(m.arrivals) + "," +
             std::to_string(m.answered) + "," + std::to_string(m.abandoned) + "," +
             shortest(m.aht_s) + "," + (m.aht_from_queue ? "1" : "0") + "," +
             shortest(r.plan.offered_load) + "," + o(m.service_level) + "," + o(m.asa_s) + "," +
             (m.agents_seen ? std::to_string(*m.agents_seen) : "") + "," +
             (r.erlang_a ? "erlang_a," + shortest(r.patience_s) : "erlang_c,") + "," +
             std::to_string(r.plan.agents) + "," + std::to_string(r.plan.scheduled_agents) + "," +
             fin(r.plan.measures.service_level) + "," + fin(r.plan.measures.asa) + "," +
             fin(r.plan.measures.occupancy) + "," +
             (r.erlang_a ? fin(r.plan.measures.p_abandon) : "") + "," +
             (r.at_seen ? fin(r.at_seen->service_level) : "") + "," +
             (r.at_seen ? fin(r.at_seen->asa) : "") + "," +
             (r.shortfall ? std::to_string(*r.shortfall) : "") + "\n";
    }
    std::cout << out;
    return exit_ok;
  }

  std::cout << "Interval plan from " << a.input << ": " << forecast.interval_minutes
            << "-minute intervals (" << fo.timezone << "), "
            << (a.erlang_a ? "Erlang A" : "Erlang C") << ", goal " << goal_text(a)
            << ", shrinkage " << percent(a.shrinkage) << "\n";
  std::vector<std::string> header;
  if (a.by_queue) header.emplace_back("queue");
  for (const char* h : {"interval", "arrivals", "aht_s", "load", "sl", "asa_s", "seen", "required",
                        "scheduled", "sl@req", "asa@req", "sl@seen", "shortfall"})
    header.emplace_back(h);
  if (a.erlang_a) header.emplace_back("abandon@req");
  std::vector<std::vector<std::string>> rows;
  bool any_fallback = false;
  for (const ks::contact_plan_row& r : plan) {
    const auto& m = r.measured;
    std::vector<std::string> row;
    if (a.by_queue) row.push_back(label(m.queue));
    row.push_back(m.interval);
    row.push_back(std::to_string(m.arrivals));
    row.push_back(seconds(m.aht_s) + (m.aht_from_queue ? "*" : ""));
    any_fallback = any_fallback || m.aht_from_queue;
    row.push_back(fixed(r.plan.offered_load, 2));
    row.push_back(percent(m.service_level));
    row.push_back(seconds(m.asa_s));
    row.push_back(m.agents_seen ? std::to_string(*m.agents_seen) : "-");
    row.push_back(std::to_string(r.plan.agents));
    row.push_back(std::to_string(r.plan.scheduled_agents));
    row.push_back(percent(r.plan.measures.service_level));
    row.push_back(seconds(r.plan.measures.asa));
    row.push_back(r.at_seen ? percent(r.at_seen->service_level) : "-");
    row.push_back(r.shortfall ? std::to_string(*r.shortfall) : "-");
    if (a.erlang_a) row.push_back(r.erlang_a ? percent(r.plan.measures.p_abandon) : "-");
    rows.push_back(std::move(row));
  }
  std::cout << text_table(header, rows, a.by_queue ? 2 : 1);
  std::cout << "\nsl, asa_s: measured; seen: distinct agents answering; required: agents that "
               "would have met the goal;\nscheduled: required / (1 - shrinkage); sl@req, asa@req: "
               "predicted at required; sl@seen: predicted at seen;\nshortfall: required - seen."
            << (any_fallback ? " *: no known handle time in the interval, queue AHT used." : "")
            << "\n\n";
  std::vector<std::string> qheader;
  if (a.by_queue) qheader.emplace_back("queue");
  for (const char* h : {"arrivals", "aht_s", "abandoned", "answered", "patience_s", "std_error_s"})
    qheader.emplace_back(h);
  std::vector<std::vector<std::string>> qrows;
  for (const ks::queue_summary& s : forecast.queues) {
    std::vector<std::string> row;
    if (a.by_queue) row.push_back(label(s.queue));
    row.push_back(std::to_string(s.arrivals));
    row.push_back(seconds(s.aht_s));
    row.push_back(std::to_string(s.waits.abandoned()));
    row.push_back(std::to_string(s.waits.answered()));
    row.push_back(s.patience ? seconds(s.patience->mean_s) : "-");
    row.push_back(s.patience ? seconds(s.patience->mean_std_error_s) : "-");
    qrows.push_back(std::move(row));
  }
  std::cout << "Patience (exponential MLE: abandons / total waiting time)\n"
            << text_table(qheader, qrows, a.by_queue ? 1 : 0);
  for (const ks::queue_summary& s : forecast.queues)
    if (!s.patience)
      std::cout << (a.by_queue ? label(s.queue) + ": " : "") << s.patience_note << "\n";
  return exit_ok;
}

// ---------------------------------------------------------------------------------------------
// Mode (c): interval plan from a forecast CSV

struct ForecastRow {
  std::string interval;
  ks::interval_forecast f;
  std::optional<double> patience_s;
};

/// Splits one CSV record (RFC 4180 quotes; no embedded line breaks).
std::optional<std::vector<std::string>> split_csv(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"' && out.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  if (quoted) return std::nullopt;
  return out;
}

std::vector<ForecastRow> read_forecast(const std::string& path) {
  const std::string text = read_file(path);
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view l(text.data() + pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    pos = end + 1;
  }
  if (!lines.empty() && lines[0].substr(0, 3) == "\xEF\xBB\xBF") lines[0].remove_prefix(3);
  const std::string where = "forecast " + path;
  if (lines.empty() || lines[0].empty())
    throw InputError(where + ": empty file (expected the header interval,arrivals,aht_s"
                             "[,patience_s])");
  const auto header = split_csv(lines[0]);
  if (!header) throw InputError(where + ": line 1: unterminated quote");
  auto column = [&](std::string_view name) -> std::optional<std::size_t> {
    std::optional<std::size_t> at;
    for (std::size_t i = 0; i < header->size(); ++i)
      if ((*header)[i] == name) {
        if (at) throw InputError(where + ": column '" + std::string(name) + "' given twice");
        at = i;
      }
    return at;
  };
  const auto c_interval = column("interval"), c_arrivals = column("arrivals"),
             c_aht = column("aht_s"), c_patience = column("patience_s");
  for (auto [c, name] : {std::pair{c_interval, "interval"}, std::pair{c_arrivals, "arrivals"},
                         std::pair{c_aht, "aht_s"}})
    if (!c)
      throw InputError(where + ": missing column '" + name +
                       "' (expected interval,arrivals,aht_s[,patience_s])");
  std::vector<ForecastRow> rows;
  for (std::size_t n = 1; n < lines.size(); ++n) {
    if (lines[n].empty()) continue;
    const std::string at = where + ": line " + std::to_string(n + 1) + ": ";
    const auto fields = split_csv(lines[n]);
    if (!fields) throw InputError(at + "unterminated quote");
    if (fields->size() != header->size())
      throw InputError(at + "expected " + std::to_string(header->size()) + " fields, actual " +
                       std::to_string(fields->size()));
    ForecastRow r;
    r.interval = (*fields)[*c_interval];
    const std::string& arr = (*fields)[*c_arrivals];
    const auto arrivals = parse_number(arr);
    if (!arrivals || *arrivals < 0)
      throw InputError(at + "arrivals: expected a number >= 0, actual '" + arr + "'");
    r.f.arrivals = *arrivals;
    const std::string& aht = (*fields)[*c_aht];
    const auto aht_v = parse_number(aht);
    if (aht.empty() && *arrivals == 0) {
      r.f.aht_s = 0;
    } else if (!aht_v || !(*aht_v > 0)) {
      throw InputError(at + "aht_s: expected seconds > 0, actual '" + aht + "'");
    } else {
      r.f.aht_s = *aht_v;
    }
    if (c_patience && !(*fields)[*c_patience].empty()) {
      const std::string& pat = (*fields)[*c_patience];
      const auto p = parse_number(pat);
      if (!p || !(*p > 0))
        throw InputError(at + "patience_s: expected seconds > 0 or empty, actual '" + pat + "'");
      r.patience_s = *p;
    }
    rows.push_back(std::move(r));
  }
  if (rows.empty()) throw InputError(where + ": no intervals after the header");
  return rows;
}

int run_forecast(const StaffArgs& a) {
  const std::vector<ForecastRow> rows = read_forecast(a.forecast);
  const ks::plan_params base = [&] {
    ks::plan_params p = goal_params(a);
    p.interval_s = a.interval.value_or(30) * 60.0;
    return p;
  }();
  std::vector<ks::interval_requirement> plan;
  std::vector<double> patience;
  plan.reserve(rows.size());
  try {
    for (const ForecastRow& r : rows) {
      ks::plan_params p = base;
      if (r.patience_s) p.patience_s = *r.patience_s;
      patience.push_back(p.patience_s);
      plan.push_back(ks::plan_intervals(std::span(&r.f, 1), p).front());
    }
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  bool any_a = false;
  for (double p : patience) any_a = any_a || !std::isinf(p);

  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["interval_minutes"] = a.interval.value_or(30);
    j["goal"] = {{"target_s", *a.target_s},
                 {"service_level", *a.service_level},
                 {"max_occupancy", a.max_occupancy}};
    j["shrinkage"] = a.shrinkage;
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const bool ea = !std::isinf(patience[i]);
      nlohmann::ordered_json o;
      o["interval"] = rows[i].interval;
      o["arrivals"] = rows[i].f.arrivals;
      o["aht_s"] = rows[i].f.aht_s;
      o["model"] = model_name(patience[i]);
      if (ea) o["patience_s"] = patience[i];
      o["offered_load"] = plan[i].offered_load;
      o["agents_required"] = plan[i].agents;
      o["scheduled_agents"] = plan[i].scheduled_agents;
      o["scheduled_exact"] = plan[i].scheduled_exact;
      o.update(measures_json(plan[i].measures, ea));
      out.push_back(std::move(o));
    }
    j["intervals"] = std::move(out);
    std::cout << j.dump(2) << "\n";
    return exit_ok;
  }
  if (a.format == "csv") {
    std::string out = "interval,arrivals,aht_s,model,patience_s,offered_load,agents_required,"
                      "scheduled_agents,service_level,asa_s,occupancy,p_abandon\n";
    auto fin = [](double v) { return std::isfinite(v) ? shortest(v) : std::string(); };
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const bool ea = !std::isinf(patience[i]);
      const auto& m = plan[i].measures;
      out += csv_quote(rows[i].interval) + "," + shortest(rows[i].f.arrivals) + "," +
             (rows[i].f.arrivals == 0 && rows[i].f.aht_s == 0 ? "" : shortest(rows[i].f.aht_s)) +
             "," + model_name(patience[i]) + "," +
             (ea ? shortest(patience[i]) : "") + "," + shortest(plan[i].offered_load) + "," +
             std::to_string(plan[i].agents) + "," + std::to_string(plan[i].scheduled_agents) +
             "," + fin(m.service_level) + "," + fin(m.asa) + "," + fin(m.occupancy) + "," +
             (ea ? fin(m.p_abandon) : "") + "\n";
    }
    std::cout << out;
    return exit_ok;
  }
  std::cout << "Interval plan from " << a.forecast << ": " << a.interval.value_or(30)
            << "-minute intervals, goal " << goal_text(a) << ", shrinkage " << percent(a.shrinkage)
            << "\n";
  std::vector<std::string> header{"interval", "arrivals", "aht_s", "model", "load", "required",
                                  "scheduled", "sl", "asa_s", "occupancy"};
  if (any_a) header.emplace_back("abandon");
  std::vector<std::vector<std::string>> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bool ea = !std::isinf(patience[i]);
    const auto& m = plan[i].measures;
    std::vector<std::string> row{rows[i].interval,
                                 shortest(rows[i].f.arrivals),
                                 rows[i].f.arrivals == 0 && rows[i].f.aht_s == 0
                                     ? "-"
                                     : seconds(rows[i].f.aht_s),
                                 ea ? "A(" + shortest(patience[i]) + "s)" : "C",
                                 fixed(plan[i].offered_load, 2),
                                 std::to_string(plan[i].agents),
                                 std::to_string(plan[i].scheduled_agents),
                                 percent(m.service_level),
                                 seconds(m.asa),
                                 percent(m.occupancy)};
    if (any_a) row.push_back(ea ? percent(m.p_abandon) : "-");
    out.push_back(std::move(row));
  }
  std::cout << text_table(header, out, 1);
  return exit_ok;
}

// ---------------------------------------------------------------------------------------------

int run_staff(const std::vector<std::string>& args) {
  StaffArgs a;
  std::vector<std::string> given; // flags seen, for mode checks
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& f = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(f + ": missing value");
      return args[++i];
    };
    auto positive = [](double v) { return v > 0; };
    if (f == "--help" || f == "-h") {
      std::cout << staff_help;
      return exit_ok;
    }
    for (const std::string& g : given)
      if (g == f) throw UsageError(f + ": given twice");
    if (f.rfind("--", 0) == 0) given.push_back(f);
    if (f == "--arrivals-per-hour")
      a.arrivals_per_hour = number_flag(f, value(), "a number > 0", positive);
    else if (f == "--arrivals")
      a.arrivals = number_flag(f, value(), "a number > 0", positive);
    else if (f == "--interval-min")
      a.interval_min = number_flag(f, value(), "minutes > 0", positive);
    else if (f == "--aht")
      a.aht = number_flag(f, value(), "seconds > 0", positive);
    else if (f == "--agents")
      a.agents = int_flag(f, value(), "a whole number of agents >= 0", 0,
                          std::numeric_limits<int>::max());
    else if (f == "--input")
      a.input = value();
    else if (f == "--forecast")
      a.forecast = value();
    else if (f == "--interval") {
      const std::string& v = value();
      if (v != "15" && v != "30" && v != "60")
        throw UsageError("--interval: expected 15, 30 or 60 (minutes), actual '" + v + "'");
      a.interval = v == "15" ? 15 : v == "30" ? 30 : 60;
    } else if (f == "--by") {
      const std::string& v = value();
      if (v != "queue")
        throw UsageError("--by: staffing plans group by queue only, actual '" + v + "'");
      a.by_queue = true;
    } else if (f == "--tz")
      a.tz = value();
    else if (f == "--erlang-a")
      a.erlang_a = true;
    else if (f == "--target-s")
      a.target_s = number_flag(f, value(), "seconds >= 0", [](double v) { return v >= 0; });
    else if (f == "--service-level")
      a.service_level = number_flag(f, value(), "a share in (0, 1) such as 0.8",
                                    [](double v) { return v > 0 && v < 1; });
    else if (f == "--max-occupancy")
      a.max_occupancy = number_flag(f, value(), "a share in (0, 1]",
                                    [](double v) { return v > 0 && v <= 1; });
    else if (f == "--patience")
      a.patience = number_flag(f, value(), "seconds > 0", positive);
    else if (f == "--shrinkage")
      a.shrinkage = number_flag(f, value(), "a share in [0, 1)",
                                [](double v) { return v >= 0 && v < 1; });
    else if (f == "--format") {
      a.format = value();
      if (a.format != "table" && a.format != "json" && a.format != "csv")
        throw UsageError("--format: expected table, json or csv, actual '" + a.format + "'");
    } else
      throw UsageError("staff: unknown argument '" + f + "' (see kpiscore staff --help)");
  }
  auto has = [&](std::string_view flag) {
    for (const std::string& g : given)
      if (g == flag) return true;
    return false;
  };
  const int modes = (a.arrivals_per_hour || a.arrivals ? 1 : 0) + (a.input.empty() ? 0 : 1) +
                    (a.forecast.empty() ? 0 : 1);
  if (modes == 0)
    throw UsageError("staff: give --arrivals-per-hour (or --arrivals with --interval-min), "
                     "--input or --forecast (see kpiscore staff --help)");
  if (modes > 1)
    throw UsageError("staff: --arrivals-per-hour/--arrivals, --input and --forecast are "
                     "alternatives; give one");
  if (!a.target_s) throw UsageError("staff: --target-s SECONDS is required");
  if (!a.service_level) throw UsageError("staff: --service-level SHARE is required");
  auto only = [&](std::string_view flag, std::string_view mode) {
    if (has(flag))
      throw UsageError(std::string(flag) + ": applies to " + std::string(mode) + " only");
  };

  if (a.arrivals_per_hour || a.arrivals) {
    if (a.arrivals_per_hour && a.arrivals)
      throw UsageError("staff: --arrivals-per-hour and --arrivals cannot be combined");
    if (a.arrivals && !a.interval_min)
      throw UsageError("staff: --arrivals needs --interval-min MINUTES");
    if (a.arrivals_per_hour && a.interval_min)
      throw UsageError("staff: --interval-min goes with --arrivals, not --arrivals-per-hour");
    if (!a.aht) throw UsageError("staff: --aht SECONDS is required");
    for (auto flag : {"--interval", "--by", "--tz", "--erlang-a"})
      only(flag, "--input or --forecast");
    if (a.format == "csv")
      throw UsageError("--format: csv is for interval plans; use table or json");
    return run_question(a);
  }
  for (auto flag : {"--aht", "--agents", "--interval-min"})
    only(flag, "a single question (--arrivals-per-hour or --arrivals)");
  if (!a.input.empty()) {
    if (a.patience)
      throw UsageError("--patience: with --input, patience is estimated from the records "
                       "(use --erlang-a)");
    return run_contacts(a);
  }
  for (auto flag : {"--by", "--tz", "--erlang-a"}) only(flag, "--input");
  return run_forecast(a);
}

} // namespace
