#ifndef KPISCORE_TABLE_STRING_COLUMN_HPP
#define KPISCORE_TABLE_STRING_COLUMN_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore {

/// A column of mostly-unique strings (contact ids): one byte buffer plus row offsets, so a
/// million ids cost two allocations, not a million.
class StringColumn {
public:
  std::size_t size() const noexcept { return offsets_.size() - 1; }
  std::string_view operator[](std::size_t row) const noexcept {
    return std::string_view{bytes_}.substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  void push_back(std::string_view s) {
    bytes_.append(s);
    offsets_.push_back(bytes_.size());
  }
  void pop_back() {
    offsets_.pop_back();
    bytes_.resize(offsets_.back());
  }
  /// Appends `rows` empty strings (ids absent from in-memory input) in one step.
  void append_empty(std::size_t rows) { offsets_.resize(offsets_.size() + rows, offsets_.back()); }
  void reserve(std::size_t rows, std::size_t bytes) {
    offsets_.reserve(rows + 1);
    bytes_.reserve(bytes);
  }

private:
  std::string bytes_;
  std::vector<std::uint64_t> offsets_{0};
};

} // namespace kpiscore

#endif
