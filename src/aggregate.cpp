#include <kpiscore/detail/parallel.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/metrics/contact_rules.hpp>

#include <algorithm>
#include <mutex>

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
/// group's counters in four cache lines, so a row touches its group's lines and nothing else),
/// with pairs of 32-bit counts packed in one 64-bit word so one add updates two counters
/// (SWAR: a chunk holds fewer than 2^31 rows, so the low half never carries into the high).
/// Sums of milliseconds are 64-bit, sums of squares 128-bit. Flushed into the column-wise
/// GroupedKpiState once per chunk.
struct alignas(64) GroupAcc {
  // c[0] contacts | offered      c[1] answered | handled        c[2] sl_within | sl_ab_within
  // c[3] sl_short | handle_n     c[4] talk_n | hold_n           c[5] acw_n | fcr_resolved
  // c[6] fcr_base | csat_n       c[7] csat_top_box | nps_n      d[0] promoters | detractors
  // d[1] complaints | complaint_base                           d[2] conversions | conversion_base
  std::uint64_t c[8];
  std::uint64_t d[3];
  std::int64_t csat_sum, csat_sq;
  std::int64_t wait_sum, handle_sum, talk_sum, hold_sum, acw_sum;
  uint128_t wait_sq, handle_sq, talk_sq, hold_sq, acw_sq;
};
static_assert(sizeof(GroupAcc) == 256);

constexpr std::size_t max_chunk_rows = std::size_t{1} << 30;

inline std::uint64_t pair(std::uint64_t lo, std::uint64_t hi) { return lo | (hi << 32); }
inline std::int64_t lo_of(std::uint64_t v) { return static_cast<std::int64_t>(v & 0xFFFFFFFFu); }
inline std::int64_t hi_of(std::uint64_t v) { return static_cast<std::int64_t>(v >> 32); }

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

/// The kernel: the definitions of ContactKpiState::add (contact_kpi_state.hpp), fused into one
/// pass per row and made branch-free with 0/1 masks (x & -m is x when m, else 0).
/// Quantile observations are emitted as (group << 10 | bucket) keys, sorted later.
template <bool VaryingThreshold>
void accumulate_chunk(const ContactTable& t, const std::uint32_t* group, std::size_t begin,
                      std::size_t end, const ContactRules& rules, const ThresholdLookup& thr,
                      GroupAcc* acc, KeyBuffer* wait_keys, KeyBuffer* handle_keys) {
  const NullBlocks& nulls = null_blocks();
  const std::int64_t short_ms = rules.short_abandon_ms;
  const bool strict = rules.sl_strict;
  const std::int64_t fixed_t = thr.fixed;
  const std::uint64_t unknown_counts = rules.fcr_unknown_is_unresolved;
  const std::uint64_t fcr_all = !rules.fcr_handled_only;
  const std::int64_t top_min = rules.csat_top_box_min;
  const std::int64_t use_talk = -std::int64_t{rules.aht_talk}, use_hold = -std::int64_t{rules.aht_hold},
                     use_acw = -std::int64_t{rules.aht_acw};
  const bool complaint_offered = rules.complaint_over_offered, conversion_offered = rules.conversion_over_offered;
  auto dur = [&](DurationField f, std::size_t b0) {
    const auto& c = t.column(f);
    return c.empty() ? nulls.durations : c.data() + b0;
  };
  auto small = [&](SmallField f, std::size_t b0) {
    const auto& c = t.column(f);
    return c.empty() ? nulls.smalls : c.data() + b0;
  };
  std::int64_t thr_block[block];
  for (std::size_t b0 = begin; b0 < end; b0 += block) {
    const std::size_t len = std::min(end, b0 + block) - b0;
    const std::uint32_t* g = group + b0;
    const std::uint8_t* inb = t.inbound.data() + b0;
    const std::uint8_t* ans = t.answered.data() + b0;
    const std::int64_t* wait = t.wait_ms.data() + b0;
    const std::int64_t* talk = dur(DurationField::talk, b0);
    const std::int64_t* hold = dur(DurationField::hold, b0);
    const std::int64_t* acw = dur(DurationField::acw, b0);
    const std::int8_t* fcr = small(SmallField::resolved_first_contact, b0);
    const std::int8_t* csat = small(SmallField::csat, b0);
    const std::int8_t* nps = small(SmallField::nps, b0);
    const std::int8_t* complaint = small(SmallField::complaint, b0);
    const std::int8_t* converted = small(SmallField::converted, b0);
    if constexpr (VaryingThreshold)
      for (std::size_t i = 0; i < len; ++i) thr_block[i] = thr.at(b0 + i);
    for (std::size_t i = 0; i < len; ++i) {
      GroupAcc& a = acc[g[i]];
      const std::uint64_t in = inb[i], an = ans[i];
      const std::int64_t w = wait[i];
      const std::int64_t T = VaryingThreshold ? thr_block[i] : fixed_t;
      const std::uint64_t ia = in & an, ab = in & (an ^ 1);
      const std::uint64_t within = strict ? (w < T) : (w <= T);
      const std::uint64_t is_short = w < short_ms;
      const std::int64_t mw = w & -static_cast<std::int64_t>(ia);
      a.c[0] += pair(1, in);
      a.c[1] += pair(ia, an);
      a.c[2] += pair(ia & within, ab & (is_short ^ 1) & within);
      a.wait_sum += mw;
      a.wait_sq += static_cast<uint128_t>(static_cast<std::uint64_t>(mw)) * static_cast<std::uint64_t>(mw);

      const std::int64_t xt = talk[i], xh = hold[i], xa = acw[i];
      const std::uint64_t tk = an & (xt != null_duration), hk = an & (xh != null_duration),
                          ak = an & (xa != null_duration);
      const std::int64_t mt = xt & -static_cast<std::int64_t>(tk), mh = xh & -static_cast<std::int64_t>(hk),
                         ma = xa & -static_cast<std::int64_t>(ak);
      a.talk_sum += mt;
      a.hold_sum += mh;
      a.acw_sum += ma;
      a.talk_sq += static_cast<uint128_t>(static_cast<std::uint64_t>(mt)) * static_cast<std::uint64_t>(mt);
      a.hold_sq += static_cast<uint128_t>(static_cast<std::uint64_t>(mh)) * static_cast<std::uint64_t>(mh);
      a.acw_sq += static_cast<uint128_t>(static_cast<std::uint64_t>(ma)) * static_cast<std::uint64_t>(ma);
      // Handle time: every chosen component known (an unchosen one may be null).
      const std::uint64_t hn = an & (tk | static_cast<std::uint64_t>(~use_talk & 1)) &
                               (hk | static_cast<std::uint64_t>(~use_hold & 1)) &
                               (ak | static_cast<std::uint64_t>(~use_acw & 1));
      const std::int64_t h = ((mt & use_talk) + (mh & use_hold) + (ma & use_acw)) & -static_cast<std::int64_t>(hn);
      a.handle_sum += h;
      a.handle_sq += static_cast<uint128_t>(static_cast<std::uint64_t>(h)) * static_cast<std::uint64_t>(h);
      a.c[3] += pair(ab & is_short, hn);
      a.c[4] += pair(tk, hk);

      const std::int64_t vf = fcr[i];
      const std::uint64_t scope = fcr_all | an;
      a.c[5] += pair(ak, scope & (vf == 1));
      const std::int64_t vc = csat[i];
      const std::uint64_t cm = vc != null_small;
      const std::int64_t mc = vc & -static_cast<std::int64_t>(cm);
      a.c[6] += pair(scope & ((vf != null_small) | unknown_counts), cm);
      a.csat_sum += mc;
      a.csat_sq += mc * mc;
      const std::int64_t vn = nps[i];
      const std::uint64_t nm = vn != null_small;
      a.c[7] += pair(cm & (vc >= top_min), nm);
      a.d[0] += pair(vn >= 9, nm & (vn <= 6));
      const std::int64_t vq = complaint[i], vv = converted[i];
      const std::uint64_t qm = (complaint_offered ? in : an) & (vq != null_small);
      const std::uint64_t vm = (conversion_offered ? in : an) & (vv != null_small);
      a.d[1] += pair(qm & (vq == 1), qm);
      a.d[2] += pair(vm & (vv == 1), vm);
      if (wait_keys) {
        wait_keys->push_if((std::uint64_t{g[i]} << 10) | duration_buckets::index(w), ia);
        handle_keys->push_if((std::uint64_t{g[i]} << 10) | duration_buckets::index(h), hn);
      }
    }
  }
}

/// Adds a thread's accumulators into the column-wise state (group ids are the same).
void flush(const std::vector<GroupAcc>& acc, GroupedKpiState& s) {
  auto C = [&](Counter c) { return s.counter(c).data(); };
  auto Q = [&](Square q) { return s.square(q).data(); };
  const struct {
    Counter lo, hi;
    int word; // 0..7 in c, 8..10 in d
  } pairs[] = {{Counter::contacts, Counter::offered, 0},
               {Counter::answered, Counter::handled, 1},
               {Counter::sl_answered_within, Counter::sl_abandoned_within, 2},
               {Counter::sl_short_abandoned, Counter::handle_n, 3},
               {Counter::talk_n, Counter::hold_n, 4},
               {Counter::acw_n, Counter::fcr_resolved, 5},
               {Counter::fcr_base, Counter::csat_n, 6},
               {Counter::csat_top_box, Counter::nps_n, 7},
               {Counter::nps_promoters, Counter::nps_detractors, 8},
               {Counter::complaints, Counter::complaint_base, 9},
               {Counter::conversions, Counter::conversion_base, 10}};
  for (const auto& p : pairs) {
    std::int64_t* lo = C(p.lo);
    std::int64_t* hi = C(p.hi);
    for (std::size_t k = 0; k < acc.size(); ++k) {
      const std::uint64_t v = p.word < 8 ? acc[k].c[p.word] : acc[k].d[p.word - 8];
      lo[k] += lo_of(v);
      hi[k] += hi_of(v);
    }
  }
  const struct {
    Counter sum;
    std::int64_t GroupAcc::*field;
  } sums[] = {{Counter::wait_sum_ms, &GroupAcc::wait_sum},   {Counter::handle_sum_ms, &GroupAcc::handle_sum},
              {Counter::talk_sum_ms, &GroupAcc::talk_sum},   {Counter::hold_sum_ms, &GroupAcc::hold_sum},
              {Counter::acw_sum_ms, &GroupAcc::acw_sum},     {Counter::csat_sum, &GroupAcc::csat_sum}};
  for (const auto& x : sums) {
    std::int64_t* out = C(x.sum);
    for (std::size_t k = 0; k < acc.size(); ++k) out[k] += acc[k].*x.field;
  }
  const struct {
    Square sq;
    uint128_t GroupAcc::*field;
  } squares[] = {{Square::wait, &GroupAcc::wait_sq},
                 {Square::handle, &GroupAcc::handle_sq},
                 {Square::talk, &GroupAcc::talk_sq},
                 {Square::hold, &GroupAcc::hold_sq},
                 {Square::acw, &GroupAcc::acw_sq}};
  for (const auto& x : squares) {
    int128_t* out = Q(x.sq);
    for (std::size_t k = 0; k < acc.size(); ++k) out[k] += static_cast<int128_t>(acc[k].*x.field);
  }
  int128_t* csat_sq = Q(Square::csat);
  for (std::size_t k = 0; k < acc.size(); ++k) csat_sq[k] += acc[k].csat_sq;
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
  const std::size_t n = table.size();
  const unsigned threads = detail::thread_count(options.threads, n);
  GroupedKpiState result(index.keys, index.groups, options);
  std::vector<std::vector<GroupAcc>> acc(threads);
  std::vector<KeyBuffer> wait_keys(threads), handle_keys(threads);
  std::mutex flush_mutex;
  detail::parallel_slices(n, threads, [&](unsigned p, std::size_t b, std::size_t e) {
    acc[p].assign(index.groups, GroupAcc{});
    KeyBuffer* wk = nullptr;
    KeyBuffer* hk = nullptr;
    if (options.quantiles) {
      wait_keys[p].keys.resize(e - b);
      handle_keys[p].keys.resize(e - b);
      wk = &wait_keys[p];
      hk = &handle_keys[p];
    }
    for (std::size_t c0 = b; c0 < e; c0 += max_chunk_rows) {
      const std::size_t c1 = std::min(e, c0 + max_chunk_rows);
      if (thr.varies())
        accumulate_chunk<true>(table, index.group_of_row.data(), c0, c1, rules, thr, acc[p].data(), wk, hk);
      else
        accumulate_chunk<false>(table, index.group_of_row.data(), c0, c1, rules, thr, acc[p].data(), wk, hk);
      if (c1 < e) {
        // Counts are 32-bit inside the accumulator: flush before they could overflow.
        const std::lock_guard<std::mutex> lock(flush_mutex);
        flush(acc[p], result);
        std::fill(acc[p].begin(), acc[p].end(), GroupAcc{});
      }
    }
  });
  for (unsigned p = 0; p < threads; ++p) flush(acc[p], result);
  if (options.quantiles) {
    for (auto* keys_of : {&wait_keys, &handle_keys}) {
      std::vector<std::uint64_t> all;
      for (auto& k : *keys_of) {
        all.insert(all.end(), k.keys.begin(), k.keys.begin() + static_cast<std::ptrdiff_t>(k.size));
        std::vector<std::uint64_t>().swap(k.keys);
      }
      build_histograms(all, index.groups, keys_of == &wait_keys ? result.wait_histograms() : result.handle_histograms());
    }
  }
  return result;
}

} // namespace kpiscore
