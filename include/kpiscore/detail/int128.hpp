#ifndef KPISCORE_DETAIL_INT128_HPP
#define KPISCORE_DETAIL_INT128_HPP

namespace kpiscore {
/// Sums of squared milliseconds overflow int64 after about a million one-hour contacts, so they
/// are kept in 128 bits (exact, hence merge-order independent). A GCC/Clang extension;
/// `__extension__` keeps -Wpedantic quiet about it.
__extension__ typedef __int128 int128_t;
__extension__ typedef unsigned __int128 uint128_t;
} // namespace kpiscore

#endif
