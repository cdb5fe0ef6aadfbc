#ifndef KPISCORE_TESTS_SCORING_TEST_UTIL_HPP
#define KPISCORE_TESTS_SCORING_TEST_UTIL_HPP

// Hand-made KpiTables for the scoring tests: KPI names must be string literals (KpiDefinition
// holds a string_view).
#include <kpiscore/scoring.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kpiscore::scoring::test {

struct Column {
  std::string_view name;
  KpiKind kind;
  std::vector<std::optional<double>> values;
  std::vector<double> observations = {}; ///< default: 100 per group
};

inline KpiTable make_table(std::vector<std::string> key_names,
                           std::vector<std::vector<std::optional<std::string>>> keys,
                           const std::vector<Column>& columns) {
  KpiTable t;
  t.key_names = std::move(key_names);
  t.keys = std::move(keys);
  for (const auto& c : columns) t.kpis.push_back({c.name, c.kind});
  t.values.resize(t.keys.size());
  for (std::size_t g = 0; g < t.keys.size(); ++g)
    for (const auto& c : columns) {
      const double obs = c.observations.empty() ? 100.0 : c.observations[g];
      t.values[g].push_back({c.values[g], c.values[g].value_or(0) * obs, c.values[g] ? obs : 0.0});
    }
  return t;
}

inline std::string spec_error(const std::string& text) {
  try {
    (void)Scorecard::compile_text(text);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(compiled)";
}

} // namespace kpiscore::scoring::test

#endif
