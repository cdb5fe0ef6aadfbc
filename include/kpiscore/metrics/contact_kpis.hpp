#ifndef KPISCORE_METRICS_CONTACT_KPIS_HPP
#define KPISCORE_METRICS_CONTACT_KPIS_HPP

#include <kpiscore/metrics/contact_kpi_state.hpp>
#include <kpiscore/metrics/kpi_options.hpp>

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace kpiscore {

enum class KpiKind : std::uint8_t {
  count,            ///< an integer count (value = numerator, denominator 1)
  ratio,            ///< numerator / denominator, a fraction in 0..1
  mean_seconds,     ///< numerator (seconds) / denominator (contacts)
  mean,             ///< numerator / denominator (e.g. csat points per vote)
  nps,              ///< 100 × numerator / denominator, numerator = promoters − detractors
  quantile_seconds, ///< from the duration histogram; denominator = observations
};

struct KpiDefinition {
  std::string_view name;
  KpiKind kind;
};

/// A finalized KPI: the value (nullopt when its denominator is zero: never NaN, never 0) with
/// the numerator and denominator it came from.
struct KpiValue {
  std::optional<double> value;
  double numerator = 0;
  double denominator = 0;
  bool operator==(const KpiValue&) const = default;
};

/// The contact KPIs in output order (docs/kpis.md defines each).
inline std::span<const KpiDefinition> contact_kpi_definitions(bool with_quantiles) {
  static constexpr KpiDefinition defs[] = {
      {"offered", KpiKind::count},          {"answered", KpiKind::count},
      {"abandoned", KpiKind::count},        {"handled", KpiKind::count},
      {"asa_s", KpiKind::mean_seconds},     {"aht_s", KpiKind::mean_seconds},
      {"avg_talk_s", KpiKind::mean_seconds}, {"avg_hold_s", KpiKind::mean_seconds},
      {"avg_acw_s", KpiKind::mean_seconds}, {"service_level", KpiKind::ratio},
      {"abandon_rate", KpiKind::ratio},     {"connect_rate", KpiKind::ratio},
      {"fcr", KpiKind::ratio},              {"csat_mean", KpiKind::mean},
      {"csat_top_box", KpiKind::ratio},     {"nps", KpiKind::nps},
      {"complaint_rate", KpiKind::ratio},   {"conversion_rate", KpiKind::ratio},
      {"wait_p50_s", KpiKind::quantile_seconds}, {"wait_p90_s", KpiKind::quantile_seconds},
      {"handle_p50_s", KpiKind::quantile_seconds}, {"handle_p90_s", KpiKind::quantile_seconds},
  };
  return {defs, with_quantiles ? std::size(defs) : std::size(defs) - 4};
}

/// Finalizes one group's state into the KPIs of contact_kpi_definitions(options.quantiles).
inline std::vector<KpiValue> finalize_contact_kpis(const ContactKpiState& s, const KpiOptions& o) {
  std::vector<KpiValue> out;
  auto count = [&](std::int64_t n) {
    out.push_back({static_cast<double>(n), static_cast<double>(n), 1.0});
  };
  auto quotient = [&](double num, std::int64_t den, double scale) {
    KpiValue v{std::nullopt, num, static_cast<double>(den)};
    if (den != 0) v.value = scale * num / static_cast<double>(den);
    out.push_back(v);
  };
  auto seconds = [&](Counter sum, Counter n) {
    quotient(static_cast<double>(s[sum]) / 1000.0, s[n], 1.0);
  };
  auto ratio = [&](std::int64_t num, std::int64_t den) {
    quotient(static_cast<double>(num), den, 1.0);
  };
  const std::int64_t offered = s[Counter::offered], answered = s[Counter::answered];
  const std::int64_t abandoned = offered - answered;
  count(offered);
  count(answered);
  count(abandoned);
  count(s[Counter::handled]);
  seconds(Counter::wait_sum_ms, Counter::answered);
  seconds(Counter::handle_sum_ms, Counter::handle_n);
  seconds(Counter::talk_sum_ms, Counter::talk_n);
  seconds(Counter::hold_sum_ms, Counter::hold_n);
  seconds(Counter::acw_sum_ms, Counter::acw_n);
  {
    // Service level under the abandon treatment (docs/kpis.md, "service_level").
    const std::int64_t within = s[Counter::sl_answered_within];
    const std::int64_t aband_within = s[Counter::sl_abandoned_within];
    const std::int64_t base = offered - s[Counter::sl_short_abandoned];
    switch (o.service_level.abandons) {
    case AbandonTreatment::against: ratio(within, base); break;
    case AbandonTreatment::ignore: ratio(within, base - aband_within); break;
    case AbandonTreatment::ignore_all: ratio(within, answered); break;
    case AbandonTreatment::count_for: ratio(within + aband_within, base); break;
    }
  }
  ratio(abandoned, offered);
  ratio(answered, offered);
  ratio(s[Counter::fcr_resolved], s[Counter::fcr_base]);
  quotient(static_cast<double>(s[Counter::csat_sum]), s[Counter::csat_n], 1.0);
  ratio(s[Counter::csat_top_box], s[Counter::csat_n]);
  quotient(static_cast<double>(s[Counter::nps_promoters] - s[Counter::nps_detractors]),
           s[Counter::nps_n], 100.0);
  ratio(s[Counter::complaints], s[Counter::complaint_base]);
  ratio(s[Counter::conversions], s[Counter::conversion_base]);
  if (o.quantiles) {
    for (const DurationHistogram* h : {&s.wait_histogram(), &s.handle_histogram()}) {
      for (double p : {0.5, 0.9}) {
        KpiValue v{std::nullopt, 0, static_cast<double>(h->total())};
        if (auto q = h->quantile(p)) v.value = v.numerator = static_cast<double>(*q) / 1000.0;
        out.push_back(v);
      }
    }
  }
  return out;
}

} // namespace kpiscore

#endif
