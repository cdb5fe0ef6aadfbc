#include <kpiscore/engine/custom_accumulators.hpp>

#include <stdexcept>

namespace kpiscore {

void CustomAccumulators::resize(std::size_t groups) {
  counts.assign(names.size(), std::vector<std::int64_t>(groups, 0));
  sums.assign(names.size(), std::vector<int128_t>(groups, 0));
}

void CustomAccumulators::add(std::size_t target, const CustomAccumulators& other, std::size_t g) {
  if (other.names.size() != names.size())
    throw std::invalid_argument("custom KPI accumulators: layouts differ");
  for (std::size_t a = 0; a < names.size(); ++a) {
    counts[a][target] += other.counts[a][g];
    sums[a][target] += other.sums[a][g];
  }
}

} // namespace kpiscore
