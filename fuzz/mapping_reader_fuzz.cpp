// libFuzzer target: the mapping + reader path. The input's first line (up to '\n') selects a
// mapping (encoding, delimiter, units, formats, value maps, a csat rule); the rest is the export,
// read with read_contacts_csv(bytes, options, mapping). Invariants: no crash; file-level problems
// are InputError; accepted + rejected = rows read; the table is well shaped; collapse_legs keeps
// every contact id and never returns more rows than it got; aggregation sums to the rows.
//
//   ./build-fuzz/fuzz/mapping_reader_fuzz -max_total_time=30 fuzz/corpus
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/mapping.hpp>
#include <kpiscore/table/legs.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "mapping_reader_fuzz: invariant broken: %s\n", what);
  std::abort();
}

const std::vector<kpiscore::Mapping>& mappings() {
  static const std::vector<kpiscore::Mapping> all = [] {
    std::vector<kpiscore::Mapping> m;
    for (const char* doc : {
             R"({})",
             R"({"aliases": false})",
             R"({"encoding": "gb18030", "delimiter": ";", "columns": {
                 "来电时间": {"to": "arrived_at", "format": "%Y/%m/%d %H:%M:%S", "optional": true},
                 "是否接通": {"to": "answered", "values": "是/否", "optional": true},
                 "通话时长": {"to": "talk_s", "unit": "hh:mm:ss", "optional": true},
                 "满意度": {"to": "csat", "scale": [1, 10], "rule": {"1-2": 1, "3-4": 2, "5-6": 3, "7-8": 4, "9-10": 5},
                            "optional": true}}})",
             R"({"delimiter": "\t", "columns": {"wait_s": {"unit": "ms"}, "answered": {"values": "Y/N"},
                 "direction": {"values": "in/out"}, "talk_s": {"unit": "ms", "optional": true}}})",
             R"({"encoding": "utf-8", "delimiter": "|", "columns": {
                 "arrived_at": {"format": "%d.%m.%Y %H:%M:%S.%f %z"}, "wait_s": {"unit": "hh:mm:ss"},
                 "team": {"values": {"A": "a", "B": "b"}, "optional": true},
                 "complaint": {"values": {"有": 1, "无": 0}, "optional": true}}})",
             R"({"encoding": "auto", "columns": {"备注": null, "csat": {"scale": [1, 5], "optional": true}}})",
         })
      m.push_back(kpiscore::Mapping::from_json_text(doc));
    return m;
  }();
  return all;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kpiscore;
  if (size == 0) return 0;
  const Mapping& mapping = mappings()[data[0] % mappings().size()];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  KpiOptions options;
  options.threads = 1;
  if (data[0] & 0x80) options.timezone = "Asia/Shanghai";
  ReadResult read;
  try {
    read = read_contacts_csv(text, options, mapping);
  } catch (const InputError&) {
    return 0; // undecodable bytes, an ambiguous delimiter or an unusable header
  }
  if (read.accepted() + read.rejects.size() != read.rows_read) fail("accepted + rejected != rows read");
  read.table.validate_shape();
  for (const auto& r : read.rejects)
    if (r.line == 0 || r.reason.empty()) fail("a reject without a line or a reason");
  KpiOptions::Legs legs;
  legs.collapse = true;
  legs.drop_duplicates = (data[0] & 0x40) != 0;
  LegSummary s;
  const ContactTable contacts = collapse_legs(read.table, legs, &s);
  contacts.validate_shape();
  if (contacts.size() > read.table.size() || s.contacts != contacts.size() ||
      s.rows_in != read.table.size() || s.duplicate_rows > s.rows_in)
    fail("collapse_legs summary");
  if ((contacts.size() == 0) != (read.table.size() == 0)) fail("collapse_legs lost every contact");
  static const std::vector<std::string> by{"agent_id", "queue"};
  const GroupedKpiState state = aggregate(contacts, by, options);
  std::int64_t n = 0;
  for (auto c : state.counter(Counter::contacts)) n += c;
  if (static_cast<std::size_t>(n) != contacts.size()) fail("group contacts do not sum to the rows");
  (void)finalize(state);
  return 0;
}
