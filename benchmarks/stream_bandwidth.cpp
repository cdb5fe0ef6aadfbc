// STREAM-style memory bandwidth of this machine (McCalpin, "Memory Bandwidth and Machine Balance
// in Current High Performance Computers", IEEE TCCA Newsletter 1995), measured over buffers much
// larger than the last-level cache so every byte comes from DRAM. benchmarks/compare.py runs it in
// the same session as the engines and divides kpiscore's bytes read per second by it.
//
//   stream_bandwidth [--mib=N] [--threads=N] [--runs=N] [--json]
//
// Kernels (each run over `mib` MiB per array, best of `runs`, after one warm-up):
//   read   s += a[i]               (bytes counted: 8 per element; the pattern of an aggregation,
//                                   which reads columns and writes a small state)
//   copy   c[i] = a[i]             (16: read + write)
//   triad  a[i] = b[i] + q * c[i]  (24)
// Threads split the index range in equal contiguous slices; each thread first touches its own
// slice (first-touch page placement). Write-allocate traffic is not counted, as in STREAM.
#include "release_guard.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

struct Config {
  std::size_t mib = 1024; ///< per array; 3 arrays are allocated
  unsigned threads = 1;
  int runs = 5;
  bool json = false;
};

template <class F> void in_parallel(unsigned threads, std::size_t n, F f) {
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back([&, t] { f(t, n * t / threads, n * (t + 1) / threads); });
  f(0, 0, n / threads);
  for (auto& th : pool) th.join();
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool parse(int argc, char** argv, Config& c) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto num = [&](const char* prefix, auto& out) {
      if (a.rfind(prefix, 0) != 0) return false;
      const long long v = std::atoll(a.c_str() + std::strlen(prefix));
      if (v <= 0) return false;
      out = static_cast<std::remove_reference_t<decltype(out)>>(v);
      return true;
    };
    if (num("--mib=", c.mib) || num("--threads=", c.threads) || num("--runs=", c.runs)) continue;
    if (a == "--json") {
      c.json = true;
      continue;
    }
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  Config c;
  if (!parse(argc, argv, c)) {
    std::fprintf(stderr, "stream_bandwidth: usage: stream_bandwidth [--mib=N] [--threads=N] [--runs=N] [--json]\n");
    return 1;
  }
  const std::size_t n = c.mib * 1024 * 1024 / sizeof(double);
  const std::unique_ptr<double[]> a(new double[n]), b(new double[n]), d(new double[n]);
  in_parallel(c.threads, n, [&](unsigned, std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      a[i] = 1.0;
      b[i] = 2.0;
      d[i] = 0.5;
    }
  });
  std::vector<double> partial(c.threads * 8, 0.0); // one cache line per thread
  struct Kernel {
    const char* name;
    double bytes_per_element;
    double best = 1e300;
  } kernels[] = {{"read", 8}, {"copy", 16}, {"triad", 24}};
  const double q = 3.0;
  for (int run = 0; run <= c.runs; ++run) { // run 0 is the warm-up
    for (int k = 0; k < 3; ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      in_parallel(c.threads, n, [&](unsigned t, std::size_t lo, std::size_t hi) {
        if (k == 0) {
          // Four independent sums so the loop is bound by loads, not by the add latency.
          double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          std::size_t i = lo;
          for (; i + 4 <= hi; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
          }
          for (; i < hi; ++i) s0 += a[i];
          partial[t * 8] += s0 + s1 + s2 + s3;
        } else if (k == 1) {
          std::memcpy(d.get() + lo, a.get() + lo, (hi - lo) * sizeof(double));
        } else {
          for (std::size_t i = lo; i < hi; ++i) a[i] = b[i] + q * d[i];
        }
      });
      const double s = seconds_since(t0);
      if (run > 0) kernels[k].best = std::min(kernels[k].best, s);
    }
  }
  double check = 0;
  for (double p : partial) check += p;
  if (check <= 0) return 3; // keeps the read kernel from being optimised away
  if (c.json) {
    std::printf("{\"mib_per_array\": %zu, \"threads\": %u, \"runs\": %d", c.mib, c.threads, c.runs);
    for (const auto& k : kernels)
      std::printf(", \"%s_gb_s\": %.3f", k.name, k.bytes_per_element * static_cast<double>(n) / k.best / 1e9);
    std::printf("}\n");
  } else {
    std::printf("STREAM-style bandwidth, %zu MiB per array, %u thread(s), best of %d\n", c.mib, c.threads, c.runs);
    for (const auto& k : kernels)
      std::printf("  %-6s %8.2f GB/s  (%.1f ms)\n", k.name, k.bytes_per_element * static_cast<double>(n) / k.best / 1e9,
                  k.best * 1e3);
  }
  return 0;
}
