#ifndef KPISCORE_DSL_SCOPE_HPP
#define KPISCORE_DSL_SCOPE_HPP

#include <kpiscore/dsl/types.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::dsl {

/// A name an expression can use, with its type.
struct Field {
  std::string name;
  Type type = Type::number;
  std::string description;
};

/// What names mean: the record scope (one contact's fields) or the group scope (one group's KPIs
/// and keys). A name means what its scope says: `nps` is a 0..10 answer in the record scope and
/// the −100..100 score in the group scope. docs/rules.md lists both scopes.
class Scope {
public:
  enum class Kind : std::uint8_t { record, group };
  Scope(Kind kind, std::vector<Field> fields);

  /// The record scope: the fields of a ContactTable (docs/input.md), `handle_s` (talk + hold +
  /// acw, null when one is unknown), and `dimensions` as string fields (the standard ones
  /// always; pass the extra dimension names of a file to add them).
  static Scope record(const std::vector<std::string>& extra_dimensions = {});
  /// The record scope of a loaded table: its extra dimension columns become fields.
  static Scope record(const ContactTable& table);

  /// The group scope: the contact KPIs (docs/kpis.md) with their units, the group key names as
  /// strings, and `extra` fields (QA aggregates, input indicators, scorecard nodes such as
  /// `dimension.efficiency`).
  static Scope group(const std::vector<std::string>& key_names = {},
                     const std::vector<Field>& extra = {});
  /// The group scope of a finalized KPI table: its KPIs (with units) and keys.
  static Scope group(const KpiTable& table, const std::vector<Field>& extra = {});

  Kind kind() const noexcept { return kind_; }
  const std::vector<Field>& fields() const noexcept { return fields_; }
  std::optional<std::size_t> find(std::string_view name) const;
  std::vector<std::string> names() const;

private:
  Kind kind_;
  std::vector<Field> fields_;
};

/// How one field's values are stored, read by the engine batch by batch without copying the
/// table (conversions, e.g. milliseconds to seconds, happen per batch).
struct ColumnRef {
  enum class Storage : std::uint8_t {
    absent,  ///< every value null
    f64,     ///< doubles, `valid` (1 byte per row) or null when every value is present
    i64,     ///< int64 with `null_duration` for null, times `scale` (ms → s: 0.001)
    i8,      ///< int8 with `null_small` for null (flags 0/1 and survey scores)
    u8,      ///< uint8 0/1 flags without nulls
    dict,    ///< a dictionary-encoded dimension
    strings, ///< std::string per row, `valid` or null
    sum_i64, ///< the sum of up to three int64 columns, null when any is null (handle time)
  };
  Storage storage = Storage::absent;
  const double* f64 = nullptr;
  const std::int64_t* i64[3] = {nullptr, nullptr, nullptr};
  const std::int8_t* i8 = nullptr;
  const std::uint8_t* u8 = nullptr;
  const std::uint8_t* valid = nullptr;
  const DictionaryColumn* dict = nullptr;
  const std::string* strings = nullptr;
  double scale = 1;
};

/// Data bound to a scope: one ColumnRef per field of the scope, all `rows` long. A Table views
/// the data it was bound to (which must outlive it), except converted group columns it owns.
class Table {
public:
  Table(const Scope& scope, std::size_t rows);
  std::size_t rows() const noexcept { return rows_; }
  const Scope& scope() const noexcept { return *scope_; }
  const ColumnRef& column(std::size_t field) const { return columns_[field]; }
  /// Sets the column of a field; throws std::invalid_argument for an unknown name.
  void set(std::string_view name, ColumnRef column);
  /// A double column owned by the table (values, with nullopt as null).
  void set_owned(std::string_view name, std::vector<double> values,
                 std::vector<std::uint8_t> valid);
  void set_owned_strings(std::string_view name, std::vector<std::string> values,
                         std::vector<std::uint8_t> valid);

private:
  const Scope* scope_;
  std::size_t rows_;
  std::vector<ColumnRef> columns_;
  std::vector<std::shared_ptr<void>> owned_;
};

/// Binds a contact table to a record scope (fields the table lacks are all null).
Table bind(const Scope& scope, const ContactTable& contacts);
/// Binds a KPI table to a group scope: KPI values (null when a denominator is zero) and keys.
Table bind(const Scope& scope, const KpiTable& kpis);

/// The type a KPI's unit maps to (counts integer, `*_s` duration, ratios ratio, means number).
Type type_of(KpiKind kind) noexcept;

} // namespace kpiscore::dsl

#endif
