#include <kpiscore/io/timestamp.hpp>

#include <gtest/gtest.h>

using namespace kpiscore;

namespace {
ParsedTimestamp parse(std::string_view s, const char* zone = "UTC") {
  static TimeZone tz;
  tz = TimeZone::locate(zone);
  LocalToUtc conv(tz);
  return parse_timestamp(s, conv);
}
constexpr std::int64_t base = 1772442000000; // 2026-03-02T09:00:00Z
} // namespace

TEST(Timestamp, Forms) {
  EXPECT_EQ(parse("2026-03-02T09:00:00Z").utc_ms, base);
  EXPECT_EQ(parse("2026-03-02 09:00:00").utc_ms, base);
  EXPECT_EQ(parse("2026-03-02T09:00").utc_ms, base);
  EXPECT_EQ(parse("2026-03-02T09:00:00.5Z").utc_ms, base + 500);
  EXPECT_EQ(parse("2026-03-02T09:00:00.123456Z").utc_ms, base + 123); // truncated
  EXPECT_EQ(parse("2026-03-02T17:00:00+08:00").utc_ms, base);
  EXPECT_EQ(parse("2026-03-02T17:00:00+0800").utc_ms, base);
  EXPECT_EQ(parse("2026-03-02T04:00:00-05").utc_ms, base);
  EXPECT_EQ(parse("2026-03-02").utc_ms, base - 9 * 3'600'000);
  EXPECT_EQ(parse("1969-12-31T23:59:59Z").utc_ms, -1000);
  EXPECT_EQ(parse("1900-01-01T00:00:00Z").error, TimestampError::none);
  EXPECT_EQ(parse("1899-12-31T23:59:59Z").error, TimestampError::out_of_range);
  EXPECT_EQ(parse("0999-06-01T00:00:00Z").error, TimestampError::out_of_range);
}

TEST(Timestamp, LocalTimeInAZone) {
  EXPECT_EQ(parse("2026-03-02T17:00:00", "Asia/Shanghai").utc_ms, base);
  // New York, fall back on 2026-11-01: 01:30 happens twice; the earlier (EDT, UTC−4) is taken.
  EXPECT_EQ(parse("2026-11-01T01:30:00", "America/New_York").utc_ms,
            parse("2026-11-01T05:30:00Z").utc_ms);
  EXPECT_EQ(parse("2026-11-01T03:00:00", "America/New_York").utc_ms,
            parse("2026-11-01T08:00:00Z").utc_ms);
  EXPECT_EQ(parse("2026-03-08T02:30:00", "America/New_York").error, TimestampError::nonexistent_local);
  EXPECT_EQ(parse("2026-03-08T03:00:00", "America/New_York").utc_ms, parse("2026-03-08T07:00:00Z").utc_ms);
}

TEST(Timestamp, Errors) {
  EXPECT_EQ(parse("2026-13-01T00:00:00Z").error, TimestampError::impossible);
  EXPECT_EQ(parse("2025-02-29T00:00:00Z").error, TimestampError::impossible);
  EXPECT_EQ(parse("2024-02-29T00:00:00Z").error, TimestampError::none);
  EXPECT_EQ(parse("2026-03-02T09:60:00Z").error, TimestampError::impossible);
  EXPECT_EQ(parse("2026-03-02T09:00:00+25:00").error, TimestampError::impossible);
  EXPECT_EQ(parse("2026-3-2").error, TimestampError::syntax);
  EXPECT_EQ(parse("2026-03-02T09").error, TimestampError::syntax);
  EXPECT_EQ(parse("2026-03-02T09:00:00Zx").error, TimestampError::syntax);
  EXPECT_EQ(parse("yesterday").error, TimestampError::syntax);
}

TEST(TimeZone, UnknownZoneIsAnError) {
  try {
    (void)TimeZone::locate("Mars/Olympus");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown time zone 'Mars/Olympus'");
  }
}

TEST(TimeZone, OffsetsAcrossTransitions) {
  const TimeZone ny = TimeZone::locate("America/New_York");
  const auto t = ny.offsets(parse("2026-01-01T00:00:00Z").utc_ms, parse("2026-12-31T00:00:00Z").utc_ms);
  EXPECT_EQ(t.offset_at(parse("2026-02-01T00:00:00Z").utc_ms), -5 * 3'600'000);
  EXPECT_EQ(t.offset_at(parse("2026-07-01T00:00:00Z").utc_ms), -4 * 3'600'000);
  EXPECT_EQ(t.offset_at(parse("2026-12-01T00:00:00Z").utc_ms), -5 * 3'600'000);
}
