// Contact tables, KPI states and KPI tables: the objects behind kpiscore.kpis / kpiscore.aggregate.
// The pipeline is the CLI's (src/cli/main.cpp): read (CSV, mapped export or arrays) → collapse
// legs when the options ask → aggregate → finalize. Nothing here computes a KPI.
#include "bindings.hpp"
#include "py_table.hpp"

#include <kpiscore/dsl/custom_kpi.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/engine/kpi_intervals.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/array_input.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/mapping.hpp>
#include <kpiscore/io/report.hpp>
#include <kpiscore/metrics/contact_kpis.hpp>
#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/table/legs.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace py = pybind11;
using namespace kpiscore;

namespace {

std::string_view kind_name(KpiKind kind) {
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

using kpiscore::python::PyTable;

py::dict summary_of(const PyTable& t) {
  py::list rejects;
  for (const auto& r : t.read.rejects)
    rejects.append(py::make_tuple(r.line, r.field, r.reason));
  py::dict s;
  s["rows_read"] = t.read.rows_read;
  s["accepted"] = t.read.accepted();
  s["rejected"] = t.read.rejects.size();
  s["blank_lines"] = t.read.blank_lines;
  s["encoding"] = t.read.encoding;
  s["rejects"] = std::move(rejects);
  if (t.legs_collapsed) {
    py::dict legs;
    legs["rows_in"] = t.legs.rows_in;
    legs["contacts"] = t.legs.contacts;
    legs["multi_leg_contacts"] = t.legs.multi_leg_contacts;
    legs["duplicate_rows"] = t.legs.duplicate_rows;
    s["legs"] = std::move(legs);
  }
  return s;
}

// Applies the options' leg collapsing, as the CLI does right after reading.
std::shared_ptr<PyTable> finish_table(ReadResult read, const KpiOptions& options) {
  auto t = std::make_shared<PyTable>();
  t->read = std::move(read);
  if (options.legs.collapse) {
    t->read.table = collapse_legs(t->read.table, options.legs, &t->legs);
    t->legs_collapsed = true;
  }
  return t;
}

std::shared_ptr<PyTable> read_csv(const std::string& path, const std::string& options_json,
                                  const std::optional<std::string>& mapping_json) {
  py::gil_scoped_release release;
  const auto options = KpiOptions::from_json_text(options_json);
  if (mapping_json) {
    const auto mapping = Mapping::from_json_text(*mapping_json);
    return finish_table(read_contacts_csv_file(path, options, mapping), options);
  }
  return finish_table(read_contacts_csv_file(path, options), options);
}

// ---- arrays ------------------------------------------------------------------------------------
// The façade (kpiscore/_input.py) normalizes every input kind to tagged tuples:
//   ("num", values ndarray, mask ndarray|None)              numbers, flags, scores
//   ("dur", values ndarray, mask|None, "s"|"ms")            durations
// where a mask is a bool validity array (True = value) or ("null", bool array) (True = null).
//   ("time", values ndarray, mask|None, unit, is_local)     arrived_at as numbers
//   ("dict", codes ndarray, [str...], mask|None)            dictionary-encoded text
//   ("str", offsets int64 ndarray, bytes ndarray uint8, mask|None)   plain text

template <class T> std::span<const T> span_of(const py::array& a) {
  return {static_cast<const T*>(a.data()), static_cast<std::size_t>(a.size())};
}

void require_1d(const py::array& a, const std::string& name) {
  if (a.ndim() != 1) throw std::invalid_argument("column " + name + ": expected a 1-d array");
  if (!(a.flags() & py::array::c_style))
    throw std::invalid_argument("column " + name + ": expected a contiguous array");
}

std::span<const std::uint8_t> mask_of(const py::handle& h, const std::string& name) {
  if (h.is_none()) return {};
  auto a = py::reinterpret_borrow<py::array>(h);
  require_1d(a, name);
  if (a.itemsize() != 1 || a.dtype().kind() != 'b')
    throw std::invalid_argument("column " + name + ": validity mask must be bool");
  return span_of<std::uint8_t>(a);
}

/// `mask`: None, a bool validity array (True = value), or ("null", bool array) for a null mask
/// (True = null: pandas' `_mask`, passed as it is instead of inverted into a copy).
NumericArray numeric_of(const py::array& a, const py::handle& mask, const std::string& name) {
  require_1d(a, name);
  NumericArray out;
  if (py::isinstance<py::tuple>(mask)) {
    auto t = py::reinterpret_borrow<py::tuple>(mask);
    if (py::len(t) != 2 || t[0].cast<std::string>() != "null")
      throw std::invalid_argument("column " + name + ": a mask tuple must be (\"null\", array)");
    out.valid = mask_of(t[1], name);
    out.valid_marks_nulls = true;
  } else {
    out.valid = mask_of(mask, name);
  }
  const char kind = a.dtype().kind();
  const auto size = a.itemsize();
  if (kind == 'f' && size == 8)
    out.values = span_of<double>(a);
  else if (kind == 'f' && size == 4)
    out.values = span_of<float>(a);
  else if ((kind == 'i') && size == 8)
    out.values = span_of<std::int64_t>(a);
  else if ((kind == 'i') && size == 4)
    out.values = span_of<std::int32_t>(a);
  else if ((kind == 'i') && size == 2)
    out.values = span_of<std::int16_t>(a);
  else if ((kind == 'i') && size == 1)
    out.values = span_of<std::int8_t>(a);
  else if ((kind == 'u' || kind == 'b') && size == 1)
    out.values = span_of<std::uint8_t>(a);
  else
    throw std::invalid_argument("column " + name + ": unsupported dtype " +
                                py::str(a.dtype()).cast<std::string>() +
                                " (expected numbers or bool)");
  return out;
}

DictionaryArray dictionary_of(const py::array& codes, const py::list& dictionary,
                              const py::handle& mask, const std::string& name,
                              std::vector<std::string>& storage) {
  require_1d(codes, name);
  DictionaryArray out;
  out.valid = mask_of(mask, name);
  const char kind = codes.dtype().kind();
  const auto size = codes.itemsize();
  if (kind != 'i')
    throw std::invalid_argument("column " + name + ": dictionary codes must be signed integers");
  if (size == 8)
    out.codes = span_of<std::int64_t>(codes);
  else if (size == 4)
    out.codes = span_of<std::int32_t>(codes);
  else if (size == 2)
    out.codes = span_of<std::int16_t>(codes);
  else
    out.codes = span_of<std::int8_t>(codes);
  const std::size_t first = storage.size();
  for (const auto& v : dictionary)
    storage.push_back(v.is_none() ? std::string() : v.cast<std::string>());
  for (std::size_t i = first; i < storage.size(); ++i)
    out.dictionary.push_back(storage[i]);
  return out;
}

StringArray strings_of(const py::array& offsets, const py::array& bytes, const py::handle& mask,
                       const std::string& name) {
  require_1d(offsets, name);
  if (offsets.dtype().kind() != 'i' || offsets.itemsize() != 8)
    throw std::invalid_argument("column " + name + ": string offsets must be int64");
  StringArray out;
  out.offsets = span_of<std::int64_t>(offsets);
  out.bytes = std::string_view(static_cast<const char*>(bytes.data()),
                               static_cast<std::size_t>(bytes.nbytes()));
  out.valid = mask_of(mask, name);
  for (std::size_t i = 0; i + 1 < out.offsets.size(); ++i)
    if (out.offsets[i] < 0 || out.offsets[i] > out.offsets[i + 1] ||
        static_cast<std::size_t>(out.offsets[i + 1]) > out.bytes.size())
      throw std::invalid_argument("column " + name +
                                  ": string offsets out of order or out of range");
  return out;
}

TimeUnit time_unit_of(const std::string& unit) {
  if (unit == "s") return TimeUnit::s;
  if (unit == "ms") return TimeUnit::ms;
  if (unit == "us") return TimeUnit::us;
  if (unit == "ns") return TimeUnit::ns;
  throw std::invalid_argument("column arrived_at: unsupported time unit " + unit +
                              " (expected s, ms, us or ns)");
}

std::shared_ptr<PyTable> read_arrays(const py::dict& columns, std::size_t rows,
                                     const std::string& options_json) {
  const auto options = KpiOptions::from_json_text(options_json);
  ContactArrays in;
  in.rows = rows;
  std::vector<std::string> dictionary_storage;
  dictionary_storage.reserve(1024);
  // Dictionaries hold views into dictionary_storage: reserve enough that it never reallocates.
  std::size_t dictionary_entries = 0;
  for (const auto& [key, value] : columns) {
    auto t = py::reinterpret_borrow<py::tuple>(value);
    if (t[0].cast<std::string>() == "dict") dictionary_entries += py::len(t[2]);
  }
  dictionary_storage.reserve(dictionary_entries);

  for (const auto& [key, value] : columns) {
    const auto name = key.cast<std::string>();
    auto t = py::reinterpret_borrow<py::tuple>(value);
    const auto tag = t[0].cast<std::string>();
    auto array = [&](std::size_t i) { return py::reinterpret_borrow<py::array>(t[i]); };
    if (name == "contact_id") {
      if (tag != "str") throw std::invalid_argument("column contact_id: expected text");
      in.contact_id = strings_of(array(1), array(2), t[3], name);
    } else if (name == "arrived_at") {
      if (tag == "str") {
        in.arrived_at_text = strings_of(array(1), array(2), t[3], name);
      } else if (tag == "time") {
        in.arrived_at = numeric_of(array(1), t[2], name);
        in.arrived_at_unit = time_unit_of(t[3].cast<std::string>());
        in.arrived_at_is_local = t[4].cast<bool>();
      } else {
        throw std::invalid_argument("column arrived_at: expected timestamps");
      }
    } else if (name == "direction") {
      if (tag != "dict")
        throw std::invalid_argument("column direction: expected text inbound/outbound");
      in.direction = dictionary_of(array(1), t[2], t[3], name, dictionary_storage);
    } else if (name == "inbound") {
      in.inbound = numeric_of(array(1), t[2], name);
    } else if (name == "answered") {
      in.answered = numeric_of(array(1), t[2], name);
    } else if (tag == "dur") {
      DurationInput d{numeric_of(array(1), t[2], name), t[3].cast<std::string>() == "ms"
                                                            ? DurationUnit::milliseconds
                                                            : DurationUnit::seconds};
      if (name == "wait_s")
        in.wait = d;
      else {
        bool placed = false;
        for (std::size_t f = 0; f < duration_field_names.size(); ++f)
          if (name == duration_field_names[f]) {
            in.durations[f] = d;
            placed = true;
          }
        if (!placed) throw std::invalid_argument("column " + name + ": not a duration column");
      }
    } else if (tag == "num") {
      bool placed = false;
      for (std::size_t f = 0; f < small_field_names.size(); ++f)
        if (name == small_field_names[f]) {
          in.smalls[f] = numeric_of(array(1), t[2], name);
          placed = true;
        }
      if (!placed)
        throw std::invalid_argument("column " + name +
                                    ": numbers are not a dimension (pass text or a categorical)");
    } else if (tag == "dict") {
      in.dimensions.emplace_back(name,
                                 dictionary_of(array(1), t[2], t[3], name, dictionary_storage));
    } else {
      throw std::invalid_argument("column " + name + ": unsupported column kind " + tag);
    }
  }
  // Columns already in the table's layout are borrowed: the table keeps the arrays alive.
  in.keep_alive = std::shared_ptr<const void>(new py::object(columns), [](const void* p) {
    py::gil_scoped_acquire gil;
    delete static_cast<const py::object*>(p);
  });
  py::gil_scoped_release release;
  return finish_table(read_contact_arrays(in, options), options);
}

// ---- states and tables -------------------------------------------------------------------------

// The built-in state per group, with the custom KPIs' accumulators when a compiled rules file
// (dsl::CustomKpis, from compile_custom_kpis) is given.
GroupedKpiState aggregate_table(const PyTable& t, const std::vector<std::string>& by,
                                const std::string& options_json, const dsl::CustomKpis* custom) {
  py::gil_scoped_release release;
  const auto options = KpiOptions::from_json_text(options_json);
  if (!custom) return aggregate(t.read.table, by, options);
  const GroupIndex index = build_group_index(t.read.table, by, options);
  GroupedKpiState state = aggregate(t.read.table, index, options);
  state.set_custom(custom->accumulate(t.read.table, index));
  return state;
}

// A finalized table. Custom KPI columns name their KPIs by views into the compiled program, so
// the table's owner keeps a copy of it (shared, immutable) for as long as the table lives.
std::shared_ptr<KpiTable> finalize_state(const GroupedKpiState& s, bool intervals) {
  std::optional<dsl::CustomKpis> custom;
  KpiTable table;
  {
    py::gil_scoped_release release;
    table = finalize(s);
    if (intervals) add_intervals(table, s); // the state's interval options (docs/statistics.md)
    if (s.custom()) {
      custom = dsl::CustomKpis::from_state(s);
      custom->add_columns(table, s);
    }
  }
  return std::shared_ptr<KpiTable>(new KpiTable(std::move(table)),
                                   [custom](KpiTable* p) { delete p; });
}

py::bytes state_bytes(const GroupedKpiState& s) {
  std::vector<std::uint8_t> bytes;
  {
    py::gil_scoped_release release;
    bytes = s.serialize();
  }
  return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

GroupedKpiState state_from_bytes(const py::bytes& data) {
  const std::string_view view = data;
  py::gil_scoped_release release;
  return GroupedKpiState::deserialize(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(view.data()), view.size()));
}

// Columns of a finalized table: keys as lists (None for null), each KPI's value (NaN where null),
// validity, numerator and denominator as numpy arrays.
py::dict table_columns(const KpiTable& table) {
  py::dict out;
  py::list keys;
  for (std::size_t k = 0; k < table.key_names.size(); ++k) {
    py::list column;
    for (std::size_t g = 0; g < table.size(); ++g) {
      const auto& v = table.keys[g][k];
      if (v)
        column.append(py::str(*v));
      else
        column.append(py::none());
    }
    keys.append(py::make_tuple(table.key_names[k], column));
  }
  out["keys"] = keys;
  py::list kpis;
  const auto n = static_cast<py::ssize_t>(table.size());
  for (std::size_t i = 0; i < table.kpis.size(); ++i) {
    py::array_t<double> value(n), numerator(n), denominator(n);
    py::array_t<bool> valid(n);
    auto v = value.mutable_unchecked<1>();
    auto nu = numerator.mutable_unchecked<1>();
    auto de = denominator.mutable_unchecked<1>();
    auto ok = valid.mutable_unchecked<1>();
    for (py::ssize_t g = 0; g < n; ++g) {
      const auto& x = table.values[static_cast<std::size_t>(g)][i];
      v(g) = x.value ? *x.value : std::numeric_limits<double>::quiet_NaN();
      ok(g) = x.value.has_value();
      nu(g) = x.numerator;
      de(g) = x.denominator;
    }
    py::object lower = py::none(), upper = py::none();
    if (!table.intervals.empty()) {
      py::array_t<double> lo(n), hi(n);
      auto l = lo.mutable_unchecked<1>();
      auto h = hi.mutable_unchecked<1>();
      for (py::ssize_t g = 0; g < n; ++g) {
        const auto& iv = table.intervals[static_cast<std::size_t>(g)][i];
        l(g) = iv ? iv->lower : std::numeric_limits<double>::quiet_NaN();
        h(g) = iv ? iv->upper : std::numeric_limits<double>::quiet_NaN();
      }
      lower = lo;
      upper = hi;
    }
    kpis.append(py::make_tuple(std::string(table.kpis[i].name),
                               std::string(kind_name(table.kpis[i].kind)), value, valid, numerator,
                               denominator, lower, upper));
  }
  out["kpis"] = kpis;
  return out;
}

std::string render(const KpiTable& table, const std::string& format) {
  // Byte-identical to the CLI's standard output for the same format.
  if (format == "json") return to_json(table).dump(2) + "\n";
  if (format == "csv") return to_csv(table);
  if (format == "table") return to_text(table);
  throw std::invalid_argument("format: expected json, csv or table, actual '" + format + "'");
}

void register_kpis(py::module_& m) {
  py::class_<PyTable, std::shared_ptr<PyTable>>(
      m, "ContactTable", "Validated contact records (private; see kpiscore.read)")
      .def_property_readonly("rows", [](const PyTable& t) { return t.read.table.size(); })
      .def_property_readonly("summary", &summary_of)
      .def_property_readonly("dimensions", [](const PyTable& t) {
        std::vector<std::string> names;
        for (const auto& d : t.read.table.dimensions)
          names.push_back(d.name());
        return names;
      });
  m.def("read_csv", &read_csv, py::arg("path"), py::arg("options_json"),
        py::arg("mapping_json") = py::none(),
        "Reads a contacts CSV (optionally a vendor export through a mapping document).");
  m.def("read_arrays", &read_arrays, py::arg("columns"), py::arg("rows"), py::arg("options_json"),
        "Builds a contact table from normalized column tuples (see kpiscore/_input.py).");

  py::class_<GroupedKpiState>(m, "KpiState",
                              "Mergeable KPI state per group (private; see kpiscore.State)")
      .def_property_readonly("groups", &GroupedKpiState::size)
      .def_property_readonly("key_names", &GroupedKpiState::key_names)
      .def_property_readonly("fingerprint", &GroupedKpiState::fingerprint)
      .def("options_json", [](const GroupedKpiState& s) { return s.options().to_json().dump(); })
      .def("merge",
           [](GroupedKpiState& a, const GroupedKpiState& b) {
             py::gil_scoped_release release;
             a += b;
           })
      .def("copy", [](const GroupedKpiState& s) { return GroupedKpiState(s); })
      .def("__eq__", [](const GroupedKpiState& a, const GroupedKpiState& b) { return a == b; })
      .def("to_bytes", &state_bytes)
      .def_static("from_bytes", &state_from_bytes)
      .def_property_readonly("custom_source",
                             [](const GroupedKpiState& s) -> py::object {
                               if (!s.custom()) return py::none();
                               return py::str(dsl::CustomKpis::from_state(s).source());
                             })
      .def("finalize", &finalize_state, py::arg("intervals") = false);

  py::class_<KpiTable, std::shared_ptr<KpiTable>>(
      m, "KpiTable", "Finalized KPIs per group (private; see kpiscore.KpiResult)")
      .def_property_readonly("key_names", [](const KpiTable& t) { return t.key_names; })
      .def_property_readonly("groups", &KpiTable::size)
      .def("columns", &table_columns)
      .def("render", &render, py::arg("format"));

  m.def("aggregate", &aggregate_table, py::arg("table"), py::arg("by"), py::arg("options_json"),
        py::arg("custom") = nullptr);
  m.def(
      "parse_group_by", [](const std::string& text) { return parse_group_by(text); },
      "Splits 'agent_id,month' into group key names, like the CLI's --by.");
  m.def(
      "default_options_json", [] { return KpiOptions{}.to_json().dump(); },
      "The normalized default options document (every option explicit) as JSON text.");
  m.def(
      "normalize_options_json",
      [](const std::string& text) { return KpiOptions::from_json_text(text).to_json().dump(); },
      py::arg("options_json"),
      "An options document with every default made explicit (errors name the JSON path).");
}

const kpiscore::python::BindingsRegistration registration{10, &register_kpis};

} // namespace
