#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/mapping.hpp>
#include <kpiscore/io/timestamp.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kpiscore {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::invalid_argument("mapping " + (path.empty() ? std::string("/") : path) + ": " + what);
}

/// JSON Pointer escaping of one key ("~" → "~0", "/" → "~1").
std::string key(const std::string& k) {
  std::string out;
  for (char c : k) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return out;
}

void check_keys(const json& obj, const std::string& path, std::initializer_list<const char*> keys) {
  if (!obj.is_object()) fail(path, "expected an object");
  for (const auto& [k, v] : obj.items()) {
    bool known = false;
    for (const char* name : keys) known = known || k == name;
    if (!known) {
      std::string list;
      for (const char* name : keys) list += std::string(list.empty() ? "" : ", ") + name;
      fail(path + "/" + key(k), "unknown key (expected one of: " + list + ")");
    }
  }
}

std::string choice(const json& v, const std::string& path, std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + "\"" + a + "\"";
  if (!v.is_string()) fail(path, "expected one of " + list);
  const auto s = v.get<std::string>();
  for (const char* a : allowed)
    if (s == a) return s;
  fail(path, "expected one of " + list + ", actual \"" + s + "\"");
}

constexpr std::string_view canonical_columns[] = {
    "contact_id", "arrived_at", "direction", "answered", "wait_s", "talk_s", "hold_s", "acw_s",
    "resolved_first_contact", "csat", "nps", "complaint", "converted"};

bool is_duration(std::string_view t) { return t == "wait_s" || t == "talk_s" || t == "hold_s" || t == "acw_s"; }
bool is_flag(std::string_view t) {
  return t == "answered" || t == "resolved_first_contact" || t == "complaint" || t == "converted";
}
bool is_dimension(std::string_view t) {
  for (auto d : standard_dimension_names)
    if (d == t) return true;
  return false;
}

std::string all_targets() {
  std::string list;
  for (auto c : canonical_columns) list += std::string(list.empty() ? "" : ", ") + std::string(c);
  for (auto c : standard_dimension_names) list += ", " + std::string(c);
  return list;
}

/// The alias key of a header: ASCII letters lower-cased; spaces, '_', '-', '.' removed.
std::string alias_key(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

ValueMap parse_values(const json& v, const std::string& path, std::string_view target) {
  if (v.is_string()) {
    const auto name = v.get<std::string>();
    auto preset = value_map_preset(name);
    if (!preset)
      fail(path, "unknown preset \"" + name +
                     "\" (expected \"1/0\", \"Y/N\", \"yes/no\", \"true/false\", \"是/否\", \"呼入/呼出\", "
                     "\"in/out\" or an object of source value: canonical value)");
    const bool direction_preset = name == "呼入/呼出" || name == "in/out";
    if (direction_preset != (target == "direction"))
      fail(path, "preset \"" + name + "\" does not apply to " + std::string(target));
    return *preset;
  }
  if (!v.is_object() || v.empty()) fail(path, "expected a preset name or a non-empty object of source value: canonical value");
  ValueMap m;
  for (const auto& [k, to] : v.items()) {
    const std::string p = path + "/" + key(k);
    if (std::string(trim(k)) != k || k.empty()) fail(p, "a source value must be non-empty and have no surrounding spaces");
    std::string canonical;
    if (to.is_number_integer())
      canonical = std::to_string(to.get<std::int64_t>());
    else if (to.is_string())
      canonical = to.get<std::string>();
    else
      fail(p, "expected a canonical value (a string or an integer)");
    if (is_flag(target) && canonical != "0" && canonical != "1") fail(p, "expected 1 or 0");
    if (target == "direction" && canonical != "inbound" && canonical != "outbound")
      fail(p, "expected \"inbound\" or \"outbound\"");
    if ((target == "csat" || target == "nps") && !to.is_number_integer()) fail(p, "expected an integer score");
    m.values.emplace(k, canonical);
  }
  m.expected = "expected one of: ";
  bool first = true;
  for (const auto& [k, to] : m.values) {
    m.expected += (first ? "" : ", ") + k;
    first = false;
  }
  return m;
}

ColumnMapping parse_column(const std::string& source, const json& v, const std::string& path, bool aliases) {
  ColumnMapping c;
  c.source = source;
  if (v.is_null()) return c; // dropped
  if (v.is_string()) {
    c.target = v.get<std::string>();
    if (!is_canonical_column(c.target))
      fail(path, "unknown column '" + c.target + "' (expected one of: " + all_targets() + ")");
    return c;
  }
  check_keys(v, path, {"to", "unit", "format", "values", "scale", "rule", "optional"});
  if (v.contains("to")) {
    if (v["to"].is_null())
      c.target.clear();
    else {
      if (!v["to"].is_string()) fail(path + "/to", "expected a column name or null");
      c.target = v["to"].get<std::string>();
      if (!is_canonical_column(c.target))
        fail(path + "/to", "unknown column '" + c.target + "' (expected one of: " + all_targets() + ")");
    }
  } else {
    Mapping plain;
    plain.aliases = aliases;
    const auto t = resolve_header(source, plain);
    if (!t) fail(path, "missing \"to\" (the header is neither a canonical column name nor a built-in alias)");
    c.target = *t;
  }
  if (v.contains("optional")) {
    if (!v["optional"].is_boolean()) fail(path + "/optional", "expected true or false");
    c.optional = v["optional"].get<bool>();
  }
  const std::string& t = c.target;
  if (v.contains("unit")) {
    if (!is_duration(t)) fail(path + "/unit", "applies to wait_s, talk_s, hold_s and acw_s only");
    const auto u = choice(v["unit"], path + "/unit", {"s", "ms", "hh:mm:ss"});
    c.unit = u == "s" ? DurationUnit::seconds : u == "ms" ? DurationUnit::milliseconds : DurationUnit::clock;
  }
  if (v.contains("format")) {
    if (t != "arrived_at") fail(path + "/format", "applies to arrived_at only");
    if (!v["format"].is_string()) fail(path + "/format", "expected a format such as \"%Y/%m/%d %H:%M:%S\"");
    c.timestamp_format = v["format"].get<std::string>();
    const std::string why = validate_timestamp_format(c.timestamp_format);
    if (!why.empty()) fail(path + "/format", why);
  }
  if (v.contains("values")) {
    if (is_duration(t) || t == "arrived_at" || t == "contact_id")
      fail(path + "/values", "applies to flags, direction, csat, nps and dimensions only");
    c.values = parse_values(v["values"], path + "/values", t);
  }
  if (v.contains("rule") && !v.contains("scale")) fail(path + "/rule", "needs \"scale\" (the source scale)");
  if (v.contains("scale")) {
    if (t != "csat") fail(path + "/scale", "applies to csat only");
    const json& s = v["scale"];
    if (!s.is_array() || s.size() != 2 || !s[0].is_number_integer() || !s[1].is_number_integer())
      fail(path + "/scale", "expected [min, max] (integers)");
    const auto lo = s[0].get<std::int64_t>(), hi = s[1].get<std::int64_t>();
    if (lo < 0 || hi > 100 || lo >= hi) fail(path + "/scale", "expected 0 <= min < max <= 100");
    c.scale = std::pair<int, int>(static_cast<int>(lo), static_cast<int>(hi));
    if (v.contains("rule")) {
      const json& r = v["rule"];
      const std::string rp = path + "/rule";
      if (!r.is_object() || r.empty())
        fail(rp, "expected an object of source value or range (\"9-10\") : target value");
      c.rule.assign(static_cast<std::size_t>(hi - lo + 1), null_small);
      for (const auto& [k, to] : r.items()) {
        const std::string p = rp + "/" + key(k);
        int a = 0, b = 0;
        char dash = 0;
        std::istringstream in(k);
        if (k.find('-') == std::string::npos) {
          if (!(in >> a) || !in.eof()) fail(p, "expected an integer or a range such as \"9-10\"");
          b = a;
        } else if (!(in >> a >> dash >> b) || dash != '-' || !in.eof() || a > b)
          fail(p, "expected an integer or a range such as \"9-10\"");
        if (a < lo || b > hi) fail(p, "outside the source scale " + std::to_string(lo) + ".." + std::to_string(hi));
        if (!to.is_number_integer() || to.get<std::int64_t>() < 0 || to.get<std::int64_t>() > 100)
          fail(p, "expected a target integer 0..100");
        for (int x = a; x <= b; ++x) {
          auto& slot = c.rule[static_cast<std::size_t>(x - lo)];
          if (slot != null_small) fail(p, "source value " + std::to_string(x) + " is mapped twice");
          slot = static_cast<std::int8_t>(to.get<std::int64_t>());
        }
      }
      for (std::size_t i = 0; i < c.rule.size(); ++i)
        if (c.rule[i] == null_small)
          fail(rp, "source value " + std::to_string(lo + static_cast<int>(i)) + " has no target");
    }
  }
  return c;
}

ValueMap preset(std::string name, std::initializer_list<std::pair<const char*, const char*>> values,
                std::string expected) {
  ValueMap m;
  m.name = std::move(name);
  for (const auto& [k, v] : values) m.values.emplace(k, v);
  m.expected = std::move(expected);
  return m;
}

} // namespace

bool is_canonical_column(std::string_view name) {
  for (auto c : canonical_columns)
    if (c == name) return true;
  return is_dimension(name);
}

std::optional<ValueMap> value_map_preset(std::string_view name) {
  if (name == "1/0") return preset("1/0", {{"1", "1"}, {"0", "0"}}, "expected 1 or 0");
  if (name == "Y/N") return preset("Y/N", {{"Y", "1"}, {"y", "1"}, {"N", "0"}, {"n", "0"}}, "expected Y or N");
  if (name == "yes/no")
    return preset("yes/no", {{"yes", "1"}, {"Yes", "1"}, {"YES", "1"}, {"no", "0"}, {"No", "0"}, {"NO", "0"}},
                  "expected yes or no");
  if (name == "true/false")
    return preset("true/false",
                  {{"true", "1"}, {"True", "1"}, {"TRUE", "1"}, {"false", "0"}, {"False", "0"}, {"FALSE", "0"}},
                  "expected true or false");
  if (name == "是/否") return preset("是/否", {{"是", "1"}, {"否", "0"}}, "expected 是 or 否");
  if (name == "呼入/呼出") return preset("呼入/呼出", {{"呼入", "inbound"}, {"呼出", "outbound"}}, "expected 呼入 or 呼出");
  if (name == "in/out")
    return preset("in/out", {{"in", "inbound"}, {"In", "inbound"}, {"IN", "inbound"}, {"out", "outbound"},
                             {"Out", "outbound"}, {"OUT", "outbound"}},
                  "expected in or out");
  return std::nullopt;
}

const std::vector<HeaderAlias>& builtin_aliases() {
  static const std::vector<HeaderAlias> all = {
      // contact_id
      {"contactid", "contact_id"}, {"callid", "contact_id"}, {"interactionid", "contact_id"},
      {"sessionid", "contact_id"}, {"ticketid", "contact_id"}, {"conversationid", "contact_id"},
      {"流水号", "contact_id"}, {"呼叫id", "contact_id"}, {"通话id", "contact_id"}, {"会话id", "contact_id"},
      {"联络id", "contact_id"}, {"工单号", "contact_id"}, {"呼叫编号", "contact_id"},
      // arrived_at
      {"arrivedat", "arrived_at"}, {"arrivaltime", "arrived_at"}, {"calltime", "arrived_at"},
      {"starttime", "arrived_at"}, {"calldate", "arrived_at"}, {"createdat", "arrived_at"},
      {"来电时间", "arrived_at"}, {"呼入时间", "arrived_at"}, {"进线时间", "arrived_at"},
      {"呼叫时间", "arrived_at"}, {"开始时间", "arrived_at"},
      // direction
      {"direction", "direction"}, {"calldirection", "direction"}, {"呼叫方向", "direction"},
      {"呼叫类型", "direction"}, {"方向", "direction"},
      // answered
      {"answered", "answered"}, {"isanswered", "answered"}, {"是否接通", "answered"}, {"接通", "answered"},
      {"是否应答", "answered"},
      // durations
      {"wait", "wait_s"}, {"waittime", "wait_s"}, {"queuetime", "wait_s"}, {"queuewait", "wait_s"},
      {"等待时长", "wait_s"}, {"排队时长", "wait_s"}, {"等待时间", "wait_s"},
      {"talk", "talk_s"}, {"talktime", "talk_s"}, {"talkduration", "talk_s"}, {"通话时长", "talk_s"},
      {"hold", "hold_s"}, {"holdtime", "hold_s"}, {"保持时长", "hold_s"},
      {"acw", "acw_s"}, {"wrapup", "acw_s"}, {"wrapuptime", "acw_s"}, {"aftercallwork", "acw_s"},
      {"话后处理时长", "acw_s"}, {"话后时长", "acw_s"}, {"事后处理时长", "acw_s"},
      // outcomes
      {"fcr", "resolved_first_contact"}, {"resolved", "resolved_first_contact"},
      {"firstcontactresolution", "resolved_first_contact"}, {"是否解决", "resolved_first_contact"},
      {"一次解决", "resolved_first_contact"}, {"首次解决", "resolved_first_contact"},
      {"satisfaction", "csat"}, {"满意度", "csat"}, {"满意度评分", "csat"},
      {"净推荐值", "nps"},
      {"complaint", "complaint"}, {"投诉", "complaint"}, {"是否投诉", "complaint"},
      {"converted", "converted"}, {"conversion", "converted"}, {"sale", "converted"}, {"是否成交", "converted"},
      {"成交", "converted"},
      // dimensions
      {"agent", "agent_id"}, {"agentid", "agent_id"}, {"agentcode", "agent_id"}, {"工号", "agent_id"},
      {"坐席", "agent_id"}, {"座席", "agent_id"}, {"坐席工号", "agent_id"}, {"座席工号", "agent_id"},
      {"客服工号", "agent_id"}, {"员工工号", "agent_id"},
      {"skill", "queue"}, {"skillgroup", "queue"}, {"技能组", "queue"}, {"队列", "queue"},
      {"渠道", "channel"}, {"班组", "team"}, {"组别", "team"}, {"teamname", "team"},
      {"outsourcer", "vendor"}, {"bpo", "vendor"}, {"外包商", "vendor"}, {"供应商", "vendor"},
      {"业务类型", "category"}, {"类别", "category"}, {"分类", "category"},
      {"customersegment", "customer_type"}, {"客户类型", "customer_type"},
  };
  return all;
}

const ColumnMapping* Mapping::find(std::string_view source) const {
  for (const auto& c : columns)
    if (c.source == source) return &c;
  return nullptr;
}

std::optional<std::string> resolve_header(std::string_view header, const Mapping& mapping) {
  if (const ColumnMapping* c = mapping.find(header)) return c->target;
  if (is_canonical_column(header)) return std::string(header);
  if (!mapping.aliases) return std::nullopt;
  const std::string k = alias_key(header);
  if (is_canonical_column(k)) return k; // "Contact ID" is not, "CSAT" → "csat" is
  for (const auto& a : builtin_aliases())
    if (a.alias == k) return std::string(a.target);
  return std::nullopt;
}

Mapping Mapping::from_json(const json& doc) {
  Mapping m;
  if (doc.is_null()) return m;
  check_keys(doc, "", {"encoding", "delimiter", "aliases", "columns"});
  if (doc.contains("encoding"))
    m.encoding = choice(doc["encoding"], "/encoding", {"auto", "utf-8", "gb18030", "gbk", "utf-16"});
  if (doc.contains("delimiter")) {
    const auto d = choice(doc["delimiter"], "/delimiter", {"auto", ",", ";", "\t", "|"});
    m.delimiter = d == "auto" ? 0 : d[0];
  }
  if (doc.contains("aliases")) {
    if (!doc["aliases"].is_boolean()) fail("/aliases", "expected true or false");
    m.aliases = doc["aliases"].get<bool>();
  }
  if (doc.contains("columns")) {
    const json& cols = doc["columns"];
    if (!cols.is_object()) fail("/columns", "expected an object of source header: column");
    for (const auto& [k, v] : cols.items()) {
      const std::string p = "/columns/" + key(k);
      if (k.empty() || std::string(trim(k)) != k) fail(p, "a source header must be non-empty and have no surrounding spaces");
      m.columns.push_back(parse_column(k, v, p, m.aliases));
    }
    // Two sources may not target the same column.
    for (std::size_t i = 0; i < m.columns.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (!m.columns[i].target.empty() && m.columns[i].target == m.columns[j].target)
          fail("/columns/" + key(m.columns[i].source),
               "'" + m.columns[j].source + "' already maps to " + m.columns[i].target);
  }
  return m;
}

Mapping Mapping::from_json_text(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw std::invalid_argument(std::string("mapping: not valid JSON: ") + e.what());
  }
  return from_json(doc);
}

Mapping Mapping::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("mapping: cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return from_json_text(ss.str());
}

json Mapping::to_json() const {
  json cols = json::object();
  for (const auto& c : columns) {
    if (c.target.empty() && !c.optional) {
      cols[c.source] = nullptr;
      continue;
    }
    json e = json::object();
    e["to"] = c.target.empty() ? json(nullptr) : json(c.target);
    if (c.optional) e["optional"] = true;
    if (c.unit)
      e["unit"] = *c.unit == DurationUnit::seconds ? "s" : *c.unit == DurationUnit::milliseconds ? "ms" : "hh:mm:ss";
    if (!c.timestamp_format.empty()) e["format"] = c.timestamp_format;
    if (c.values) {
      if (!c.values->name.empty())
        e["values"] = c.values->name;
      else {
        json v = json::object();
        for (const auto& [k, to] : c.values->values) {
          if (is_flag(c.target) || c.target == "csat" || c.target == "nps")
            v[k] = std::stoll(to);
          else
            v[k] = to;
        }
        e["values"] = v;
      }
    }
    if (c.scale) {
      e["scale"] = {c.scale->first, c.scale->second};
      if (!c.rule.empty()) {
        json r = json::object();
        for (std::size_t i = 0; i < c.rule.size(); ++i) r[std::to_string(c.scale->first + static_cast<int>(i))] = c.rule[i];
        e["rule"] = r;
      }
    }
    if (e.size() == 1 && !c.target.empty())
      cols[c.source] = c.target;
    else
      cols[c.source] = e;
  }
  json d = {{"encoding", encoding},
            {"delimiter", delimiter == 0 ? std::string("auto") : std::string(1, delimiter)},
            {"aliases", aliases},
            {"columns", cols}};
  return d;
}

} // namespace kpiscore
