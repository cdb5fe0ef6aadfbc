#ifndef KPISCORE_TESTS_TEST_UTIL_HPP
#define KPISCORE_TESTS_TEST_UTIL_HPP

#include <kpiscore/kpiscore.hpp>

#include <gtest/gtest.h>

#include <string>

namespace kpiscore::test {

inline const char* header =
    "contact_id,arrived_at,direction,answered,wait_s,agent_id,channel,queue,talk_s,hold_s,acw_s,"
    "resolved_first_contact,csat,nps,complaint,converted\n";

/// Reads CSV text that must have no rejects.
inline ContactTable table_of(const std::string& csv, const KpiOptions& o = {}) {
  ReadResult r = read_contacts_csv(csv, o);
  EXPECT_TRUE(r.rejects.empty()) << (r.rejects.empty() ? "" : r.rejects[0].field + ": " + r.rejects[0].reason);
  return std::move(r.table);
}

/// KPIs of one group (no group keys) by name.
inline KpiValue kpi(const ContactTable& t, const KpiOptions& o, std::string_view name) {
  const KpiTable k = finalize(aggregate(t, std::vector<std::string>{}, o));
  EXPECT_EQ(k.size(), 1u);
  return k.values.at(0).at(k.kpi_index(name));
}

inline double value(const ContactTable& t, const KpiOptions& o, std::string_view name) {
  const KpiValue v = kpi(t, o, name);
  EXPECT_TRUE(v.value.has_value()) << name;
  return v.value.value_or(-12345.0);
}

} // namespace kpiscore::test

#endif
