// Python bindings of kpiscore/sampling.hpp: the submodule kpiscore._core.sample.
// Thin by design: the plan is validated, the sample drawn and every output written by the C++
// library (the same writers as `kpiscore sample`); kpiscore/sampling.py turns them into Python
// objects. PlanError is a ValueError whose text starts "plan /json/path: ".

#include "bindings.hpp"
#include "py_table.hpp"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "kpiscore/io/csv_reader.hpp"
#include "kpiscore/sampling.hpp"
#include "kpiscore/table/time_zone.hpp"

namespace py = pybind11;
namespace ks = kpiscore::sampling;

namespace {

ks::SamplePlan parse_plan(const std::string& plan_json, const std::string& tz) {
  ks::SamplePlan plan = ks::SamplePlan::from_json_text(plan_json);
  if (!tz.empty()) plan.options.timezone = kpiscore::TimeZone::locate(tz).name();
  return plan;
}

/// Draws a sample from a table; every output as the CLI writes it.
py::dict draw(const kpiscore::ContactTable& table, const ks::SamplePlan& plan) {
  ks::Sample sample;
  {
    py::gil_scoped_release release;
    sample = ks::draw_sample(table, plan);
  }
  py::dict out;
  out["json"] = ks::sample_to_json(sample, table, plan, true);
  out["csv"] = ks::sample_to_csv(sample, table, plan);
  out["report_text"] = ks::report_to_text(sample, plan);
  out["report_csv"] = ks::report_to_csv(sample, plan);
  out["plan"] = plan.to_json().dump();
  return out;
}

/// Reads a contacts CSV in the plan's time zone (or `tz`) and draws the plan's sample.
py::dict draw_csv(const std::string& path, const std::string& plan_json, const std::string& tz) {
  const ks::SamplePlan plan = parse_plan(plan_json, tz);
  kpiscore::ReadResult read;
  {
    py::gil_scoped_release release;
    read = kpiscore::read_contacts_csv_file(path, plan.options);
  }
  py::dict out = draw(read.table, plan);
  py::list rejects;
  for (const auto& r : read.rejects)
    rejects.append(py::make_tuple(r.line, r.field, r.reason));
  py::dict summary;
  summary["rows_read"] = read.rows_read;
  summary["accepted"] = read.accepted();
  summary["rejected"] = read.rejects.size();
  summary["rejects"] = rejects;
  out["summary"] = summary;
  return out;
}

/// Draws the plan's sample from contacts already read (kpiscore.Contacts: DataFrames, arrays).
py::dict draw_table(const std::shared_ptr<kpiscore::python::PyTable>& contacts, const std::string& plan_json,
                    const std::string& tz) {
  const ks::SamplePlan plan = parse_plan(plan_json, tz);
  py::dict out = draw(contacts->read.table, plan);
  py::list rejects;
  for (const auto& r : contacts->read.rejects) rejects.append(py::make_tuple(r.line, r.field, r.reason));
  py::dict summary;
  summary["rows_read"] = contacts->read.rows_read;
  summary["accepted"] = contacts->read.accepted();
  summary["rejected"] = contacts->read.rejects.size();
  summary["rejects"] = rejects;
  out["summary"] = summary;
  return out;
}

void register_sample(py::module_& m) {
  py::module_ s = m.def_submodule("sample", "QA sampling (private; see kpiscore.sampling)");
  py::register_exception<ks::PlanError>(s, "PlanError", PyExc_ValueError);
  s.def(
      "draw_csv", &draw_csv, py::arg("path"), py::arg("plan_json"), py::arg("tz"),
      "Reads a contacts CSV and draws the plan's sample (outputs as kpiscore sample writes them).");
  s.def("draw_table", &draw_table, py::arg("contacts"), py::arg("plan_json"), py::arg("tz"),
        "Draws the plan's sample from a contact table read by kpiscore.read.");
  s.def(
      "check_plan",
      [](const std::string& plan_json) -> std::string {
        return ks::SamplePlan::from_json_text(plan_json).to_json().dump();
      },
      py::arg("plan_json"), "Validates a plan; returns the normalized plan as JSON.");
  s.def("contact_uniform", &ks::contact_uniform, py::arg("contact_id"), py::arg("seed"),
        "The contact's uniform number in [0, 1) (docs/sampling.md).");
}

const kpiscore::python::BindingsRegistration registration{50, &register_sample};

} // namespace
