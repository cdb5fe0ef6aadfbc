#ifndef KPISCORE_SCORING_QA_FORM_HPP
#define KPISCORE_SCORING_QA_FORM_HPP

#include <kpiscore/scoring/spec_error.hpp>

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::scoring {

/// How an evaluator marks a form item, and how the mark becomes a fraction of the item's
/// full marks:
///   yes_no       yes / 1 → 1, no / 0 → 0
///   one_to_five  an integer 1..5 → (v − 1) / 4
///   zero_to_ten  an integer 0..10 → v / 10
///   points       a number 0..max_points → v / max_points
enum class QaScale : std::uint8_t { yes_no, one_to_five, zero_to_ten, points };
std::string_view name_of(QaScale s) noexcept;

/// What a critical failure voids: nothing, its section (the section scores 0), or the whole
/// evaluation (the evaluation scores 0, whatever the other items score).
enum class CriticalScope : std::uint8_t { none, section, evaluation };
std::string_view name_of(CriticalScope s) noexcept;

/// The fault counts every evaluation record may carry (columns of the same names).
enum class QaCount : std::uint8_t { forbidden_phrases, wrong_answers, process_violations };
inline constexpr std::array<std::string_view, 3> qa_count_names{"forbidden_phrases", "wrong_answers",
                                                                "process_violations"};

/// A scored item of a form; `name` is its column in the evaluation records.
struct QaItem {
  std::string name;
  std::uint32_t section = 0;
  double weight = 0;          ///< within its section, normalized (the section's weights sum to 1)
  QaScale scale = QaScale::yes_no;
  double max_points = 1;      ///< points scale only
  bool na_allowed = true;     ///< the evaluator may mark it N/A (it then drops out as 0 of 0)
  CriticalScope critical = CriticalScope::none; ///< yes_no items only: "no" is a critical failure

  /// The fraction of full marks (0..1) of a valid mark.
  double fraction(double mark) const noexcept {
    switch (scale) {
    case QaScale::yes_no: return mark;
    case QaScale::one_to_five: return (mark - 1.0) / 4.0;
    case QaScale::zero_to_ten: return mark / 10.0;
    case QaScale::points: return mark / max_points;
    }
    return 0;
  }
  bool operator==(const QaItem&) const = default;
};

struct QaSection {
  std::string name;
  double weight = 0; ///< in the evaluation, normalized (the sections' weights sum to 1)
  std::vector<std::uint32_t> items;
  bool operator==(const QaSection&) const = default;
};

/// A critical-failure flag column (0|1, empty = 0) that is not a scored item, e.g.
/// `leaked_customer_data`: 1 voids its scope.
struct QaCriticalFlag {
  std::string name;
  CriticalScope scope = CriticalScope::evaluation;
  std::uint32_t section = 0; ///< scope section only
  bool operator==(const QaCriticalFlag&) const = default;
};

/// Points deducted per occurrence of a counted fault beyond `beyond`, at most `cap`:
/// {"count": "forbidden_phrases", "points": 5, "beyond": 0, "cap": 20}.
struct QaDeduction {
  QaCount count = QaCount::forbidden_phrases;
  double points = 0, beyond = 0;
  std::optional<double> cap;
  bool operator==(const QaDeduction&) const = default;
};

/// Bonus points per unit of a bonus column (a whole number >= 0, empty = 0), at most `cap`:
/// {"name": "went_extra_mile", "points": 5, "cap": 5}.
struct QaBonus {
  std::string name;
  double points = 0;
  std::optional<double> cap;
  bool operator==(const QaBonus&) const = default;
};

/// A compiled QA evaluation form (docs/scoring.md, "QA evaluation forms"): sections and items
/// with weights and scales, critical items and flags, per-occurrence deductions with caps,
/// bonuses and the pass mark. Immutable and cheap to copy. Errors are SpecErrors with the JSON
/// path, as for scorecards.
class QaForm {
public:
  static QaForm compile(const nlohmann::json& spec);
  static QaForm compile_text(std::string_view text);
  /// Every error of a form spec (empty when it compiles).
  static std::vector<SpecError> check(const nlohmann::json& spec);
  static std::vector<SpecError> check_text(std::string_view text);

  const std::string& name() const noexcept;
  /// FNV-1a 64 of the spec's canonical JSON, 16 hex digits.
  const std::string& fingerprint() const noexcept;
  const std::vector<QaSection>& sections() const noexcept;
  const std::vector<QaItem>& items() const noexcept;
  const std::vector<QaCriticalFlag>& critical_flags() const noexcept;
  const std::vector<QaDeduction>& deductions() const noexcept;
  const std::vector<QaBonus>& bonuses() const noexcept;
  /// An evaluation passes when its (post-fail) score is at least this (default 80).
  double pass_mark() const noexcept;
  /// Whether a deduction reads this count (its column is then required).
  bool deducts(QaCount c) const noexcept;

  struct Data;

private:
  std::shared_ptr<const Data> data_;
  explicit QaForm(std::shared_ptr<const Data> d) : data_(std::move(d)) {}
};

} // namespace kpiscore::scoring

#endif
