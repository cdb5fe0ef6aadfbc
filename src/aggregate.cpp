#include <kpiscore/detail/parallel.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/metrics/contact_rules.hpp>

#include <algorithm>

namespace kpiscore {
namespace {

constexpr std::size_t block = 2048;

/// Quantile observations of one thread: one slot per row allocated up front, so the kernel
/// appends branch-free (write the slot, advance by 0 or 1).
struct KeyBuffer {
  std::vector<std::uint64_t> keys;
  std::size_t size = 0;
  void push_if(std::uint64_t key, std::uint64_t keep) {
    keys[size] = key;
    size += keep;
  }
};

/// Per-row service-level threshold: queue overrides channel overrides the default.
struct ThresholdLookup {
  std::int64_t fixed;
  std::vector<std::int64_t> by_channel, by_queue; ///< by dictionary code; -1 = not set
  const std::uint32_t* channel = nullptr;
  const std::uint32_t* queue = nullptr;
  bool varies() const { return channel || queue; }

  ThresholdLookup(const ContactTable& t, const KpiOptions& o) : fixed(o.service_level.threshold_ms) {
    auto build = [&](const char* dim, const auto& map, std::vector<std::int64_t>& out) -> const std::uint32_t* {
      if (map.empty()) return nullptr;
      const DictionaryColumn* col = t.dimension(dim);
      if (!col) return nullptr;
      out.assign(col->dictionary().size(), -1);
      for (std::size_t c = 0; c < out.size(); ++c) {
        auto it = map.find(col->dictionary()[c]);
        if (it != map.end()) out[c] = it->second;
      }
      return col->codes().data();
    };
    channel = build("channel", o.service_level.threshold_ms_by_channel, by_channel);
    queue = build("queue", o.service_level.threshold_ms_by_queue, by_queue);
  }
  std::int64_t at(std::size_t i) const {
    if (queue && queue[i] != null_code && by_queue[queue[i]] >= 0) return by_queue[queue[i]];
    if (channel && channel[i] != null_code && by_channel[channel[i]] >= 0) return by_channel[channel[i]];
    return fixed;
  }
};

/// One group's accumulator inside one thread: the hot state of the kernel. Row-major (all of a
/// group's hot counters in three cache lines, so a row touches its group's lines and nothing
/// else). Counts are 16-bit lanes, four to a 64-bit word, so one add updates four counters
/// (SWAR); the group's lanes are spilled into its wide counters (WideAcc) before the contacts
/// lane, which every row of the group increments and which bounds all the others, can pass
/// 0xFFFF. csat sum and sum of squares share a word as 32-bit lanes (65535 × 100² < 2^32).
/// Sums of milliseconds are 64-bit; sums of squares 128-bit as (lo, hi) words.
struct alignas(64) GroupAcc {
  // w[0] contacts | offered | answered | handled
  // w[1] sl_within | sl_ab_within | sl_short | handle_n
  // w[2] talk_n | hold_n | acw_n | fcr_resolved
  // w[3] fcr_base | csat_n | csat_top_box | nps_n
  // w[4] promoters | detractors | complaints | complaint_base
  // w[5] conversions | conversion_base | - | -
  std::uint64_t w[6];
  std::uint64_t csat; ///< csat_sum | csat_sq
  std::int64_t wait_sum, handle_sum, talk_sum, hold_sum, acw_sum;
  std::uint64_t sq_lo[5]; ///< wait, handle, talk, hold, acw
  std::uint64_t sq_hi[5];
};
static_assert(sizeof(GroupAcc) == 192);

/// The spilled 16-bit lanes of a group, as full-width counters (cold: touched once per 65535
/// rows of the group).
struct WideAcc {
  std::int64_t lane[24]; ///< w[0..5] lanes in order, then csat_sum, csat_sq
};

inline constexpr std::uint64_t lanes(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  return a | (b << 16) | (c << 32) | (d << 48);
}

inline void spill(GroupAcc& a, WideAcc& wide) {
  for (int j = 0; j < 6; ++j) {
    for (int l = 0; l < 4; ++l) wide.lane[j * 4 + l] += static_cast<std::int64_t>((a.w[j] >> (16 * l)) & 0xFFFF);
    a.w[j] = 0;
  }
  wide.lane[22] += static_cast<std::int64_t>(a.csat & 0xFFFFFFFFu);
  wide.lane[23] += static_cast<std::int64_t>(a.csat >> 32);
  a.csat = 0;
}



/// Adds v² to a (lo, hi) 128-bit sum. When v < 2^32 (`Narrow`), v² fits 64 bits and the high
/// word moves only on the rare carry.
template <bool Narrow> inline void add_square(std::uint64_t& lo, std::uint64_t& hi, std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  if constexpr (Narrow) {
    if (__builtin_add_overflow(lo, u * u, &lo)) [[unlikely]]
      ++hi;
  } else {
    const uint128_t s = static_cast<uint128_t>(u) * u;
    const std::uint64_t carry = __builtin_add_overflow(lo, static_cast<std::uint64_t>(s), &lo);
    hi += static_cast<std::uint64_t>(s >> 64) + carry;
  }
}

/// Null-filled stand-ins for absent optional columns, one block long: an absent column then
/// behaves exactly like a present all-null one, with no per-row branch.
struct NullBlocks {
  std::int64_t durations[block];
  std::int8_t smalls[block];
  NullBlocks() {
    std::fill(std::begin(durations), std::end(durations), null_duration);
    std::fill(std::begin(smalls), std::end(smalls), null_small);
  }
};
const NullBlocks& null_blocks() {
  static const NullBlocks blocks;
  return blocks;
}

/// The per-row definitions resolved from the options, as the kernel needs them.
struct KernelRules {
  std::int64_t short_ms, fixed_threshold;
  bool strict;
  std::uint64_t unknown_counts, fcr_all;
  std::int64_t top_min, use_talk, use_hold, use_acw; ///< use_* are all-ones or zero masks
  std::uint64_t not_talk, not_hold, not_acw;         ///< 1 when the component is not in AHT
  std::uint64_t complaint_offered, conversion_offered; ///< 1 = denominator offered, 0 = handled
  explicit KernelRules(const ContactRules& r, std::int64_t fixed)
      : short_ms(r.short_abandon_ms), fixed_threshold(fixed), strict(r.sl_strict),
        unknown_counts(r.fcr_unknown_is_unresolved), fcr_all(!r.fcr_handled_only),
        top_min(r.csat_top_box_min), use_talk(-std::int64_t{r.aht_talk}),
        use_hold(-std::int64_t{r.aht_hold}), use_acw(-std::int64_t{r.aht_acw}),
        not_talk(!r.aht_talk), not_hold(!r.aht_hold), not_acw(!r.aht_acw),
        complaint_offered(r.complaint_over_offered), conversion_offered(r.conversion_over_offered) {}
};

/// Rows straight from the table's columns (one block at a time).
template <bool Varying> struct ColumnRows {
  const std::uint32_t* g;
  const std::uint8_t *inb, *ans;
  const std::int64_t *wait, *talk, *hold, *acw;
  const std::int8_t *fcr, *csat, *nps, *complaint, *converted;
  const std::int64_t* threshold; ///< per row (used when Varying)
  const KernelRules* rules;
  std::uint32_t group(std::size_t i) const { return g[i]; }
  std::uint64_t inbound(std::size_t i) const { return inb[i]; }
  std::uint64_t answered(std::size_t i) const { return ans[i]; }
  std::int64_t wait_ms(std::size_t i) const { return wait[i]; }
  std::uint64_t within(std::size_t i) const {
    const std::int64_t T = Varying ? threshold[i] : rules->fixed_threshold;
    return rules->strict ? (wait[i] < T) : (wait[i] <= T);
  }
  std::uint64_t is_short(std::size_t i) const { return wait[i] < rules->short_ms; }
  std::int64_t talk_ms(std::size_t i) const { return talk[i]; }
  std::int64_t hold_ms(std::size_t i) const { return hold[i]; }
  std::int64_t acw_ms(std::size_t i) const { return acw[i]; }
  std::int64_t fcr_v(std::size_t i) const { return fcr[i]; }
  std::int64_t csat_v(std::size_t i) const { return csat[i]; }
  std::int64_t nps_v(std::size_t i) const { return nps[i]; }
  std::int64_t complaint_v(std::size_t i) const { return complaint[i]; }
  std::int64_t converted_v(std::size_t i) const { return converted[i]; }
};

/// The kernel: the definitions of ContactKpiState::add (contact_kpi_state.hpp) fused into one
/// pass per row and made branch-free with 0/1 masks (x & -m is x when m, else 0). Quantile
/// observations are emitted as (group << 10 | bucket) keys, sorted afterwards.
template <class Rows, bool Narrow, bool NarrowHandle>
void accumulate_rows(const Rows& rows, std::size_t len, const KernelRules& k, GroupAcc* acc,
                     WideAcc* wide, KeyBuffer* wait_keys, KeyBuffer* handle_keys) {
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint32_t grp = rows.group(i);
    GroupAcc& a = acc[grp];
    const std::uint64_t in = rows.inbound(i), an = rows.answered(i);
    const std::int64_t w = rows.wait_ms(i);
    const std::uint64_t ia = in & an, ab = in & (an ^ 1);
    const std::uint64_t within = rows.within(i), is_short = rows.is_short(i);
    const std::int64_t mw = w & -static_cast<std::int64_t>(ia);
    a.wait_sum += mw;
    add_square<Narrow>(a.sq_lo[0], a.sq_hi[0], mw);

    const std::int64_t xt = rows.talk_ms(i), xh = rows.hold_ms(i), xa = rows.acw_ms(i);
    const std::uint64_t tk = an & (xt != null_duration), hk = an & (xh != null_duration),
                        ak = an & (xa != null_duration);
    const std::int64_t mt = xt & -static_cast<std::int64_t>(tk), mh = xh & -static_cast<std::int64_t>(hk),
                       ma = xa & -static_cast<std::int64_t>(ak);
    a.talk_sum += mt;
    a.hold_sum += mh;
    a.acw_sum += ma;
    add_square<Narrow>(a.sq_lo[2], a.sq_hi[2], mt);
    add_square<Narrow>(a.sq_lo[3], a.sq_hi[3], mh);
    add_square<Narrow>(a.sq_lo[4], a.sq_hi[4], ma);
    // Handle time: every chosen component known (an unchosen one may be null).
    const std::uint64_t hn = an & (tk | k.not_talk) & (hk | k.not_hold) & (ak | k.not_acw);
    const std::int64_t h = ((mt & k.use_talk) + (mh & k.use_hold) + (ma & k.use_acw)) & -static_cast<std::int64_t>(hn);
    a.handle_sum += h;
    add_square<NarrowHandle>(a.sq_lo[1], a.sq_hi[1], h);

    const std::int64_t vf = rows.fcr_v(i), vc = rows.csat_v(i), vn = rows.nps_v(i);
    const std::int64_t vq = rows.complaint_v(i), vv = rows.converted_v(i);
    const std::uint64_t scope = k.fcr_all | an;
    const std::uint64_t cm = vc != null_small, nm = vn != null_small;
    const std::int64_t mc = vc & -static_cast<std::int64_t>(cm);
    const std::uint64_t qm = ((in & k.complaint_offered) | (an & ~k.complaint_offered)) & (vq != null_small);
    const std::uint64_t vm = ((in & k.conversion_offered) | (an & ~k.conversion_offered)) & (vv != null_small);
    a.w[0] += lanes(1, in, ia, an);
    a.w[1] += lanes(ia & within, ab & (is_short ^ 1) & within, ab & is_short, hn);
    a.w[2] += lanes(tk, hk, ak, scope & (vf == 1));
    a.w[3] += lanes(scope & ((vf != null_small) | k.unknown_counts), cm, cm & (vc >= k.top_min), nm);
    a.w[4] += lanes(vn >= 9, nm & (vn <= 6), qm & (vq == 1), qm);
    a.w[5] += lanes(vm & (vv == 1), vm, 0, 0);
    a.csat += static_cast<std::uint64_t>(mc) | (static_cast<std::uint64_t>(mc * mc) << 32);
    if ((a.w[0] & 0xFFFF) == 0xFFFF) [[unlikely]]
      spill(a, wide[grp]);
    if (wait_keys) {
      wait_keys->push_if((std::uint64_t{grp} << 10) | duration_buckets::index(w), ia);
      handle_keys->push_if((std::uint64_t{grp} << 10) | duration_buckets::index(h), hn);
    }
  }
}

/// What one thread accumulates.
struct ThreadState {
  std::vector<GroupAcc> acc;
  std::vector<WideAcc> wide;
  KeyBuffer wait_keys, handle_keys;
  bool quantiles = false;
  KeyBuffer* wk() { return quantiles ? &wait_keys : nullptr; }
  KeyBuffer* hk() { return quantiles ? &handle_keys : nullptr; }
};

/// Whether squares of durations fit 64 bits: every duration (and every handle time) below
/// 2^32 ms, 49 days. Checked once per aggregation; otherwise the kernel multiplies in 128 bits.
struct Widths {
  bool narrow = true, narrow_handle = true;
  Widths(const ContactTable& t, const ContactRules& r) {
    auto max_of = [](const auto& c) {
      std::int64_t m = 0;
      for (std::int64_t v : c) m = std::max(m, v);
      return m;
    };
    constexpr std::int64_t limit = std::int64_t{1} << 32;
    const std::int64_t mw = max_of(t.wait_ms), mt = max_of(t.column(DurationField::talk)),
                       mh = max_of(t.column(DurationField::hold)), ma = max_of(t.column(DurationField::acw));
    narrow = mw < limit && mt < limit && mh < limit && ma < limit;
    narrow_handle = narrow && (r.aht_talk ? mt : 0) + (r.aht_hold ? mh : 0) + (r.aht_acw ? ma : 0) < limit;
  }
};

/// Column pointers of rows [b0, b0 + len) (absent optional columns read as all-null blocks).
template <bool Varying>
ColumnRows<Varying> column_rows(const ContactTable& t, const std::uint32_t* group, std::size_t b0,
                                const std::int64_t* threshold, const KernelRules& k) {
  const NullBlocks& nulls = null_blocks();
  auto dur = [&](DurationField f) {
    const auto& c = t.column(f);
    return c.empty() ? nulls.durations : c.data() + b0;
  };
  auto small = [&](SmallField f) {
    const auto& c = t.column(f);
    return c.empty() ? nulls.smalls : c.data() + b0;
  };
  return {group + b0, t.inbound.data() + b0, t.answered.data() + b0, t.wait_ms.data() + b0,
          dur(DurationField::talk), dur(DurationField::hold), dur(DurationField::acw),
          small(SmallField::resolved_first_contact), small(SmallField::csat), small(SmallField::nps),
          small(SmallField::complaint), small(SmallField::converted), threshold, &k};
}

/// Rows [begin, end) straight from the columns, a block at a time.
template <bool Varying, bool Narrow, bool NarrowHandle>
void accumulate_columns(const ContactTable& t, const std::uint32_t* group, std::size_t begin,
                        std::size_t end, const ThresholdLookup& thr, const KernelRules& k, ThreadState& ts) {
  std::int64_t thr_block[block];
  for (std::size_t b0 = begin; b0 < end; b0 += block) {
    const std::size_t len = std::min(end, b0 + block) - b0;
    if constexpr (Varying)
      for (std::size_t i = 0; i < len; ++i) thr_block[i] = thr.at(b0 + i);
    accumulate_rows<ColumnRows<Varying>, Narrow, NarrowHandle>(column_rows<Varying>(t, group, b0, thr_block, k), len,
                                                               k, ts.acc.data(), ts.wide.data(), ts.wk(), ts.hk());
  }
}

/// Picks the kernel instance for this table and rows [begin, end).
void accumulate(const ContactTable& t, const std::uint32_t* group, std::size_t begin, std::size_t end,
                const ThresholdLookup& thr, const KernelRules& k, const Widths& widths, ThreadState& ts) {
  const bool varying = thr.varies();
  auto run = [&]<bool V>() {
    if (widths.narrow_handle)
      accumulate_columns<V, true, true>(t, group, begin, end, thr, k, ts);
    else if (widths.narrow)
      accumulate_columns<V, true, false>(t, group, begin, end, thr, k, ts);
    else
      accumulate_columns<V, false, false>(t, group, begin, end, thr, k, ts);
  };
  if (varying)
    run.template operator()<true>();
  else
    run.template operator()<false>();
}

/// Adds a thread's accumulators into the column-wise state (group ids are the same).
void flush(ThreadState& ts, GroupedKpiState& s) {
  static constexpr Counter lane_counter[22] = {
      Counter::contacts,           Counter::offered,             Counter::answered,         Counter::handled,
      Counter::sl_answered_within, Counter::sl_abandoned_within, Counter::sl_short_abandoned, Counter::handle_n,
      Counter::talk_n,             Counter::hold_n,              Counter::acw_n,            Counter::fcr_resolved,
      Counter::fcr_base,           Counter::csat_n,              Counter::csat_top_box,     Counter::nps_n,
      Counter::nps_promoters,      Counter::nps_detractors,      Counter::complaints,       Counter::complaint_base,
      Counter::conversions,        Counter::conversion_base};
  for (std::size_t g = 0; g < ts.acc.size(); ++g) spill(ts.acc[g], ts.wide[g]);
  for (std::size_t l = 0; l < 22; ++l) {
    std::int64_t* out = s.counter(lane_counter[l]).data();
    for (std::size_t g = 0; g < ts.wide.size(); ++g) out[g] += ts.wide[g].lane[l];
  }
  std::int64_t* csat_sum = s.counter(Counter::csat_sum).data();
  int128_t* csat_sq = s.square(Square::csat).data();
  for (std::size_t g = 0; g < ts.wide.size(); ++g) {
    csat_sum[g] += ts.wide[g].lane[22];
    csat_sq[g] += ts.wide[g].lane[23];
  }
  const struct {
    Counter sum;
    std::int64_t GroupAcc::*field;
  } sums[] = {{Counter::wait_sum_ms, &GroupAcc::wait_sum}, {Counter::handle_sum_ms, &GroupAcc::handle_sum},
              {Counter::talk_sum_ms, &GroupAcc::talk_sum}, {Counter::hold_sum_ms, &GroupAcc::hold_sum},
              {Counter::acw_sum_ms, &GroupAcc::acw_sum}};
  for (const auto& x : sums) {
    std::int64_t* out = s.counter(x.sum).data();
    for (std::size_t g = 0; g < ts.acc.size(); ++g) out[g] += ts.acc[g].*x.field;
  }
  const Square squares[] = {Square::wait, Square::handle, Square::talk, Square::hold, Square::acw};
  for (std::size_t q = 0; q < 5; ++q) {
    int128_t* out = s.square(squares[q]).data();
    for (std::size_t g = 0; g < ts.acc.size(); ++g)
      out[g] += static_cast<int128_t>((static_cast<uint128_t>(ts.acc[g].sq_hi[q]) << 64) | ts.acc[g].sq_lo[q]);
  }
}

/// LSD radix sort of (group << 10 | bucket) keys over their significant bits, 11 bits a pass.
void radix_sort(std::vector<std::uint64_t>& keys, int bits) {
  std::vector<std::uint64_t> tmp(keys.size());
  for (int shift = 0; shift < bits; shift += 11) {
    std::size_t count[2049] = {};
    for (auto k : keys) ++count[((k >> shift) & 2047) + 1];
    for (std::size_t i = 1; i < 2049; ++i) count[i] += count[i - 1];
    for (auto k : keys) tmp[count[(k >> shift) & 2047]++] = k;
    keys.swap(tmp);
  }
}

/// Sorted keys → each group's sparse histogram (run-length encoding of equal keys).
void build_histograms(std::vector<std::uint64_t>& keys, std::size_t groups,
                      std::vector<DurationHistogram>& out) {
  int bits = 10;
  while ((std::uint64_t{1} << (bits - 10)) < groups) ++bits;
  radix_sort(keys, bits);
  std::vector<DurationHistogram::Bin> bins;
  std::size_t i = 0;
  while (i < keys.size()) {
    const std::uint64_t grp = keys[i] >> 10;
    bins.clear();
    while (i < keys.size() && (keys[i] >> 10) == grp) {
      const std::uint64_t key = keys[i];
      std::size_t j = i;
      while (j < keys.size() && keys[j] == key) ++j;
      bins.emplace_back(static_cast<std::uint32_t>(key & 1023), j - i);
      i = j;
    }
    out[grp] += DurationHistogram(bins);
  }
}

} // namespace

GroupedKpiState aggregate(const ContactTable& table, std::span<const std::string> by,
                          const KpiOptions& options) {
  return aggregate(table, build_group_index(table, by, options), options);
}

GroupedKpiState aggregate(const ContactTable& table, const GroupIndex& index,
                          const KpiOptions& options) {
  table.validate_shape();
  if (index.group_of_row.size() != table.size())
    throw std::invalid_argument("group index: expected " + std::to_string(table.size()) +
                                " rows, actual " + std::to_string(index.group_of_row.size()));
  const ContactRules rules = ContactRules::from(options);
  const ThresholdLookup thr(table, options);
  const KernelRules kernel_rules(rules, thr.fixed);
  const std::size_t n = table.size();
  const unsigned threads = detail::thread_count(options.threads, n);
  GroupedKpiState result(index.keys, index.groups, options);
  const Widths widths(table, rules);
  std::vector<ThreadState> ts(threads);
  detail::parallel_slices(n, threads, [&](unsigned p, std::size_t b, std::size_t e) {
    ThreadState& t = ts[p];
    t.acc.assign(index.groups, GroupAcc{});
    t.wide.assign(index.groups, WideAcc{});
    t.quantiles = options.quantiles;
    if (options.quantiles) {
      t.wait_keys.keys.resize(e - b);
      t.handle_keys.keys.resize(e - b);
    }
    accumulate(table, index.group_of_row.data(), b, e, thr, kernel_rules, widths, t);
  });
  for (auto& t : ts) flush(t, result);
  if (options.quantiles) {
    for (const bool wait : {true, false}) {
      std::vector<std::uint64_t> all;
      for (auto& t : ts) {
        KeyBuffer& k = wait ? t.wait_keys : t.handle_keys;
        all.insert(all.end(), k.keys.begin(), k.keys.begin() + static_cast<std::ptrdiff_t>(k.size));
        std::vector<std::uint64_t>().swap(k.keys);
      }
      build_histograms(all, index.groups, wait ? result.wait_histograms() : result.handle_histograms());
    }
  }
  return result;
}

} // namespace kpiscore
