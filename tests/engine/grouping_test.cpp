#include "test_util.hpp"

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
