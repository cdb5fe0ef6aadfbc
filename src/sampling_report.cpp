// Writers of a drawn sample and its report: CSV, JSON and text
// (include/kpiscore/sampling/sample.hpp).
#include <kpiscore/io/report.hpp>
#include <kpiscore/sampling/sample.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <string>

namespace kpiscore::sampling {
namespace {

using ojson = nlohmann::ordered_json;

std::string shortest(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string csv_quote(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (char c : s)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

ojson key_or_null(const std::string& s) {
  return s.empty() ? ojson(nullptr) : ojson(s);
}

ojson report_json(const Sample& sample, const SamplePlan& plan) {
  const SampleReport& r = sample.report;
  ojson j;
  j["design"] = std::string(design_name(plan.design));
  j["order_dependent"] = !is_hash_based(plan.design);
  j["population"] = r.population;
  j["requested"] = r.requested ? ojson(*r.requested) : ojson(nullptr);
  j["planned"] = r.planned ? ojson(*r.planned) : ojson(nullptr);
  j["expected"] = r.expected;
  j["achieved"] = r.achieved;
  j["alpha"] = plan.alpha;
  j["p"] = plan.p;
  ojson strata = ojson::array();
  for (const auto& s : r.strata) {
    ojson x;
    ojson key = ojson::object();
    for (std::size_t k = 0; k < sample.strata_by.size(); ++k)
      key[sample.strata_by[k]] = key_or_null(s.key[k]);
    x["key"] = key;
    x["population"] = s.population;
    x["expected"] = s.expected;
    x["planned"] = s.planned ? ojson(*s.planned) : ojson(nullptr);
    x["minimum"] = s.minimum;
    x["below_minimum"] = s.below_minimum;
    x["achieved"] = s.achieved;
    x["effective_size"] = s.effective_size;
    x["margin_of_error"] = s.margin_of_error ? ojson(*s.margin_of_error) : ojson(nullptr);
    strata.push_back(std::move(x));
  }
  j["strata"] = std::move(strata);
  ojson cov = ojson::array();
  for (const auto& c : r.coverage)
    cov.push_back({{"dimension", c.dimension},
                   {"values", c.values},
                   {"covered", c.covered},
                   {"missing", c.missing}});
  j["coverage"] = std::move(cov);
  if (!plan.evaluators.empty()) {
    ojson days = ojson::array();
    for (const auto& d : r.evaluator_days) {
      ojson a = ojson::object();
      for (std::size_t e = 0; e < plan.evaluators.size(); ++e)
        a[plan.evaluators[e].name] = d.assigned[e];
      days.push_back({{"day", d.day},
                      {"selected", d.selected},
                      {"assigned", a},
                      {"unassigned", d.unassigned}});
    }
    j["evaluator_days"] = std::move(days);
  }
  j["notes"] = r.notes;
  return j;
}

} // namespace

std::string sample_to_csv(const Sample& sample, const ContactTable& table, const SamplePlan& plan) {
  std::string out = "contact_id";
  auto field = [&out](std::string_view v) {
    out += ',';
    out += csv_quote(v);
  };
  for (const auto& k : sample.strata_by)
    field(k);
  out += ",inclusion_probability,design_weight";
  if (!plan.risk.empty()) out += ",size_measure,risk";
  if (!plan.evaluators.empty()) out += ",day,evaluator";
  out += '\n';
  for (const auto& c : sample.contacts) {
    out += csv_quote(table.contact_id[c.row]);
    for (const auto& k : sample.report.strata[c.stratum].key)
      field(k);
    field(shortest(c.inclusion_probability));
    field(shortest(c.design_weight));
    if (!plan.risk.empty()) {
      field(shortest(c.size_measure));
      field(c.risk_rule < 0
                ? std::string_view{}
                : std::string_view{plan.risk[static_cast<std::size_t>(c.risk_rule)].name});
    }
    if (!plan.evaluators.empty()) {
      field(c.day);
      field(c.evaluator < 0
                ? std::string_view{}
                : std::string_view{plan.evaluators[static_cast<std::size_t>(c.evaluator)].name});
    }
    out += '\n';
  }
  return out;
}

std::string sample_to_json(const Sample& sample, const ContactTable& table, const SamplePlan& plan,
                           bool with_report) {
  ojson j;
  j["design"] = std::string(design_name(plan.design));
  j["seed"] = plan.seed;
  j["strata_by"] = sample.strata_by;
  ojson contacts = ojson::array();
  for (const auto& c : sample.contacts) {
    ojson x;
    x["contact_id"] = std::string(table.contact_id[c.row]);
    const auto& key = sample.report.strata[c.stratum].key;
    for (std::size_t k = 0; k < sample.strata_by.size(); ++k)
      x[sample.strata_by[k]] = key_or_null(key[k]);
    x["inclusion_probability"] = c.inclusion_probability;
    x["design_weight"] = c.design_weight;
    if (!plan.risk.empty()) {
      x["size_measure"] = c.size_measure;
      x["risk"] = c.risk_rule < 0 ? ojson(nullptr)
                                  : ojson(plan.risk[static_cast<std::size_t>(c.risk_rule)].name);
    }
    if (!plan.evaluators.empty()) {
      x["day"] = c.day;
      x["evaluator"] = c.evaluator < 0
                           ? ojson(nullptr)
                           : ojson(plan.evaluators[static_cast<std::size_t>(c.evaluator)].name);
    }
    contacts.push_back(std::move(x));
  }
  j["contacts"] = std::move(contacts);
  if (with_report) j["report"] = report_json(sample, plan);
  return j.dump(2) + "\n";
}

std::string report_to_json(const Sample& sample, const SamplePlan& plan) {
  return report_json(sample, plan).dump(2) + "\n";
}

std::string report_to_csv(const Sample& sample, const SamplePlan& plan) {
  (void)plan;
  std::string out;
  for (const auto& k : sample.strata_by)
    out += csv_quote(k) + ",";
  out +=
      "population,expected,planned,minimum,below_minimum,achieved,effective_size,margin_of_error\n";
  for (const auto& s : sample.report.strata) {
    for (const auto& k : s.key)
      out += csv_quote(k) + ",";
    out += std::to_string(s.population) + "," + shortest(s.expected) + "," +
           (s.planned ? std::to_string(*s.planned) : std::string()) + "," +
           std::to_string(s.minimum) + "," + (s.below_minimum ? "1" : "0") + "," +
           std::to_string(s.achieved) + "," + shortest(s.effective_size) + "," +
           (s.margin_of_error ? shortest(*s.margin_of_error) : std::string()) + "\n";
  }
  return out;
}

std::string report_to_text(const Sample& sample, const SamplePlan& plan) {
  const SampleReport& r = sample.report;
  std::string out = "Sample: " + std::string(design_name(plan.design)) +
                    (is_hash_based(plan.design) ? "" : " (order-dependent)") + ", seed " +
                    std::to_string(plan.seed) + "; " + std::to_string(r.population) + " contacts, ";
  if (r.planned) out += std::to_string(*r.planned) + " planned, ";
  out += "expected " + fixed(r.expected, 2) + ", " + std::to_string(r.achieved) + " selected\n";
  out += "Margin of error at p = " + shortest(plan.p) + ", confidence " +
         shortest(100 * (1 - plan.alpha)) +
         "% (Wald with finite-population correction; Kish effective size when weights differ)\n\n";
  std::vector<std::string> header =
      sample.strata_by.empty() ? std::vector<std::string>{"stratum"} : sample.strata_by;
  for (const char* h : {"population", "expected", "planned", "min", "achieved", "eff_n", "moe"})
    header.emplace_back(h);
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : r.strata) {
    std::vector<std::string> row;
    if (sample.strata_by.empty()) row.emplace_back("all");
    for (const auto& k : s.key)
      row.push_back(k.empty() ? "-" : k);
    row.push_back(std::to_string(s.population));
    row.push_back(fixed(s.expected, 2));
    row.push_back(s.planned ? std::to_string(*s.planned) : "-");
    row.push_back(std::to_string(s.minimum) + (s.below_minimum ? " (short)" : ""));
    row.push_back(std::to_string(s.achieved));
    row.push_back(fixed(s.effective_size, 1));
    row.push_back(s.margin_of_error ? fixed(*s.margin_of_error * 100, 1) + "%" : "-");
    rows.push_back(std::move(row));
  }
  out += text_table(header, rows, sample.strata_by.empty() ? 1 : sample.strata_by.size(), true);
  if (!r.coverage.empty()) {
    out += "\nCoverage\n";
    std::vector<std::vector<std::string>> cov;
    for (const auto& c : r.coverage) {
      std::string missing;
      for (std::size_t i = 0; i < c.missing.size() && i < 10; ++i)
        missing += (i ? ", " : "") + c.missing[i];
      if (c.missing.size() > 10)
        missing += ", … (" + std::to_string(c.missing.size() - 10) + " more)";
      cov.push_back({c.dimension, std::to_string(c.covered) + " of " + std::to_string(c.values),
                     missing.empty() ? "-" : missing});
    }
    out += text_table({"dimension", "covered", "missing"}, cov, 3, true);
  }
  if (!plan.evaluators.empty()) {
    out += "\nEvaluators per day\n";
    std::vector<std::string> h{"day", "selected"};
    for (const auto& e : plan.evaluators)
      h.push_back(e.name);
    h.emplace_back("unassigned");
    std::vector<std::vector<std::string>> days;
    for (const auto& d : r.evaluator_days) {
      std::vector<std::string> row{d.day, std::to_string(d.selected)};
      for (auto a : d.assigned)
        row.push_back(std::to_string(a));
      row.push_back(std::to_string(d.unassigned));
      days.push_back(std::move(row));
    }
    out += text_table(h, days, 1, true);
  }
  if (!r.notes.empty()) {
    out += "\nNotes\n";
    for (const auto& n : r.notes)
      out += "- " + n + "\n";
  }
  return out;
}

} // namespace kpiscore::sampling
