// libFuzzer target: decision tables from arbitrary text. The first line is the hit policy
// (`unique`, `first`, `priority`, `collect sum`, ...; anything else is `first`), each further
// line a rule `ENTRY | ENTRY | ENTRY => VALUE` over the inputs x (number), w (duration) and
// c (string). Invariants (abort() when broken): compile throws nothing but TableError, and the
// checks stay within their budget; a table that compiles (with and without the checks) gives,
// through its index, exactly what a scan of every rule gives on probe values at every entry
// boundary, between boundaries, beyond them, and null.
//
//   ./build-fuzz/fuzz/decision_table_fuzz -max_total_time=60 fuzz/corpus-decision_table_fuzz
#include <kpiscore/dsl/decision_table.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace kpiscore::dsl;
using nlohmann::json;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "decision_table_fuzz: invariant broken: %s\n", what);
  std::abort();
}

std::vector<std::string> split(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    out.emplace_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + sep.size();
  }
}

TableScope scope() {
  TableScope s;
  s.input = [](std::string_view n) -> std::optional<Type> {
    if (n == "x") return Type::number;
    if (n == "w") return Type::duration;
    if (n == "c") return Type::string;
    return std::nullopt;
  };
  s.output = [](std::string_view n, std::vector<std::string>&) -> std::optional<Type> {
    return n == "v" ? std::optional<Type>(Type::number) : std::nullopt;
  };
  return s;
}

void probe(const DecisionTable& t) {
  // Probe values: every finite interval end, its neighbours, and far values; labels seen + other.
  std::vector<double> xs = {-1e300, 1e300, 0}, ws = {-1e300, 1e300, 0};
  std::vector<std::string> labels = {"", "zz-other"};
  for (const auto& r : t.rules())
    for (std::size_t c = 0; c < 3; ++c) {
      for (const auto& iv : r.inputs[c].intervals)
        for (double e : {iv.lo, iv.hi})
          if (std::isfinite(e)) {
            auto& v = c == 0 ? xs : ws;
            v.push_back(e);
            v.push_back(std::nextafter(e, -INFINITY));
            v.push_back(std::nextafter(e, INFINITY));
            v.push_back(e + 0.5);
          }
      for (const auto& l : r.inputs[c].labels)
        labels.push_back(l);
    }
  xs.push_back(NAN);
  ws.push_back(NAN);
  const std::size_t n = std::max({xs.size(), ws.size(), labels.size() + 1});
  std::vector<double> X(n), Wv(n);
  std::vector<std::string_view> L(n);
  std::vector<std::uint8_t> valid(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    X[i] = xs[i % xs.size()];
    Wv[i] = ws[(i * 7) % ws.size()];
    if (i < labels.size())
      L[i] = labels[i];
    else
      valid[i] = 0;
  }
  const std::vector<TableInput> in = {{X.data(), nullptr, nullptr},
                                      {Wv.data(), nullptr, nullptr},
                                      {nullptr, L.data(), valid.data()}};
  std::vector<std::int32_t> rule(n);
  std::vector<double> value(n);
  t.evaluate(in, n, rule.data(), value.data());
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::size_t> hits;
    for (std::size_t k = 0; k < t.rules().size(); ++k) {
      const auto& e = t.rules()[k].inputs;
      if (e[0].matches(X[i]) && e[1].matches(Wv[i]) && (valid[i] ? e[2].matches(L[i]) : e[2].any))
        hits.push_back(k);
    }
    if (t.matching(in, i) != hits) fail("the index and the scan disagree on the matching rules");
    if (hits.empty() && rule[i] != DecisionTable::no_match) fail("a result without a match");
    if (t.hit_policy() == HitPolicy::first && !hits.empty() &&
        rule[i] != static_cast<std::int32_t>(hits[0]))
      fail("first did not choose the first match");
    if (t.hit_policy() == HitPolicy::unique && hits.size() > 1 &&
        rule[i] != DecisionTable::unique_violation)
      fail("a unique violation not reported");
    if (t.hit_policy() == HitPolicy::collect && !hits.empty() &&
        rule[i] != DecisionTable::collected)
      fail("collect without its code");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto lines = split(text, "\n");
  json j = {{"inputs", {"x", "w", "c"}}, {"outputs", {"v"}}, {"rules", json::array()}};
  const auto head = split(lines[0], " ");
  j["hit_policy"] =
      head[0] == "unique" || head[0] == "priority" || head[0] == "collect" ? head[0] : "first";
  if (head[0] == "collect" && head.size() > 1) j["aggregation"] = head[1];
  if (head[0] == "priority") j["outputs"] = {json{{"name", "v"}, {"values", {"1", "2", "3"}}}};
  for (std::size_t i = 1; i < lines.size() && i < 200; ++i) {
    const auto parts = split(lines[i], "=>");
    json when = json::array();
    for (const auto& cell : split(parts[0], "|"))
      when.push_back(cell);
    json then = json::array();
    if (parts.size() > 1) then.push_back(parts[1]);
    j["rules"].push_back({{"when", std::move(when)}, {"then", std::move(then)}});
  }
  for (const bool check : {true, false}) {
    DecisionTable::Options o;
    o.check = check;
    o.check_budget = 200000;
    std::vector<TableError> errors;
    DecisionTable t;
    try {
      t = DecisionTable::compile(j, scope(), o, &errors);
    } catch (...) {
      fail("compile threw although errors are collected");
    }
    try {
      (void)DecisionTable::compile(j, scope(), o, nullptr);
      if (!errors.empty()) fail("compile without a list succeeded where the list has errors");
    } catch (const TableError&) {
      if (errors.empty()) fail("compile threw where the list has no errors");
    } catch (...) {
      fail("compile threw something other than TableError");
    }
    for (const auto& e : errors)
      if (e.code().size() != 5 || e.code().rfind("E06", 0) != 0)
        fail("an error without an E06xx code");
    if (errors.empty()) probe(t);
  }
  return 0;
}
