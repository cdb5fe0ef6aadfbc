// Reading evaluation records: columns checked against the form, marks on each scale, N/A,
// counts, flags, calibration; rejects with pinned (line, field, reason) that never echo values.
#include "scoring/qa_test_util.hpp"

#include <kpiscore/io/csv_reader.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace kpiscore::scoring {
namespace {

using test::qa_form;
using test::qa_header;

TEST(QaEvaluations, ReadsMarksCountsFlagsAndCalibration) {
  const auto r = read_evaluations_csv(std::string(qa_header) +
                                          "e1,c1,A1,E1,2026-03-02T10:00:00Z,Yes,8,NA,1,4,0,1,2,0\r\n"
                                          "\"e2\",c2,A1,,2026-03-02 18:00,no,10,n,0,5,1,,,1\n"
                                          "\n",
                                      qa_form(), "Asia/Shanghai");
  ASSERT_TRUE(r.rejects.empty()) << r.rejects.front().reason;
  EXPECT_EQ(r.rows_read, 2u);
  EXPECT_EQ(r.blank_lines, 1u);
  const auto& e = r.records;
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e.evaluation_id[1], "e2");
  EXPECT_EQ(e.evaluator[1], "");
  // 2026-03-02 18:00 in Asia/Shanghai is 10:00 UTC
  EXPECT_EQ(e.evaluated_at_ms[1], e.evaluated_at_ms[0] + 0);
  const std::size_t I = qa_form().items().size();
  EXPECT_EQ(e.marks[0], 1.0);
  EXPECT_EQ(e.marks[1], 8.0);
  EXPECT_TRUE(std::isnan(e.marks[2]));
  EXPECT_EQ(e.marks[I + 0], 0.0);
  EXPECT_EQ(e.counts[0][0], 2);
  EXPECT_EQ(e.counts[0][1], 0); // empty count: none recorded
  EXPECT_TRUE(e.has(QaCount::forbidden_phrases));
  EXPECT_FALSE(e.has(QaCount::wrong_answers));
  EXPECT_EQ(e.flags[1], 1);
  EXPECT_EQ(e.bonus_units[0], 1.0);
  EXPECT_EQ(e.calibration[0], 0);
  EXPECT_EQ(e.calibration[1], 1);
  EXPECT_EQ(e.line[1], 3u);
}

TEST(QaEvaluations, RejectsWithLineFieldAndReasonNeverTheValue) {
  const std::string rows =
      "e1,c1,A1,E1,2026-03-02T10:00:00Z,yes,8,yes,yes,4,0,0,0,0\n"   // 2 ok
      ",c1,A1,E1,2026-03-02T10:00:00Z,yes,8,yes,yes,4,0,0,0,0\n"     // 3
      "e3,c1,A1,E1,yesterday,yes,8,yes,yes,4,0,0,0,0\n"              // 4
      "e4,c1,A1,E1,2026-03-02T10:00:00Z,NA,8,yes,yes,4,0,0,0,0\n"    // 5
      "e5,c1,A1,E1,2026-03-02T10:00:00Z,yes,11,yes,yes,4,0,0,0,0\n"  // 6
      "e6,c1,A1,E1,2026-03-02T10:00:00Z,yes,8,yes,yes,0,0,0,0,0\n"   // 7
      "e7,c1,A1,E1,2026-03-02T10:00:00Z,yes,8,maybe,yes,4,0,0,0,0\n" // 8
      "e8,c1,A1,E1,2026-03-02T10:00:00Z,yes,8,yes,yes,4,2,0,0,0\n"   // 9
      "e9,c1,A1,E1,2026-03-02T10:00:00Z,yes,8,yes,yes,4,0,0,-1,0\n"  // 10
      "e10,c1,A1\n"                                                   // 11
      "e1,c2,A1,E1,2026-03-02T10:00:00Z,yes,8,yes,yes,4,0,0,0,0\n"   // 12
      "e12,c1,A1,E1,2026-03-02T10:00:00Z,yes,8,yes,yes,4,0,0,0,yes\n" // 13
      "e13,c1,A1,E1,2026-03-02T10:00:00Z,,8,yes,yes,4,0,0,0,0\n"     // 14
      "e14,c1,A1,E1,2026-02-30T10:00:00Z,yes,8,yes,yes,4,0,0,0,0\n"  // 15
      "e15,c1,A1,E1,2026-03-02T10:00:00Z,yes,8,yes,yes,4,0,1.5,0,0\n" // 16
      "\"e16,c1,A1,E1,2026-03-02T10:00:00Z,yes,8,yes,yes,4,0,0,0,0\n" // 17 unterminated quote
      ;
  const auto r = read_evaluations_csv(std::string(qa_header) + rows, qa_form());
  const std::vector<Reject> expected = {
      {3, "evaluation_id", "missing required value"},
      {4, "evaluated_at", "not an ISO-8601 timestamp"},
      {5, "greet", "N/A not allowed for this item"},
      {6, "accuracy", "expected a whole number 0..10 or NA"},
      {7, "courtesy", "expected a whole number 1..5 or NA"},
      {8, "handover", "expected yes, no, 1, 0 or NA"},
      {9, "leak", "expected 0 or 1"},
      {10, "forbidden_phrases", "expected a whole number >= 0"},
      {11, "", "expected 14 fields, actual 3"},
      {12, "evaluation_id", "duplicate evaluation_id"},
      {13, "calibration", "expected 0 or 1"},
      {14, "greet", "missing required value"},
      {15, "evaluated_at", "impossible date or time"},
      {16, "praise", "expected a whole number >= 0"},
      {17, "", "unterminated or misplaced quote"},
  };
  EXPECT_EQ(r.rejects, expected);
  EXPECT_EQ(r.rows_read, 16u);
  EXPECT_EQ(r.accepted() + r.rejects.size(), r.rows_read);
  EXPECT_EQ(rejects_to_csv(r.rejects).find("maybe"), std::string::npos);
}

TEST(QaEvaluations, PointsScaleBounds) {
  const auto f = QaForm::compile_text(R"({"sections": [{"name": "s", "items": [{"name": "p", "scale": {"points": 5}}]}]})");
  const auto r = read_evaluations_csv("evaluation_id,contact_id,agent_id,evaluated_at,p,notes\n"
                                      "e1,c1,A1,2026-03-02,4.5,free text is ignored\n"
                                      "e2,c1,A1,2026-03-02,5.5,\n",
                                      f);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records.marks[0], 4.5);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0], (Reject{3, "p", "expected points 0..5 or NA"}));
}

TEST(QaEvaluations, HeaderErrors) {
  auto header_error = [](const std::string& text) {
    try {
      (void)read_evaluations_csv(text, qa_form());
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(read)");
  };
  EXPECT_EQ(header_error(""), "evaluations: empty file, expected a header row");
  EXPECT_EQ(header_error("evaluation_id,contact_id,agent_id,evaluated_at,greet,accuracy,handover,verified,leak,praise,"
                         "forbidden_phrases\n"),
            "evaluations header: missing required column 'courtesy' (an item of the form)");
  EXPECT_EQ(header_error("evaluation_id,contact_id,agent_id,evaluated_at,greet,accuracy,handover,verified,courtesy,"
                         "leak,praise\n"),
            "evaluations header: missing required column 'forbidden_phrases' (the form deducts per occurrence)");
  EXPECT_EQ(header_error("evaluation_id,contact_id,evaluated_at\n"),
            "evaluations header: missing required column 'agent_id'");
  EXPECT_EQ(header_error("evaluation_id,evaluation_id\n"), "evaluations header: column 'evaluation_id' appears twice");
}

} // namespace
} // namespace kpiscore::scoring
