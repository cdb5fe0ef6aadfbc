#include <kpiscore/engine/kpi_table.hpp>

#include <stdexcept>

namespace kpiscore {

std::size_t KpiTable::kpi_index(std::string_view name) const {
  for (std::size_t i = 0; i < kpis.size(); ++i)
    if (kpis[i].name == name) return i;
  throw std::out_of_range("no KPI named '" + std::string(name) + "'");
}

KpiTable finalize(const GroupedKpiState& state) {
  KpiTable t;
  t.key_names = state.key_names();
  const auto defs = contact_kpi_definitions(state.options().quantiles);
  t.kpis.assign(defs.begin(), defs.end());
  t.keys.reserve(state.size());
  t.values.reserve(state.size());
  for (std::size_t g = 0; g < state.size(); ++g) {
    t.keys.push_back(state.key(g));
    t.values.push_back(finalize_contact_kpis(state.state(g), state.options()));
  }
  return t;
}

} // namespace kpiscore
