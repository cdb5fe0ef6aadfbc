// Python bindings of kpiscore/sampling.hpp: the submodule kpiscore._core.sample.
// Thin by design: the plan is validated, the sample drawn and every output written by the C++
// library (the same writers as `kpiscore sample`); kpiscore/sampling.py turns them into Python
// objects. PlanError is a ValueError whose text starts "plan /json/path: ".
//
// A draw returns a Drawn object: the selected contacts as columns (numpy arrays built here in one
// pass), and the text outputs (JSON, CSV, report text and CSV) written only when first asked for.
// Writing every output eagerly cost more than the draw itself on large inputs (issue 8).

#include "bindings.hpp"
#include "py_table.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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

/// A drawn sample, independent of the input table: the writers read only the contact ids of the
/// selected rows (sample_to_csv, sample_to_json), so those are copied into a table of their own
/// and each contact's `row` points into it. Holding the whole input alive for lazy outputs
/// would keep every column of a large table in memory for as long as the result lives.
class Drawn {
public:
  Drawn(const kpiscore::ContactTable& table, ks::Sample sample, ks::SamplePlan plan)
      : sample_(std::move(sample)), plan_(std::move(plan)) {
    const std::size_t n = sample_.contacts.size();
    std::size_t bytes = 0;
    for (const auto& c : sample_.contacts)
      bytes += table.contact_id[c.row].size();
    ids_.contact_id.reserve(n, bytes);
    rows_.reserve(n);
    for (std::size_t j = 0; j < n; ++j) {
      auto& c = sample_.contacts[j];
      rows_.push_back(static_cast<std::int64_t>(c.row));
      ids_.contact_id.push_back(table.contact_id[c.row]);
      c.row = j;
    }
  }

  std::size_t size() const { return sample_.contacts.size(); }
  const ks::Sample& sample() const { return sample_; }
  const ks::SamplePlan& plan() const { return plan_; }
  const std::vector<std::int64_t>& rows() const { return rows_; }

  std::string json(bool with_report) const {
    return ks::sample_to_json(sample_, ids_, plan_, with_report);
  }
  std::string csv() const { return ks::sample_to_csv(sample_, ids_, plan_); }
  std::string report_json() const { return ks::report_to_json(sample_, plan_); }
  std::string report_text() const { return ks::report_to_text(sample_, plan_); }
  std::string report_csv() const { return ks::report_to_csv(sample_, plan_); }

  /// The selected contacts as numpy columns, as SampleResult.to_pandas() shows them: text as
  /// object arrays of str (None for a null key, risk or evaluator, as the JSON writes them).
  py::dict columns() const {
    const auto& cs = sample_.contacts;
    const std::size_t n = cs.size();
    py::dict out;
    auto objects = [n]() {
      return py::array(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(n)});
    };
    auto put = [](py::array& a, std::size_t j, PyObject* o) {
      static_cast<PyObject**>(a.mutable_data())[j] = o; // steals the reference
    };
    auto str = [](std::string_view s) {
      PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<py::ssize_t>(s.size()), "strict");
      if (!o) throw py::error_already_set();
      return o;
    };
    auto none = []() {
      Py_INCREF(Py_None);
      return Py_None;
    };

    py::array ids = objects();
    for (std::size_t j = 0; j < n; ++j)
      put(ids, j, str(ids_.contact_id[cs[j].row]));
    out["contact_id"] = ids;

    // Each stratum's label made once, shared by its contacts ("" is a null key).
    const auto& strata = sample_.report.strata;
    for (std::size_t k = 0; k < sample_.strata_by.size(); ++k) {
      std::vector<py::object> labels(strata.size());
      py::array col = objects();
      for (std::size_t j = 0; j < n; ++j) {
        const std::uint32_t h = cs[j].stratum;
        if (!labels[h]) {
          const std::string& v = strata[h].key[k];
          labels[h] = v.empty() ? py::none() : py::reinterpret_steal<py::object>(str(v));
        }
        put(col, j, labels[h].inc_ref().ptr());
      }
      out[py::str(sample_.strata_by[k])] = col;
    }

    py::array_t<double> pi(static_cast<py::ssize_t>(n)), w(static_cast<py::ssize_t>(n));
    auto* pp = pi.mutable_data();
    auto* pw = w.mutable_data();
    for (std::size_t j = 0; j < n; ++j) {
      pp[j] = cs[j].inclusion_probability;
      pw[j] = cs[j].design_weight;
    }
    out["inclusion_probability"] = pi;
    out["design_weight"] = w;

    // Names of risk rules and evaluators: one str each, shared.
    auto named = [&](const auto& items, auto index_of) {
      std::vector<py::object> names;
      for (const auto& e : items)
        names.push_back(py::reinterpret_steal<py::object>(str(e.name)));
      py::array col = objects();
      for (std::size_t j = 0; j < n; ++j) {
        const int i = index_of(cs[j]);
        put(col, j, i < 0 ? none() : names[static_cast<std::size_t>(i)].inc_ref().ptr());
      }
      return col;
    };
    if (!plan_.risk.empty()) {
      py::array_t<double> size(static_cast<py::ssize_t>(n));
      auto* ps = size.mutable_data();
      for (std::size_t j = 0; j < n; ++j)
        ps[j] = cs[j].size_measure;
      out["size_measure"] = size;
      out["risk"] = named(plan_.risk, [](const ks::SampledContact& c) { return c.risk_rule; });
    }
    if (!plan_.evaluators.empty()) {
      py::array day = objects();
      py::object last;
      std::string_view last_day;
      for (std::size_t j = 0; j < n; ++j) {
        if (!last || cs[j].day != last_day) {
          last = py::reinterpret_steal<py::object>(str(cs[j].day));
          last_day = cs[j].day;
        }
        put(day, j, last.inc_ref().ptr());
      }
      out["day"] = day;
      out["evaluator"] =
          named(plan_.evaluators, [](const ks::SampledContact& c) { return c.evaluator; });
    }
    return out;
  }

private:
  ks::Sample sample_;
  ks::SamplePlan plan_;
  kpiscore::ContactTable ids_;     ///< contact_id of the selected contacts, in sample order
  std::vector<std::int64_t> rows_; ///< each selected contact's row in the input
};

template <class T> py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

/// Draws a sample from a table; the outputs are written when first asked for.
py::dict draw(const kpiscore::ContactTable& table, ks::SamplePlan plan) {
  std::shared_ptr<Drawn> drawn;
  {
    py::gil_scoped_release release;
    ks::Sample sample = ks::draw_sample(table, plan);
    drawn = std::make_shared<Drawn>(table, std::move(sample), std::move(plan));
  }
  py::dict out;
  out["drawn"] = drawn;
  out["plan"] = drawn->plan().to_json().dump();
  return out;
}

/// Reads a contacts CSV in the plan's time zone (or `tz`) and draws the plan's sample.
py::dict draw_csv(const std::string& path, const std::string& plan_json, const std::string& tz) {
  ks::SamplePlan plan = parse_plan(plan_json, tz);
  kpiscore::ReadResult read;
  {
    py::gil_scoped_release release;
    read = kpiscore::read_contacts_csv_file(path, plan.options);
  }
  py::dict out = draw(read.table, std::move(plan));
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
py::dict draw_table(const std::shared_ptr<kpiscore::python::PyTable>& contacts,
                    const std::string& plan_json, const std::string& tz) {
  py::dict out = draw(contacts->read.table, parse_plan(plan_json, tz));
  py::list rejects;
  for (const auto& r : contacts->read.rejects)
    rejects.append(py::make_tuple(r.line, r.field, r.reason));
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
  py::class_<Drawn, std::shared_ptr<Drawn>>(s, "Drawn",
                                            "A drawn sample (private; see kpiscore.SampleResult)")
      .def("__len__", &Drawn::size)
      .def_property_readonly("population",
                             [](const Drawn& d) { return d.sample().report.population; })
      .def_property_readonly("order_dependent",
                             [](const Drawn& d) { return !ks::is_hash_based(d.plan().design); })
      .def_property_readonly(
          "rows", [](const Drawn& d) { return to_numpy(d.rows()); },
          "Each selected contact's row in the input (0-based), in sample order.")
      .def("columns", &Drawn::columns,
           "The selected contacts as numpy columns (SampleResult.to_pandas()).")
      .def("json", &Drawn::json, py::arg("with_report"),
           "The sample as kpiscore sample --format json writes it.",
           py::call_guard<py::gil_scoped_release>())
      .def("csv", &Drawn::csv, "The sample as kpiscore sample writes it (CSV).",
           py::call_guard<py::gil_scoped_release>())
      .def("report_json", &Drawn::report_json, "The report as JSON.",
           py::call_guard<py::gil_scoped_release>())
      .def("report_text", &Drawn::report_text, "The report as a text table.",
           py::call_guard<py::gil_scoped_release>())
      .def("report_csv", &Drawn::report_csv, "The report's strata as CSV.",
           py::call_guard<py::gil_scoped_release>());
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
