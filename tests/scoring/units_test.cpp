#include "scoring/scoring_test_util.hpp"

#include <nlohmann/json.hpp>

namespace kpiscore::scoring {
namespace {

using nlohmann::json;

TEST(Units, Durations) {
  EXPECT_DOUBLE_EQ(parse_quantity(json(30), Unit::seconds, "/x"), 30);
  EXPECT_DOUBLE_EQ(parse_quantity(json("30s"), Unit::seconds, "/x"), 30);
  EXPECT_DOUBLE_EQ(parse_quantity(json("5min"), Unit::seconds, "/x"), 300);
  EXPECT_DOUBLE_EQ(parse_quantity(json("1.5h"), Unit::seconds, "/x"), 5400);
  EXPECT_DOUBLE_EQ(parse_quantity(json("500ms"), Unit::seconds, "/x"), 0.5);
  try {
    parse_quantity(json("-3s"), Unit::seconds, "/x");
    FAIL();
  } catch (const SpecError& e) {
    EXPECT_STREQ(e.what(), "spec /x: expected a non-negative duration, actual \"-3s\"");
    EXPECT_EQ(e.path(), "/x");
  }
}

TEST(Units, RatiosAndNumbers) {
  EXPECT_DOUBLE_EQ(parse_quantity(json("85%"), Unit::ratio, "/x"), 0.85);
  EXPECT_DOUBLE_EQ(parse_quantity(json(0.85), Unit::ratio, "/x"), 0.85);
  EXPECT_DOUBLE_EQ(parse_quantity(json(-20), Unit::number, "/x", true), -20);
  EXPECT_THROW(parse_quantity(json("85"), Unit::ratio, "/x"), SpecError);
  EXPECT_DOUBLE_EQ(parse_weight(json("30%"), "/w"), 0.3);
  EXPECT_DOUBLE_EQ(parse_weight(json(0.3), "/w"), 0.3);
}

TEST(Units, Formatting) {
  EXPECT_EQ(format_quantity(0.85, Unit::ratio), "85%");
  EXPECT_EQ(format_quantity(35, Unit::seconds), "35s");
  EXPECT_EQ(format_quantity(25, Unit::number), "25");
}

TEST(Units, DatesAndPeriods) {
  EXPECT_EQ(parse_date("1970-01-02"), 1);
  EXPECT_FALSE(parse_date("2026-02-29"));
  EXPECT_EQ(format_date(*parse_date("2026-03-15")), "2026-03-15");
  EXPECT_EQ(period_start_day("2026-03"), parse_date("2026-03-01"));
  EXPECT_EQ(period_start_day("2026-03-15"), parse_date("2026-03-15"));
  EXPECT_EQ(period_start_day("2026-03-15T09:30"), parse_date("2026-03-15"));
  EXPECT_EQ(period_start_day("2026-W01"), parse_date("2025-12-29")); // ISO week 1 of 2026 starts in 2025
  EXPECT_EQ(period_start_day("2020-W53"), parse_date("2020-12-28"));
  EXPECT_FALSE(period_start_day("peak"));
}

} // namespace
} // namespace kpiscore::scoring
