// A project outside the tree that uses an installed kpiscore through find_package.
#include <kpiscore/kpiscore.hpp>

#include <iostream>

int main() {
  const auto read = kpiscore::read_contacts_csv("contact_id,arrived_at,direction,answered,wait_s\n"
                                                "1,2026-03-02T09:00:00Z,inbound,1,10\n"
                                                "2,2026-03-02T09:00:00Z,inbound,0,30\n");
  const auto state = kpiscore::aggregate(read.table, std::vector<std::string>{}, kpiscore::KpiOptions{});
  const auto table = kpiscore::finalize(state);
  const double sl = *table.values[0][table.kpi_index("service_level")].value;
  std::cout << "kpiscore " << KPISCORE_VERSION_STRING << " service_level=" << sl << "\n";
  return sl == 0.5 ? 0 : 1;
}
