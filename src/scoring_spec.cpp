// Compiling a scorecard spec (docs/scoring.md) into an immutable Scorecard.
#include <kpiscore/scoring/qa_aggregates.hpp>
#include <kpiscore/scoring/scorecard.hpp>

#include <kpiscore/dsl/condition_json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

namespace kpiscore::scoring {

struct Scorecard::Data {
  std::string name, fingerprint;
  std::vector<Node> nodes;
  std::vector<Indicator> indicators;
  std::vector<Grade> grades;
  std::optional<BoundTable> grade_table;
  std::vector<Penalty> penalties;
  std::vector<KpiInput> kpis;
  std::vector<std::string> keys;
  std::vector<std::uint32_t> post_order;
  int decimals = -1;
};

namespace {

using json = nlohmann::json;
constexpr int max_depth = 32; // conditions and dimension trees: bounded recursion

std::string json_quoted(const std::string& s) { return json(s).dump(); }

std::string percent(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g%%", x * 100.0);
  return buf;
}

void check_keys(const json& obj, const std::string& path, std::initializer_list<const char*> keys,
                const char* what = "an object") {
  if (!obj.is_object()) throw SpecError(path, std::string("expected ") + what);
  for (const auto& [k, v] : obj.items()) {
    bool known = false;
    for (const char* key : keys) known = known || k == key;
    if (!known) {
      std::string list;
      for (const char* key : keys) list += std::string(list.empty() ? "" : ", ") + key;
      throw SpecError(path + "/" + k, "unknown key (expected one of: " + list + ")");
    }
  }
}

const json& required(const json& obj, const std::string& path, const char* key) {
  if (!obj.contains(key)) throw SpecError(path, std::string("missing required key \"") + key + "\"");
  return obj[key];
}

std::string string_at(const json& v, const std::string& path) {
  if (!v.is_string() || v.get<std::string>().empty()) throw SpecError(path, "expected a non-empty string");
  return v.get<std::string>();
}

bool bool_at(const json& v, const std::string& path) {
  if (!v.is_boolean()) throw SpecError(path, "expected true or false");
  return v.get<bool>();
}

/// Lower is better for the engine's durations and for rates of bad events.
std::optional<Direction> default_direction(std::string_view kpi) {
  static const std::set<std::string_view> lower{
      "asa_s", "aht_s", "avg_talk_s", "avg_hold_s", "avg_acw_s", "abandon_rate", "abandoned",
      "complaint_rate", "wait_p50_s", "wait_p90_s", "handle_p50_s", "handle_p90_s",
      "qa_critical_fail_rate", "forbidden_phrases_per_100", "wrong_answers_per_100", "process_violations_per_100"};
  static const std::set<std::string_view> higher{"service_level", "connect_rate", "fcr", "csat_mean",
                                                 "csat_top_box", "nps", "conversion_rate", "answered",
                                                 "handled", "offered", "qa_evaluations", "qa_mean_score",
                                                 "qa_raw_mean_score", "qa_pass_rate"};
  if (lower.count(kpi)) return Direction::lower_is_better;
  if (higher.count(kpi)) return Direction::higher_is_better;
  return std::nullopt;
}

struct Compiler {
  std::vector<SpecError> errors;
  Scorecard::Data d;
  std::vector<KpiInput> catalog = [] {
    auto c = contact_kpi_inputs();
    for (auto& q : qa_kpi_inputs()) c.push_back(std::move(q));
    return c;
  }();
  std::set<std::string> builtin;
  std::map<std::string, std::uint32_t, std::less<>> kpi_slot, key_slot;
  const json* templates = nullptr;
  std::vector<std::string> template_stack;
  std::set<std::string, std::less<>> names;
  NaHandling default_na;
  double default_min_obs = 0;
  bool default_normalize = false;

  /// Thrown when the errors of an item are already recorded (a decision table's).
  struct Reported {};

  /// Runs one item; a SpecError is recorded and the item skipped. Returns success.
  template <class F> bool guard(F&& f) {
    try {
      f();
      return true;
    } catch (const SpecError& e) {
      errors.push_back(e);
      return false;
    } catch (const Reported&) {
      return false;
    }
  }

  const KpiInput& kpi_input(const json& v, const std::string& path) {
    const std::string name = string_at(v, path);
    for (const auto& k : catalog)
      if (k.name == name) return k;
    throw SpecError(path, "unknown KPI " + json_quoted(name) +
                              " (not a contact KPI; declare other KPIs under \"inputs\")");
  }

  std::uint32_t slot_of_kpi(const KpiInput& k) {
    auto [it, added] = kpi_slot.emplace(k.name, static_cast<std::uint32_t>(d.kpis.size()));
    if (added) d.kpis.push_back(k);
    return it->second;
  }

  std::uint32_t slot_of_key(const std::string& k) {
    auto [it, added] = key_slot.emplace(k, static_cast<std::uint32_t>(d.keys.size()));
    if (added) d.keys.push_back(k);
    return it->second;
  }

  NaHandling na_at(const json& v, const std::string& path) {
    NaHandling na;
    if (v.is_string() && v.get<std::string>() == "renormalize") return na;
    if (v.is_object()) {
      check_keys(v, path, {"score"});
      na.policy = NaHandling::Policy::score;
      na.score = parse_points(required(v, path, "score"), path + "/score");
      return na;
    }
    throw SpecError(path, "expected \"renormalize\" or {\"score\": POINTS}");
  }

  CompareOp op_at(const json& v, const std::string& path, bool key) {
    static const std::pair<const char*, CompareOp> ops[] = {
        {"<", CompareOp::lt},  {"<=", CompareOp::le}, {">", CompareOp::gt}, {">=", CompareOp::ge},
        {"==", CompareOp::eq}, {"!=", CompareOp::ne}, {"in", CompareOp::in}};
    const char* expected = key ? "expected one of \"==\", \"!=\", \"in\"" : "expected one of \"<\", \"<=\", \">\", \">=\", \"==\", \"!=\"";
    if (!v.is_string()) throw SpecError(path, expected);
    for (const auto& [n, op] : ops)
      if (v.get<std::string>() == n) {
        const bool key_op = op == CompareOp::eq || op == CompareOp::ne || op == CompareOp::in;
        if (key ? !key_op : op == CompareOp::in) break;
        return op;
      }
    throw SpecError(path, std::string(expected) + ", actual " + v.dump());
  }

  Condition condition(const json& v, const std::string& path, int depth = 0) {
    if (depth > max_depth) throw SpecError(path, "conditions nested deeper than 32 levels");
    if (v.is_string()) { // an expression of the rules language (docs/rules.md)
      json structured;
      try {
        structured = json::parse(dsl::condition_to_json(v.get<std::string>()));
      } catch (const std::invalid_argument& e) {
        throw SpecError(path, std::string("expression: ") + e.what());
      }
      return condition(structured, path, depth);
    }
    if (!v.is_object()) throw SpecError(path, "expected a condition object (kpi, key, all, any or not)");
    Condition c;
    if (v.contains("all") || v.contains("any")) {
      const char* k = v.contains("all") ? "all" : "any";
      check_keys(v, path, {k});
      c.kind = v.contains("all") ? Condition::Kind::all : Condition::Kind::any;
      const json& parts = v[k];
      if (!parts.is_array() || parts.empty())
        throw SpecError(path + "/" + k, "expected a non-empty array of conditions");
      for (std::size_t i = 0; i < parts.size(); ++i)
        c.parts.push_back(condition(parts[i], path + "/" + k + "/" + std::to_string(i), depth + 1));
    } else if (v.contains("not")) {
      check_keys(v, path, {"not"});
      c.kind = Condition::Kind::negate;
      c.parts.push_back(condition(v["not"], path + "/not", depth + 1));
    } else if (v.contains("kpi")) {
      check_keys(v, path, {"kpi", "op", "value"});
      c.kind = Condition::Kind::kpi;
      const KpiInput& k = kpi_input(v["kpi"], path + "/kpi");
      c.op = op_at(required(v, path, "op"), path + "/op", false);
      c.number = parse_quantity(required(v, path, "value"), k.unit, path + "/value", true);
      c.slot = slot_of_kpi(k);
    } else if (v.contains("key")) {
      check_keys(v, path, {"key", "op", "value"});
      c.kind = Condition::Kind::key;
      const std::string key = string_at(v["key"], path + "/key");
      c.op = v.contains("op") ? op_at(v["op"], path + "/op", true) : CompareOp::eq;
      const json& val = required(v, path, "value");
      if (c.op == CompareOp::in) {
        if (!val.is_array() || val.empty()) throw SpecError(path + "/value", "expected a non-empty array of strings");
        for (std::size_t i = 0; i < val.size(); ++i)
          c.labels.push_back(string_at(val[i], path + "/value/" + std::to_string(i)));
      } else
        c.labels.push_back(string_at(val, path + "/value"));
      c.slot = slot_of_key(key);
    } else
      throw SpecError(path, "expected a condition object (kpi, key, all, any or not)");
    return c;
  }

  static dsl::Type type_of(Unit u) {
    return u == Unit::seconds ? dsl::Type::duration : u == Unit::ratio ? dsl::Type::ratio : dsl::Type::number;
  }

  /// A decision table at `path` (docs/rules.md, "Decision tables"). Inputs: KPIs (in their unit),
  /// with `nodes` also `score` (the overall score) and `dimension.NAME` / `indicator.NAME`
  /// (points), and any other name as a group key (a string). The table's own errors keep
  /// their E06xx code and get the JSON path below `path`.
  std::optional<BoundTable> decision_table(const json& v, const std::string& path, bool nodes,
                                           const std::function<std::optional<dsl::Type>(std::string_view, std::vector<std::string>&)>& output,
                                           std::vector<std::string> output_names) {
    BoundTable b;
    dsl::TableScope scope;
    scope.output = output;
    scope.output_names = std::move(output_names);
    for (const auto& k : catalog) scope.input_names.push_back(k.name);
    std::vector<TableInputRef> refs;
    scope.input = [&](std::string_view name) -> std::optional<dsl::Type> {
      if (nodes && name == "score") {
        refs.push_back({TableInputRef::Kind::node, 0});
        return dsl::Type::points;
      }
      for (const char* prefix : {"dimension.", "indicator."})
        if (nodes && name.starts_with(prefix)) {
          const std::string_view n = name.substr(std::string_view(prefix).size());
          for (std::uint32_t i = 1; i < d.nodes.size(); ++i)
            if (d.nodes[i].name == n && d.nodes[i].indicator.has_value() == (prefix[0] == 'i')) {
              refs.push_back({TableInputRef::Kind::node, i});
              return dsl::Type::points;
            }
          return std::nullopt;
        }
      for (const auto& k : catalog)
        if (k.name == name) {
          refs.push_back({TableInputRef::Kind::kpi, slot_of_kpi(k)});
          return type_of(k.unit);
        }
      refs.push_back({TableInputRef::Kind::key, slot_of_key(std::string(name))});
      return dsl::Type::string;
    };
    std::vector<dsl::TableError> errs;
    b.table = dsl::DecisionTable::compile(v, scope, &errs);
    for (const auto& e : errs) errors.emplace_back(path + e.path(), e.message(), e.code());
    if (!errs.empty()) return std::nullopt;
    b.inputs = std::move(refs);
    return b;
  }

  TargetEntry target_entry(const json& v, const std::string& path, Unit u) {
    TargetEntry e;
    if (!v.is_object()) {
      e.value = parse_quantity(v, u, path, true);
      return e;
    }
    check_keys(v, path, {"value", "when", "from", "until"});
    e.value = parse_quantity(required(v, path, "value"), u, path + "/value", true);
    if (v.contains("when")) e.when = condition(v["when"], path + "/when");
    for (const char* k : {"from", "until"}) {
      if (!v.contains(k)) continue;
      const std::string p = path + "/" + k;
      const auto day = v[k].is_string() ? parse_date(v[k].get<std::string>()) : std::nullopt;
      if (!day) throw SpecError(p, "expected a date \"YYYY-MM-DD\"");
      (std::string(k) == "from" ? e.from : e.until) = day;
    }
    if (e.from && e.until && *e.until <= *e.from) throw SpecError(path + "/until", "expected a date after \"from\"");
    return e;
  }

  Target target(const json& v, const std::string& path, Unit u) {
    Target t;
    if (v.is_object() && v.contains("table")) {
      check_keys(v, path, {"table"});
      auto b = decision_table(
          v["table"], path + "/table", false,
          [&](std::string_view name, std::vector<std::string>&) -> std::optional<dsl::Type> {
            if (name == "target") return type_of(u);
            return std::nullopt;
          },
          {"target"});
      if (!b) throw Reported{};
      if (b->table.hit_policy() == dsl::HitPolicy::collect && b->table.aggregation() == dsl::Aggregation::none)
        throw SpecError(path + "/table/hit_policy", "a target table needs one value: give collect an aggregation (sum, min, max)", "E0603");
      if (!b->table.output_index("target"))
        throw SpecError(path + "/table/outputs", "a target table has the output `target`", "E0603");
      t.table = std::move(*b);
      return t;
    }
    if (v.is_array()) {
      if (v.empty()) throw SpecError(path, "expected at least one target entry");
      for (std::size_t i = 0; i < v.size(); ++i) t.entries.push_back(target_entry(v[i], path + "/" + std::to_string(i), u));
    } else
      t.entries.push_back(target_entry(v, path, u));
    return t;
  }

  IndicatorRule rule(const json& v, const std::string& path, Unit u) {
    IndicatorRule r;
    if (!v.is_object()) throw SpecError(path, "expected a rule object with a \"type\"");
    const json& type = required(v, path, "type");
    const std::string t = type.is_string() ? type.get<std::string>() : "";
    const std::string tp = path + "/type";
    if (t == "deduct") {
      check_keys(v, path, {"type", "per", "points", "step_rounding", "floor", "cap"});
      r.type = IndicatorRule::Type::deduct;
      r.per = parse_quantity(required(v, path, "per"), u, path + "/per");
      if (!(r.per > 0)) throw SpecError(path + "/per", "expected a step greater than 0");
      r.points = parse_points(required(v, path, "points"), path + "/points");
      if (v.contains("step_rounding")) {
        const json& s = v["step_rounding"];
        const std::string sr = s.is_string() ? s.get<std::string>() : "";
        if (sr == "none") r.rounding = StepRounding::none;
        else if (sr == "floor") r.rounding = StepRounding::floor;
        else if (sr == "ceil") r.rounding = StepRounding::ceil;
        else throw SpecError(path + "/step_rounding", "expected one of \"none\", \"floor\", \"ceil\", actual " + s.dump());
      }
    } else if (t == "value") {
      check_keys(v, path, {"type", "scale", "floor", "cap"});
      r.type = IndicatorRule::Type::value;
      r.scale = u == Unit::ratio ? 100.0 : 1.0;
      if (v.contains("scale")) r.scale = parse_points(v["scale"], path + "/scale");
    } else if (t == "proportional") {
      check_keys(v, path, {"type", "floor", "cap"});
      r.type = IndicatorRule::Type::proportional;
    } else if (t == "tiers") {
      check_keys(v, path, {"type", "tiers", "floor", "cap"});
      r.type = IndicatorRule::Type::tiers;
      const json& tiers = required(v, path, "tiers");
      if (!tiers.is_array() || tiers.empty()) throw SpecError(path + "/tiers", "expected a non-empty array of tiers");
      for (std::size_t i = 0; i < tiers.size(); ++i) {
        const std::string p = path + "/tiers/" + std::to_string(i);
        check_keys(tiers[i], p, {"min", "above", "max", "below", "score"});
        Tier tier;
        if (tiers[i].contains("min") && tiers[i].contains("above"))
          throw SpecError(p, "give \"min\" or \"above\", not both");
        if (tiers[i].contains("max") && tiers[i].contains("below"))
          throw SpecError(p, "give \"max\" or \"below\", not both");
        if (tiers[i].contains("min")) tier.lo = parse_quantity(tiers[i]["min"], u, p + "/min", true);
        if (tiers[i].contains("above")) {
          tier.lo = parse_quantity(tiers[i]["above"], u, p + "/above", true);
          tier.lo_open = true;
        }
        if (tiers[i].contains("max")) tier.hi = parse_quantity(tiers[i]["max"], u, p + "/max", true);
        if (tiers[i].contains("below")) {
          tier.hi = parse_quantity(tiers[i]["below"], u, p + "/below", true);
          tier.hi_open = true;
        }
        if (tier.lo > tier.hi) throw SpecError(p, "expected the lower bound below the upper bound");
        tier.score = parse_points(required(tiers[i], p, "score"), p + "/score");
        r.tiers.push_back(tier);
      }
    } else if (t == "bands") {
      check_keys(v, path, {"type", "points", "floor", "cap"});
      r.type = IndicatorRule::Type::bands;
      const json& pts = required(v, path, "points");
      if (!pts.is_array() || pts.size() < 2)
        throw SpecError(path + "/points", "expected an array of at least two [value, score] points");
      for (std::size_t i = 0; i < pts.size(); ++i) {
        const std::string p = path + "/points/" + std::to_string(i);
        if (!pts[i].is_array() || pts[i].size() != 2) throw SpecError(p, "expected [value, score]");
        const double x = parse_quantity(pts[i][0], u, p + "/0", true);
        const double y = parse_points(pts[i][1], p + "/1");
        if (!r.bands.empty() && !(x > r.bands.back().first))
          throw SpecError(p + "/0", "expected values in strictly increasing order");
        r.bands.emplace_back(x, y);
      }
    } else
      throw SpecError(tp, "expected one of \"deduct\", \"value\", \"proportional\", \"tiers\", \"bands\", actual " + type.dump());
    if (v.contains("floor")) r.floor = parse_points(v["floor"], path + "/floor");
    if (v.contains("cap")) r.cap = parse_points(v["cap"], path + "/cap");
    if (r.floor > r.cap) throw SpecError(path + "/floor", "expected floor <= cap");
    return r;
  }

  void claim_name(const std::string& name, const std::string& path) {
    if (!names.insert(name).second)
      throw SpecError(path, "duplicate name " + json_quoted(name) + " (dimension and indicator names must be unique)");
  }

  std::uint32_t add_node(Node n) {
    d.nodes.push_back(std::move(n));
    return static_cast<std::uint32_t>(d.nodes.size() - 1);
  }

  /// An indicator leaf; returns its node index.
  std::uint32_t indicator(const json& v, const std::string& path, std::uint32_t parent) {
    check_keys(v, path, {"name", "kpi", "weight", "direction", "target", "rule", "min_observations", "na", "description"});
    Indicator ind;
    const KpiInput& k = kpi_input(required(v, path, "kpi"), path + "/kpi");
    ind.kpi = k.name;
    ind.unit = k.unit;
    ind.name = v.contains("name") ? string_at(v["name"], path + "/name") : k.name;
    if (v.contains("description")) string_at(v["description"], path + "/description");
    // 0 unknown, 1 higher, 2 lower (not an optional<enum>: g++ 12 warns falsely on it at -O3)
    int dir = 0;
    if (builtin.count(k.name))
      if (const auto d0 = default_direction(k.name)) dir = *d0 == Direction::lower_is_better ? 2 : 1;
    if (v.contains("direction")) {
      const json& s = v["direction"];
      const std::string t = s.is_string() ? s.get<std::string>() : "";
      if (t == "higher") dir = 1;
      else if (t == "lower") dir = 2;
      else throw SpecError(path + "/direction", "expected \"higher\" or \"lower\" (which is better), actual " + s.dump());
    }
    ind.rule = rule(required(v, path, "rule"), path + "/rule", k.unit);
    if (v.contains("target")) ind.target = target(v["target"], path + "/target", k.unit);
    else if (ind.rule.needs_target())
      throw SpecError(path, "missing required key \"target\" (the rule compares with a target)");
    if ((ind.target || ind.rule.needs_target()) && dir == 0)
      throw SpecError(path, "missing required key \"direction\" (\"higher\" or \"lower\" is better for KPI " + json_quoted(k.name) + ")");
    ind.direction = dir == 2 ? Direction::lower_is_better : Direction::higher_is_better;
    ind.min_observations = default_min_obs;
    if (v.contains("min_observations")) ind.min_observations = parse_points(v["min_observations"], path + "/min_observations");
    ind.na = v.contains("na") ? na_at(v["na"], path + "/na") : default_na;
    ind.kpi_slot = slot_of_kpi(k);
    claim_name(ind.name, path + (v.contains("name") ? "/name" : "/kpi"));
    Node n;
    n.name = ind.name;
    n.indicator = static_cast<std::uint32_t>(d.indicators.size());
    n.parent = parent;
    n.na = ind.na;
    d.indicators.push_back(std::move(ind));
    return add_node(std::move(n));
  }

  /// Children of a dimension (or of the root) from its "dimensions" and "indicators" arrays,
  /// with the weights of that level checked. `node` is already in d.nodes.
  void children(const json& v, const std::string& path, std::uint32_t node, bool normalize, int depth) {
    std::vector<std::optional<double>> weights;
    bool all_ok = true;
    bool any_list = false;
    for (const char* list : {"dimensions", "indicators"}) {
      if (!v.contains(list)) continue;
      any_list = true;
      const json& arr = v[list];
      const std::string lp = path + "/" + list;
      if (!arr.is_array() || arr.empty()) {
        errors.emplace_back(lp, "expected a non-empty array");
        all_ok = false;
        continue;
      }
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string p = lp + "/" + std::to_string(i);
        std::optional<double> w;
        const bool ok = guard([&] {
          if (arr[i].is_object() && arr[i].contains("weight")) w = parse_weight(arr[i]["weight"], p + "/weight");
          const std::uint32_t child = std::string(list) == "dimensions" ? dimension(arr[i], p, node, depth + 1)
                                                                        : indicator(arr[i], p, node);
          d.nodes[node].children.push_back(child);
          weights.push_back(w);
        });
        all_ok = all_ok && ok;
      }
    }
    if (!any_list) throw SpecError(path.empty() ? "/" : path, "expected \"dimensions\" or \"indicators\" (a level needs at least one item)");
    if (!all_ok || weights.empty()) return;
    const std::string level = v.contains("dimensions") && v.contains("indicators") ? (path.empty() ? "/" : path)
                              : v.contains("dimensions")                          ? path + "/dimensions"
                                                                                  : path + "/indicators";
    const auto given = std::count_if(weights.begin(), weights.end(), [](const auto& w) { return w.has_value(); });
    std::vector<double>& out = d.nodes[node].weights;
    if (given == 0) {
      out.assign(weights.size(), 1.0 / static_cast<double>(weights.size()));
      return;
    }
    if (static_cast<std::size_t>(given) != weights.size())
      throw SpecError(level, "give a weight to every item of this level or to none (none: equal weights)");
    double sum = 0;
    for (const auto& w : weights) sum += *w;
    if (!(sum > 0)) throw SpecError(level, "weights add up to 0%");
    if (!normalize && std::abs(sum - 1.0) > 1e-9)
      throw SpecError(level, "weights add up to " + percent(sum) + " (expected 100%, or set \"normalize\": true)");
    for (const auto& w : weights) out.push_back(*w / sum);
  }

  std::uint32_t dimension(const json& v, const std::string& path, std::uint32_t parent, int depth) {
    if (depth > max_depth) throw SpecError(path, "dimensions nested deeper than 32 levels");
    check_keys(v, path, {"name", "weight", "normalize", "na", "dimensions", "indicators", "use", "description"});
    if (v.contains("use")) {
      if (v.contains("dimensions") || v.contains("indicators") || v.contains("normalize") || v.contains("na"))
        throw SpecError(path, "a \"use\" takes only \"name\" and \"weight\" beside it");
      const std::string t = string_at(v["use"], path + "/use");
      if (!templates || !templates->contains(t))
        throw SpecError(path + "/use", "unknown template " + json_quoted(t));
      if (std::find(template_stack.begin(), template_stack.end(), t) != template_stack.end()) {
        std::string cycle;
        for (auto it = std::find(template_stack.begin(), template_stack.end(), t); it != template_stack.end(); ++it)
          cycle += *it + " -> ";
        throw SpecError(path + "/use", "cyclic reference: " + cycle + t);
      }
      template_stack.push_back(t);
      json body = (*templates)[t];
      if (body.is_object()) {
        body.erase("weight");
        if (v.contains("name")) body["name"] = v["name"];
        else if (!body.contains("name")) body["name"] = t;
      }
      const std::uint32_t n = dimension(body, "/templates/" + t, parent, depth);
      template_stack.pop_back();
      return n;
    }
    Node n;
    n.name = string_at(required(v, path, "name"), path + "/name");
    claim_name(n.name, path + "/name");
    if (v.contains("description")) string_at(v["description"], path + "/description");
    n.parent = parent;
    n.na = v.contains("na") ? na_at(v["na"], path + "/na") : default_na;
    const bool normalize = v.contains("normalize") ? bool_at(v["normalize"], path + "/normalize") : default_normalize;
    const std::uint32_t idx = add_node(std::move(n));
    children(v, path, idx, normalize, depth);
    return idx;
  }

  bool table_grades = false; ///< the grade table decides the grade: grades have no `min`

  void grades(const json& v) {
    if (!v.is_array() || v.empty()) throw SpecError("/grades", "expected a non-empty array of grades, best first");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string p = "/grades/" + std::to_string(i);
      guard([&] {
        check_keys(v[i], p, {"name", "min", "bonus"});
        Grade g;
        g.name = string_at(required(v[i], p, "name"), p + "/name");
        for (const auto& o : d.grades)
          if (o.name == g.name) throw SpecError(p + "/name", "duplicate grade " + json_quoted(g.name));
        if (table_grades) {
          if (v[i].contains("min"))
            throw SpecError(p + "/min", "the grade table decides the grade: a grade has no \"min\"", "E0603");
          g.has_min = false;
        } else if (v[i].contains("min")) g.min = parse_points(v[i]["min"], p + "/min", true);
        else if (i + 1 != v.size()) throw SpecError(p, "missing required key \"min\" (only the last grade may omit it)");
        else g.has_min = false;
        if (!d.grades.empty() && g.has_min && !(g.min < d.grades.back().min))
          throw SpecError(p + "/min", "expected grades best first, each minimum below the one before");
        if (v[i].contains("bonus")) g.bonus = parse_weight(v[i]["bonus"], p + "/bonus");
        d.grades.push_back(std::move(g));
      });
    }
  }

  void penalty(const json& v, const std::string& p) {
    check_keys(v, p, {"name", "level", "target", "when", "deduct", "bonus", "veto", "description"});
    Penalty pen;
    pen.name = string_at(required(v, p, "name"), p + "/name");
    for (const auto& o : d.penalties)
      if (o.name == pen.name) throw SpecError(p + "/name", "duplicate penalty " + json_quoted(pen.name));
    const std::string level = v.contains("level") ? string_at(v["level"], p + "/level") : "overall";
    if (level == "overall") {
      pen.level = Penalty::Level::overall;
      if (v.contains("target")) throw SpecError(p + "/target", "an overall penalty has no target");
    } else if (level == "dimension" || level == "indicator") {
      pen.level = level == "dimension" ? Penalty::Level::dimension : Penalty::Level::indicator;
      const std::string t = string_at(required(v, p, "target"), p + "/target");
      std::optional<std::uint32_t> node;
      for (std::uint32_t i = 1; i < d.nodes.size(); ++i)
        if (d.nodes[i].name == t) node = i;
      if (!node || d.nodes[*node].indicator.has_value() != (pen.level == Penalty::Level::indicator))
        throw SpecError(p + "/target", "no " + level + " named " + json_quoted(t));
      pen.node = *node;
    } else
      throw SpecError(p + "/level", "expected one of \"overall\", \"dimension\", \"indicator\", actual " + v["level"].dump());
    if (v.contains("description")) string_at(v["description"], p + "/description");
    if (v.contains("when")) pen.when = condition(v["when"], p + "/when");
    const int effects = int(v.contains("deduct")) + int(v.contains("bonus")) + int(v.contains("veto"));
    if (effects != 1) throw SpecError(p, "expected exactly one of \"deduct\", \"bonus\", \"veto\"");
    if (v.contains("veto")) {
      const std::string ep = p + "/veto";
      const json& e = v["veto"];
      check_keys(e, ep, {"score", "max_grade"});
      pen.effect = Penalty::Effect::veto;
      if (e.contains("score") == e.contains("max_grade")) throw SpecError(ep, "expected exactly one of \"score\", \"max_grade\"");
      if (e.contains("score")) pen.veto_score = parse_points(e["score"], ep + "/score");
      else {
        if (pen.level != Penalty::Level::overall) throw SpecError(ep + "/max_grade", "a grade cap applies at the overall level only");
        const std::string g = string_at(e["max_grade"], ep + "/max_grade");
        for (std::uint32_t i = 0; i < d.grades.size(); ++i)
          if (d.grades[i].name == g) pen.max_grade = i;
        if (!pen.max_grade) throw SpecError(ep + "/max_grade", "no grade named " + json_quoted(g));
      }
    } else {
      const bool bonus = v.contains("bonus");
      const std::string ep = p + (bonus ? "/bonus" : "/deduct");
      const json& e = bonus ? v["bonus"] : v["deduct"];
      check_keys(e, ep, {"points", "per", "beyond", "cap"});
      pen.effect = bonus ? Penalty::Effect::bonus : Penalty::Effect::deduct;
      pen.points = parse_points(required(e, ep, "points"), ep + "/points");
      if (e.contains("per")) {
        const KpiInput& k = kpi_input(e["per"], ep + "/per");
        pen.per_slot = slot_of_kpi(k);
        if (e.contains("beyond")) pen.beyond = parse_quantity(e["beyond"], k.unit, ep + "/beyond");
      } else if (e.contains("beyond"))
        throw SpecError(ep + "/beyond", "\"beyond\" needs \"per\" (the KPI counted)");
      if (e.contains("cap")) pen.cap = parse_points(e["cap"], ep + "/cap");
    }
    d.penalties.push_back(std::move(pen));
  }

  void compile(const json& spec) {
    if (!spec.is_object()) throw SpecError("/", "expected a scorecard object");
    check_keys(spec, "", {"name", "description", "inputs", "normalize", "na", "min_observations", "dimensions",
                          "indicators", "templates", "grades", "grade_table", "penalties", "display"});
    for (const auto& k : catalog) builtin.insert(k.name);
    guard([&] { d.name = spec.contains("name") ? string_at(spec["name"], "/name") : "scorecard"; });
    guard([&] { if (spec.contains("description")) string_at(spec["description"], "/description"); });
    if (spec.contains("inputs")) {
      guard([&] {
        const json& in = spec["inputs"];
        if (!in.is_object()) throw SpecError("/inputs", "expected an object of KPI name: unit");
        for (const auto& [name, unit] : in.items())
          guard([&] {
            const std::string p = "/inputs/" + name;
            // A QA aggregate may be declared again with its own unit (specs written for
            // indicator tables keep working); contact KPIs may not.
            for (const auto& q : qa_kpi_definitions())
              if (q.name == name) {
                if (unit.is_string() && unit.get<std::string>() == name_of(unit_of(q.kind))) return;
                throw SpecError(p, json_quoted(name) + " is already a QA aggregate (unit \"" +
                                       std::string(name_of(unit_of(q.kind))) + "\")");
              }
            if (builtin.count(name)) throw SpecError(p, json_quoted(name) + " is already a contact KPI");
            const auto u = unit.is_string() ? unit_from_name(unit.get<std::string>()) : std::nullopt;
            if (!u) throw SpecError(p, "expected a unit: \"seconds\", \"ratio\" or \"number\", actual " + unit.dump());
            catalog.push_back({name, *u});
          });
      });
    }
    guard([&] { if (spec.contains("normalize")) default_normalize = bool_at(spec["normalize"], "/normalize"); });
    guard([&] { if (spec.contains("na")) default_na = na_at(spec["na"], "/na"); });
    guard([&] {
      if (spec.contains("min_observations")) default_min_obs = parse_points(spec["min_observations"], "/min_observations");
    });
    guard([&] {
      if (!spec.contains("display")) return;
      check_keys(spec["display"], "/display", {"decimals"});
      if (spec["display"].contains("decimals")) {
        const json& x = spec["display"]["decimals"];
        if (!x.is_number_integer() || x.get<int>() < 0 || x.get<int>() > 12)
          throw SpecError("/display/decimals", "expected an integer 0..12");
        d.decimals = x.get<int>();
      }
    });
    if (spec.contains("templates")) {
      guard([&] {
        if (!spec["templates"].is_object()) throw SpecError("/templates", "expected an object of name: dimension");
        templates = &spec["templates"];
      });
    }
    if (spec.contains("grade_table") && spec["grade_table"].is_object() && spec["grade_table"].contains("outputs") &&
        spec["grade_table"]["outputs"].is_array())
      for (const auto& o : spec["grade_table"]["outputs"])
        table_grades = table_grades || o == "grade" || (o.is_object() && o.contains("name") && o["name"] == "grade");
    if (spec.contains("grades")) guard([&] { grades(spec["grades"]); });
    Node root;
    root.name = "overall";
    root.na = NaHandling{};
    names.insert("overall");
    add_node(std::move(root));
    guard([&] { children(spec, "", 0, default_normalize, 0); });
    if (spec.contains("grade_table"))
      guard([&] {
        if (table_grades && d.grades.empty()) throw SpecError("/grade_table", "a grade table with the output `grade` needs \"grades\"", "E0603");
        d.grade_table = decision_table(
            spec["grade_table"], "/grade_table", true,
            [&](std::string_view name, std::vector<std::string>& values) -> std::optional<dsl::Type> {
              if (name == "grade") {
                for (const auto& g : d.grades) values.push_back(g.name);
                return dsl::Type::string;
              }
              if (name == "bonus") return dsl::Type::ratio;
              return std::nullopt;
            },
            {"grade", "bonus"});
        if (d.grade_table && d.grade_table->table.hit_policy() == dsl::HitPolicy::collect &&
            (d.grade_table->table.aggregation() == dsl::Aggregation::none || d.grade_table->table.output_index("grade")))
          throw SpecError("/grade_table/hit_policy", "a collect grade table decides only `bonus`, with an aggregation (sum, min, max)", "E0603");
      });
    if (spec.contains("penalties")) {
      guard([&] {
        const json& ps = spec["penalties"];
        if (!ps.is_array()) throw SpecError("/penalties", "expected an array of penalty rules");
        for (std::size_t i = 0; i < ps.size(); ++i)
          guard([&] { penalty(ps[i], "/penalties/" + std::to_string(i)); });
      });
    }
    // Post-order: children before parents, root last.
    std::function<void(std::uint32_t)> visit = [&](std::uint32_t n) {
      for (std::uint32_t c : d.nodes[n].children) visit(c);
      d.post_order.push_back(n);
    };
    visit(0);
    // Fingerprint: FNV-1a 64 of the canonical text (nlohmann::json keeps keys sorted).
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

json parse_text(std::string_view text) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw SpecError("/", std::string("not valid JSON: ") + e.what());
  }
}

} // namespace

std::vector<KpiInput> contact_kpi_inputs() {
  std::vector<KpiInput> out;
  for (const auto& d : contact_kpi_definitions(true)) out.push_back({std::string(d.name), unit_of(d.kind)});
  return out;
}

std::vector<KpiInput> qa_kpi_inputs() {
  std::vector<KpiInput> out;
  for (const auto& d : qa_kpi_definitions()) out.push_back({std::string(d.name), unit_of(d.kind)});
  return out;
}

std::vector<SpecError> Scorecard::check(const json& spec) {
  Compiler c;
  c.guard([&] { c.compile(spec); });
  return std::move(c.errors);
}

std::vector<SpecError> Scorecard::check_text(std::string_view text) {
  try {
    return check(parse_text(text));
  } catch (const SpecError& e) {
    return {e};
  }
}

Scorecard Scorecard::compile(const json& spec) {
  Compiler c;
  c.guard([&] { c.compile(spec); });
  if (!c.errors.empty()) throw c.errors.front();
  return Scorecard(std::make_shared<const Data>(std::move(c.d)));
}

Scorecard Scorecard::compile_text(std::string_view text) { return compile(parse_text(text)); }

const std::string& Scorecard::name() const noexcept { return data_->name; }
const std::string& Scorecard::fingerprint() const noexcept { return data_->fingerprint; }
const std::vector<Node>& Scorecard::nodes() const noexcept { return data_->nodes; }
const std::vector<Indicator>& Scorecard::indicators() const noexcept { return data_->indicators; }
const std::vector<Grade>& Scorecard::grades() const noexcept { return data_->grades; }
const std::vector<Penalty>& Scorecard::penalties() const noexcept { return data_->penalties; }
const BoundTable* Scorecard::grade_table() const noexcept { return data_->grade_table ? &*data_->grade_table : nullptr; }
const std::vector<KpiInput>& Scorecard::kpis() const noexcept { return data_->kpis; }
const std::vector<std::string>& Scorecard::keys() const noexcept { return data_->keys; }
const std::vector<std::uint32_t>& Scorecard::post_order() const noexcept { return data_->post_order; }
int Scorecard::decimals() const noexcept { return data_->decimals; }

std::optional<std::uint32_t> Scorecard::find_node(std::string_view name) const noexcept {
  for (std::uint32_t i = 0; i < data_->nodes.size(); ++i)
    if (data_->nodes[i].name == name) return i;
  return std::nullopt;
}

int grade_of(const std::vector<Grade>& grades, double score) noexcept {
  if (std::isnan(score)) return -1;
  for (std::size_t i = 0; i < grades.size(); ++i)
    if (!grades[i].has_min || score >= grades[i].min) return static_cast<int>(i);
  return -1;
}

} // namespace kpiscore::scoring
