// libFuzzer target: the rules language, parse → check → compile → evaluate, on arbitrary text.
// The first byte picks the scope (even: record scope over a small generated contact table; odd:
// group scope over its KPIs by agent_id); the rest is a rules file. Invariants (abort() when
// broken): a compile either succeeds or throws CompileError whose diagnostics all lie inside the
// text; check() and compile() agree; evaluation with batch sizes 1 and 1024 gives the same
// columns; the firing and null counts add up to the rows; explain() is produced for every row.
// When the first byte has bit 1 set, the text is compiled as custom KPIs (dsl::CustomKpis) grouped
// by agent_id instead: check() and compile() agree, and the state of the table equals, bit for
// bit, the merge of the states of two halves of its rows, also through serialize().
//
//   ./build-fuzz/fuzz/rules_fuzz -max_total_time=60 fuzz/corpus-rules_fuzz
#include <kpiscore/dsl.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/io/csv_reader.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "rules_fuzz: invariant broken: %s\n", what);
  std::abort();
}

struct Fixture {
  kpiscore::ContactTable contacts;
  kpiscore::KpiTable kpis;
  kpiscore::dsl::Scope record = kpiscore::dsl::Scope::record();
  kpiscore::dsl::Scope group = kpiscore::dsl::Scope::group();
  Fixture() {
    using namespace kpiscore;
    std::string csv = "contact_id,arrived_at,direction,answered,wait_s,agent_id,channel,talk_s,"
                      "hold_s,acw_s,resolved_first_contact,csat,nps,complaint,converted\n";
    // 37 rows: every optional column null on some rows, so nulls meet every operator.
    for (int i = 0; i < 37; ++i) {
      auto opt = [&](int mod, const std::string& v) { return i % mod == 0 ? std::string() : v; };
      csv += "c" + std::to_string(i) + ",2026-03-0" + std::to_string(1 + i % 9) + "T0" +
             std::to_string(i % 10) + ":00:00Z," + (i % 4 ? "inbound" : "outbound") + "," +
             (i % 5 ? "1" : "0") + "," + std::to_string(i * 7 % 61) + "," +
             opt(6, "A" + std::to_string(i % 3)) + "," + opt(7, i % 2 ? "phone" : "chat") + "," +
             opt(5, std::to_string(i * 13 % 400)) + "," + opt(8, std::to_string(i % 3)) + "," +
             opt(9, std::to_string(i * 3 % 50)) + "," + opt(4, std::to_string(i % 2)) + "," +
             opt(3, std::to_string(1 + i % 5)) + "," + opt(5, std::to_string(i % 11)) + "," +
             opt(6, std::to_string(i % 2)) + "," + opt(7, std::to_string((i + 1) % 2)) + "\n";
    }
    KpiOptions o;
    o.threads = 1;
    o.quantiles = true;
    contacts = read_contacts_csv(csv, o).table;
    record = dsl::Scope::record(contacts);
    kpis = finalize(aggregate(contacts, std::vector<std::string>{"agent_id"}, o));
    group = dsl::Scope::group(kpis);
    // The same rows in two parts (the header, then lines 1..18 and 19..37).
    const std::size_t header_end = csv.find('\n') + 1;
    std::size_t cut = header_end;
    for (int i = 0; i < 18; ++i)
      cut = csv.find('\n', cut) + 1;
    first = read_contacts_csv(csv.substr(0, cut), o).table;
    second = read_contacts_csv(csv.substr(0, header_end) + csv.substr(cut), o).table;
    options = o;
  }
  kpiscore::ContactTable first, second;
  kpiscore::KpiOptions options;
};

bool same(const kpiscore::dsl::Column& a, const kpiscore::dsl::Column& b) {
  if (a.valid != b.valid || a.bools != b.bools || a.strings != b.strings) return false;
  for (std::size_t i = 0; i < a.numbers.size(); ++i) {
    if (!a.valid[i]) continue;
    const double x = a.numbers[i], y = b.numbers[i];
    if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
  }
  return true;
}

void custom_kpis(const Fixture& fx, std::string_view text) {
  using namespace kpiscore;
  const std::vector<std::string> by{"agent_id"};
  dsl::CompileOptions co;
  co.limits.max_source_bytes = 8192;
  std::vector<std::string> dims;
  for (const auto& d : fx.contacts.dimensions)
    dims.push_back(d.name());
  const auto errors = dsl::CustomKpis::check(text, by, dims, co);
  for (const auto& e : errors)
    if (e.range.end() > text.size() || e.code.size() != 5 || e.message.empty())
      fail("custom KPIs: diagnostic range or code");
  try {
    const auto k = dsl::CustomKpis::compile(text, by, dims, co);
    if (!errors.empty()) fail("custom KPIs: check reported errors but compile succeeded");
    auto state_of = [&](const ContactTable& t) {
      const GroupIndex idx = build_group_index(t, by, fx.options);
      GroupedKpiState s = aggregate(t, idx, fx.options);
      s.set_custom(k.accumulate(t, idx));
      return s;
    };
    try {
      const GroupedKpiState whole = state_of(fx.contacts);
      GroupedKpiState merged = GroupedKpiState::deserialize(state_of(fx.second).serialize());
      merged += state_of(fx.first);
      if (!(merged == whole)) fail("custom KPIs: merged halves differ from the whole");
      if (merged.serialize() != whole.serialize()) fail("custom KPIs: serialized bytes differ");
      const auto a = k.finalize(whole);
      const auto b = dsl::CustomKpis::from_state(merged).finalize(merged);
      if (a.size() != k.kpis().size() || a.size() != b.size()) fail("custom KPIs: column count");
      for (std::size_t c = 0; c < a.size(); ++c)
        if (!same(a[c], b[c]) || a[c].size() != whole.size()) fail("custom KPIs: finalize differs");
    } catch (const std::domain_error&) {
      // a value beyond the exact fixed-point range: refused, as documented
    }
  } catch (const dsl::CompileError& e) {
    if (errors.empty()) fail("custom KPIs: compile failed but check reported no error");
    if (std::string(e.what()).empty()) fail("empty error text");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kpiscore;
  static const Fixture fx;
  if (size == 0) return 0;
  if ((data[0] & 2) != 0) {
    custom_kpis(fx, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    return 0;
  }
  const bool group = (data[0] & 1) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const dsl::Scope& scope = group ? fx.group : fx.record;
  const dsl::Table table = group ? dsl::bind(scope, fx.kpis) : dsl::bind(scope, fx.contacts);
  dsl::CompileOptions co;
  co.limits.max_source_bytes = 8192;
  const auto errors = dsl::Program::check(text, scope, co);
  for (const auto& e : errors)
    if (e.range.end() > text.size() || e.code.size() != 5 || e.message.empty())
      fail("diagnostic range or code");
  try {
    const auto p = dsl::Program::compile(text, scope, co);
    if (!errors.empty()) fail("check reported errors but compile succeeded");
    dsl::EvalOptions one, big;
    one.batch_rows = 1;
    big.batch_rows = 1024;
    const auto a = p.evaluate(table, one);
    const auto b = p.evaluate(table, big);
    if (a.size() != b.size() || a.size() != p.outputs().size()) fail("output count");
    for (std::size_t k = 0; k < a.size(); ++k)
      if (!same(a[k], b[k])) fail("batch size changed a result");
    const auto stats = p.stats(table);
    for (std::size_t k = 0; k < stats.size(); ++k) {
      const auto& s = stats[k];
      const bool is_bool = p.outputs()[k].type == dsl::Type::boolean;
      if (is_bool ? s.fired + s.not_fired + s.nulls != s.rows
                  : s.fired + s.not_fired != 0 || s.nulls > s.rows)
        fail("stats do not add up");
    }
    for (std::size_t r = 0; r < table.rows(); ++r)
      if (p.explain_json(table, r).empty()) fail("empty explanation");
  } catch (const dsl::CompileError& e) {
    if (errors.empty()) fail("compile failed but check reported no error");
    if (std::string(e.what()).empty()) fail("empty error text");
  }
  return 0;
}
