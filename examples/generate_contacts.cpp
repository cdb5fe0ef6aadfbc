// Writes seeded, realistic contact records as CSV.
//   generate_contacts [ROWS] [SEED] [AGENTS] > contacts.csv
#include "contact_generator.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  kpiscore::examples::GeneratorConfig c;
  if (argc > 1) c.rows = std::strtoull(argv[1], nullptr, 10);
  if (argc > 2) c.seed = std::strtoull(argv[2], nullptr, 10);
  if (argc > 3) c.agents = std::atoi(argv[3]);
  if (c.agents <= 0) {
    std::cerr << "generate_contacts: AGENTS must be positive\n";
    return 1;
  }
  kpiscore::examples::ContactGenerator gen(c);
  std::string out = kpiscore::examples::ContactGenerator::header();
  for (std::size_t i = 0; i < c.rows; ++i) {
    out += kpiscore::examples::ContactGenerator::csv_row(gen.next());
    if (out.size() > (1u << 20)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}
