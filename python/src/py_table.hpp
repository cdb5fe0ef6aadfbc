#ifndef KPISCORE_PYTHON_PY_TABLE_HPP
#define KPISCORE_PYTHON_PY_TABLE_HPP

#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/table/legs.hpp>

namespace kpiscore::python {

/// A read contact table with what reading it reported (kpiscore.Contacts). Immutable once built;
/// shared by the KPI, scoring and sampling bindings.
struct PyTable {
  ReadResult read;
  LegSummary legs;
  bool legs_collapsed = false;
};

} // namespace kpiscore::python

#endif
