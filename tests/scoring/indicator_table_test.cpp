// The indicator-table reader shared by `kpiscore kpis` and `kpiscore score`
// (indicator_columns.hpp): period labels exactly as the grouping writes them, rejects, header
// errors, encodings, delimiters and the join counts.
#include "test_util.hpp"

#include <kpiscore/scoring/indicator_columns.hpp>

using namespace kpiscore;
using namespace kpiscore::scoring;

namespace {

std::vector<std::string> keys(std::initializer_list<const char*> k) {
  return {k.begin(), k.end()};
}

std::string header_error(std::string_view text, const std::vector<std::string>& k) {
  try {
    (void)read_indicator_csv(text, k);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST(IndicatorTable, PeriodsMustBeTheGroupingLabels) {
  const auto k = keys({"agent_id", "month"});
  const auto r = read_indicator_csv("agent_id,month,attendance\n"
                                    "A1,2026-03,0.97\n"
                                    "A1,2026-3,1\n"
                                    "A1,2026-13,1\n"
                                    "A1,2026-03-01,1\n"
                                    "A1,,1\n"
                                    "A2,1899-12,1\n",
                                    k);
  EXPECT_EQ(r.rows_read, 6u);
  EXPECT_EQ(r.accepted(), 1u);
  EXPECT_EQ(r.rejects, (std::vector<Reject>{{3, "month", "not a month: expected YYYY-MM"},
                                            {4, "month", "not a month: expected YYYY-MM"},
                                            {5, "month", "not a month: expected YYYY-MM"},
                                            {6, "month", "missing period"},
                                            {7, "month", "not a month: expected YYYY-MM"}}));
  struct Case {
    const char* key;
    const char* good;
    const char* bad;
    const char* reason;
  };
  const Case cases[] = {
      {"day", "2024-02-29", "2023-02-29", "not a day: expected YYYY-MM-DD"},
      {"week", "2026-W53", "2025-W53", "not an ISO week: expected YYYY-Www (a week that year has)"},
      {"week", "2020-W53", "2026-W00", "not an ISO week: expected YYYY-Www (a week that year has)"},
      {"hour", "2026-03-02T23:00", "2026-03-02T23:30", "not an hour: expected YYYY-MM-DDTHH:00"},
      {"interval30", "2026-03-02T09:30", "2026-03-02T09:15",
       "not a 30-minute interval: expected YYYY-MM-DDTHH:MM, minutes 00 or 30"},
      {"interval15", "2026-03-02T09:45", "2026-03-02 09:45",
       "not a 15-minute interval: expected YYYY-MM-DDTHH:MM, minutes 00, 15, 30 or 45"},
      {"peak", "off_peak", "offpeak", "expected peak or off_peak"},
  };
  for (const auto& c : cases) {
    const auto r2 = read_indicator_csv(
        std::string(c.key) + ",x\n" + c.good + ",1\n" + c.bad + ",2\n", keys({c.key}));
    EXPECT_EQ(r2.accepted(), 1u) << c.key << " " << c.good;
    EXPECT_EQ(r2.rejects, (std::vector<Reject>{{3, c.key, c.reason}})) << c.key << " " << c.bad;
  }
}

TEST(IndicatorTable, LabelsMatchTheGroupsOfContacts) {
  // Every accepted period label joins the group the aggregation makes for the same local time.
  const std::string csv =
      std::string(test::header) + "C1,2026-12-31T23:50:00+08:00,inbound,1,10,A1,phone,q,1,,,,,,,\n";
  KpiOptions o;
  o.timezone = "Asia/Shanghai";
  o.threads = 1;
  const ContactTable t = test::table_of(csv, o);
  const auto by = keys({"agent_id", "interval15", "hour", "day", "week", "month", "peak"});
  KpiTable table = finalize(aggregate(t, by, o));
  const auto extra = read_indicator_csv(
      "agent_id,interval15,hour,day,week,month,peak,cost\n"
      "A1,2026-12-31T23:45,2026-12-31T23:00,2026-12-31,2026-W53,2026-12,off_peak,8.5\n",
      by);
  ASSERT_TRUE(extra.rejects.empty());
  const IndicatorJoin j = join(table, extra);
  EXPECT_EQ(j.matched, 1u);
  EXPECT_EQ(j.unmatched, 0u);
  EXPECT_EQ(j.groups_without, 0u);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.values[0][table.kpi_index("cost")].value, 8.5);
}

TEST(IndicatorTable, RecordRejects) {
  const auto k = keys({"agent_id"});
  const auto r = read_indicator_csv("agent_id,attendance,cost\n"
                                    "A1,0.9,8\n"
                                    "A2,abc,8\n"
                                    "A3,inf,8\n"
                                    "A4,0.9\n"
                                    "\"A5,0.9,8\n",
                                    k);
  EXPECT_EQ(r.accepted(), 1u);
  EXPECT_EQ(r.rows_read, 5u);
  EXPECT_EQ(r.rejects, (std::vector<Reject>{{3, "attendance", "not a number"},
                                            {4, "attendance", "not a number"},
                                            {5, "", "expected 3 fields, actual 2"},
                                            {6, "", "unterminated or misplaced quote"}}));
  const auto d = read_indicator_csv("agent_id,x\nA1,1\n\nA1,2\n,3\n,4\n", k);
  EXPECT_EQ(d.rows_read, 4u);
  EXPECT_EQ(d.rejects,
            (std::vector<Reject>{{4, "", "duplicate group key"}, {6, "", "duplicate group key"}}));
  EXPECT_EQ(d.keys[1][0], std::nullopt); // an empty dimension key is the null group
}

TEST(IndicatorTable, HeaderErrors) {
  const auto k = keys({"agent_id", "month"});
  EXPECT_EQ(header_error("", k), "indicators: empty file, expected a header row");
  EXPECT_EQ(header_error("agent_id,x\n", k), "indicators header: missing group-key column 'month'");
  EXPECT_EQ(header_error("agent_id,month,day,x\n", k),
            "indicators header: column 'day' is a group key but not one of the group keys "
            "(agent_id,month); key "
            "the table by exactly the group keys of the KPIs");
  EXPECT_EQ(header_error("team,x\n", keys({})),
            "indicators header: column 'team' is a group key but not one of the group keys (none); "
            "key the table "
            "by exactly the group keys of the KPIs");
  EXPECT_EQ(header_error("agent_id,month,x,x\n", k), "indicators header: column 'x' appears twice");
  EXPECT_EQ(header_error("agent_id,month,,x\n", k), "indicators header: column 3 has no name");
  EXPECT_EQ(header_error("agent_id,month;x|y\n", k),
            "indicators header: cannot tell the delimiter (1 ',' and ';')");
  EXPECT_EQ(header_error("agent_id,month,x\nA1,2026-03,\xff\xff\n", k),
            "indicators: neither UTF-8 (bad byte at byte offset 28 (line 2)) nor GB18030 (bad byte "
            "at byte offset "
            "28 (line 2)); save the table as UTF-8");
}

TEST(IndicatorTable, EncodingsAndDelimiters) {
  const auto k = keys({"team"});
  // 一组 in GB18030 (D2 BB D7 E9), semicolons.
  const auto gb = read_indicator_csv("team;attendance\n\xD2\xBB\xD7\xE9;0.95\n", k);
  EXPECT_EQ(gb.encoding, "gb18030");
  EXPECT_EQ(gb.delimiter, ';');
  ASSERT_EQ(gb.accepted(), 1u);
  EXPECT_EQ(*gb.keys[0][0], "一组");
  const auto bom = read_indicator_csv("\xEF\xBB\xBFteam\tattendance\n一组\t0.95\n", k);
  EXPECT_EQ(bom.encoding, "utf-8-bom");
  EXPECT_EQ(bom.delimiter, '\t');
  EXPECT_EQ(*bom.keys[0][0], "一组");
  EXPECT_EQ(bom.values[0][0], 0.95);
}

TEST(IndicatorTable, JoinCountsUnmatchedRowsAndGroupsWithout) {
  KpiTable t;
  t.key_names = {"agent_id"};
  t.kpis = {{"offered", KpiKind::count}};
  t.keys = {{std::string("A1")}, {std::string("A2")}, {std::nullopt}};
  t.values = {{KpiValue{1, 1, 1}}, {KpiValue{2, 2, 1}}, {KpiValue{3, 3, 1}}};
  const auto extra = read_indicator_csv("agent_id,attendance\nA2,0.9\nA9,1\n", keys({"agent_id"}));
  const IndicatorJoin j = join(t, extra);
  EXPECT_EQ(j.matched, 1u);
  EXPECT_EQ(j.unmatched, 1u);
  EXPECT_EQ(j.groups_without, 2u);
  ASSERT_EQ(t.size(), 4u); // A9 added, sorted before the null group
  EXPECT_EQ(*t.keys[2][0], "A9");
  EXPECT_EQ(t.values[2][1].value, 1.0);
  EXPECT_EQ(t.values[2][0].numerator, 0);
  EXPECT_EQ(t.keys[3][0], std::nullopt);
}
