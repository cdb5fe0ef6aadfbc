#ifndef KPISCORE_TABLE_DICTIONARY_COLUMN_HPP
#define KPISCORE_TABLE_DICTIONARY_COLUMN_HPP

#include <kpiscore/table/nulls.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kpiscore {

/// A dimension column, dictionary-encoded: one uint32 code per row into `dictionary`, with
/// `null_code` for an empty value. Codes are dense (0..dictionary.size()-1) in first-seen order,
/// so group keys built from them are dense integer ids.
class DictionaryColumn {
public:
  DictionaryColumn() = default;
  explicit DictionaryColumn(std::string name) : name_(std::move(name)) {}

  const std::string& name() const noexcept { return name_; }
  const std::vector<std::uint32_t>& codes() const noexcept { return codes_; }
  const std::vector<std::string>& dictionary() const noexcept { return dictionary_; }
  std::size_t size() const noexcept { return codes_.size(); }

  /// The value of row `row`, or an empty view for null.
  std::string_view value(std::size_t row) const {
    const std::uint32_t c = codes_[row];
    return c == null_code ? std::string_view{} : std::string_view{dictionary_[c]};
  }

  /// Code of `value`, adding it to the dictionary when new. An empty value is null.
  std::uint32_t encode(std::string_view value) {
    if (value.empty()) return null_code;
    auto it = index_.find(value);
    if (it != index_.end()) return it->second;
    const auto code = static_cast<std::uint32_t>(dictionary_.size());
    dictionary_.emplace_back(value);
    // Keys view the stored strings; std::string may move with the vector, so the index holds
    // its own copy of the bytes through a node-stable string.
    index_.emplace(std::string(value), code);
    return code;
  }

  void push_back(std::string_view value) { codes_.push_back(encode(value)); }
  void push_code(std::uint32_t code) { codes_.push_back(code); }
  /// Replaces the codes with `codes` (each below dictionary().size(), or null_code): for readers
  /// that build a whole column of codes in one pass.
  void assign_codes(std::vector<std::uint32_t> codes) { codes_ = std::move(codes); }
  void reserve(std::size_t n) { codes_.reserve(n); }
  void resize(std::size_t n) { codes_.resize(n, null_code); }
  void pop_back() { codes_.pop_back(); }

  /// Code of an existing value, or null_code when it never occurs.
  std::uint32_t find(std::string_view value) const {
    auto it = index_.find(value);
    return it == index_.end() ? null_code : it->second;
  }

private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::string name_;
  std::vector<std::uint32_t> codes_;
  std::vector<std::string> dictionary_;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> index_;
};

} // namespace kpiscore

#endif
