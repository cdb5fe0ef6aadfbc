#ifndef KPISCORE_IO_REJECT_HPP
#define KPISCORE_IO_REJECT_HPP

#include <cstdint>
#include <string>

namespace kpiscore {

/// A rejected input record: the physical line where it starts (the header is line 1), the
/// field (column name; empty for a record-level problem such as a wrong field count) and the
/// reason. Never holds the offending value: rejects may be shared beyond the data's owners.
struct Reject {
  std::uint64_t line = 0;
  std::string field;
  std::string reason;
  bool operator==(const Reject&) const = default;
};

} // namespace kpiscore

#endif
