#ifndef KPISCORE_IO_ARRAY_INPUT_HPP
#define KPISCORE_IO_ARRAY_INPUT_HPP

#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/mapping.hpp> // DurationUnit
#include <kpiscore/metrics/kpi_options.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kpiscore {

/// A numeric input column viewed in place (numpy arrays, Arrow buffers, C++ vectors), with an
/// optional validity mask (one byte per row, 0 = null). Floating-point NaN is null too.
struct NumericArray {
  std::variant<std::monostate, std::span<const std::int64_t>, std::span<const std::int32_t>,
               std::span<const std::int16_t>, std::span<const std::int8_t>,
               std::span<const std::uint8_t>, std::span<const double>, std::span<const float>>
      values;
  std::span<const std::uint8_t> valid; ///< empty: every row valid (NaN aside)
  /// false: `valid` is a validity mask (nonzero = value, 0 = null; Arrow's sense). true: it is a
  /// null mask (nonzero = null; pandas' nullable arrays), read as it is instead of inverted.
  bool valid_marks_nulls = false;

  bool present() const noexcept { return values.index() != 0; }
  bool null_at(std::size_t row) const noexcept {
    return !valid.empty() && (valid[row] != 0) == valid_marks_nulls;
  }
};

/// A dictionary-encoded text column: one code per row into `dictionary`, negative = null (pandas
/// Categorical codes, Arrow dictionary indices). An empty dictionary entry is null, as an empty
/// CSV field is.
struct DictionaryArray {
  std::variant<std::monostate, std::span<const std::int64_t>, std::span<const std::int32_t>,
               std::span<const std::int16_t>, std::span<const std::int8_t>>
      codes;
  std::vector<std::string_view> dictionary;
  std::span<const std::uint8_t> valid; ///< empty: only negative codes are null

  bool present() const noexcept { return codes.index() != 0; }
};

/// Variable-length strings as Arrow lays them out: `offsets` has rows + 1 entries into `bytes`.
struct StringArray {
  std::span<const std::int64_t> offsets;
  std::string_view bytes;
  std::span<const std::uint8_t> valid;

  bool present() const noexcept { return !offsets.empty(); }
  std::size_t size() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
};

/// How `arrived_at` is given.
enum class TimeUnit : std::uint8_t { s, ms, us, ns };

struct DurationInput {
  NumericArray values;
  DurationUnit unit = DurationUnit::seconds; ///< seconds or milliseconds (not clock text)
};

/// The canonical contact columns of docs/input.md as in-memory arrays. Every present column has
/// `rows` entries. Required: arrived_at (numbers or ISO-8601 strings), direction (text `inbound`
/// / `outbound`, or the 0/1 flag `inbound`), answered, wait. contact_id is optional here (needed
/// only by legs options and sampling): absent ids are empty strings.
struct ContactArrays {
  std::size_t rows = 0;
  StringArray contact_id;
  NumericArray arrived_at; ///< epoch time in `arrived_at_unit`
  TimeUnit arrived_at_unit = TimeUnit::ms;
  bool arrived_at_is_local = false; ///< true: wall-clock time in the options' time zone
  StringArray arrived_at_text;      ///< alternative: ISO-8601 text, as in a CSV file
  DictionaryArray direction;
  NumericArray inbound; ///< alternative to direction: 1 inbound, 0 outbound
  NumericArray answered;
  DurationInput wait;
  std::array<DurationInput, 3> durations; ///< talk, hold, acw (by DurationField)
  std::array<NumericArray, 5> smalls;     ///< by SmallField
  std::vector<std::pair<std::string, DictionaryArray>> dimensions;
  /// Keeps the arrays alive: columns that already have the table's layout (int64 milliseconds
  /// without a mask, uint8 0/1 flags, int8 scores in range) are borrowed, not copied, and the
  /// table holds this owner. Null: the caller keeps the arrays alive as long as the table.
  std::shared_ptr<const void> keep_alive;
};

/// Builds a ContactTable from arrays with the validation of the CSV reader (docs/input.md,
/// docs/python.md): a bad row is rejected with its 0-based row position in `Reject::line`, the
/// field and the reason, and the rest goes on. Float durations are rounded to the nearest
/// millisecond (half away from zero); integer durations are exact. Throws std::invalid_argument
/// for a column of the wrong length or a missing required column (naming the column).
ReadResult read_contact_arrays(const ContactArrays& input, const KpiOptions& options);

} // namespace kpiscore

#endif
