// Python bindings of kpiscore/staffing.hpp: the submodule kpiscore._core.staffing.
// Thin by design: every computation and every error message comes from the C++ headers
// (std::invalid_argument surfaces as ValueError).

#include "bindings.hpp"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kpiscore/io/csv_reader.hpp"
#include "kpiscore/staffing.hpp"
#include "kpiscore/table/time_zone.hpp"

namespace py = pybind11;
namespace ks = kpiscore::staffing;

namespace {

std::string repr_fields(const char* name,
                        std::initializer_list<std::pair<const char*, py::object>> fields) {
  std::string out = name;
  out += '(';
  bool first = true;
  for (const auto& [key, value] : fields) {
    if (!first) out += ", ";
    first = false;
    out += key;
    out += '=';
    out += py::repr(value).cast<std::string>();
  }
  out += ')';
  return out;
}

ks::sl_basis parse_basis(const std::string& basis) {
  if (basis == "offered") return ks::sl_basis::offered;
  if (basis == "answered") return ks::sl_basis::answered;
  if (basis == "excluding_early_abandons") return ks::sl_basis::excluding_early_abandons;
  throw std::invalid_argument(
      "agents_required_a: basis must be 'offered', 'answered' or 'excluding_early_abandons', "
      "got '" +
      basis + "'");
}

constexpr double inf = std::numeric_limits<double>::infinity();

template <class T> py::object opt(const std::optional<T>& v) {
  return v ? py::cast(*v) : py::none();
}

py::dict measures_dict(const ks::interval_measures& m) {
  py::dict d;
  d["stable"] = m.stable;
  d["service_level"] = m.service_level;
  d["asa_s"] = m.asa;
  d["occupancy"] = m.occupancy;
  d["p_wait"] = m.p_wait;
  d["p_abandon"] = m.p_abandon;
  return d;
}

/// The interval plan of a contacts CSV as plain Python data (kpiscore.staffing wraps it).
py::dict plan_from_contacts_csv(const std::string& path, double target_s, double service_level,
                                int interval_minutes, bool by_queue, double max_occupancy,
                                double shrinkage, bool erlang_a, const std::string& tz,
                                int threads) {
  ks::contacts_forecast_options fo;
  fo.interval_minutes = interval_minutes;
  fo.by_queue = by_queue;
  fo.target_s = target_s;
  fo.threads = threads;
  kpiscore::KpiOptions read_options;
  if (!tz.empty()) {
    try {
      read_options.timezone = kpiscore::TimeZone::locate(tz).name();
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("plan_from_contacts: ") + e.what());
    }
  }
  fo.timezone = read_options.timezone;
  ks::plan_params p;
  p.goal.target_s = target_s;
  p.goal.service_level = service_level;
  p.goal.max_occupancy = max_occupancy;
  p.shrinkage = shrinkage;
  // Check the goal before reading the file, so a bad argument is reported as such.
  {
    ks::plan_params check = p;
    check.interval_s = 60.0 * (interval_minutes > 0 ? interval_minutes : 1);
    ks::detail::validate_plan("plan_from_contacts", check);
  }
  kpiscore::ReadResult read;
  ks::contacts_forecast forecast;
  std::vector<ks::contact_plan_row> plan;
  {
    py::gil_scoped_release release;
    read = kpiscore::read_contacts_csv_file(path, read_options);
    forecast = ks::forecast_from_contacts(read.table, fo);
    plan = ks::plan_from_contacts(forecast, p, erlang_a);
  }
  py::list rows;
  for (const ks::contact_plan_row& r : plan) {
    const ks::measured_interval& m = r.measured;
    py::dict d;
    d["queue"] = opt(m.queue);
    d["interval"] = m.interval;
    d["arrivals"] = m.arrivals;
    d["answered"] = m.answered;
    d["abandoned"] = m.abandoned;
    d["aht_s"] = m.aht_s;
    d["aht_from_queue"] = m.aht_from_queue;
    d["offered_load"] = r.plan.offered_load;
    d["measured_service_level"] = opt(m.service_level);
    d["measured_asa_s"] = opt(m.asa_s);
    d["agents_seen"] = opt(m.agents_seen);
    d["model"] = r.erlang_a ? "erlang_a" : "erlang_c";
    d["patience_s"] = r.erlang_a ? py::cast(r.patience_s) : py::none();
    d["agents_required"] = r.plan.agents;
    d["scheduled_agents"] = r.plan.scheduled_agents;
    d["scheduled_exact"] = r.plan.scheduled_exact;
    d["at_required"] = measures_dict(r.plan.measures);
    d["at_seen"] = r.at_seen ? py::object(measures_dict(*r.at_seen)) : py::none();
    d["shortfall"] = opt(r.shortfall);
    rows.append(std::move(d));
  }
  py::list queues;
  for (const ks::queue_summary& s : forecast.queues) {
    py::dict d;
    d["queue"] = opt(s.queue);
    d["arrivals"] = s.arrivals;
    d["aht_s"] = opt(s.aht_s);
    d["abandoned"] = s.waits.abandoned();
    d["answered"] = s.waits.answered();
    d["wait_exposure_s"] = static_cast<double>(s.waits.exposure_ms()) / 1000.0;
    d["patience"] = opt(s.patience);
    d["patience_note"] = s.patience_note;
    queues.append(std::move(d));
  }
  py::dict out;
  out["interval_minutes"] = forecast.interval_minutes;
  out["timezone"] = fo.timezone;
  out["rows"] = rows;
  out["queues"] = queues;
  out["inbound"] = forecast.inbound;
  out["outbound_skipped"] = forecast.outbound_skipped;
  out["rows_read"] = read.rows_read;
  out["accepted"] = read.accepted();
  out["rejected"] = read.rejects.size();
  return out;
}

} // namespace

namespace {

void register_staffing(py::module_& m) {
  py::module_ s = m.def_submodule(
      "staffing", "Seat planning: Erlang C and Erlang A staffing, patience estimation.");

  py::class_<ks::erlang_c_result>(s, "ErlangCResult",
                                  "Erlang C (M/M/n) measures; times in seconds.")
      .def_readonly("offered_load", &ks::erlang_c_result::offered_load)
      .def_readonly("agents", &ks::erlang_c_result::agents)
      .def_readonly("p_wait", &ks::erlang_c_result::p_wait)
      .def_readonly("service_level", &ks::erlang_c_result::service_level)
      .def_readonly("asa", &ks::erlang_c_result::asa)
      .def_readonly("occupancy", &ks::erlang_c_result::occupancy)
      .def("__repr__", [](const ks::erlang_c_result& r) {
        return repr_fields("ErlangCResult", {{"offered_load", py::float_(r.offered_load)},
                                             {"agents", py::int_(r.agents)},
                                             {"p_wait", py::float_(r.p_wait)},
                                             {"service_level", py::float_(r.service_level)},
                                             {"asa", py::float_(r.asa)},
                                             {"occupancy", py::float_(r.occupancy)}});
      });

  py::class_<ks::erlang_a_result>(s, "ErlangAResult",
                                  "Erlang A (M/M/n+M) measures; times in seconds, shares of "
                                  "offered contacts unless the name says otherwise.")
      .def_readonly("offered_load", &ks::erlang_a_result::offered_load)
      .def_readonly("agents", &ks::erlang_a_result::agents)
      .def_readonly("p_wait", &ks::erlang_a_result::p_wait)
      .def_readonly("service_level", &ks::erlang_a_result::service_level)
      .def_readonly("asa", &ks::erlang_a_result::asa)
      .def_readonly("occupancy", &ks::erlang_a_result::occupancy)
      .def_readonly("p_abandon", &ks::erlang_a_result::p_abandon)
      .def_readonly("service_level_of_answered", &ks::erlang_a_result::service_level_of_answered)
      .def_readonly("service_level_excluding_early_abandons",
                    &ks::erlang_a_result::service_level_excluding_early_abandons)
      .def_readonly("p_abandon_within_target", &ks::erlang_a_result::p_abandon_within_target)
      .def_readonly("mean_wait", &ks::erlang_a_result::mean_wait)
      .def("__repr__", [](const ks::erlang_a_result& r) {
        return repr_fields("ErlangAResult",
                           {{"offered_load", py::float_(r.offered_load)},
                            {"agents", py::int_(r.agents)},
                            {"p_wait", py::float_(r.p_wait)},
                            {"service_level", py::float_(r.service_level)},
                            {"asa", py::float_(r.asa)},
                            {"occupancy", py::float_(r.occupancy)},
                            {"p_abandon", py::float_(r.p_abandon)},
                            {"service_level_of_answered", py::float_(r.service_level_of_answered)},
                            {"service_level_excluding_early_abandons",
                             py::float_(r.service_level_excluding_early_abandons)},
                            {"p_abandon_within_target", py::float_(r.p_abandon_within_target)},
                            {"mean_wait", py::float_(r.mean_wait)}});
      });

  py::class_<ks::patience_estimate>(s, "PatienceEstimate",
                                    "Exponential-patience maximum-likelihood estimate.")
      .def_readonly("rate_per_s", &ks::patience_estimate::rate_per_s)
      .def_readonly("mean_s", &ks::patience_estimate::mean_s)
      .def_readonly("mean_std_error_s", &ks::patience_estimate::mean_std_error_s)
      .def_readonly("abandoned", &ks::patience_estimate::abandoned)
      .def_readonly("answered", &ks::patience_estimate::answered)
      .def_readonly("exposure_s", &ks::patience_estimate::exposure_s)
      .def("__repr__", [](const ks::patience_estimate& e) {
        return repr_fields("PatienceEstimate",
                           {{"mean_s", py::float_(e.mean_s)},
                            {"rate_per_s", py::float_(e.rate_per_s)},
                            {"mean_std_error_s", py::float_(e.mean_std_error_s)},
                            {"abandoned", py::int_(e.abandoned)},
                            {"answered", py::int_(e.answered)},
                            {"exposure_s", py::float_(e.exposure_s)}});
      });

  s.def("erlang_c", &ks::erlang_c, py::arg("arrival_rate"), py::arg("aht_s"), py::arg("agents"),
        py::arg("target_s"),
        "Erlang C measures for `agents` agents; arrival_rate in contacts per second. Raises "
        "ValueError for an unstable queue (arrival_rate * aht_s >= agents) or bad input.");

  s.def(
      "agents_required",
      [](double arrival_rate, double aht_s, double target_s, double service_level,
         double max_occupancy, double max_asa_s) {
        ks::staffing_goal g;
        g.target_s = target_s;
        g.service_level = service_level;
        g.max_occupancy = max_occupancy;
        g.max_asa_s = max_asa_s;
        return ks::agents_required(arrival_rate, aht_s, g);
      },
      py::arg("arrival_rate"), py::arg("aht_s"), py::arg("target_s"), py::arg("service_level"),
      py::arg("max_occupancy") = 1.0, py::kw_only(), py::arg("max_asa_s") = inf,
      "Smallest number of agents meeting the service level, occupancy and ASA limits "
      "(Erlang C).");

  s.def("erlang_a", &ks::erlang_a, py::arg("arrival_rate"), py::arg("aht_s"), py::arg("agents"),
        py::arg("target_s"), py::arg("patience_s"),
        "Erlang A (exponential patience) measures for `agents` agents; any load is allowed.");

  s.def(
      "agents_required_a",
      [](double arrival_rate, double aht_s, double target_s, double service_level,
         double patience_s, double max_occupancy, double max_asa_s, double max_abandon,
         const std::string& basis) {
        ks::staffing_goal g;
        g.target_s = target_s;
        g.service_level = service_level;
        g.max_occupancy = max_occupancy;
        g.max_asa_s = max_asa_s;
        g.max_abandon = max_abandon;
        g.basis = parse_basis(basis);
        return ks::agents_required_a(arrival_rate, aht_s, patience_s, g);
      },
      py::arg("arrival_rate"), py::arg("aht_s"), py::arg("target_s"), py::arg("service_level"),
      py::arg("patience_s"), py::arg("max_occupancy") = 1.0, py::kw_only(),
      py::arg("max_asa_s") = inf, py::arg("max_abandon") = 1.0, py::arg("basis") = "offered",
      "Smallest number of agents meeting the goal under Erlang A. basis: 'offered' (answered "
      "within target / offered), 'answered' or 'excluding_early_abandons'.");

  s.def(
      "estimate_patience",
      [](const std::vector<double>& abandon_times_s, const std::vector<double>& answered_waits_s) {
        return ks::estimate_patience(abandon_times_s, answered_waits_s);
      },
      py::arg("abandon_times_s"), py::arg("answered_waits_s"),
      "Exponential-patience MLE: abandoned / (sum of times to abandon + sum of answered waits).");

  s.def("plan_from_contacts", &plan_from_contacts_csv, py::arg("path"), py::arg("target_s"),
        py::arg("service_level"), py::arg("interval_minutes") = 30, py::arg("by_queue") = false,
        py::arg("max_occupancy") = 1.0, py::arg("shrinkage") = 0.0,
        py::arg("erlang_a") = false, py::arg("tz") = "", py::arg("threads") = 0,
        "Interval plan from a contacts CSV (staffing/from_contacts.hpp) as plain data: "
        "{'rows': [...], 'queues': [...], ...}. Use kpiscore.staffing.plan_from_contacts.");

  s.def("gross_up", &ks::gross_up, py::arg("net_agents"), py::arg("shrinkage"),
        "Scheduled agents for net_agents on the queue: net / (1 - shrinkage), unrounded.");
  s.def("scheduled_agents", &ks::scheduled_agents, py::arg("net_agents"), py::arg("shrinkage"),
        "Whole scheduled agents: the gross-up rounded up.");
}

const kpiscore::python::BindingsRegistration registration{50, &register_staffing};

} // namespace
