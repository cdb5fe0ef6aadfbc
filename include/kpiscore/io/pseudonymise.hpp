#ifndef KPISCORE_IO_PSEUDONYMISE_HPP
#define KPISCORE_IO_PSEUDONYMISE_HPP

#include <kpiscore/detail/sha256.hpp>
#include <kpiscore/engine/kpi_table.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore {

/// Keyed pseudonyms for identifiers (docs/inputs.md, "Pseudonymisation"): the first 10 bytes
/// (80 bits) of HMAC-SHA256(key, identifier) as 20 lower-case hex digits. The same key gives the
/// same pseudonym on every run and in every column; without the key the identifier cannot be
/// recomputed from it. 80 bits is the shortest truncation RFC 2104 section 5 recommends; the
/// chance that any two of n distinct identifiers share a pseudonym is about n^2 / 2^81
/// (4e-13 for a million, 4e-9 for 100 million), and a collision is detected and refused, never
/// merged silently.
class Pseudonymiser {
public:
  static constexpr std::size_t min_key_bytes =
      32; ///< RFC 2104 section 3: not below the hash length
  static constexpr std::size_t pseudonym_bytes = 10;

  /// std::invalid_argument when `key` has fewer than min_key_bytes bytes.
  explicit Pseudonymiser(std::string_view key);
  /// The key is the file's bytes, all of them (a trailing newline included). InputError when
  /// unreadable, std::invalid_argument when too short.
  static Pseudonymiser from_key_file(const std::string& path);

  std::string operator()(std::string_view identifier) const;

private:
  detail::HmacSha256 mac_;
};

/// Splits "agent_id,contact_id" (spaces trimmed). std::invalid_argument for an empty name, a
/// name given twice, or a time key (time buckets are not identifiers).
std::vector<std::string> parse_pseudonymise_list(std::string_view text);

/// Replaces the values of the named columns of `table`: any dimension and `contact_id`. A
/// standard dimension the table lacks is all null and stays so; any other unknown name is
/// std::invalid_argument ("pseudonymise: no column 'x' in the input"). Two distinct values
/// with one pseudonym are std::runtime_error. Do this after collapse_legs() and after any join
/// on raw identifiers.
void pseudonymise(ContactTable& table, std::span<const std::string> columns,
                  const Pseudonymiser& p);

/// Replaces the values of those group keys of `key_names` that `columns` names (the others and
/// nulls stay), e.g. the keys of a KpiTable or of an indicator table. Throws as above.
void pseudonymise_keys(std::span<const std::string> key_names,
                       std::vector<std::vector<std::optional<std::string>>>& keys,
                       std::span<const std::string> columns, const Pseudonymiser& p);

/// pseudonymise_keys() on a KpiTable, then its groups re-sorted by key (byte order, null last)
/// so that the output order does not follow the original identifiers.
void pseudonymise(KpiTable& table, std::span<const std::string> columns, const Pseudonymiser& p);

} // namespace kpiscore

#endif
