// kpiscore._core: the private compiled module behind the pure-Python package `kpiscore`.
#include "bindings.hpp"

#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/version.hpp>

#include <algorithm>

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "kpiscore._core: compiled core of kpiscore (private; use the kpiscore package)";
  m.attr("version") = KPISCORE_VERSION_STRING;

  // A file-level input error (unreadable file, unusable header). Subclasses OSError so that
  // `except OSError` catches it; std::invalid_argument maps to ValueError (pybind11 default).
  py::register_exception<kpiscore::InputError>(m, "InputError", PyExc_OSError);

  auto registrations = kpiscore::python::binding_registrations();
  std::stable_sort(registrations.begin(), registrations.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, register_function] : registrations) {
    register_function(m);
  }
}
