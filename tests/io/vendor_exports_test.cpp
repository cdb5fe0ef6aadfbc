// Three synthetic vendor exports (tests/fixtures/exports/) of the same eight contacts, each read
// through its committed mapping, give the same KPIs as the canonical CSV of those contacts.
#include "test_util.hpp"

#include <kpiscore/io/mapping.hpp>
#include <kpiscore/table/legs.hpp>

#include <fstream>
#include <sstream>

using namespace kpiscore;

namespace {

std::string fixture(const std::string& name) { return std::string(KPISCORE_FIXTURES) + "/exports/" + name; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

KpiOptions options() {
  KpiOptions o;
  o.timezone = "Asia/Shanghai";
  o.threads = 1;
  o.quantiles = true;
  return o;
}

KpiTable kpis(const ContactTable& t, const std::vector<std::string>& by, const KpiOptions& o) {
  return finalize(aggregate(t, by, o));
}

void expect_same_kpis(const ContactTable& vendor, const ContactTable& canonical, const KpiOptions& o) {
  for (const std::vector<std::string>& by : {std::vector<std::string>{}, {"agent_id"}, {"queue"}, {"team", "vendor"}}) {
    const KpiTable a = kpis(vendor, by, o), b = kpis(canonical, by, o);
    ASSERT_EQ(a.keys, b.keys);
    ASSERT_EQ(a.values.size(), b.values.size());
    for (std::size_t g = 0; g < a.values.size(); ++g)
      for (std::size_t k = 0; k < a.kpis.size(); ++k)
        EXPECT_EQ(a.values[g][k].value, b.values[g][k].value) << a.kpis[k].name << " group " << g;
  }
}

ContactTable canonical(const KpiOptions& o) {
  ReadResult r = read_contacts_csv_file(fixture("canonical.csv"), o);
  EXPECT_TRUE(r.rejects.empty());
  EXPECT_EQ(r.accepted(), 8u);
  return std::move(r.table);
}

} // namespace

TEST(VendorExports, ChineseGb18030SemicolonHhMmSsAndATenPointScale) {
  const KpiOptions o = options();
  const ReadResult r = read_contacts_csv_file(fixture("vendor_a_gb18030_semicolon.csv"), o,
                                              Mapping::from_file(fixture("vendor_a.mapping.json")));
  EXPECT_EQ(r.encoding, "gb18030");
  EXPECT_EQ(r.delimiter, ';');
  ASSERT_TRUE(r.rejects.empty()) << r.rejects[0].line << " " << r.rejects[0].field << ": " << r.rejects[0].reason;
  EXPECT_EQ(r.accepted(), 8u);
  EXPECT_EQ(r.table.dimension("备注"), nullptr);
  expect_same_kpis(r.table, canonical(o), o);
}

TEST(VendorExports, EnglishTabMillisecondsAndTransfersAsSeveralRows) {
  KpiOptions o = KpiOptions::from_json_text(slurp(fixture("vendor_b.options.json")));
  o.timezone = "Asia/Shanghai";
  o.threads = 1;
  o.quantiles = true;
  const ReadResult r = read_contacts_csv_file(fixture("vendor_b_tab_legs.tsv"), o,
                                              Mapping::from_file(fixture("vendor_b.mapping.json")));
  EXPECT_EQ(r.encoding, "utf-8");
  EXPECT_EQ(r.delimiter, '\t');
  ASSERT_TRUE(r.rejects.empty()) << r.rejects[0].line << " " << r.rejects[0].field << ": " << r.rejects[0].reason;
  EXPECT_EQ(r.accepted(), 10u); // C3 in two legs, C5 twice
  LegSummary s;
  const ContactTable contacts = collapse_legs(r.table, o.legs, &s);
  EXPECT_EQ(s.rows_in, 10u);
  EXPECT_EQ(s.duplicate_rows, 1u);
  EXPECT_EQ(s.contacts, 8u);
  EXPECT_EQ(s.multi_leg_contacts, 1u);
  expect_same_kpis(contacts, canonical(o), o);
  // Without collapsing, the transfer and the duplicate would count as extra offered contacts.
  EXPECT_NE(kpis(r.table, {}, o).values, kpis(contacts, {}, o).values);
}

TEST(VendorExports, PipeUtf8BomCustomTimestampAndMmSs) {
  const KpiOptions o = options();
  const ReadResult r = read_contacts_csv_file(fixture("vendor_c_pipe_bom.csv"), o,
                                              Mapping::from_file(fixture("vendor_c.mapping.json")));
  EXPECT_EQ(r.encoding, "utf-8-bom");
  EXPECT_EQ(r.delimiter, '|');
  ASSERT_TRUE(r.rejects.empty()) << r.rejects[0].line << " " << r.rejects[0].field << ": " << r.rejects[0].reason;
  expect_same_kpis(r.table, canonical(o), o);
}
