#include "contact_generator.hpp"
#include "test_util.hpp"

#include <random>

using namespace kpiscore;

namespace {

ContactTable generated(std::size_t rows, std::uint64_t seed, int agents = 13) {
  examples::GeneratorConfig c;
  c.rows = rows;
  c.seed = seed;
  c.agents = agents;
  c.days = 3;
  return examples::ContactGenerator::table(c);
}

/// Rows [b, e) of a table, as its own table (a "file" of a split).
ContactTable slice(const ContactTable& t, const std::vector<std::size_t>& rows) {
  ContactTable s;
  for (const auto& d : t.dimensions) s.dimensions.emplace_back(d.name());
  for (std::size_t r : rows) {
    s.contact_id.push_back(t.contact_id[r]);
    s.arrived_at_ms.push_back(t.arrived_at_ms[r]);
    s.inbound.push_back(t.inbound[r]);
    s.answered.push_back(t.answered[r]);
    s.wait_ms.push_back(t.wait_ms[r]);
    for (std::size_t f = 0; f < 3; ++f) s.durations[f].push_back(t.durations[f][r]);
    for (std::size_t f = 0; f < 5; ++f) s.smalls[f].push_back(t.smalls[f][r]);
    for (std::size_t d = 0; d < t.dimensions.size(); ++d) s.dimensions[d].push_back(t.dimensions[d].value(r));
  }
  return s;
}

const KpiOptions options_with_everything = KpiOptions::from_json_text(R"({
  "timezone": "Asia/Shanghai", "quantiles": true,
  "service_level": {"threshold_s_by_channel": {"chat": 30}, "short_abandon_s": 5, "abandons": "ignore"},
  "fcr": {"unknown": "not_resolved"}})");

/// Every option the coded kernel (no quantiles) turns into its lookup tables, off the defaults.
const KpiOptions options_coded = KpiOptions::from_json_text(R"({
  "timezone": "Asia/Shanghai",
  "service_level": {"threshold_s_by_channel": {"chat": 30}, "short_abandon_s": 5, "abandons": "for",
                    "comparison": "<"},
  "aht": {"components": ["talk", "acw"]}, "csat": {"top_box_min": 5},
  "fcr": {"unknown": "not_resolved", "scope": "handled"},
  "complaint_rate": {"denominator": "offered"}, "conversion_rate": {"denominator": "offered"}})");

} // namespace

namespace {

/// The columnar kernel against ContactKpiState::add row by row, for one grouping.
void expect_kernel_equals_definition(const ContactTable& t, const std::vector<std::string>& by) {
  for (const auto& o : {KpiOptions{}, options_with_everything, options_coded}) {
    const GroupedKpiState s = aggregate(t, by, o);
    const GroupIndex idx = build_group_index(t, by, o);
    std::vector<ContactKpiState> expected(idx.groups);
    const ContactRules rules = ContactRules::from(o);
    const auto* channel = t.dimension("channel");
    for (std::size_t r = 0; r < t.size(); ++r) {
      ContactRecord rec;
      rec.inbound = t.inbound[r];
      rec.answered = t.answered[r];
      rec.wait_ms = t.wait_ms[r];
      rec.talk_ms = t.durations[0][r];
      rec.hold_ms = t.durations[1][r];
      rec.acw_ms = t.durations[2][r];
      rec.resolved_first_contact = t.smalls[0][r];
      rec.csat = t.smalls[1][r];
      rec.nps = t.smalls[2][r];
      rec.complaint = t.smalls[3][r];
      rec.converted = t.smalls[4][r];
      auto it = o.service_level.threshold_ms_by_channel.find(channel->value(r));
      rec.sl_threshold_ms = it != o.service_level.threshold_ms_by_channel.end() ? it->second : o.service_level.threshold_ms;
      expected[idx.group_of_row[r]].add(rec, rules, o.quantiles);
    }
    ASSERT_EQ(s.size(), idx.groups);
    for (std::size_t g = 0; g < s.size(); ++g) ASSERT_EQ(s.state(g), expected[g]) << "group " << g;
  }
}

} // namespace

TEST(Aggregate, ColumnarKernelEqualsPerRecordDefinition) {
  expect_kernel_equals_definition(generated(20'000, 1), {"agent_id", "day"});
}

TEST(Aggregate, KernelEqualsPerRecordDefinitionWithManyGroups) {
  // More groups than fit in cache: tens of thousands of accumulators.
  const ContactTable t = generated(60'000, 9, 200);
  const std::vector<std::string> by{"agent_id", "interval15"};
  ASSERT_GT(build_group_index(t, by, KpiOptions{}).groups, 4096u);
  expect_kernel_equals_definition(t, by);
}

TEST(Aggregate, LargeGroupsSpillTheirNarrowCounters) {
  // Counts are 16-bit lanes spilled every 65535 rows of a group: 200k rows in one group.
  expect_kernel_equals_definition(generated(200'000, 11), {});
}

TEST(Aggregate, LongDurationsTakeTheWidePath) {
  // A duration of 2^32 ms or more (about 50 days) cannot be packed or squared in 64 bits.
  ContactTable t = generated(20'000, 10, 200);
  t.durations[0][5] = std::int64_t{1} << 33;
  t.wait_ms[7] = (std::int64_t{1} << 32) + 5;
  t.inbound[7] = t.answered[7] = 1;
  expect_kernel_equals_definition(t, {"agent_id", "interval15"});
  expect_kernel_equals_definition(t, {"team"});
}

TEST(Aggregate, DurationsFrom2To24MsSquareInWideSums) {
  // Squares of durations of 2^24 ms (4.7 h) or more go straight into the 128-bit sums (the
  // block of such a row), below that into 64-bit words spilled with the counters.
  ContactTable t = generated(20'000, 12, 50);
  t.durations[2][100] = std::int64_t{1} << 24;
  t.durations[1][7000] = (std::int64_t{1} << 31) - 1;
  t.wait_ms[15000] = std::int64_t{1} << 30;
  t.inbound[15000] = t.answered[15000] = 1;
  expect_kernel_equals_definition(t, {"agent_id", "day"});
  // 65535 rows of one group with the largest 64-bit-path squares, (2^24 - 1)^2, between spills.
  ContactTable full = generated(200'000, 13, 1);
  for (std::size_t r = 0; r < full.size(); ++r) {
    if (full.durations[0][r] != null_duration) full.durations[0][r] = (std::int64_t{1} << 24) - 1;
    if (full.durations[1][r] != null_duration) full.durations[1][r] = 0;
    if (full.durations[2][r] != null_duration) full.durations[2][r] = 0;
  }
  expect_kernel_equals_definition(full, {"team"});
}

TEST(Aggregate, AnySplitMergesToTheWhole) {
  const ContactTable t = generated(5'000, 2);
  const std::vector<std::string> by{"team", "channel", "hour"};
  const GroupedKpiState whole = aggregate(t, by, options_with_everything);
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    // Random assignment of rows to 1..6 parts (not contiguous, any order).
    const int parts = 1 + static_cast<int>(rng() % 6);
    std::vector<std::vector<std::size_t>> rows(static_cast<std::size_t>(parts));
    for (std::size_t r = 0; r < t.size(); ++r) rows[rng() % parts].push_back(r);
    std::shuffle(rows.begin(), rows.end(), rng);
    GroupedKpiState merged;
    bool first = true;
    for (const auto& part : rows) {
      const GroupedKpiState s = aggregate(slice(t, part), by, options_with_everything);
      if (first)
        merged = s;
      else
        merged += s;
      first = false;
    }
    ASSERT_EQ(merged, whole) << "trial " << trial;
    // Bit-identical KPIs and bytes, not just close.
    ASSERT_EQ(merged.serialize(), whole.serialize());
  }
}

TEST(Aggregate, ThreadCountDoesNotChangeTheResult) {
  const ContactTable t = generated(300'000, 3);
  const std::vector<std::string> by{"agent_id", "day"};
  KpiOptions one = options_with_everything, two = options_with_everything, five = options_with_everything;
  one.threads = 1;
  two.threads = 2;
  five.threads = 5;
  const GroupedKpiState a = aggregate(t, by, one);
  EXPECT_EQ(a, aggregate(t, by, two));
  EXPECT_EQ(a, aggregate(t, by, five));
}

TEST(Aggregate, RowOrderDoesNotChangeTheResult) {
  const ContactTable t = generated(3'000, 4);
  std::vector<std::size_t> order(t.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(11));
  const std::vector<std::string> by{"vendor", "week", "peak"};
  EXPECT_EQ(aggregate(t, by, KpiOptions{}), aggregate(slice(t, order), by, KpiOptions{}));
}

TEST(Aggregate, MismatchedShapesAreErrors) {
  ContactTable t = generated(10, 5);
  t.wait_ms.pop_back();
  try {
    (void)aggregate(t, std::vector<std::string>{}, KpiOptions{});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "column wait_s: expected 10 rows, actual 9");
  }
}

TEST(Aggregate, FusedSinglePassEqualsIndexThenKernel) {
  // aggregate(table, by, options) without quantiles computes the group keys inside the kernel's
  // pass (src/grouping_fused.hpp) when every key is a dimension or a fixed-width time bucket in a
  // single-offset zone; it must give the state of build_group_index + aggregate(index), bit for
  // bit: same groups, keys, labels and integers, for any thread count.
  ContactTable t = generated(120'000, 21, 40);
  // Some null agent ids and a dimension with a null slot that no row uses.
  ASSERT_EQ(t.dimensions[3].name(), "agent_id");
  DictionaryColumn agents("agent_id");
  for (std::size_t r = 0; r < t.size(); ++r) agents.push_back(r % 97 == 0 ? std::string_view{} : t.dimensions[3].value(r));
  t.dimensions[3] = std::move(agents);
  const std::vector<std::vector<std::string>> key_sets{
      {"agent_id", "day"}, {"day", "agent_id"}, {"team", "interval15"}, {"channel", "interval30", "queue"},
      {"hour"}, {"agent_id"}, {"vendor", "day"}};
  for (const char* zone : {"UTC", "Asia/Shanghai", "Asia/Kolkata"}) {
    for (const auto& by : key_sets) {
      for (int threads : {1, 2, 5}) {
        KpiOptions o = options_coded;
        o.timezone = zone;
        o.threads = threads;
        const GroupedKpiState fused = aggregate(t, by, o);
        const GroupedKpiState two_step = aggregate(t, build_group_index(t, by, o), o);
        ASSERT_EQ(fused, two_step) << zone << " " << by.front() << " threads " << threads;
        ASSERT_EQ(fused.serialize(), two_step.serialize());
      }
    }
  }
}
