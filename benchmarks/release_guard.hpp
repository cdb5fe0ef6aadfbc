#ifndef KPISCORE_BENCHMARKS_RELEASE_GUARD_HPP
#define KPISCORE_BENCHMARKS_RELEASE_GUARD_HPP

// Included by every benchmark program: a benchmark built without optimisation (or with
// assertions on) refuses to run, so no figure is ever taken from a debug build. In the style of
// Boost.Histogram's benchmarks, a namespace-scope object traps at static-initialisation time,
// before Google Benchmark parses its flags or prints anything.

#include <cstdio>
#include <cstdlib>

namespace kpiscore::benchmarks::detail {

struct ReleaseGuard {
  ReleaseGuard() noexcept {
#if !defined(NDEBUG) || !defined(__OPTIMIZE__)
    std::fputs("benchmark: refusing to run from a debug build (NDEBUG and __OPTIMIZE__ must both be "
               "defined); configure with -DCMAKE_BUILD_TYPE=Release\n",
               stderr);
    std::exit(EXIT_FAILURE);
#endif
  }
};

/// One instance per program (an inline variable: several includes still make one object).
inline const ReleaseGuard release_guard{};

} // namespace kpiscore::benchmarks::detail

#endif
