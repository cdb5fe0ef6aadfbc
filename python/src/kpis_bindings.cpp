// Contact KPIs from a CSV file: the same calls as `kpiscore kpis` (src/cli/main.cpp).
#include "bindings.hpp"

#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/report.hpp>
#include <kpiscore/metrics/contact_kpis.hpp>
#include <kpiscore/metrics/kpi_options.hpp>

#include <pybind11/stl.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace py = pybind11;

namespace {

std::string_view kind_name(kpiscore::KpiKind kind) {
  using kpiscore::KpiKind;
  switch (kind) {
  case KpiKind::count:
    return "count";
  case KpiKind::ratio:
    return "ratio";
  case KpiKind::mean_seconds:
    return "mean_seconds";
  case KpiKind::mean:
    return "mean";
  case KpiKind::nps:
    return "nps";
  case KpiKind::quantile_seconds:
    return "quantile_seconds";
  }
  return "unknown";
}

std::string render(const kpiscore::KpiTable& table, const std::string& format) {
  // Byte-identical to the CLI's standard output for the same format.
  if (format == "json") return kpiscore::to_json(table).dump(2) + "\n";
  if (format == "csv") return kpiscore::to_csv(table);
  return kpiscore::to_text(table);
}

py::tuple kpis_csv(const std::string& path, const std::vector<std::string>& by,
                   const std::string& options_json, const std::string& format) {
  if (format != "json" && format != "csv" && format != "table")
    throw std::invalid_argument("format: expected json, csv or table, actual '" + format + "'");
  kpiscore::ReadResult read;
  kpiscore::KpiTable table;
  std::string text;
  {
    py::gil_scoped_release release;
    const auto options = kpiscore::KpiOptions::from_json_text(options_json);
    read = kpiscore::read_contacts_csv_file(path, options);
    table = kpiscore::finalize(kpiscore::aggregate(read.table, by, options));
    text = render(table, format);
  }
  py::list rejects;
  for (const auto& r : read.rejects)
    rejects.append(py::make_tuple(r.line, r.field, r.reason));
  py::list kpis;
  for (const auto& d : table.kpis)
    kpis.append(py::make_tuple(std::string(d.name), std::string(kind_name(d.kind))));
  py::dict summary;
  summary["rows_read"] = read.rows_read;
  summary["accepted"] = read.accepted();
  summary["rejected"] = read.rejects.size();
  summary["blank_lines"] = read.blank_lines;
  summary["rejects"] = std::move(rejects);
  summary["key_names"] = table.key_names;
  summary["kpis"] = std::move(kpis);
  return py::make_tuple(std::move(text), std::move(summary));
}

} // namespace

namespace {

void register_kpis(py::module_& m) {
  m.def("kpis_csv", &kpis_csv, py::arg("path"), py::arg("by"), py::arg("options_json"),
        py::arg("format") = "json",
        R"doc(Contact KPIs per group from a contacts CSV file, as `kpiscore kpis` computes them.

Returns (text, summary): `text` is exactly what the CLI prints for `format` (json, csv or table);
`summary` holds rows_read, accepted, rejected, blank_lines, rejects [(line, field, reason)],
key_names and kpis [(name, kind)]. Bad options or group keys raise ValueError; an unreadable
file or unusable header raises InputError (an OSError).)doc");
  m.def("parse_group_by", &kpiscore::parse_group_by, py::arg("text"),
        "Splits 'agent_id,month' into group key names, like the CLI's --by.");
  m.def(
      "default_options_json", [] { return kpiscore::KpiOptions{}.to_json().dump(); },
      "The normalized default options document (every option explicit) as JSON text.");
  m.def(
      "normalize_options_json",
      [](const std::string& text) {
        return kpiscore::KpiOptions::from_json_text(text).to_json().dump();
      },
      py::arg("options_json"),
      "Parses and validates an options document; returns it normalized (defaults filled in).");
}

const kpiscore::python::BindingsRegistration registration{10, &register_kpis};

} // namespace
