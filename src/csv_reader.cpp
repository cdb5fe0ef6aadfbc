#include <kpiscore/detail/record_scanner.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/encoding.hpp>
#include <kpiscore/io/mapping.hpp>
#include <kpiscore/io/timestamp.hpp>

#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace kpiscore {

namespace {

using detail::RecordScanner;

bool digit(char c) { return c >= '0' && c <= '9'; }

/// Reads exactly `n` digits at s[pos]; false when any is not a digit.
bool digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!digit(s[pos + i])) return false;
    out = out * 10 + static_cast<unsigned>(s[pos + i] - '0');
  }
  return true;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

enum class Parse { ok, empty, not_a_number, negative, too_large, not_integer, out_of_range, not_flag, not_clock };

/// Seconds with optional decimals → integer milliseconds, rounded half up past the third decimal.
Parse parse_duration(std::string_view s, std::int64_t& ms) {
  s = trim(s);
  if (s.empty()) return Parse::empty;
  bool negative = false;
  if (s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  } else if (s.front() == '+') {
    s.remove_prefix(1);
  }
  std::size_t i = 0;
  std::int64_t whole = 0;
  std::size_t int_digits = 0;
  while (i < s.size() && digit(s[i])) {
    if (int_digits++ > 12) return Parse::too_large;
    whole = whole * 10 + (s[i++] - '0');
  }
  std::int64_t frac = 0;
  std::size_t frac_digits = 0;
  bool round_up = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && digit(s[i])) {
      if (frac_digits < 3)
        frac = frac * 10 + (s[i] - '0');
      else if (frac_digits == 3)
        round_up = s[i] >= '5';
      ++frac_digits;
      ++i;
    }
  }
  if (i != s.size() || (int_digits == 0 && frac_digits == 0)) return Parse::not_a_number;
  for (std::size_t k = frac_digits; k < 3; ++k) frac *= 10;
  const std::int64_t value = whole * 1000 + frac + (round_up ? 1 : 0);
  if (negative && value != 0) return Parse::negative;
  ms = value;
  return Parse::ok;
}

/// Milliseconds with optional decimals → integer milliseconds, rounded half up on the first
/// decimal; more than 16 integer digits is too large.
Parse parse_millis(std::string_view s, std::int64_t& ms) {
  s = trim(s);
  if (s.empty()) return Parse::empty;
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::size_t i = 0, int_digits = 0, frac_digits = 0;
  std::int64_t whole = 0;
  bool round_up = false;
  while (i < s.size() && digit(s[i])) {
    if (int_digits++ > 15) return Parse::too_large;
    whole = whole * 10 + (s[i++] - '0');
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && digit(s[i])) {
      if (frac_digits++ == 0) round_up = s[i] >= '5';
      ++i;
    }
  }
  if (i != s.size() || (int_digits == 0 && frac_digits == 0)) return Parse::not_a_number;
  const std::int64_t value = whole + (round_up ? 1 : 0);
  if (negative && value != 0) return Parse::negative;
  ms = value;
  return Parse::ok;
}

/// A clock duration `H…:MM:SS[.fraction]` or `M…:SS[.fraction]` (minutes and seconds below 60
/// after the leading part, which may have up to 9 digits), fraction rounded as for seconds.
Parse parse_clock_duration(std::string_view s, std::int64_t& ms) {
  s = trim(s);
  if (s.empty()) return Parse::empty;
  bool negative = false;
  if (s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  std::int64_t parts[3] = {0, 0, 0};
  std::size_t nparts = 0, i = 0;
  while (true) {
    std::size_t nd = 0;
    std::int64_t v = 0;
    while (i < s.size() && digit(s[i])) {
      if (++nd > 9) return Parse::too_large;
      v = v * 10 + (s[i++] - '0');
    }
    if (nd == 0 || nparts == 3) return Parse::not_clock;
    if (nparts > 0 && (nd != 2 || v > 59)) return Parse::not_clock;
    parts[nparts++] = v;
    if (i < s.size() && s[i] == ':') {
      ++i;
      continue;
    }
    break;
  }
  if (nparts < 2) return Parse::not_clock;
  std::int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t nd = 0;
    bool round_up = false;
    while (i < s.size() && digit(s[i])) {
      if (nd < 3) frac = frac * 10 + (s[i] - '0');
      else if (nd == 3) round_up = s[i] >= '5';
      ++nd;
      ++i;
    }
    if (nd == 0) return Parse::not_clock;
    for (std::size_t k = nd; k < 3; ++k) frac *= 10;
    frac += round_up ? 1 : 0;
  }
  if (i != s.size()) return Parse::not_clock;
  const std::int64_t seconds =
      nparts == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1];
  const std::int64_t value = seconds * 1000 + frac;
  if (negative && value != 0) return Parse::negative;
  ms = value;
  return Parse::ok;
}

/// A small integer in [lo, hi]; "4.0" is accepted as 4 (exports from float columns).
Parse parse_small(std::string_view s, int lo, int hi, std::int8_t& out) {
  s = trim(s);
  if (s.empty()) return Parse::empty;
  int v = 0;
  std::size_t i = 0;
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    ++i;
  }
  std::size_t nd = 0;
  while (i < s.size() && digit(s[i])) {
    if (++nd > 4) return Parse::out_of_range;
    v = v * 10 + (s[i++] - '0');
  }
  if (nd == 0) return Parse::not_a_number;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] == '0') ++i;
    if (i < s.size() && digit(s[i])) return Parse::not_integer;
  }
  if (i != s.size()) return Parse::not_a_number;
  if (neg) v = -v;
  if (v < lo || v > hi) return Parse::out_of_range;
  out = static_cast<std::int8_t>(v);
  return Parse::ok;
}

Parse parse_flag(std::string_view s, std::int8_t& out) {
  s = trim(s);
  if (s.empty()) return Parse::empty;
  if (s == "1") {
    out = 1;
    return Parse::ok;
  }
  if (s == "0") {
    out = 0;
    return Parse::ok;
  }
  return Parse::not_flag;
}

enum class Col : std::uint8_t {
  contact_id, arrived_at, direction, answered, wait_s, talk_s, hold_s, acw_s,
  resolved_first_contact, csat, nps, complaint, converted, dimension
};

struct ColumnSpec {
  std::string_view name;
  Col col;
};
constexpr ColumnSpec known_columns[] = {
    {"contact_id", Col::contact_id}, {"arrived_at", Col::arrived_at},
    {"direction", Col::direction},   {"answered", Col::answered},
    {"wait_s", Col::wait_s},         {"talk_s", Col::talk_s},
    {"hold_s", Col::hold_s},         {"acw_s", Col::acw_s},
    {"resolved_first_contact", Col::resolved_first_contact},
    {"csat", Col::csat},             {"nps", Col::nps},
    {"complaint", Col::complaint},   {"converted", Col::converted},
};
constexpr Col required_columns[] = {Col::contact_id, Col::arrived_at, Col::direction, Col::answered,
                                    Col::wait_s};


ParsedTimestamp finish_timestamp(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned sec,
                                 std::int64_t ms, std::optional<std::int64_t> offset_ms, LocalToUtc& to_utc) {
  ParsedTimestamp r;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59) {
    r.error = TimestampError::impossible;
    return r;
  }
  if (y < 1900) {
    r.error = TimestampError::out_of_range;
    return r;
  }
  const std::int64_t local = days_from_civil(y, mo, d) * 86'400'000 +
                             static_cast<std::int64_t>(h * 3600 + mi * 60 + sec) * 1000 + ms;
  if (offset_ms) {
    r.utc_ms = local - *offset_ms;
    return r;
  }
  const auto conv = to_utc(local);
  if (conv.kind == TimeZone::LocalKind::nonexistent) {
    r.error = TimestampError::nonexistent_local;
    return r;
  }
  r.utc_ms = conv.utc_ms;
  return r;
}

} // namespace

ParsedTimestamp parse_timestamp(std::string_view s, LocalToUtc& to_utc) {
  s = trim(s);
  ParsedTimestamp r;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    r.error = TimestampError::syntax;
    return r;
  }
  std::size_t i = 10;
  std::int64_t ms = 0;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    if (!digits(s, i + 1, 2, h) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, mi)) {
      r.error = TimestampError::syntax;
      return r;
    }
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, sec)) {
        r.error = TimestampError::syntax;
        return r;
      }
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        std::size_t nd = 0;
        while (i < s.size() && digit(s[i])) {
          if (nd < 3) ms = ms * 10 + (s[i] - '0');
          ++nd;
          ++i;
        }
        if (nd == 0) {
          r.error = TimestampError::syntax;
          return r;
        }
        for (std::size_t k = nd; k < 3; ++k) ms *= 10;
      }
    }
  }
  std::optional<std::int64_t> offset_ms;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      offset_ms = 0;
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      unsigned oh = 0, om = 0;
      if (!digits(s, i + 1, 2, oh)) {
        r.error = TimestampError::syntax;
        return r;
      }
      i += 3;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size()) {
        if (!digits(s, i, 2, om)) {
          r.error = TimestampError::syntax;
          return r;
        }
        i += 2;
      }
      if (oh > 23 || om > 59) {
        r.error = TimestampError::impossible;
        return r;
      }
      offset_ms = sign * static_cast<std::int64_t>(oh * 60 + om) * 60'000;
    }
  }
  if (i != s.size()) {
    r.error = TimestampError::syntax;
    return r;
  }
  return finish_timestamp(y, mo, d, h, mi, sec, ms, offset_ms, to_utc);
}

ParsedTimestamp parse_timestamp_format(std::string_view s, std::string_view fmt, LocalToUtc& to_utc) {
  s = trim(s);
  ParsedTimestamp r;
  r.error = TimestampError::syntax;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  std::int64_t ms = 0;
  std::optional<std::int64_t> offset_ms;
  std::size_t i = 0;
  // 1 or 2 digits (greedy).
  auto one_or_two = [&](unsigned& out) {
    if (i >= s.size() || !digit(s[i])) return false;
    out = static_cast<unsigned>(s[i++] - '0');
    if (i < s.size() && digit(s[i])) out = out * 10 + static_cast<unsigned>(s[i++] - '0');
    return true;
  };
  auto exactly = [&](std::size_t n, unsigned& out) {
    if (!digits(s, i, n, out)) return false;
    i += n;
    return true;
  };
  for (std::size_t k = 0; k < fmt.size(); ++k) {
    if (fmt[k] != '%' || k + 1 >= fmt.size()) {
      if (i >= s.size() || s[i] != fmt[k]) return r;
      ++i;
      continue;
    }
    switch (fmt[++k]) {
    case 'Y': if (!exactly(4, y)) return r; break;
    case 'm': if (!one_or_two(mo)) return r; break;
    case 'd': if (!one_or_two(d)) return r; break;
    case 'H': if (!one_or_two(h)) return r; break;
    case 'M': if (!exactly(2, mi)) return r; break;
    case 'S': if (!exactly(2, sec)) return r; break;
    case 'f': {
      std::size_t nd = 0;
      while (i < s.size() && digit(s[i])) {
        if (nd < 3) ms = ms * 10 + (s[i] - '0');
        ++nd;
        ++i;
      }
      if (nd == 0) return r;
      for (std::size_t n = nd; n < 3; ++n) ms *= 10;
      break;
    }
    case 'z': {
      if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        offset_ms = 0;
        ++i;
        break;
      }
      if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return r;
      const int sign = s[i] == '-' ? -1 : 1;
      unsigned oh = 0, om = 0;
      ++i;
      if (!exactly(2, oh)) return r;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!exactly(2, om)) return r;
      } else if (i + 1 < s.size() && digit(s[i]) && digit(s[i + 1])) {
        exactly(2, om);
      }
      if (oh > 23 || om > 59) {
        r.error = TimestampError::impossible;
        return r;
      }
      offset_ms = sign * static_cast<std::int64_t>(oh * 60 + om) * 60'000;
      break;
    }
    default: // '%%' (validate_timestamp_format admits nothing else)
      if (i >= s.size() || s[i] != '%') return r;
      ++i;
    }
  }
  if (i != s.size()) return r;
  return finish_timestamp(y, mo, d, h, mi, sec, ms, offset_ms, to_utc);
}

std::string validate_timestamp_format(std::string_view fmt) {
  std::string seen;
  for (std::size_t k = 0; k < fmt.size(); ++k) {
    if (fmt[k] != '%') continue;
    if (k + 1 >= fmt.size()) return "a lone % at the end (write %% for a percent sign)";
    const char c = fmt[++k];
    if (c == '%') continue;
    if (std::string_view("YmdHMSfz").find(c) == std::string_view::npos)
      return std::string("unknown directive %") + c + " (expected %Y %m %d %H %M %S %f %z %%)";
    if (seen.find(c) != std::string::npos) return std::string("directive %") + c + " appears twice";
    seen += c;
  }
  for (char c : {'Y', 'm', 'd'})
    if (seen.find(c) == std::string::npos) return "a format needs %Y, %m and %d";
  if (seen.find('M') != std::string::npos && seen.find('H') == std::string::npos) return "%M needs %H";
  if (seen.find('S') != std::string::npos && seen.find('M') == std::string::npos) return "%S needs %M";
  if (seen.find('f') != std::string::npos && seen.find('S') == std::string::npos) return "%f needs %S";
  return {};
}

namespace {

/// How one file column is read (resolved from the header and the mapping once).
struct FieldSpec {
  Col col = Col::dimension;
  int dim = -1;            ///< index into t.dimensions; -1 for a dropped column
  bool dropped = false;
  const ValueMap* values = nullptr;
  DurationUnit unit = DurationUnit::seconds;
  std::string_view ts_format;          ///< empty: ISO-8601
  const ColumnMapping* csat = nullptr; ///< a csat column with a source scale (and maybe a rule)
};

ReadResult read_impl(std::string_view text, const KpiOptions& options, const Mapping* mapping, char delimiter) {
  ReadResult result;
  result.delimiter = delimiter;
  ContactTable& t = result.table;
  const TimeZone zone = TimeZone::locate(options.timezone);
  LocalToUtc to_utc(zone);
  RecordScanner scan(text, delimiter);
  std::vector<std::string_view> fields;
  bool malformed = false;
  if (scan.done()) throw InputError("input: empty file, expected a header row");
  scan.next(fields, malformed);
  if (malformed) throw InputError("header: unterminated or misplaced quote");

  const std::size_t nfields = fields.size();
  std::vector<FieldSpec> spec(nfields);
  std::vector<std::string> names;        // source headers (reject field names)
  std::vector<std::string> dim_names(nfields);
  int present[static_cast<int>(Col::dimension)];
  for (auto& p : present) p = -1;
  for (std::size_t f = 0; f < nfields; ++f) {
    const std::string name(trim(fields[f]));
    if (name.empty()) throw InputError("header: column " + std::to_string(f + 1) + " has no name");
    for (const auto& n : names)
      if (n == name) throw InputError("header: column '" + name + "' appears twice");
    names.push_back(name);
  }
  if (mapping)
    for (const auto& c : mapping->columns) {
      bool found = false;
      for (const auto& n : names) found = found || n == c.source;
      if (!found && !c.optional)
        throw InputError("header: mapped column '" + c.source +
                         "' is not in the file (give it \"optional\": true if some exports lack it)");
    }
  for (std::size_t f = 0; f < nfields; ++f) {
    const std::string& name = names[f];
    std::string target = name;
    const ColumnMapping* cm = nullptr;
    if (mapping) {
      cm = mapping->find(name);
      const auto resolved = resolve_header(name, *mapping);
      if (resolved && resolved->empty()) {
        spec[f].dropped = true;
        continue;
      }
      if (resolved) target = *resolved;
    }
    for (const auto& k : known_columns)
      if (k.name == target) spec[f].col = k.col;
    if (spec[f].col != Col::dimension) {
      int& p = present[static_cast<int>(spec[f].col)];
      if (p >= 0)
        throw InputError("header: columns '" + names[static_cast<std::size_t>(p)] + "' and '" + name +
                         "' both map to '" + target + "'");
      p = static_cast<int>(f);
    } else {
      for (std::size_t g = 0; g < f; ++g)
        if (!spec[g].dropped && spec[g].col == Col::dimension && dim_names[g] == target)
          throw InputError("header: columns '" + names[g] + "' and '" + name + "' both map to '" + target + "'");
      dim_names[f] = target;
    }
    if (cm) {
      if (cm->values) spec[f].values = &*cm->values;
      if (cm->unit) spec[f].unit = *cm->unit;
      spec[f].ts_format = cm->timestamp_format;
      if (cm->scale) {
        const std::string at = "mapping /columns/" + cm->source;
        const auto [lo, hi] = *cm->scale;
        const std::string options_scale =
            std::to_string(options.csat.scale_min) + ".." + std::to_string(options.csat.scale_max);
        if (cm->rule.empty() && (lo != options.csat.scale_min || hi != options.csat.scale_max))
          throw InputError(at + "/scale: the source scale " + std::to_string(lo) + ".." + std::to_string(hi) +
                           " differs from csat.scale " + options_scale +
                           " of the options; give a \"rule\" from each source value to the options' scale, "
                           "or set csat.scale (a rescaling is never guessed)");
        for (std::size_t i = 0; i < cm->rule.size(); ++i)
          if (cm->rule[i] < options.csat.scale_min || cm->rule[i] > options.csat.scale_max)
            throw InputError(at + "/rule: source value " + std::to_string(lo + static_cast<int>(i)) +
                             " maps to " + std::to_string(cm->rule[i]) + ", outside csat.scale " + options_scale);
        spec[f].csat = cm;
      }
    }
  }
  std::string missing_hint;
  if (mapping) {
    missing_hint = " (no header is named so, is one of its aliases, or is mapped to it)";
    if (nfields == 1)
      for (char d : {',', ';', '\t', '|'})
        if (d != delimiter && names[0].find(d) != std::string::npos) {
          missing_hint = " (the header is a single column containing " + delimiter_name(d) +
                         ": is the delimiter " + delimiter_name(d) + "?)";
          break;
        }
  }
  for (Col req : required_columns)
    if (present[static_cast<int>(req)] < 0)
      for (const auto& k : known_columns)
        if (k.col == req)
          throw InputError("header: missing required column '" + std::string(k.name) + "'" + missing_hint);
  for (auto std_name : standard_dimension_names)
    for (std::size_t f = 0; f < nfields; ++f)
      if (!spec[f].dropped && spec[f].col == Col::dimension && dim_names[f] == std_name) {
        spec[f].dim = static_cast<int>(t.dimensions.size());
        t.dimensions.emplace_back(dim_names[f]);
      }
  for (std::size_t f = 0; f < nfields; ++f)
    if (!spec[f].dropped && spec[f].col == Col::dimension && spec[f].dim < 0) {
      spec[f].dim = static_cast<int>(t.dimensions.size());
      t.dimensions.emplace_back(dim_names[f]);
    }

  const std::size_t approx_rows = text.size() / 64 + 16;
  t.arrived_at_ms.reserve(approx_rows);
  t.inbound.reserve(approx_rows);
  t.answered.reserve(approx_rows);
  t.wait_ms.reserve(approx_rows);
  t.contact_id.reserve(approx_rows, approx_rows * 8);
  for (std::size_t f = 0; f < nfields; ++f) {
    switch (spec[f].col) {
    case Col::talk_s: t.column(DurationField::talk).reserve(approx_rows); break;
    case Col::hold_s: t.column(DurationField::hold).reserve(approx_rows); break;
    case Col::acw_s: t.column(DurationField::acw).reserve(approx_rows); break;
    default: break;
    }
  }
  const std::string csat_range =
      "csat outside " + std::to_string(options.csat.scale_min) + ".." + std::to_string(options.csat.scale_max);

  // Per-record parsed values, committed only when the whole record is valid.
  std::int64_t arrived = 0, wait = 0;
  std::uint8_t inbound = 0, answered = 0;
  std::int64_t dur[3];
  std::int8_t small[5];
  std::string_view id;
  std::vector<std::string_view> values(nfields);

  while (!scan.done()) {
    const std::uint64_t line = scan.next(fields, malformed);
    if (fields.size() == 1 && fields[0].empty() && !malformed) {
      ++result.blank_lines;
      continue;
    }
    ++result.rows_read;
    auto reject = [&](std::string_view field, std::string reason) {
      result.rejects.push_back({line, std::string(field), std::move(reason)});
    };
    if (malformed) {
      reject("", "unterminated or misplaced quote");
      continue;
    }
    if (fields.size() != nfields) {
      reject("", "expected " + std::to_string(nfields) + " fields, actual " + std::to_string(fields.size()));
      continue;
    }
    dur[0] = dur[1] = dur[2] = null_duration;
    for (auto& v : small) v = null_small;
    bool ok = true;
    for (std::size_t f = 0; f < nfields && ok; ++f) {
      const FieldSpec& sp = spec[f];
      std::string_view v = fields[f];
      const std::string& name = names[f];
      auto fail = [&](std::string reason) {
        reject(name, std::move(reason));
        ok = false;
      };
      if (sp.values) {
        const std::string_view key = trim(v);
        if (!key.empty()) {
          const auto it = sp.values->values.find(key);
          if (it != sp.values->values.end())
            v = it->second;
          else if (sp.col != Col::dimension) {
            fail(sp.values->expected);
            break;
          }
        }
      }
      values[f] = v;
      switch (sp.col) {
      case Col::contact_id:
        id = trim(v);
        if (id.empty()) fail("missing required value");
        break;
      case Col::arrived_at: {
        if (trim(v).empty()) {
          fail("missing required value");
          break;
        }
        const auto ts = sp.ts_format.empty() ? parse_timestamp(v, to_utc) : parse_timestamp_format(v, sp.ts_format, to_utc);
        if (ts.error == TimestampError::syntax)
          fail(sp.ts_format.empty() ? std::string("not an ISO-8601 timestamp")
                                    : "not a timestamp in the format " + std::string(sp.ts_format));
        else if (ts.error == TimestampError::impossible)
          fail("impossible date or time");
        else if (ts.error == TimestampError::out_of_range)
          fail("timestamp before 1900");
        else if (ts.error == TimestampError::nonexistent_local)
          fail("local time does not exist in " + zone.name() + " (DST gap)");
        else
          arrived = ts.utc_ms;
        break;
      }
      case Col::direction: {
        const auto d = trim(v);
        if (d.empty())
          fail("missing required value");
        else if (d == "inbound")
          inbound = 1;
        else if (d == "outbound")
          inbound = 0;
        else
          fail("expected inbound or outbound");
        break;
      }
      case Col::answered: {
        std::int8_t x = 0;
        const auto p = parse_flag(v, x);
        if (p == Parse::empty)
          fail("missing required value");
        else if (p != Parse::ok)
          fail("expected 0 or 1");
        else
          answered = static_cast<std::uint8_t>(x);
        break;
      }
      case Col::wait_s:
      case Col::talk_s:
      case Col::hold_s:
      case Col::acw_s: {
        std::int64_t ms = 0;
        const auto p = sp.unit == DurationUnit::seconds        ? parse_duration(v, ms)
                       : sp.unit == DurationUnit::milliseconds ? parse_millis(v, ms)
                                                               : parse_clock_duration(v, ms);
        if (p == Parse::empty) {
          if (sp.col == Col::wait_s) fail("missing required value");
          break;
        }
        if (p == Parse::not_a_number)
          fail("not a number");
        else if (p == Parse::not_clock)
          fail("expected HH:MM:SS or MM:SS");
        else if (p == Parse::negative)
          fail("negative duration");
        else if (p == Parse::too_large)
          fail("duration too large");
        else if (sp.col == Col::wait_s)
          wait = ms;
        else
          dur[static_cast<int>(sp.col) - static_cast<int>(Col::talk_s)] = ms;
        break;
      }
      case Col::resolved_first_contact:
      case Col::complaint:
      case Col::converted: {
        std::int8_t x = 0;
        const auto p = parse_flag(v, x);
        if (p == Parse::empty) break;
        if (p != Parse::ok) {
          fail("expected 0 or 1");
          break;
        }
        const int slot = sp.col == Col::resolved_first_contact ? 0 : sp.col == Col::complaint ? 3 : 4;
        small[slot] = x;
        break;
      }
      case Col::csat:
      case Col::nps: {
        const bool is_csat = sp.col == Col::csat;
        std::int8_t x = 0;
        if (is_csat && sp.csat) {
          const auto [lo, hi] = *sp.csat->scale;
          const auto p = parse_small(v, lo, hi, x);
          if (p == Parse::empty) break;
          if (p == Parse::out_of_range)
            fail("csat outside " + std::to_string(lo) + ".." + std::to_string(hi));
          else if (p != Parse::ok)
            fail("not an integer");
          else
            small[1] = sp.csat->rule.empty() ? x : sp.csat->rule[static_cast<std::size_t>(x - lo)];
          break;
        }
        const auto p = is_csat ? parse_small(v, options.csat.scale_min, options.csat.scale_max, x)
                               : parse_small(v, 0, 10, x);
        if (p == Parse::empty) break;
        if (p == Parse::out_of_range)
          fail(is_csat ? csat_range : "nps outside 0..10");
        else if (p != Parse::ok)
          fail("not an integer");
        else
          small[is_csat ? 1 : 2] = x;
        break;
      }
      case Col::dimension: break;
      }
    }
    if (!ok) continue;
    t.contact_id.push_back(id);
    t.arrived_at_ms.push_back(arrived);
    t.inbound.push_back(inbound);
    t.answered.push_back(answered);
    t.wait_ms.push_back(wait);
    for (std::size_t f = 0; f < nfields; ++f) {
      const Col c = spec[f].col;
      if (c == Col::talk_s || c == Col::hold_s || c == Col::acw_s)
        t.durations[static_cast<int>(c) - static_cast<int>(Col::talk_s)].push_back(
            dur[static_cast<int>(c) - static_cast<int>(Col::talk_s)]);
      else if (c == Col::resolved_first_contact)
        t.smalls[0].push_back(small[0]);
      else if (c == Col::csat)
        t.smalls[1].push_back(small[1]);
      else if (c == Col::nps)
        t.smalls[2].push_back(small[2]);
      else if (c == Col::complaint)
        t.smalls[3].push_back(small[3]);
      else if (c == Col::converted)
        t.smalls[4].push_back(small[4]);
      else if (c == Col::dimension && spec[f].dim >= 0)
        t.dimensions[static_cast<std::size_t>(spec[f].dim)].push_back(trim(values[f]));
    }
  }
  return result;
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("input: cannot open '" + path + "'");
  std::string text;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0) throw InputError("input: cannot read '" + path + "'");
  text.resize(static_cast<std::size_t>(size));
  in.seekg(0);
  in.read(text.data(), size);
  if (!in) throw InputError("input: cannot read '" + path + "'");
  return text;
}

} // namespace

ReadResult read_contacts_csv(std::string_view text, const KpiOptions& options) {
  return read_impl(text, options, nullptr, ',');
}

ReadResult read_contacts_csv(std::string_view bytes, const KpiOptions& options, const Mapping& mapping) {
  if (bytes.empty()) throw InputError("input: empty file, expected a header row");
  DecodedText decoded;
  decode_text(bytes, mapping.encoding, decoded);
  const char delimiter = mapping.delimiter ? mapping.delimiter : detect_delimiter(decoded.text);
  ReadResult r = read_impl(decoded.text, options, &mapping, delimiter);
  r.encoding = decoded.encoding;
  return r;
}

ReadResult read_contacts_csv_file(const std::string& path, const KpiOptions& options) {
  return read_contacts_csv(read_whole_file(path), options);
}

ReadResult read_contacts_csv_file(const std::string& path, const KpiOptions& options, const Mapping& mapping) {
  return read_contacts_csv(read_whole_file(path), options, mapping);
}

std::vector<std::vector<std::string>> split_records(std::string_view text, char delimiter, std::size_t max_records) {
  std::vector<std::vector<std::string>> out;
  RecordScanner scan(text, delimiter);
  std::vector<std::string_view> fields;
  bool malformed = false;
  while (!scan.done() && out.size() < max_records) {
    scan.next(fields, malformed);
    if (fields.size() == 1 && fields[0].empty() && !malformed) continue;
    auto& rec = out.emplace_back();
    for (auto f : fields) rec.emplace_back(trim(f));
  }
  return out;
}

std::string rejects_to_csv(const std::vector<Reject>& rejects) {
  std::string out = "line,field,reason\n";
  auto quote = [](const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  for (const auto& r : rejects)
    out += std::to_string(r.line) + "," + quote(r.field) + "," + quote(r.reason) + "\n";
  return out;
}

} // namespace kpiscore
