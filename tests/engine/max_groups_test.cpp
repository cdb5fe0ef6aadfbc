// The max_groups guard and contact_id as a group key (grouping.hpp); the per-group memory that
// docs/kpis.md ("max_groups") states is pinned here to the struct sizes it is computed from.
#include "test_util.hpp"

#include <kpiscore/engine/grouping.hpp>

using namespace kpiscore;

namespace {

ContactTable contacts(int n) {
  std::string csv = test::header;
  for (int i = 0; i < n; ++i) {
    // (appended piece by piece: g++ 12 warns falsely on a chain of string additions here)
    csv += 'C';
    csv += static_cast<char>('0' + i % 7);
    csv += ",2026-03-02T09:0";
    csv += static_cast<char>('0' + i % 10);
    csv += ":00Z,inbound,1,10,A";
    csv += static_cast<char>('0' + i % 3);
    csv += ",phone,sales,100,,,1,,,,\n";
  }
  KpiOptions o;
  return test::table_of(csv, o);
}

} // namespace

TEST(MaxGroups, ContactIdIsAGroupKey) {
  KpiOptions o;
  o.threads = 1;
  const ContactTable t = contacts(20);
  const KpiTable k = finalize(aggregate(t, std::vector<std::string>{"contact_id"}, o));
  ASSERT_EQ(k.size(), 7u);
  EXPECT_EQ(*k.keys[0][0], "C0");
  EXPECT_EQ(*k.keys[6][0], "C6");
  std::int64_t offered = 0;
  for (std::size_t g = 0; g < k.size(); ++g)
    offered += static_cast<std::int64_t>(k.values[g][0].numerator);
  EXPECT_EQ(offered, 20);
  EXPECT_EQ(k.values[0][0].numerator, 3); // C0: rows 0, 7, 14
}

TEST(MaxGroups, GuardStopsBeforeAggregating) {
  KpiOptions o;
  o.threads = 1;
  const ContactTable t = contacts(20);
  o.max_groups = 7;
  EXPECT_EQ(aggregate(t, std::vector<std::string>{"contact_id"}, o).size(), 7u);
  o.max_groups = 6;
  try {
    (void)aggregate(t, std::vector<std::string>{"agent_id", "contact_id"}, o);
    FAIL();
  } catch (const TooManyGroups& e) {
    EXPECT_STREQ(
        e.what(),
        "group keys agent_id,contact_id make more than 6 groups (max_groups): group by coarser "
        "keys, or raise max_groups (docs/kpis.md, \"max_groups\")");
  }
  // The same guard on dimension keys, counted on the groups the data has (3 agents).
  o.max_groups = 3;
  EXPECT_EQ(build_group_index(t, std::vector<std::string>{"agent_id", "team", "hour"}, o).groups,
            3u);
  o.max_groups = 2;
  EXPECT_THROW((void)build_group_index(t, std::vector<std::string>{"agent_id", "team", "hour"}, o),
               TooManyGroups);
  o.max_groups = 1;
  EXPECT_THROW((void)build_group_index(t, std::vector<std::string>{"agent_id"}, o), TooManyGroups);
  EXPECT_EQ(build_group_index(t, std::vector<std::string>{}, o).groups, 1u);
}

TEST(MaxGroups, OptionParsingAndFingerprint) {
  const KpiOptions d;
  EXPECT_EQ(d.max_groups, 5'000'000u);
  const KpiOptions o = KpiOptions::from_json_text(R"({"max_groups": 100})");
  EXPECT_EQ(o.max_groups, 100u);
  EXPECT_EQ(o.fingerprint(), d.fingerprint()); // a guard, not a definition
  EXPECT_FALSE(d.to_json().contains("max_groups"));
  EXPECT_EQ(KpiOptions::from_json(o.to_json()).max_groups, 100u);
  try {
    (void)KpiOptions::from_json_text(R"({"max_groups": 0})");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "options /max_groups: expected an integer in 1..4294967294");
  }
}

TEST(MaxGroups, MemoryPerGroupOfDocsKpisMd) {
  // docs/kpis.md "max_groups": GroupAcc (192 B, static_assert in src/aggregate.cpp) and WideAcc
  // (24 x 8 B) per thread; 28 counters of 8 B and 6 squares of 16 B in the grouped state, plus
  // two histogram vectors; per finalized group a KpiValue per KPI.
  EXPECT_EQ(counter_count * 8 + square_count * 16, 320u);
  EXPECT_EQ(sizeof(std::vector<DurationHistogram::Bin>), 24u);
  EXPECT_EQ(sizeof(KpiValue), 32u);
  EXPECT_EQ(sizeof(std::optional<std::string>), 40u);
  EXPECT_EQ(contact_kpi_definitions(false).size(), 18u);
}
