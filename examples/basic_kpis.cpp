// The smallest use of the library: read a contacts CSV, KPIs per agent, print a table.
//   example_basic contacts.csv
#include <kpiscore/kpiscore.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: example_basic contacts.csv\n";
    return 1;
  }
  kpiscore::KpiOptions options;
  options.timezone = "Asia/Shanghai";
  const kpiscore::ReadResult read = kpiscore::read_contacts_csv_file(argv[1], options);
  const std::vector<std::string> by{"team"};
  const kpiscore::GroupedKpiState state = kpiscore::aggregate(read.table, by, options);
  std::cout << kpiscore::to_text(kpiscore::finalize(state));
  return 0;
}
