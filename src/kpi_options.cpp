#include <kpiscore/metrics/kpi_options.hpp>
#include <kpiscore/table/time_zone.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <stdexcept>

namespace kpiscore {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::invalid_argument("options " + path + ": " + what);
}

void check_keys(const json& obj, const std::string& path, std::initializer_list<const char*> keys) {
  if (!obj.is_object()) fail(path.empty() ? "/" : path, "expected an object");
  for (const auto& [k, v] : obj.items()) {
    bool known = false;
    for (const char* key : keys) known = known || k == key;
    if (!known) {
      std::string list;
      for (const char* key : keys) list += std::string(list.empty() ? "" : ", ") + key;
      fail(path + "/" + k, "unknown key (expected one of: " + list + ")");
    }
  }
}

std::int64_t seconds_to_ms(const json& v, const std::string& path) {
  if (!v.is_number()) fail(path, "expected a number of seconds");
  const double s = v.get<double>();
  if (!std::isfinite(s) || s < 0 || s > 1e9) fail(path, "expected a non-negative number of seconds");
  return std::llround(s * 1000.0);
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

int integer(const json& v, const std::string& path, int lo, int hi) {
  if (!v.is_number_integer()) fail(path, "expected an integer");
  const auto x = v.get<std::int64_t>();
  if (x < lo || x > hi)
    fail(path, "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  return static_cast<int>(x);
}

int parse_clock(const std::string& s, const std::string& path) {
  // "HH:MM", 00:00..24:00
  if (s.size() != 5 || s[2] != ':' || !std::isdigit(static_cast<unsigned char>(s[0])) ||
      !std::isdigit(static_cast<unsigned char>(s[1])) ||
      !std::isdigit(static_cast<unsigned char>(s[3])) ||
      !std::isdigit(static_cast<unsigned char>(s[4])))
    fail(path, "expected \"HH:MM-HH:MM\"");
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) fail(path, "hour or minute out of range");
  return h * 60 + m;
}

std::map<std::string, std::int64_t, std::less<>> threshold_map(const json& v, const std::string& path) {
  if (!v.is_object()) fail(path, "expected an object of name: seconds");
  std::map<std::string, std::int64_t, std::less<>> out;
  for (const auto& [k, t] : v.items()) out.emplace(k, seconds_to_ms(t, path + "/" + k));
  return out;
}

Population population(const json& v, const std::string& path, bool allow_all, bool allow_offered) {
  std::string s;
  if (allow_all)
    s = choice(v, path, {"all", "handled"});
  else if (allow_offered)
    s = choice(v, path, {"handled", "offered"});
  if (s == "all") return Population::all;
  if (s == "offered") return Population::offered;
  return Population::handled;
}

const char* name_of(Population p) {
  switch (p) {
  case Population::all: return "all";
  case Population::offered: return "offered";
  default: return "handled";
  }
}

std::string clock(int minutes) {
  const auto two = [](int v) { return std::string{char('0' + v / 10), char('0' + v % 10)}; };
  return two(minutes / 60) + ":" + two(minutes % 60);
}

} // namespace

KpiOptions KpiOptions::from_json(const json& doc) {
  KpiOptions o;
  if (doc.is_null()) return o;
  check_keys(doc, "", {"timezone", "quantiles", "threads", "service_level", "aht", "fcr", "csat",
                       "complaint_rate", "conversion_rate", "peak", "legs", "intervals", "max_groups"});
  if (doc.contains("timezone")) {
    if (!doc["timezone"].is_string()) fail("/timezone", "expected an IANA time zone name");
    o.timezone = doc["timezone"].get<std::string>();
    try {
      (void)TimeZone::locate(o.timezone);
    } catch (const std::invalid_argument& e) {
      fail("/timezone", e.what());
    }
    if (o.timezone == "Etc/UTC" || o.timezone.empty()) o.timezone = "UTC";
  }
  if (doc.contains("quantiles")) {
    if (!doc["quantiles"].is_boolean()) fail("/quantiles", "expected true or false");
    o.quantiles = doc["quantiles"].get<bool>();
  }
  if (doc.contains("threads")) o.threads = integer(doc["threads"], "/threads", 0, 1024);
  if (doc.contains("max_groups")) {
    // Group ids are 32-bit with one code reserved for null: at most 2^32 - 2 groups.
    const json& v = doc["max_groups"];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 4'294'967'294)
      fail("/max_groups", "expected an integer in 1..4294967294");
    o.max_groups = v.get<std::uint64_t>();
  }
  if (doc.contains("service_level")) {
    const json& sl = doc["service_level"];
    const std::string p = "/service_level";
    check_keys(sl, p, {"threshold_s", "threshold_s_by_channel", "threshold_s_by_queue",
                       "comparison", "short_abandon_s", "abandons"});
    if (sl.contains("threshold_s"))
      o.service_level.threshold_ms = seconds_to_ms(sl["threshold_s"], p + "/threshold_s");
    if (sl.contains("threshold_s_by_channel"))
      o.service_level.threshold_ms_by_channel =
          threshold_map(sl["threshold_s_by_channel"], p + "/threshold_s_by_channel");
    if (sl.contains("threshold_s_by_queue"))
      o.service_level.threshold_ms_by_queue =
          threshold_map(sl["threshold_s_by_queue"], p + "/threshold_s_by_queue");
    if (sl.contains("comparison"))
      o.service_level.comparison = choice(sl["comparison"], p + "/comparison", {"<=", "<"}) == "<"
                                       ? ThresholdComparison::less
                                       : ThresholdComparison::less_equal;
    if (sl.contains("short_abandon_s"))
      o.service_level.short_abandon_ms = seconds_to_ms(sl["short_abandon_s"], p + "/short_abandon_s");
    if (sl.contains("abandons")) {
      const auto a = choice(sl["abandons"], p + "/abandons", {"against", "ignore", "ignore_all", "for"});
      o.service_level.abandons = a == "against"  ? AbandonTreatment::against
                                 : a == "ignore" ? AbandonTreatment::ignore
                                 : a == "for"    ? AbandonTreatment::count_for
                                                 : AbandonTreatment::ignore_all;
    }
  }
  if (doc.contains("aht")) {
    const json& a = doc["aht"];
    check_keys(a, "/aht", {"components"});
    if (a.contains("components")) {
      const json& c = a["components"];
      if (!c.is_array() || c.empty())
        fail("/aht/components", "expected a non-empty array of \"talk\", \"hold\", \"acw\"");
      o.aht.talk = o.aht.hold = o.aht.acw = false;
      for (std::size_t i = 0; i < c.size(); ++i) {
        const auto s = choice(c[i], "/aht/components/" + std::to_string(i), {"talk", "hold", "acw"});
        (s == "talk" ? o.aht.talk : s == "hold" ? o.aht.hold : o.aht.acw) = true;
      }
    }
  }
  if (doc.contains("fcr")) {
    const json& f = doc["fcr"];
    check_keys(f, "/fcr", {"unknown", "scope"});
    if (f.contains("unknown"))
      o.fcr.unknown = choice(f["unknown"], "/fcr/unknown", {"exclude", "not_resolved"}) == "exclude"
                          ? FcrUnknown::exclude
                          : FcrUnknown::not_resolved;
    if (f.contains("scope")) o.fcr.scope = population(f["scope"], "/fcr/scope", true, false);
  }
  if (doc.contains("csat")) {
    const json& c = doc["csat"];
    check_keys(c, "/csat", {"scale", "top_box_min"});
    if (c.contains("scale")) {
      const json& s = c["scale"];
      if (!s.is_array() || s.size() != 2) fail("/csat/scale", "expected [min, max]");
      o.csat.scale_min = integer(s[0], "/csat/scale/0", 0, 100);
      o.csat.scale_max = integer(s[1], "/csat/scale/1", 1, 100);
      if (o.csat.scale_min >= o.csat.scale_max) fail("/csat/scale", "expected min < max");
    }
    if (c.contains("top_box_min")) o.csat.top_box_min = integer(c["top_box_min"], "/csat/top_box_min", 0, 100);
    if (o.csat.top_box_min < o.csat.scale_min || o.csat.top_box_min > o.csat.scale_max)
      fail("/csat/top_box_min", "expected a value inside the scale");
  }
  for (const char* k : {"complaint_rate", "conversion_rate"}) {
    if (!doc.contains(k)) continue;
    const std::string p = std::string("/") + k;
    check_keys(doc[k], p, {"denominator"});
    if (doc[k].contains("denominator")) {
      auto pop = population(doc[k]["denominator"], p + "/denominator", false, true);
      (std::string(k) == "complaint_rate" ? o.complaint_denominator : o.conversion_denominator) = pop;
    }
  }
  if (doc.contains("legs")) {
    const json& l = doc["legs"];
    const std::string p = "/legs";
    check_keys(l, p, {"collapse", "wait", "owner", "handle", "fcr", "duplicates"});
    if (l.contains("collapse")) {
      if (!l["collapse"].is_boolean()) fail(p + "/collapse", "expected true or false");
      o.legs.collapse = l["collapse"].get<bool>();
    }
    if (l.contains("wait"))
      o.legs.wait = choice(l["wait"], p + "/wait", {"first", "total"}) == "first" ? LegWait::first : LegWait::total;
    if (l.contains("owner"))
      o.legs.owner = choice(l["owner"], p + "/owner", {"last", "first"}) == "last" ? LegOwner::last : LegOwner::first;
    if (l.contains("handle"))
      o.legs.handle =
          choice(l["handle"], p + "/handle", {"contact", "owner"}) == "contact" ? LegHandle::contact : LegHandle::owner;
    if (l.contains("fcr"))
      o.legs.fcr = choice(l["fcr"], p + "/fcr", {"last", "first"}) == "last" ? LegFcr::last : LegFcr::first;
    if (l.contains("duplicates"))
      o.legs.drop_duplicates = choice(l["duplicates"], p + "/duplicates", {"drop", "keep"}) == "drop";
  }
  if (doc.contains("intervals")) {
    const json& iv = doc["intervals"];
    check_keys(iv, "/intervals", {"alpha", "proportion_method"});
    if (iv.contains("alpha")) {
      const json& a = iv["alpha"];
      if (!a.is_number() || !(a.get<double>() > 0.0 && a.get<double>() < 1.0))
        fail("/intervals/alpha", "expected a number in (0, 1)");
      o.intervals.alpha = a.get<double>();
    }
    if (iv.contains("proportion_method"))
      o.intervals.proportion_method = stats::parse_proportion_method(
          choice(iv["proportion_method"], "/intervals/proportion_method",
                 {"wilson", "agresti_coull", "beta", "jeffreys", "normal"}));
  }
  if (doc.contains("peak")) {
    const json& pk = doc["peak"];
    check_keys(pk, "/peak", {"hours"});
    if (pk.contains("hours")) {
      const json& h = pk["hours"];
      if (!h.is_array()) fail("/peak/hours", "expected an array of \"HH:MM-HH:MM\"");
      o.peak_minutes.clear();
      for (std::size_t i = 0; i < h.size(); ++i) {
        const std::string p = "/peak/hours/" + std::to_string(i);
        if (!h[i].is_string()) fail(p, "expected \"HH:MM-HH:MM\"");
        const auto s = h[i].get<std::string>();
        if (s.size() != 11 || s[5] != '-') fail(p, "expected \"HH:MM-HH:MM\"");
        const int a = parse_clock(s.substr(0, 5), p), b = parse_clock(s.substr(6), p);
        if (a >= b) fail(p, "expected the start before the end");
        o.peak_minutes.emplace_back(a, b);
      }
    }
  }
  return o;
}

KpiOptions KpiOptions::from_json_text(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw std::invalid_argument(std::string("options: not valid JSON: ") + e.what());
  }
  return from_json(doc);
}

json KpiOptions::to_json() const {
  json sl = {
      {"threshold_s", service_level.threshold_ms / 1000.0},
      {"threshold_s_by_channel", json::object()},
      {"threshold_s_by_queue", json::object()},
      {"comparison", service_level.comparison == ThresholdComparison::less ? "<" : "<="},
      {"short_abandon_s", service_level.short_abandon_ms / 1000.0},
      {"abandons", service_level.abandons == AbandonTreatment::against  ? "against"
                   : service_level.abandons == AbandonTreatment::ignore ? "ignore"
                   : service_level.abandons == AbandonTreatment::count_for ? "for"
                                                                           : "ignore_all"},
  };
  for (const auto& [k, v] : service_level.threshold_ms_by_channel) sl["threshold_s_by_channel"][k] = v / 1000.0;
  for (const auto& [k, v] : service_level.threshold_ms_by_queue) sl["threshold_s_by_queue"][k] = v / 1000.0;
  json comps = json::array();
  if (aht.talk) comps.push_back("talk");
  if (aht.hold) comps.push_back("hold");
  if (aht.acw) comps.push_back("acw");
  json hours = json::array();
  for (const auto& [a, b] : peak_minutes) hours.push_back(clock(a) + "-" + clock(b));
  json doc = {
      {"timezone", timezone},
      {"quantiles", quantiles},
      {"threads", threads},
      {"service_level", sl},
      {"aht", {{"components", comps}}},
      {"fcr",
       {{"unknown", fcr.unknown == FcrUnknown::exclude ? "exclude" : "not_resolved"},
        {"scope", name_of(fcr.scope)}}},
      {"csat", {{"scale", {csat.scale_min, csat.scale_max}}, {"top_box_min", csat.top_box_min}}},
      {"complaint_rate", {{"denominator", name_of(complaint_denominator)}}},
      {"conversion_rate", {{"denominator", name_of(conversion_denominator)}}},
      {"peak", {{"hours", hours}}},
  };
  // Left out at its defaults so that the normalized document (and the fingerprint) of options
  // without legs is what it was before the section existed.
  if (!(legs == Legs{}))
    doc["legs"] = {{"collapse", legs.collapse},
                   {"wait", legs.wait == LegWait::first ? "first" : "total"},
                   {"owner", legs.owner == LegOwner::last ? "last" : "first"},
                   {"handle", legs.handle == LegHandle::contact ? "contact" : "owner"},
                   {"fcr", legs.fcr == LegFcr::last ? "last" : "first"},
                   {"duplicates", legs.drop_duplicates ? "drop" : "keep"}};
  if (!(intervals == Intervals{}))
    doc["intervals"] = {{"alpha", intervals.alpha},
                        {"proportion_method", std::string(stats::to_string(intervals.proportion_method))}};
  // A resource guard, not a definition: left out at its default (normalized documents and
  // fingerprints stay as they were) and never part of the fingerprint.
  if (max_groups != default_max_groups) doc["max_groups"] = max_groups;
  return doc;
}

std::uint64_t KpiOptions::fingerprint() const {
  json doc = to_json();
  doc.erase("threads");
  doc.erase("intervals"); // how intervals are computed does not change what a state holds
  doc.erase("max_groups");
  const std::string text = doc.dump();
  std::uint64_t h = 14695981039346656037ull; // FNV-1a 64 offset basis
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

} // namespace kpiscore
