#include <kpiscore/sampling/sample_plan.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

namespace {

using namespace kpiscore::sampling;
using json = nlohmann::json;

std::string error_of(const std::string& text) {
  try {
    (void)SamplePlan::from_json_text(text);
  } catch (const PlanError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SamplingPlan, ParsesAFullPlan) {
  const SamplePlan p = SamplePlan::from_json_text(R"({
    "design": "pareto", "seed": 7, "rate": 0.15,
    "strata": {"by": ["agent_id", "day"], "allocation": "neyman", "min": 2, "max": 40,
               "sd": {"default": 12.5, "values": [{"key": {"agent_id": "A01"}, "sd": 4}]}},
    "risk": [{"name": "complaint", "when": {"field": "complaint", "op": "==", "value": 1}, "weight": 4},
             {"name": "long_vip", "when": [{"field": "handle_s", "op": ">", "value": 600},
                                            {"field": "customer_type", "op": "in", "value": ["VIP"]}],
              "weight": 2.5}],
    "evaluators": [{"name": "QA1", "share": 0.6, "cap_per_day": 30}, {"name": "QA2", "share": 0.4}],
    "report": {"coverage": ["agent_id", "peak", "customer_type"], "alpha": 0.1, "p": 0.2},
    "timezone": "Asia/Shanghai", "peak_hours": ["09:00-12:00"]})");
  EXPECT_EQ(p.design, Design::pareto);
  EXPECT_EQ(p.seed, 7u);
  EXPECT_EQ(*p.rate, 0.15);
  EXPECT_EQ(p.strata_by, (std::vector<std::string>{"agent_id", "day"}));
  EXPECT_EQ(p.allocation, Allocation::neyman);
  EXPECT_EQ(*p.sd.fallback, 12.5);
  ASSERT_EQ(p.sd.entries.size(), 1u);
  EXPECT_EQ(p.sd.entries[0].value, 4.0);
  EXPECT_EQ(p.min_per_stratum, 2);
  EXPECT_EQ(p.max_per_stratum, 40);
  ASSERT_EQ(p.risk.size(), 2u);
  EXPECT_EQ(p.risk[1].all.size(), 2u);
  EXPECT_FALSE(p.risk[1].all[1].numeric);
  EXPECT_EQ(p.evaluators[0].cap_per_day, 30);
  EXPECT_FALSE(p.evaluators[1].cap_per_day);
  EXPECT_EQ(p.coverage.size(), 3u);
  EXPECT_EQ(p.alpha, 0.1);
  EXPECT_EQ(p.options.timezone, "Asia/Shanghai");
  EXPECT_EQ(p.options.peak_minutes, (std::vector<std::pair<int, int>>{{540, 720}}));
  // The normalized document reads back to the same plan.
  const SamplePlan q = SamplePlan::from_json(p.to_json());
  EXPECT_EQ(q.to_json(), p.to_json());
}

TEST(SamplingPlan, BadPlansAreErrorsWithTheirPath) {
  EXPECT_EQ(error_of("[1]"), "plan /: expected an object");
  EXPECT_EQ(error_of("{\"design\": \"pareto\", \"seed\": 1"),
            "plan /: invalid JSON: parse error at line 1, column 31: syntax error while parsing "
            "object - unexpected end of input; expected '}'");
  EXPECT_EQ(error_of(R"({"seed": 1, "rate": 0.1})"), "plan /: missing required key \"design\"");
  EXPECT_EQ(error_of(R"({"design": "cluster", "seed": 1})"),
            "plan /design: expected one of \"bernoulli\", \"poisson\", \"pareto\", "
            "\"sequential_poisson\", "
            "\"systematic\", \"reservoir\", actual \"cluster\"");
  EXPECT_EQ(error_of(R"({"design": "pareto", "rate": 0.1})"),
            "plan /: missing required key \"seed\"");
  EXPECT_EQ(error_of(R"({"design": "pareto", "seed": -3, "rate": 0.1})"),
            "plan /seed: expected a whole number in 0..2^64-1, actual -3");
  EXPECT_EQ(error_of(R"({"design": "pareto", "seed": 1, "rate": 1.5})"),
            "plan /rate: expected a share in 0..1, actual 1.5");
  EXPECT_EQ(error_of(R"({"design": "pareto", "seed": 1, "rate": -0.1})"),
            "plan /rate: expected a share in 0..1, actual -0.1");
  EXPECT_EQ(error_of(R"({"design": "pareto", "seed": 1, "rate": 0.1, "size": 5})"),
            "plan /size: give \"rate\" or \"size\", not both");
  EXPECT_EQ(error_of(R"({"design": "pareto", "seed": 1, "size": 2.5})"),
            "plan /size: expected a whole number >= 0, actual 2.5");
  EXPECT_EQ(error_of(R"({"design": "pareto", "seed": 1})"),
            "plan /: missing required key \"rate\" or \"size\"");
  EXPECT_EQ(error_of(R"({"design": "pareto", "seed": 1, "rate": 0.1, "sample": 3})"),
            "plan /sample: unknown key (expected one of: design, seed, rate, size, strata, risk, "
            "evaluators, "
            "report, timezone, peak_hours)");
}

TEST(SamplingPlan, BadStrataAreErrors) {
  const std::string head = R"({"design": "pareto", "seed": 1, "rate": 0.1, "strata": )";
  EXPECT_EQ(error_of(head + R"({"allocation": "equal"}})"),
            "plan /strata: missing required key \"by\"");
  EXPECT_EQ(error_of(head + R"({"by": []}})"),
            "plan /strata/by: expected a non-empty array of names");
  EXPECT_EQ(error_of(head + R"({"by": ["agent_id", "agent_id"]}})"),
            "plan /strata/by/1: \"agent_id\" given twice");
  EXPECT_EQ(error_of(head + R"({"by": ["agent_id"], "allocation": "optimal"}})"),
            "plan /strata/allocation: expected one of \"proportional\", \"equal\", \"neyman\", "
            "\"fixed\", "
            "actual \"optimal\"");
  EXPECT_EQ(error_of(head + R"({"by": ["agent_id"], "min": 5, "max": 3}})"),
            "plan /strata/min: expected at most /strata/max (3), actual 5");
  EXPECT_EQ(error_of(head + R"({"by": ["agent_id"], "min": -1}})"),
            "plan /strata/min: expected a whole number >= 0, actual -1");
  EXPECT_EQ(error_of(head + R"({"by": ["agent_id"], "allocation": "neyman"}})"),
            "plan /strata: missing required key \"sd\" (the neyman allocation needs stratum "
            "standard deviations)");
  EXPECT_EQ(error_of(head + R"({"by": ["agent_id"], "sd": {"default": 1}}})"),
            "plan /strata/sd: standard deviations are only for the \"neyman\" allocation");
  EXPECT_EQ(
      error_of(
          head +
          R"({"by": ["agent_id"], "allocation": "neyman", "sd": {"values": [{"key": {"team": "T1"}, "sd": 2}]}}})"),
      "plan /strata/sd/values/0/key/team: not a strata dimension (expected one of: agent_id)");
  EXPECT_EQ(
      error_of(head + R"({"by": ["agent_id"], "allocation": "neyman", "sd": {"default": -2}}})"),
      "plan /strata/sd/default: expected a number >= 0, actual -2");
  EXPECT_EQ(error_of(head + R"({"by": ["agent_id"], "allocation": "neyman", "sd": {}}})"),
            "plan /strata/sd: expected \"default\" or a non-empty \"values\"");
  EXPECT_EQ(
      error_of(head + R"({"by": ["agent_id"], "allocation": "fixed", "counts": {"default": 2}}})"),
      "plan /rate: a fixed allocation takes its sizes from /strata/counts");
  EXPECT_EQ(
      error_of(
          R"({"design": "pareto", "seed": 1, "strata": {"by": ["day"], "allocation": "fixed"}})"),
      "plan /strata: missing required key \"counts\" (the fixed allocation needs stratum counts)");
}

TEST(SamplingPlan, DesignSpecificRules) {
  EXPECT_EQ(error_of(R"({"design": "bernoulli", "seed": 1, "size": 10})"),
            "plan /size: a bernoulli design takes a \"rate\", not a size");
  EXPECT_EQ(
      error_of(
          R"({"design": "bernoulli", "seed": 1, "rate": 0.1, "strata": {"by": ["day"], "min": 1}})"),
      "plan /strata/min: a bernoulli design has no stratum sizes (strata only group the report; "
      "use "
      "poisson or a fixed-size design)");
  EXPECT_EQ(
      error_of(R"({"design": "bernoulli", "seed": 1, "rate": 0.1, "risk": []})"),
      "plan /risk: the bernoulli design draws with equal probability (risk weights need poisson, "
      "pareto, sequential_poisson or systematic)");
  EXPECT_EQ(
      error_of(
          R"({"design": "reservoir", "seed": 1, "strata": {"by": ["agent_id"]}, "rate": 0.1})"),
      "plan /strata/allocation: the reservoir design needs \"fixed\" counts (stratum sizes of a "
      "stream "
      "are not known in advance)");
  EXPECT_EQ(error_of(R"({"design": "reservoir", "seed": 1})"),
            "plan /: missing required key \"size\" (the reservoir size)");
  EXPECT_EQ(
      error_of(
          R"({"design": "reservoir", "seed": 1, "strata": {"by": ["agent_id"], "allocation": "fixed", "counts": {"default": 2}}, "risk": []})"),
      "plan /risk: the reservoir design draws with equal probability (risk weights need poisson, "
      "pareto, sequential_poisson or systematic)");
}

TEST(SamplingPlan, BadRiskRulesAndEvaluatorsAreErrors) {
  const std::string head = R"({"design": "poisson", "seed": 1, "rate": 0.1, )";
  EXPECT_EQ(
      error_of(
          head +
          R"("risk": [{"name": "c", "when": {"field": "complaint", "op": "=", "value": 1}, "weight": 2}]})"),
      "plan /risk/0/when/op: expected one of \"==\", \"!=\", \"<\", \"<=\", \">\", \">=\", \"in\", "
      "actual \"=\"");
  EXPECT_EQ(
      error_of(
          head +
          R"("risk": [{"name": "c", "when": {"field": "complaint", "op": "==", "value": 1}, "weight": 0}]})"),
      "plan /risk/0/weight: expected a weight > 0, actual 0");
  EXPECT_EQ(
      error_of(
          head +
          R"("risk": [{"name": "c", "when": {"field": "csat", "op": "<=", "value": "low"}, "weight": 2}]})"),
      "plan /risk/0/when/value: expected a number");
  EXPECT_EQ(
      error_of(
          head +
          R"("risk": [{"name": "c", "when": {"field": "csat", "op": "in", "value": [1]}, "weight": 2}]})"),
      "plan /risk/0/when/op: \"in\" compares text: csat is numeric");
  EXPECT_EQ(
      error_of(
          head +
          R"("risk": [{"name": "c", "when": {"field": "category", "op": ">", "value": "a"}, "weight": 2}]})"),
      "plan /risk/0/when/op: a dimension compares with \"==\", \"!=\" or \"in\"");
  EXPECT_EQ(error_of(head + R"("risk": [{"name": "c", "when": [], "weight": 2}]})"),
            "plan /risk/0/when: expected a condition or a non-empty array of conditions");
  EXPECT_EQ(
      error_of(
          head +
          R"("risk": [{"name": "c", "when": {"field": "csat", "op": "<", "value": 2}, "weight": 2},
                                       {"name": "c", "when": {"field": "csat", "op": ">", "value": 4}, "weight": 2}]})"),
      "plan /risk/1/name: duplicate rule name \"c\"");
  EXPECT_EQ(
      error_of(head +
               R"("risk": [{"name": "c", "when": {"field": "csat", "op": "<", "value": 2}}]})"),
      "plan /risk/0: missing required key \"weight\"");
  EXPECT_EQ(
      error_of(head +
               R"("evaluators": [{"name": "QA1", "share": 0.5}, {"name": "QA2", "share": 0.4}]})"),
      "plan /evaluators: expected shares summing to 1, actual 0.9");
  EXPECT_EQ(error_of(head + R"("evaluators": [{"name": "QA1", "share": 1.5}]})"),
            "plan /evaluators/0/share: expected a share in (0, 1], actual 1.5");
  EXPECT_EQ(
      error_of(head +
               R"("evaluators": [{"name": "QA1", "share": 0.5}, {"name": "QA1", "share": 0.5}]})"),
      "plan /evaluators/1/name: duplicate evaluator \"QA1\"");
  EXPECT_EQ(error_of(head + R"("evaluators": [{"name": "QA1", "share": 1, "cap_per_day": -4}]})"),
            "plan /evaluators/0/cap_per_day: expected a whole number >= 0, actual -4");
  EXPECT_EQ(error_of(head + R"("report": {"alpha": 1}})"),
            "plan /report/alpha: expected a number in (0, 1), actual 1");
  EXPECT_EQ(error_of(head + R"("timezone": "Mars/Olympus"})"),
            "plan /timezone: unknown time zone 'Mars/Olympus'");
  EXPECT_EQ(error_of(head + R"("peak_hours": ["09:00-12:00", "25:00-26:00"]})"),
            "plan /peak_hours/1: hour or minute out of range");
}

} // namespace
