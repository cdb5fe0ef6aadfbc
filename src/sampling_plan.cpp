// Sampling plan documents: parsing, validation with JSON paths, normalized output
// (include/kpiscore/sampling/sample_plan.hpp, docs/sampling.md "Plan reference").
#include <kpiscore/sampling/sample_plan.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <string>

namespace kpiscore::sampling {
namespace {

using json = nlohmann::json;

std::string list_of(std::initializer_list<const char*> names, bool quoted) {
  std::string out;
  for (const char* n : names) {
    if (!out.empty()) out += ", ";
    out += quoted ? std::string("\"") + n + "\"" : std::string(n);
  }
  return out;
}

void check_object(const json& obj, const std::string& path,
                  std::initializer_list<const char*> keys) {
  if (!obj.is_object()) throw PlanError(path, "expected an object");
  for (const auto& [k, v] : obj.items()) {
    bool known = false;
    for (const char* key : keys)
      known = known || k == key;
    if (!known)
      throw PlanError((path == "/" ? "" : path) + "/" + k,
                      "unknown key (expected one of: " + list_of(keys, false) + ")");
  }
}

std::string choice(const json& v, const std::string& path,
                   std::initializer_list<const char*> allowed) {
  if (!v.is_string()) throw PlanError(path, "expected one of " + list_of(allowed, true));
  const auto s = v.get<std::string>();
  for (const char* a : allowed)
    if (s == a) return s;
  throw PlanError(path, "expected one of " + list_of(allowed, true) + ", actual " + v.dump());
}

std::string text(const json& v, const std::string& path) {
  if (!v.is_string() || v.get<std::string>().empty())
    throw PlanError(path, "expected a non-empty string");
  return v.get<std::string>();
}

double number(const json& v, const std::string& path) {
  if (!v.is_number()) throw PlanError(path, "expected a number");
  const double x = v.get<double>();
  if (!std::isfinite(x)) throw PlanError(path, "expected a finite number");
  return x;
}

std::int64_t whole(const json& v, const std::string& path,
                   const char* what = "a whole number >= 0") {
  if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0))
    throw PlanError(path, std::string("expected ") + what + ", actual " + v.dump());
  const auto u = v.is_number_unsigned() ? v.get<std::uint64_t>()
                                        : static_cast<std::uint64_t>(v.get<std::int64_t>());
  if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw PlanError(path, std::string("expected ") + what + ", actual " + v.dump());
  return static_cast<std::int64_t>(u);
}

std::vector<std::string> names(const json& v, const std::string& path, bool allow_empty) {
  if (!v.is_array() || (!allow_empty && v.empty()))
    throw PlanError(path, allow_empty ? "expected an array of names"
                                      : "expected a non-empty array of names");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string p = path + "/" + std::to_string(i);
    std::string s = text(v[i], p);
    for (const auto& seen : out)
      if (seen == s) throw PlanError(p, "\"" + s + "\" given twice");
    out.push_back(std::move(s));
  }
  return out;
}

constexpr const char* numeric_fields[] = {
    "csat",      "nps",      "complaint", "resolved_first_contact",
    "converted", "answered", "inbound",   "wait_s",
    "talk_s",    "hold_s",   "acw_s",     "handle_s"};

bool is_numeric_field(std::string_view f) {
  for (const char* n : numeric_fields)
    if (f == n) return true;
  return false;
}

RiskCondition condition(const json& v, const std::string& path) {
  check_object(v, path, {"field", "op", "value"});
  for (const char* k : {"field", "op", "value"})
    if (!v.contains(k)) throw PlanError(path, std::string("missing required key \"") + k + "\"");
  RiskCondition c;
  c.field = text(v["field"], path + "/field");
  c.numeric = is_numeric_field(c.field);
  const std::string op = choice(v["op"], path + "/op", {"==", "!=", "<", "<=", ">", ">=", "in"});
  using Op = RiskCondition::Op;
  c.op = op == "=="   ? Op::eq
         : op == "!=" ? Op::ne
         : op == "<"  ? Op::lt
         : op == "<=" ? Op::le
         : op == ">"  ? Op::gt
         : op == ">=" ? Op::ge
                      : Op::in;
  const json& value = v["value"];
  const std::string vp = path + "/value";
  if (c.numeric) {
    if (c.op == Op::in)
      throw PlanError(path + "/op", "\"in\" compares text: " + c.field + " is numeric");
    c.number = number(value, vp);
  } else {
    if (c.op != Op::eq && c.op != Op::ne && c.op != Op::in)
      throw PlanError(path + "/op", "a dimension compares with \"==\", \"!=\" or \"in\"");
    if (c.op == Op::in) {
      if (!value.is_array() || value.empty())
        throw PlanError(vp, "expected a non-empty array of strings");
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string())
          throw PlanError(vp + "/" + std::to_string(i), "expected a string");
        c.strings.push_back(value[i].get<std::string>());
      }
    } else {
      if (!value.is_string())
        throw PlanError(vp, "expected a string (" + c.field + " is a dimension)");
      c.strings.push_back(value.get<std::string>());
    }
  }
  return c;
}

StratumValues stratum_values(const json& v, const std::string& path, const char* value_key,
                             const std::vector<std::string>& by, bool whole_numbers) {
  check_object(v, path, {"default", "values"});
  StratumValues out;
  auto value_of = [&](const json& x, const std::string& p) {
    if (whole_numbers) return static_cast<double>(whole(x, p));
    const double d = number(x, p);
    if (d < 0) throw PlanError(p, "expected a number >= 0, actual " + x.dump());
    return d;
  };
  if (v.contains("default")) out.fallback = value_of(v["default"], path + "/default");
  if (v.contains("values")) {
    const json& vals = v["values"];
    if (!vals.is_array()) throw PlanError(path + "/values", "expected an array");
    for (std::size_t i = 0; i < vals.size(); ++i) {
      const std::string p = path + "/values/" + std::to_string(i);
      check_object(vals[i], p, {"key", value_key});
      if (!vals[i].contains("key")) throw PlanError(p, "missing required key \"key\"");
      if (!vals[i].contains(value_key))
        throw PlanError(p, std::string("missing required key \"") + value_key + "\"");
      const json& key = vals[i]["key"];
      if (!key.is_object() || key.empty())
        throw PlanError(p + "/key", "expected an object of dimension: value");
      StratumValues::Entry e;
      for (const auto& [name, val] : key.items()) {
        bool known = false;
        for (const auto& b : by)
          known = known || b == name;
        if (!known) {
          std::string list;
          for (const auto& b : by)
            list += (list.empty() ? "" : ", ") + b;
          throw PlanError(p + "/key/" + name,
                          "not a strata dimension (expected one of: " + list + ")");
        }
        if (!val.is_string()) throw PlanError(p + "/key/" + name, "expected a string");
        e.key.emplace_back(name, val.get<std::string>());
      }
      e.value = value_of(vals[i][value_key], p + "/" + value_key);
      out.entries.push_back(std::move(e));
    }
  }
  if (out.entries.empty() && !out.fallback)
    throw PlanError(path, "expected \"default\" or a non-empty \"values\"");
  return out;
}

json values_json(const StratumValues& v, const char* value_key, bool whole_numbers) {
  json out = json::object();
  auto val = [&](double d) { return whole_numbers ? json(static_cast<std::int64_t>(d)) : json(d); };
  if (v.fallback) out["default"] = val(*v.fallback);
  json arr = json::array();
  for (const auto& e : v.entries) {
    json key = json::object();
    for (const auto& [k, x] : e.key)
      key[k] = x;
    arr.push_back({{"key", key}, {value_key, val(e.value)}});
  }
  out["values"] = arr;
  return out;
}

} // namespace

std::string_view design_name(Design d) noexcept {
  switch (d) {
  case Design::bernoulli:
    return "bernoulli";
  case Design::poisson:
    return "poisson";
  case Design::pareto:
    return "pareto";
  case Design::sequential_poisson:
    return "sequential_poisson";
  case Design::systematic:
    return "systematic";
  case Design::reservoir:
    return "reservoir";
  }
  return "";
}

std::string_view allocation_name(Allocation a) noexcept {
  switch (a) {
  case Allocation::proportional:
    return "proportional";
  case Allocation::equal:
    return "equal";
  case Allocation::neyman:
    return "neyman";
  case Allocation::fixed:
    return "fixed";
  }
  return "";
}

SamplePlan SamplePlan::from_json_text(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann's message carries the line and column of the syntax error.
    std::string what = e.what();
    const auto at = what.find("parse error");
    throw PlanError("/", "invalid JSON: " + (at == std::string::npos ? what : what.substr(at)));
  }
  return from_json(doc);
}

SamplePlan SamplePlan::from_json(const json& doc) {
  SamplePlan plan;
  check_object(doc, "/",
               {"design", "seed", "rate", "size", "strata", "risk", "evaluators", "report",
                "timezone", "peak_hours"});
  if (!doc.contains("design")) throw PlanError("/", "missing required key \"design\"");
  const std::string d =
      choice(doc["design"], "/design",
             {"bernoulli", "poisson", "pareto", "sequential_poisson", "systematic", "reservoir"});
  for (Design x : {Design::bernoulli, Design::poisson, Design::pareto, Design::sequential_poisson,
                   Design::systematic, Design::reservoir})
    if (design_name(x) == d) plan.design = x;
  if (!doc.contains("seed")) throw PlanError("/", "missing required key \"seed\"");
  const json& seed = doc["seed"];
  if (!seed.is_number_integer() || (!seed.is_number_unsigned() && seed.get<std::int64_t>() < 0))
    throw PlanError("/seed", "expected a whole number in 0..2^64-1, actual " + seed.dump());
  plan.seed = seed.is_number_unsigned() ? seed.get<std::uint64_t>()
                                        : static_cast<std::uint64_t>(seed.get<std::int64_t>());

  if (doc.contains("rate")) {
    const json& r = doc["rate"];
    if (!r.is_number() || !(r.get<double>() >= 0.0 && r.get<double>() <= 1.0))
      throw PlanError("/rate", "expected a share in 0..1, actual " + r.dump());
    plan.rate = r.get<double>();
  }
  if (doc.contains("size")) {
    if (plan.rate) throw PlanError("/size", "give \"rate\" or \"size\", not both");
    plan.size = whole(doc["size"], "/size");
  }

  // Strata.
  bool has_min = false;
  if (doc.contains("strata")) {
    const json& s = doc["strata"];
    check_object(s, "/strata", {"by", "allocation", "sd", "counts", "min", "max"});
    if (!s.contains("by")) throw PlanError("/strata", "missing required key \"by\"");
    plan.strata_by = names(s["by"], "/strata/by", false);
    if (s.contains("allocation")) {
      const std::string a = choice(s["allocation"], "/strata/allocation",
                                   {"proportional", "equal", "neyman", "fixed"});
      for (Allocation x :
           {Allocation::proportional, Allocation::equal, Allocation::neyman, Allocation::fixed})
        if (allocation_name(x) == a) plan.allocation = x;
    }
    if (s.contains("sd")) {
      if (plan.allocation != Allocation::neyman)
        throw PlanError("/strata/sd", "standard deviations are only for the \"neyman\" allocation");
      plan.sd = stratum_values(s["sd"], "/strata/sd", "sd", plan.strata_by, false);
    } else if (plan.allocation == Allocation::neyman) {
      throw PlanError(
          "/strata",
          "missing required key \"sd\" (the neyman allocation needs stratum standard deviations)");
    }
    if (s.contains("counts")) {
      if (plan.allocation != Allocation::fixed)
        throw PlanError("/strata/counts", "counts are only for the \"fixed\" allocation");
      plan.counts = stratum_values(s["counts"], "/strata/counts", "n", plan.strata_by, true);
    } else if (plan.allocation == Allocation::fixed) {
      throw PlanError(
          "/strata", "missing required key \"counts\" (the fixed allocation needs stratum counts)");
    }
    if (s.contains("min")) {
      plan.min_per_stratum = whole(s["min"], "/strata/min");
      has_min = true;
    }
    if (s.contains("max")) {
      plan.max_per_stratum = whole(s["max"], "/strata/max");
      plan.has_max = true;
    }
    if (plan.min_per_stratum > plan.max_per_stratum)
      throw PlanError("/strata/min", "expected at most /strata/max (" +
                                         std::to_string(plan.max_per_stratum) + "), actual " +
                                         std::to_string(plan.min_per_stratum));
    if (plan.design == Design::bernoulli) {
      for (const char* k : {"allocation", "sd", "counts", "min", "max"})
        if (s.contains(k))
          throw PlanError(
              std::string("/strata/") + k,
              "a bernoulli design has no stratum sizes (strata only group the report; use "
              "poisson or a fixed-size design)");
    }
  }
  (void)has_min;

  // Which sizes the design needs.
  const bool fixed = !plan.strata_by.empty() && plan.allocation == Allocation::fixed;
  if (plan.design == Design::bernoulli) {
    if (plan.size) throw PlanError("/size", "a bernoulli design takes a \"rate\", not a size");
    if (!plan.rate) throw PlanError("/", "missing required key \"rate\"");
  } else if (plan.design == Design::reservoir && !plan.strata_by.empty() && !fixed) {
    throw PlanError(
        "/strata/allocation",
        "the reservoir design needs \"fixed\" counts (stratum sizes of a stream are not "
        "known in advance)");
  } else if (plan.design == Design::reservoir && plan.strata_by.empty() && !plan.size) {
    throw PlanError("/", "missing required key \"size\" (the reservoir size)");
  } else if (plan.design == Design::reservoir && plan.rate) {
    throw PlanError("/rate", "the reservoir design takes counts, not a rate");
  } else if (fixed && (plan.rate || plan.size)) {
    throw PlanError(plan.rate ? "/rate" : "/size",
                    "a fixed allocation takes its sizes from /strata/counts");
  } else if (!fixed && !plan.rate && !plan.size) {
    throw PlanError("/", "missing required key \"rate\" or \"size\"");
  }

  // Risk rules.
  if (doc.contains("risk")) {
    const json& r = doc["risk"];
    if (plan.design == Design::bernoulli || plan.design == Design::reservoir)
      throw PlanError("/risk",
                      std::string("the ") + std::string(design_name(plan.design)) +
                          " design draws with equal probability (risk weights need poisson, "
                          "pareto, sequential_poisson or systematic)");
    if (!r.is_array()) throw PlanError("/risk", "expected an array of rules");
    if (r.size() > 1000)
      throw PlanError("/risk", "expected at most 1000 rules, actual " + std::to_string(r.size()));
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string p = "/risk/" + std::to_string(i);
      check_object(r[i], p, {"name", "when", "weight"});
      for (const char* k : {"name", "when", "weight"})
        if (!r[i].contains(k))
          throw PlanError(p, std::string("missing required key \"") + k + "\"");
      RiskRule rule;
      rule.name = text(r[i]["name"], p + "/name");
      for (const auto& other : plan.risk)
        if (other.name == rule.name)
          throw PlanError(p + "/name", "duplicate rule name \"" + rule.name + "\"");
      const json& when = r[i]["when"];
      if (when.is_array()) {
        if (when.empty())
          throw PlanError(p + "/when", "expected a condition or a non-empty array of conditions");
        for (std::size_t j = 0; j < when.size(); ++j)
          rule.all.push_back(condition(when[j], p + "/when/" + std::to_string(j)));
      } else {
        rule.all.push_back(condition(when, p + "/when"));
      }
      rule.weight = number(r[i]["weight"], p + "/weight");
      if (!(rule.weight > 0))
        throw PlanError(p + "/weight", "expected a weight > 0, actual " + r[i]["weight"].dump());
      plan.risk.push_back(std::move(rule));
    }
  }

  // Evaluators.
  if (doc.contains("evaluators")) {
    const json& e = doc["evaluators"];
    if (!e.is_array() || e.empty())
      throw PlanError("/evaluators", "expected a non-empty array of evaluators");
    double total = 0;
    for (std::size_t i = 0; i < e.size(); ++i) {
      const std::string p = "/evaluators/" + std::to_string(i);
      check_object(e[i], p, {"name", "share", "cap_per_day"});
      for (const char* k : {"name", "share"})
        if (!e[i].contains(k))
          throw PlanError(p, std::string("missing required key \"") + k + "\"");
      Evaluator ev;
      ev.name = text(e[i]["name"], p + "/name");
      for (const auto& other : plan.evaluators)
        if (other.name == ev.name)
          throw PlanError(p + "/name", "duplicate evaluator \"" + ev.name + "\"");
      ev.share = number(e[i]["share"], p + "/share");
      if (!(ev.share > 0 && ev.share <= 1))
        throw PlanError(p + "/share", "expected a share in (0, 1], actual " + e[i]["share"].dump());
      if (e[i].contains("cap_per_day"))
        ev.cap_per_day = whole(e[i]["cap_per_day"], p + "/cap_per_day");
      total += ev.share;
      plan.evaluators.push_back(std::move(ev));
    }
    if (std::abs(total - 1.0) > 1e-9) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", total);
      throw PlanError("/evaluators", std::string("expected shares summing to 1, actual ") + buf);
    }
  }

  // Report settings.
  if (doc.contains("report")) {
    const json& r = doc["report"];
    check_object(r, "/report", {"coverage", "alpha", "p"});
    if (r.contains("coverage")) plan.coverage = names(r["coverage"], "/report/coverage", true);
    if (r.contains("alpha")) {
      plan.alpha = number(r["alpha"], "/report/alpha");
      if (!(plan.alpha > 0 && plan.alpha < 1))
        throw PlanError("/report/alpha",
                        "expected a number in (0, 1), actual " + r["alpha"].dump());
    }
    if (r.contains("p")) {
      plan.p = number(r["p"], "/report/p");
      if (!(plan.p >= 0 && plan.p <= 1))
        throw PlanError("/report/p", "expected a share in 0..1, actual " + r["p"].dump());
    }
  }

  // Time keys: the zone and peak hours, validated by the KPI options' own rules.
  json opts = json::object();
  if (doc.contains("timezone")) opts["timezone"] = doc["timezone"];
  if (doc.contains("peak_hours")) opts["peak"] = {{"hours", doc["peak_hours"]}};
  try {
    plan.options = KpiOptions::from_json(opts);
  } catch (const std::invalid_argument& e) {
    // "options /peak/hours/1: reason" -> "plan /peak_hours/1: reason"
    std::string what = e.what();
    const std::string prefix = "options ";
    if (what.rfind(prefix, 0) == 0) what.erase(0, prefix.size());
    const auto colon = what.find(": ");
    std::string path = colon == std::string::npos ? "/" : what.substr(0, colon);
    const std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    if (path.rfind("/peak/hours", 0) == 0) path = "/peak_hours" + path.substr(11);
    throw PlanError(path, reason);
  }
  return plan;
}

json SamplePlan::to_json() const {
  json out;
  out["design"] = std::string(design_name(design));
  out["seed"] = seed;
  if (rate) out["rate"] = *rate;
  if (size) out["size"] = *size;
  if (!strata_by.empty()) {
    json s;
    s["by"] = strata_by;
    if (design != Design::bernoulli) {
      s["allocation"] = std::string(allocation_name(allocation));
      if (allocation == Allocation::neyman) s["sd"] = values_json(sd, "sd", false);
      if (allocation == Allocation::fixed) s["counts"] = values_json(counts, "n", true);
      s["min"] = min_per_stratum;
      if (has_max) s["max"] = max_per_stratum;
    }
    out["strata"] = s;
  }
  if (!risk.empty()) {
    json r = json::array();
    for (const auto& rule : risk) {
      json when = json::array();
      for (const auto& c : rule.all) {
        static constexpr const char* ops[] = {"==", "!=", "<", "<=", ">", ">=", "in"};
        json v = c.numeric                       ? json(c.number)
                 : c.op == RiskCondition::Op::in ? json(c.strings)
                                                 : json(c.strings.front());
        when.push_back({{"field", c.field}, {"op", ops[static_cast<int>(c.op)]}, {"value", v}});
      }
      r.push_back({{"name", rule.name}, {"when", when}, {"weight", rule.weight}});
    }
    out["risk"] = r;
  }
  if (!evaluators.empty()) {
    json e = json::array();
    for (const auto& ev : evaluators) {
      json x = {{"name", ev.name}, {"share", ev.share}};
      if (ev.cap_per_day) x["cap_per_day"] = *ev.cap_per_day;
      e.push_back(x);
    }
    out["evaluators"] = e;
  }
  out["report"] = {{"coverage", coverage}, {"alpha", alpha}, {"p", p}};
  out["timezone"] = options.timezone;
  const json o = options.to_json();
  out["peak_hours"] = o["peak"]["hours"];
  return out;
}

} // namespace kpiscore::sampling
