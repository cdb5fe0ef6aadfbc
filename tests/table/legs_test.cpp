#include "test_util.hpp"

#include <kpiscore/table/legs.hpp>

using namespace kpiscore;

namespace {
const std::string hdr =
    "contact_id,arrived_at,direction,answered,wait_s,talk_s,acw_s,resolved_first_contact,csat,complaint,agent_id,queue\n";
}

TEST(Legs, CollapsesLegsIntoOneContact) {
  const ContactTable t = test::table_of(hdr +
                                        "x,2026-03-02T09:00:00Z,inbound,1,10,100,5,0,,0,A1,sales\n"
                                        "y,2026-03-02T09:01:00Z,inbound,0,40,,,,,,,sales\n"
                                        "x,2026-03-02T09:03:00Z,inbound,1,30,200,10,1,4,1,A2,support\n"
                                        "x,2026-03-02T09:03:00Z,inbound,1,30,200,10,1,4,1,A2,support\n"
                                        "z,2026-03-02T09:05:00Z,outbound,1,0,50,,,,,A3,sales\n");
  LegSummary s;
  const ContactTable c = collapse_legs(t, KpiOptions::Legs{}, &s);
  EXPECT_EQ(s.rows_in, 5u);
  EXPECT_EQ(s.duplicate_rows, 1u);
  EXPECT_EQ(s.contacts, 3u);
  EXPECT_EQ(s.multi_leg_contacts, 1u);
  c.validate_shape();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.contact_id[0], "x");
  EXPECT_EQ(c.contact_id[1], "y");
  EXPECT_EQ(c.wait_ms[0], 10'000);                               // first leg's wait
  EXPECT_EQ(c.column(DurationField::talk)[0], 300'000);          // legs summed
  EXPECT_EQ(c.column(DurationField::acw)[0], 15'000);
  EXPECT_EQ(c.column(DurationField::talk)[1], null_duration);    // all null stays null
  EXPECT_EQ(c.column(SmallField::resolved_first_contact)[0], 1); // last leg
  EXPECT_EQ(c.column(SmallField::csat)[0], 4);
  EXPECT_EQ(c.column(SmallField::complaint)[0], 1);
  EXPECT_EQ(c.dimension("agent_id")->value(0), "A2"); // the last answered leg owns the contact
  EXPECT_EQ(c.dimension("queue")->value(0), "sales"); // the queue it was offered in

  KpiOptions::Legs o;
  o.wait = LegWait::total;
  o.owner = LegOwner::first;
  o.handle = LegHandle::owner;
  o.fcr = LegFcr::first;
  o.drop_duplicates = false;
  const ContactTable d = collapse_legs(t, o, &s);
  EXPECT_EQ(s.duplicate_rows, 0u);
  EXPECT_EQ(d.wait_ms[0], 70'000);
  EXPECT_EQ(d.dimension("agent_id")->value(0), "A1");
  EXPECT_EQ(d.column(DurationField::talk)[0], 100'000);
  EXPECT_EQ(d.column(SmallField::resolved_first_contact)[0], 0);
}

TEST(Legs, OfferedAndServiceLevelCountTheContactOnce) {
  const ContactTable t = test::table_of(hdr +
                                        "x,2026-03-02T09:00:00Z,inbound,1,10,100,5,0,,0,A1,sales\n"
                                        "x,2026-03-02T09:03:00Z,inbound,1,30,200,10,1,4,1,A2,support\n");
  KpiOptions o;
  const ContactTable c = collapse_legs(t, o.legs);
  EXPECT_EQ(test::value(c, o, "offered"), 1);
  EXPECT_EQ(test::value(c, o, "service_level"), 1); // first leg's wait 10 s <= 20 s
  EXPECT_EQ(test::value(t, o, "offered"), 2);
}

TEST(Legs, UniqueIdsComeBackUnchanged) {
  const ContactTable t = test::table_of(hdr + "a,2026-03-02T09:00:00Z,inbound,1,10,100,5,0,,0,A1,sales\n"
                                              "b,2026-03-02T08:00:00Z,inbound,0,3,,,,,,,\n");
  const ContactTable c = collapse_legs(t, KpiOptions::Legs{});
  EXPECT_EQ(c.arrived_at_ms, t.arrived_at_ms);
  EXPECT_EQ(c.wait_ms, t.wait_ms);
  EXPECT_EQ(c.durations, t.durations);
  EXPECT_EQ(c.smalls, t.smalls);
  EXPECT_EQ(c.dimension("agent_id")->codes(), t.dimension("agent_id")->codes());
}

TEST(Legs, OptionsSectionIsOmittedAtItsDefaults) {
  EXPECT_FALSE(KpiOptions{}.to_json().contains("legs"));
  const KpiOptions o = KpiOptions::from_json_text(R"({"legs": {"collapse": true, "wait": "total"}})");
  EXPECT_TRUE(o.legs.collapse);
  EXPECT_EQ(o.legs.wait, LegWait::total);
  EXPECT_EQ(KpiOptions::from_json(o.to_json()), o);
  EXPECT_NE(o.fingerprint(), KpiOptions{}.fingerprint());
  EXPECT_EQ(KpiOptions::from_json_text(R"({"legs": {"collapse": false}})").fingerprint(), KpiOptions{}.fingerprint());
  try {
    (void)KpiOptions::from_json_text(R"({"legs": {"owner": "middle"}})");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "options /legs/owner: expected one of \"last\", \"first\", actual \"middle\"");
  }
}
