#ifndef KPISCORE_TABLE_STRING_COLUMN_HPP
#define KPISCORE_TABLE_STRING_COLUMN_HPP

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore {

/// A column of mostly-unique strings (contact ids): one byte buffer plus row offsets, so a
/// million ids cost two allocations, not a million.
class StringColumn {
public:
  std::size_t size() const noexcept { return offsets_.size() - 1 + empty_rows_; }
  std::string_view operator[](std::size_t row) const noexcept {
    if (row + 1 >= offsets_.size()) return {}; // one of the trailing empty rows
    return std::string_view{bytes_}.substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  void push_back(std::string_view s) {
    materialize();
    bytes_.append(s);
    offsets_.push_back(bytes_.size());
  }
  void pop_back() {
    if (empty_rows_ > 0) {
      --empty_rows_;
      return;
    }
    offsets_.pop_back();
    bytes_.resize(offsets_.back());
  }
  /// Appends the strings of Arrow-layout input in one step: `offsets` (rows + 1 non-decreasing
  /// entries) into `bytes`; string r is bytes[offsets[r], offsets[r + 1]).
  void append(std::span<const std::int64_t> offsets, std::string_view bytes) {
    if (offsets.size() < 2) return;
    materialize();
    const auto first = static_cast<std::size_t>(offsets.front());
    const auto last = static_cast<std::size_t>(offsets.back());
    const std::uint64_t base = bytes_.size() - first;
    bytes_.append(bytes.substr(first, last - first));
    const std::size_t at = offsets_.size();
    offsets_.resize(at + offsets.size() - 1);
    std::uint64_t* out = offsets_.data() + at;
    for (std::size_t r = 1; r < offsets.size(); ++r)
      out[r - 1] = base + static_cast<std::uint64_t>(offsets[r]);
  }
  /// Appends `rows` empty strings (ids absent from in-memory input) without storing them.
  void append_empty(std::size_t rows) { empty_rows_ += rows; }
  void reserve(std::size_t rows, std::size_t bytes) {
    offsets_.reserve(rows + 1);
    bytes_.reserve(bytes);
  }

private:
  void materialize() {
    if (empty_rows_ > 0) {
      offsets_.resize(offsets_.size() + empty_rows_, offsets_.back());
      empty_rows_ = 0;
    }
  }
  std::string bytes_;
  std::vector<std::uint64_t> offsets_{0};
  std::size_t empty_rows_ = 0; ///< trailing empty strings not stored in offsets_
};

} // namespace kpiscore

#endif
