// Writes seeded QA evaluation records (CSV) for a contacts file under a QA form: a sample of
// the handled contacts (complaints over-sampled, as the manuals ask), marks on each item's scale
// drawn around a per-agent skill, fault counts, rare critical failures, a few re-evaluations
// (the latest wins) and calibration evaluations by a second evaluator.
//   generate_evaluations CONTACTS.csv FORM.json [SEED] [RATE] > evaluations.csv
// RATE is the share of handled contacts sampled (default 0.15). Same inputs, same output.
#include "contact_generator.hpp"

#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/scoring/qa_form.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

using kpiscore::examples::Rng;
using namespace kpiscore::scoring;

std::string timestamp(std::int64_t ms) {
  // civil_from_days (H. Hinnant), UTC
  std::int64_t days = ms / 86'400'000, rem = ms % 86'400'000;
  if (rem < 0) {
    rem += 86'400'000;
    --days;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  const auto s = rem / 1000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

/// A stable skill in [0.62, 0.97] per agent id.
double skill_of(std::string_view agent) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : agent) h = (h ^ c) * 1099511628211ull;
  return 0.62 + 0.35 * static_cast<double>(h % 1000) / 999.0;
}

int poisson(Rng& rng, double mean) {
  int n = 0;
  double p = std::exp(-mean), cum = p, u = rng.uniform();
  while (u > cum && n < 20) {
    ++n;
    p *= mean / n;
    cum += p;
  }
  return n;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: generate_evaluations CONTACTS.csv FORM.json [SEED] [RATE] > evaluations.csv\n";
    return 1;
  }
  const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 7;
  const double rate = argc > 4 ? std::strtod(argv[4], nullptr) : 0.15;
  if (!(rate > 0 && rate <= 1)) {
    std::cerr << "generate_evaluations: RATE must be in (0, 1]\n";
    return 1;
  }
  std::ifstream form_in(argv[2], std::ios::binary);
  std::ostringstream form_text;
  form_text << form_in.rdbuf();
  const QaForm form = QaForm::compile_text(form_text.str());
  const kpiscore::ReadResult read = kpiscore::read_contacts_csv_file(argv[1]);
  const auto& t = read.table;
  const auto* agent = t.dimension("agent_id");
  const auto& complaint = t.column(kpiscore::SmallField::complaint);
  if (!agent) {
    std::cerr << "generate_evaluations: the contacts have no agent_id column\n";
    return 1;
  }

  Rng rng(seed);
  std::string out = "evaluation_id,contact_id,agent_id,evaluator,evaluated_at";
  for (const auto& it : form.items()) {
    out += ',';
    out += it.name;
  }
  out += ",forbidden_phrases,wrong_answers,process_violations";
  for (const auto& f : form.critical_flags()) {
    out += ',';
    out += f.name;
  }
  for (const auto& b : form.bonuses()) {
    out += ',';
    out += b.name;
  }
  out += ",calibration\n";

  std::size_t next_id = 1, sampled = 0, handled = 0;
  auto evaluation = [&](std::size_t row, const std::string& evaluator, std::int64_t at, bool calibration) {
    const std::string_view a = agent->value(row);
    const double skill = skill_of(a);
    char id[16];
    std::snprintf(id, sizeof id, "Q%06zu", next_id++);
    for (std::string_view part : {std::string_view(id), t.contact_id[row], a, std::string_view(evaluator)}) {
      out.append(part);
      out += ',';
    }
    out += timestamp(at);
    for (const auto& it : form.items()) {
      out += ",";
      if (it.na_allowed && rng.chance(it.critical != CriticalScope::none ? 0.02 : 0.06)) {
        out += "NA";
        continue;
      }
      const double q = std::clamp(skill + (rng.uniform() - 0.5) * 0.5, 0.0, 1.0);
      switch (it.scale) {
      case QaScale::yes_no: out += rng.chance(it.critical != CriticalScope::none ? 0.985 : q) ? "yes" : "no"; break;
      case QaScale::one_to_five: out += std::to_string(1 + static_cast<int>(std::lround(4 * q))); break;
      case QaScale::zero_to_ten: out += std::to_string(std::lround(10 * q)); break;
      case QaScale::points: out += fmt(std::round(2 * q * it.max_points) / 2); break;
      }
    }
    // forbidden phrases, wrong answers, process violations: around the manuals' targets of
    // 2, 1 and 1 per 100 records, more for weaker agents
    for (double mean : {0.005 + (1 - skill) * 0.09, 0.002 + (1 - skill) * 0.04, 0.003 + (1 - skill) * 0.05}) {
      out += ',';
      out += std::to_string(poisson(rng, mean));
    }
    for (std::size_t f = 0; f < form.critical_flags().size(); ++f) out += rng.chance(0.004) ? ",1" : ",0";
    for (std::size_t b = 0; b < form.bonuses().size(); ++b) out += rng.chance(0.06) ? ",1" : ",0";
    out += calibration ? ",1\n" : ",0\n";
  };
  for (std::size_t row = 0; row < t.size(); ++row) {
    if (!t.answered[row] || agent->value(row).empty()) continue;
    ++handled;
    const bool is_complaint = !complaint.empty() && complaint[row] == 1;
    // Complaints are sampled at twice the rate; the rest a little below it, ~RATE overall.
    if (!rng.chance(is_complaint ? std::min(1.0, 2 * rate) : rate * 0.95)) continue;
    ++sampled;
    const std::uint64_t evaluator = 1 + rng.below(6);
    const std::int64_t at = t.arrived_at_ms[row] + 86'400'000 + static_cast<std::int64_t>(rng.below(2 * 86'400)) * 1000;
    char who[8];
    std::snprintf(who, sizeof who, "E%02llu", static_cast<unsigned long long>(evaluator));
    evaluation(row, who, at, false);
    if (rng.chance(0.03)) { // re-evaluated after an appeal: the later evaluation wins
      std::snprintf(who, sizeof who, "E%02llu", static_cast<unsigned long long>(1 + evaluator % 6));
      evaluation(row, who, at + 3 * 86'400'000, false);
    }
    if (rng.chance(0.04)) { // a calibration session: another evaluator scores the same contact
      std::snprintf(who, sizeof who, "E%02llu", static_cast<unsigned long long>(1 + (evaluator + 2) % 6));
      evaluation(row, who, at + 2 * 3'600'000, true);
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::cerr << "generate_evaluations: " << sampled << " of " << handled << " handled contacts sampled, "
            << (next_id - 1) << " evaluations\n";
  return 0;
}
