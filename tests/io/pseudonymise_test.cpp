// Keyed pseudonyms: HMAC-SHA256 truncated to 80 bits; reference values from Python's hmac module
// (hmac.new(key, id.encode(), hashlib.sha256).hexdigest()[:20]).
#include "test_util.hpp"

#include <kpiscore/io/pseudonymise.hpp>

#include <cstdio>
#include <fstream>

using namespace kpiscore;

namespace {

const std::string key = "kpiscore-test-key-0123456789abcdef"; // 34 bytes

template <class F> std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

} // namespace

TEST(Pseudonymiser, MatchesPythonHmac) {
  const Pseudonymiser p(key);
  EXPECT_EQ(p("A01"), "c23d34fc8f22801b7670");
  EXPECT_EQ(p("A02"), "2d3a975fa0af66b63f59");
  EXPECT_EQ(p("C1"), "ad2705aee472926b01cd");
  EXPECT_EQ(p("一组"), "63fae0e7e03a56375e76");
  EXPECT_EQ(p("A01").size(), 2 * Pseudonymiser::pseudonym_bytes);
  EXPECT_EQ(Pseudonymiser(key)("A01"), p("A01")); // stable across instances (and runs)
  EXPECT_NE(Pseudonymiser(key + "x")("A01"), p("A01"));
}

TEST(Pseudonymiser, ShortOrMissingKeyIsRefused) {
  EXPECT_EQ(message_of([] { Pseudonymiser p(std::string(31, 'k')); }),
            "the key has 31 bytes, at least 32 are required (RFC 2104 section 3: not shorter than "
            "the 32-byte "
            "HMAC-SHA256 output)");
  EXPECT_NO_THROW(Pseudonymiser(std::string(32, 'k')));
  EXPECT_EQ(message_of([] { (void)Pseudonymiser::from_key_file("/nonexistent/kpiscore.key"); }),
            "cannot open '/nonexistent/kpiscore.key'");
  const std::string path = testing::TempDir() + "kpiscore_pseudonymise.key";
  { std::ofstream(path, std::ios::binary) << key << "\n"; }
  // The whole file is the key, the newline included.
  EXPECT_EQ(Pseudonymiser::from_key_file(path)("A01"), Pseudonymiser(key + "\n")("A01"));
  std::remove(path.c_str());
}

TEST(Pseudonymiser, ColumnList) {
  EXPECT_EQ(parse_pseudonymise_list("agent_id, contact_id"),
            (std::vector<std::string>{"agent_id", "contact_id"}));
  EXPECT_EQ(message_of([] { (void)parse_pseudonymise_list("agent_id,,team"); }),
            "--pseudonymise: empty column name");
  EXPECT_EQ(message_of([] { (void)parse_pseudonymise_list("agent_id,month"); }),
            "--pseudonymise: 'month' is a time key, not an identifier");
  EXPECT_EQ(message_of([] { (void)parse_pseudonymise_list("team,team"); }),
            "--pseudonymise: column 'team' given twice");
}

TEST(Pseudonymiser, ContactTableColumnsAndKpis) {
  const std::string csv = std::string(test::header) +
                          "C1,2026-03-02T09:00:00Z,inbound,1,10,A01,phone,sales,100,,,1,,,,\n"
                          "C2,2026-03-02T09:05:00Z,inbound,1,30,A02,phone,sales,200,,,0,,,,\n"
                          "C3,2026-03-02T09:07:00Z,inbound,0,40,,phone,sales,,,,,,,,\n"
                          "C1,2026-03-02T09:09:00Z,inbound,1,5,A01,phone,sales,50,,,1,,,,\n";
  KpiOptions o;
  o.threads = 1;
  ContactTable t = test::table_of(csv, o);
  const Pseudonymiser p(key);
  const std::vector<std::string> cols{"agent_id", "contact_id", "team"}; // team: absent, stays null
  const KpiTable before = finalize(aggregate(t, std::vector<std::string>{"agent_id"}, o));
  pseudonymise(t, cols, p);
  EXPECT_EQ(t.contact_id[0], p("C1"));
  EXPECT_EQ(t.contact_id[3], p("C1"));
  EXPECT_EQ(t.contact_id[2], p("C3"));
  EXPECT_EQ(t.dimension("agent_id")->value(1), p("A02"));
  EXPECT_EQ(t.dimension("agent_id")->codes()[2], null_code);
  const KpiTable after = finalize(aggregate(t, std::vector<std::string>{"agent_id"}, o));
  ASSERT_EQ(after.size(), before.size());
  // The same groups with the same KPIs, under pseudonyms, in the pseudonyms' order.
  for (std::size_t g = 0; g < before.size(); ++g) {
    const auto& k = before.keys[g][0];
    std::optional<std::string> pk = k ? std::optional<std::string>(p(*k)) : std::nullopt;
    bool found = false;
    for (std::size_t h = 0; h < after.size(); ++h)
      if (after.keys[h][0] == pk) {
        found = true;
        EXPECT_EQ(after.values[h], before.values[g]);
      }
    EXPECT_TRUE(found);
  }
  // pseudonymise(KpiTable) gives the same table as pseudonymising the records first.
  KpiTable relabelled = before;
  pseudonymise(relabelled, cols, p);
  EXPECT_EQ(relabelled.keys, after.keys);
  EXPECT_EQ(relabelled.values, after.values);
  EXPECT_EQ(message_of([&] { pseudonymise(t, std::vector<std::string>{"agnet_id"}, p); }),
            "pseudonymise: no column 'agnet_id' in the input");
}
