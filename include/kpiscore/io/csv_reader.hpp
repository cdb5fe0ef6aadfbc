#ifndef KPISCORE_IO_CSV_READER_HPP
#define KPISCORE_IO_CSV_READER_HPP

#include <kpiscore/io/mapping.hpp>
#include <kpiscore/io/reject.hpp>
#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore {

/// A file-level input error (unreadable file, unusable header); record-level problems are
/// rejects, not exceptions.
class InputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct ReadResult {
  ContactTable table;
  std::vector<Reject> rejects;
  std::uint64_t rows_read = 0;   ///< records after the header (blank lines excluded)
  std::uint64_t blank_lines = 0; ///< empty lines, which are not records
  std::string encoding = "utf-8"; ///< as read: "utf-8" (unchecked without a mapping), "gb18030", ...
  char delimiter = ',';           ///< as read (detected or given by the mapping)
  std::uint64_t accepted() const noexcept { return table.size(); }
};

/// Reads contact records from CSV text with a header row (RFC 4180 quoting, LF or CRLF, an
/// optional UTF-8 byte-order mark). Required columns: contact_id, arrived_at, direction,
/// answered, wait_s; the optional ones of docs/input.md; any other column is a dimension.
/// A malformed record is rejected (line, field, reason) and the rest goes on:
/// accepted + rejected = rows_read, always. Throws InputError for a missing or duplicate
/// required column. `options` gives the time zone of offset-less timestamps and the csat scale.
ReadResult read_contacts_csv(std::string_view text, const KpiOptions& options = {});
ReadResult read_contacts_csv_file(const std::string& path, const KpiOptions& options = {});

/// Reads a vendor export through a mapping (docs/inputs.md): the bytes are decoded (UTF-8 with or
/// without BOM, GB18030/GBK, UTF-16 with BOM; detected unless the mapping names one), the
/// delimiter is detected from the header line (`,` `;` tab `|`) unless given, headers resolve
/// through the mapping's columns, canonical names and the built-in aliases, and each mapped
/// column is parsed by its unit, timestamp format, value map and csat rule. The reject texts of
/// docs/input.md apply, plus those of docs/inputs.md; the reject field is the source header.
/// Throws InputError for an undecodable file, an ambiguous delimiter or an unusable header, and
/// for a csat scale that differs from `options.csat` without a rule.
ReadResult read_contacts_csv(std::string_view bytes, const KpiOptions& options, const Mapping& mapping);
ReadResult read_contacts_csv_file(const std::string& path, const KpiOptions& options, const Mapping& mapping);

/// Writes rejects as CSV with the header `line,field,reason`.
std::string rejects_to_csv(const std::vector<Reject>& rejects);

} // namespace kpiscore

#endif
