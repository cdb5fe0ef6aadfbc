#include <kpiscore/detail/parallel.hpp>
#include <kpiscore/engine/grouping.hpp>
#include "grouping_fused.hpp"
#include <kpiscore/table/time_zone.hpp>

#include <date/date.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <tuple>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace kpiscore {
namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t day_ms = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

enum class TimeKey { interval15, interval30, hour, day, week, month, peak };

/// One part of the group key: a per-row code (rank of its label, null last) and its labels.
struct KeyPart {
  std::string name;
  std::vector<std::uint32_t> row_code;
  std::vector<std::string> labels; ///< in code order
  bool has_null_slot = false;      ///< code labels.size() means null
  std::uint64_t cardinality() const { return labels.size() + (has_null_slot ? 1 : 0); }
};

KeyPart dimension_part(const DictionaryColumn& col, std::size_t rows, unsigned threads) {
  KeyPart part;
  part.name = col.name();
  const auto& dict = col.dictionary();
  std::vector<std::uint32_t> order(dict.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return dict[a] < dict[b]; });
  std::vector<std::uint32_t> rank(dict.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) {
    rank[order[r]] = r;
    part.labels.push_back(dict[order[r]]);
  }
  part.has_null_slot = true;
  const auto null_rank = static_cast<std::uint32_t>(dict.size());
  part.row_code.resize(rows);
  const auto* codes = col.codes().data();
  detail::parallel_slices(rows, threads, [&](unsigned, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i)
      part.row_code[i] = codes[i] == null_code ? null_rank : rank[codes[i]];
  });
  return part;
}

[[noreturn]] void too_many_groups(std::span<const std::string> by, std::uint64_t max_groups) {
  std::string keys;
  for (const auto& k : by) keys += (keys.empty() ? "" : ",") + k;
  throw TooManyGroups("group keys " + keys + " make more than " + std::to_string(max_groups) +
                      " groups (max_groups): group by coarser keys, or raise max_groups (docs/kpis.md, "
                      "\"max_groups\")");
}

/// One code per distinct contact id. Ids are mostly unique, so the distinct count alone can pass
/// max_groups: checked while counting, before the labels are sorted.
KeyPart contact_id_part(const StringColumn& ids, std::size_t rows, std::span<const std::string> by,
                        std::uint64_t max_groups) {
  KeyPart part;
  part.name = "contact_id";
  part.row_code.resize(rows);
  std::unordered_map<std::string_view, std::uint32_t> code;
  code.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(rows, max_groups) + 1));
  std::vector<std::string_view> first_seen;
  for (std::size_t i = 0; i < rows; ++i) {
    const auto [it, inserted] = code.try_emplace(ids[i], static_cast<std::uint32_t>(first_seen.size()));
    if (inserted) {
      if (first_seen.size() >= max_groups) too_many_groups(by, max_groups);
      first_seen.push_back(ids[i]);
    }
    part.row_code[i] = it->second;
  }
  std::vector<std::uint32_t> order(first_seen.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return first_seen[a] < first_seen[b]; });
  std::vector<std::uint32_t> rank(order.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) {
    rank[order[r]] = r;
    part.labels.emplace_back(first_seen[order[r]]);
  }
  for (auto& c : part.row_code) c = rank[c];
  return part;
}

KeyPart null_part(std::string name, std::size_t rows) {
  KeyPart part;
  part.name = std::move(name);
  part.has_null_slot = true;
  part.row_code.assign(rows, 0);
  return part;
}

std::string two(unsigned v) { return std::string{char('0' + v / 10), char('0' + v % 10)}; }

std::string date_label(std::int64_t day) {
  const date::year_month_day ymd{date::sys_days{date::days{day}}};
  return std::to_string(static_cast<int>(ymd.year())) + "-" +
         two(static_cast<unsigned>(ymd.month())) + "-" + two(static_cast<unsigned>(ymd.day()));
}

std::string bucket_label(TimeKey key, std::int64_t b) {
  switch (key) {
  case TimeKey::interval15:
  case TimeKey::interval30:
  case TimeKey::hour: {
    const std::int64_t width = key == TimeKey::interval15 ? 15 : key == TimeKey::interval30 ? 30 : 60;
    const std::int64_t minute = b * width;
    const std::int64_t day = floor_div(minute, 1440);
    const auto m = static_cast<unsigned>(minute - day * 1440);
    return date_label(day) + "T" + two(m / 60) + ":" + two(m % 60);
  }
  case TimeKey::day: return date_label(b);
  case TimeKey::week: {
    // b counts ISO weeks from the Monday 1969-12-29 (day -3); the ISO year is the year of the
    // week's Thursday, and the week number counts Thursdays in that year.
    const std::int64_t thursday = b * 7 - 3 + 3;
    const date::year_month_day ymd{date::sys_days{date::days{thursday}}};
    const auto jan1 = date::sys_days{ymd.year() / date::January / 1}.time_since_epoch().count();
    const auto week = static_cast<unsigned>((thursday - jan1) / 7 + 1);
    return std::to_string(static_cast<int>(ymd.year())) + "-W" + two(week);
  }
  case TimeKey::month: {
    const std::int64_t y = floor_div(b, 12);
    return std::to_string(y) + "-" + two(static_cast<unsigned>(b - y * 12 + 1));
  }
  case TimeKey::peak: return b ? "peak" : "off_peak";
  }
  return {};
}

KeyPart time_part(TimeKey key, std::string name, const ContactTable& t, const KpiOptions& o,
                  unsigned threads) {
  KeyPart part;
  part.name = std::move(name);
  const std::size_t n = t.size();
  part.row_code.resize(n);
  if (n == 0) return part;
  const auto* at = t.arrived_at_ms.data();
  const auto [mn, mx] = std::minmax_element(t.arrived_at_ms.begin(), t.arrived_at_ms.end());
  const OffsetTable offsets = TimeZone::locate(o.timezone).offsets(*mn, *mx);
  if (key == TimeKey::peak) {
    std::vector<std::uint8_t> is_peak(1440, 0);
    for (const auto& [a, b] : o.peak_minutes)
      for (int m = a; m < b && m < 1440; ++m) is_peak[static_cast<std::size_t>(m)] = 1;
    detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        const std::int64_t local = at[i] + offsets.offset_at(at[i]);
        const std::int64_t minute = floor_div(local, minute_ms) - floor_div(local, day_ms) * 1440;
        part.row_code[i] = is_peak[static_cast<std::size_t>(minute)];
      }
    });
    part.labels = {"off_peak", "peak"};
    return part;
  }
  // Bucket number per row, then the used buckets ranked (compact codes, label order).
  std::vector<std::int64_t> bucket(n);
  const std::int64_t width_ms = key == TimeKey::interval15   ? 15 * minute_ms
                                : key == TimeKey::interval30 ? 30 * minute_ms
                                : key == TimeKey::hour       ? 60 * minute_ms
                                                             : day_ms;
  detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
    if (offsets.offset_ms.size() == 1) {
      const std::int64_t off = offsets.offset_ms[0];
      for (std::size_t i = b; i < e; ++i) bucket[i] = floor_div(at[i] + off, width_ms);
    } else {
      for (std::size_t i = b; i < e; ++i)
        bucket[i] = floor_div(at[i] + offsets.offset_at(at[i]), width_ms);
    }
  });
  const auto [bmin_it, bmax_it] = std::minmax_element(bucket.begin(), bucket.end());
  std::int64_t bmin = *bmin_it, bmax = *bmax_it;
  if (key == TimeKey::week || key == TimeKey::month) {
    // Map days to weeks or months through a table over the day range.
    std::vector<std::int64_t> of_day(static_cast<std::size_t>(bmax - bmin + 1));
    for (std::int64_t d = bmin; d <= bmax; ++d) {
      std::int64_t v;
      if (key == TimeKey::week) {
        v = floor_div(d + 3, 7);
      } else {
        const date::year_month_day ymd{date::sys_days{date::days{d}}};
        v = static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
      }
      of_day[static_cast<std::size_t>(d - bmin)] = v;
    }
    detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) bucket[i] = of_day[static_cast<std::size_t>(bucket[i] - bmin)];
    });
    bmin = of_day.front();
    bmax = of_day.back();
  }
  const auto range = static_cast<std::size_t>(bmax - bmin + 1);
  if (range > (std::size_t{1} << 26))
    throw std::invalid_argument("group key " + part.name + ": the data spans more than 2^26 buckets");
  std::vector<std::uint32_t> rank(range, 0);
  for (std::size_t i = 0; i < n; ++i) rank[static_cast<std::size_t>(bucket[i] - bmin)] = 1;
  std::uint32_t next = 0;
  for (std::size_t r = 0; r < range; ++r) {
    if (!rank[r]) continue;
    rank[r] = next++;
    part.labels.push_back(bucket_label(key, bmin + static_cast<std::int64_t>(r)));
  }
  detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) part.row_code[i] = rank[static_cast<std::size_t>(bucket[i] - bmin)];
  });
  return part;
}

/// The smallest and largest of non-empty `v`: one branch-free pass with independent lanes that
/// the compiler vectorizes (std::minmax_element returns positions, so it cannot).
std::pair<std::int64_t, std::int64_t> min_max(std::span<const std::int64_t> v) {
  constexpr std::size_t lanes = 8;
  std::int64_t lo[lanes], hi[lanes];
  std::fill(std::begin(lo), std::end(lo), v[0]);
  std::fill(std::begin(hi), std::end(hi), v[0]);
  std::size_t i = 0;
  for (; i + lanes <= v.size(); i += lanes)
    for (std::size_t l = 0; l < lanes; ++l) {
      lo[l] = std::min(lo[l], v[i + l]);
      hi[l] = std::max(hi[l], v[i + l]);
    }
  for (; i < v.size(); ++i) {
    lo[0] = std::min(lo[0], v[i]);
    hi[0] = std::max(hi[0], v[i]);
  }
  return {*std::min_element(std::begin(lo), std::end(lo)), *std::max_element(std::begin(hi), std::end(hi))};
}

/// The fused dense path (grouping_fused.hpp): one pass writes each row's composite and marks it
/// used, one pass replaces it by its rank. The ids, keys and labels are the general path's.
std::optional<GroupIndex> fused_dense_index(const ContactTable& table, std::span<const std::string> by,
                                            const KpiOptions& options, unsigned threads) {
  const auto keys = detail::FusedKeys::plan(table, by, options);
  if (!keys) return std::nullopt;
  const std::size_t n = table.size();
  std::vector<std::uint32_t> group_of_row(n);
  // One byte per key: the used-marks of 32 000 groups stay in L1.
  std::vector<std::uint8_t> used(keys->space(), 0);
  std::uint32_t* const gor = group_of_row.data();
  std::uint8_t* const mark = used.data();
  constexpr std::size_t chunk = 4096;
  detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
    for (std::size_t c0 = b; c0 < e; c0 += chunk) {
      const std::size_t c1 = std::min(e, c0 + chunk);
      keys->composites(c0, c1, gor + c0);
      if (threads > 1) // several threads may mark the same key; they all store 1
        for (std::size_t i = c0; i < c1; ++i) std::atomic_ref<std::uint8_t>(mark[gor[i]]).store(1, std::memory_order_relaxed);
      else
        for (std::size_t i = c0; i < c1; ++i) mark[gor[i]] = 1;
    }
  });
  std::vector<std::uint32_t> rank_of;
  GroupIndex index = keys->index_of_used(used, rank_of);
  const std::uint32_t* const rank = rank_of.data();
  detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) gor[i] = rank[gor[i]];
  });
  index.group_of_row = std::move(group_of_row);
  return index;
}

} // namespace

namespace detail {

std::optional<FusedKeys> FusedKeys::plan(const ContactTable& table, std::span<const std::string> by,
                                         const KpiOptions& options) {
  const std::size_t n = table.size();
  if (n == 0 || by.empty()) return std::nullopt;
  FusedKeys out;
  out.arrived_at_ = table.arrived_at_ms.data();
  out.max_groups_ = options.max_groups;
  std::int64_t mn = 0, mx = 0;
  bool have_range = false;
  for (std::size_t k = 0; k < by.size(); ++k) {
    const std::string& name = by[k];
    for (std::size_t j = 0; j < k; ++j)
      if (by[j] == name) return std::nullopt; // the general path reports it
    FusedKeyPart part;
    if (const auto* col = table.dimension(name)) {
      const auto& dict = col->dictionary();
      std::vector<std::uint32_t> order(dict.size());
      std::iota(order.begin(), order.end(), 0u);
      std::sort(order.begin(), order.end(), [&](auto a, auto b) { return dict[a] < dict[b]; });
      part.rank.assign(dict.size() + 1, static_cast<std::uint32_t>(dict.size()));
      for (std::uint32_t r = 0; r < order.size(); ++r) {
        part.rank[order[r]] = r;
        part.labels.push_back(dict[order[r]]);
      }
      part.codes = col->codes().data();
      part.card = dict.size() + 1;
    } else if (std::find(standard_dimension_names.begin(), standard_dimension_names.end(), name) !=
               standard_dimension_names.end()) {
      part.card = 1; // all null
    } else {
      const auto t = std::find(std::begin(time_key_names), std::end(time_key_names), name);
      if (t == std::end(time_key_names)) return std::nullopt;
      const auto key = static_cast<TimeKey>(t - std::begin(time_key_names));
      if (key != TimeKey::interval15 && key != TimeKey::interval30 && key != TimeKey::hour && key != TimeKey::day)
        return std::nullopt;
      if (!have_range) {
        std::tie(mn, mx) = min_max(table.arrived_at_ms.span());
        have_range = true;
      }
      const OffsetTable offsets = TimeZone::locate(options.timezone).offsets(mn, mx);
      if (offsets.offset_ms.size() != 1) return std::nullopt;
      const std::int64_t offset = offsets.offset_ms[0];
      part.time = true;
      part.key = static_cast<int>(key);
      part.width = key == TimeKey::interval15   ? 15 * minute_ms
                   : key == TimeKey::interval30 ? 30 * minute_ms
                   : key == TimeKey::hour       ? 60 * minute_ms
                                                : day_ms;
      part.bmin = floor_div(mn + offset, part.width);
      part.shift = offset - part.bmin * part.width;
      const std::int64_t range = floor_div(mx + offset, part.width) - part.bmin + 1;
      if (range > (std::int64_t{1} << 26)) return std::nullopt;
      part.card = static_cast<std::uint64_t>(range);
    }
    out.parts_.push_back(std::move(part));
    out.names_.push_back(name);
  }
  long double product = 1;
  for (const auto& p : out.parts_) product *= static_cast<long double>(p.card);
  if (product > static_cast<long double>(std::uint64_t{1} << 27)) return std::nullopt;
  out.space_ = static_cast<std::uint64_t>(product);
  if (!(out.space_ <= (std::uint64_t{1} << 24) || out.space_ <= 2 * static_cast<std::uint64_t>(n)))
    return std::nullopt;
  return out;
}

GroupIndex FusedKeys::index_of_used(std::span<const std::uint8_t> used, std::vector<std::uint32_t>& rank_of) const {
  GroupIndex index;
  rank_of.assign(space_, 0);
  std::vector<std::uint64_t> sorted_keys;
  std::uint32_t next = 0;
  for (std::uint64_t c = 0; c < space_; ++c)
    if (used[c]) {
      rank_of[c] = next++;
      sorted_keys.push_back(c);
    }
  // The same max_groups guard as the general path, before any per-group work.
  if (sorted_keys.size() > max_groups_) too_many_groups(names_, max_groups_);
  index.groups = sorted_keys.size();
  // Time parts: the used buckets, ranked in time order (their labels sort the same way).
  const std::size_t np = parts_.size();
  std::vector<std::vector<std::uint32_t>> compact(np);
  std::vector<std::vector<std::string>> labels(np);
  for (std::size_t k = 0; k < np; ++k) {
    if (!parts_[k].time) {
      labels[k] = parts_[k].labels;
      continue;
    }
    compact[k].assign(parts_[k].card, 0);
  }
  auto decode = [&](std::uint64_t c, auto&& on_part) {
    for (std::size_t k = np; k-- > 0;) {
      on_part(k, c % parts_[k].card);
      c /= parts_[k].card;
    }
  };
  for (std::uint64_t c : sorted_keys)
    decode(c, [&](std::size_t k, std::uint64_t code) {
      if (parts_[k].time) compact[k][code] = 1;
    });
  for (std::size_t k = 0; k < np; ++k) {
    if (!parts_[k].time) continue;
    std::uint32_t r = 0;
    for (std::uint64_t b = 0; b < parts_[k].card; ++b)
      if (compact[k][b]) {
        compact[k][b] = r++;
        labels[k].push_back(bucket_label(static_cast<TimeKey>(parts_[k].key), parts_[k].bmin + static_cast<std::int64_t>(b)));
      }
  }
  for (std::size_t k = 0; k < np; ++k) {
    DictionaryColumn col(names_[k]);
    for (const auto& l : labels[k]) (void)col.encode(l);
    index.keys.push_back(std::move(col));
  }
  // decode visits parts last to first; push_code order per column is still one per group.
  for (std::uint64_t c : sorted_keys)
    decode(c, [&](std::size_t k, std::uint64_t code) {
      if (parts_[k].time)
        index.keys[k].push_code(compact[k][code]);
      else
        index.keys[k].push_code(code < labels[k].size() ? static_cast<std::uint32_t>(code) : null_code);
    });
  return index;
}

} // namespace detail

std::vector<std::string> parse_group_by(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) throw std::invalid_argument("--by: empty group key name");
    out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

GroupIndex build_group_index(const ContactTable& table, std::span<const std::string> by,
                             const KpiOptions& options) {
  const std::size_t n = table.size();
  const unsigned threads = detail::thread_count(options.threads, n);
  if (auto fused = fused_dense_index(table, by, options, threads)) return std::move(*fused);
  std::vector<KeyPart> parts;
  for (std::size_t k = 0; k < by.size(); ++k) {
    const std::string& name = by[k];
    for (std::size_t j = 0; j < k; ++j)
      if (by[j] == name) throw std::invalid_argument("group key '" + name + "' given twice");
    if (const auto* col = table.dimension(name)) {
      parts.push_back(dimension_part(*col, n, threads));
      continue;
    }
    if (name == "contact_id") {
      parts.push_back(contact_id_part(table.contact_id, n, by, options.max_groups));
      continue;
    }
    bool is_standard = false;
    for (auto s : standard_dimension_names) is_standard = is_standard || s == name;
    if (is_standard) {
      parts.push_back(null_part(name, n));
      continue;
    }
    const auto t = std::find(std::begin(time_key_names), std::end(time_key_names), name);
    if (t == std::end(time_key_names))
      throw std::invalid_argument("unknown group key '" + name +
                                  "': not a column of the input, a time bucket (interval15, "
                                  "interval30, hour, day, week, month) or peak");
    parts.push_back(time_part(static_cast<TimeKey>(t - std::begin(time_key_names)), name, table,
                              options, threads));
  }

  GroupIndex index;
  index.group_of_row.resize(n);
  // Mixed-radix composite of the part codes; its order is the lexicographic key order.
  long double product = 1;
  for (const auto& p : parts) product *= static_cast<long double>(std::max<std::uint64_t>(1, p.cardinality()));
  if (product > 1.8e19L) throw std::invalid_argument("group key space too large");
  std::vector<std::uint64_t> sorted_keys;
  auto composite = [&](std::size_t i) {
    std::uint64_t c = 0;
    for (const auto& p : parts) c = c * p.cardinality() + p.row_code[i];
    return c;
  };
  const auto space = static_cast<std::uint64_t>(product);
  if (space <= (std::uint64_t{1} << 24) ||
      (space <= 2 * static_cast<std::uint64_t>(n) && space <= (std::uint64_t{1} << 27))) {
    // Dense: a lookup table over the whole key space.
    std::vector<std::uint32_t> table_of(space, 0);
    detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) index.group_of_row[i] = static_cast<std::uint32_t>(composite(i));
    });
    for (std::size_t i = 0; i < n; ++i) table_of[index.group_of_row[i]] = 1;
    std::uint32_t next = 0;
    for (std::uint64_t c = 0; c < space; ++c)
      if (table_of[c]) {
        table_of[c] = next++;
        sorted_keys.push_back(c);
      }
    detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) index.group_of_row[i] = table_of[index.group_of_row[i]];
    });
  } else {
    // Sparse: sort the distinct composites and binary-search each row.
    std::vector<std::uint64_t> comp(n);
    detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) comp[i] = composite(i);
    });
    sorted_keys = comp;
    std::sort(sorted_keys.begin(), sorted_keys.end());
    sorted_keys.erase(std::unique(sorted_keys.begin(), sorted_keys.end()), sorted_keys.end());
    detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i)
        index.group_of_row[i] = static_cast<std::uint32_t>(
            std::lower_bound(sorted_keys.begin(), sorted_keys.end(), comp[i]) - sorted_keys.begin());
    });
  }
  if (sorted_keys.size() > options.max_groups) too_many_groups(by, options.max_groups);
  if (sorted_keys.size() >= null_code) throw std::invalid_argument("more than 2^32-1 groups");
  index.groups = sorted_keys.size();
  // Decode each group's composite into its part labels.
  for (const auto& p : parts) {
    DictionaryColumn col(p.name);
    for (const auto& l : p.labels) (void)col.encode(l);
    index.keys.push_back(std::move(col));
  }
  for (std::uint64_t c : sorted_keys) {
    for (std::size_t k = parts.size(); k-- > 0;) {
      const std::uint64_t card = parts[k].cardinality();
      const auto code = static_cast<std::uint32_t>(c % card);
      c /= card;
      index.keys[k].push_code(code < parts[k].labels.size() ? code : null_code);
    }
  }
  return index;
}

} // namespace kpiscore
