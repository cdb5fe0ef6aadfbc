#include "dsl/dsl_test_util.hpp"

#include <kpiscore/dsl/custom_kpi.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace kpiscore::test {
namespace {

using dsl::CustomKpis;
using std::nullopt;
using Values = std::vector<std::optional<double>>;

/// The built-in state of `t` grouped by `by`, with the custom KPIs of `kpis` attached.
GroupedKpiState state_of(const CustomKpis& kpis, const ContactTable& t,
                         const std::vector<std::string>& by, const KpiOptions& o = {}) {
  const GroupIndex idx = build_group_index(t, by, o);
  GroupedKpiState s = aggregate(t, idx, o);
  s.set_custom(kpis.accumulate(t, idx));
  return s;
}

Values values_of(const dsl::Column& c) {
  Values out;
  for (std::size_t i = 0; i < c.size(); ++i)
    out.push_back(c.is_null(i) ? std::optional<double>() : c.numbers[i]);
  return out;
}

std::string compile_errors(const std::string& source, const std::vector<std::string>& keys = {}) {
  dsl::CompileOptions o;
  o.file = "custom.kpi";
  try {
    CustomKpis::compile(source, keys, {}, o);
  } catch (const dsl::CompileError& e) {
    return e.what();
  }
  return "";
}

// dsl_contacts(), grouped by agent_id: A1 = rows 1, 2; A2 = rows 3, 5, 6; null = row 4.
//   handle_s 150 240 | null 70 120 | null      wait_s 10 45 | 30 0 25 | 5
//   channel phone phone | chat Phone null | phone   answered 1 1 | 1 1 1 | 0
//   csat 5 4 | 3 2 null | null   resolved 1 0 | null 1 1 | null   talk 100 200 | 300 60 90 | null
struct CustomKpiFixture : ::testing::Test {
  ContactTable t = dsl_contacts();
  std::vector<std::string> by{"agent_id"};

  std::vector<Values> run(const std::string& source) {
    const CustomKpis k = CustomKpis::compile(source, by);
    const auto cols = k.finalize(state_of(k, t, by));
    std::vector<Values> out;
    for (const auto& c : cols)
      out.push_back(values_of(c));
    return out;
  }
};

TEST_F(CustomKpiFixture, AggregatesWhereAndNullsByHand) {
  const auto v = run("kpi short_calls = count(handle_s < 3min) / handled\n"
                     "kpi phone_asa = mean(wait_s) where channel == \"phone\" and answered\n"
                     "kpi csat_sum = sum(csat)\n"
                     "kpi csat_avg = mean(csat)\n"
                     "kpi fcr_share = mean(resolved_first_contact)\n"
                     "kpi talk_total = sum(talk_s)\n"
                     "kpi wait_tenths = mean(wait_s / 10s)\n");
  ASSERT_EQ(v.size(), 7u);
  // A1: 1 short of 2 handled; A2: 2 of 3; the null agent handled none: 0 / 0 is null.
  EXPECT_EQ(v[0], (Values{0.5, 2.0 / 3.0, nullopt}));
  // A2's only answered "Phone" is not "phone"; the null agent's phone contact was not answered.
  EXPECT_EQ(v[1], (Values{27.5, nullopt, nullopt}));
  // sum and mean over no values are null (SQL); count over none is 0.
  EXPECT_EQ(v[2], (Values{9, 5, nullopt}));
  EXPECT_EQ(v[3], (Values{4.5, 2.5, nullopt}));
  EXPECT_EQ(v[4], (Values{0.5, 1.0, nullopt}));
  EXPECT_EQ(v[5], (Values{300, 450, nullopt}));
  EXPECT_EQ(v[6], (Values{2.75, (3.0 + 0.0 + 2.5) / 3.0, 0.5}));
}

TEST_F(CustomKpiFixture, MinAndMax) {
  // arrived_at: rows 1..6 at 08:00..08:05; A1 = rows 1, 2; A2 = rows 3, 5, 6; null = row 4.
  const auto v = run("kpi longest = max(handle_s)\n"
                     "kpi first_wait = min(wait_s) where answered\n"
                     "kpi span = max(arrived_at) - min(arrived_at)\n"
                     "kpi low = min(csat) + max(nps) * 0\n"
                     "kpi capped = min(max(wait_s), 30s)\n");
  EXPECT_EQ(v[0], (Values{240, 120, nullopt}));
  EXPECT_EQ(v[1], (Values{10, 0, nullopt})); // the null agent's only contact is unanswered
  EXPECT_EQ(v[2], (Values{60, 180, 0}));
  EXPECT_EQ(v[3], (Values{4, 2, nullopt}));
  EXPECT_EQ(v[4], (Values{30, 30, 5})); // two arguments: the scalar min of the group scope
  EXPECT_EQ(compile_errors("kpi x = max(answered)"),
            "custom.kpi:1:13: error[E0206]: `max` needs a number, duration, ratio, points or "
            "time, found bool\n"
            "  1 | kpi x = max(answered)\n"
            "    |             ^^^^^^^^\n");
  EXPECT_EQ(compile_errors("kpi x = max(arrived_at)"),
            "custom.kpi:1:9: error[E0114]: a `kpi` must be a number, integer, duration, ratio or "
            "points, found time\n"
            "  1 | kpi x = max(arrived_at)\n"
            "    |         ^^^^^^^^^^^^^^^\n");
}

TEST_F(CustomKpiFixture, LetsEarlierKpisAndKeys) {
  const auto v = run("let slow = handle_s > 2min\n"
                     "kpi slow_n = count(slow)\n"
                     "kpi twice = slow_n * 2 + (if agent_id == \"A1\" then 100 else 0)\n"
                     "kpi slow_wait = sum(wait_s) where slow\n");
  EXPECT_EQ(v[0], (Values{2, 0, 0}));
  EXPECT_EQ(v[1], (Values{104, 0, 0}));
  EXPECT_EQ(v[2], (Values{55, nullopt, nullopt}));
}

TEST_F(CustomKpiFixture, OutsideAggregatesNamesAreGroupKpis) {
  // `answered` inside count() is the record flag; outside, the group's count of answered
  // inbound contacts (A2's outbound row 5 is answered but not in the group count).
  const CustomKpis k = CustomKpis::compile("kpi r = count(answered) / answered\n", by);
  const GroupedKpiState s = state_of(k, t, by);
  const KpiTable builtin = finalize(s);
  const auto col = values_of(k.finalize(s).at(0));
  const std::size_t answered = builtin.kpi_index("answered");
  EXPECT_EQ(builtin.values[1][answered].value, 2.0);
  EXPECT_EQ(col, (Values{1.0, 1.5, nullopt}));
}

TEST_F(CustomKpiFixture, TypesAndKinds) {
  const CustomKpis k = CustomKpis::compile("kpi a = count(answered)\nkpi b = mean(answered)\n"
                                           "kpi c = mean(handle_s)\nkpi d = sum(csat) / 2\n",
                                           by);
  ASSERT_EQ(k.kpis().size(), 4u);
  EXPECT_EQ(k.kpis()[0].type, dsl::Type::integer);
  EXPECT_EQ(k.kpis()[0].kind, KpiKind::count);
  EXPECT_EQ(k.kpis()[1].type, dsl::Type::ratio);
  EXPECT_EQ(k.kpis()[1].kind, KpiKind::ratio);
  EXPECT_EQ(k.kpis()[2].type, dsl::Type::duration);
  EXPECT_EQ(k.kpis()[2].kind, KpiKind::mean_seconds);
  EXPECT_EQ(k.kpis()[3].type, dsl::Type::number);
  EXPECT_EQ(k.aggregate_count(), 4u);
}

TEST_F(CustomKpiFixture, AddColumnsToTheKpiTable) {
  const CustomKpis k = CustomKpis::compile("kpi slow_n = count(handle_s > 2min)\n"
                                           "kpi csat_sum = sum(csat)\n",
                                           by);
  const GroupedKpiState s = state_of(k, t, by);
  KpiTable table = finalize(s);
  const std::size_t builtin = table.kpis.size();
  k.add_columns(table, s);
  ASSERT_EQ(table.kpis.size(), builtin + 2);
  EXPECT_EQ(table.kpis[builtin].name, "slow_n");
  EXPECT_EQ(table.values[0][table.kpi_index("slow_n")].value, 2.0);
  EXPECT_FALSE(table.values[2][table.kpi_index("csat_sum")].value.has_value());
  // A count-kind custom KPI that is null prints as null, not as 0.
  const auto j = to_json(table);
  EXPECT_EQ(j[2]["csat_sum"].dump(), "null");
  EXPECT_EQ(j[0]["slow_n"].dump(), "2");
  EXPECT_THROW(k.add_columns(table, s), std::invalid_argument); // names already there
}

TEST_F(CustomKpiFixture, EmptyTableGivesNoGroups) {
  const ContactTable empty = table_of(header);
  const CustomKpis k = CustomKpis::compile("kpi x = mean(wait_s) where answered\n", by);
  const auto cols = k.finalize(state_of(k, empty, by));
  ASSERT_EQ(cols.size(), 1u);
  EXPECT_EQ(cols[0].size(), 0u);
}

TEST_F(CustomKpiFixture, ValuesBeyondTheExactRangeAreRejected) {
  const CustomKpis k = CustomKpis::compile("kpi big = sum(wait_s * 1000000000000000000)\n", by);
  const GroupIndex idx = build_group_index(t, by, {});
  try {
    (void)k.accumulate(t, idx);
    FAIL() << "expected std::domain_error";
  } catch (const std::domain_error& e) {
    EXPECT_STREQ(e.what(), "custom KPI `big`: a value of `sum(wait_s * 1000000000000000000)` is "
                           "beyond ±1e18 or not finite (row 1)");
  }
}

TEST(CustomKpiErrors, PinnedMessages) {
  EXPECT_EQ(compile_errors("kpi x = handle_s"),
            "custom.kpi:1:9: error[E0109]: record field `handle_s` outside an aggregate function "
            "in a `kpi`\n"
            "  1 | kpi x = handle_s\n"
            "    |         ^^^^^^^^\n"
            "    = hint: wrap it in count(), sum() or mean(), or use a group KPI\n");
  EXPECT_EQ(compile_errors("let slow = wait_s > 20s\nkpi x = slow"),
            "custom.kpi:2:9: error[E0109]: `slow` is a record expression (`let`) outside an "
            "aggregate function in a `kpi`\n"
            "  2 | kpi x = slow\n"
            "    |         ^^^^\n"
            "    = hint: wrap it in count(), sum() or mean()\n");
  EXPECT_EQ(compile_errors("kpi a = count(answered)\nkpi b = count(a > 1)"),
            "custom.kpi:2:15: error[E0108]: custom KPI `a` cannot be used inside an aggregate "
            "function\n"
            "  2 | kpi b = count(a > 1)\n"
            "    |               ^\n"
            "    = hint: custom KPIs are group values: use it outside the aggregate\n");
  EXPECT_EQ(compile_errors("rule r = wait_s > 20s"),
            "custom.kpi:1:6: error[E0112]: `rule` statements are compiled by Program, not in a "
            "file of custom KPIs\n"
            "  1 | rule r = wait_s > 20s\n"
            "    |      ^\n"
            "    = hint: keep rules in their own file, or write `kpi` or `let`\n");
  EXPECT_EQ(compile_errors("kpi x = handled * 2 where answered"),
            "custom.kpi:1:27: error[E0113]: `where` filters the rows of aggregate functions, but "
            "`x` has none\n"
            "  1 | kpi x = handled * 2 where answered\n"
            "    |                           ^^^^^^^^\n"
            "    = hint: use count(), sum() or mean() in the formula\n");
  EXPECT_EQ(compile_errors("kpi x = count(answered) > 3"),
            "custom.kpi:1:9: error[E0114]: a `kpi` must be a number, integer, duration, ratio or "
            "points, found bool\n"
            "  1 | kpi x = count(answered) > 3\n"
            "    |         ^^^^^^^^^^^^^^^^^^^\n"
            "    = hint: count the rows with count(…), or take a share with mean(…)\n");
  EXPECT_EQ(compile_errors("kpi x = mean(wait_s) where wait_s"),
            "custom.kpi:1:28: error[E0204]: the `where` filter must be a condition (bool), found "
            "duration\n"
            "  1 | kpi x = mean(wait_s) where wait_s\n"
            "    |                            ^^^^^^\n");
  EXPECT_EQ(compile_errors("kpi aht_s = mean(handle_s)"),
            "custom.kpi:1:5: error[E0105]: `aht_s` shadows a field of the group scope\n"
            "  1 | kpi aht_s = mean(handle_s)\n"
            "    |     ^^^^^\n"
            "    = hint: choose another name\n");
  EXPECT_EQ(compile_errors("kpi x = mean(wait_s) where sum(wait_s) > 1s"),
            "custom.kpi:1:28: error[E0110]: aggregate function `sum` is only allowed in a `kpi` "
            "over record fields\n"
            "  1 | kpi x = mean(wait_s) where sum(wait_s) > 1s\n"
            "    |                            ^^^\n");
  // A key is a group name only when the state is grouped by it.
  EXPECT_EQ(compile_errors("kpi x = if channel == \"phone\" then count(answered) else 0", {}),
            "custom.kpi:1:12: error[E0109]: record field `channel` outside an aggregate function "
            "in a `kpi`\n"
            "  1 | kpi x = if channel == \"phone\" then count(answered) else 0\n"
            "    |            ^^^^^^^\n"
            "    = hint: wrap it in count(), sum() or mean(), or use a group KPI\n");
  EXPECT_EQ(
      compile_errors("kpi x = if channel == \"phone\" then count(answered) else 0", {"channel"}),
      "");
  // Several errors in one compile, in source order.
  const std::string two = compile_errors("kpi x = handle_s\nkpi y = mean(wiat_s)\n");
  EXPECT_NE(two.find("1:9: error[E0109]"), std::string::npos);
  EXPECT_NE(two.find("2:14: error[E0102]: unknown name `wiat_s` in the record scope"),
            std::string::npos);
  EXPECT_NE(two.find("did you mean `wait_s`?"), std::string::npos);
  // Program itself still refuses `kpi` statements.
  EXPECT_NE(diagnostics_of("kpi x = count(answered)", dsl::Scope::record()).find("E0111"),
            std::string::npos);
}

// ------------------------------------------------------------ examples/data, by independent code

struct Row {
  std::map<std::string, std::string> f;
};

std::vector<Row> read_rows(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  {
    std::stringstream h(line);
    std::string x;
    while (std::getline(h, x, ','))
      names.push_back(x);
  }
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Row r;
    std::size_t at = 0;
    for (const auto& n : names) {
      const std::size_t comma = line.find(',', at);
      r.f[n] = line.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      at = comma == std::string::npos ? line.size() : comma + 1;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string example_csv() {
  std::ifstream in(std::string(KPISCORE_FIXTURES) + "/../../examples/data/contacts.csv",
                   std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t ms_of(const std::string& s) {
  return std::llround(std::stod(s) * 1000.0);
}

TEST(CustomKpiExamples, MatchAnIndependentComputation) {
  const std::string csv = example_csv();
  ASSERT_FALSE(csv.empty());
  const ContactTable t = table_of(csv);
  const std::vector<std::string> by{"agent_id"};
  const CustomKpis k =
      CustomKpis::compile("kpi short_n = count(handle_s < 30s)\n"
                          "kpi short_calls = count(handle_s < 30s) / handled\n"
                          "kpi phone_asa = mean(wait_s) where channel == \"phone\" and answered\n"
                          "kpi csat_mean2 = mean(csat)\n"
                          "kpi wait_total = sum(wait_s) where complaint\n",
                          by);
  const GroupedKpiState s = state_of(k, t, by);
  KpiTable table = finalize(s);
  k.add_columns(table, s);

  struct Acc {
    std::int64_t short_n = 0, phone_n = 0, phone_ms = 0, csat_n = 0, csat_sum = 0, handled = 0;
    std::int64_t complaint_n = 0, complaint_ms = 0;
  };
  std::map<std::string, Acc> by_agent;
  for (const auto& r : read_rows(csv)) {
    Acc& a = by_agent[r.f.at("agent_id")];
    const bool answered = r.f.at("answered") == "1";
    a.handled += answered;
    const auto& talk = r.f.at("talk_s");
    const auto& hold = r.f.at("hold_s");
    const auto& acw = r.f.at("acw_s");
    if (!talk.empty() && !hold.empty() && !acw.empty() &&
        ms_of(talk) + ms_of(hold) + ms_of(acw) < 30000)
      ++a.short_n;
    if (r.f.at("channel") == "phone" && answered) {
      ++a.phone_n;
      a.phone_ms += ms_of(r.f.at("wait_s"));
    }
    if (!r.f.at("csat").empty()) {
      ++a.csat_n;
      a.csat_sum += std::stoll(r.f.at("csat"));
    }
    if (r.f.at("complaint") == "1") {
      ++a.complaint_n;
      a.complaint_ms += ms_of(r.f.at("wait_s"));
    }
  }
  ASSERT_EQ(table.size(), by_agent.size());
  std::size_t checked = 0;
  for (std::size_t g = 0; g < table.size(); ++g) {
    const Acc& a = by_agent.at(table.keys[g][0].value_or(""));
    auto v = [&](const char* name) { return table.values[g][table.kpi_index(name)].value; };
    EXPECT_EQ(v("short_n"), static_cast<double>(a.short_n));
    EXPECT_EQ(v("handled"), static_cast<double>(a.handled));
    if (a.handled > 0) {
      EXPECT_DOUBLE_EQ(*v("short_calls"), static_cast<double>(a.short_n) / a.handled);
    } else {
      EXPECT_FALSE(v("short_calls"));
    }
    if (a.phone_n > 0) {
      EXPECT_DOUBLE_EQ(*v("phone_asa"), a.phone_ms / 1000.0 / a.phone_n);
      ++checked;
    } else {
      EXPECT_FALSE(v("phone_asa"));
    }
    if (a.csat_n > 0) {
      EXPECT_DOUBLE_EQ(*v("csat_mean2"), static_cast<double>(a.csat_sum) / a.csat_n);
    }
    if (a.complaint_n > 0) {
      EXPECT_DOUBLE_EQ(*v("wait_total"), a.complaint_ms / 1000.0);
    } else {
      EXPECT_FALSE(v("wait_total"));
    }
    // The custom mean of csat is the built-in csat_mean.
    EXPECT_EQ(v("csat_mean2"), v("csat_mean"));
  }
  EXPECT_GT(checked, 5u);
}

// Any split of the rows, each part aggregated separately (and sent through serialize), merged in
// any order, gives the whole state bit for bit.
TEST(CustomKpiExamples, AnySplitMergesToTheWholeBitForBit) {
  const std::string csv = example_csv();
  const std::string head = csv.substr(0, csv.find('\n') + 1);
  std::vector<std::string> lines;
  {
    std::istringstream in(csv.substr(head.size()));
    std::string l;
    while (std::getline(in, l))
      if (!l.empty()) lines.push_back(l + "\n");
  }
  const std::vector<std::string> by{"team", "channel"};
  KpiOptions o;
  o.quantiles = true;
  const CustomKpis k = CustomKpis::compile("let talk_share = talk_s / handle_s\n"
                                           "kpi share = mean(talk_share) where answered\n"
                                           "kpi odd = sum(wait_s / 7s) + mean(wait_s * 1.1) / 1s\n"
                                           "kpi n = count(csat >= 4) / (handled + 1)\n"
                                           "kpi tenths = mean(handle_s / 3)\n"
      "kpi extremes = (max(wait_s * 1.1) - min(handle_s / 7)) / 1s + max(csat) - min(nps)\n",
                                           by);
  const GroupedKpiState whole = state_of(k, table_of(csv, o), by, o);
  const auto whole_bytes = whole.serialize();
  const auto whole_cols = k.finalize(whole);
  std::mt19937 rng(20260322);
  for (int trial = 0; trial < 6; ++trial) {
    std::vector<std::string> shuffled = lines;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    const std::size_t parts = 2 + static_cast<std::size_t>(trial) % 4;
    std::vector<std::size_t> cuts{0, shuffled.size()};
    for (std::size_t p = 1; p < parts; ++p)
      cuts.push_back(std::uniform_int_distribution<std::size_t>(0, shuffled.size())(rng));
    std::sort(cuts.begin(), cuts.end());
    std::optional<GroupedKpiState> merged;
    for (std::size_t p = 0; p + 1 < cuts.size(); ++p) {
      std::string part = head;
      for (std::size_t i = cuts[p]; i < cuts[p + 1]; ++i)
        part += shuffled[i];
      const GroupedKpiState s = state_of(k, table_of(part, o), by, o);
      const GroupedKpiState back = GroupedKpiState::deserialize(s.serialize());
      ASSERT_EQ(back, s);
      if (merged)
        *merged += back;
      else
        merged = back;
    }
    ASSERT_EQ(*merged, whole) << "trial " << trial;
    EXPECT_EQ(merged->serialize(), whole_bytes) << "trial " << trial;
    const auto cols = k.finalize(*merged);
    for (std::size_t c = 0; c < cols.size(); ++c) {
      EXPECT_EQ(cols[c].valid, whole_cols[c].valid);
      EXPECT_EQ(cols[c].numbers, whole_cols[c].numbers); // bit for bit
    }
  }
}

TEST(CustomKpiState, FingerprintsVersionsAndMessages) {
  const ContactTable t = dsl_contacts();
  const std::vector<std::string> by{"agent_id"};
  const CustomKpis a = CustomKpis::compile("kpi x = count(answered)\n", by);
  const CustomKpis b = CustomKpis::compile("kpi x = count(answered) # same, with a comment\n", by);
  EXPECT_NE(a.fingerprint(), b.fingerprint());
  GroupedKpiState sa = state_of(a, t, by);
  const GroupedKpiState sb = state_of(b, t, by);
  char expected[256];
  std::snprintf(expected, sizeof expected,
                "kpiscore state merge: custom KPI program fingerprint differs: expected "
                "0x%016llx, actual 0x%016llx (states from different rules texts do not merge)",
                static_cast<unsigned long long>(a.fingerprint()),
                static_cast<unsigned long long>(b.fingerprint()));
  try {
    sa += sb;
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), expected);
  }
  GroupedKpiState plain = aggregate(t, by, {});
  try {
    plain += sa;
    FAIL();
  } catch (const std::invalid_argument& e) {
    std::snprintf(expected, sizeof expected,
                  "kpiscore state merge: custom KPIs differ: expected none, actual program "
                  "0x%016llx",
                  static_cast<unsigned long long>(a.fingerprint()));
    EXPECT_STREQ(e.what(), expected);
  }
  try {
    (void)b.finalize(sa);
    FAIL();
  } catch (const std::invalid_argument& e) {
    std::snprintf(expected, sizeof expected,
                  "custom KPIs: program fingerprint differs: expected 0x%016llx, actual "
                  "0x%016llx (the state was aggregated with another rules text)",
                  static_cast<unsigned long long>(b.fingerprint()),
                  static_cast<unsigned long long>(a.fingerprint()));
    EXPECT_STREQ(e.what(), expected);
  }
  // Without custom KPIs the state is written as version 1 (byte for byte as before); with
  // them as version 2, which carries the program so that a merged state finalizes alone.
  EXPECT_EQ(plain.serialize()[4], 1);
  const auto bytes = sa.serialize();
  EXPECT_EQ(bytes[4], 2);
  const GroupedKpiState back = GroupedKpiState::deserialize(bytes);
  EXPECT_EQ(back, sa);
  const CustomKpis again = CustomKpis::from_state(back);
  EXPECT_EQ(again.fingerprint(), a.fingerprint());
  EXPECT_EQ(values_of(again.finalize(back).at(0)), (Values{2, 3, 0}));
  // Version 1 files stay readable (tests/fixtures/grouped_kpi_state_v1.bin).
  std::ifstream in(std::string(KPISCORE_FIXTURES) + "/grouped_kpi_state_v1.bin", std::ios::binary);
  const std::vector<std::uint8_t> v1((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
  const GroupedKpiState old = GroupedKpiState::deserialize(v1);
  EXPECT_FALSE(old.custom().has_value());
  EXPECT_EQ(old.serialize(), v1);
}

} // namespace
} // namespace kpiscore::test
