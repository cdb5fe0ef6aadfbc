#include "test_util.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace kpiscore;

namespace {

const std::string golden_csv = std::string(test::header) +
    "1,2026-03-02T09:00:00Z,inbound,1,10,a,phone,q1,100,20,30,1,5,10,0,1\n"
    "2,2026-03-02T09:01:00Z,inbound,1,20,a,phone,q1,200,0,40,0,4,9,0,0\n"
    "3,2026-03-03T09:02:00Z,inbound,1,30,b,chat,q2,300,,50,,3,8,1,0\n"
    "4,2026-03-03T09:03:00Z,inbound,0,5,b,phone,q1,,,,,,,,\n"
    "5,2026-03-03T09:04:00Z,outbound,1,0,,phone,q1,60,0,10,1,2,6,0,1\n";

const KpiOptions golden_options = KpiOptions::from_json_text(R"({"quantiles": true, "timezone": "Asia/Shanghai"})");

GroupedKpiState golden_state() {
  const std::vector<std::string> by{"agent_id", "day"};
  return aggregate(test::table_of(golden_csv, golden_options), by, golden_options);
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string error_of(const std::vector<std::uint8_t>& bytes, std::optional<std::uint64_t> fp = {}) {
  try {
    (void)GroupedKpiState::deserialize(bytes, fp);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

void put_u64(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

/// Recomputes the trailing checksum after a deliberate edit, so later checks are reached.
void reseal(std::vector<std::uint8_t>& b) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::size_t i = 0; i + 8 < b.size(); ++i) {
    h ^= b[i];
    h *= 1099511628211ull;
  }
  put_u64(b, b.size() - 8, h);
}

} // namespace

TEST(GroupedKpiState, RoundTrip) {
  const GroupedKpiState s = golden_state();
  ASSERT_EQ(s.size(), 3u); // (a, 03-02), (b, 03-03), (null, 03-03)
  const auto bytes = s.serialize();
  const GroupedKpiState back = GroupedKpiState::deserialize(bytes, s.fingerprint());
  EXPECT_EQ(back, s);
  EXPECT_EQ(back.serialize(), bytes);
  EXPECT_EQ(back.key(2), (std::vector<std::optional<std::string>>{std::nullopt, "2026-03-03"}));
}

TEST(GroupedKpiState, RejectsBadBuffers) {
  const auto good = golden_state().serialize();
  auto b = good;
  b[0] = 'X';
  EXPECT_EQ(error_of(b), "kpiscore state: bad magic: expected 4b504953 (\"KPIS\"), actual 58504953");
  EXPECT_EQ(error_of({}), "kpiscore state: bad magic: expected 4b504953 (\"KPIS\"), actual <empty>");
  b = good;
  b[4] = 9;
  EXPECT_EQ(error_of(b), "kpiscore state: unsupported format version: expected 1 or 2, actual 9");
  b = good;
  b[6] = 2;
  EXPECT_EQ(error_of(b), "kpiscore state: wrong state type: expected 1 (grouped contact KPIs), actual 2");
  EXPECT_EQ(error_of(good, 0x1234),
            "kpiscore state: options fingerprint differs: expected 0x0000000000001234, actual " +
                [&] {
                  char buf[19];
                  std::snprintf(buf, sizeof buf, "0x%016llx",
                                static_cast<unsigned long long>(golden_options.fingerprint()));
                  return std::string(buf);
                }());
  b = std::vector<std::uint8_t>(good.begin(), good.end() - 10);
  EXPECT_EQ(error_of(b), "kpiscore state: truncated buffer: expected " + std::to_string(good.size()) +
                             " bytes, actual " + std::to_string(good.size() - 10));
  b = std::vector<std::uint8_t>(good.begin(), good.begin() + 6);
  EXPECT_EQ(error_of(b), "kpiscore state: truncated buffer: expected at least 8 bytes, actual 6");
  b = good;
  b.push_back(0);
  EXPECT_EQ(error_of(b), "kpiscore state: trailing bytes: expected " + std::to_string(good.size()) +
                             " bytes, actual " + std::to_string(good.size() + 1));
  b = good;
  b[b.size() - 20] ^= 0xFF;
  EXPECT_EQ(error_of(b).rfind("kpiscore state: checksum mismatch: expected 0x", 0), 0u);
  // An edited fingerprint that still matches the expected one is caught against the metadata.
  b = good;
  put_u64(b, 8, 0x1234);
  reseal(b);
  EXPECT_EQ(error_of(b).rfind("kpiscore state: options fingerprint differs: expected 0x0000000000001234, actual 0x", 0),
            0u);
}

TEST(GroupedKpiState, MergeChecksKeysAndOptions) {
  const auto t = test::table_of(golden_csv);
  const std::vector<std::string> by1{"agent_id"}, by2{"team"};
  GroupedKpiState a = aggregate(t, by1, KpiOptions{});
  try {
    a += aggregate(t, by2, KpiOptions{});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "kpiscore state merge: group keys differ: expected [agent_id], actual [team]");
  }
  KpiOptions other;
  other.service_level.threshold_ms = 30'000;
  try {
    a += aggregate(t, by1, other);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("kpiscore state merge: options fingerprint differs: expected 0x", 0), 0u);
  }
}

TEST(GroupedKpiState, MergeUnitesGroups) {
  const auto t = test::table_of(golden_csv);
  const std::vector<std::string> by{"agent_id"};
  GroupedKpiState a = aggregate(test::table_of(std::string(test::header) +
                                               "1,2026-03-02T09:00:00Z,inbound,1,10,z,phone,q1,100,20,30,1,5,10,0,1\n"),
                                by, KpiOptions{});
  a += aggregate(t, by, KpiOptions{});
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a.key(2), (std::vector<std::optional<std::string>>{"z"}));
  EXPECT_EQ(a.key(3), (std::vector<std::optional<std::string>>{std::nullopt}));
  EXPECT_EQ(a.state(2)[Counter::offered], 1);
  EXPECT_EQ(a.state(0)[Counter::offered], 2);
}

// Golden files: the version-1 format must stay readable. Regenerate only on a format change
// (with a new version number): KPISCORE_WRITE_GOLDEN=1 ./kpiscore_tests --gtest_filter=Golden*
TEST(GoldenFile, Version1IsReadable) {
  const std::string path = std::string(KPISCORE_FIXTURES) + "/grouped_kpi_state_v1.bin";
  if (std::getenv("KPISCORE_WRITE_GOLDEN")) {
    const auto bytes = golden_state().serialize();
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
  }
  const auto bytes = read_bytes(path);
  ASSERT_FALSE(bytes.empty()) << path;
  const GroupedKpiState s = GroupedKpiState::deserialize(bytes, golden_options.fingerprint());
  EXPECT_EQ(s.key_names(), (std::vector<std::string>{"agent_id", "day"}));
  ASSERT_EQ(s.size(), 3u);
  const KpiTable k = finalize(s);
  EXPECT_EQ(k.keys[0], (std::vector<std::optional<std::string>>{"a", "2026-03-02"}));
  EXPECT_DOUBLE_EQ(*k.values[0][k.kpi_index("asa_s")].value, 15.0);
  EXPECT_DOUBLE_EQ(*k.values[0][k.kpi_index("aht_s")].value, 195.0);
  EXPECT_DOUBLE_EQ(*k.values[0][k.kpi_index("nps")].value, 100.0);
  EXPECT_DOUBLE_EQ(*k.values[1][k.kpi_index("abandon_rate")].value, 0.5);
  EXPECT_DOUBLE_EQ(*k.values[2][k.kpi_index("conversion_rate")].value, 1.0);
  EXPECT_NEAR(*k.values[0][k.kpi_index("wait_p90_s")].value, 20.0, 20.0 / 32);
  // The same input still serializes to exactly these bytes.
  EXPECT_EQ(golden_state().serialize(), bytes);
}
