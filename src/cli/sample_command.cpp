// kpiscore sample: draw a QA sample from contact records by a plan (docs/sampling.md).
#include "cli_common.hpp"

#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/report.hpp>
#include <kpiscore/sampling.hpp>
#include <kpiscore/table/time_zone.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace kpiscore;
using namespace kpiscore::cli;
namespace ks = kpiscore::sampling;

int run_sample(const std::vector<std::string>& args);

const RegisterCommand reg{"sample",
                          "kpiscore sample --plan PLAN.json --input CONTACTS.csv [--tz ZONE] "
                          "[--format csv|json|table] [--report] [--output FILE]   QA sample",
                          &run_sample};

const char* sample_help = R"(kpiscore sample — draw a QA sample of contacts by a plan

Usage:
  kpiscore sample --plan PLAN.json --input CONTACTS.csv [--tz ZONE] [--format csv|json|table]
                  [--report] [--output FILE] [--rejects FILE]

  --plan FILE      the sampling plan (docs/sampling.md, "Plan reference"): design, seed, rate or
                   size, strata and allocation, risk weights, evaluators
  --input FILE     contacts CSV (docs/input.md)
  --tz ZONE        IANA time zone of the day, interval and peak keys (overrides the plan's)
  --format F       csv (default), json or table
  --report         print the sample report (planned against achieved per stratum, coverage,
                   margin of error, evaluator days) instead of the selected contacts; with
                   --output, the contacts go to the file and the report to standard output
  --output FILE    write the selected contacts to FILE (in --format, csv for table)
  --rejects FILE   write rejected input records (line, field, reason) as CSV

Hash-based designs (bernoulli, poisson, pareto, sequential_poisson) select the same contacts
whatever the row order; systematic and reservoir depend on the order of the input.

Exit codes: 0 ok, 1 usage or plan error, 2 input error (unreadable or unusable file).
)";

int run_sample(const std::vector<std::string>& args) {
  std::string plan_path, input, tz, format = "csv", output, rejects_path;
  bool report = false;
  std::vector<std::string> given;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& f = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(f + ": missing value");
      return args[++i];
    };
    if (f == "--help" || f == "-h") {
      std::cout << sample_help;
      return exit_ok;
    }
    for (const std::string& g : given)
      if (g == f) throw UsageError(f + ": given twice");
    if (f.rfind("--", 0) == 0) given.push_back(f);
    if (f == "--plan")
      plan_path = value();
    else if (f == "--input")
      input = value();
    else if (f == "--tz")
      tz = value();
    else if (f == "--output")
      output = value();
    else if (f == "--rejects")
      rejects_path = value();
    else if (f == "--report")
      report = true;
    else if (f == "--format") {
      format = value();
      if (format != "csv" && format != "json" && format != "table")
        throw UsageError("--format: expected csv, json or table, actual '" + format + "'");
    } else
      throw UsageError("sample: unknown argument '" + f + "' (see kpiscore sample --help)");
  }
  if (plan_path.empty())
    throw UsageError("sample: --plan FILE is required (see kpiscore sample --help)");
  if (input.empty())
    throw UsageError("sample: --input FILE is required (see kpiscore sample --help)");

  std::string plan_text;
  try {
    plan_text = read_file(plan_path);
  } catch (const InputError& e) {
    throw UsageError(std::string("--plan: ") + e.what());
  }
  ks::SamplePlan plan;
  try {
    plan = ks::SamplePlan::from_json_text(plan_text);
  } catch (const ks::PlanError& e) {
    throw UsageError(plan_path + ": " + e.what());
  }
  if (!tz.empty()) {
    try {
      plan.options.timezone = TimeZone::locate(tz).name();
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--tz: ") + e.what());
    }
  }

  ReadResult read = read_contacts_csv_file(input, plan.options);
  if (!rejects_path.empty()) write_file(rejects_path, rejects_to_csv(read.rejects));
  std::cerr << "kpiscore: " << read.rows_read << " rows read, " << read.accepted() << " accepted, "
            << read.rejects.size() << " rejected";
  if (!read.rejects.empty() && rejects_path.empty()) std::cerr << " (see them with --rejects FILE)";
  std::cerr << "\n";

  ks::Sample sample;
  try {
    sample = ks::draw_sample(read.table, plan);
  } catch (const ks::PlanError& e) {
    throw UsageError(plan_path + ": " + e.what());
  }
  std::cerr << "kpiscore: " << sample.contacts.size() << " contacts selected ("
            << ks::design_name(plan.design)
            << (ks::is_hash_based(plan.design) ? "" : ", order-dependent") << ")\n";

  auto contacts_text = [&](const std::string& fmt) {
    return fmt == "json" ? ks::sample_to_json(sample, read.table, plan, false)
                         : ks::sample_to_csv(sample, read.table, plan);
  };
  if (!output.empty()) write_file(output, contacts_text(format));
  if (report) {
    if (format == "json")
      std::cout << ks::report_to_json(sample, plan);
    else if (format == "csv")
      std::cout << ks::report_to_csv(sample, plan);
    else
      std::cout << ks::report_to_text(sample, plan);
    return exit_ok;
  }
  if (!output.empty()) return exit_ok;
  if (format == "table") {
    std::vector<std::string> header{"contact_id"};
    for (const auto& k : sample.strata_by)
      header.push_back(k);
    header.emplace_back("pi");
    header.emplace_back("weight");
    if (!plan.risk.empty()) header.emplace_back("risk");
    if (!plan.evaluators.empty()) header.emplace_back("evaluator");
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : sample.contacts) {
      std::vector<std::string> row{std::string(read.table.contact_id[c.row])};
      for (const auto& k : sample.report.strata[c.stratum].key)
        row.push_back(k.empty() ? "-" : k);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.4f", c.inclusion_probability);
      row.emplace_back(buf);
      std::snprintf(buf, sizeof buf, "%.2f", c.design_weight);
      row.emplace_back(buf);
      if (!plan.risk.empty())
        row.push_back(c.risk_rule < 0 ? "-"
                                      : plan.risk[static_cast<std::size_t>(c.risk_rule)].name);
      if (!plan.evaluators.empty())
        row.push_back(
            c.evaluator < 0 ? "-" : plan.evaluators[static_cast<std::size_t>(c.evaluator)].name);
      rows.push_back(std::move(row));
    }
    std::cout << text_table(header, rows, 1 + sample.strata_by.size(), true);
    return exit_ok;
  }
  std::cout << (format == "json" ? ks::sample_to_json(sample, read.table, plan, true)
                                 : contacts_text("csv"));
  return exit_ok;
}

} // namespace
