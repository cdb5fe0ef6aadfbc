#include <kpiscore/detail/huge_pages.hpp>
#include <kpiscore/detail/parallel.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/metrics/contact_rules.hpp>

#include "grouping_fused.hpp"

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

  ThresholdLookup(const ContactTable& t, const KpiOptions& o)
      : fixed(o.service_level.threshold_ms) {
    auto build = [&](const char* dim, const auto& map,
                     std::vector<std::int64_t>& out) -> const std::uint32_t* {
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
    if (channel && channel[i] != null_code && by_channel[channel[i]] >= 0)
      return by_channel[channel[i]];
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

/// The counter of each 16-bit lane of GroupAcc::w / HotAcc::w, in lane order.
constexpr Counter lane_counter[22] = {Counter::contacts,
                                      Counter::offered,
                                      Counter::answered,
                                      Counter::handled,
                                      Counter::sl_answered_within,
                                      Counter::sl_abandoned_within,
                                      Counter::sl_short_abandoned,
                                      Counter::handle_n,
                                      Counter::talk_n,
                                      Counter::hold_n,
                                      Counter::acw_n,
                                      Counter::fcr_resolved,
                                      Counter::fcr_base,
                                      Counter::csat_n,
                                      Counter::csat_top_box,
                                      Counter::nps_n,
                                      Counter::nps_promoters,
                                      Counter::nps_detractors,
                                      Counter::complaints,
                                      Counter::complaint_base,
                                      Counter::conversions,
                                      Counter::conversion_base};

/// The spilled 16-bit lanes of a group, as full-width counters (cold: touched once per 65535
/// rows of the group).
struct WideAcc {
  std::int64_t lane[24]; ///< w[0..5] lanes in order, then csat_sum, csat_sq
};

inline constexpr std::uint64_t lanes(std::uint64_t a, std::uint64_t b, std::uint64_t c,
                                     std::uint64_t d) {
  return a | (b << 16) | (c << 32) | (d << 48);
}

inline void spill(GroupAcc& a, WideAcc& wide) {
  for (int j = 0; j < 6; ++j) {
    for (int l = 0; l < 4; ++l)
      wide.lane[j * 4 + l] += static_cast<std::int64_t>((a.w[j] >> (16 * l)) & 0xFFFF);
    a.w[j] = 0;
  }
  wide.lane[22] += static_cast<std::int64_t>(a.csat & 0xFFFFFFFFu);
  wide.lane[23] += static_cast<std::int64_t>(a.csat >> 32);
  a.csat = 0;
}

/// Adds v² to a (lo, hi) 128-bit sum. When v < 2^32 (`Narrow`), v² fits 64 bits and the high
/// word moves only on the rare carry.
template <bool Narrow>
inline void add_square(std::uint64_t& lo, std::uint64_t& hi, std::int64_t v) {
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
/// behaves exactly like a present all-null one, with no per-row branch. `valid` is the validity
/// of a column without a mask (every row valid: its nulls are sentinels).
struct NullBlocks {
  std::int64_t durations[block];
  std::int8_t smalls[block];
  std::uint8_t valid[block];
  NullBlocks() {
    std::fill(std::begin(durations), std::end(durations), null_duration);
    std::fill(std::begin(smalls), std::end(smalls), null_small);
    std::fill(std::begin(valid), std::end(valid), std::uint8_t{1});
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
  std::int64_t top_min, use_talk, use_hold, use_acw;   ///< use_* are all-ones or zero masks
  std::uint64_t not_talk, not_hold, not_acw;           ///< 1 when the component is not in AHT
  std::uint64_t complaint_offered, conversion_offered; ///< 1 = denominator offered, 0 = handled
  explicit KernelRules(const ContactRules& r, std::int64_t fixed)
      : short_ms(r.short_abandon_ms), fixed_threshold(fixed), strict(r.sl_strict),
        unknown_counts(r.fcr_unknown_is_unresolved), fcr_all(!r.fcr_handled_only),
        top_min(r.csat_top_box_min), use_talk(-std::int64_t{r.aht_talk}),
        use_hold(-std::int64_t{r.aht_hold}), use_acw(-std::int64_t{r.aht_acw}),
        not_talk(!r.aht_talk), not_hold(!r.aht_hold), not_acw(!r.aht_acw),
        complaint_offered(r.complaint_over_offered), conversion_offered(r.conversion_over_offered) {
  }
};

/// Rows straight from the table's columns (one block at a time).
///
/// A row of an optional column is null when its value is the sentinel (null_duration,
/// null_small) or its mask says so (a column borrowed with the input's mask, table/column.hpp:
/// the value there is arbitrary). Columns without a mask point at an all-ones validity block, so
/// the kernel tests both with no branch and no copy of either kind.
enum OptionalColumn : std::size_t {
  talk_col,
  hold_col,
  acw_col,
  fcr_col,
  csat_col,
  nps_col,
  complaint_col,
  converted_col
};

template <bool Varying> struct ColumnRows {
  const std::uint32_t* g;
  const std::uint8_t *inb, *ans;
  const std::int64_t *wait, *talk, *hold, *acw;
  const std::int8_t *fcr, *csat, *nps, *complaint, *converted;
  const std::uint8_t* mask[8];     ///< by OptionalColumn
  std::uint8_t mask_marks_null[8]; ///< 1: a nonzero mask byte is a null; 0: a zero one is
  const std::int64_t* threshold;   ///< per row (used when Varying)
  const KernelRules* rules;
  bool valid(OptionalColumn c, std::size_t i) const {
    return (mask[c][i] != 0) != (mask_marks_null[c] != 0);
  }
  std::uint32_t group(std::size_t i) const { return g[i]; }
  std::uint64_t inbound(std::size_t i) const { return inb[i]; }
  std::uint64_t answered(std::size_t i) const { return ans[i]; }
  std::int64_t wait_ms(std::size_t i) const { return wait[i]; }
  std::uint64_t within(std::size_t i) const {
    const std::int64_t T = Varying ? threshold[i] : rules->fixed_threshold;
    return rules->strict ? (wait[i] < T) : (wait[i] <= T);
  }
  std::uint64_t is_short(std::size_t i) const { return wait[i] < rules->short_ms; }
  std::int64_t talk_ms(std::size_t i) const { return valid(talk_col, i) ? talk[i] : null_duration; }
  std::int64_t hold_ms(std::size_t i) const { return valid(hold_col, i) ? hold[i] : null_duration; }
  std::int64_t acw_ms(std::size_t i) const { return valid(acw_col, i) ? acw[i] : null_duration; }
  std::int64_t fcr_v(std::size_t i) const { return valid(fcr_col, i) ? fcr[i] : null_small; }
  std::int64_t csat_v(std::size_t i) const { return valid(csat_col, i) ? csat[i] : null_small; }
  std::int64_t nps_v(std::size_t i) const { return valid(nps_col, i) ? nps[i] : null_small; }
  std::int64_t complaint_v(std::size_t i) const {
    return valid(complaint_col, i) ? complaint[i] : null_small;
  }
  std::int64_t converted_v(std::size_t i) const {
    return valid(converted_col, i) ? converted[i] : null_small;
  }
};

/// Column pointers of rows [b0, ...) (absent optional columns read as all-null blocks, which
/// is why a kernel block is at most `block` rows).
template <bool Varying>
ColumnRows<Varying> column_rows(const ContactTable& t, const std::uint32_t* group, std::size_t b0,
                                const std::int64_t* threshold, const KernelRules& k) {
  const NullBlocks& nulls = null_blocks();
  auto values = [&](const auto& c, const auto* null_block) {
    return c.empty() ? null_block : c.values() + b0;
  };
  ColumnRows<Varying> r{group ? group + b0 : nullptr,
                        t.inbound.data() + b0,
                        t.answered.data() + b0,
                        t.wait_ms.data() +
                            b0, // required: never masked by the readers (a mask materialises)
                        values(t.column(DurationField::talk), nulls.durations),
                        values(t.column(DurationField::hold), nulls.durations),
                        values(t.column(DurationField::acw), nulls.durations),
                        values(t.column(SmallField::resolved_first_contact), nulls.smalls),
                        values(t.column(SmallField::csat), nulls.smalls),
                        values(t.column(SmallField::nps), nulls.smalls),
                        values(t.column(SmallField::complaint), nulls.smalls),
                        values(t.column(SmallField::converted), nulls.smalls),
                        {},
                        {},
                        threshold,
                        &k};
  auto set_mask = [&](OptionalColumn at, const auto& c) {
    r.mask[at] = c.masked() ? c.mask().data() + b0 : nulls.valid;
    r.mask_marks_null[at] = c.masked() && c.mask_marks_nulls();
  };
  set_mask(talk_col, t.column(DurationField::talk));
  set_mask(hold_col, t.column(DurationField::hold));
  set_mask(acw_col, t.column(DurationField::acw));
  set_mask(fcr_col, t.column(SmallField::resolved_first_contact));
  set_mask(csat_col, t.column(SmallField::csat));
  set_mask(nps_col, t.column(SmallField::nps));
  set_mask(complaint_col, t.column(SmallField::complaint));
  set_mask(converted_col, t.column(SmallField::converted));
  return r;
}

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
    const std::int64_t mt = xt & -static_cast<std::int64_t>(tk),
                       mh = xh & -static_cast<std::int64_t>(hk),
                       ma = xa & -static_cast<std::int64_t>(ak);
    a.talk_sum += mt;
    a.hold_sum += mh;
    a.acw_sum += ma;
    add_square<Narrow>(a.sq_lo[2], a.sq_hi[2], mt);
    add_square<Narrow>(a.sq_lo[3], a.sq_hi[3], mh);
    add_square<Narrow>(a.sq_lo[4], a.sq_hi[4], ma);
    // Handle time: every chosen component known (an unchosen one may be null).
    const std::uint64_t hn = an & (tk | k.not_talk) & (hk | k.not_hold) & (ak | k.not_acw);
    const std::int64_t h =
        ((mt & k.use_talk) + (mh & k.use_hold) + (ma & k.use_acw)) & -static_cast<std::int64_t>(hn);
    a.handle_sum += h;
    add_square<NarrowHandle>(a.sq_lo[1], a.sq_hi[1], h);

    const std::int64_t vf = rows.fcr_v(i), vc = rows.csat_v(i), vn = rows.nps_v(i);
    const std::int64_t vq = rows.complaint_v(i), vv = rows.converted_v(i);
    const std::uint64_t scope = k.fcr_all | an;
    const std::uint64_t cm = vc != null_small, nm = vn != null_small;
    const std::int64_t mc = vc & -static_cast<std::int64_t>(cm);
    const std::uint64_t qm =
        ((in & k.complaint_offered) | (an & ~k.complaint_offered)) & (vq != null_small);
    const std::uint64_t vm =
        ((in & k.conversion_offered) | (an & ~k.conversion_offered)) & (vv != null_small);
    a.w[0] += lanes(1, in, ia, an);
    a.w[1] += lanes(ia & within, ab & (is_short ^ 1) & within, ab & is_short, hn);
    a.w[2] += lanes(tk, hk, ak, scope & (vf == 1));
    a.w[3] +=
        lanes(scope & ((vf != null_small) | k.unknown_counts), cm, cm & (vc >= k.top_min), nm);
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

// ---------------------------------------------------------------------------------------------
// The coded kernel (used when quantiles are off). Two passes over each small block of rows:
//
//  1. Column-wise, branch-free and vectorizable: every row's inputs are reduced to five one-byte
//     codes (the flags and small-column states each counter lane depends on), its five masked
//     durations, their squares and its csat word, into L1-resident block arrays.
//  2. The scatter: per row, six lane words come from 6 lookup tables indexed by the codes (the
//     tables are the per-row definitions evaluated once for every code value, so the result is
//     the same, bit for bit), plus 5 sums and 5 squares, into its group's 128-byte accumulator
//     (two cache lines) and one csat word in a separate small array. The accumulator lines of
//     the row `prefetch_distance` rows ahead are prefetched (the group ids are known in advance),
//     so with many groups (state beyond L2) the misses overlap instead of serialising.
//
// Squares: a row's square enters the 64-bit hot word only when every masked duration of its
// block is below 2^24 ms (4.66 h, squares < 2^48), so 65535 rows between spills cannot overflow;
// a block with a longer duration adds its squares straight into the group's 128-bit cold sum.

constexpr std::size_t coded_block = 256;
constexpr std::size_t prefetch_distance = 24;
constexpr std::int64_t small_duration_limit = std::int64_t{1} << 24;

/// One group's hot accumulator in one thread: two cache lines.
struct alignas(64) HotAcc {
  std::uint64_t w[6];  ///< the 16-bit lanes of GroupAcc::w
  std::int64_t sum[5]; ///< wait, handle, talk, hold, acw ms
  std::uint64_t sq[5]; ///< squares of the same, < 65535 · 2^48
};
static_assert(sizeof(HotAcc) == 128);

/// Spilled lanes and the 128-bit sums of squares (cold).
struct ColdAcc {
  std::int64_t lane[24]; ///< as WideAcc
  uint128_t sq[5];
};

/// Lane words by code: evaluated from KernelRules for every code value.
struct LaneTables {
  std::uint64_t t0[32], t1[32], t2[64], t3[64], t4[64], t5[16];
  explicit LaneTables(const KernelRules& k) {
    for (std::uint64_t c = 0; c < 32; ++c) {
      const std::uint64_t in = c & 1, an = (c >> 1) & 1, within = (c >> 2) & 1,
                          is_short = (c >> 3) & 1, hn = (c >> 4) & 1;
      const std::uint64_t ia = in & an, ab = in & (an ^ 1);
      t0[c] = lanes(1, in, ia, an);
      t1[c] = lanes(ia & within, ab & (is_short ^ 1) & within, ab & is_short, hn);
    }
    for (std::uint64_t c = 0; c < 64; ++c) {
      // c2 = talk known | hold known << 1 | acw known << 2 | answered << 3 | fcr state << 4
      const std::uint64_t an = (c >> 3) & 1, fs = c >> 4;
      const std::uint64_t scope = k.fcr_all | an;
      t2[c] = lanes(an & (c & 1), an & ((c >> 1) & 1), an & ((c >> 2) & 1), scope & (fs == 2));
    }
    for (std::uint64_t c = 0; c < 64; ++c) {
      // c3 = fcr state | answered << 2 | csat state << 3 | nps known << 5
      const std::uint64_t fs = c & 3, an = (c >> 2) & 1, cs = (c >> 3) & 3, nm = (c >> 5) & 1;
      const std::uint64_t scope = k.fcr_all | an;
      t3[c] = lanes(scope & ((fs != 0) | k.unknown_counts), cs != 0, cs == 2, nm);
    }
    for (std::uint64_t c = 0; c < 64; ++c) {
      // c4 = promoter | detractor << 1 | complaint state << 2 | inbound << 4 | answered << 5
      const std::uint64_t qs = (c >> 2) & 3, in = (c >> 4) & 1, an = (c >> 5) & 1;
      const std::uint64_t qm =
          ((in & k.complaint_offered) | (an & ~k.complaint_offered)) & (qs != 0);
      t4[c] = lanes(c & 1, (c >> 1) & 1, qm & (qs == 2), qm);
    }
    for (std::uint64_t c = 0; c < 16; ++c) {
      // c5 = converted state | inbound << 2 | answered << 3
      const std::uint64_t vs = c & 3, in = (c >> 2) & 1, an = (c >> 3) & 1;
      const std::uint64_t vm =
          ((in & k.conversion_offered) | (an & ~k.conversion_offered)) & (vs != 0);
      t5[c] = lanes(vm & (vs == 2), vm, 0, 0);
    }
  }
};

/// The block arrays of pass 1.
struct CodedBlock {
  std::uint8_t c1[coded_block], c2[coded_block], c3[coded_block], c4[coded_block], c5[coded_block];
  std::int64_t v[5][coded_block]; ///< masked wait, handle, talk, hold, acw
  std::uint64_t sq[5][coded_block];
  std::uint64_t csat[coded_block]; ///< csat | csat² << 32 (the GroupAcc::csat word)
};

/// Pass 1 over rows [0, len) of `r` (the same definitions as accumulate_rows), as a series of
/// simple loops over the block that the compiler vectorizes (one input or output type each).
/// Returns whether every masked duration is below small_duration_limit (then the squares are
/// computed too, as 32 × 32 → 64-bit products).
template <bool Varying>
[[gnu::always_inline]] inline bool code_block(const ColumnRows<Varying>& r, std::size_t len,
                                              const KernelRules& k, CodedBlock& b) {
  const std::uint8_t* __restrict inb = r.inb;
  const std::uint8_t* __restrict ans = r.ans;
  const std::int64_t* __restrict wait = r.wait;
  std::uint8_t ia[coded_block], tn[coded_block], hkn[coded_block], akn[coded_block],
      hn[coded_block];
  std::uint8_t within[coded_block], is_short[coded_block];
  // Flags and the service-level tests.
  for (std::size_t i = 0; i < len; ++i)
    ia[i] = static_cast<std::uint8_t>(inb[i] & ans[i]);
  const std::int64_t short_ms = k.short_ms;
  for (std::size_t i = 0; i < len; ++i)
    is_short[i] = wait[i] < short_ms;
  if constexpr (Varying) {
    const std::int64_t* __restrict thr = r.threshold;
    if (k.strict)
      for (std::size_t i = 0; i < len; ++i)
        within[i] = wait[i] < thr[i];
    else
      for (std::size_t i = 0; i < len; ++i)
        within[i] = wait[i] <= thr[i];
  } else {
    const std::int64_t T = k.fixed_threshold;
    if (k.strict)
      for (std::size_t i = 0; i < len; ++i)
        within[i] = wait[i] < T;
    else
      for (std::size_t i = 0; i < len; ++i)
        within[i] = wait[i] <= T;
  }
  // Known components (before the answered mask, which the tables apply) and handle-time rows.
  const std::int64_t* __restrict talk = r.talk;
  const std::int64_t* __restrict hold = r.hold;
  const std::int64_t* __restrict acw = r.acw;
  // A row's value is known when its mask byte says valid (ok) and it is not the sentinel.
  auto ok = [&r, len](OptionalColumn c, std::uint8_t* __restrict out) {
    const std::uint8_t* __restrict m = r.mask[c];
    const std::uint8_t flip = r.mask_marks_null[c];
    for (std::size_t i = 0; i < len; ++i)
      out[i] = static_cast<std::uint8_t>((m[i] != 0) ^ flip);
  };
  ok(talk_col, tn);
  ok(hold_col, hkn);
  ok(acw_col, akn);
  for (std::size_t i = 0; i < len; ++i)
    tn[i] &= talk[i] != null_duration;
  for (std::size_t i = 0; i < len; ++i)
    hkn[i] &= hold[i] != null_duration;
  for (std::size_t i = 0; i < len; ++i)
    akn[i] &= acw[i] != null_duration;
  const auto nt = static_cast<std::uint8_t>(k.not_talk), nh = static_cast<std::uint8_t>(k.not_hold),
             na = static_cast<std::uint8_t>(k.not_acw);
  for (std::size_t i = 0; i < len; ++i)
    hn[i] = static_cast<std::uint8_t>(ans[i] & (tn[i] | nt) & (hkn[i] | nh) & (akn[i] | na));
  // Masked durations: x & -mask (x when the mask is 1, else 0).
  std::int64_t* __restrict vw = b.v[0];
  std::int64_t* __restrict vh = b.v[1];
  std::int64_t* __restrict vt = b.v[2];
  std::int64_t* __restrict vo = b.v[3];
  std::int64_t* __restrict va = b.v[4];
  for (std::size_t i = 0; i < len; ++i)
    vw[i] = wait[i] & -static_cast<std::int64_t>(ia[i]);
  for (std::size_t i = 0; i < len; ++i)
    vt[i] = talk[i] & -static_cast<std::int64_t>(ans[i] & tn[i]);
  for (std::size_t i = 0; i < len; ++i)
    vo[i] = hold[i] & -static_cast<std::int64_t>(ans[i] & hkn[i]);
  for (std::size_t i = 0; i < len; ++i)
    va[i] = acw[i] & -static_cast<std::int64_t>(ans[i] & akn[i]);
  const std::int64_t ut = k.use_talk, uh = k.use_hold, ua = k.use_acw;
  for (std::size_t i = 0; i < len; ++i)
    vh[i] = ((vt[i] & ut) + (vo[i] & uh) + (va[i] & ua)) & -static_cast<std::int64_t>(hn[i]);
  std::int64_t big = 0;
  for (std::size_t i = 0; i < len; ++i)
    big |= vw[i] | vh[i] | vt[i] | vo[i] | va[i];
  // Small columns: states 0 = null, 1 = known, 2 = the counted value. Known = valid and not
  // the sentinel (k* below); a masked row's value is never looked at without its known bit.
  const std::int8_t* __restrict fcr = r.fcr;
  const std::int8_t* __restrict csat = r.csat;
  const std::int8_t* __restrict nps = r.nps;
  const std::int8_t* __restrict comp = r.complaint;
  const std::int8_t* __restrict conv = r.converted;
  std::uint8_t fcr_ok[coded_block], csat_ok[coded_block], nps_ok[coded_block], comp_ok[coded_block],
      conv_ok[coded_block];
  ok(fcr_col, fcr_ok);
  ok(csat_col, csat_ok);
  ok(nps_col, nps_ok);
  ok(complaint_col, comp_ok);
  ok(converted_col, conv_ok);
  const auto top = static_cast<std::int8_t>(std::clamp<std::int64_t>(k.top_min, -128, 127));
  const bool top_above_int8 = k.top_min > 127;
  std::uint8_t* __restrict c1 = b.c1;
  std::uint8_t* __restrict c2 = b.c2;
  std::uint8_t* __restrict c3 = b.c3;
  std::uint8_t* __restrict c4 = b.c4;
  std::uint8_t* __restrict c5 = b.c5;
  for (std::size_t i = 0; i < len; ++i)
    c1[i] = static_cast<std::uint8_t>(inb[i] | ans[i] << 1 | within[i] << 2 | is_short[i] << 3 |
                                      hn[i] << 4);
  std::uint8_t fs[coded_block], cm[coded_block], nm[coded_block];
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint8_t known = fcr_ok[i] & (fcr[i] != null_small);
    fs[i] = static_cast<std::uint8_t>(known + (known & (fcr[i] == 1)));
  }
  for (std::size_t i = 0; i < len; ++i)
    cm[i] = csat_ok[i] & (csat[i] != null_small);
  for (std::size_t i = 0; i < len; ++i)
    nm[i] = nps_ok[i] & (nps[i] != null_small);
  for (std::size_t i = 0; i < len; ++i)
    c2[i] = static_cast<std::uint8_t>(tn[i] | hkn[i] << 1 | akn[i] << 2 | ans[i] << 3 | fs[i] << 4);
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint8_t cs =
        static_cast<std::uint8_t>(cm[i] + (cm[i] & (csat[i] >= top) & !top_above_int8));
    c3[i] = static_cast<std::uint8_t>(fs[i] | ans[i] << 2 | cs << 3 | nm[i] << 5);
  }
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint8_t known = comp_ok[i] & (comp[i] != null_small);
    const std::uint8_t qs = static_cast<std::uint8_t>(known + (known & (comp[i] == 1)));
    c4[i] = static_cast<std::uint8_t>((nm[i] & (nps[i] >= 9)) | (nm[i] & (nps[i] <= 6)) << 1 |
                                      qs << 2 | inb[i] << 4 | ans[i] << 5);
  }
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint8_t known = conv_ok[i] & (conv[i] != null_small);
    const std::uint8_t vs = static_cast<std::uint8_t>(known + (known & (conv[i] == 1)));
    c5[i] = static_cast<std::uint8_t>(vs | inb[i] << 2 | ans[i] << 3);
  }
  std::uint64_t* __restrict cw = b.csat;
  for (std::size_t i = 0; i < len; ++i) {
    const std::int64_t mc = csat[i] & -static_cast<std::int64_t>(cm[i]);
    cw[i] = static_cast<std::uint64_t>(mc) | (static_cast<std::uint64_t>(mc * mc) << 32);
  }
  // Every masked duration is >= 0 (a negative one sets the high bits) and below 2^24 exactly
  // when no bit at or above 24 is set in their OR.
  const bool small = (big & ~(small_duration_limit - 1)) == 0;
  if (small)
    for (std::size_t q = 0; q < 5; ++q) {
      const std::int64_t* __restrict v = b.v[q];
      std::uint64_t* __restrict sq = b.sq[q];
      for (std::size_t i = 0; i < len; ++i) {
        const auto u = static_cast<std::uint32_t>(v[i]);
        sq[i] = static_cast<std::uint64_t>(u) * u;
      }
    }
  return small;
}

inline void spill_coded(HotAcc& a, std::uint64_t& csat, ColdAcc& cold) {
  for (int j = 0; j < 6; ++j) {
    for (int l = 0; l < 4; ++l)
      cold.lane[j * 4 + l] += static_cast<std::int64_t>((a.w[j] >> (16 * l)) & 0xFFFF);
    a.w[j] = 0;
  }
  cold.lane[22] += static_cast<std::int64_t>(csat & 0xFFFFFFFFu);
  cold.lane[23] += static_cast<std::int64_t>(csat >> 32);
  csat = 0;
  for (int q = 0; q < 5; ++q) {
    cold.sq[q] += a.sq[q];
    a.sq[q] = 0;
  }
}

struct CodedState {
  std::vector<HotAcc> hot;
  std::vector<std::uint64_t> csat;
  std::vector<ColdAcc> cold;
};

/// Pass 2 for one block. `group` points at the block's first row; rows up to `ahead` past the
/// block end may be read for prefetching.
template <bool Small>
[[gnu::always_inline]] inline void scatter_block(const std::uint32_t* group, std::size_t len,
                                                 std::size_t ahead, const CodedBlock& b,
                                                 const LaneTables& tab, CodedState& st) {
  HotAcc* hot = st.hot.data();
  std::uint64_t* csat = st.csat.data();
  for (std::size_t i = 0; i < len; ++i) {
    if (i + prefetch_distance < ahead) {
      const HotAcc* p = hot + group[i + prefetch_distance];
      __builtin_prefetch(p, 1, 3);
      __builtin_prefetch(reinterpret_cast<const char*>(p) + 64, 1, 3);
    }
    const std::uint32_t g = group[i];
    HotAcc& a = hot[g];
    const std::uint8_t c1 = b.c1[i];
    a.w[0] += tab.t0[c1];
    a.w[1] += tab.t1[c1];
    a.w[2] += tab.t2[b.c2[i]];
    a.w[3] += tab.t3[b.c3[i]];
    a.w[4] += tab.t4[b.c4[i]];
    a.w[5] += tab.t5[b.c5[i]];
    for (std::size_t q = 0; q < 5; ++q)
      a.sum[q] += b.v[q][i];
    if constexpr (Small) {
      for (std::size_t q = 0; q < 5; ++q)
        a.sq[q] += b.sq[q][i];
    } else {
      ColdAcc& cold = st.cold[g];
      for (std::size_t q = 0; q < 5; ++q) {
        const std::int64_t v = b.v[q][i];
        cold.sq[q] += static_cast<uint128_t>(static_cast<int128_t>(v) * v);
      }
    }
    csat[g] += b.csat[i];
    if ((a.w[0] & 0xFFFF) == 0xFFFF) [[unlikely]]
      spill_coded(a, csat[g], st.cold[g]);
  }
}

/// Where the kernel takes each block's group ids from: a GroupIndex's group_of_row, or (the
/// fused single pass) computed for the block from the key columns into a small buffer.
struct IndexGroups {
  const std::uint32_t* group_of_row;
  /// Group ids of rows [b0, stop) where stop >= b0 + len (up to prefetch_distance rows more for
  /// the prefetches, within `end`); returns the pointer to row b0's id and sets `ahead`.
  const std::uint32_t* block(std::size_t b0, std::size_t, std::size_t end, std::uint32_t*,
                             std::size_t& ahead) const {
    ahead = end - b0;
    return group_of_row + b0;
  }
};
struct FusedGroups {
  const detail::FusedKeys* keys;
  const std::uint32_t* block(std::size_t b0, std::size_t len, std::size_t end, std::uint32_t* buf,
                             std::size_t& ahead) const {
    const std::size_t stop = std::min(end, b0 + len + prefetch_distance);
    keys->composites(b0, stop, buf);
    ahead = stop - b0;
    return buf;
  }
};

template <bool Varying, class Groups>
[[gnu::always_inline]] inline void
accumulate_coded_body(const ContactTable& t, const Groups& groups, std::size_t begin,
                      std::size_t end, const ThresholdLookup& thr, const KernelRules& k,
                      const LaneTables& tab, CodedState& st) {
  CodedBlock b;
  std::int64_t thr_block[coded_block];
  std::uint32_t group_block[coded_block + prefetch_distance];
  // column_rows pads absent columns with `block`-long null blocks, enough for coded_block.
  static_assert(coded_block <= block);
  for (std::size_t b0 = begin; b0 < end; b0 += coded_block) {
    const std::size_t len = std::min(end, b0 + coded_block) - b0;
    if constexpr (Varying)
      for (std::size_t i = 0; i < len; ++i)
        thr_block[i] = thr.at(b0 + i);
    std::size_t ahead = 0;
    const std::uint32_t* group = groups.block(b0, len, end, group_block, ahead);
    const ColumnRows<Varying> rows =
        column_rows<Varying>(t, nullptr, b0, thr_block, k); // .g unused
    if (code_block<Varying>(rows, len, k, b))
      scatter_block<true>(group, len, ahead, b, tab, st);
    else
      scatter_block<false>(group, len, ahead, b, tab, st);
  }
}

/// The same code compiled twice: for the baseline instruction set and, chosen at run time on
/// CPUs that have it, for AVX2 (the column loops of code_block then work on 32 bytes at a time).
template <bool Varying, class Groups>
void accumulate_coded_baseline(const ContactTable& t, const Groups& groups, std::size_t begin,
                               std::size_t end, const ThresholdLookup& thr, const KernelRules& k,
                               const LaneTables& tab, CodedState& st) {
  accumulate_coded_body<Varying>(t, groups, begin, end, thr, k, tab, st);
}

#if defined(__x86_64__)
template <bool Varying, class Groups>
[[gnu::target("avx2,bmi,bmi2,popcnt")]] void
accumulate_coded_avx2(const ContactTable& t, const Groups& groups, std::size_t begin,
                      std::size_t end, const ThresholdLookup& thr, const KernelRules& k,
                      const LaneTables& tab, CodedState& st) {
  accumulate_coded_body<Varying>(t, groups, begin, end, thr, k, tab, st);
}
#endif

template <class Groups>
void accumulate_coded(const ContactTable& t, const Groups& groups, std::size_t begin,
                      std::size_t end, const ThresholdLookup& thr, const KernelRules& k,
                      const LaneTables& tab, CodedState& st) {
  auto run = [&]<bool Varying>() {
#if defined(__x86_64__)
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2");
    if (avx2) return accumulate_coded_avx2<Varying>(t, groups, begin, end, thr, k, tab, st);
#endif
    accumulate_coded_baseline<Varying>(t, groups, begin, end, thr, k, tab, st);
  };
  if (thr.varies())
    run.template operator()<true>();
  else
    run.template operator()<false>();
}

/// Adds a thread's coded accumulators into the column-wise state: accumulator slot a goes to
/// group to(a); slots with to(a) == skip are unused (the fused pass's composites no row had).
constexpr std::uint32_t skip = 0xFFFFFFFFu;
template <class To> void flush_coded(CodedState& st, GroupedKpiState& s, To to) {
  const std::size_t slots = st.hot.size();
  for (std::size_t a = 0; a < slots; ++a)
    spill_coded(st.hot[a], st.csat[a], st.cold[a]);
  auto each = [&](auto&& f) {
    for (std::size_t a = 0; a < slots; ++a) {
      const std::uint32_t g = to(a);
      if (g != skip) f(a, g);
    }
  };
  for (std::size_t l = 0; l < 22; ++l) {
    std::int64_t* out = s.counter(lane_counter[l]).data();
    each([&](std::size_t a, std::uint32_t g) { out[g] += st.cold[a].lane[l]; });
  }
  std::int64_t* csat_sum = s.counter(Counter::csat_sum).data();
  int128_t* csat_sq = s.square(Square::csat).data();
  each([&](std::size_t a, std::uint32_t g) {
    csat_sum[g] += st.cold[a].lane[22];
    csat_sq[g] += st.cold[a].lane[23];
  });
  const Counter sums[] = {Counter::wait_sum_ms, Counter::handle_sum_ms, Counter::talk_sum_ms,
                          Counter::hold_sum_ms, Counter::acw_sum_ms};
  const Square squares[] = {Square::wait, Square::handle, Square::talk, Square::hold, Square::acw};
  for (std::size_t q = 0; q < 5; ++q) {
    std::int64_t* out = s.counter(sums[q]).data();
    int128_t* sq = s.square(squares[q]).data();
    each([&](std::size_t a, std::uint32_t g) {
      out[g] += st.hot[a].sum[q];
      sq[g] += static_cast<int128_t>(st.cold[a].sq[q]);
    });
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
    auto max_of = [](const Column<std::int64_t>& c) { // over valid rows (nulls are negative)
      std::int64_t m = 0;
      const std::int64_t* v = c.values();
      const std::uint8_t* mask = c.mask().data();
      const bool flip = c.mask_marks_nulls();
      if (mask)
        for (std::size_t i = 0; i < c.size(); ++i)
          m = std::max(m, (mask[i] != 0) != flip ? v[i] : 0);
      else
        for (std::size_t i = 0; i < c.size(); ++i)
          m = std::max(m, v[i]);
      return m;
    };
    constexpr std::int64_t limit = std::int64_t{1} << 32;
    const std::int64_t mw = max_of(t.wait_ms), mt = max_of(t.column(DurationField::talk)),
                       mh = max_of(t.column(DurationField::hold)),
                       ma = max_of(t.column(DurationField::acw));
    narrow = mw < limit && mt < limit && mh < limit && ma < limit;
    narrow_handle =
        narrow && (r.aht_talk ? mt : 0) + (r.aht_hold ? mh : 0) + (r.aht_acw ? ma : 0) < limit;
  }
};

/// Rows [begin, end) straight from the columns, a block at a time.
template <bool Varying, bool Narrow, bool NarrowHandle>
void accumulate_columns(const ContactTable& t, const std::uint32_t* group, std::size_t begin,
                        std::size_t end, const ThresholdLookup& thr, const KernelRules& k,
                        ThreadState& ts) {
  std::int64_t thr_block[block];
  for (std::size_t b0 = begin; b0 < end; b0 += block) {
    const std::size_t len = std::min(end, b0 + block) - b0;
    if constexpr (Varying)
      for (std::size_t i = 0; i < len; ++i)
        thr_block[i] = thr.at(b0 + i);
    accumulate_rows<ColumnRows<Varying>, Narrow, NarrowHandle>(
        column_rows<Varying>(t, group, b0, thr_block, k), len, k, ts.acc.data(), ts.wide.data(),
        ts.wk(), ts.hk());
  }
}

/// Picks the kernel instance for this table and rows [begin, end).
void accumulate(const ContactTable& t, const std::uint32_t* group, std::size_t begin,
                std::size_t end, const ThresholdLookup& thr, const KernelRules& k,
                const Widths& widths, ThreadState& ts) {
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
  for (std::size_t g = 0; g < ts.acc.size(); ++g)
    spill(ts.acc[g], ts.wide[g]);
  for (std::size_t l = 0; l < 22; ++l) {
    std::int64_t* out = s.counter(lane_counter[l]).data();
    for (std::size_t g = 0; g < ts.wide.size(); ++g)
      out[g] += ts.wide[g].lane[l];
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
  } sums[] = {{Counter::wait_sum_ms, &GroupAcc::wait_sum},
              {Counter::handle_sum_ms, &GroupAcc::handle_sum},
              {Counter::talk_sum_ms, &GroupAcc::talk_sum},
              {Counter::hold_sum_ms, &GroupAcc::hold_sum},
              {Counter::acw_sum_ms, &GroupAcc::acw_sum}};
  for (const auto& x : sums) {
    std::int64_t* out = s.counter(x.sum).data();
    for (std::size_t g = 0; g < ts.acc.size(); ++g)
      out[g] += ts.acc[g].*x.field;
  }
  const Square squares[] = {Square::wait, Square::handle, Square::talk, Square::hold, Square::acw};
  for (std::size_t q = 0; q < 5; ++q) {
    int128_t* out = s.square(squares[q]).data();
    for (std::size_t g = 0; g < ts.acc.size(); ++g)
      out[g] += static_cast<int128_t>((static_cast<uint128_t>(ts.acc[g].sq_hi[q]) << 64) |
                                      ts.acc[g].sq_lo[q]);
  }
}

/// LSD radix sort of (group << 10 | bucket) keys over their significant bits, 11 bits a pass.
void radix_sort(std::vector<std::uint64_t>& keys, int bits) {
  std::vector<std::uint64_t> tmp(keys.size());
  for (int shift = 0; shift < bits; shift += 11) {
    std::size_t count[2049] = {};
    for (auto k : keys)
      ++count[((k >> shift) & 2047) + 1];
    for (std::size_t i = 1; i < 2049; ++i)
      count[i] += count[i - 1];
    for (auto k : keys)
      tmp[count[(k >> shift) & 2047]++] = k;
    keys.swap(tmp);
  }
}

/// Sorted keys → each group's sparse histogram (run-length encoding of equal keys).
void build_histograms(std::vector<std::uint64_t>& keys, std::size_t groups,
                      std::vector<DurationHistogram>& out) {
  int bits = 10;
  while ((std::uint64_t{1} << (bits - 10)) < groups)
    ++bits;
  radix_sort(keys, bits);
  std::vector<DurationHistogram::Bin> bins;
  std::size_t i = 0;
  while (i < keys.size()) {
    const std::uint64_t grp = keys[i] >> 10;
    bins.clear();
    while (i < keys.size() && (keys[i] >> 10) == grp) {
      const std::uint64_t key = keys[i];
      std::size_t j = i;
      while (j < keys.size() && keys[j] == key)
        ++j;
      bins.emplace_back(static_cast<std::uint32_t>(key & 1023), j - i);
      i = j;
    }
    out[grp] += DurationHistogram(bins);
  }
}

/// Whether the fused single pass applies to a composite key space: accumulators for every
/// possible composite (about 400 bytes each per thread) must stay small next to the rows
/// (space <= rows + 4096, and <= 2^18), and the space must not exceed max_groups (so the
/// TooManyGroups guard cannot be needed after the pass).
bool fused_pass_fits(std::uint64_t space, std::size_t rows, const KpiOptions& o) {
  return space <= (std::uint64_t{1} << 18) && space <= rows + 4096 && space <= o.max_groups;
}

/// The fused single pass (no quantiles, keys of grouping_fused.hpp): the kernel computes each
/// block's composite keys from the key columns and accumulates into one accumulator per possible
/// composite, so there is no group_of_row array and no separate index pass over the rows. The
/// used composites (those with contacts > 0: every row counts one contact) ranked in order are
/// the groups, with the ids, keys and labels build_group_index gives; the sums are the same
/// integers whatever the order, so the state is the two-step path's, bit for bit.
GroupedKpiState aggregate_fused(const ContactTable& table, const detail::FusedKeys& keys,
                                const KpiOptions& options) {
  const ContactRules rules = ContactRules::from(options);
  const ThresholdLookup thr(table, options);
  const KernelRules kernel_rules(rules, thr.fixed);
  const LaneTables tables(kernel_rules);
  const std::size_t n = table.size();
  const unsigned threads = detail::thread_count(options.threads, n);
  const auto space = static_cast<std::size_t>(keys.space());
  std::vector<CodedState> cs(threads);
  detail::parallel_slices(n, threads, [&](unsigned p, std::size_t b, std::size_t e) {
    CodedState& st = cs[p];
    detail::assign_on_huge_pages(st.hot, space, HotAcc{});
    detail::assign_on_huge_pages(st.csat, space, std::uint64_t{0});
    detail::assign_on_huge_pages(st.cold, space, ColdAcc{});
    accumulate_coded(table, FusedGroups{&keys}, b, e, thr, kernel_rules, tables, st);
  });
  std::vector<std::uint8_t> used(space, 0);
  for (const auto& st : cs)
    for (std::size_t a = 0; a < space; ++a)
      used[a] |=
          static_cast<std::uint8_t>((st.hot[a].w[0] & 0xFFFF) != 0 || st.cold[a].lane[0] != 0);
  std::vector<std::uint32_t> rank_of;
  const GroupIndex index = keys.index_of_used(used, rank_of);
  GroupedKpiState result(index.keys, index.groups, options);
  for (auto& st : cs)
    flush_coded(st, result, [&](std::size_t a) { return used[a] ? rank_of[a] : skip; });
  return result;
}

} // namespace

GroupedKpiState aggregate(const ContactTable& table, std::span<const std::string> by,
                          const KpiOptions& options) {
  if (!options.quantiles) {
    table.validate_shape();
    if (const auto keys = detail::FusedKeys::plan(table, by, options);
        keys && fused_pass_fits(keys->space(), table.size(), options))
      return aggregate_fused(table, *keys, options);
  }
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
  if (!options.quantiles) {
    const LaneTables tables(kernel_rules);
    std::vector<CodedState> cs(threads);
    detail::parallel_slices(n, threads, [&](unsigned p, std::size_t b, std::size_t e) {
      CodedState& st = cs[p];
      detail::assign_on_huge_pages(st.hot, index.groups, HotAcc{});
      detail::assign_on_huge_pages(st.csat, index.groups, std::uint64_t{0});
      detail::assign_on_huge_pages(st.cold, index.groups, ColdAcc{});
      accumulate_coded(table, IndexGroups{index.group_of_row.data()}, b, e, thr, kernel_rules,
                       tables, st);
    });
    for (auto& st : cs)
      flush_coded(st, result, [](std::size_t a) { return static_cast<std::uint32_t>(a); });
    return result;
  }
  const Widths widths(table, rules);
  std::vector<ThreadState> ts(threads);
  detail::parallel_slices(n, threads, [&](unsigned p, std::size_t b, std::size_t e) {
    ThreadState& t = ts[p];
    detail::assign_on_huge_pages(t.acc, index.groups, GroupAcc{});
    detail::assign_on_huge_pages(t.wide, index.groups, WideAcc{});
    t.quantiles = options.quantiles;
    if (options.quantiles) {
      t.wait_keys.keys.resize(e - b);
      t.handle_keys.keys.resize(e - b);
    }
    accumulate(table, index.group_of_row.data(), b, e, thr, kernel_rules, widths, t);
  });
  for (auto& t : ts)
    flush(t, result);
  if (options.quantiles) {
    for (const bool wait : {true, false}) {
      std::vector<std::uint64_t> all;
      for (auto& t : ts) {
        KeyBuffer& k = wait ? t.wait_keys : t.handle_keys;
        all.insert(all.end(), k.keys.begin(), k.keys.begin() + static_cast<std::ptrdiff_t>(k.size));
        std::vector<std::uint64_t>().swap(k.keys);
      }
      build_histograms(all, index.groups,
                       wait ? result.wait_histograms() : result.handle_histograms());
    }
  }
  return result;
}

} // namespace kpiscore
