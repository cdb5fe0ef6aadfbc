// Python bindings of kpiscore/staffing.hpp: the submodule kpiscore._core.staffing.
// Thin by design: every computation and every error message comes from the C++ headers
// (std::invalid_argument surfaces as ValueError).

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kpiscore/staffing.hpp"

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

} // namespace

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

  s.def("gross_up", &ks::gross_up, py::arg("net_agents"), py::arg("shrinkage"),
        "Scheduled agents for net_agents on the queue: net / (1 - shrinkage), unrounded.");
  s.def("scheduled_agents", &ks::scheduled_agents, py::arg("net_agents"), py::arg("shrinkage"),
        "Whole scheduled agents: the gross-up rounded up.");
}
