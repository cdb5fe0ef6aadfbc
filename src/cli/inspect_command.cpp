// kpiscore inspect FILE: what a vendor export looks like to the reader — encoding, delimiter,
// header, how each column would be placed, and a suggested mapping document (docs/inputs.md).
// Suggestions are only suggestions: units, formats and flag values are read from a sample of
// rows and printed for a person to check; the reader itself never guesses.
#include "cli_common.hpp"

#include <kpiscore/io/encoding.hpp>
#include <kpiscore/io/mapping.hpp>
#include <kpiscore/io/timestamp.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <set>

namespace {

using namespace kpiscore;
using namespace kpiscore::cli;
using json = nlohmann::json;

const char* inspect_help = R"(kpiscore inspect — how a contacts export will be read

Usage:
  kpiscore inspect FILE [--mapping FILE.json] [--rows N]

Prints the detected encoding and delimiter, the header with the canonical column each header
maps to (mapping entries, canonical names, built-in aliases), the columns it could not place
(kept as dimensions under their own names), required columns still missing, and a suggested
mapping document built from the first N rows (default 200). Check the suggestion before use:
units, timestamp formats and flag values are inferred from the sample. Exit 2 when the file
cannot be decoded or has no header.
)";

bool all_match(const std::vector<std::string>& samples, bool (*pred)(const std::string&)) {
  bool any = false;
  for (const auto& s : samples) {
    if (s.empty()) continue;
    if (!pred(s)) return false;
    any = true;
  }
  return any;
}

bool looks_clock(const std::string& s) {
  std::size_t colons = 0;
  for (char c : s) {
    if (c == ':') ++colons;
    else if (!(c >= '0' && c <= '9') && c != '.') return false;
  }
  return colons == 1 || colons == 2;
}

bool is_number(const std::string& s) {
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') digit = true;
    else if (c != '.' && c != '-' && c != '+') return false;
  }
  return digit;
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

int run_inspect(const std::vector<std::string>& args) {
  std::string path, mapping_path;
  std::size_t rows = 200;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << inspect_help;
      return exit_ok;
    }
    if (a == "--mapping" || a == "--rows") {
      if (i + 1 >= args.size()) throw UsageError(a + ": missing value");
      const std::string& v = args[++i];
      if (a == "--mapping")
        mapping_path = v;
      else {
        try {
          std::size_t used = 0;
          const long n = std::stol(v, &used);
          if (used != v.size() || n < 1 || n > 1'000'000) throw std::invalid_argument("range");
          rows = static_cast<std::size_t>(n);
        } catch (const std::exception&) {
          throw UsageError("--rows: expected a number 1..1000000, actual '" + v + "'");
        }
      }
    } else if (!a.empty() && a[0] == '-')
      throw UsageError("inspect: unknown argument '" + a + "' (see kpiscore inspect --help)");
    else if (path.empty())
      path = a;
    else
      throw UsageError("inspect: one FILE only");
  }
  if (path.empty()) throw UsageError("inspect: FILE is required (see kpiscore inspect --help)");
  Mapping mapping;
  if (!mapping_path.empty()) try {
      mapping = Mapping::from_file(mapping_path);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--mapping: ") + e.what());
    }
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const InputError& e) {
    throw InputError(std::string("input: ") + e.what());
  }
  if (bytes.empty()) throw InputError("input: empty file, expected a header row");
  DecodedText decoded;
  decode_text(bytes, mapping.encoding, decoded);
  const char delimiter = mapping.delimiter ? mapping.delimiter : detect_delimiter(decoded.text);
  const auto records = split_records(decoded.text, delimiter, rows + 1);
  if (records.empty()) throw InputError("input: empty file, expected a header row");
  const auto& header = records[0];

  std::cout << "file: " << path << "\n";
  std::cout << "encoding: " << decoded.encoding << (mapping.encoding == "auto" ? " (detected)" : " (from the mapping)") << "\n";
  std::cout << "delimiter: " << delimiter_name(delimiter) << (mapping.delimiter ? " (from the mapping)" : " (detected)") << "\n";
  std::cout << "rows sampled: " << records.size() - 1 << "\n";
  std::cout << "columns:\n";

  json suggested_cols = json::object();
  std::vector<std::string> unplaced, notes;
  std::set<std::string> placed;
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string& name = header[c];
    std::vector<std::string> samples;
    for (std::size_t r = 1; r < records.size(); ++r)
      if (c < records[r].size()) samples.push_back(records[r][c]);
    const auto target = resolve_header(name, mapping);
    std::cout << "  " << c + 1 << "  " << name << "  ->  ";
    if (!target) {
      std::cout << "(not placed: kept as dimension '" << name << "')\n";
      unplaced.push_back(name);
      continue;
    }
    if (target->empty()) {
      std::cout << "(dropped by the mapping)\n";
      suggested_cols[name] = nullptr;
      continue;
    }
    std::cout << *target << "\n";
    placed.insert(*target);
    json entry = json::object();
    if (const ColumnMapping* cm = mapping.find(name)) {
      Mapping one;
      one.columns.push_back(*cm);
      suggested_cols[name] = one.to_json()["columns"][name];
      continue;
    }
    const std::string& t = *target;
    if (t == "wait_s" || t == "talk_s" || t == "hold_s" || t == "acw_s") {
      const std::string l = lower(name);
      if (all_match(samples, looks_clock))
        entry["unit"] = "hh:mm:ss";
      else if (l.find("ms") != std::string::npos || name.find("毫秒") != std::string::npos)
        entry["unit"] = "ms";
      else if (!samples.empty() && !all_match(samples, is_number))
        notes.push_back(name + ": values are not plain seconds; give \"unit\"");
    } else if (t == "answered" || t == "resolved_first_contact" || t == "complaint" || t == "converted" ||
               t == "direction") {
      std::set<std::string> seen;
      for (const auto& s : samples)
        if (!s.empty()) seen.insert(s);
      const bool dir = t == "direction";
      bool canonical = true;
      for (const auto& s : seen) canonical = canonical && (dir ? (s == "inbound" || s == "outbound") : (s == "0" || s == "1"));
      if (!canonical) {
        bool found = false;
        for (const char* p : dir ? std::vector<const char*>{"呼入/呼出", "in/out"}
                                 : std::vector<const char*>{"Y/N", "yes/no", "true/false", "是/否"}) {
          const auto preset = value_map_preset(p);
          bool fits = true;
          for (const auto& s : seen) fits = fits && preset->values.count(s) > 0;
          if (fits) {
            entry["values"] = p;
            found = true;
            break;
          }
        }
        if (!found) {
          std::string list;
          for (const auto& s : seen) list += (list.empty() ? "" : ", ") + s;
          notes.push_back(name + ": values " + list + " match no preset; give \"values\" as an object");
        }
      }
    } else if (t == "arrived_at") {
      TimeZone utc = TimeZone::locate("UTC");
      LocalToUtc to_utc(utc);
      auto parses = [&](auto&& f) {
        bool any = false;
        for (const auto& s : samples) {
          if (s.empty()) continue;
          if (f(s).error != TimestampError::none) return false;
          any = true;
        }
        return any;
      };
      if (!parses([&](const std::string& s) { return parse_timestamp(s, to_utc); })) {
        bool found = false;
        for (const char* f : {"%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M:%S.%f", "%Y%m%d%H%M%S",
                              "%Y%m%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S",
                              "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"}) {
          if (parses([&](const std::string& s) { return parse_timestamp_format(s, f, to_utc); })) {
            entry["format"] = f;
            found = true;
            if (std::string(f).rfind("%d/%m", 0) == 0 || std::string(f).rfind("%m/%d", 0) == 0)
              notes.push_back(name + ": day/month order is ambiguous in a sample; check \"format\"");
            break;
          }
        }
        if (!found) notes.push_back(name + ": no known timestamp format fits the sample; give \"format\"");
      }
    } else if (t == "csat") {
      int hi = 0;
      for (const auto& s : samples)
        if (is_number(s)) hi = std::max(hi, static_cast<int>(std::stod(s)));
      if (hi > 5)
        notes.push_back(name + ": values up to " + std::to_string(hi) +
                        " exceed csat 1..5: declare \"scale\" and a \"rule\", or set csat.scale in the options "
                        "(never guessed)");
    }
    if (name == t && entry.empty()) continue; // canonical header, canonical values
    if (entry.empty())
      suggested_cols[name] = t;
    else {
      entry["to"] = t;
      suggested_cols[name] = entry;
    }
  }
  std::vector<std::string> missing;
  for (const char* req : {"contact_id", "arrived_at", "direction", "answered", "wait_s"})
    if (!placed.count(req)) missing.push_back(req);
  std::cout << "not placed (kept as dimensions under their own names):";
  if (unplaced.empty()) std::cout << " none";
  for (const auto& u : unplaced) std::cout << " " << u << (&u == &unplaced.back() ? "" : ",");
  std::cout << "\nmissing required columns:";
  if (missing.empty()) std::cout << " none";
  for (const auto& m : missing) std::cout << " " << m << (&m == &missing.back() ? "" : ",");
  std::cout << "\n";
  for (const auto& n : notes) std::cout << "note: " << n << "\n";
  json suggested = {{"encoding", decoded.encoding == "utf-8-bom" ? std::string("utf-8") : decoded.encoding},
                    {"delimiter", std::string(1, delimiter)},
                    {"columns", suggested_cols}};
  if (decoded.encoding.rfind("utf-16", 0) == 0) suggested["encoding"] = "utf-16";
  std::cout << "suggested mapping:\n" << suggested.dump(2) << "\n";
  return exit_ok;
}

kpiscore::cli::RegisterCommand reg{"inspect", "kpiscore inspect FILE [--mapping M]              encoding, delimiter, header and a suggested mapping", &run_inspect};

} // namespace
