#include <kpiscore/metrics/kpi_options.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace kpiscore;

namespace {
std::string error_of(const char* text) {
  try {
    (void)KpiOptions::from_json_text(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}
} // namespace

TEST(KpiOptions, Defaults) {
  const KpiOptions o = KpiOptions::from_json_text("{}");
  EXPECT_EQ(o, KpiOptions{});
  EXPECT_EQ(o.service_level.threshold_ms, 20'000);
  EXPECT_EQ(o.service_level.abandons, AbandonTreatment::against);
  EXPECT_EQ(o.fcr.unknown, FcrUnknown::exclude);
  EXPECT_EQ(o.csat.top_box_min, 4);
  EXPECT_EQ(o.complaint_denominator, Population::handled);
}

TEST(KpiOptions, RoundTripAndFingerprint) {
  const KpiOptions o = KpiOptions::from_json_text(R"({
    "timezone": "Asia/Shanghai", "quantiles": true, "threads": 2,
    "service_level": {"threshold_s": 15, "threshold_s_by_channel": {"chat": 30}, "comparison": "<",
                      "short_abandon_s": 5, "abandons": "for"},
    "aht": {"components": ["talk", "acw"]}, "fcr": {"unknown": "not_resolved", "scope": "handled"},
    "csat": {"scale": [1, 10], "top_box_min": 9}, "complaint_rate": {"denominator": "offered"},
    "peak": {"hours": ["08:30-11:00"]}})");
  EXPECT_EQ(KpiOptions::from_json(o.to_json()), o);
  EXPECT_EQ(o.peak_minutes, (std::vector<std::pair<int, int>>{{510, 660}}));
  // The fingerprint ignores threads and defaults written out; it sees every definition option.
  KpiOptions t = o;
  t.threads = 1;
  EXPECT_EQ(t.fingerprint(), o.fingerprint());
  EXPECT_EQ(KpiOptions::from_json_text(R"({"service_level": {"threshold_s": 20}})").fingerprint(),
            KpiOptions{}.fingerprint());
  EXPECT_NE(KpiOptions::from_json_text(R"({"service_level": {"threshold_s": 21}})").fingerprint(),
            KpiOptions{}.fingerprint());
}

TEST(KpiOptions, ErrorsNameThePath) {
  EXPECT_EQ(error_of(R"({"service_level": {"treshold_s": 20}})"),
            "options /service_level/treshold_s: unknown key (expected one of: threshold_s, "
            "threshold_s_by_channel, threshold_s_by_queue, comparison, short_abandon_s, abandons)");
  EXPECT_EQ(error_of(R"({"service_level": {"threshold_s": "20s"}})"),
            "options /service_level/threshold_s: expected a number of seconds");
  EXPECT_EQ(error_of(R"({"service_level": {"threshold_s": -1}})"),
            "options /service_level/threshold_s: expected a non-negative number of seconds");
  EXPECT_EQ(error_of(R"({"service_level": {"abandons": "sometimes"}})"),
            "options /service_level/abandons: expected one of \"against\", \"ignore\", \"ignore_all\", "
            "\"for\", actual \"sometimes\"");
  EXPECT_EQ(error_of(R"({"timezone": "Mars/Olympus"})"), "options /timezone: unknown time zone 'Mars/Olympus'");
  EXPECT_EQ(error_of(R"({"csat": {"scale": [5, 1]}})"), "options /csat/scale: expected min < max");
  EXPECT_EQ(error_of(R"({"csat": {"top_box_min": 7}})"), "options /csat/top_box_min: expected a value inside the scale");
  EXPECT_EQ(error_of(R"({"peak": {"hours": ["12:00-09:00"]}})"),
            "options /peak/hours/0: expected the start before the end");
  EXPECT_EQ(error_of(R"({"aht": {"components": ["talk", "wrap"]}})"),
            "options /aht/components/1: expected one of \"talk\", \"hold\", \"acw\", actual \"wrap\"");
  EXPECT_EQ(error_of(R"({"quantile": true})"),
            "options /quantile: unknown key (expected one of: timezone, quantiles, threads, service_level, "
            "aht, fcr, csat, complaint_rate, conversion_rate, peak, legs, intervals, max_groups)");
  EXPECT_EQ(error_of("[1]"), "options /: expected an object");
  EXPECT_EQ(error_of("{"), error_of("{")); // parse errors carry nlohmann's position text
  EXPECT_EQ(error_of("{").rfind("options: not valid JSON: [json.exception.parse_error.101] parse error at line 1, column 2", 0), 0u);
}
