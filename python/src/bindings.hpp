#ifndef KPISCORE_PYTHON_BINDINGS_HPP
#define KPISCORE_PYTHON_BINDINGS_HPP

#include <pybind11/pybind11.h>

// One registration function per concept; module.cpp calls them all.
void register_kpis(pybind11::module_& m);
void register_staffing(pybind11::module_& m); // python/src/staffing_bindings.cpp, when present

#endif
