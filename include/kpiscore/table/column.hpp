#ifndef KPISCORE_TABLE_COLUMN_HPP
#define KPISCORE_TABLE_COLUMN_HPP

#include <kpiscore/table/nulls.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
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
///
/// A borrowed column of a nullable type (int64 durations, int8 flags and scores) may also carry
/// the input's mask (one byte per row: a pandas nullable array's null mask, an Arrow validity
/// bitmap unpacked), so nullable input is read without writing a sentinel-coded copy. Kernels
/// that understand masks read `values()` and `mask()`; every
/// other reader sees the ordinary layout: the first const access to `data()` (or `[]`, `begin`,
/// `span`) materialises the values with `null_value<T>` at masked rows, once, thread-safely.
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

  /// A view of `values` with a mask of one byte per value: row r is null where `mask[r] == 0`
  /// (a validity mask), or where `mask[r] != 0` when `mask_marks_nulls` (a null mask, pandas'
  /// sense); the value at a null row is ignored. An empty `mask` borrows without one.
  static Column borrow(std::span<const T> values, std::span<const std::uint8_t> mask,
                       std::shared_ptr<const void> keep_alive = {}, bool mask_marks_nulls = false)
    requires nullable_column_type<T>
  {
    Column c = borrow(values, std::move(keep_alive));
    if (!mask.empty()) {
      c.mask_ = mask.data();
      c.mask_marks_nulls_ = mask_marks_nulls;
      c.lazy_ = std::make_shared<Materialized>();
    }
    return c;
  }

  bool borrowed() const noexcept { return borrowed_; }
  /// Whether rows are nulled by a mask (then `values()` is arbitrary at null rows).
  bool masked() const noexcept { return mask_ != nullptr; }
  /// The mask bytes (empty when the column has none): row r has a value exactly when
  /// `(mask()[r] != 0) != mask_marks_nulls()`.
  std::span<const std::uint8_t> mask() const noexcept {
    return mask_ ? std::span<const std::uint8_t>{mask_, view_size_}
                 : std::span<const std::uint8_t>{};
  }
  bool mask_marks_nulls() const noexcept { return mask_marks_nulls_; }
  /// The stored values without materialising nulls: at a masked row the value is arbitrary.
  const T* values() const noexcept { return borrowed_ ? view_ : owned_.data(); }

  const T* data() const { return mask_ ? materialized() : values(); }
  std::size_t size() const noexcept { return borrowed_ ? view_size_ : owned_.size(); }
  bool empty() const noexcept { return size() == 0; }
  const T& operator[](std::size_t i) const { return data()[i]; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  const T& back() const { return data()[size() - 1]; }
  std::span<const T> span() const { return {data(), size()}; }

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
  /// The sentinel-coded copy of a masked column, built on first use (shared by copies of the
  /// column, which view the same immutable input).
  struct Materialized {
    std::once_flag once;
    std::vector<T> values;
  };

  const T* materialized() const {
    if constexpr (nullable_column_type<T>) {
      std::call_once(lazy_->once, [this] {
        std::vector<T>& out = lazy_->values;
        out.resize(view_size_);
        const bool marks_nulls = mask_marks_nulls_;
        for (std::size_t i = 0; i < view_size_; ++i)
          out[i] = (mask_[i] != 0) != marks_nulls ? view_[i] : null_value<T>::value;
      });
      return lazy_->values.data();
    } else {
      return values(); // never masked
    }
  }

  std::vector<T>& own() {
    if (borrowed_) {
      if (mask_)
        owned_.assign(materialized(), materialized() + view_size_);
      else
        owned_.assign(view_, view_ + view_size_);
      release();
    }
    return owned_;
  }
  void release() noexcept {
    borrowed_ = false;
    view_ = nullptr;
    view_size_ = 0;
    mask_ = nullptr;
    mask_marks_nulls_ = false;
    lazy_.reset();
    keep_alive_.reset();
  }

  std::vector<T> owned_;
  const T* view_ = nullptr;
  std::size_t view_size_ = 0;
  bool borrowed_ = false;
  const std::uint8_t* mask_ = nullptr; ///< borrowed mask (view_size_ bytes), or null
  bool mask_marks_nulls_ = false;
  std::shared_ptr<Materialized> lazy_; ///< set with mask_
  std::shared_ptr<const void> keep_alive_;
};

} // namespace kpiscore

#endif
