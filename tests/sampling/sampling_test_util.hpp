#ifndef KPISCORE_TESTS_SAMPLING_TEST_UTIL_HPP
#define KPISCORE_TESTS_SAMPLING_TEST_UTIL_HPP

#include <kpiscore/sampling.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace kpiscore::test {

/// "C" + number, built by appending (g++ 12 -O3 warns on literal + temporary string).
inline std::string prefixed(char prefix, std::uint64_t n) {
  std::string s(1, prefix);
  s += std::to_string(n);
  return s;
}

/// One synthetic contact for the sampling tests.
struct Rec {
  std::string id, agent, channel, customer_type;
  std::int64_t at_ms = 0, talk_ms = 0;
  int csat = -1, complaint = 0;
};

/// n contacts over `agents` agents and `days` days from 2026-03-01 UTC; uneven agent volumes
/// (agent k gets about k+1 shares), a complaint on every 9th contact, CSAT 1..5 on 2 of 3.
inline std::vector<Rec> make_records(std::size_t n, int agents, int days, std::uint64_t seed = 1) {
  sampling::SplitMix64 rng(seed);
  std::vector<Rec> out;
  const int total_shares = agents * (agents + 1) / 2;
  for (std::size_t i = 0; i < n; ++i) {
    Rec r;
    r.id = prefixed('C', 100000 + i);
    int pick = static_cast<int>(rng.next() % static_cast<std::uint64_t>(total_shares)), a = 0;
    while (pick >= a + 1)
      pick -= ++a;
    r.agent = prefixed('A', static_cast<std::uint64_t>(10 + a));
    r.channel = rng.next() % 3 == 0 ? "chat" : "phone";
    r.customer_type = rng.next() % 4 == 0 ? "new" : "existing";
    const auto day = static_cast<std::int64_t>(rng.next() % static_cast<std::uint64_t>(days));
    r.at_ms = 1772323200000LL + day * 86'400'000LL +
              static_cast<std::int64_t>(rng.next() % 86'400'000ULL);
    r.talk_ms = 30'000 + static_cast<std::int64_t>(rng.next() % 900'000);
    r.csat = i % 3 == 2 ? -1 : static_cast<int>(1 + rng.next() % 5);
    r.complaint = i % 9 == 0 ? 1 : 0;
    out.push_back(std::move(r));
  }
  return out;
}

inline ContactTable table_of(const std::vector<Rec>& recs) {
  ContactTable t;
  for (auto name : standard_dimension_names)
    t.dimensions.emplace_back(std::string(name));
  for (const Rec& r : recs) {
    t.contact_id.push_back(r.id);
    t.arrived_at_ms.push_back(r.at_ms);
    t.inbound.push_back(1);
    t.answered.push_back(1);
    t.wait_ms.push_back(5'000);
    t.column(DurationField::talk).push_back(r.talk_ms);
    t.column(DurationField::hold).push_back(0);
    t.column(DurationField::acw).push_back(10'000);
    t.column(SmallField::resolved_first_contact).push_back(1);
    t.column(SmallField::csat).push_back(static_cast<std::int8_t>(r.csat));
    t.column(SmallField::nps).push_back(null_small);
    t.column(SmallField::complaint).push_back(static_cast<std::int8_t>(r.complaint));
    t.column(SmallField::converted).push_back(0);
    for (auto& d : t.dimensions) {
      const std::string& n = d.name();
      d.push_back(n == "agent_id"        ? r.agent
                  : n == "channel"       ? r.channel
                  : n == "customer_type" ? r.customer_type
                                         : "");
    }
  }
  return t;
}

inline sampling::SamplePlan plan_of(const nlohmann::json& doc) {
  return sampling::SamplePlan::from_json(doc);
}

/// The selected contact ids with their inclusion probabilities, sorted by id.
inline std::vector<std::pair<std::string, double>> selection(const sampling::Sample& s,
                                                             const ContactTable& t) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& c : s.contacts)
    out.emplace_back(std::string(t.contact_id[c.row]), c.inclusion_probability);
  std::sort(out.begin(), out.end());
  return out;
}

/// The upper 0.999 quantile of chi-square with k degrees of freedom (Wilson & Hilferty 1931).
inline double chi_square_999(double k) {
  const double z = 3.090232306167813;
  const double a = 2.0 / (9.0 * k);
  return k * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

/// Pearson's statistic of selection counts over `replicates` draws against the stated π_i,
/// Σ (c_i - R π_i)^2 / (R π_i (1 - π_i)) over units with 0 < π_i < 1, and its degrees of freedom.
/// Units with π_i = 1 (0) must be selected in every (no) replicate; a failure adds infinity.
struct ChiSquare {
  double statistic = 0;
  double df = 0;
};
inline ChiSquare chi_square(const std::vector<std::uint64_t>& counts, const std::vector<double>& pi,
                            std::uint64_t replicates) {
  ChiSquare c;
  const auto R = static_cast<double>(replicates);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const auto k = static_cast<double>(counts[i]);
    if (pi[i] >= 1.0 || pi[i] <= 0.0) {
      if (k != (pi[i] >= 1.0 ? R : 0.0)) c.statistic = INFINITY;
      continue;
    }
    c.statistic += (k - R * pi[i]) * (k - R * pi[i]) / (R * pi[i] * (1 - pi[i]));
    c.df += 1;
  }
  return c;
}

} // namespace kpiscore::test

#endif
