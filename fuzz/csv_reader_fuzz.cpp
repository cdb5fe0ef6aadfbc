// libFuzzer target: read_contacts_csv on arbitrary bytes. When the read succeeds, the records are
// aggregated by agent_id × day (with and without quantiles) and finalized, and the state goes
// through serialize → deserialize and must come back equal (and re-serialize to the same bytes).
// Any invariant broken is abort(), which libFuzzer reports with the input that did it.
//
//   ./build-fuzz/fuzz/csv_reader_fuzz -max_total_time=60 fuzz/corpus
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/csv_reader.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "csv_reader_fuzz: invariant broken: %s\n", what);
  std::abort();
}

void check_round_trip(const kpiscore::ContactTable& table, bool quantiles) {
  using namespace kpiscore;
  KpiOptions options;
  options.threads = 1;
  options.quantiles = quantiles;
  static const std::vector<std::string> by{"agent_id", "day"};
  const GroupedKpiState state = aggregate(table, by, options);
  std::int64_t contacts = 0;
  for (auto c : state.counter(Counter::contacts)) contacts += c;
  if (static_cast<std::size_t>(contacts) != table.size()) fail("group contacts do not sum to the rows");
  const KpiTable kpis = finalize(state);
  if (kpis.size() != state.size()) fail("finalize: one row per group");
  const std::vector<std::uint8_t> bytes = state.serialize();
  const GroupedKpiState back = GroupedKpiState::deserialize(bytes, state.fingerprint());
  if (!(back == state)) fail("deserialize(serialize(state)) != state");
  if (back.serialize() != bytes) fail("serialize is not stable across a round trip");
  if (!(finalize(back).values == kpis.values)) fail("finalized KPIs differ after a round trip");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kpiscore;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  KpiOptions options;
  options.threads = 1;
  ReadResult read;
  try {
    read = read_contacts_csv(text, options);
  } catch (const InputError&) {
    return 0; // an unusable header is a documented file-level error
  }
  if (read.accepted() + read.rejects.size() != read.rows_read) fail("accepted + rejected != rows read");
  read.table.validate_shape();
  check_round_trip(read.table, false);
  check_round_trip(read.table, true);
  return 0;
}
