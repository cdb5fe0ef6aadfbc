#include <kpiscore/engine/kpi_intervals.hpp>
#include <kpiscore/io/report.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace kpiscore {
namespace {

std::string shortest(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string fixed(double v, int decimals, const char* suffix = "") {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, suffix);
  return buf;
}

// With intervals (KpiTable::intervals filled), KPI i is followed by <name>_lo and <name>_hi.
bool interval_columns(const KpiTable& t, std::size_t i) {
  return !t.intervals.empty() && kpi_has_interval(t.kpis[i].kind);
}

// A KPI value (or bound) as the text table shows it: ratios as percentages, means with two
// decimals, durations and NPS with one.
std::string text_value(KpiKind kind, double v) {
  if (kind == KpiKind::ratio) return fixed(v * 100.0, 1, "%");
  if (kind == KpiKind::mean) return fixed(v, 2);
  return fixed(v, 1);
}

} // namespace

std::size_t display_width(std::string_view s) {
  // East Asian Wide and Fullwidth characters take two terminal columns (Unicode UAX #11); the
  // ranges are those of Markus Kuhn's mk_wcwidth() (2007), which terminals follow. Other
  // characters take one; a malformed byte counts as one.
  const auto wide = [](char32_t u) {
    return u >= 0x1100 &&
           (u <= 0x115F || u == 0x2329 || u == 0x232A || (u >= 0x2E80 && u <= 0xA4CF && u != 0x303F) ||
            (u >= 0xAC00 && u <= 0xD7A3) || (u >= 0xF900 && u <= 0xFAFF) || (u >= 0xFE10 && u <= 0xFE19) ||
            (u >= 0xFE30 && u <= 0xFE6F) || (u >= 0xFF00 && u <= 0xFF60) || (u >= 0xFFE0 && u <= 0xFFE6) ||
            (u >= 0x1F300 && u <= 0x1F64F) || (u >= 0x1F900 && u <= 0x1F9FF) || (u >= 0x20000 && u <= 0x2FFFD) ||
            (u >= 0x30000 && u <= 0x3FFFD));
  };
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : c >= 0xC0 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF8 ? 4 : 1;
    if (i + len > s.size()) len = 1;
    char32_t u = len == 1 ? c : c & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len; ++k) u = (u << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    w += len > 1 && wide(u) ? 2 : 1;
    i += len;
  }
  return w;
}

std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows, std::size_t left_aligned,
                       bool rule) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = display_width(header[c]);
    for (const auto& r : rows) width[c] = std::max(width[c], display_width(r[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - display_width(cells[c]), ' ');
      if (c) s += "  ";
      s += c < left_aligned ? cells[c] + pad : pad + cells[c];
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string out = line(header);
  if (rule) {
    std::size_t total = 0;
    for (auto w : width) total += w + 2;
    out += std::string(total >= 2 ? total - 2 : 0, '-') + "\n";
  }
  for (const auto& r : rows) out += line(r);
  return out;
}

nlohmann::ordered_json to_json(const KpiTable& t) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (std::size_t g = 0; g < t.size(); ++g) {
    nlohmann::ordered_json ordered = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < t.key_names.size(); ++k)
      ordered[t.key_names[k]] = t.keys[g][k] ? nlohmann::ordered_json(*t.keys[g][k]) : nullptr;
    for (std::size_t i = 0; i < t.kpis.size(); ++i) {
      const auto& v = t.values[g][i];
      if (t.kpis[i].kind == KpiKind::count && v.value) // (a custom KPI's count may be null)
        ordered[std::string(t.kpis[i].name)] = static_cast<std::int64_t>(v.numerator);
      else if (v.value)
        ordered[std::string(t.kpis[i].name)] = *v.value;
      else
        ordered[std::string(t.kpis[i].name)] = nullptr;
      if (interval_columns(t, i)) {
        const auto& ci = t.intervals[g][i];
        std::string lo(t.kpis[i].name), hi(t.kpis[i].name);
        lo.append("_lo");
        hi.append("_hi");
        ordered[lo] = ci ? nlohmann::ordered_json(ci->lower) : nullptr;
        ordered[hi] = ci ? nlohmann::ordered_json(ci->upper) : nullptr;
      }
    }
    out.push_back(std::move(ordered));
  }
  return out;
}

std::string to_csv(const KpiTable& t) {
  std::string out;
  std::string sep;
  for (const auto& k : t.key_names) out += std::exchange(sep, ",") + csv_quote(k);
  for (std::size_t i = 0; i < t.kpis.size(); ++i) {
    out += std::exchange(sep, ",");
    out += t.kpis[i].name;
    if (interval_columns(t, i)) {
      out += ',';
      out += t.kpis[i].name;
      out += "_lo,";
      out += t.kpis[i].name;
      out += "_hi";
    }
  }
  out += "\n";
  for (std::size_t g = 0; g < t.size(); ++g) {
    sep.clear();
    for (const auto& k : t.keys[g]) out += std::exchange(sep, ",") + (k ? csv_quote(*k) : "");
    for (std::size_t i = 0; i < t.kpis.size(); ++i) {
      const auto& v = t.values[g][i];
      out += std::exchange(sep, ",");
      if (t.kpis[i].kind == KpiKind::count && v.value)
        out += std::to_string(static_cast<std::int64_t>(v.numerator));
      else if (v.value)
        out += shortest(*v.value);
      if (interval_columns(t, i)) {
        const auto& ci = t.intervals[g][i];
        out += ',';
        if (ci) out += shortest(ci->lower);
        out += ',';
        if (ci) out += shortest(ci->upper);
      }
    }
    out += "\n";
  }
  return out;
}

std::string to_text(const KpiTable& t) {
  std::vector<std::string> header;
  for (const auto& k : t.key_names) header.push_back(k);
  for (std::size_t i = 0; i < t.kpis.size(); ++i) {
    header.emplace_back(t.kpis[i].name);
    if (interval_columns(t, i)) {
      header.emplace_back(t.kpis[i].name).append("_lo");
      header.emplace_back(t.kpis[i].name).append("_hi");
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t g = 0; g < t.size(); ++g) {
    std::vector<std::string> row;
    for (const auto& k : t.keys[g]) row.push_back(k ? *k : "-");
    for (std::size_t i = 0; i < t.kpis.size(); ++i) {
      const auto& v = t.values[g][i];
      const auto kind = t.kpis[i].kind;
      if (kind == KpiKind::count && v.value)
        row.push_back(std::to_string(static_cast<std::int64_t>(v.numerator)));
      else if (!v.value)
        row.emplace_back("-");
      else
        row.push_back(text_value(kind, *v.value));
      if (interval_columns(t, i)) {
        const auto& ci = t.intervals[g][i];
        row.push_back(ci ? text_value(kind, ci->lower) : "-");
        row.push_back(ci ? text_value(kind, ci->upper) : "-");
      }
    }
    rows.push_back(std::move(row));
  }
  return text_table(header, rows, t.key_names.size(), true);
}

} // namespace kpiscore
