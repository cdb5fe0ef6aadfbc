#ifndef KPISCORE_METRICS_KPI_OPTIONS_HPP
#define KPISCORE_METRICS_KPI_OPTIONS_HPP

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <kpiscore/stats/proportion.hpp>

namespace kpiscore {

/// How abandoned contacts enter the service level (docs/kpis.md, "service_level").
enum class AbandonTreatment : std::uint8_t {
  against,    ///< abandons stay in the denominator only (default; Cisco "negative impact")
  ignore,     ///< abandons within the threshold leave numerator and denominator (Cisco "ignore")
  ignore_all, ///< every abandon leaves the denominator: answered-in-T / answered (Genesys-style)
  count_for,  ///< abandons within the threshold count as met (Cisco "positive impact")
};

enum class ThresholdComparison : std::uint8_t { less_equal, less };
enum class FcrUnknown : std::uint8_t { exclude, not_resolved };
enum class Population : std::uint8_t { all, handled, offered };
enum class LegWait : std::uint8_t { first, total };
enum class LegOwner : std::uint8_t { last, first };
enum class LegHandle : std::uint8_t { contact, owner };
enum class LegFcr : std::uint8_t { last, first };

/// Every definition option of the contact KPIs, with the documented defaults. Parsed from the
/// options JSON document (`--options FILE.json` on the CLI, `options=` in Python); immutable
/// once parsed. No threshold lives in code: each default below is written in docs/kpis.md.
struct KpiOptions {
  struct ServiceLevel {
    std::int64_t threshold_ms = 20'000;
    std::map<std::string, std::int64_t, std::less<>> threshold_ms_by_channel;
    std::map<std::string, std::int64_t, std::less<>> threshold_ms_by_queue;
    ThresholdComparison comparison = ThresholdComparison::less_equal;
    std::int64_t short_abandon_ms = 0; ///< abandons with wait < this leave SL entirely
    AbandonTreatment abandons = AbandonTreatment::against;
    bool operator==(const ServiceLevel&) const = default;
  } service_level;

  struct Aht {
    bool talk = true, hold = true, acw = true; ///< which times count into handle time
    bool operator==(const Aht&) const = default;
  } aht;

  struct Fcr {
    FcrUnknown unknown = FcrUnknown::exclude;
    Population scope = Population::all; ///< all contacts or handled ones
    bool operator==(const Fcr&) const = default;
  } fcr;

  struct Csat {
    int scale_min = 1, scale_max = 5; ///< valid range: a value outside is a rejected record
    int top_box_min = 4;              ///< csat_top_box = share of votes >= this
    bool operator==(const Csat&) const = default;
  } csat;

  /// Repeated contact_id rows as legs of one contact (docs/inputs.md, "Legs"); applied by
  /// collapse_legs() (kpiscore/table/legs.hpp) and by the CLI before aggregation. Off by default;
  /// at the defaults the section is left out of to_json(), so the fingerprint is unchanged.
  struct Legs {
    bool collapse = false;              ///< one row per contact_id (legs merged)
    LegWait wait = LegWait::first;      ///< the contact's queue wait: first leg's or all legs'
    LegOwner owner = LegOwner::last;    ///< which answered leg's agent owns the contact
    LegHandle handle = LegHandle::contact; ///< talk/hold/acw: all legs summed, or the owner leg's
    LegFcr fcr = LegFcr::last;          ///< resolved_first_contact of the last or the first leg
    bool drop_duplicates = true;        ///< exact duplicate rows counted and dropped
    bool operator==(const Legs&) const = default;
  } legs;

  /// Confidence intervals of the KPIs when asked for (`kpis --intervals`,
  /// engine/kpi_intervals.hpp; docs/statistics.md). Not part of the KPI definitions: left out of
  /// to_json() at its defaults and never part of the fingerprint, so states merge whatever it is.
  struct Intervals {
    double alpha = 0.05; ///< confidence 1 - alpha
    stats::ProportionMethod proportion_method = stats::ProportionMethod::wilson;
    bool operator==(const Intervals&) const = default;
  } intervals;

  Population complaint_denominator = Population::handled;
  Population conversion_denominator = Population::handled;

  /// Peak hours as [start, end) minutes of the local day, for the `peak` group key.
  std::vector<std::pair<int, int>> peak_minutes{{9 * 60, 12 * 60}, {14 * 60, 18 * 60}};

  std::string timezone = "UTC";
  bool quantiles = false; ///< wait_p50_s, wait_p90_s, handle_p50_s, handle_p90_s
  int threads = 0;        ///< 0 = all hardware threads; not part of the fingerprint
  /// The most groups an aggregation may make (docs/kpis.md, "max_groups"): a guard against an
  /// accidental `--by contact_id` exhausting memory. Checked by build_group_index(); not part
  /// of the fingerprint, and left out of to_json() at its default.
  std::uint64_t max_groups = default_max_groups;
  static constexpr std::uint64_t default_max_groups = 5'000'000;

  /// Parses an options document; unknown keys, wrong types and bad values are
  /// std::invalid_argument naming the JSON path, e.g. "options /service_level/threshold_s: ...".
  static KpiOptions from_json(const nlohmann::json& doc);
  static KpiOptions from_json_text(std::string_view text);
  /// The normalized document, every option explicit (defaults filled in).
  nlohmann::json to_json() const;
  /// 64-bit FNV-1a of the normalized document without `threads`: two states merge only when
  /// their fingerprints agree.
  std::uint64_t fingerprint() const;

  bool operator==(const KpiOptions&) const = default;
};

} // namespace kpiscore

#endif
