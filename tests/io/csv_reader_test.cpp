#include "test_util.hpp"

using namespace kpiscore;

namespace {

const std::string hdr = "contact_id,arrived_at,direction,answered,wait_s,csat,nps,complaint,talk_s,team\n";

ReadResult read(const std::string& body, const KpiOptions& o = {}) { return read_contacts_csv(hdr + body, o); }

void expect_reject(const std::string& row, const std::string& field, const std::string& reason) {
  const ReadResult r = read("ok,2026-03-02T09:00:00Z,inbound,1,1,,,,,\n" + row + "\n");
  ASSERT_EQ(r.rejects.size(), 1u) << row;
  EXPECT_EQ(r.rejects[0], (Reject{3, field, reason})) << row;
  EXPECT_EQ(r.rows_read, 2u);
  EXPECT_EQ(r.accepted(), 1u);
}

} // namespace

TEST(CsvReader, ReadsColumnsIntoTheColumnarLayout) {
  const ReadResult r = read("c1,2026-03-02T09:00:00Z,inbound,1,12.5,4,9,0,100.25,客服一组\n"
                            "c2,2026-03-02T09:00:01Z,outbound,0,0,,,,,\n");
  ASSERT_TRUE(r.rejects.empty());
  const ContactTable& t = r.table;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.contact_id[0], "c1");
  EXPECT_EQ(t.arrived_at_ms[0], 1772442000000);
  EXPECT_EQ(t.inbound[0], 1);
  EXPECT_EQ(t.inbound[1], 0);
  EXPECT_EQ(t.wait_ms[0], 12500);
  EXPECT_EQ(t.column(DurationField::talk)[0], 100250);
  EXPECT_EQ(t.column(DurationField::talk)[1], null_duration);
  EXPECT_TRUE(t.column(DurationField::hold).empty()); // absent column: all null
  EXPECT_EQ(t.column(SmallField::csat)[0], 4);
  EXPECT_EQ(t.column(SmallField::csat)[1], null_small);
  EXPECT_EQ(t.dimension("team")->value(0), "客服一组");
  EXPECT_EQ(t.dimension("team")->codes()[1], null_code);
}

TEST(CsvReader, DurationsRoundToMilliseconds) {
  const ReadResult r = read("a,2026-03-02T09:00:00Z,inbound,1,1.2345,,,,0.0005,\n"
                            "b,2026-03-02T09:00:00Z,inbound,1,7,,,,3.,\n");
  ASSERT_TRUE(r.rejects.empty());
  EXPECT_EQ(r.table.wait_ms[0], 1235); // half up past the third decimal
  EXPECT_EQ(r.table.column(DurationField::talk)[0], 1);
  EXPECT_EQ(r.table.column(DurationField::talk)[1], 3000);
}

TEST(CsvReader, QuotesCrlfBomAndEmbeddedNewlines) {
  const std::string text = "\xEF\xBB\xBF" + hdr.substr(0, hdr.size() - 1) + "\r\n" +
                           "\"c,1\",2026-03-02T09:00:00Z,inbound,1,1,,,,,\"line one\r\nline \"\"two\"\"\"\r\n"
                           "c2,2026-03-02T09:00:00Z,inbound,1,x,,,,,\r\n";
  const ReadResult r = read_contacts_csv(text);
  ASSERT_EQ(r.accepted(), 1u);
  EXPECT_EQ(r.table.contact_id[0], "c,1");
  EXPECT_EQ(r.table.dimension("team")->value(0), "line one\r\nline \"two\"");
  // The second record starts on physical line 4: the quoted newline moved it down one line.
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0], (Reject{4, "wait_s", "not a number"}));
}

TEST(CsvReader, EachRejectKindHasItsExactText) {
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,1,,,", "", "expected 10 fields, actual 8");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,abc,,,,,", "wait_s", "not a number");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,-3,,,,,", "wait_s", "negative duration");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,1,,,,-0.5,", "talk_s", "negative duration");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,99999999999999,,,,,", "wait_s", "duration too large");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,1,6,,,,", "csat", "csat outside 1..5");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,1,0,,,,", "csat", "csat outside 1..5");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,1,4.5,,,,", "csat", "not an integer");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,1,,11,,,", "nps", "nps outside 0..10");
  expect_reject("b,2026-02-30T09:00:00Z,inbound,1,1,,,,,", "arrived_at", "impossible date or time");
  expect_reject("b,2026-03-02T24:00:00Z,inbound,1,1,,,,,", "arrived_at", "impossible date or time");
  expect_reject("b,02/03/2026 09:00,inbound,1,1,,,,,", "arrived_at", "not an ISO-8601 timestamp");
  expect_reject("b,1899-03-02T09:00:00Z,inbound,1,1,,,,,", "arrived_at", "timestamp before 1900");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,yes,1,,,,,", "answered", "expected 0 or 1");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,1,,,2,,", "complaint", "expected 0 or 1");
  expect_reject("b,2026-03-02T09:00:00Z,sideways,1,1,,,,,", "direction", "expected inbound or outbound");
  expect_reject(",2026-03-02T09:00:00Z,inbound,1,1,,,,,", "contact_id", "missing required value");
  expect_reject("b,,inbound,1,1,,,,,", "arrived_at", "missing required value");
  expect_reject("b,2026-03-02T09:00:00Z,,1,1,,,,,", "direction", "missing required value");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,,1,,,,,", "answered", "missing required value");
  expect_reject("b,2026-03-02T09:00:00Z,inbound,1,,,,,,", "wait_s", "missing required value");
  expect_reject("\"b,2026-03-02T09:00:00Z,inbound,1,1,,,,,", "", "unterminated or misplaced quote");
}

TEST(CsvReader, NonexistentLocalTimeIsRejected) {
  KpiOptions o;
  o.timezone = "America/New_York";
  // 2026-03-08 02:30 does not exist in New York (clocks jump from 02:00 to 03:00).
  const ReadResult r = read("a,2026-03-08 02:30:00,inbound,1,1,,,,,\n", o);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0], (Reject{2, "arrived_at", "local time does not exist in America/New_York (DST gap)"}));
}

TEST(CsvReader, RejectsNeverEchoTheValue) {
  const ReadResult r = read("secret-id,2026-03-02T09:00:00Z,inbound,1,SECRET,,,,,\n");
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].reason.find("SECRET"), std::string::npos);
  EXPECT_EQ(rejects_to_csv(r.rejects).find("SECRET"), std::string::npos);
}

TEST(CsvReader, AcceptedPlusRejectedIsRowsRead) {
  std::string body;
  for (int i = 0; i < 100; ++i)
    body += std::to_string(i) + ",2026-03-02T09:00:00Z,inbound,1," + (i % 7 == 0 ? "bad" : "3") + ",,,,,\n";
  body += "\n"; // a blank line is not a record
  const ReadResult r = read(body);
  EXPECT_EQ(r.rows_read, 100u);
  EXPECT_EQ(r.rejects.size(), 15u);
  EXPECT_EQ(r.accepted() + r.rejects.size(), r.rows_read);
  EXPECT_EQ(r.blank_lines, 1u);
}

TEST(CsvReader, HeaderErrors) {
  EXPECT_THROW(read_contacts_csv(""), InputError);
  try {
    read_contacts_csv("contact_id,arrived_at,direction,answered\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "header: missing required column 'wait_s'");
  }
  try {
    read_contacts_csv("contact_id,arrived_at,direction,answered,wait_s,team,team\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "header: column 'team' appears twice");
  }
}

TEST(CsvReader, RejectsCsv) {
  EXPECT_EQ(rejects_to_csv({{3, "wait_s", "not a number"}, {7, "", "expected 10 fields, actual 8"}}),
            "line,field,reason\n3,wait_s,not a number\n7,,\"expected 10 fields, actual 8\"\n");
}
