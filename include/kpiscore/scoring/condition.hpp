#ifndef KPISCORE_SCORING_CONDITION_HPP
#define KPISCORE_SCORING_CONDITION_HPP

#include <kpiscore/metrics/contact_kpis.hpp>
#include <kpiscore/scoring/units.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kpiscore::scoring {

/// Three-valued truth (Kleene): a comparison with a null KPI or a missing key is unknown, `not`
/// of unknown is unknown, `all` is false if any part is false, `any` true if any part is true.
/// Rules act only on `yes`: a penalty whose condition is unknown does not fire.
enum class Truth : std::uint8_t { no, yes, unknown };

enum class CompareOp : std::uint8_t { lt, le, gt, ge, eq, ne, in };
std::string_view name_of(CompareOp op) noexcept;

/// The structured condition of a spec, the intermediate form the rules language compiles to:
///   {"kpi": "complaint_rate", "op": ">", "value": "5%"}    a KPI of the group (value in its unit)
///   {"key": "channel", "op": "==", "value": "phone"}       a group key ("in" takes an array)
///   {"all": [c, ...]}  {"any": [c, ...]}  {"not": c}
/// KPIs and keys are held as slots of the compiled scorecard (Scorecard::kpi_names(),
/// key_names()), bound to table columns once per evaluation.
struct Condition {
  enum class Kind : std::uint8_t { all, any, negate, kpi, key };
  Kind kind = Kind::all;
  CompareOp op = CompareOp::eq;
  std::uint32_t slot = 0;            ///< kpi or key slot
  double number = 0;                 ///< kpi comparisons
  std::vector<std::string> labels;   ///< key comparisons (one, or several for "in")
  std::vector<Condition> parts;      ///< all / any / negate (one part)

  bool operator==(const Condition&) const = default;
};

/// One group as conditions see it: KPI values and key labels through the slot bindings
/// (a column of -1 means the table lacks that KPI or key: its comparisons are unknown).
struct GroupView {
  const std::vector<KpiValue>* kpis = nullptr;
  const std::vector<std::optional<std::string>>* keys = nullptr;
  std::span<const std::int32_t> kpi_column;
  std::span<const std::int32_t> key_column;

  std::optional<double> kpi(std::uint32_t slot) const {
    const std::int32_t c = kpi_column[slot];
    return c < 0 ? std::nullopt : (*kpis)[static_cast<std::size_t>(c)].value;
  }
  const std::optional<std::string>* key(std::uint32_t slot) const {
    const std::int32_t c = key_column[slot];
    return c < 0 ? nullptr : &(*keys)[static_cast<std::size_t>(c)];
  }
};

Truth evaluate(const Condition& c, const GroupView& g);

/// How many key comparisons a condition makes (the specificity of a segment target).
std::size_t key_leaves(const Condition& c) noexcept;

} // namespace kpiscore::scoring

#endif
