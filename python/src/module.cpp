// kpiscore._core: the private compiled module behind the pure-Python package `kpiscore`.
#include "bindings.hpp"

#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/version.hpp>

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "kpiscore._core: compiled core of kpiscore (private; use the kpiscore package)";
  m.attr("version") = KPISCORE_VERSION_STRING;

  // A file-level input error (unreadable file, unusable header). Subclasses OSError so that
  // `except OSError` catches it; std::invalid_argument maps to ValueError (pybind11 default).
  py::register_exception<kpiscore::InputError>(m, "InputError", PyExc_OSError);

  register_kpis(m);
#ifdef KPISCORE_PYTHON_STAFFING
  register_staffing(m);
#endif
}
