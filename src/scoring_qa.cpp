// QA evaluation forms, evaluation records, per-evaluation scores, per-group QA aggregates and
// extra indicator tables joined into a KpiTable (qa_form.hpp, qa_evaluations.hpp, qa_scores.hpp,
// qa_aggregates.hpp, indicator_columns.hpp; docs/scoring.md "QA evaluation forms").
#include <kpiscore/detail/decimal.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/timestamp.hpp>
#include <kpiscore/scoring/indicator_columns.hpp>
#include <kpiscore/scoring/qa_aggregates.hpp>
#include <kpiscore/scoring/qa_evaluations.hpp>
#include <kpiscore/scoring/qa_form.hpp>
#include <kpiscore/scoring/qa_scores.hpp>
#include <kpiscore/scoring/units.hpp>
#include <kpiscore/table/time_zone.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace kpiscore::scoring {

struct QaForm::Data {
  std::string name, fingerprint;
  std::vector<QaSection> sections;
  std::vector<QaItem> items;
  std::vector<QaCriticalFlag> flags;
  std::vector<QaDeduction> deductions;
  std::vector<QaBonus> bonuses;
  double pass_mark = 80;
};

namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------- small text helpers

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_na(std::string_view s) {
  const std::string l = lower(s);
  return l == "na" || l == "n/a";
}

/// A finite decimal number (no hex, no inf/nan), the whole field.
std::optional<double> number_of(std::string_view s) { return detail::finite_decimal(trimmed(s)); }

/// A whole number >= 0 ("3", "3.0"); nullopt otherwise.
std::optional<std::int64_t> whole_of(std::string_view s) {
  const auto v = number_of(s);
  if (!v || *v < 0 || *v != std::floor(*v) || *v > 1e15) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

/// RFC 4180 records of a whole buffer, fields copied out (evaluation files are small next to
/// contact files). Tracks the physical line where each record starts.
class CsvRecords {
public:
  explicit CsvRecords(std::string_view text) : s_(text) {
    if (s_.size() >= 3 && static_cast<unsigned char>(s_[0]) == 0xEF && static_cast<unsigned char>(s_[1]) == 0xBB &&
        static_cast<unsigned char>(s_[2]) == 0xBF)
      pos_ = 3;
  }
  bool done() const { return pos_ >= s_.size(); }

  /// The next record into `out`; returns its first line. `bad` reports a quote problem
  /// (unterminated, or text after a closing quote); the rest of that line is skipped.
  std::uint64_t next(std::vector<std::string>& out, bool& bad) {
    out.clear();
    bad = false;
    const std::uint64_t first = line_;
    std::string field;
    while (true) {
      field.clear();
      if (pos_ < s_.size() && s_[pos_] == '"') {
        ++pos_;
        bool closed = false;
        while (pos_ < s_.size()) {
          const char c = s_[pos_++];
          if (c == '"') {
            if (pos_ < s_.size() && s_[pos_] == '"') {
              field += '"';
              ++pos_;
            } else {
              closed = true;
              break;
            }
          } else {
            if (c == '\n') ++line_;
            field += c;
          }
        }
        if (!closed || (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '\n' && s_[pos_] != '\r')) {
          bad = true;
          while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
          if (pos_ < s_.size()) {
            ++pos_;
            ++line_;
          }
          out.push_back(field);
          return first;
        }
      } else {
        while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '\n' && s_[pos_] != '\r') field += s_[pos_++];
      }
      out.push_back(field);
      if (pos_ >= s_.size()) return first;
      if (s_[pos_] == ',') {
        ++pos_;
        if (pos_ >= s_.size()) {
          out.emplace_back();
          return first;
        }
        continue;
      }
      if (s_[pos_] == '\r') ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '\n') ++pos_;
      ++line_;
      return first;
    }
  }

private:
  std::string_view s_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
};

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("input: cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError("input: cannot read '" + path + "'");
  return ss.str();
}

// ---------------------------------------------------------------- the form compiler

std::string json_text(const std::string& s) { return json(s).dump(); }

void known_keys(const json& obj, const std::string& path, std::initializer_list<const char*> keys,
                const char* what = "an object") {
  if (!obj.is_object()) throw SpecError(path, std::string("expected ") + what);
  for (const auto& [k, v] : obj.items()) {
    bool ok = false;
    for (const char* key : keys) ok = ok || k == key;
    if (ok) continue;
    std::string list;
    for (const char* key : keys) list += std::string(list.empty() ? "" : ", ") + key;
    throw SpecError(path + "/" + k, "unknown key (expected one of: " + list + ")");
  }
}

const json& need(const json& obj, const std::string& path, const char* key) {
  if (!obj.contains(key)) throw SpecError(path, std::string("missing required key \"") + key + "\"");
  return obj[key];
}

std::string text_at(const json& v, const std::string& path) {
  if (!v.is_string() || v.get<std::string>().empty()) throw SpecError(path, "expected a non-empty string");
  return v.get<std::string>();
}

std::string percent_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g%%", x * 100.0);
  return buf;
}

/// Columns of an evaluation record that are not form items.
const std::set<std::string, std::less<>>& reserved_columns() {
  static const std::set<std::string, std::less<>> r{"evaluation_id", "contact_id", "agent_id", "evaluator",
                                                    "evaluated_at", "forbidden_phrases", "wrong_answers",
                                                    "process_violations", "calibration"};
  return r;
}

struct FormCompiler {
  std::vector<SpecError> errors;
  QaForm::Data d;
  std::set<std::string, std::less<>> columns;

  template <class F> bool guard(F&& f) {
    try {
      f();
      return true;
    } catch (const SpecError& e) {
      errors.push_back(e);
      return false;
    }
  }

  void claim(const std::string& name, const std::string& path) {
    if (reserved_columns().count(name))
      throw SpecError(path, json_text(name) + " is a standard column of the evaluation records");
    if (!columns.insert(name).second)
      throw SpecError(path, "duplicate column " + json_text(name) + " (item, flag and bonus names must be unique)");
  }

  /// Weights of one level: all given (adding up to 100 % unless normalize) or none (equal).
  std::vector<double> weights(const std::vector<std::optional<double>>& w, const std::string& path, bool normalize) {
    const auto given = std::count_if(w.begin(), w.end(), [](const auto& x) { return x.has_value(); });
    if (given == 0) return std::vector<double>(w.size(), 1.0 / static_cast<double>(w.size()));
    if (static_cast<std::size_t>(given) != w.size())
      throw SpecError(path, "give a weight to every item of this level or to none (none: equal weights)");
    double sum = 0;
    for (const auto& x : w) sum += *x;
    if (!(sum > 0)) throw SpecError(path, "weights add up to 0%");
    if (!normalize && std::abs(sum - 1.0) > 1e-9)
      throw SpecError(path, "weights add up to " + percent_text(sum) + " (expected 100%, or set \"normalize\": true)");
    std::vector<double> out;
    for (const auto& x : w) out.push_back(*x / sum);
    return out;
  }

  QaItem item(const json& v, const std::string& p, std::uint32_t section) {
    known_keys(v, p, {"name", "weight", "scale", "na", "critical", "description"});
    QaItem it;
    it.name = text_at(need(v, p, "name"), p + "/name");
    it.section = section;
    if (v.contains("description")) text_at(v["description"], p + "/description");
    const json& sc = need(v, p, "scale");
    const std::string sp = p + "/scale";
    if (sc.is_object()) {
      known_keys(sc, sp, {"points"});
      it.scale = QaScale::points;
      it.max_points = parse_points(need(sc, sp, "points"), sp + "/points");
      if (!(it.max_points > 0)) throw SpecError(sp + "/points", "expected a maximum greater than 0");
    } else {
      const std::string s = sc.is_string() ? sc.get<std::string>() : "";
      if (s == "yes_no") it.scale = QaScale::yes_no;
      else if (s == "1-5") it.scale = QaScale::one_to_five;
      else if (s == "0-10") it.scale = QaScale::zero_to_ten;
      else
        throw SpecError(sp, "expected \"yes_no\", \"1-5\", \"0-10\" or {\"points\": MAX}, actual " + sc.dump());
    }
    if (v.contains("na")) {
      if (!v["na"].is_boolean()) throw SpecError(p + "/na", "expected true or false (may the item be marked N/A)");
      it.na_allowed = v["na"].get<bool>();
    }
    if (v.contains("critical")) {
      const json& c = v["critical"];
      const std::string s = c.is_string() ? c.get<std::string>() : "";
      if (s == "evaluation") it.critical = CriticalScope::evaluation;
      else if (s == "section") it.critical = CriticalScope::section;
      else throw SpecError(p + "/critical", "expected \"evaluation\" or \"section\" (what a fail voids), actual " + c.dump());
      if (it.scale != QaScale::yes_no)
        throw SpecError(p + "/critical", "a critical item needs the \"yes_no\" scale (\"no\" is the failure)");
    }
    claim(it.name, p + "/name");
    return it;
  }

  /// One section; false when an item had an error (recorded; the section is left out).
  bool section(const json& v, const std::string& p, std::optional<double>& weight) {
    known_keys(v, p, {"name", "weight", "normalize", "items", "description"});
    QaSection s;
    s.name = text_at(need(v, p, "name"), p + "/name");
    for (const auto& o : d.sections)
      if (o.name == s.name) throw SpecError(p + "/name", "duplicate section " + json_text(s.name));
    if (v.contains("description")) text_at(v["description"], p + "/description");
    if (v.contains("weight")) weight = parse_weight(v["weight"], p + "/weight");
    bool normalize = false;
    if (v.contains("normalize")) {
      if (!v["normalize"].is_boolean()) throw SpecError(p + "/normalize", "expected true or false");
      normalize = v["normalize"].get<bool>();
    }
    const json& items = need(v, p, "items");
    if (!items.is_array() || items.empty()) throw SpecError(p + "/items", "expected a non-empty array of items");
    const auto index = static_cast<std::uint32_t>(d.sections.size());
    std::vector<std::optional<double>> w;
    std::vector<QaItem> parsed;
    bool ok = true;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string ip = p + "/items/" + std::to_string(i);
      ok = guard([&] {
             std::optional<double> iw;
             if (items[i].is_object() && items[i].contains("weight")) iw = parse_weight(items[i]["weight"], ip + "/weight");
             parsed.push_back(item(items[i], ip, index));
             w.push_back(iw);
           }) && ok;
    }
    if (!ok) return false;
    const auto ws = weights(w, p + "/items", normalize);
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      parsed[i].weight = ws[i];
      s.items.push_back(static_cast<std::uint32_t>(d.items.size()));
      d.items.push_back(std::move(parsed[i]));
    }
    d.sections.push_back(std::move(s));
    return true;
  }

  void compile(const json& spec) {
    if (!spec.is_object()) throw SpecError("/", "expected a form object");
    known_keys(spec, "", {"name", "description", "pass_mark", "normalize", "sections", "critical_flags", "deductions",
                          "bonuses"});
    guard([&] { d.name = spec.contains("name") ? text_at(spec["name"], "/name") : "form"; });
    guard([&] { if (spec.contains("description")) text_at(spec["description"], "/description"); });
    guard([&] {
      if (!spec.contains("pass_mark")) return;
      d.pass_mark = parse_points(spec["pass_mark"], "/pass_mark");
      if (d.pass_mark > 100) throw SpecError("/pass_mark", "expected a score 0..100");
    });
    bool normalize = false;
    guard([&] {
      if (!spec.contains("normalize")) return;
      if (!spec["normalize"].is_boolean()) throw SpecError("/normalize", "expected true or false");
      normalize = spec["normalize"].get<bool>();
    });
    guard([&] {
      const json& secs = need(spec, "/", "sections");
      if (!secs.is_array() || secs.empty()) throw SpecError("/sections", "expected a non-empty array of sections");
      std::vector<std::optional<double>> w;
      bool ok = true;
      for (std::size_t i = 0; i < secs.size(); ++i) {
        std::optional<double> sw;
        bool items_ok = true;
        ok = guard([&] { items_ok = section(secs[i], "/sections/" + std::to_string(i), sw); }) && items_ok && ok;
        w.push_back(sw);
      }
      if (!ok) return;
      const auto ws = weights(w, "/sections", normalize);
      for (std::size_t i = 0; i < ws.size(); ++i) d.sections[i].weight = ws[i];
    });
    if (spec.contains("critical_flags"))
      guard([&] {
        const json& fs = spec["critical_flags"];
        if (!fs.is_array()) throw SpecError("/critical_flags", "expected an array of critical flags");
        for (std::size_t i = 0; i < fs.size(); ++i)
          guard([&] {
            const std::string p = "/critical_flags/" + std::to_string(i);
            known_keys(fs[i], p, {"name", "scope", "section", "description"});
            QaCriticalFlag f;
            f.name = text_at(need(fs[i], p, "name"), p + "/name");
            if (fs[i].contains("description")) text_at(fs[i]["description"], p + "/description");
            const std::string scope = fs[i].contains("scope") ? text_at(fs[i]["scope"], p + "/scope") : "evaluation";
            if (scope == "evaluation") {
              f.scope = CriticalScope::evaluation;
              if (fs[i].contains("section")) throw SpecError(p + "/section", "an evaluation-level flag has no section");
            } else if (scope == "section") {
              f.scope = CriticalScope::section;
              const std::string s = text_at(need(fs[i], p, "section"), p + "/section");
              bool found = false;
              for (std::uint32_t k = 0; k < d.sections.size(); ++k)
                if (d.sections[k].name == s) {
                  f.section = k;
                  found = true;
                }
              if (!found) throw SpecError(p + "/section", "no section named " + json_text(s));
            } else
              throw SpecError(p + "/scope", "expected \"evaluation\" or \"section\", actual " + fs[i]["scope"].dump());
            claim(f.name, p + "/name");
            d.flags.push_back(std::move(f));
          });
      });
    if (spec.contains("deductions"))
      guard([&] {
        const json& ds = spec["deductions"];
        if (!ds.is_array()) throw SpecError("/deductions", "expected an array of deductions");
        for (std::size_t i = 0; i < ds.size(); ++i)
          guard([&] {
            const std::string p = "/deductions/" + std::to_string(i);
            known_keys(ds[i], p, {"count", "points", "beyond", "cap", "description"});
            QaDeduction x;
            const json& c = need(ds[i], p, "count");
            const std::string cn = c.is_string() ? c.get<std::string>() : "";
            bool found = false;
            for (std::size_t k = 0; k < qa_count_names.size(); ++k)
              if (qa_count_names[k] == cn) {
                x.count = static_cast<QaCount>(k);
                found = true;
              }
            if (!found)
              throw SpecError(p + "/count",
                              "expected \"forbidden_phrases\", \"wrong_answers\" or \"process_violations\", actual " + c.dump());
            if (ds[i].contains("description")) text_at(ds[i]["description"], p + "/description");
            x.points = parse_points(need(ds[i], p, "points"), p + "/points");
            if (ds[i].contains("beyond")) x.beyond = parse_points(ds[i]["beyond"], p + "/beyond");
            if (ds[i].contains("cap")) x.cap = parse_points(ds[i]["cap"], p + "/cap");
            d.deductions.push_back(x);
          });
      });
    if (spec.contains("bonuses"))
      guard([&] {
        const json& bs = spec["bonuses"];
        if (!bs.is_array()) throw SpecError("/bonuses", "expected an array of bonuses");
        for (std::size_t i = 0; i < bs.size(); ++i)
          guard([&] {
            const std::string p = "/bonuses/" + std::to_string(i);
            known_keys(bs[i], p, {"name", "points", "cap", "description"});
            QaBonus b;
            b.name = text_at(need(bs[i], p, "name"), p + "/name");
            if (bs[i].contains("description")) text_at(bs[i]["description"], p + "/description");
            b.points = parse_points(need(bs[i], p, "points"), p + "/points");
            if (bs[i].contains("cap")) b.cap = parse_points(bs[i]["cap"], p + "/cap");
            claim(b.name, p + "/name");
            d.bonuses.push_back(std::move(b));
          });
      });
    const std::string text = spec.dump();
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
      h ^= c;
      h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    d.fingerprint = buf;
  }
};

json parse_form_text(std::string_view text) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw SpecError("/", std::string("not valid JSON: ") + e.what());
  }
}

} // namespace

// ---------------------------------------------------------------- QaForm

std::string_view name_of(QaScale s) noexcept {
  switch (s) {
  case QaScale::yes_no: return "yes_no";
  case QaScale::one_to_five: return "1-5";
  case QaScale::zero_to_ten: return "0-10";
  case QaScale::points: return "points";
  }
  return "?";
}

std::string_view name_of(CriticalScope s) noexcept {
  switch (s) {
  case CriticalScope::none: return "none";
  case CriticalScope::section: return "section";
  case CriticalScope::evaluation: return "evaluation";
  }
  return "?";
}

std::vector<SpecError> QaForm::check(const json& spec) {
  FormCompiler c;
  c.guard([&] { c.compile(spec); });
  return std::move(c.errors);
}

std::vector<SpecError> QaForm::check_text(std::string_view text) {
  try {
    return check(parse_form_text(text));
  } catch (const SpecError& e) {
    return {e};
  }
}

QaForm QaForm::compile(const json& spec) {
  FormCompiler c;
  c.guard([&] { c.compile(spec); });
  if (!c.errors.empty()) throw c.errors.front();
  return QaForm(std::make_shared<const Data>(std::move(c.d)));
}

QaForm QaForm::compile_text(std::string_view text) { return compile(parse_form_text(text)); }

const std::string& QaForm::name() const noexcept { return data_->name; }
const std::string& QaForm::fingerprint() const noexcept { return data_->fingerprint; }
const std::vector<QaSection>& QaForm::sections() const noexcept { return data_->sections; }
const std::vector<QaItem>& QaForm::items() const noexcept { return data_->items; }
const std::vector<QaCriticalFlag>& QaForm::critical_flags() const noexcept { return data_->flags; }
const std::vector<QaDeduction>& QaForm::deductions() const noexcept { return data_->deductions; }
const std::vector<QaBonus>& QaForm::bonuses() const noexcept { return data_->bonuses; }
double QaForm::pass_mark() const noexcept { return data_->pass_mark; }
bool QaForm::deducts(QaCount c) const noexcept {
  for (const auto& x : data_->deductions)
    if (x.count == c) return true;
  return false;
}

// ---------------------------------------------------------------- evaluation records

EvaluationReadResult read_evaluations_csv(std::string_view text, const QaForm& form, const std::string& timezone) {
  EvaluationReadResult result;
  EvaluationRecords& r = result.records;
  const TimeZone zone = TimeZone::locate(timezone);
  LocalToUtc to_utc(zone);
  CsvRecords scan(text);
  std::vector<std::string> fields;
  bool bad = false;
  if (scan.done()) throw InputError("evaluations: empty file, expected a header row");
  scan.next(fields, bad);
  if (bad) throw InputError("evaluations header: unterminated or misplaced quote");

  // Column roles: 0..3 ids, 4 evaluated_at, 5 evaluator, 6..8 counts, 9 calibration, then
  // items, flags and bonuses by index.
  enum Role : int { r_eval, r_contact, r_agent, r_evaluator, r_at, r_count0, r_calibration = r_count0 + 3, r_item,
                    r_flag, r_bonus, r_ignored };
  struct Column {
    Role role = r_ignored;
    std::size_t index = 0;
  };
  const std::size_t I = form.items().size(), F = form.critical_flags().size(), B = form.bonuses().size();
  std::vector<Column> cols(fields.size());
  std::vector<std::string> names;
  std::map<std::string, std::size_t, std::less<>> seen;
  for (std::size_t f = 0; f < fields.size(); ++f) {
    const std::string name(trimmed(fields[f]));
    if (name.empty()) throw InputError("evaluations header: column " + std::to_string(f + 1) + " has no name");
    if (!seen.emplace(name, f).second) throw InputError("evaluations header: column '" + name + "' appears twice");
    names.push_back(name);
    Column& c = cols[f];
    if (name == "evaluation_id") c.role = r_eval;
    else if (name == "contact_id") c.role = r_contact;
    else if (name == "agent_id") c.role = r_agent;
    else if (name == "evaluator") c.role = r_evaluator;
    else if (name == "evaluated_at") c.role = r_at;
    else if (name == "calibration") c.role = r_calibration;
    else {
      for (std::size_t k = 0; k < qa_count_names.size(); ++k)
        if (name == qa_count_names[k]) c = {static_cast<Role>(r_count0 + static_cast<int>(k)), k};
      for (std::size_t i = 0; i < I; ++i)
        if (name == form.items()[i].name) c = {r_item, i};
      for (std::size_t i = 0; i < F; ++i)
        if (name == form.critical_flags()[i].name) c = {r_flag, i};
      for (std::size_t i = 0; i < B; ++i)
        if (name == form.bonuses()[i].name) c = {r_bonus, i};
    }
  }
  auto require = [&](const std::string& name, const char* why) {
    if (!seen.count(name)) throw InputError("evaluations header: missing required column '" + name + "'" + why);
  };
  for (const char* n : {"evaluation_id", "contact_id", "agent_id", "evaluated_at"}) require(n, "");
  for (const auto& it : form.items()) require(it.name, " (an item of the form)");
  for (const auto& fl : form.critical_flags()) require(fl.name, " (a critical flag of the form)");
  for (const auto& b : form.bonuses()) require(b.name, " (a bonus of the form)");
  for (std::size_t k = 0; k < qa_count_names.size(); ++k) {
    if (form.deducts(static_cast<QaCount>(k))) require(std::string(qa_count_names[k]), " (the form deducts per occurrence)");
    if (seen.count(qa_count_names[k])) r.counts[k].reserve(64);
  }
  std::array<bool, 3> has_count{};
  for (std::size_t k = 0; k < 3; ++k) has_count[k] = seen.count(qa_count_names[k]) > 0;

  std::set<std::string, std::less<>> ids;
  std::vector<double> marks(I), units(B);
  std::vector<std::uint8_t> flags(F);
  std::array<std::int64_t, 3> counts{};
  const std::size_t nfields = fields.size();
  while (!scan.done()) {
    const std::uint64_t line = scan.next(fields, bad);
    if (fields.size() == 1 && fields[0].empty() && !bad) {
      ++result.blank_lines;
      continue;
    }
    ++result.rows_read;
    auto reject = [&](std::string_view field, std::string reason) {
      result.rejects.push_back({line, std::string(field), std::move(reason)});
    };
    if (bad) {
      reject("", "unterminated or misplaced quote");
      continue;
    }
    if (fields.size() != nfields) {
      reject("", "expected " + std::to_string(nfields) + " fields, actual " + std::to_string(fields.size()));
      continue;
    }
    std::string id, contact, agent, evaluator;
    std::int64_t at = 0;
    std::uint8_t calibration = 0;
    std::fill(marks.begin(), marks.end(), NAN);
    std::fill(units.begin(), units.end(), 0.0);
    std::fill(flags.begin(), flags.end(), std::uint8_t{0});
    counts.fill(0);
    bool ok = true;
    for (std::size_t f = 0; f < nfields && ok; ++f) {
      const std::string_view v = trimmed(fields[f]);
      auto fail = [&](std::string reason) {
        reject(names[f], std::move(reason));
        ok = false;
      };
      const Column& c = cols[f];
      switch (c.role) {
      case r_eval:
      case r_contact:
      case r_agent:
        if (v.empty()) fail("missing required value");
        else (c.role == r_eval ? id : c.role == r_contact ? contact : agent) = std::string(v);
        break;
      case r_evaluator: evaluator = std::string(v); break;
      case r_at: {
        if (v.empty()) {
          fail("missing required value");
          break;
        }
        const auto ts = parse_timestamp(v, to_utc);
        if (ts.error == TimestampError::syntax) fail("not an ISO-8601 timestamp");
        else if (ts.error == TimestampError::impossible) fail("impossible date or time");
        else if (ts.error == TimestampError::out_of_range) fail("timestamp before 1900");
        else if (ts.error == TimestampError::nonexistent_local) fail("local time does not exist in " + zone.name() + " (DST gap)");
        else at = ts.utc_ms;
        break;
      }
      case r_calibration:
      case r_flag: {
        std::uint8_t x = 0;
        if (v.empty() || v == "0") x = 0;
        else if (v == "1") x = 1;
        else {
          fail("expected 0 or 1");
          break;
        }
        if (c.role == r_calibration) calibration = x;
        else flags[c.index] = x;
        break;
      }
      case r_bonus: {
        if (v.empty()) break;
        const auto n = whole_of(v);
        if (!n) fail("expected a whole number >= 0");
        else units[c.index] = static_cast<double>(*n);
        break;
      }
      case r_item: {
        const QaItem& it = form.items()[c.index];
        if (v.empty() || is_na(v)) {
          if (!it.na_allowed) fail(v.empty() ? "missing required value" : "N/A not allowed for this item");
          break;
        }
        double m = NAN;
        switch (it.scale) {
        case QaScale::yes_no: {
          const std::string l = lower(v);
          if (l == "1" || l == "yes" || l == "y") m = 1;
          else if (l == "0" || l == "no" || l == "n") m = 0;
          else fail("expected yes, no, 1, 0 or NA");
          break;
        }
        case QaScale::one_to_five:
        case QaScale::zero_to_ten: {
          const bool five = it.scale == QaScale::one_to_five;
          const auto n = whole_of(v);
          if (!n || *n < (five ? 1 : 0) || *n > (five ? 5 : 10)) fail(five ? "expected a whole number 1..5 or NA" : "expected a whole number 0..10 or NA");
          else m = static_cast<double>(*n);
          break;
        }
        case QaScale::points: {
          const auto n = number_of(v);
          if (!n || *n < 0 || *n > it.max_points) fail("expected points 0.." + format_number(it.max_points) + " or NA");
          else m = *n;
          break;
        }
        }
        if (ok) marks[c.index] = m;
        break;
      }
      case r_ignored: break;
      default: {
        if (v.empty()) break; // no count written: none recorded
        const auto n = whole_of(v);
        if (!n) fail("expected a whole number >= 0");
        else counts[static_cast<std::size_t>(c.role - r_count0)] = *n;
        break;
      }
      }
    }
    if (!ok) continue;
    if (!ids.insert(id).second) {
      reject("evaluation_id", "duplicate evaluation_id");
      continue;
    }
    r.evaluation_id.push_back(std::move(id));
    r.contact_id.push_back(std::move(contact));
    r.agent_id.push_back(std::move(agent));
    r.evaluator.push_back(std::move(evaluator));
    r.evaluated_at_ms.push_back(at);
    r.marks.insert(r.marks.end(), marks.begin(), marks.end());
    for (std::size_t k = 0; k < 3; ++k)
      if (has_count[k]) r.counts[k].push_back(counts[k]);
    r.flags.insert(r.flags.end(), flags.begin(), flags.end());
    r.bonus_units.insert(r.bonus_units.end(), units.begin(), units.end());
    r.calibration.push_back(calibration);
    r.line.push_back(line);
  }
  return result;
}

EvaluationReadResult read_evaluations_csv_file(const std::string& path, const QaForm& form, const std::string& timezone) {
  return read_evaluations_csv(read_whole_file(path), form, timezone);
}

// ---------------------------------------------------------------- per-evaluation scores

namespace {

/// Weighted item score, 0..100, with N/A renormalization; `voided` sections score 0.
double weighted_base(const QaForm& form, const double* marks, const std::vector<std::uint8_t>& voided,
                     std::vector<double>& sections) {
  double num = 0, den = 0;
  sections.assign(form.sections().size(), NAN);
  for (std::size_t s = 0; s < form.sections().size(); ++s) {
    const QaSection& sec = form.sections()[s];
    double sn = 0, sd = 0;
    for (std::uint32_t i : sec.items) {
      const double m = marks[i];
      if (std::isnan(m)) continue;
      sn += form.items()[i].weight * form.items()[i].fraction(m);
      sd += form.items()[i].weight;
    }
    double v = sd > 0 ? 100.0 * sn / sd : NAN;
    if (voided[s]) v = 0;
    sections[s] = v;
    if (!std::isnan(v)) {
      num += sec.weight * v;
      den += sec.weight;
    }
  }
  return den > 0 ? num / den : NAN;
}

} // namespace

EvaluationScore score_evaluation(const QaForm& form, const EvaluationRecords& r, std::size_t row) {
  EvaluationScore out;
  const std::size_t I = form.items().size(), F = form.critical_flags().size(), B = form.bonuses().size();
  const double* marks = r.marks.data() + row * I;
  std::vector<std::uint8_t> voided(form.sections().size(), 0);
  for (std::size_t i = 0; i < I; ++i) {
    const QaItem& it = form.items()[i];
    if (it.critical == CriticalScope::none || std::isnan(marks[i]) || marks[i] != 0) continue;
    if (it.critical == CriticalScope::evaluation) out.critical_fail = true;
    else voided[it.section] = 1;
  }
  for (std::size_t f = 0; f < F; ++f) {
    if (!r.flags[row * F + f]) continue;
    const QaCriticalFlag& fl = form.critical_flags()[f];
    if (fl.scope == CriticalScope::evaluation) out.critical_fail = true;
    else voided[fl.section] = 1;
  }
  for (const QaDeduction& d : form.deductions()) {
    const auto& col = r.counts[static_cast<std::size_t>(d.count)];
    if (col.empty()) continue;
    const double n = static_cast<double>(col[row]) - d.beyond;
    if (!(n > 0)) continue;
    double pts = d.points * n;
    if (d.cap) pts = std::min(pts, *d.cap);
    out.deducted += pts;
  }
  for (std::size_t b = 0; b < B; ++b) {
    const QaBonus& bo = form.bonuses()[b];
    double pts = bo.points * r.bonus_units[row * B + b];
    if (bo.cap) pts = std::min(pts, *bo.cap);
    out.bonus += pts;
  }
  const std::vector<std::uint8_t> none(form.sections().size(), 0);
  out.base = weighted_base(form, marks, none, out.sections);
  auto adjust = [&](double base) { return std::isnan(base) ? NAN : std::clamp(base - out.deducted + out.bonus, 0.0, 100.0); };
  out.raw = adjust(out.base);
  for (std::uint32_t s = 0; s < voided.size(); ++s)
    if (voided[s]) out.failed_sections.push_back(s);
  if (out.critical_fail) {
    out.score = 0;
    weighted_base(form, marks, voided, out.sections);
  } else if (!out.failed_sections.empty())
    out.score = adjust(weighted_base(form, marks, voided, out.sections));
  else
    out.score = out.raw;
  out.passed = !out.critical_fail && !std::isnan(out.score) && out.score >= form.pass_mark();
  return out;
}

std::vector<EvaluationScore> score_evaluations(const QaForm& form, const EvaluationRecords& records) {
  std::vector<EvaluationScore> out;
  out.reserve(records.size());
  for (std::size_t row = 0; row < records.size(); ++row) out.push_back(score_evaluation(form, records, row));
  return out;
}

std::string explain_evaluation(const QaForm& form, const EvaluationRecords& r, std::size_t row) {
  const EvaluationScore s = score_evaluation(form, r, row);
  const std::size_t I = form.items().size(), F = form.critical_flags().size(), B = form.bonuses().size();
  auto num = [](double v) {
    if (std::isnan(v)) return std::string("N/A");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return std::string(buf);
  };
  std::string out = "evaluation " + r.evaluation_id[row] + " (form \"" + form.name() + "\")" +
                    (r.calibration[row] ? " [calibration]" : "") + "\n";
  for (std::size_t sec = 0; sec < form.sections().size(); ++sec) {
    const QaSection& q = form.sections()[sec];
    out += "  " + q.name + " (weight " + percent_text(q.weight) + "): " + num(s.sections[sec]);
    if (std::find(s.failed_sections.begin(), s.failed_sections.end(), sec) != s.failed_sections.end())
      out += " VOIDED by a section-level critical failure";
    out += "\n";
    for (std::uint32_t i : q.items) {
      const QaItem& it = form.items()[i];
      const double m = r.marks[row * I + i];
      out += "    " + it.name + " [" + std::string(name_of(it.scale)) + "] ";
      if (std::isnan(m)) out += "N/A (dropped, weights renormalized)";
      else out += "mark " + format_number(m) + " = " + num(100.0 * it.fraction(m)) + "% of " + percent_text(it.weight);
      if (it.critical != CriticalScope::none && !std::isnan(m) && m == 0)
        out += "; CRITICAL FAIL (" + std::string(name_of(it.critical)) + ")";
      out += "\n";
    }
  }
  for (std::size_t f = 0; f < F; ++f)
    if (r.flags[row * F + f])
      out += "  critical flag " + form.critical_flags()[f].name + " (" +
             std::string(name_of(form.critical_flags()[f].scope)) + ")\n";
  for (const QaDeduction& d : form.deductions()) {
    const auto& col = r.counts[static_cast<std::size_t>(d.count)];
    if (col.empty() || col[row] == 0) continue;
    const double n = std::max(0.0, static_cast<double>(col[row]) - d.beyond);
    double pts = d.points * n;
    const bool capped = d.cap && pts > *d.cap;
    if (d.cap) pts = std::min(pts, *d.cap);
    out += "  " + std::string(qa_count_names[static_cast<std::size_t>(d.count)]) + ": " + std::to_string(col[row]) +
           ", " + format_number(d.points) + " points each beyond " + format_number(d.beyond) + ": -" + num(pts) +
           (capped ? " (capped)" : "") + "\n";
  }
  for (std::size_t b = 0; b < B; ++b)
    if (r.bonus_units[row * B + b] > 0) {
      const QaBonus& bo = form.bonuses()[b];
      double pts = bo.points * r.bonus_units[row * B + b];
      const bool capped = bo.cap && pts > *bo.cap;
      if (bo.cap) pts = std::min(pts, *bo.cap);
      out += "  bonus " + bo.name + ": +" + num(pts) + (capped ? " (capped)" : "") + "\n";
    }
  out += "  items " + num(s.base) + ", raw score " + num(s.raw) + ", score " + num(s.score) +
         (s.critical_fail ? " (CRITICAL FAIL: evaluation voided)" : "") + (s.passed ? ", passed" : ", not passed") +
         " (pass mark " + format_number(form.pass_mark()) + ")\n";
  return out;
}

// ---------------------------------------------------------------- aggregates and joins

std::string_view name_of(QaUse u) noexcept {
  switch (u) {
  case QaUse::used: return "used";
  case QaUse::calibration: return "calibration";
  case QaUse::superseded: return "superseded";
  case QaUse::unknown_contact: return "unknown_contact";
  case QaUse::agent_mismatch: return "agent_mismatch";
  }
  return "?";
}

std::size_t QaTable::count(QaUse u) const noexcept { return static_cast<std::size_t>(std::count(use.begin(), use.end(), u)); }

namespace {

using Key = std::vector<std::optional<std::string>>;

/// Byte-wise labels, null last: the engine's group order.
bool key_less(const Key& a, const Key& b) {
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] == b[k]) continue;
    if (!a[k]) return false;
    if (!b[k]) return true;
    return *a[k] < *b[k];
  }
  return false;
}

struct KeyLess {
  bool operator()(const Key& a, const Key& b) const { return key_less(a, b); }
};

KpiValue null_of(KpiKind kind) { return kind == KpiKind::count ? KpiValue{0.0, 0.0, 1.0} : KpiValue{}; }

/// Adds columns `defs` to `table`: `row_of(key)` gives the source values of a key (nullptr:
/// none), groups only the source has are added, then the groups are put back in key order.
template <class Lookup>
void add_columns(KpiTable& table, const std::vector<std::string>& key_names, std::span<const KpiDefinition> defs,
                 const std::vector<Key>& source_keys, Lookup&& values_of) {
  if (table.key_names != key_names)
    throw std::invalid_argument("join: the tables have different group keys");
  for (const auto& d : defs)
    for (const auto& k : table.kpis)
      if (k.name == d.name) throw std::invalid_argument("join: KPI '" + std::string(d.name) + "' is already in the table");
  std::map<Key, std::size_t, KeyLess> source;
  for (std::size_t g = 0; g < source_keys.size(); ++g) source.emplace(source_keys[g], g);
  std::vector<bool> joined(source_keys.size(), false);
  for (std::size_t g = 0; g < table.size(); ++g) {
    const auto it = source.find(table.keys[g]);
    // (not an optional<size_t>: g++ 12 warns falsely on it at -O3)
    const bool found = it != source.end();
    const std::size_t s = found ? it->second : 0;
    if (found) joined[s] = true;
    for (std::size_t c = 0; c < defs.size(); ++c) table.values[g].push_back(found ? values_of(s, c) : null_of(defs[c].kind));
  }
  const std::size_t old_columns = table.kpis.size();
  bool added = false;
  for (std::size_t s = 0; s < source_keys.size(); ++s) {
    if (joined[s]) continue;
    added = true;
    table.keys.push_back(source_keys[s]);
    std::vector<KpiValue> row;
    for (std::size_t c = 0; c < old_columns; ++c) row.push_back(null_of(table.kpis[c].kind));
    for (std::size_t c = 0; c < defs.size(); ++c) row.push_back(values_of(s, c));
    table.values.push_back(std::move(row));
  }
  table.kpis.insert(table.kpis.end(), defs.begin(), defs.end());
  if (!added) return;
  std::vector<std::size_t> order(table.size());
  for (std::size_t g = 0; g < order.size(); ++g) order[g] = g;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key_less(table.keys[a], table.keys[b]); });
  KpiTable sorted;
  sorted.key_names = table.key_names;
  sorted.kpis = table.kpis;
  for (std::size_t g : order) {
    sorted.keys.push_back(std::move(table.keys[g]));
    sorted.values.push_back(std::move(table.values[g]));
  }
  table = std::move(sorted);
}

} // namespace

QaTable aggregate_qa(const EvaluationRecords& r, std::span<const EvaluationScore> scores, const ContactTable& contacts,
                     std::span<const std::string> by, const KpiOptions& options, const QaAggregateOptions& qa) {
  if (scores.size() != r.size()) throw std::invalid_argument("aggregate_qa: one score per evaluation record expected");
  QaTable out;
  out.key_names.assign(by.begin(), by.end());
  out.use.assign(r.size(), QaUse::used);

  std::unordered_map<std::string_view, std::size_t> contact_row;
  contact_row.reserve(contacts.size());
  for (std::size_t i = 0; i < contacts.size(); ++i) contact_row[contacts.contact_id[i]] = i;
  const DictionaryColumn* agent = contacts.dimension("agent_id");
  std::vector<std::size_t> contact_of(r.size(), 0);
  std::unordered_map<std::size_t, std::size_t> latest; // contact row -> evaluation row
  for (std::size_t e = 0; e < r.size(); ++e) {
    if (r.calibration[e]) {
      out.use[e] = QaUse::calibration;
      continue;
    }
    const auto it = contact_row.find(r.contact_id[e]);
    if (it == contact_row.end()) {
      out.use[e] = QaUse::unknown_contact;
      continue;
    }
    contact_of[e] = it->second;
    if (agent && !agent->value(it->second).empty() && agent->value(it->second) != r.agent_id[e]) {
      out.use[e] = QaUse::agent_mismatch;
      continue;
    }
    const auto [at, added] = latest.emplace(it->second, e);
    if (!added) {
      const std::size_t other = at->second;
      if (r.evaluated_at_ms[e] >= r.evaluated_at_ms[other]) {
        out.use[other] = QaUse::superseded;
        at->second = e;
      } else
        out.use[e] = QaUse::superseded;
    }
  }

  // The used evaluations as rows of a contact table: their contact's dimensions, and the time of
  // the period they belong to, so the engine's grouping gives them the contact KPIs' keys.
  std::vector<std::size_t> used;
  for (std::size_t e = 0; e < r.size(); ++e)
    if (out.use[e] == QaUse::used) used.push_back(e);
  ContactTable view;
  for (const auto& d : contacts.dimensions) view.dimensions.emplace_back(d.name());
  for (std::size_t e : used) {
    const std::size_t c = contact_of[e];
    view.contact_id.push_back(contacts.contact_id[c]);
    view.arrived_at_ms.push_back(qa.period == QaPeriod::evaluated_at ? r.evaluated_at_ms[e] : contacts.arrived_at_ms[c]);
    view.inbound.push_back(contacts.inbound[c]);
    view.answered.push_back(contacts.answered[c]);
    view.wait_ms.push_back(contacts.wait_ms[c]);
    for (std::size_t d = 0; d < contacts.dimensions.size(); ++d) view.dimensions[d].push_back(contacts.dimensions[d].value(c));
  }
  const GroupIndex index = build_group_index(view, by, options);
  if (used.empty()) return out;

  struct Acc {
    double n = 0, score_sum = 0, score_n = 0, raw_sum = 0, raw_n = 0, passed = 0, critical = 0;
    std::array<double, 3> count_sum{}, count_n{};
  };
  std::vector<Acc> acc(index.groups);
  for (std::size_t k = 0; k < used.size(); ++k) {
    const std::size_t e = used[k];
    Acc& a = acc[index.group_of_row[k]];
    const EvaluationScore& s = scores[e];
    a.n += 1;
    if (!std::isnan(s.score)) {
      a.score_sum += s.score;
      a.score_n += 1;
      a.passed += s.passed ? 1 : 0;
    }
    if (!std::isnan(s.raw)) {
      a.raw_sum += s.raw;
      a.raw_n += 1;
    }
    a.critical += s.critical_fail ? 1 : 0;
    for (std::size_t c = 0; c < 3; ++c)
      if (!r.counts[c].empty()) {
        a.count_sum[c] += static_cast<double>(r.counts[c][e]);
        a.count_n[c] += 1;
      }
  }
  auto quotient = [](double num, double den, double scale = 1.0) {
    KpiValue v{std::nullopt, num, den};
    if (den > 0) v.value = scale * num / den;
    return v;
  };
  for (std::size_t g = 0; g < index.groups; ++g) {
    Key key;
    for (const auto& col : index.keys) {
      const std::string_view l = col.value(g);
      key.push_back(col.codes()[g] == null_code ? std::nullopt : std::optional<std::string>(std::string(l)));
    }
    out.keys.push_back(std::move(key));
    const Acc& a = acc[g];
    std::vector<KpiValue> v;
    v.push_back({a.n, a.n, 1.0});
    v.push_back(quotient(a.score_sum, a.score_n));
    v.push_back(quotient(a.raw_sum, a.raw_n));
    v.push_back(quotient(a.passed, a.score_n));
    v.push_back(quotient(a.critical, a.n));
    for (std::size_t c = 0; c < 3; ++c) {
      KpiValue x = quotient(100.0 * a.count_sum[c], a.count_n[c]);
      v.push_back(x);
    }
    out.values.push_back(std::move(v));
  }
  return out;
}

void join(KpiTable& table, const QaTable& qa) {
  add_columns(table, qa.key_names, qa_kpi_definitions(), qa.keys,
              [&](std::size_t g, std::size_t c) { return qa.values[g][c]; });
}

// ---------------------------------------------------------------- extra indicator tables

IndicatorJoin join(KpiTable& table, const IndicatorColumns& extra) {
  IndicatorJoin counts;
  if (table.key_names == extra.key_names) {
    std::set<Key, KeyLess> groups(table.keys.begin(), table.keys.end());
    for (const auto& k : extra.keys) ++(groups.count(k) ? counts.matched : counts.unmatched);
    counts.groups_without = table.size() - counts.matched;
  }
  std::vector<KpiDefinition> defs;
  for (const auto& n : extra.names) defs.push_back({n, KpiKind::mean});
  add_columns(table, extra.key_names, defs, extra.keys, [&](std::size_t g, std::size_t c) {
    const auto& v = extra.values[g][c];
    return v ? KpiValue{*v, *v, 1.0} : KpiValue{};
  });
  return counts;
}

} // namespace kpiscore::scoring
