#ifndef KPISCORE_DETAIL_PARALLEL_HPP
#define KPISCORE_DETAIL_PARALLEL_HPP

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace kpiscore::detail {

/// Number of worker threads for `requested` (0 = all hardware threads), never more than one per
/// `min_rows` rows so small inputs stay on the calling thread.
inline unsigned thread_count(int requested, std::size_t rows, std::size_t min_rows = 1u << 16) {
  unsigned t = requested > 0 ? static_cast<unsigned>(requested) : std::thread::hardware_concurrency();
  if (t == 0) t = 1;
  const std::size_t by_size = std::max<std::size_t>(1, rows / min_rows);
  return static_cast<unsigned>(std::min<std::size_t>(t, by_size));
}

/// Runs fn(part, begin, end) over `parts` contiguous slices of [0, n), part 0 on the calling
/// thread; rethrows the first exception after every thread has joined.
template <class Fn> void parallel_slices(std::size_t n, unsigned parts, Fn&& fn) {
  if (parts <= 1) {
    fn(0u, std::size_t{0}, n);
    return;
  }
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(parts);
  auto run = [&](unsigned p) {
    try {
      fn(p, n * p / parts, n * (p + 1) / parts);
    } catch (...) {
      errors[p] = std::current_exception();
    }
  };
  for (unsigned p = 1; p < parts; ++p) threads.emplace_back(run, p);
  run(0);
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

} // namespace kpiscore::detail

#endif
