#include "test_util.hpp"

#include <kpiscore/engine/kpi_intervals.hpp>
#include <kpiscore/io/report.hpp>
#include <kpiscore/stats/mean.hpp>
#include <kpiscore/stats/nps.hpp>
#include <kpiscore/stats/proportion.hpp>

#include "stats/stats_test_util.hpp"

#include <cmath>
#include <string>
#include <vector>

using namespace kpiscore;
using test::error_text;
using test::header;
using test::table_of;

namespace {

// Columns: id, arrived, dir, answered, wait, agent, channel, queue, talk, hold, acw, fcr, csat,
// nps, complaint, converted. Agent a: 5 answered contacts; agent b: one answered contact and
// every NPS answer a promoter.
const std::string rows = std::string(header) +
                         "1,2026-03-02T09:00:00Z,inbound,1,10,a,phone,q1,100,20,30,1,5,10,0,1\n"
                         "2,2026-03-02T09:01:00Z,inbound,1,20,a,phone,q1,200,0,40,0,4,9,0,0\n"
                         "3,2026-03-02T09:02:00Z,inbound,1,30,a,chat,q2,300,5,50,1,3,8,1,0\n"
                         "4,2026-03-02T09:03:00Z,inbound,0,5,a,phone,q1,,,,,,,,\n"
                         "5,2026-03-02T09:04:00Z,inbound,1,25,a,chat,q2,90,10,20,1,2,3,0,0\n"
                         "6,2026-03-02T09:09:00Z,inbound,1,15.5,a,chat,q2,110,5,15,0,1,,0,\n"
                         "7,2026-03-02T09:10:00Z,inbound,1,12,b,phone,q1,80,0,20,1,5,10,0,0\n";

struct Fixture {
  GroupedKpiState state;
  KpiTable table;
};

Fixture make(const KpiOptions& o = {}) {
  Fixture f{aggregate(table_of(rows, o), std::vector<std::string>{"agent_id"}, o), {}};
  f.table = finalize(f.state);
  add_intervals(f.table, f.state);
  return f;
}

const std::optional<stats::Interval>& at(const Fixture& f, std::size_t g, std::string_view kpi) {
  return f.table.intervals.at(g).at(f.table.kpi_index(kpi));
}

// Every interval equals the stats function applied to the raw per-contact values.
TEST(KpiIntervals, FromStateEqualsFromRawValues) {
  const Fixture f = make();
  // fcr of a: 3 resolved of 5 known (contact 4 has none) -> wilson at 0.05.
  const auto fcr = stats::proportion_confint(3, 5, 0.05, stats::ProportionMethod::wilson);
  ASSERT_TRUE(at(f, 0, "fcr"));
  EXPECT_DOUBLE_EQ(at(f, 0, "fcr")->lower, fcr.lower);
  EXPECT_DOUBLE_EQ(at(f, 0, "fcr")->upper, fcr.upper);
  // csat_top_box of a: 2 of 5 votes >= 4.
  const auto top = stats::proportion_confint(2, 5, 0.05, stats::ProportionMethod::wilson);
  EXPECT_DOUBLE_EQ(at(f, 0, "csat_top_box")->upper, top.upper);
  // service_level of a: answered within 20 s (10, 20, 15.5) of 6 offered.
  const auto sl = stats::proportion_confint(3, 6, 0.05, stats::ProportionMethod::wilson);
  EXPECT_DOUBLE_EQ(at(f, 0, "service_level")->lower, sl.lower);
  // aht_s and asa_s of a: t intervals over the raw seconds.
  const std::vector<double> handle{150, 240, 355, 120, 130}, wait{10, 20, 30, 25, 15.5};
  const auto aht = stats::mean_confint(handle), asa = stats::mean_confint(wait);
  EXPECT_NEAR(at(f, 0, "aht_s")->lower, aht.interval.lower, 1e-9 * aht.mean);
  EXPECT_NEAR(at(f, 0, "aht_s")->upper, aht.interval.upper, 1e-9 * aht.mean);
  EXPECT_NEAR(at(f, 0, "asa_s")->lower, asa.interval.lower, 1e-9 * asa.mean);
  EXPECT_NEAR(at(f, 0, "asa_s")->upper, asa.interval.upper, 1e-9 * asa.mean);
  const std::vector<double> csat{5, 4, 3, 2, 1};
  EXPECT_NEAR(at(f, 0, "csat_mean")->lower, stats::mean_confint(csat).interval.lower, 1e-12);
  // nps of a: answers 10, 9, 8, 3 -> 2 promoters, 1 passive, 1 detractor.
  const auto nps = stats::nps_confint(2, 1, 1);
  EXPECT_DOUBLE_EQ(at(f, 0, "nps")->lower, nps.interval.lower);
  EXPECT_DOUBLE_EQ(at(f, 0, "nps")->upper, nps.interval.upper);
}

TEST(KpiIntervals, UndefinedIntervalsAreNull) {
  const Fixture f = make();
  EXPECT_FALSE(at(f, 1, "aht_s"));      // one observation: no degree of freedom
  EXPECT_FALSE(at(f, 1, "nps"));        // every answer a promoter: degenerate
  EXPECT_FALSE(at(f, 0, "offered"));    // counts carry none
  EXPECT_TRUE(at(f, 1, "fcr"));         // 1 of 1: Wilson still gives [0.2065, 1]
  EXPECT_FALSE(at(f, 1, "avg_hold_s")); // one observation
}

TEST(KpiIntervals, OptionsChooseMethodAndAlpha) {
  const auto o =
      KpiOptions::from_json_text(R"({"intervals": {"alpha": 0.1, "proportion_method": "beta"}})");
  const Fixture f = make(o);
  const auto fcr = stats::proportion_confint(3, 5, 0.1, stats::ProportionMethod::beta);
  EXPECT_DOUBLE_EQ(at(f, 0, "fcr")->lower, fcr.lower);
  // Interval options do not change what a state holds: the fingerprint ignores them, and the
  // default section is left out of the normalized document.
  EXPECT_EQ(o.fingerprint(), KpiOptions{}.fingerprint());
  EXPECT_FALSE(KpiOptions{}.to_json().contains("intervals"));
  EXPECT_EQ(o.to_json()["intervals"]["proportion_method"], "beta");
  EXPECT_EQ(KpiOptions::from_json(o.to_json()), o);
  // Explicit options override the state's.
  KpiTable t = finalize(f.state);
  add_intervals(t, f.state, KpiOptions::Intervals{});
  EXPECT_DOUBLE_EQ(t.intervals[0][t.kpi_index("fcr")]->lower,
                   stats::proportion_confint(3, 5, 0.05, stats::ProportionMethod::wilson).lower);
}

TEST(KpiIntervals, BadOptionsNameTheirPath) {
  EXPECT_EQ(error_text([] { KpiOptions::from_json_text(R"({"intervals": {"alpha": 1.5}})"); }),
            "options /intervals/alpha: expected a number in (0, 1)");
  EXPECT_EQ(error_text([] {
              KpiOptions::from_json_text(R"({"intervals": {"proportion_method": "exact"}})");
            }),
            "options /intervals/proportion_method: expected one of \"wilson\", \"agresti_coull\", "
            "\"beta\", \"jeffreys\", \"normal\", actual \"exact\"");
  EXPECT_EQ(error_text([] { KpiOptions::from_json_text(R"({"intervals": {"level": 0.9}})"); }),
            "options /intervals/level: unknown key (expected one of: alpha, proportion_method)");
}

TEST(KpiIntervals, TableMustComeFromTheState) {
  const Fixture f = make();
  const auto other = aggregate(table_of(rows), std::vector<std::string>{"channel"}, KpiOptions{});
  KpiTable t = finalize(f.state);
  EXPECT_EQ(error_text([&] { add_intervals(t, other); }),
            "add_intervals: the table was not finalized from this state (groups or KPIs differ)");
}

// Reports: without intervals byte-identical to before; with them, <kpi>_lo and <kpi>_hi follow
// each ratio, mean and NPS KPI.
TEST(KpiIntervals, Reports) {
  const Fixture f = make();
  KpiTable plain = finalize(f.state);
  const std::string csv = to_csv(plain);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "agent_id,offered,answered,abandoned,handled,asa_s,aht_s,avg_talk_s,avg_hold_s,"
            "avg_acw_s,service_level,abandon_rate,connect_rate,fcr,csat_mean,csat_top_box,nps,"
            "complaint_rate,conversion_rate");
  const std::string with = to_csv(f.table);
  EXPECT_EQ(with.substr(0, with.find('\n')),
            "agent_id,offered,answered,abandoned,handled,asa_s,asa_s_lo,asa_s_hi,aht_s,aht_s_lo,"
            "aht_s_hi,avg_talk_s,avg_talk_s_lo,avg_talk_s_hi,avg_hold_s,avg_hold_s_lo,"
            "avg_hold_s_hi,avg_acw_s,avg_acw_s_lo,avg_acw_s_hi,service_level,service_level_lo,"
            "service_level_hi,abandon_rate,abandon_rate_lo,abandon_rate_hi,connect_rate,"
            "connect_rate_lo,connect_rate_hi,fcr,fcr_lo,fcr_hi,csat_mean,csat_mean_lo,"
            "csat_mean_hi,csat_top_box,csat_top_box_lo,csat_top_box_hi,nps,nps_lo,nps_hi,"
            "complaint_rate,complaint_rate_lo,complaint_rate_hi,conversion_rate,"
            "conversion_rate_lo,conversion_rate_hi");
  const auto json = to_json(f.table);
  EXPECT_EQ(json[1]["nps"], 100.0);
  EXPECT_TRUE(json[1]["nps_lo"].is_null());
  EXPECT_EQ(json[0]["fcr_lo"].get<double>(), at(f, 0, "fcr")->lower);
  const std::string text = to_text(f.table);
  EXPECT_NE(text.find("fcr_lo"), std::string::npos);
  EXPECT_EQ(to_text(plain).find("_lo"), std::string::npos);
}

} // namespace
