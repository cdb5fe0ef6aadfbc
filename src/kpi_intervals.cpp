// KPI confidence intervals from grouped states (include/kpiscore/engine/kpi_intervals.hpp).

#include <kpiscore/engine/kpi_intervals.hpp>
#include <kpiscore/stats/mean.hpp>
#include <kpiscore/stats/nps.hpp>
#include <kpiscore/stats/proportion.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kpiscore {
namespace {

struct Moments {
  Counter n, sum;
  Square square;
  double scale; ///< to the KPI's unit: 1e-3 for milliseconds -> seconds
};

std::optional<Moments> moments_of(std::string_view kpi) {
  if (kpi == "asa_s") return Moments{Counter::answered, Counter::wait_sum_ms, Square::wait, 1e-3};
  if (kpi == "aht_s")
    return Moments{Counter::handle_n, Counter::handle_sum_ms, Square::handle, 1e-3};
  if (kpi == "avg_talk_s")
    return Moments{Counter::talk_n, Counter::talk_sum_ms, Square::talk, 1e-3};
  if (kpi == "avg_hold_s")
    return Moments{Counter::hold_n, Counter::hold_sum_ms, Square::hold, 1e-3};
  if (kpi == "avg_acw_s") return Moments{Counter::acw_n, Counter::acw_sum_ms, Square::acw, 1e-3};
  if (kpi == "csat_mean") return Moments{Counter::csat_n, Counter::csat_sum, Square::csat, 1.0};
  return std::nullopt;
}

std::optional<stats::Interval> finite_or_none(const stats::Interval& ci) {
  if (!std::isfinite(ci.lower) || !std::isfinite(ci.upper)) return std::nullopt;
  return ci;
}

} // namespace

bool kpi_has_interval(KpiKind kind) noexcept {
  return kind == KpiKind::ratio || kind == KpiKind::mean || kind == KpiKind::mean_seconds ||
         kind == KpiKind::nps;
}

std::vector<std::vector<std::optional<stats::Interval>>>
kpi_intervals(const GroupedKpiState& state, const KpiOptions::Intervals& how) {
  const auto defs = contact_kpi_definitions(state.options().quantiles);
  std::vector<std::vector<std::optional<stats::Interval>>> out(state.size());
  for (std::size_t g = 0; g < state.size(); ++g) {
    const ContactKpiState s = state.state(g);
    const std::vector<KpiValue> values = finalize_contact_kpis(s, state.options());
    auto& row = out[g];
    row.resize(defs.size());
    for (std::size_t i = 0; i < defs.size(); ++i) {
      const KpiValue& v = values[i];
      switch (defs[i].kind) {
      case KpiKind::ratio:
        if (v.denominator > 0)
          row[i] = stats::proportion_confint(v.numerator, v.denominator, how.alpha,
                                             how.proportion_method);
        break;
      case KpiKind::mean:
      case KpiKind::mean_seconds: {
        const auto m = moments_of(defs[i].name);
        if (!m)
          throw std::logic_error("kpi_intervals: no moments for " + std::string(defs[i].name));
        const std::int64_t n = s[m->n];
        if (n >= 2)
          row[i] = finite_or_none(
              stats::mean_confint_from_sums(n, s[m->sum], s[m->square], how.alpha, m->scale)
                  .interval);
        break;
      }
      case KpiKind::nps: {
        const std::int64_t n = s[Counter::nps_n], p = s[Counter::nps_promoters],
                           d = s[Counter::nps_detractors];
        if (n > 0) {
          const auto r = stats::nps_confint(p, n - p - d, d, how.alpha);
          if (!r.degenerate) row[i] = r.interval;
        }
        break;
      }
      case KpiKind::count:
      case KpiKind::quantile_seconds:
        break;
      }
    }
  }
  return out;
}

void add_intervals(KpiTable& table, const GroupedKpiState& state,
                   const std::optional<KpiOptions::Intervals>& how) {
  const auto defs = contact_kpi_definitions(state.options().quantiles);
  bool same = table.size() == state.size() && table.kpis.size() == defs.size();
  for (std::size_t i = 0; same && i < defs.size(); ++i)
    same = table.kpis[i].name == defs[i].name;
  for (std::size_t g = 0; same && g < table.size(); ++g)
    same = table.keys[g] == state.key(g);
  if (!same)
    throw std::invalid_argument(
        "add_intervals: the table was not finalized from this state (groups or KPIs differ)");
  table.intervals = kpi_intervals(state, how.value_or(state.options().intervals));
}

} // namespace kpiscore
