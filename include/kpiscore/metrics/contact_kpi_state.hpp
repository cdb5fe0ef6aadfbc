#ifndef KPISCORE_METRICS_CONTACT_KPI_STATE_HPP
#define KPISCORE_METRICS_CONTACT_KPI_STATE_HPP

#include <kpiscore/detail/int128.hpp>
#include <kpiscore/metrics/contact_counters.hpp>
#include <kpiscore/metrics/contact_rules.hpp>
#include <kpiscore/metrics/duration_histogram.hpp>

#include <array>
#include <cstdint>

namespace kpiscore {

/// The mergeable state of every contact KPI for one group: integer counters, 128-bit sums of
/// squares and (when quantiles are on) two duration histograms. Integer sums are associative
/// and commutative, so any split of the records merged with += equals one pass, bit for bit;
/// floating point appears only in finalize (contact_kpis.hpp).
class ContactKpiState {
public:
  std::int64_t operator[](Counter c) const noexcept { return counters_[idx(c)]; }
  int128_t operator[](Square s) const noexcept { return squares_[idx(s)]; }
  std::int64_t& operator[](Counter c) noexcept { return counters_[idx(c)]; }
  int128_t& operator[](Square s) noexcept { return squares_[idx(s)]; }

  const DurationHistogram& wait_histogram() const noexcept { return wait_hist_; }
  const DurationHistogram& handle_histogram() const noexcept { return handle_hist_; }
  DurationHistogram& wait_histogram() noexcept { return wait_hist_; }
  DurationHistogram& handle_histogram() noexcept { return handle_hist_; }

  /// Adds one contact under `rules` (the definitions of docs/kpis.md).
  void add(const ContactRecord& r, const ContactRules& rules, bool quantiles = false) {
    auto& c = counters_;
    auto& q = squares_;
    const bool inbound_answered = r.inbound && r.answered;
    const bool abandoned = r.inbound && !r.answered;
    c[idx(Counter::contacts)] += 1;
    c[idx(Counter::offered)] += r.inbound;
    c[idx(Counter::answered)] += inbound_answered;
    c[idx(Counter::handled)] += r.answered;
    if (inbound_answered) {
      c[idx(Counter::wait_sum_ms)] += r.wait_ms;
      q[idx(Square::wait)] += int128_t{r.wait_ms} * r.wait_ms;
      c[idx(Counter::sl_answered_within)] += rules.within(r.wait_ms, r.sl_threshold_ms);
      if (quantiles) wait_hist_(r.wait_ms);
    }
    if (abandoned) {
      const bool is_short = r.wait_ms < rules.short_abandon_ms;
      c[idx(Counter::sl_short_abandoned)] += is_short;
      c[idx(Counter::sl_abandoned_within)] += !is_short && rules.within(r.wait_ms, r.sl_threshold_ms);
    }
    if (r.answered) {
      add_duration(r.talk_ms, Counter::talk_n, Counter::talk_sum_ms, Square::talk);
      add_duration(r.hold_ms, Counter::hold_n, Counter::hold_sum_ms, Square::hold);
      add_duration(r.acw_ms, Counter::acw_n, Counter::acw_sum_ms, Square::acw);
      const bool known = !((rules.aht_talk && r.talk_ms == null_duration) ||
                           (rules.aht_hold && r.hold_ms == null_duration) ||
                           (rules.aht_acw && r.acw_ms == null_duration));
      if (known) {
        const std::int64_t h = (rules.aht_talk ? r.talk_ms : 0) + (rules.aht_hold ? r.hold_ms : 0) +
                               (rules.aht_acw ? r.acw_ms : 0);
        add_duration(h, Counter::handle_n, Counter::handle_sum_ms, Square::handle);
        if (quantiles) handle_hist_(h);
      }
    }
    if (!rules.fcr_handled_only || r.answered) {
      const auto v = r.resolved_first_contact;
      c[idx(Counter::fcr_resolved)] += v == 1;
      c[idx(Counter::fcr_base)] += v != null_small || rules.fcr_unknown_is_unresolved;
    }
    if (r.csat != null_small) {
      c[idx(Counter::csat_n)] += 1;
      c[idx(Counter::csat_sum)] += r.csat;
      c[idx(Counter::csat_top_box)] += r.csat >= rules.csat_top_box_min;
      q[idx(Square::csat)] += int128_t{r.csat} * r.csat;
    }
    if (r.nps != null_small) {
      c[idx(Counter::nps_n)] += 1;
      c[idx(Counter::nps_promoters)] += r.nps >= 9;
      c[idx(Counter::nps_detractors)] += r.nps <= 6;
    }
    const bool in_complaint_base = rules.complaint_over_offered ? r.inbound : r.answered;
    if (in_complaint_base && r.complaint != null_small) {
      c[idx(Counter::complaint_base)] += 1;
      c[idx(Counter::complaints)] += r.complaint == 1;
    }
    const bool in_conversion_base = rules.conversion_over_offered ? r.inbound : r.answered;
    if (in_conversion_base && r.converted != null_small) {
      c[idx(Counter::conversion_base)] += 1;
      c[idx(Counter::conversions)] += r.converted == 1;
    }
  }

  /// Merge: every counter and square adds; histograms merge bucket by bucket.
  ContactKpiState& operator+=(const ContactKpiState& o) {
    for (std::size_t i = 0; i < counter_count; ++i) counters_[i] += o.counters_[i];
    for (std::size_t i = 0; i < square_count; ++i) squares_[i] += o.squares_[i];
    wait_hist_ += o.wait_hist_;
    handle_hist_ += o.handle_hist_;
    return *this;
  }
  friend ContactKpiState operator+(ContactKpiState a, const ContactKpiState& b) { return a += b; }
  bool operator==(const ContactKpiState&) const = default;

private:
  void add_duration(std::int64_t v, Counter n, Counter sum, Square sq) {
    if (v == null_duration) return;
    counters_[idx(n)] += 1;
    counters_[idx(sum)] += v;
    squares_[idx(sq)] += int128_t{v} * v;
  }

  std::array<std::int64_t, counter_count> counters_{};
  std::array<int128_t, square_count> squares_{};
  DurationHistogram wait_hist_, handle_hist_;
};

} // namespace kpiscore

#endif
