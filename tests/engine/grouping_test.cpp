#include "contact_generator.hpp"
#include "test_util.hpp"

#include <cstdio>

using namespace kpiscore;

namespace {

std::vector<std::string> labels(const std::string& times, const std::string& key, const char* zone,
                                 const std::string& options = "{}") {
  std::string csv = "contact_id,arrived_at,direction,answered,wait_s\n";
  std::size_t start = 0, i = 0;
  while (start < times.size()) {
    auto end = times.find(';', start);
    if (end == std::string::npos) end = times.size();
    csv += std::to_string(i++) + "," + times.substr(start, end - start) + ",inbound,1,1\n";
    start = end + 1;
  }
  KpiOptions o = KpiOptions::from_json_text(options);
  o.timezone = zone;
  const ContactTable t = test::table_of(csv);
  const std::vector<std::string> by{key};
  const GroupIndex idx = build_group_index(t, by, o);
  std::vector<std::string> out;
  for (std::size_t r = 0; r < t.size(); ++r)
    out.emplace_back(idx.keys[0].value(idx.group_of_row[r]));
  return out;
}

using L = std::vector<std::string>;

} // namespace

TEST(Grouping, DayHourAndIntervalsInTheZone) {
  EXPECT_EQ(labels("2026-03-02T15:59:59Z;2026-03-02T16:00:00Z", "day", "Asia/Shanghai"),
            (L{"2026-03-02", "2026-03-03"}));
  EXPECT_EQ(labels("2026-03-02T15:59:59Z;2026-03-02T16:00:00Z", "day", "UTC"),
            (L{"2026-03-02", "2026-03-02"}));
  EXPECT_EQ(labels("2026-03-02T09:14:59Z;2026-03-02T09:15:00Z;2026-03-02T09:44:00Z", "interval15", "UTC"),
            (L{"2026-03-02T09:00", "2026-03-02T09:15", "2026-03-02T09:30"}));
  EXPECT_EQ(labels("2026-03-02T09:29:59Z;2026-03-02T09:30:00Z", "interval30", "UTC"),
            (L{"2026-03-02T09:00", "2026-03-02T09:30"}));
  EXPECT_EQ(labels("2026-03-02T09:59:59Z", "hour", "Asia/Shanghai"), (L{"2026-03-02T17:00"}));
  EXPECT_EQ(labels("1969-12-31T23:30:00Z", "hour", "UTC"), (L{"1969-12-31T23:00"}));
}

TEST(Grouping, AcrossDaylightSavingChanges) {
  // New York springs forward on 2026-03-08 at 02:00 EST → 03:00 EDT.
  EXPECT_EQ(labels("2026-03-08T06:59:00Z;2026-03-08T07:00:00Z;2026-03-08T04:59:00Z;2026-03-08T05:00:00Z", "hour",
                   "America/New_York"),
            (L{"2026-03-08T01:00", "2026-03-08T03:00", "2026-03-07T23:00", "2026-03-08T00:00"}));
  // Falls back on 2026-11-01 at 02:00 EDT → 01:00 EST: both 01:xx hours share the local bucket.
  EXPECT_EQ(labels("2026-11-01T05:30:00Z;2026-11-01T06:30:00Z;2026-11-01T07:30:00Z", "hour", "America/New_York"),
            (L{"2026-11-01T01:00", "2026-11-01T01:00", "2026-11-01T02:00"}));
  // The local day of a 25-hour day holds all of it.
  EXPECT_EQ(labels("2026-11-01T04:00:00Z;2026-11-02T04:59:59Z;2026-11-02T05:00:00Z", "day", "America/New_York"),
            (L{"2026-11-01", "2026-11-01", "2026-11-02"}));
}

TEST(Grouping, IsoWeeksAcrossYearBoundaries) {
  EXPECT_EQ(labels("2020-12-31T12:00:00Z;2021-01-03T12:00:00Z;2021-01-04T12:00:00Z", "week", "UTC"),
            (L{"2020-W53", "2020-W53", "2021-W01"}));
  EXPECT_EQ(labels("2024-12-29T12:00:00Z;2024-12-30T12:00:00Z;2025-01-05T12:00:00Z", "week", "UTC"),
            (L{"2024-W52", "2025-W01", "2025-W01"}));
  EXPECT_EQ(labels("2026-01-01T00:00:00Z;2026-12-31T12:00:00Z", "week", "UTC"), (L{"2026-W01", "2026-W53"}));
  EXPECT_EQ(labels("2019-12-30T00:00:00Z", "week", "UTC"), (L{"2020-W01"}));
}

TEST(Grouping, Months) {
  EXPECT_EQ(labels("2026-01-31T16:00:00Z;2026-02-28T15:59:59Z;2026-12-31T23:59:59Z", "month", "Asia/Shanghai"),
            (L{"2026-02", "2026-02", "2027-01"}));
}

TEST(Grouping, PeakHoursFromOptions) {
  EXPECT_EQ(labels("2026-03-02T08:59:59Z;2026-03-02T09:00:00Z;2026-03-02T11:59:59Z;2026-03-02T12:00:00Z", "peak",
                   "UTC"),
            (L{"off_peak", "peak", "peak", "off_peak"}));
  EXPECT_EQ(labels("2026-03-02T01:30:00Z;2026-03-02T09:00:00Z", "peak", "Asia/Shanghai",
                   R"({"peak": {"hours": ["09:00-10:00"]}})"),
            (L{"peak", "off_peak"}));
}

TEST(Grouping, GroupsAreSortedByKeyWithNullLast) {
  const ContactTable t = test::table_of("contact_id,arrived_at,direction,answered,wait_s,team\n"
                                        "1,2026-03-02T09:00:00Z,inbound,1,1,b\n"
                                        "2,2026-03-02T09:00:00Z,inbound,1,1,\n"
                                        "3,2026-03-02T09:00:00Z,inbound,1,1,a\n"
                                        "4,2026-03-02T09:00:00Z,inbound,1,1,b\n");
  const std::vector<std::string> by{"team", "agent_id"};
  const GroupIndex idx = build_group_index(t, by, KpiOptions{});
  ASSERT_EQ(idx.groups, 3u);
  EXPECT_EQ(idx.group_of_row, (std::vector<std::uint32_t>{1, 2, 0, 1}));
  EXPECT_EQ(idx.keys[0].value(0), "a");
  EXPECT_EQ(idx.keys[0].codes()[2], null_code);
  EXPECT_EQ(idx.keys[1].codes()[0], null_code); // agent_id is absent: all null
}

TEST(Grouping, UnknownKeyIsAnError) {
  const ContactTable t = test::table_of("contact_id,arrived_at,direction,answered,wait_s\n1,2026-03-02T09:00:00Z,inbound,1,1\n");
  const std::vector<std::string> by{"colour"};
  try {
    (void)build_group_index(t, by, KpiOptions{});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown group key 'colour': not a column of the input, a time bucket "
                           "(interval15, interval30, hour, day, week, month) or peak");
  }
  EXPECT_EQ(parse_group_by(" agent_id, month "), (std::vector<std::string>{"agent_id", "month"}));
  EXPECT_THROW(parse_group_by("agent_id,,month"), std::invalid_argument);
}

namespace {

/// y-m-d of a day count since 1970-01-01 (H. Hinnant's civil_from_days), for labels computed
/// independently of the library.
std::string ymd(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(yoe + era * 400 + (m <= 2)),
                static_cast<long long>(m), static_cast<long long>(d));
  return buf;
}

/// The label of a time key for a local time in ms, from first principles.
std::string time_label(const std::string& key, std::int64_t local_ms) {
  const std::int64_t minute = local_ms >= 0 ? local_ms / 60'000 : (local_ms - 59'999) / 60'000;
  const std::int64_t day = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440;
  const std::int64_t m = minute - day * 1440;
  const std::int64_t width = key == "interval15" ? 15 : key == "interval30" ? 30 : key == "hour" ? 60 : 1440;
  if (width == 1440) return ymd(day);
  const std::int64_t start = m / width * width;
  char buf[64];
  std::snprintf(buf, sizeof buf, "T%02lld:%02lld", static_cast<long long>(start / 60), static_cast<long long>(start % 60));
  return ymd(day) + buf;
}

std::optional<std::string> value_of(const DictionaryColumn& col, std::size_t row) {
  if (col.codes()[row] == null_code) return std::nullopt;
  return std::string(col.value(row));
}

} // namespace

TEST(Grouping, EveryRowLandsInTheGroupOfItsOwnLabelsInKeyOrder) {
  // Dimensions (with nulls) and fixed-width time keys in zones with one offset: each row's group
  // must carry the row's own labels, and groups must be strictly increasing in key order.
  examples::GeneratorConfig c;
  c.rows = 30'000;
  c.seed = 21;
  c.agents = 40;
  c.days = 5;
  ContactTable t = examples::ContactGenerator::table(c);
  DictionaryColumn& agent = t.dimensions[*t.dimension_index("agent_id")];
  DictionaryColumn with_nulls("agent_id");
  for (std::size_t r = 0; r < t.size(); ++r)
    with_nulls.push_back(r % 97 == 0 ? std::string_view{} : agent.value(r));
  agent = std::move(with_nulls);
  const std::vector<std::vector<std::string>> key_sets{
      {"agent_id", "day"}, {"hour", "team", "channel"}, {"interval15"}, {"day", "vendor", "interval30"}};
  for (const char* zone : {"UTC", "Asia/Shanghai", "Asia/Kolkata"}) {
    KpiOptions o;
    o.timezone = zone;
    const std::int64_t offset = std::string(zone) == "UTC" ? 0 : std::string(zone) == "Asia/Shanghai" ? 8 * 3'600'000 : 19'800'000;
    for (const auto& by : key_sets) {
      const GroupIndex idx = build_group_index(t, by, o);
      std::vector<char> used(idx.groups, 0);
      for (std::size_t r = 0; r < t.size(); ++r) {
        const std::uint32_t g = idx.group_of_row[r];
        ASSERT_LT(g, idx.groups);
        used[g] = 1;
        for (std::size_t k = 0; k < by.size(); ++k) {
          const std::optional<std::string> got = value_of(idx.keys[k], g);
          std::optional<std::string> want;
          if (const auto* col = t.dimension(by[k]))
            want = value_of(*col, r);
          else
            want = time_label(by[k], t.arrived_at_ms[r] + offset);
          ASSERT_EQ(got, want) << zone << " row " << r << " key " << by[k];
        }
      }
      for (std::size_t g = 0; g < idx.groups; ++g) ASSERT_TRUE(used[g]) << "group " << g << " unused";
      auto tuple = [&](std::size_t g) {
        std::vector<std::pair<int, std::string>> v; // null sorts last
        for (const auto& k : idx.keys) {
          const auto l = value_of(k, g);
          v.emplace_back(l ? 0 : 1, l.value_or(""));
        }
        return v;
      };
      for (std::size_t g = 1; g < idx.groups; ++g) ASSERT_LT(tuple(g - 1), tuple(g)) << zone << " group " << g;
    }
  }
}
