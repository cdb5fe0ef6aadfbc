#include "test_util.hpp"

using namespace kpiscore;
using test::header;
using test::kpi;
using test::table_of;
using test::value;

namespace {

// Ten hand-made contacts. Columns: id, arrived, dir, answered, wait, agent, channel, queue,
// talk, hold, acw, fcr, csat, nps, complaint, converted.
const std::string ten = std::string(header) +
    "1,2026-03-02T09:00:00Z,inbound,1,10,a,phone,q1,100,20,30,1,5,10,0,1\n"   // SL ok
    "2,2026-03-02T09:01:00Z,inbound,1,20,a,phone,q1,200,0,40,0,4,9,0,0\n"     // wait = T
    "3,2026-03-02T09:02:00Z,inbound,1,30,a,chat,q2,300,,50,,3,8,1,0\n"        // hold unknown
    "4,2026-03-02T09:03:00Z,inbound,0,5,a,phone,q1,,,,,,,,\n"                 // abandoned within T
    "5,2026-03-02T09:04:00Z,inbound,0,40,a,phone,q1,,,,,,,,\n"                // abandoned after T
    "6,2026-03-02T09:05:00Z,inbound,0,2,a,phone,q1,,,,,,,,\n"                 // short abandon (2 s)
    "7,2026-03-02T09:06:00Z,outbound,1,0,a,phone,q1,60,0,10,1,2,6,0,1\n"      // outbound handled
    "8,2026-03-02T09:07:00Z,outbound,0,0,a,phone,q1,,,,,,,,\n"                // outbound no answer
    "9,2026-03-02T09:08:00Z,inbound,1,25,a,chat,q2,90,10,20,1,,0,,0\n"
    "10,2026-03-02T09:09:00Z,inbound,1,15.5,a,chat,q2,110,5,15,0,1,,0,\n";

} // namespace

TEST(ContactKpis, CountsAndRates) {
  const auto t = table_of(ten);
  const KpiOptions o;
  EXPECT_EQ(value(t, o, "offered"), 8);   // inbound: 1-6, 9, 10
  EXPECT_EQ(value(t, o, "answered"), 5);  // inbound answered: 1, 2, 3, 9, 10
  EXPECT_EQ(value(t, o, "abandoned"), 3); // 4, 5, 6
  EXPECT_EQ(value(t, o, "handled"), 6);   // answered any direction: + 7
  EXPECT_DOUBLE_EQ(value(t, o, "abandon_rate"), 3.0 / 8);
  EXPECT_DOUBLE_EQ(value(t, o, "connect_rate"), 5.0 / 8);
}

TEST(ContactKpis, AsaAndHandleTimes) {
  const auto t = table_of(ten);
  const KpiOptions o;
  EXPECT_DOUBLE_EQ(value(t, o, "asa_s"), (10 + 20 + 30 + 25 + 15.5) / 5);
  // Handle time needs talk, hold and acw: contact 3 has no hold and leaves AHT.
  EXPECT_DOUBLE_EQ(value(t, o, "aht_s"), (150 + 240 + 70 + 120 + 130) / 5.0);
  EXPECT_DOUBLE_EQ(value(t, o, "avg_talk_s"), (100 + 200 + 300 + 60 + 90 + 110) / 6.0);
  EXPECT_DOUBLE_EQ(value(t, o, "avg_hold_s"), (20 + 0 + 0 + 10 + 5) / 5.0);
  EXPECT_DOUBLE_EQ(value(t, o, "avg_acw_s"), (30 + 40 + 50 + 10 + 20 + 15) / 6.0);
  const KpiValue aht = kpi(t, o, "aht_s");
  EXPECT_DOUBLE_EQ(aht.numerator, 710.0);
  EXPECT_DOUBLE_EQ(aht.denominator, 5.0);
}

TEST(ContactKpis, AhtComponentsOption) {
  const auto t = table_of(ten);
  const auto o = KpiOptions::from_json_text(R"({"aht": {"components": ["talk", "acw"]}})");
  EXPECT_DOUBLE_EQ(value(t, o, "aht_s"), (130 + 240 + 350 + 70 + 110 + 125) / 6.0);
}

TEST(ContactKpis, ServiceLevelDefaultCountsAbandonsAgainst) {
  const auto t = table_of(ten);
  // answered within 20 s: 1 (10), 2 (20, <= T), 10 (15.5) → 3 of 8 offered
  EXPECT_DOUBLE_EQ(value(t, KpiOptions{}, "service_level"), 3.0 / 8);
  const KpiValue sl = kpi(t, KpiOptions{}, "service_level");
  EXPECT_EQ(sl.numerator, 3);
  EXPECT_EQ(sl.denominator, 8);
}

TEST(ContactKpis, ServiceLevelStrictComparison) {
  const auto t = table_of(ten);
  const auto o = KpiOptions::from_json_text(R"({"service_level": {"comparison": "<"}})");
  EXPECT_DOUBLE_EQ(value(t, o, "service_level"), 2.0 / 8);
}

TEST(ContactKpis, ServiceLevelThreshold) {
  const auto t = table_of(ten);
  const auto o = KpiOptions::from_json_text(R"({"service_level": {"threshold_s": 30}})");
  EXPECT_DOUBLE_EQ(value(t, o, "service_level"), 5.0 / 8);
}

TEST(ContactKpis, ServiceLevelShortAbandons) {
  const auto t = table_of(ten);
  // Contact 6 (2 s) is a short abandon under 3 s: out of numerator and denominator.
  const auto o = KpiOptions::from_json_text(R"({"service_level": {"short_abandon_s": 3}})");
  EXPECT_DOUBLE_EQ(value(t, o, "service_level"), 3.0 / 7);
}

TEST(ContactKpis, ServiceLevelAbandonTreatments) {
  const auto t = table_of(ten);
  auto with = [&](const char* a) {
    return value(t, KpiOptions::from_json_text(std::string(R"({"service_level": {"abandons": ")") + a + "\"}}"),
                 "service_level");
  };
  // Abandons within 20 s: 4 (5 s) and 6 (2 s); after: 5 (40 s).
  EXPECT_DOUBLE_EQ(with("against"), 3.0 / 8);
  EXPECT_DOUBLE_EQ(with("ignore"), 3.0 / 6);     // Cisco "ignore": 8 − 2 within T
  EXPECT_DOUBLE_EQ(with("ignore_all"), 3.0 / 5); // answered only
  EXPECT_DOUBLE_EQ(with("for"), 5.0 / 8);        // Cisco "positive": + 2 within T
  // Short abandons leave before the treatment applies.
  const auto o = KpiOptions::from_json_text(
      R"({"service_level": {"abandons": "for", "short_abandon_s": 3}})");
  EXPECT_DOUBLE_EQ(value(t, o, "service_level"), 4.0 / 7);
}

TEST(ContactKpis, ServiceLevelThresholdPerChannelAndQueue) {
  const auto t = table_of(ten);
  // chat contacts (3: 30 s, 9: 25 s, 10: 15.5 s) get 30 s: 3 and 9 now meet it.
  auto o = KpiOptions::from_json_text(R"({"service_level": {"threshold_s_by_channel": {"chat": 30}}})");
  EXPECT_DOUBLE_EQ(value(t, o, "service_level"), 5.0 / 8);
  // A queue threshold wins over the channel one: q2 (the chat contacts) at 10 s.
  o = KpiOptions::from_json_text(
      R"({"service_level": {"threshold_s_by_channel": {"chat": 30}, "threshold_s_by_queue": {"q2": 10}}})");
  EXPECT_DOUBLE_EQ(value(t, o, "service_level"), 2.0 / 8);
}

TEST(ContactKpis, Fcr) {
  const auto t = table_of(ten);
  // Known: 1 (1), 2 (0), 7 (1), 9 (1), 10 (0) → 3 / 5; unknown: 3, 4, 5, 6, 8.
  EXPECT_DOUBLE_EQ(value(t, KpiOptions{}, "fcr"), 3.0 / 5);
  auto o = KpiOptions::from_json_text(R"({"fcr": {"unknown": "not_resolved"}})");
  EXPECT_DOUBLE_EQ(value(t, o, "fcr"), 3.0 / 10);
  o = KpiOptions::from_json_text(R"({"fcr": {"unknown": "not_resolved", "scope": "handled"}})");
  EXPECT_DOUBLE_EQ(value(t, o, "fcr"), 3.0 / 6);
}

TEST(ContactKpis, CsatMeanAndTopBox) {
  const auto t = table_of(ten);
  // Votes: 5, 4, 3, 2, 1.
  EXPECT_DOUBLE_EQ(value(t, KpiOptions{}, "csat_mean"), 3.0);
  EXPECT_DOUBLE_EQ(value(t, KpiOptions{}, "csat_top_box"), 2.0 / 5);
  const auto o = KpiOptions::from_json_text(R"({"csat": {"top_box_min": 5}})");
  EXPECT_DOUBLE_EQ(value(t, o, "csat_top_box"), 1.0 / 5);
}

TEST(ContactKpis, CsatScaleOption) {
  const auto o = KpiOptions::from_json_text(R"({"csat": {"scale": [1, 10], "top_box_min": 9}})");
  const auto t = table_of(std::string(header) + "1,2026-03-02T09:00:00Z,inbound,1,1,a,phone,q,1,1,1,1,10,,0,0\n"
                                                "2,2026-03-02T09:00:00Z,inbound,1,1,a,phone,q,1,1,1,1,7,,0,0\n",
                          o);
  EXPECT_DOUBLE_EQ(value(t, o, "csat_mean"), 8.5);
  EXPECT_DOUBLE_EQ(value(t, o, "csat_top_box"), 0.5);
}

TEST(ContactKpis, Nps) {
  const auto t = table_of(ten);
  // Responses: 10, 9, 8, 6, 0 → promoters 2, detractors 2 → 0.
  EXPECT_DOUBLE_EQ(value(t, KpiOptions{}, "nps"), 0.0);
  const auto t2 = table_of(std::string(header) + "1,2026-03-02T09:00:00Z,inbound,1,1,a,p,q,1,1,1,1,,10,0,0\n"
                                                 "2,2026-03-02T09:00:00Z,inbound,1,1,a,p,q,1,1,1,1,,9,0,0\n"
                                                 "3,2026-03-02T09:00:00Z,inbound,1,1,a,p,q,1,1,1,1,,7,0,0\n"
                                                 "4,2026-03-02T09:00:00Z,inbound,1,1,a,p,q,1,1,1,1,,6,0,0\n");
  EXPECT_DOUBLE_EQ(value(t2, KpiOptions{}, "nps"), 25.0); // 100 × (2 − 1) / 4
  const KpiValue v = kpi(t2, KpiOptions{}, "nps");
  EXPECT_EQ(v.numerator, 1);
  EXPECT_EQ(v.denominator, 4);
}

TEST(ContactKpis, ComplaintAndConversionRates) {
  const auto t = table_of(ten);
  // Handled with complaint known: 1, 2, 3, 7, 10 (9 unknown) → 1 complaint (3) / 5.
  EXPECT_DOUBLE_EQ(value(t, KpiOptions{}, "complaint_rate"), 1.0 / 5);
  // Handled with conversion known: 1, 2, 3, 7, 9 (10 unknown) → 1 and 7 converted: 2 / 5.
  EXPECT_DOUBLE_EQ(value(t, KpiOptions{}, "conversion_rate"), 2.0 / 5);
  const auto o = KpiOptions::from_json_text(R"({"conversion_rate": {"denominator": "offered"},
                                               "complaint_rate": {"denominator": "offered"}})");
  // Inbound with conversion known: 1, 2, 3, 9 → 1 converted / 4.
  EXPECT_DOUBLE_EQ(value(t, o, "conversion_rate"), 1.0 / 4);
  EXPECT_DOUBLE_EQ(value(t, o, "complaint_rate"), 1.0 / 4); // inbound known: 1, 2, 3, 10
}

TEST(ContactKpis, ZeroDenominatorsAreNullNeverNaN) {
  // Only outbound unanswered: nothing offered, handled, surveyed.
  const auto t = table_of(std::string(header) + "1,2026-03-02T09:00:00Z,outbound,0,0,a,p,q,,,,,,,,\n");
  for (const char* name : {"asa_s", "aht_s", "avg_talk_s", "avg_hold_s", "avg_acw_s", "service_level",
                           "abandon_rate", "connect_rate", "fcr", "csat_mean", "csat_top_box", "nps",
                           "complaint_rate", "conversion_rate"}) {
    const KpiValue v = kpi(t, KpiOptions{}, name);
    EXPECT_FALSE(v.value.has_value()) << name;
    EXPECT_EQ(v.denominator, 0) << name;
  }
  EXPECT_EQ(value(t, KpiOptions{}, "offered"), 0);
}

TEST(ContactKpis, MissingOptionalColumnsGiveNullKpis) {
  const auto t = table_of("contact_id,arrived_at,direction,answered,wait_s\n"
                          "1,2026-03-02T09:00:00Z,inbound,1,12\n"
                          "2,2026-03-02T09:00:00Z,inbound,0,30\n");
  EXPECT_DOUBLE_EQ(value(t, KpiOptions{}, "asa_s"), 12.0);
  EXPECT_DOUBLE_EQ(value(t, KpiOptions{}, "service_level"), 0.5);
  for (const char* name : {"aht_s", "avg_talk_s", "fcr", "csat_mean", "nps", "complaint_rate", "conversion_rate"})
    EXPECT_FALSE(kpi(t, KpiOptions{}, name).value.has_value()) << name;
  // Unknown FCR counted as not resolved: a missing column is all unknown.
  EXPECT_DOUBLE_EQ(value(t, KpiOptions::from_json_text(R"({"fcr": {"unknown": "not_resolved"}})"), "fcr"), 0.0);
}

TEST(ContactKpis, Quantiles) {
  std::string csv = header;
  for (int i = 1; i <= 10; ++i)
    csv += std::to_string(i) + ",2026-03-02T09:00:00Z,inbound,1," + std::to_string(i) + ",a,p,q," +
           std::to_string(100 * i) + ",0,0,1,,,0,0\n";
  const auto t = table_of(csv);
  const auto o = KpiOptions::from_json_text(R"({"quantiles": true})");
  // Nearest rank: p50 of 1..10 s is the 5th value, p90 the 9th; reported at the bucket midpoint,
  // within 1/32 relative.
  EXPECT_NEAR(value(t, o, "wait_p50_s"), 5.0, 5.0 / 32);
  EXPECT_NEAR(value(t, o, "wait_p90_s"), 9.0, 9.0 / 32);
  EXPECT_NEAR(value(t, o, "handle_p50_s"), 500.0, 500.0 / 32);
  EXPECT_NEAR(value(t, o, "handle_p90_s"), 900.0, 900.0 / 32);
  EXPECT_EQ(kpi(t, o, "wait_p50_s").denominator, 10);
  // Without the option the columns are absent.
  const KpiTable k = finalize(aggregate(t, std::vector<std::string>{}, KpiOptions{}));
  EXPECT_THROW((void)k.kpi_index("wait_p50_s"), std::out_of_range);
}
