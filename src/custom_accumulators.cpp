#include <kpiscore/engine/custom_accumulators.hpp>

#include <stdexcept>

namespace kpiscore {

void CustomAccumulators::resize(std::size_t groups) {
  counts.assign(names.size(), std::vector<std::int64_t>(groups, 0));
  sums.assign(names.size(), std::vector<int128_t>(groups, 0));
}

void CustomAccumulators::add(std::size_t target, const CustomAccumulators& other, std::size_t g) {
  if (other.names.size() != names.size() || other.ops != ops || ops.size() != names.size())
    throw std::invalid_argument("custom KPI accumulators: layouts differ");
  for (std::size_t a = 0; a < names.size(); ++a) {
    const std::int64_t n = other.counts[a][g];
    const int128_t v = other.sums[a][g];
    std::int64_t& tn = counts[a][target];
    int128_t& tv = sums[a][target];
    switch (ops[a]) {
    case Op::sum:
      tv += v;
      break;
    case Op::min:
      if (n > 0 && (tn == 0 || v < tv)) tv = v;
      break;
    case Op::max:
      if (n > 0 && (tn == 0 || v > tv)) tv = v;
      break;
    }
    tn += n;
  }
}

} // namespace kpiscore
