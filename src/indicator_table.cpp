// Indicator tables (kpiscore/scoring/indicator_columns.hpp): the one reader behind
// `kpiscore kpis --indicators` and `kpiscore score --indicators`.
#include <kpiscore/detail/decimal.hpp>
#include <kpiscore/detail/record_scanner.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/encoding.hpp>
#include <kpiscore/scoring/indicator_columns.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace kpiscore::scoring {
namespace {

using Key = std::vector<std::optional<std::string>>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool number_at(std::string_view s, std::size_t pos, std::size_t n, unsigned lo, unsigned hi) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return v >= lo && v <= hi;
}
unsigned number_at(std::string_view s, std::size_t pos, std::size_t n) {
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i)
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  return v;
}

bool leap(unsigned y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Years as the grouping writes them: four digits from 1900 (earlier timestamps are rejects).
bool is_month(std::string_view s) {
  return s.size() == 7 && number_at(s, 0, 4, 1900, 9999) && s[4] == '-' &&
         number_at(s, 5, 2, 1, 12);
}
bool is_day(std::string_view s) {
  if (s.size() != 10 || !is_month(s.substr(0, 7)) || s[7] != '-') return false;
  const unsigned y = number_at(s, 0, 4), m = number_at(s, 5, 2);
  static constexpr unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return number_at(s, 8, 2, 1, mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0));
}
/// "YYYY-MM-DDTHH:MM" with the minutes a multiple of `step`.
bool is_interval(std::string_view s, unsigned step) {
  return s.size() == 16 && is_day(s.substr(0, 10)) && s[10] == 'T' && number_at(s, 11, 2, 0, 23) &&
         s[13] == ':' && number_at(s, 14, 2, 0, 59) && number_at(s, 14, 2) % step == 0;
}
/// ISO 8601 week "YYYY-Www": week 53 only in a year that has it (a long year: it starts on a
/// Thursday, or is a leap year starting on a Wednesday; p(y) below is the weekday of Dec 31).
bool is_week(std::string_view s) {
  if (s.size() != 8 || !number_at(s, 0, 4, 1900, 9999) || s[4] != '-' || s[5] != 'W' ||
      !number_at(s, 6, 2, 1, 53))
    return false;
  const unsigned y = number_at(s, 0, 4);
  const auto p = [](unsigned x) { return (x + x / 4 - x / 100 + x / 400) % 7; };
  return number_at(s, 6, 2) < 53 || p(y) == 4 || p(y - 1) == 3;
}

/// The reject reason for a time-key value that is not a grouping label, or empty when it is.
std::string period_problem(std::string_view key, std::string_view v) {
  if (key == "month") return is_month(v) ? "" : "not a month: expected YYYY-MM";
  if (key == "week")
    return is_week(v) ? "" : "not an ISO week: expected YYYY-Www (a week that year has)";
  if (key == "day") return is_day(v) ? "" : "not a day: expected YYYY-MM-DD";
  if (key == "hour") return is_interval(v, 60) ? "" : "not an hour: expected YYYY-MM-DDTHH:00";
  if (key == "interval30")
    return is_interval(v, 30)
               ? ""
               : "not a 30-minute interval: expected YYYY-MM-DDTHH:MM, minutes 00 or 30";
  if (key == "interval15")
    return is_interval(v, 15)
               ? ""
               : "not a 15-minute interval: expected YYYY-MM-DDTHH:MM, minutes 00, 15, 30 or 45";
  return v == "peak" || v == "off_peak" ? "" : "expected peak or off_peak";
}

bool is_time_key(std::string_view name) {
  return std::find(std::begin(time_key_names), std::end(time_key_names), name) !=
         std::end(time_key_names);
}
bool is_group_key_name(std::string_view name) {
  return is_time_key(name) || name == "contact_id" ||
         std::find(standard_dimension_names.begin(), standard_dimension_names.end(), name) !=
             standard_dimension_names.end();
}

} // namespace

IndicatorColumns read_indicator_csv(std::string_view bytes,
                                    std::span<const std::string> key_names) {
  IndicatorColumns out;
  out.key_names.assign(key_names.begin(), key_names.end());
  DecodedText decoded;
  try {
    decode_text(bytes, "auto", decoded);
  } catch (const InputError& e) {
    std::string what = e.what();
    // decode_text speaks of the mapping; an indicator table has none.
    if (what.rfind("input: ", 0) == 0) what.erase(0, 7);
    if (const auto at = what.find("; give \"encoding\" in the mapping"); at != std::string::npos)
      what.replace(at, std::string::npos, "; save the table as UTF-8");
    throw InputError("indicators: " + what);
  }
  out.encoding = decoded.encoding;
  const std::string_view text = decoded.text;
  try {
    out.delimiter = detect_delimiter(text);
  } catch (const InputError& e) {
    std::string what = e.what();
    if (const auto at = what.find("; give \"delimiter\" in the mapping"); at != std::string::npos)
      what.erase(at);
    throw InputError("indicators " + what);
  }
  detail::RecordScanner scan(text, out.delimiter);
  std::vector<std::string_view> fields;
  bool bad = false;
  if (scan.done()) throw InputError("indicators: empty file, expected a header row");
  scan.next(fields, bad);
  if (bad) throw InputError("indicators header: unterminated or misplaced quote");
  std::string keys_text;
  for (const auto& k : key_names)
    keys_text += (keys_text.empty() ? "" : ",") + k;
  std::vector<int> key_col(key_names.size(), -1);
  std::vector<int> ind_of(fields.size(), -1);
  std::vector<std::string> names;
  for (std::size_t f = 0; f < fields.size(); ++f) {
    const std::string name(trim(fields[f]));
    if (name.empty())
      throw InputError("indicators header: column " + std::to_string(f + 1) + " has no name");
    if (std::find(names.begin(), names.end(), name) != names.end())
      throw InputError("indicators header: column '" + name + "' appears twice");
    names.push_back(name);
    const auto k = std::find(key_names.begin(), key_names.end(), name);
    if (k != key_names.end()) {
      key_col[static_cast<std::size_t>(k - key_names.begin())] = static_cast<int>(f);
    } else if (is_group_key_name(name)) {
      throw InputError("indicators header: column '" + name +
                       "' is a group key but not one of the group keys (" +
                       (keys_text.empty() ? std::string("none") : keys_text) +
                       "); key the table by exactly the group keys of the KPIs");
    } else {
      ind_of[f] = static_cast<int>(out.names.size());
      out.names.push_back(name);
    }
  }
  for (std::size_t k = 0; k < key_names.size(); ++k)
    if (key_col[k] < 0)
      throw InputError("indicators header: missing group-key column '" + key_names[k] + "'");
  std::set<Key> seen;
  while (!scan.done()) {
    const std::uint64_t line = scan.next(fields, bad);
    if (fields.size() == 1 && fields[0].empty() && !bad) continue;
    ++out.rows_read;
    if (bad) {
      out.rejects.push_back({line, "", "unterminated or misplaced quote"});
      continue;
    }
    if (fields.size() != names.size()) {
      out.rejects.push_back({line, "",
                             "expected " + std::to_string(names.size()) + " fields, actual " +
                                 std::to_string(fields.size())});
      continue;
    }
    Key key;
    std::optional<Reject> problem;
    for (std::size_t k = 0; k < key_names.size() && !problem; ++k) {
      const auto v = trim(fields[static_cast<std::size_t>(key_col[k])]);
      if (is_time_key(key_names[k])) {
        if (v.empty())
          problem = Reject{line, key_names[k], "missing period"};
        else if (auto why = period_problem(key_names[k], v); !why.empty())
          problem = Reject{line, key_names[k], std::move(why)};
      }
      key.push_back(v.empty() ? std::nullopt : std::optional<std::string>(std::string(v)));
    }
    std::vector<std::optional<double>> row(out.names.size());
    for (std::size_t f = 0; f < fields.size() && !problem; ++f) {
      if (ind_of[f] < 0) continue;
      const auto v = trim(fields[f]);
      if (v.empty()) continue;
      if (const auto x = detail::finite_decimal(v))
        row[static_cast<std::size_t>(ind_of[f])] = *x;
      else
        problem = Reject{line, names[f], "not a number"};
    }
    if (!problem && !seen.insert(key).second) problem = Reject{line, "", "duplicate group key"};
    if (problem) {
      out.rejects.push_back(std::move(*problem));
      continue;
    }
    out.keys.push_back(std::move(key));
    out.values.push_back(std::move(row));
  }
  return out;
}

IndicatorColumns read_indicator_csv_file(const std::string& path,
                                         std::span<const std::string> key_names) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("indicators: cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError("indicators: cannot read '" + path + "'");
  return read_indicator_csv(ss.str(), key_names);
}

} // namespace kpiscore::scoring
