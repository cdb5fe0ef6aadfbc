#include <kpiscore/detail/parallel.hpp>
#include <kpiscore/engine/aggregate.hpp>
#include <kpiscore/metrics/contact_rules.hpp>

#include <algorithm>

namespace kpiscore {
namespace {

constexpr std::size_t block = 2048;

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

/// The columnar kernel: the definitions of ContactKpiState::add applied column by column over
/// blocks of rows, so each loop streams one or two input columns and scatters into one or two
/// counter arrays (which stay in cache for realistic group counts). Branch-free where the
/// compiler can make it so.
void accumulate(const ContactTable& t, const std::uint32_t* group, std::size_t begin,
                std::size_t end, const ContactRules& rules, const ThresholdLookup& thr,
                bool quantiles, GroupedKpiState& s) {
  auto C = [&](Counter c) { return s.counter(c).data(); };
  auto Q = [&](Square q) { return s.square(q).data(); };
  std::int64_t* contacts = C(Counter::contacts);
  std::int64_t* offered = C(Counter::offered);
  std::int64_t* answered = C(Counter::answered);
  std::int64_t* handled = C(Counter::handled);
  std::int64_t* wait_sum = C(Counter::wait_sum_ms);
  int128_t* wait_sq = Q(Square::wait);
  std::int64_t* sl_within = C(Counter::sl_answered_within);
  std::int64_t* sl_ab_within = C(Counter::sl_abandoned_within);
  std::int64_t* sl_short = C(Counter::sl_short_abandoned);
  const std::uint8_t* inb = t.inbound.data();
  const std::uint8_t* ans = t.answered.data();
  const std::int64_t* wait = t.wait_ms.data();
  const std::int64_t short_ms = rules.short_abandon_ms;
  const bool strict = rules.sl_strict;

  std::int64_t thr_block[block];
  std::int64_t handle_block[block];
  for (std::size_t b0 = begin; b0 < end; b0 += block) {
    const std::size_t b1 = std::min(end, b0 + block);
    const std::uint32_t* g = group;
    for (std::size_t i = b0; i < b1; ++i) {
      const std::uint32_t k = g[i];
      const std::int64_t in = inb[i], an = ans[i];
      contacts[k] += 1;
      offered[k] += in;
      answered[k] += in & an;
      handled[k] += an;
    }
    if (thr.varies())
      for (std::size_t i = b0; i < b1; ++i) thr_block[i - b0] = thr.at(i);
    else
      for (std::size_t i = b0; i < b1; ++i) thr_block[i - b0] = thr.fixed;
    for (std::size_t i = b0; i < b1; ++i) {
      const std::uint32_t k = g[i];
      const std::int64_t in = inb[i], an = ans[i], w = wait[i];
      const std::int64_t m = in & an;
      const std::int64_t T = thr_block[i - b0];
      const std::int64_t within = strict ? (w < T) : (w <= T);
      const std::int64_t mw = w & -m; // w when answered inbound, else 0
      wait_sum[k] += mw;
      wait_sq[k] += int128_t{mw} * mw;
      sl_within[k] += m & within;
      const std::int64_t ab = in & (an ^ 1);
      const std::int64_t is_short = w < short_ms;
      sl_short[k] += ab & is_short;
      sl_ab_within[k] += ab & (is_short ^ 1) & within;
    }
    if (quantiles) {
      auto& hist = s.wait_histograms();
      for (std::size_t i = b0; i < b1; ++i)
        if (inb[i] & ans[i]) hist[g[i]].add_bucket(duration_buckets::index(wait[i]), 1);
    }
    // Handle components: per-component means and the chosen handle time.
    bool any_handle_component = false;
    for (std::size_t i = b0; i < b1; ++i) handle_block[i - b0] = 0;
    const struct {
      DurationField field;
      Counter n, sum;
      Square sq;
      bool in_handle;
    } comps[] = {{DurationField::talk, Counter::talk_n, Counter::talk_sum_ms, Square::talk, rules.aht_talk},
                 {DurationField::hold, Counter::hold_n, Counter::hold_sum_ms, Square::hold, rules.aht_hold},
                 {DurationField::acw, Counter::acw_n, Counter::acw_sum_ms, Square::acw, rules.aht_acw}};
    bool handle_possible = true;
    for (const auto& c : comps) {
      const auto& col = t.column(c.field);
      if (col.empty()) {
        if (c.in_handle) handle_possible = false;
        continue;
      }
      const std::int64_t* v = col.data();
      std::int64_t* n = C(c.n);
      std::int64_t* sum = C(c.sum);
      int128_t* sq = Q(c.sq);
      for (std::size_t i = b0; i < b1; ++i) {
        const std::uint32_t k = g[i];
        const std::int64_t x = v[i];
        const std::int64_t m = ans[i] & (x != null_duration);
        const std::int64_t mx = x & -m;
        n[k] += m;
        sum[k] += mx;
        sq[k] += int128_t{mx} * mx;
      }
      if (c.in_handle) {
        any_handle_component = true;
        // A null component poisons the row's handle time: INT64_MIN stays negative below.
        for (std::size_t i = b0; i < b1; ++i) {
          const std::int64_t x = v[i];
          handle_block[i - b0] = (x == null_duration || handle_block[i - b0] < 0)
                                     ? null_duration
                                     : handle_block[i - b0] + x;
        }
      }
    }
    if (handle_possible && any_handle_component) {
      std::int64_t* n = C(Counter::handle_n);
      std::int64_t* sum = C(Counter::handle_sum_ms);
      int128_t* sq = Q(Square::handle);
      for (std::size_t i = b0; i < b1; ++i) {
        const std::uint32_t k = g[i];
        const std::int64_t h = handle_block[i - b0];
        const std::int64_t m = ans[i] & (h >= 0);
        const std::int64_t mh = h & -m;
        n[k] += m;
        sum[k] += mh;
        sq[k] += int128_t{mh} * mh;
      }
      if (quantiles) {
        auto& hist = s.handle_histograms();
        for (std::size_t i = b0; i < b1; ++i)
          if (ans[i] && handle_block[i - b0] >= 0)
            hist[g[i]].add_bucket(duration_buckets::index(handle_block[i - b0]), 1);
      }
    }
    if (const auto& fcr = t.column(SmallField::resolved_first_contact); !fcr.empty()) {
      std::int64_t* res = C(Counter::fcr_resolved);
      std::int64_t* base = C(Counter::fcr_base);
      const std::int64_t unknown_counts = rules.fcr_unknown_is_unresolved;
      const std::int64_t all = !rules.fcr_handled_only;
      for (std::size_t i = b0; i < b1; ++i) {
        const std::uint32_t k = g[i];
        const std::int64_t v = fcr[i];
        const std::int64_t in_scope = all | ans[i];
        res[k] += in_scope & (v == 1);
        base[k] += in_scope & ((v != null_small) | unknown_counts);
      }
    } else if (rules.fcr_unknown_is_unresolved) {
      std::int64_t* base = C(Counter::fcr_base);
      const std::int64_t all = !rules.fcr_handled_only;
      for (std::size_t i = b0; i < b1; ++i) base[g[i]] += all | ans[i];
    }
    if (const auto& csat = t.column(SmallField::csat); !csat.empty()) {
      std::int64_t* n = C(Counter::csat_n);
      std::int64_t* sum = C(Counter::csat_sum);
      std::int64_t* top = C(Counter::csat_top_box);
      int128_t* sq = Q(Square::csat);
      const std::int64_t top_min = rules.csat_top_box_min;
      for (std::size_t i = b0; i < b1; ++i) {
        const std::uint32_t k = g[i];
        const std::int64_t v = csat[i];
        const std::int64_t m = v != null_small;
        const std::int64_t mv = v & -m;
        n[k] += m;
        sum[k] += mv;
        sq[k] += mv * mv;
        top[k] += m & (v >= top_min);
      }
    }
    if (const auto& nps = t.column(SmallField::nps); !nps.empty()) {
      std::int64_t* n = C(Counter::nps_n);
      std::int64_t* pro = C(Counter::nps_promoters);
      std::int64_t* det = C(Counter::nps_detractors);
      for (std::size_t i = b0; i < b1; ++i) {
        const std::uint32_t k = g[i];
        const std::int64_t v = nps[i];
        const std::int64_t m = v != null_small;
        n[k] += m;
        pro[k] += v >= 9;
        det[k] += m & (v <= 6);
      }
    }
    const struct {
      SmallField field;
      Counter num, base;
      bool over_offered;
    } rates[] = {{SmallField::complaint, Counter::complaints, Counter::complaint_base, rules.complaint_over_offered},
                 {SmallField::converted, Counter::conversions, Counter::conversion_base, rules.conversion_over_offered}};
    for (const auto& r : rates) {
      const auto& col = t.column(r.field);
      if (col.empty()) continue;
      std::int64_t* num = C(r.num);
      std::int64_t* base = C(r.base);
      const std::uint8_t* pop = r.over_offered ? inb : ans;
      for (std::size_t i = b0; i < b1; ++i) {
        const std::uint32_t k = g[i];
        const std::int64_t v = col[i];
        const std::int64_t m = pop[i] & (v != null_small);
        base[k] += m;
        num[k] += m & (v == 1);
      }
    }
  }
}

void add_into(GroupedKpiState& into, const GroupedKpiState& from) {
  for (std::size_t c = 0; c < counter_count; ++c) {
    auto a = into.counter(static_cast<Counter>(c));
    auto b = from.counter(static_cast<Counter>(c));
    for (std::size_t g = 0; g < a.size(); ++g) a[g] += b[g];
  }
  for (std::size_t q = 0; q < square_count; ++q) {
    auto a = into.square(static_cast<Square>(q));
    auto b = from.square(static_cast<Square>(q));
    for (std::size_t g = 0; g < a.size(); ++g) a[g] += b[g];
  }
  if (into.has_quantiles()) {
    for (std::size_t g = 0; g < into.size(); ++g) {
      into.wait_histograms()[g] += from.wait_histograms()[g];
      into.handle_histograms()[g] += from.handle_histograms()[g];
    }
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
  const unsigned threads = detail::thread_count(options.threads, table.size());
  GroupedKpiState result(index.keys, index.groups, options);
  if (threads <= 1) {
    accumulate(table, index.group_of_row.data(), 0, table.size(), rules, thr, options.quantiles, result);
    return result;
  }
  std::vector<GroupedKpiState> partial;
  for (unsigned p = 1; p < threads; ++p) partial.emplace_back(std::vector<DictionaryColumn>{}, index.groups, options);
  detail::parallel_slices(table.size(), threads, [&](unsigned p, std::size_t b, std::size_t e) {
    accumulate(table, index.group_of_row.data(), b, e, rules, thr, options.quantiles,
               p == 0 ? result : partial[p - 1]);
  });
  for (const auto& s : partial) add_into(result, s);
  return result;
}

} // namespace kpiscore
