#ifndef KPISCORE_IO_CSV_READER_HPP
#define KPISCORE_IO_CSV_READER_HPP

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

/// Writes rejects as CSV with the header `line,field,reason`.
std::string rejects_to_csv(const std::vector<Reject>& rejects);

} // namespace kpiscore

#endif
