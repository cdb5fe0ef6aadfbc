// QA aggregates per group: calibration excluded, the latest evaluation per contact wins (ties to
// the later record), unknown contacts and other agents left out, the period of the contact's
// arrival or of the evaluation, per-100 rates, the join into a KpiTable and scoring them as
// scorecard indicators; extra indicator tables.
#include "scoring/qa_test_util.hpp"
#include "scoring/scoring_test_util.hpp"

#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/scoring/indicator_columns.hpp>
#include <kpiscore/scoring/qa_aggregates.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace kpiscore::scoring {
namespace {

using test::qa_form;
using test::qa_records;

const char* contacts_csv = "contact_id,arrived_at,direction,answered,wait_s,agent_id,team\n"
                           "c1,2026-03-30T10:00:00Z,inbound,1,5,A1,T1\n"
                           "c2,2026-03-31T10:00:00Z,inbound,1,5,A1,T1\n"
                           "c3,2026-03-15T10:00:00Z,inbound,1,5,A2,T1\n"
                           "c4,2026-03-16T10:00:00Z,inbound,1,5,A3,T2\n";

// perfect = 100; "yes,8,no,yes,4" = 70.25; perfect with 3 phrases = 88; leak = 0
const char* evaluations_rows =
    "e1,c1,A1,E1,2026-04-01T09:00:00Z,yes,10,yes,yes,5,0,0,0,0\n"  // superseded by e2
    "e2,c1,A1,E2,2026-04-03T09:00:00Z,yes,8,no,yes,4,0,0,0,0\n"    // 70.25
    "e3,c2,A1,E1,2026-04-02T09:00:00Z,yes,10,yes,yes,5,0,0,3,0\n"  // 88, 3 phrases
    "e4,c2,A1,E3,2026-04-02T12:00:00Z,yes,10,yes,yes,5,1,0,0,1\n"  // calibration: excluded
    "e5,c3,A2,E1,2026-03-20T09:00:00Z,yes,10,yes,yes,5,0,0,0,0\n"  // tie with e8: e8 wins
    "e6,c9,A2,E1,2026-03-20T09:00:00Z,yes,10,yes,yes,5,0,0,0,0\n"  // unknown contact
    "e7,c4,A9,E1,2026-03-20T09:00:00Z,yes,10,yes,yes,5,0,0,0,0\n"  // another agent than c4's
    "e8,c3,A2,E2,2026-03-20T09:00:00Z,yes,10,yes,yes,5,1,0,0,0\n"; // critical: 0

struct Fixture {
  ReadResult contacts = read_contacts_csv(contacts_csv);
  EvaluationRecords records = qa_records(evaluations_rows);
  std::vector<EvaluationScore> scores = score_evaluations(qa_form(), records);
  QaTable by(std::vector<std::string> keys, QaAggregateOptions o = {}) {
    return aggregate_qa(records, scores, contacts.table, keys, KpiOptions{}, o);
  }
  KpiTable kpis(std::vector<std::string> keys) { return finalize(aggregate(contacts.table, keys, KpiOptions{})); }
};

double value(const QaTable& t, std::size_t g, std::string_view kpi) {
  const auto defs = qa_kpi_definitions();
  for (std::size_t c = 0; c < defs.size(); ++c)
    if (defs[c].name == kpi) return t.values[g][c].value.value_or(NAN);
  return NAN;
}

TEST(QaAggregates, WhatEachEvaluationBecomes) {
  Fixture f;
  ASSERT_EQ(f.records.size(), 8u);
  const QaTable t = f.by({"agent_id"});
  const std::vector<QaUse> expected = {QaUse::superseded, QaUse::used,           QaUse::used,           QaUse::calibration,
                                       QaUse::superseded, QaUse::unknown_contact, QaUse::agent_mismatch, QaUse::used};
  EXPECT_EQ(t.use, expected);
  EXPECT_EQ(t.count(QaUse::used), 3u);
}

TEST(QaAggregates, PerAgentMeanPassCriticalAndPer100Rates) {
  Fixture f;
  const QaTable t = f.by({"agent_id"});
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.keys[0][0], "A1");
  EXPECT_EQ(value(t, 0, "qa_evaluations"), 2.0);
  EXPECT_NEAR(value(t, 0, "qa_mean_score"), (70.25 + 88) / 2, 1e-12);
  EXPECT_NEAR(value(t, 0, "qa_raw_mean_score"), (70.25 + 88) / 2, 1e-12);
  EXPECT_EQ(value(t, 0, "qa_pass_rate"), 0.5);
  EXPECT_EQ(value(t, 0, "qa_critical_fail_rate"), 0.0);
  EXPECT_NEAR(value(t, 0, "forbidden_phrases_per_100"), 150.0, 1e-12); // 3 phrases in 2 records
  EXPECT_TRUE(std::isnan(value(t, 0, "wrong_answers_per_100")));      // no such column
  EXPECT_EQ(t.keys[1][0], "A2");
  EXPECT_EQ(value(t, 1, "qa_mean_score"), 0.0);
  EXPECT_EQ(value(t, 1, "qa_raw_mean_score"), 100.0);
  EXPECT_EQ(value(t, 1, "qa_critical_fail_rate"), 1.0);
  EXPECT_EQ(value(t, 1, "qa_pass_rate"), 0.0);
}

TEST(QaAggregates, CalibrationIsExcludedEvenWhenItIsTheLatest) {
  Fixture f;
  // e4 (calibration, a leak) is later than e3: e3 still counts and A1 has no critical failure.
  const QaTable t = f.by({"agent_id"});
  EXPECT_EQ(value(t, 0, "qa_critical_fail_rate"), 0.0);
  EXPECT_EQ(value(t, 0, "qa_evaluations"), 2.0);
}

TEST(QaAggregates, GroupKeysComeFromTheContact) {
  Fixture f;
  const QaTable t = f.by({"team"});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.keys[0][0], "T1");
  EXPECT_EQ(value(t, 0, "qa_evaluations"), 3.0);
}

TEST(QaAggregates, PeriodOfTheContactOrOfTheEvaluation) {
  Fixture f;
  const QaTable arrival = f.by({"agent_id", "month"});
  ASSERT_EQ(arrival.size(), 2u);
  EXPECT_EQ(arrival.keys[0], (std::vector<std::optional<std::string>>{"A1", "2026-03"}));
  QaAggregateOptions o;
  o.period = QaPeriod::evaluated_at;
  const QaTable evaluated = f.by({"agent_id", "month"}, o);
  EXPECT_EQ(evaluated.keys[0], (std::vector<std::optional<std::string>>{"A1", "2026-04"}));
  EXPECT_EQ(evaluated.keys[1], (std::vector<std::optional<std::string>>{"A2", "2026-03"}));
}

TEST(QaAggregates, JoinAddsColumnsNullWhereNoEvaluationAndGroupsOnlyQaHas) {
  Fixture f;
  KpiTable k = f.kpis({"agent_id"});
  const std::size_t before = k.kpis.size();
  join(k, f.by({"agent_id"}));
  EXPECT_EQ(k.kpis.size(), before + qa_kpi_definitions().size());
  ASSERT_EQ(k.size(), 3u);
  const std::size_t mean = k.kpi_index("qa_mean_score");
  EXPECT_NEAR(*k.values[0][mean].value, 79.125, 1e-12);
  EXPECT_FALSE(k.values[2][mean].value.has_value()); // A3: no evaluation
  EXPECT_EQ(k.values[2][k.kpi_index("qa_evaluations")].value, 0.0);

  KpiTable by_month = f.kpis({"agent_id", "month"});
  QaAggregateOptions o;
  o.period = QaPeriod::evaluated_at;
  join(by_month, f.by({"agent_id", "month"}, o));
  ASSERT_EQ(by_month.size(), 4u); // A1/2026-04 has evaluations but no contacts: added, in key order
  EXPECT_EQ(by_month.keys[1], (std::vector<std::optional<std::string>>{"A1", "2026-04"}));
  EXPECT_FALSE(by_month.values[1][by_month.kpi_index("aht_s")].value.has_value());
  EXPECT_EQ(by_month.values[1][by_month.kpi_index("offered")].value, 0.0);

  KpiTable other = f.kpis({"team"});
  EXPECT_THROW(join(other, f.by({"agent_id"})), std::invalid_argument);
}

TEST(QaAggregates, QaAggregatesAreScorecardIndicatorsWithoutDeclaringThem) {
  Fixture f;
  KpiTable k = f.kpis({"agent_id"});
  join(k, f.by({"agent_id"}));
  const auto card = Scorecard::compile_text(R"({"indicators": [
      {"kpi": "qa_mean_score", "weight": "50%", "rule": {"type": "value"}},
      {"kpi": "forbidden_phrases_per_100", "weight": "50%", "target": 2,
       "rule": {"type": "deduct", "per": 1, "points": 0.5}}]})");
  EXPECT_EQ(card.indicators()[1].direction, Direction::lower_is_better);
  const auto s = score(card, k);
  EXPECT_NEAR(s.overall(0), 0.5 * 79.125 + 0.5 * (100 - 0.5 * 148), 1e-9);
  EXPECT_NEAR(s.overall(1), 0.5 * 0 + 0.5 * 100, 1e-9);
  EXPECT_TRUE(std::isnan(s.overall(2))); // A3: every indicator N/A
  EXPECT_EQ(s.indicator(2, 0).na, NaReason::null_value);
}

TEST(QaAggregates, RedeclaringAQaAggregateNeedsItsUnit) {
  EXPECT_EQ(test::spec_error(R"({"inputs": {"qa_pass_rate": "number"},
      "indicators": [{"kpi": "qa_pass_rate", "rule": {"type": "value"}}]})"),
            "spec /inputs/qa_pass_rate: \"qa_pass_rate\" is already a QA aggregate (unit \"ratio\")");
  EXPECT_EQ(test::spec_error(R"({"inputs": {"qa_pass_rate": "ratio"},
      "indicators": [{"kpi": "qa_pass_rate", "rule": {"type": "value"}}]})"),
            "(compiled)");
}

TEST(IndicatorColumns, ReadRejectAndJoin) {
  const std::vector<std::string> keys{"agent_id"};
  const auto extra = read_indicator_csv("agent_id,first_response_s,attendance\n"
                                        "A1,35,0.98\n"
                                        "A1,30,1\n"
                                        "A2,abc,1\n"
                                        "A4,,0.9\n",
                                        keys);
  const std::vector<Reject> expected = {{3, "", "duplicate group key"}, {4, "first_response_s", "not a number"}};
  EXPECT_EQ(extra.rejects, expected);
  ASSERT_EQ(extra.keys.size(), 2u);
  Fixture f;
  KpiTable k = f.kpis({"agent_id"});
  join(k, extra);
  ASSERT_EQ(k.size(), 4u); // A1 A2 A3 + A4
  const std::size_t fr = k.kpi_index("first_response_s");
  EXPECT_EQ(k.values[0][fr].value, 35.0);
  EXPECT_FALSE(k.values[3][fr].value.has_value());
  EXPECT_EQ(k.values[3][k.kpi_index("attendance")].value, 0.9);
  EXPECT_THROW((void)read_indicator_csv("team,x\n", keys), InputError);
}

TEST(IndicatorColumns, MonitoringTableFromContactsEvaluationsAndAnIndicatorTable) {
  // DOMAIN.md's monitoring table end to end: 100 contacts of one agent (AHT 12 min, FCR 78 %,
  // CSAT top box 88 %, NPS 25), 100 evaluations (3 forbidden phrases, 2 process violations,
  // no wrong answers) and first response online 35 s from an indicator table → 82.97.
  std::string contacts = "contact_id,arrived_at,direction,answered,wait_s,talk_s,acw_s,resolved_first_contact,csat,nps,"
                         "agent_id\n";
  std::string evals = "evaluation_id,contact_id,agent_id,evaluated_at,ok,forbidden_phrases,wrong_answers,"
                      "process_violations\n";
  for (int i = 0; i < 100; ++i) {
    const std::string id = "c" + std::to_string(i);
    contacts += id + ",2026-03-02T10:00:00Z,inbound,1,5,600,120," + (i < 78 ? "1" : "0") + "," + (i < 88 ? "5" : "2") +
                "," + (i < 45 ? "10" : i < 65 ? "0" : "8") + ",A1\n";
    evals += "e" + std::to_string(i) + "," + id + ",A1,2026-03-03," + "yes," + (i < 3 ? "1" : "0") + ",0," +
             (i < 2 ? "1" : "0") + "\n";
  }
  const auto form = QaForm::compile_text(R"({"sections": [{"name": "s", "items": [{"name": "ok", "scale": "yes_no"}]}]})");
  const auto c = read_contacts_csv(contacts);
  const auto e = read_evaluations_csv(evals, form);
  ASSERT_TRUE(c.rejects.empty());
  ASSERT_TRUE(e.rejects.empty());
  const std::vector<std::string> keys{"agent_id"};
  KpiTable k = finalize(aggregate(c.table, keys, KpiOptions{}));
  join(k, aggregate_qa(e.records, score_evaluations(form, e.records), c.table, keys, KpiOptions{}));
  const auto extra = read_indicator_csv("agent_id,first_response_s\nA1,35\n", keys);
  join(k, extra);
  std::ifstream in(std::string(KPISCORE_FIXTURES) + "/../../examples/scorecards/monitoring_table.json");
  std::ostringstream spec;
  spec << in.rdbuf();
  const auto s = score(Scorecard::compile_text(spec.str()), k);
  EXPECT_NEAR(s.overall(0), 0.3 * 75 + 0.5 * (85 + 100 + 80) / 3.0 + 0.2 * 81.5, 1e-9);
}

} // namespace
} // namespace kpiscore::scoring
