// ContactTable from in-memory arrays (numpy, Arrow, C++ vectors): the validation of the CSV
// reader (docs/input.md), column by column instead of field by field.
#include <kpiscore/detail/huge_pages.hpp>
#include <kpiscore/detail/parallel.hpp>
#include <kpiscore/io/array_input.hpp>
#include <kpiscore/io/timestamp.hpp>
#include <kpiscore/table/time_zone.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace kpiscore {
namespace {

// A row's first problem, in canonical column order (the order the columns are checked in).
// 0 = the row is fine; otherwise an index into Problems::texts (field + reason).
class Problems {
public:
  explicit Problems(std::size_t rows) : rows_(rows) {}

  std::uint16_t intern(std::string field, std::string reason) {
    texts_.push_back({std::move(field), std::move(reason)});
    return static_cast<std::uint16_t>(texts_.size());
  }
  void flag(std::size_t row, std::uint16_t problem) {
    if (first_.empty()) first_.assign(rows_, 0); // allocated on the first problem only
    if (first_[row] == 0) {
      first_[row] = problem;
      ++count_;
    }
  }
  std::size_t count() const noexcept { return count_; }
  std::uint16_t at(std::size_t row) const noexcept { return first_.empty() ? 0 : first_[row]; }
  const std::pair<std::string, std::string>& text(std::uint16_t problem) const {
    return texts_[problem - 1];
  }

private:
  std::size_t rows_;
  std::vector<std::uint16_t> first_;
  std::vector<std::pair<std::string, std::string>> texts_;
  std::size_t count_ = 0;
};

void check_length(std::size_t actual, std::size_t rows, std::string_view name) {
  if (actual != rows)
    throw std::invalid_argument("column " + std::string(name) + ": expected " +
                                std::to_string(rows) + " rows, actual " + std::to_string(actual));
}

template <class Variant> std::size_t variant_length(const Variant& v) {
  return std::visit(
      [](const auto& s) -> std::size_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::monostate>)
          return 0;
        else
          return s.size();
      },
      v);
}

void check_numeric(const NumericArray& a, std::size_t rows, std::string_view name) {
  if (!a.present()) return;
  check_length(variant_length(a.values), rows, name);
  if (!a.valid.empty()) check_length(a.valid.size(), rows, std::string(name) + " (validity mask)");
}

bool masked_out(std::span<const std::uint8_t> valid, std::size_t row) {
  return !valid.empty() && valid[row] == 0;
}

// Calls on_value(row, double-or-integer) for each valid row and on_null(row) for nulls.
template <class OnValue, class OnNull>
void for_each_value(const NumericArray& a, std::size_t rows, OnValue on_value, OnNull on_null) {
  std::visit(
      [&](const auto& span) {
        using Span = std::decay_t<decltype(span)>;
        if constexpr (!std::is_same_v<Span, std::monostate>) {
          using T = typename Span::element_type;
          for (std::size_t r = 0; r < rows; ++r) {
            const T x = span[r];
            if (a.null_at(r)) {
              on_null(r);
              continue;
            }
            if constexpr (std::is_floating_point_v<T>) {
              if (std::isnan(x)) {
                on_null(r);
                continue;
              }
            }
            on_value(r, x);
          }
        }
      },
      a.values);
}

// What borrowing needs besides the column: the owner to keep alive, and the threads the range
// checks run on (options.threads).
struct Borrowing {
  const std::shared_ptr<const void>& keep_alive;
  unsigned threads;
};

// Whether ok(begin, end) holds for every slice of [0, n), the slices checked in parallel.
template <class SliceOk> bool every_slice(std::size_t n, unsigned threads, SliceOk ok) {
  std::vector<std::uint8_t> slice_ok(std::max(threads, 1u), 1);
  detail::parallel_slices(
      n, threads, [&](unsigned p, std::size_t b, std::size_t e) { slice_ok[p] = ok(b, e); });
  return std::all_of(slice_ok.begin(), slice_ok.end(), [](std::uint8_t x) { return x != 0; });
}

// Borrows `in` as the table column when it already has the table's type and every value is in
// [lo, hi] (so no row of this column is rejected): no copy, no page faults. A column with a
// validity mask is borrowed with its mask when `nullable` (an optional column: a null is a
// value, not a reject), checking only the valid rows; the table then reads the mask instead of a
// sentinel-coded copy (table/column.hpp). The range test is one unsigned compare,
// (x - lo) mod 2^bits <= hi - lo, OR-reduced without branches so the loops vectorize.
template <class T>
bool try_borrow(const NumericArray& in, const Borrowing& how, Column<T>& out, std::int64_t lo,
                std::int64_t hi, bool nullable = false) {
  const auto* values = std::get_if<std::span<const T>>(&in.values);
  if (values == nullptr) return false;
  lo = std::max<std::int64_t>(lo, std::numeric_limits<T>::min());
  hi = std::min<std::int64_t>(hi, std::numeric_limits<T>::max());
  if (lo > hi) return false; // nothing of type T is in range: the checking path rejects
  using U = std::make_unsigned_t<T>;
  const auto base = static_cast<U>(static_cast<T>(lo));
  const auto width = static_cast<U>(static_cast<U>(static_cast<T>(hi)) - base);
  const T* __restrict x = values->data();
  if (in.valid.empty()) {
    const bool all_ok = every_slice(values->size(), how.threads, [&](std::size_t b, std::size_t e) {
      std::uint8_t bad = 0;
      for (std::size_t r = b; r < e; ++r)
        bad |= static_cast<U>(static_cast<U>(x[r]) - base) > width;
      return bad == 0;
    });
    if (!all_ok) return false;
    out = Column<T>::borrow(*values, how.keep_alive);
    return true;
  }
  if constexpr (nullable_column_type<T>) {
    if (!nullable) return false;
    const std::uint8_t* __restrict mask = in.valid.data();
    const std::uint8_t marks_nulls = in.valid_marks_nulls;
    const bool all_ok = every_slice(values->size(), how.threads, [&](std::size_t b, std::size_t e) {
      std::uint8_t bad = 0;
      for (std::size_t r = b; r < e; ++r)
        bad |= static_cast<std::uint8_t>((mask[r] != 0) ^ marks_nulls) &
               static_cast<std::uint8_t>(static_cast<U>(static_cast<U>(x[r]) - base) > width);
      return bad == 0;
    });
    if (!all_ok) return false;
    out = Column<T>::borrow(*values, in.valid, how.keep_alive, in.valid_marks_nulls);
    return true;
  }
  return false;
}

constexpr std::int64_t max_duration_ms = 9'999'999'999'999'999; // 13 integer digits of seconds

// Durations: integers are exact in their unit; floats are rounded to the nearest millisecond
// (half away from zero), once.
void read_durations(const DurationInput& in, std::size_t rows, std::string_view name, bool required,
                    Problems& problems, Column<std::int64_t>& out, const Borrowing& how) {
  if (in.unit == DurationUnit::milliseconds &&
      try_borrow<std::int64_t>(in.values, how, out, 0, max_duration_ms, !required))
    return;
  out.assign(rows, null_duration);
  if (!in.values.present()) return;
  std::int64_t* dst = out.data(); // owned now: raw writes, no copy-on-write check per row
  if (in.unit == DurationUnit::clock)
    throw std::invalid_argument("column " + std::string(name) +
                                ": clock text is not an array unit");
  const auto missing = problems.intern(std::string(name), "missing required value");
  const auto negative = problems.intern(std::string(name), "negative duration");
  const auto too_large = problems.intern(std::string(name), "duration too large");
  const auto not_number = problems.intern(std::string(name), "not a number");
  const std::int64_t scale = in.unit == DurationUnit::seconds ? 1000 : 1;
  for_each_value(
      in.values, rows,
      [&](std::size_t r, auto x) {
        using T = decltype(x);
        if constexpr (std::is_floating_point_v<T>) {
          if (std::isinf(x)) {
            problems.flag(r, x > 0 ? too_large : not_number);
            return;
          }
          const double ms = std::round(static_cast<double>(x) * static_cast<double>(scale));
          if (ms < 0) {
            problems.flag(r, negative);
          } else if (ms > static_cast<double>(max_duration_ms)) {
            problems.flag(r, too_large);
          } else {
            dst[r] = static_cast<std::int64_t>(ms); // -0.0 rounds to 0
          }
        } else {
          const auto v = static_cast<std::int64_t>(x);
          if (v < 0)
            problems.flag(r, negative);
          else if (v > max_duration_ms / scale)
            problems.flag(r, too_large);
          else
            dst[r] = v * scale;
        }
      },
      [&](std::size_t r) {
        if (required) problems.flag(r, missing);
      });
}

// Integer-valued small columns (flags, scores): floats must be whole numbers.
template <class Store>
void read_small(const NumericArray& in, std::size_t rows, std::string_view name, int lo, int hi,
                const std::string& range_reason, bool required, Problems& problems, Store store) {
  const auto missing = problems.intern(std::string(name), "missing required value");
  const auto range = problems.intern(std::string(name), range_reason);
  const auto not_integer = problems.intern(std::string(name), "not an integer");
  for_each_value(
      in, rows,
      [&](std::size_t r, auto x) {
        using T = decltype(x);
        if constexpr (std::is_floating_point_v<T>) {
          if (std::isinf(x) || std::trunc(x) != x) {
            problems.flag(r, not_integer);
            return;
          }
          if (x < lo || x > hi) {
            problems.flag(r, range);
            return;
          }
        } else {
          if (static_cast<std::int64_t>(x) < lo || static_cast<std::int64_t>(x) > hi) {
            problems.flag(r, range);
            return;
          }
        }
        store(r, static_cast<std::int8_t>(x));
      },
      [&](std::size_t r) {
        if (required) problems.flag(r, missing);
      });
}

// Dictionary codes → DictionaryColumn codes in first-seen order (unused or empty dictionary
// entries never become values; duplicate dictionary entries map to one code).
DictionaryColumn read_dictionary(const std::string& name, const DictionaryArray& in,
                                 std::size_t rows) {
  DictionaryColumn column(name);
  // By input code, plus one slot (the last) for null: the row's table code, and whether the
  // input code was met already (first-seen order is the table's code order).
  const std::size_t null_slot = in.dictionary.size();
  std::vector<std::uint32_t> remap(null_slot + 1, null_code);
  std::vector<std::uint8_t> seen(null_slot + 1, 0);
  seen[null_slot] = 1;
  std::vector<std::uint32_t> codes;
  detail::assign_on_huge_pages(codes, rows, null_code);
  std::uint32_t* out = codes.data();
  std::visit(
      [&](const auto& span) {
        using Span = std::decay_t<decltype(span)>;
        if constexpr (!std::is_same_v<Span, std::monostate>) {
          for (std::size_t r = 0; r < rows; ++r) {
            const auto c = static_cast<std::int64_t>(span[r]);
            std::size_t k = null_slot;
            if (c >= 0 && !masked_out(in.valid, r)) {
              if (static_cast<std::uint64_t>(c) >= null_slot)
                throw std::invalid_argument("column " + name + ": code " + std::to_string(c) +
                                            " outside its dictionary of " +
                                            std::to_string(null_slot) + " values");
              k = static_cast<std::size_t>(c);
            }
            if (!seen[k]) [[unlikely]] {
              seen[k] = 1;
              remap[k] = column.encode(in.dictionary[k]);
            }
            out[r] = remap[k];
          }
        }
      },
      in.codes);
  column.assign_codes(std::move(codes));
  return column;
}

std::int64_t to_ms(std::int64_t x, TimeUnit unit, bool& overflow) {
  // Floor division, so instants before 1970 truncate toward the past like the CSV reader's
  // dropped fraction digits.
  auto floor_div = [](std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
  };
  switch (unit) {
  case TimeUnit::s:
    if (x > std::numeric_limits<std::int64_t>::max() / 1000 ||
        x < std::numeric_limits<std::int64_t>::min() / 1000) {
      overflow = true;
      return 0;
    }
    return x * 1000;
  case TimeUnit::ms:
    return x;
  case TimeUnit::us:
    return floor_div(x, 1000);
  case TimeUnit::ns:
    return floor_div(x, 1'000'000);
  }
  return x;
}

} // namespace

ReadResult read_contact_arrays(const ContactArrays& in, const KpiOptions& options) {
  const std::size_t n = in.rows;
  if (in.contact_id.present()) check_length(in.contact_id.size(), n, "contact_id");
  check_numeric(in.arrived_at, n, "arrived_at");
  if (in.arrived_at_text.present()) check_length(in.arrived_at_text.size(), n, "arrived_at");
  if (!in.arrived_at.present() && !in.arrived_at_text.present())
    throw std::invalid_argument("column arrived_at: required");
  if (in.direction.present()) check_length(variant_length(in.direction.codes), n, "direction");
  check_numeric(in.inbound, n, "inbound");
  if (!in.direction.present() && !in.inbound.present())
    throw std::invalid_argument("column direction: required (or a 0/1 column inbound)");
  if (!in.answered.present()) throw std::invalid_argument("column answered: required");
  check_numeric(in.answered, n, "answered");
  if (!in.wait.values.present()) throw std::invalid_argument("column wait_s: required");
  check_numeric(in.wait.values, n, "wait_s");
  for (std::size_t f = 0; f < in.durations.size(); ++f)
    check_numeric(in.durations[f].values, n, duration_field_names[f]);
  for (std::size_t f = 0; f < in.smalls.size(); ++f)
    check_numeric(in.smalls[f], n, small_field_names[f]);
  for (const auto& [name, d] : in.dimensions)
    check_length(variant_length(d.codes), n, name);

  ReadResult result;
  result.rows_read = n;
  result.encoding = "arrays";
  ContactTable& t = result.table;
  Problems problems(n);
  const Borrowing how{in.keep_alive, detail::thread_count(options.threads, n)};

  // contact_id: optional for arrays; a present id must not be empty or null.
  std::vector<std::uint8_t> id_ok;
  if (in.contact_id.present()) {
    const auto missing = problems.intern("contact_id", "missing required value");
    for (std::size_t r = 0; r < n; ++r)
      if (masked_out(in.contact_id.valid, r) ||
          in.contact_id.offsets[r + 1] == in.contact_id.offsets[r])
        problems.flag(r, missing);
  }

  // arrived_at: UTC epoch milliseconds are borrowed as they are.
  constexpr std::int64_t ms_1900 = -2'208'988'800'000; // 1900-01-01T00:00:00Z
  // Wall-clock time in UTC is the instant itself.
  const bool local_time = in.arrived_at_is_local && !TimeZone::locate(options.timezone).is_utc();
  const bool borrowed_time = in.arrived_at_unit == TimeUnit::ms && !local_time &&
                             try_borrow<std::int64_t>(in.arrived_at, how, t.arrived_at_ms, ms_1900,
                                                      std::numeric_limits<std::int64_t>::max());
  if (!borrowed_time) {
    t.arrived_at_ms.assign(n, 0);
    std::int64_t* arrived = t.arrived_at_ms.data();
    const TimeZone zone = TimeZone::locate(options.timezone);
    LocalToUtc to_utc(zone);
    const auto missing = problems.intern("arrived_at", "missing required value");
    const auto before_1900 = problems.intern("arrived_at", "timestamp before 1900");
    const auto gap =
        problems.intern("arrived_at", "local time does not exist in " + zone.name() + " (DST gap)");
    const auto syntax = problems.intern("arrived_at", "not an ISO-8601 timestamp");
    const auto impossible = problems.intern("arrived_at", "impossible date or time");
    if (in.arrived_at.present()) {
      for_each_value(
          in.arrived_at, n,
          [&](std::size_t r, auto x) {
            bool overflow = false;
            std::int64_t ms = 0;
            if constexpr (std::is_floating_point_v<decltype(x)>) {
              const double scale = in.arrived_at_unit == TimeUnit::s    ? 1000.0
                                   : in.arrived_at_unit == TimeUnit::ms ? 1.0
                                   : in.arrived_at_unit == TimeUnit::us ? 1e-3
                                                                        : 1e-6;
              const double v = std::floor(static_cast<double>(x) * scale);
              if (!(std::abs(v) < 9.2e18))
                overflow = true;
              else
                ms = static_cast<std::int64_t>(v);
            } else {
              ms = to_ms(static_cast<std::int64_t>(x), in.arrived_at_unit, overflow);
            }
            if (overflow) {
              problems.flag(r, impossible);
              return;
            }
            // The CSV reader's bound is on the written (local) date: 1900-01-01 local time for
            // wall-clock input, 1900-01-01T00:00Z for instants.
            if (ms < ms_1900) {
              problems.flag(r, before_1900);
              return;
            }
            if (in.arrived_at_is_local) {
              const auto local = to_utc(ms);
              if (local.kind == TimeZone::LocalKind::nonexistent) {
                problems.flag(r, gap);
                return;
              }
              ms = local.utc_ms;
            }
            arrived[r] = ms;
          },
          [&](std::size_t r) { problems.flag(r, missing); });
    } else {
      const auto& text = in.arrived_at_text;
      for (std::size_t r = 0; r < n; ++r) {
        if (masked_out(text.valid, r) || text.offsets[r + 1] == text.offsets[r]) {
          problems.flag(r, missing);
          continue;
        }
        const auto begin = static_cast<std::size_t>(text.offsets[r]);
        const auto ts = parse_timestamp(
            text.bytes.substr(begin, static_cast<std::size_t>(text.offsets[r + 1]) - begin),
            to_utc);
        switch (ts.error) {
        case TimestampError::none:
          arrived[r] = ts.utc_ms;
          break;
        case TimestampError::syntax:
          problems.flag(r, syntax);
          break;
        case TimestampError::impossible:
          problems.flag(r, impossible);
          break;
        case TimestampError::out_of_range:
          problems.flag(r, before_1900);
          break;
        case TimestampError::nonexistent_local:
          problems.flag(r, gap);
          break;
        }
      }
    }
  }

  // direction
  if (in.direction.present()) {
    t.inbound.assign(n, 0);
    std::uint8_t* inbound = t.inbound.data();
    const auto missing = problems.intern("direction", "missing required value");
    const auto bad = problems.intern("direction", "expected inbound or outbound");
    std::vector<std::int8_t> meaning(in.direction.dictionary.size(), -1);
    for (std::size_t k = 0; k < meaning.size(); ++k)
      meaning[k] = in.direction.dictionary[k] == "inbound"    ? 1
                   : in.direction.dictionary[k] == "outbound" ? 0
                                                              : -1;
    std::visit(
        [&](const auto& span) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(span)>, std::monostate>) {
            for (std::size_t r = 0; r < n; ++r) {
              const auto c = static_cast<std::int64_t>(span[r]);
              if (c < 0 || masked_out(in.direction.valid, r) ||
                  (static_cast<std::size_t>(c) < meaning.size() &&
                   in.direction.dictionary[static_cast<std::size_t>(c)].empty())) {
                problems.flag(r, missing);
              } else if (static_cast<std::size_t>(c) >= meaning.size() ||
                         meaning[static_cast<std::size_t>(c)] < 0) {
                problems.flag(r, bad);
              } else {
                inbound[r] = static_cast<std::uint8_t>(meaning[static_cast<std::size_t>(c)]);
              }
            }
          }
        },
        in.direction.codes);
  } else if (!try_borrow<std::uint8_t>(in.inbound, how, t.inbound, 0, 1)) {
    t.inbound.assign(n, 0);
    read_small(in.inbound, n, "inbound", 0, 1, "expected 0 or 1", true, problems,
               [inbound = t.inbound.data()](std::size_t r, std::int8_t v) {
                 inbound[r] = static_cast<std::uint8_t>(v);
               });
  }

  if (!try_borrow<std::uint8_t>(in.answered, how, t.answered, 0, 1)) {
    t.answered.assign(n, 0);
    read_small(in.answered, n, "answered", 0, 1, "expected 0 or 1", true, problems,
               [answered = t.answered.data()](std::size_t r, std::int8_t v) {
                 answered[r] = static_cast<std::uint8_t>(v);
               });
  }

  read_durations(in.wait, n, "wait_s", true, problems, t.wait_ms, how);
  for (std::size_t f = 0; f < in.durations.size(); ++f) {
    if (!in.durations[f].values.present()) continue;
    read_durations(in.durations[f], n, duration_field_names[f], false, problems, t.durations[f],
                   how);
  }

  for (std::size_t f = 0; f < in.smalls.size(); ++f) {
    if (!in.smalls[f].present()) continue;
    auto& out = t.smalls[f];
    int lo = 0, hi = 1;
    std::string range = "expected 0 or 1";
    if (f == static_cast<std::size_t>(SmallField::csat)) {
      lo = options.csat.scale_min;
      hi = options.csat.scale_max;
      range = "csat outside " + std::to_string(lo) + ".." + std::to_string(hi);
    } else if (f == static_cast<std::size_t>(SmallField::nps)) {
      lo = 0;
      hi = 10;
      range = "nps outside 0..10";
    }
    if (try_borrow<std::int8_t>(in.smalls[f], how, out, lo, hi, true)) continue;
    out.assign(n, null_small);
    read_small(in.smalls[f], n, small_field_names[f], lo, hi, range, false, problems,
               [dst = out.data()](std::size_t r, std::int8_t v) { dst[r] = v; });
  }

  // Dimensions: the standard ones first (in their order), then the others in input order, as
  // the CSV reader keeps them.
  std::vector<const std::pair<std::string, DictionaryArray>*> order;
  for (auto standard : standard_dimension_names)
    for (const auto& d : in.dimensions)
      if (d.first == standard) order.push_back(&d);
  for (const auto& d : in.dimensions) {
    bool standard = false;
    for (auto s : standard_dimension_names)
      standard = standard || d.first == s;
    if (!standard) order.push_back(&d);
  }
  for (const auto* d : order)
    t.dimensions.push_back(read_dictionary(d->first, d->second, n));

  // contact ids last: only accepted rows are copied.
  auto keep_id = [&](std::size_t r) {
    if (!in.contact_id.present()) {
      t.contact_id.push_back({});
      return;
    }
    const auto begin = static_cast<std::size_t>(in.contact_id.offsets[r]);
    t.contact_id.push_back(in.contact_id.bytes.substr(
        begin, static_cast<std::size_t>(in.contact_id.offsets[r + 1]) - begin));
  };

  if (problems.count() == 0) {
    if (in.contact_id.present()) {
      t.contact_id.append(in.contact_id.offsets, in.contact_id.bytes); // one copy of the bytes
    } else {
      t.contact_id.append_empty(n);
    }
  } else {
    // Compact every column to the accepted rows; rejects in row order.
    std::size_t w = 0;
    auto compact = [&](auto& column) {
      if (column.empty()) return;
      std::size_t k = 0;
      for (std::size_t r = 0; r < n; ++r)
        if (problems.at(r) == 0) column[k++] = column[r];
      column.resize(k);
    };
    for (std::size_t r = 0; r < n; ++r) {
      if (problems.at(r) != 0) {
        const auto& [field, reason] = problems.text(problems.at(r));
        result.rejects.push_back({r, field, reason});
      } else {
        keep_id(r);
        ++w;
      }
    }
    compact(t.arrived_at_ms);
    compact(t.inbound);
    compact(t.answered);
    compact(t.wait_ms);
    for (auto& c : t.durations)
      compact(c);
    for (auto& c : t.smalls)
      compact(c);
    for (auto& d : t.dimensions) {
      DictionaryColumn kept(d.name());
      kept.reserve(w);
      for (std::size_t r = 0; r < n; ++r)
        if (problems.at(r) == 0) kept.push_back(d.value(r));
      d = std::move(kept);
    }
  }
  t.validate_shape();
  return result;
}

} // namespace kpiscore
