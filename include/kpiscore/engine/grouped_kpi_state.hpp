#ifndef KPISCORE_ENGINE_GROUPED_KPI_STATE_HPP
#define KPISCORE_ENGINE_GROUPED_KPI_STATE_HPP

#include <kpiscore/detail/int128.hpp>
#include <kpiscore/engine/custom_accumulators.hpp>
#include <kpiscore/metrics/contact_counters.hpp>
#include <kpiscore/metrics/contact_kpi_state.hpp>
#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/table/dictionary_column.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kpiscore {

/// The contact-KPI states of many groups, stored column-wise (one array per counter, indexed by
/// dense group id) so the aggregation kernel streams through it and serialization writes each
/// counter as one binary blob.
///
/// Groups are kept sorted by their key tuple (byte-wise label order, null last), so two states
/// holding the same data compare equal whatever order the records came in. `+=` merges by key:
/// groups present in both add, the others are carried over.
class GroupedKpiState {
public:
  /// Serialized format: magic "KPIS", then the version (little-endian u16): 1 without custom
  /// KPIs (unchanged, so files stay readable by older readers), 2 with custom KPI accumulators.
  /// The reader accepts both.
  static constexpr std::uint16_t format_version = 1;
  static constexpr std::uint16_t format_version_custom = 2;
  /// State-type id of this state in the serialized header.
  static constexpr std::uint16_t state_type = 1;

  GroupedKpiState() = default;
  /// `keys` hold one code per group (group order must already be sorted by key tuple).
  GroupedKpiState(std::vector<DictionaryColumn> keys, std::size_t groups, KpiOptions options);

  std::size_t size() const noexcept { return groups_; }
  const std::vector<DictionaryColumn>& keys() const noexcept { return keys_; }
  std::vector<std::string> key_names() const;
  const KpiOptions& options() const noexcept { return options_; }
  std::uint64_t fingerprint() const { return options_.fingerprint(); }
  bool has_quantiles() const noexcept { return options_.quantiles; }

  std::span<std::int64_t> counter(Counter c) noexcept { return counters_[idx(c)]; }
  std::span<const std::int64_t> counter(Counter c) const noexcept { return counters_[idx(c)]; }
  std::span<int128_t> square(Square s) noexcept { return squares_[idx(s)]; }
  std::span<const int128_t> square(Square s) const noexcept { return squares_[idx(s)]; }
  std::vector<DurationHistogram>& wait_histograms() noexcept { return wait_hist_; }
  std::vector<DurationHistogram>& handle_histograms() noexcept { return handle_hist_; }
  const std::vector<DurationHistogram>& wait_histograms() const noexcept { return wait_hist_; }
  const std::vector<DurationHistogram>& handle_histograms() const noexcept { return handle_hist_; }

  /// The accumulators of the custom KPIs (dsl::CustomKpis), when a rules file was aggregated.
  const std::optional<CustomAccumulators>& custom() const noexcept { return custom_; }
  /// Attaches custom KPI accumulators of the same groups (std::invalid_argument otherwise);
  /// nullopt removes them.
  void set_custom(std::optional<CustomAccumulators> custom);

  /// The state of group `g` as a value.
  ContactKpiState state(std::size_t g) const;
  /// The key labels of group `g` (nullopt for a null key).
  std::vector<std::optional<std::string>> key(std::size_t g) const;
  /// Index of the group with this key tuple, if present.
  std::optional<std::size_t> find(const std::vector<std::optional<std::string>>& key) const;

  /// Merges `other` into this state. Throws std::invalid_argument when the group keys, the
  /// options fingerprints or the custom KPI programs differ (expected vs actual in the message).
  GroupedKpiState& operator+=(const GroupedKpiState& other);
  friend GroupedKpiState operator+(GroupedKpiState a, const GroupedKpiState& b) { return a += b; }
  bool operator==(const GroupedKpiState& other) const;

  /// Compact versioned binary (docs/state-format.md): header, CBOR metadata, binary columns,
  /// FNV-1a checksum.
  std::vector<std::uint8_t> serialize() const;
  /// Reads a serialized state. Rejects a wrong magic, version, type, a fingerprint other than
  /// `expected_fingerprint` (when given), a truncated or corrupted buffer: std::invalid_argument
  /// saying expected vs actual.
  static GroupedKpiState deserialize(std::span<const std::uint8_t> bytes,
                                     std::optional<std::uint64_t> expected_fingerprint = {});

private:
  std::vector<DictionaryColumn> keys_;
  std::size_t groups_ = 0;
  KpiOptions options_;
  std::array<std::vector<std::int64_t>, counter_count> counters_;
  std::array<std::vector<int128_t>, square_count> squares_;
  std::vector<DurationHistogram> wait_hist_, handle_hist_;
  std::optional<CustomAccumulators> custom_;
};

} // namespace kpiscore

#endif
