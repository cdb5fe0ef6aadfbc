#ifndef KPISCORE_TABLE_COLUMN_HPP
#define KPISCORE_TABLE_COLUMN_HPP

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace kpiscore {

/// A column of a ContactTable: either owned (a std::vector) or borrowed (a view of memory that
/// someone else owns: a numpy array, an Arrow buffer), so in-memory input that already has the
/// table's layout (int64 milliseconds, uint8 flags, int8 scores) is aggregated without a copy.
///
/// The read API is std::vector's (data, size, empty, [], begin/end, back). Any mutation of a
/// borrowed column first copies it into owned storage (copy on write), so code that builds or
/// edits tables (readers, leg collapsing) works unchanged. A borrowed column keeps its owner
/// alive through `keep_alive` (may be null when the caller guarantees the lifetime).
template <class T> class Column {
public:
  using value_type = T;
  using const_iterator = const T*;

  Column() = default;
  Column(std::initializer_list<T> values) : owned_(values) {}
  Column(std::size_t n, const T& value) : owned_(n, value) {}
  Column(std::vector<T> values) : owned_(std::move(values)) {} // NOLINT: a vector is a column

  /// A view of `values`, valid while `keep_alive` (or the caller) keeps the memory.
  static Column borrow(std::span<const T> values, std::shared_ptr<const void> keep_alive = {}) {
    Column c;
    c.view_ = values.data();
    c.view_size_ = values.size();
    c.borrowed_ = true;
    c.keep_alive_ = std::move(keep_alive);
    return c;
  }

  bool borrowed() const noexcept { return borrowed_; }

  const T* data() const noexcept { return borrowed_ ? view_ : owned_.data(); }
  std::size_t size() const noexcept { return borrowed_ ? view_size_ : owned_.size(); }
  bool empty() const noexcept { return size() == 0; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size(); }
  const T& back() const noexcept { return data()[size() - 1]; }
  std::span<const T> span() const noexcept { return {data(), size()}; }

  // Mutations: owned storage only (a borrowed column is copied first).
  T* data() { return own().data(); }
  T& operator[](std::size_t i) { return own()[i]; }
  T* begin() { return own().data(); }
  T* end() { return own().data() + owned_.size(); }
  void push_back(const T& v) { own().push_back(v); }
  void pop_back() { own().pop_back(); }
  void reserve(std::size_t n) { own().reserve(n); }
  void resize(std::size_t n) { own().resize(n); }
  void resize(std::size_t n, const T& v) { own().resize(n, v); }
  void assign(std::size_t n, const T& v) {
    release();
    owned_.assign(n, v);
  }
  template <class It> void assign(It first, It last) {
    release();
    owned_.assign(first, last);
  }
  void clear() {
    release();
    owned_.clear();
  }

  friend bool operator==(const Column& a, const Column& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator==(const Column& a, const std::vector<T>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

private:
  std::vector<T>& own() {
    if (borrowed_) {
      owned_.assign(view_, view_ + view_size_);
      release();
    }
    return owned_;
  }
  void release() noexcept {
    borrowed_ = false;
    view_ = nullptr;
    view_size_ = 0;
    keep_alive_.reset();
  }

  std::vector<T> owned_;
  const T* view_ = nullptr;
  std::size_t view_size_ = 0;
  bool borrowed_ = false;
  std::shared_ptr<const void> keep_alive_;
};

} // namespace kpiscore

#endif
