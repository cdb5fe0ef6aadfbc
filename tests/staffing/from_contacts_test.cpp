#include "staffing/staffing_test_util.hpp"
#include "kpiscore/staffing/from_contacts.hpp"

#include <kpiscore/io/csv_reader.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace ks = kpiscore::staffing;
using kpiscore::test::invalid_argument_text;
using kpiscore::test::rel_near;

namespace {

const char* header = "contact_id,arrived_at,direction,answered,wait_s,agent_id,queue,talk_s,hold_s,acw_s\n";

// Hand-computed below. Queue A, 09:00-09:30: contacts 1-3 (4 is outbound); 09:30-10:00: 5, 6.
// Queue B: 7 at 09:15, 8 at 09:45 (abandoned: no handle time in that interval).
const char* small_csv =
    "1,2026-03-02T09:05:00Z,inbound,1,10,X,A,100,20,30\n"  // handle 150, within 20 s
    "2,2026-03-02T09:10:00Z,inbound,1,30,Y,A,200,0,40\n"   // handle 240, not within
    "3,2026-03-02T09:20:00Z,inbound,0,15,,A,,,\n"          // abandoned after 15 s
    "4,2026-03-02T09:25:00Z,outbound,1,0,X,A,500,0,0\n"    // outbound: left out
    "5,2026-03-02T09:40:00Z,inbound,1,0,X,A,90,0,30\n"     // handle 120
    "6,2026-03-02T09:50:00Z,inbound,0,45,,A,,,\n"          // abandoned after 45 s
    "7,2026-03-02T09:15:00Z,inbound,1,5,Z,B,300,0,0\n"     // handle 300
    "8,2026-03-02T09:45:00Z,inbound,0,60,,B,,,\n";         // abandoned after 60 s

kpiscore::ContactTable table_of(const std::string& rows) {
  kpiscore::ReadResult r = kpiscore::read_contacts_csv(std::string(header) + rows);
  EXPECT_TRUE(r.rejects.empty()) << (r.rejects.empty() ? "" : r.rejects[0].reason);
  return std::move(r.table);
}

ks::contacts_forecast_options by_queue_30() {
  ks::contacts_forecast_options o;
  o.interval_minutes = 30;
  o.by_queue = true;
  o.target_s = 20;
  return o;
}

ks::plan_params goal_80_20() {
  ks::plan_params p;
  p.goal.target_s = 20;
  p.goal.service_level = 0.8;
  return p;
}

} // namespace

TEST(FromContacts, ArrivalsAhtServiceLevelAndAgentsSeenPerQueueInterval) {
  const ks::contacts_forecast f = ks::forecast_from_contacts(table_of(small_csv), by_queue_30());
  EXPECT_EQ(f.inbound, 7);
  EXPECT_EQ(f.outbound_skipped, 1);
  ASSERT_EQ(f.intervals.size(), 4u);
  const ks::measured_interval& a1 = f.intervals[0];
  EXPECT_EQ(a1.queue, "A");
  EXPECT_EQ(a1.interval, "2026-03-02T09:00");
  EXPECT_EQ(a1.arrivals, 3);
  EXPECT_EQ(a1.answered, 2);
  EXPECT_EQ(a1.abandoned, 1);
  EXPECT_DOUBLE_EQ(a1.aht_s, (150.0 + 240.0) / 2); // the outbound 500 s is not in it
  EXPECT_FALSE(a1.aht_from_queue);
  EXPECT_DOUBLE_EQ(*a1.service_level, 1.0 / 3);
  EXPECT_DOUBLE_EQ(*a1.asa_s, 20.0);
  EXPECT_EQ(a1.agents_seen, 2);

  const ks::measured_interval& a2 = f.intervals[1];
  EXPECT_EQ(a2.interval, "2026-03-02T09:30");
  EXPECT_EQ(a2.arrivals, 2);
  EXPECT_DOUBLE_EQ(a2.aht_s, 120.0);
  EXPECT_DOUBLE_EQ(*a2.service_level, 0.5);
  EXPECT_EQ(a2.agents_seen, 1);

  const ks::measured_interval& b1 = f.intervals[2];
  EXPECT_EQ(b1.queue, "B");
  EXPECT_EQ(b1.arrivals, 1);
  EXPECT_DOUBLE_EQ(b1.aht_s, 300.0);
  const ks::measured_interval& b2 = f.intervals[3];
  EXPECT_EQ(b2.interval, "2026-03-02T09:30");
  EXPECT_EQ(b2.arrivals, 1);
  EXPECT_EQ(b2.answered, 0);
  EXPECT_DOUBLE_EQ(b2.aht_s, 300.0); // nothing handled here: the queue's AHT
  EXPECT_TRUE(b2.aht_from_queue);
  EXPECT_DOUBLE_EQ(*b2.service_level, 0.0);
  EXPECT_FALSE(b2.asa_s.has_value());
  EXPECT_EQ(b2.agents_seen, 0);
}

TEST(FromContacts, PatiencePerQueueIsTheCensoredExponentialMle) {
  const ks::contacts_forecast f = ks::forecast_from_contacts(table_of(small_csv), by_queue_30());
  ASSERT_EQ(f.queues.size(), 2u);
  const ks::queue_summary& a = f.queues[0];
  EXPECT_EQ(a.queue, "A");
  EXPECT_EQ(a.arrivals, 5);
  EXPECT_DOUBLE_EQ(*a.aht_s, (150.0 + 240.0 + 120.0) / 3);
  // Abandons after 15 and 45 s; answered waits 10, 30, 0 (censored): 2 / (60 + 40) per second.
  EXPECT_EQ(a.waits.abandoned(), 2);
  EXPECT_EQ(a.waits.answered(), 3);
  EXPECT_EQ(a.waits.exposure_ms(), 100'000);
  ASSERT_TRUE(a.patience.has_value());
  EXPECT_DOUBLE_EQ(a.patience->mean_s, 50.0);
  EXPECT_DOUBLE_EQ(a.patience->mean_std_error_s, 50.0 / std::sqrt(2.0));
  const std::vector<double> ab{15, 45}, ans{10, 30, 0};
  EXPECT_DOUBLE_EQ(a.patience->mean_s, ks::estimate_patience(ab, ans).mean_s);
  const ks::queue_summary& b = f.queues[1];
  EXPECT_DOUBLE_EQ(b.patience->mean_s, 65.0); // (60 + 5) / 1

  // One group, hourly: all inbound contacts together.
  ks::contacts_forecast_options o;
  o.interval_minutes = 60;
  const ks::contacts_forecast all = ks::forecast_from_contacts(table_of(small_csv), o);
  ASSERT_EQ(all.intervals.size(), 1u);
  EXPECT_FALSE(all.intervals[0].queue.has_value());
  EXPECT_EQ(all.intervals[0].interval, "2026-03-02T09:00");
  EXPECT_EQ(all.intervals[0].arrivals, 7);
  EXPECT_DOUBLE_EQ(all.intervals[0].aht_s, (150.0 + 240.0 + 120.0 + 300.0) / 4);
  EXPECT_EQ(all.intervals[0].agents_seen, 3);
  ASSERT_EQ(all.queues.size(), 1u);
  EXPECT_DOUBLE_EQ(all.queues[0].patience->mean_s, (15.0 + 45 + 60 + 10 + 30 + 0 + 5) / 3);
}

TEST(FromContacts, IntervalsFollowTheTimeZoneAndNotTheThreadCount) {
  ks::contacts_forecast_options o = by_queue_30();
  o.timezone = "Asia/Shanghai";
  o.threads = 1;
  const ks::contacts_forecast one = ks::forecast_from_contacts(table_of(small_csv), o);
  EXPECT_EQ(one.intervals[0].interval, "2026-03-02T17:00");
  o.threads = 2;
  const ks::contacts_forecast two = ks::forecast_from_contacts(table_of(small_csv), o);
  ASSERT_EQ(one.intervals.size(), two.intervals.size());
  for (std::size_t i = 0; i < one.intervals.size(); ++i) {
    EXPECT_EQ(one.intervals[i].arrivals, two.intervals[i].arrivals);
    EXPECT_EQ(one.intervals[i].aht_s, two.intervals[i].aht_s);
  }
}

TEST(FromContacts, PlanMatchesTheErlangFunctions) {
  const ks::contacts_forecast f = ks::forecast_from_contacts(table_of(small_csv), by_queue_30());
  ks::plan_params p = goal_80_20();
  p.shrinkage = 0.25;
  p.interval_s = 12345;                      // replaced by the forecast's 1800 s
  const auto c = ks::plan_from_contacts(f, p, false);
  ASSERT_EQ(c.size(), 4u);
  const double aht[] = {195, 120, 300, 300}, arrivals[] = {3, 2, 1, 1};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_FALSE(c[i].erlang_a);
    const double lambda = arrivals[i] / 1800;
    const int n = ks::agents_required(lambda, aht[i], 20, 0.8);
    EXPECT_EQ(c[i].plan.agents, n);
    EXPECT_EQ(c[i].plan.scheduled_agents, ks::scheduled_agents(n, 0.25));
    EXPECT_DOUBLE_EQ(c[i].plan.measures.service_level,
                     ks::erlang_c(lambda, aht[i], n, 20).service_level);
    ASSERT_TRUE(c[i].shortfall.has_value());
    EXPECT_EQ(*c[i].shortfall, n - *c[i].measured.agents_seen);
  }
  // What if: 2 agents seen in A 09:00.
  EXPECT_DOUBLE_EQ(c[0].at_seen->service_level, ks::erlang_c(3.0 / 1800, 195, 2, 20).service_level);
  // B 09:30: nobody answered; 0 agents is an unstable Erlang C queue.
  EXPECT_FALSE(c[3].at_seen->stable);

  const auto a = ks::plan_from_contacts(f, p, true);
  const double patience[] = {50, 50, 65, 65};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_TRUE(a[i].erlang_a);
    EXPECT_DOUBLE_EQ(a[i].patience_s, patience[i]);
    const double lambda = arrivals[i] / 1800;
    const int n = ks::agents_required_a(lambda, aht[i], 20, 0.8, patience[i]);
    EXPECT_EQ(a[i].plan.agents, n);
    EXPECT_TRUE(rel_near(a[i].plan.measures.p_abandon,
                         ks::erlang_a(lambda, aht[i], n, 20, patience[i]).p_abandon, 1e-15));
  }
}

// Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example": 100 calls in
// 30 minutes, AHT 180 s, 80 % answered within 20 s -> 14 agents, 20 scheduled with 30 % shrinkage.
TEST(FromContacts, CallCentreHelperExampleFromRecords) {
  std::string rows;
  for (int i = 0; i < 100; ++i) {
    const int second = i * 18; // 100 arrivals spread over 09:00-09:30
    char at[32];
    std::snprintf(at, sizeof at, "2026-03-02T09:%02d:%02dZ", second / 60, second % 60);
    rows += std::to_string(i) + "," + at + ",inbound,1,5,A" + std::to_string(i % 7) +
            ",phone,150,10,20\n";
  }
  ks::contacts_forecast_options o;
  const ks::contacts_forecast f = ks::forecast_from_contacts(table_of(rows), o);
  ASSERT_EQ(f.intervals.size(), 1u);
  EXPECT_EQ(f.intervals[0].arrivals, 100);
  EXPECT_DOUBLE_EQ(f.intervals[0].aht_s, 180.0);
  ks::plan_params p = goal_80_20();
  p.shrinkage = 0.3;
  const auto plan = ks::plan_from_contacts(f, p, false);
  EXPECT_EQ(plan[0].plan.agents, ks::agents_required(100.0 / 1800, 180, 20, 0.8));
  EXPECT_EQ(plan[0].plan.agents, 14);
  EXPECT_EQ(plan[0].plan.scheduled_agents, 20);
  EXPECT_EQ(plan[0].measured.agents_seen, 7);
}

TEST(FromContacts, ErrorsNameTheProblem) {
  const kpiscore::ContactTable t = table_of(small_csv);
  ks::contacts_forecast_options o = by_queue_30();
  o.interval_minutes = 20;
  EXPECT_EQ(invalid_argument_text([&] { ks::forecast_from_contacts(t, o); }),
            "forecast_from_contacts: interval_minutes must be 15, 30 or 60, got 20");
  o = by_queue_30();
  o.timezone = "Mars/Olympus_Mons";
  EXPECT_EQ(invalid_argument_text([&] { ks::forecast_from_contacts(t, o); }),
            "forecast_from_contacts: unknown time zone 'Mars/Olympus_Mons'");
  o = by_queue_30();
  o.target_s = -1;
  EXPECT_EQ(invalid_argument_text([&] { ks::forecast_from_contacts(t, o); }),
            "forecast_from_contacts: target_s must be non-negative and finite, got -1");
  EXPECT_EQ(invalid_argument_text([&] {
              ks::forecast_from_contacts(table_of("1,2026-03-02T09:05:00Z,outbound,1,0,X,A,1,1,1\n"),
                                         by_queue_30());
            }),
            "forecast_from_contacts: no inbound contacts in the input");
  EXPECT_EQ(invalid_argument_text([&] {
              ks::forecast_from_contacts(
                  table_of(std::string(small_csv) + "9,2026-03-02T09:05:00Z,inbound,0,3,,C,,,\n"),
                  by_queue_30());
            }),
            "forecast_from_contacts: queue 'C': 1 arrivals but no answered contact with a known "
            "handle time: AHT unknown");

  const ks::contacts_forecast f = ks::forecast_from_contacts(t, by_queue_30());
  ks::plan_params p = goal_80_20();
  p.goal.service_level = 1;
  EXPECT_EQ(invalid_argument_text([&] { ks::plan_from_contacts(f, p, false); }),
            "plan_from_contacts: service_level must be in [0, 1), got 1");

  // Patience cannot be estimated when abandons and answered contacts never waited.
  const ks::contacts_forecast z = ks::forecast_from_contacts(
      table_of("1,2026-03-02T09:05:00Z,inbound,1,0,X,A,100,0,0\n"
               "2,2026-03-02T09:06:00Z,inbound,0,0,,A,,,\n"),
      by_queue_30());
  EXPECT_FALSE(z.queues[0].patience.has_value());
  EXPECT_NE(z.queues[0].patience_note.find("immediate"), std::string::npos);
  EXPECT_EQ(ks::plan_from_contacts(z, goal_80_20(), false)[0].plan.agents, 1); // Erlang C is fine
  EXPECT_EQ(invalid_argument_text([&] { ks::plan_from_contacts(z, goal_80_20(), true); }),
            "plan_from_contacts: queue 'A': every abandonment was immediate and no answered "
            "contact waited: cannot estimate patience for Erlang A");

  // No abandons: the patience estimate is unbounded, so the queue keeps Erlang C.
  const ks::contacts_forecast n = ks::forecast_from_contacts(
      table_of("1,2026-03-02T09:05:00Z,inbound,1,4,X,A,100,0,0\n"), by_queue_30());
  EXPECT_FALSE(n.queues[0].patience.has_value());
  const auto plan = ks::plan_from_contacts(n, goal_80_20(), true);
  EXPECT_FALSE(plan[0].erlang_a);
  EXPECT_EQ(plan[0].plan.agents, ks::agents_required(1.0 / 1800, 100, 20, 0.8));
}
