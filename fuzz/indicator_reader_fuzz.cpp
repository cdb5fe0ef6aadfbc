// libFuzzer target: the indicator-table reader (scoring/indicator_columns.hpp) on arbitrary bytes
// under one of four key sets (the first byte picks it), then the join into a small KPI table.
// Invariants: accepted + rejected = rows read; one value per indicator per accepted row; every
// accepted time key is a label the grouping could give; the join counts add up and no row is
// lost. Any broken invariant is abort().
//
//   ./build-fuzz/fuzz/indicator_reader_fuzz -max_total_time=60 fuzz/corpus-indicator_reader_fuzz
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/scoring/indicator_columns.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "indicator_reader_fuzz: invariant broken: %s\n", what);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kpiscore;
  if (size == 0) return 0;
  static const std::vector<std::vector<std::string>> key_sets = {
      {"agent_id"},
      {"agent_id", "month"},
      {"team", "week", "day"},
      {"queue", "interval15", "hour", "peak"}};
  const auto& keys = key_sets[data[0] % key_sets.size()];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  scoring::IndicatorColumns t;
  try {
    t = scoring::read_indicator_csv(bytes, keys);
  } catch (const InputError&) {
    return 0;
  }
  if (t.accepted() + t.rejects.size() != t.rows_read) fail("accepted + rejected != rows read");
  if (t.values.size() != t.keys.size()) fail("one value row per key row");
  for (std::size_t r = 0; r < t.keys.size(); ++r) {
    if (t.keys[r].size() != keys.size()) fail("one key part per group key");
    if (t.values[r].size() != t.names.size()) fail("one value per indicator");
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const auto& v = t.keys[r][k];
      if (keys[k] == "month" && (!v || v->size() != 7)) fail("accepted month is not YYYY-MM");
      if (keys[k] == "week" && (!v || v->size() != 8 || (*v)[5] != 'W'))
        fail("accepted week is not YYYY-Www");
      if (keys[k] == "day" && (!v || v->size() != 10)) fail("accepted day is not YYYY-MM-DD");
      if (keys[k] == "interval15" && (!v || v->size() != 16))
        fail("accepted interval is not YYYY-MM-DDTHH:MM");
    }
  }
  for (const auto& r : t.rejects)
    if (r.line < 2) fail("a reject before the first record");
  // Join into a table with one group (all keys null) and one KPI.
  KpiTable kpis;
  kpis.key_names = keys;
  kpis.kpis = {{"offered", KpiKind::count}};
  kpis.keys = {std::vector<std::optional<std::string>>(keys.size())};
  kpis.values = {{KpiValue{1, 1, 1}}};
  bool clash = false;
  for (const auto& n : t.names)
    clash = clash || n == "offered";
  try {
    const scoring::IndicatorJoin j = scoring::join(kpis, t);
    if (clash) fail("an indicator named like a KPI was joined");
    if (j.matched + j.unmatched != t.accepted())
      fail("join counts do not add up to the accepted rows");
    if (j.matched + j.groups_without != 1) fail("groups without a row miscounted");
    if (kpis.size() != 1 + j.unmatched) fail("unmatched rows not added as groups");
    for (const auto& row : kpis.values)
      if (row.size() != 1 + t.names.size()) fail("joined row width");
  } catch (const std::invalid_argument&) {
    if (!clash) fail("join refused without a name clash");
  }
  return 0;
}
