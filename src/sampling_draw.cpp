// Drawing a sample from a ContactTable (include/kpiscore/sampling/sample.hpp, docs/sampling.md):
// strata from the engine's grouping, sizes by allocation, inclusion probabilities (πps with risk
// weights), selection by design, evaluator quotas and the report.
#include <kpiscore/detail/parallel.hpp>
#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/sampling/allocation.hpp>
#include <kpiscore/sampling/contact_hash.hpp>
#include <kpiscore/sampling/inclusion.hpp>
#include <kpiscore/sampling/reservoir.hpp>
#include <kpiscore/sampling/sample.hpp>
#include <kpiscore/stats/sample_size.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>

namespace kpiscore::sampling {
namespace {

/// A name the grouping accepts: a column of the table, a standard dimension, or a time key.
void check_dimension(const ContactTable& t, const std::string& name, const std::string& path) {
  if (t.dimension(name)) return;
  for (auto s : standard_dimension_names)
    if (s == name) return;
  for (auto k : time_key_names)
    if (k == name) return;
  throw PlanError(path,
                  "unknown dimension \"" + name +
                      "\" (not a column of the input, a time key interval15, interval30, hour, "
                      "day, week, month, or peak)");
}

GroupIndex group_rows(const ContactTable& t, const std::vector<std::string>& by,
                      const KpiOptions& o) {
  if (!by.empty()) return build_group_index(t, by, o);
  GroupIndex g;
  g.group_of_row.assign(t.size(), 0);
  g.groups = t.size() ? 1 : 0;
  return g;
}

/// The contacts of each stratum, stratum after stratum and in input order within one:
/// units[offsets[h] .. offsets[h + 1]). Each unit carries its contact's hash, so the per-stratum
/// passes (sizes, keys, selection, the report) read memory in order instead of gathering from
/// row-ordered arrays: on a large table, those gathers missed the cache once per contact and cost
/// more than everything else in the draw (issue 8). A unit's place in `units` is its position.
struct StratumUnits {
  struct Unit {
    std::uint64_t hash; ///< contact_hash(contact_id, seed)
    std::size_t row;    ///< row of the input table
  };
  std::vector<std::size_t> offsets;
  std::vector<Unit> units;
  std::size_t size(std::size_t h) const { return offsets[h + 1] - offsets[h]; }
};

/// A counting sort of the rows by stratum (stable: input order within a stratum).
StratumUnits stratum_units(const GroupIndex& g, const std::vector<std::uint64_t>& hash) {
  StratumUnits s;
  s.offsets.assign(g.groups + 1, 0);
  for (auto h : g.group_of_row)
    ++s.offsets[h + 1];
  for (std::size_t h = 0; h < g.groups; ++h)
    s.offsets[h + 1] += s.offsets[h];
  s.units.resize(g.group_of_row.size());
  std::vector<std::size_t> next(s.offsets.begin(), s.offsets.end() - 1);
  for (std::size_t i = 0; i < g.group_of_row.size(); ++i)
    s.units[next[g.group_of_row[i]]++] = {hash[i], i};
  return s;
}

/// A risk condition bound to the table's columns.
struct BoundCondition {
  const RiskCondition* c = nullptr;
  enum class Source { small, duration, wait, handle, answered, inbound, dimension, absent } source;
  const Column<std::int8_t>* small = nullptr;
  const Column<std::int64_t>* duration = nullptr;
  const DictionaryColumn* dim = nullptr;
  std::vector<std::uint32_t> codes; ///< dimension codes of the plan's strings (null_code if absent)

  bool compare(double x) const {
    using Op = RiskCondition::Op;
    switch (c->op) {
    case Op::eq:
      return x == c->number;
    case Op::ne:
      return x != c->number;
    case Op::lt:
      return x < c->number;
    case Op::le:
      return x <= c->number;
    case Op::gt:
      return x > c->number;
    case Op::ge:
      return x >= c->number;
    case Op::in:
      return false;
    }
    return false;
  }

  /// A missing value meets no condition (not even "!=").
  bool met(const ContactTable& t, std::size_t i) const {
    switch (source) {
    case Source::absent:
      return false;
    case Source::small: {
      const std::int8_t v = (*small)[i];
      return v != null_small && compare(v);
    }
    case Source::duration: {
      const std::int64_t v = (*duration)[i];
      return v != null_duration && compare(static_cast<double>(v) / 1000.0);
    }
    case Source::wait:
      return compare(static_cast<double>(t.wait_ms[i]) / 1000.0);
    case Source::handle: {
      std::int64_t sum = 0;
      bool any = false;
      for (const auto& d : t.durations)
        if (!d.empty() && d[i] != null_duration) {
          sum += d[i];
          any = true;
        }
      return any && compare(static_cast<double>(sum) / 1000.0);
    }
    case Source::answered:
      return compare(t.answered[i]);
    case Source::inbound:
      return compare(t.inbound[i]);
    case Source::dimension: {
      const std::uint32_t code = dim->codes()[i];
      if (code == null_code) return false;
      const bool found = std::find(codes.begin(), codes.end(), code) != codes.end();
      return c->op == RiskCondition::Op::ne ? !found : found;
    }
    }
    return false;
  }
};

BoundCondition bind(const ContactTable& t, const RiskCondition& c, const std::string& path) {
  BoundCondition b;
  b.c = &c;
  using S = BoundCondition::Source;
  if (c.numeric) {
    const std::string& f = c.field;
    auto small = [&](SmallField s) {
      b.source = t.has(s) ? S::small : S::absent;
      b.small = &t.column(s);
    };
    auto duration = [&](DurationField d) {
      b.source = t.has(d) ? S::duration : S::absent;
      b.duration = &t.column(d);
    };
    if (f == "csat")
      small(SmallField::csat);
    else if (f == "nps")
      small(SmallField::nps);
    else if (f == "complaint")
      small(SmallField::complaint);
    else if (f == "resolved_first_contact")
      small(SmallField::resolved_first_contact);
    else if (f == "converted")
      small(SmallField::converted);
    else if (f == "talk_s")
      duration(DurationField::talk);
    else if (f == "hold_s")
      duration(DurationField::hold);
    else if (f == "acw_s")
      duration(DurationField::acw);
    else if (f == "wait_s")
      b.source = S::wait;
    else if (f == "handle_s")
      b.source = S::handle;
    else if (f == "answered")
      b.source = S::answered;
    else
      b.source = S::inbound;
    if (t.size() == 0) b.source = S::absent;
    return b;
  }
  b.dim = t.dimension(c.field);
  if (!b.dim) {
    bool standard = false;
    for (auto s : standard_dimension_names)
      standard = standard || s == c.field;
    if (!standard)
      throw PlanError(path,
                      "unknown field \"" + c.field +
                          "\" (not a numeric field such as csat, complaint or handle_s, nor a "
                          "column of the input)");
    b.source = S::absent;
    return b;
  }
  b.source = S::dimension;
  for (const auto& s : c.strings)
    b.codes.push_back(b.dim->find(s));
  return b;
}

/// The value of a stratum in a StratumValues list, if any entry (or the default) applies.
std::optional<double> value_for(const StratumValues& v, const std::vector<std::string>& by,
                                const GroupIndex& g, std::size_t h) {
  for (const auto& e : v.entries) {
    bool all = true;
    for (const auto& [name, value] : e.key) {
      const auto k = static_cast<std::size_t>(std::find(by.begin(), by.end(), name) - by.begin());
      all = all && g.keys[k].value(h) == value && g.keys[k].codes()[h] != null_code;
    }
    if (all) return e.value;
  }
  return v.fallback;
}

std::string join_key(const GroupIndex& g, std::size_t h) {
  std::string s;
  for (const auto& k : g.keys) {
    s += k.value(h);
    s += '\x1f';
  }
  return s;
}

} // namespace

Sample draw_sample(const ContactTable& t, const SamplePlan& plan) {
  t.validate_shape();
  const std::size_t n = t.size();
  const unsigned threads = detail::thread_count(plan.options.threads, n);
  for (std::size_t k = 0; k < plan.strata_by.size(); ++k)
    check_dimension(t, plan.strata_by[k], "/strata/by/" + std::to_string(k));
  for (std::size_t k = 0; k < plan.coverage.size(); ++k)
    check_dimension(t, plan.coverage[k], "/report/coverage/" + std::to_string(k));
  std::vector<std::vector<BoundCondition>> rules;
  for (std::size_t r = 0; r < plan.risk.size(); ++r) {
    rules.emplace_back();
    const auto& all = plan.risk[r].all;
    for (std::size_t c = 0; c < all.size(); ++c) {
      std::string path = "/risk/";
      path += std::to_string(r);
      path += "/when";
      if (all.size() > 1) {
        path += '/';
        path += std::to_string(c);
      }
      path += "/field";
      rules.back().push_back(bind(t, all[c], path));
    }
  }

  Sample out;
  out.strata_by = plan.strata_by;
  const GroupIndex g = group_rows(t, plan.strata_by, plan.options);
  const std::size_t H = g.groups;

  // The contact's hash (and uniform) from its id and the seed, then the units in stratum order.
  StratumUnits sr;
  {
    std::vector<std::uint64_t> hash(n);
    detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i)
        hash[i] = contact_hash(t.contact_id[i], plan.seed);
    });
    sr = stratum_units(g, hash);
  }
  const auto& units = sr.units;

  // Size measures: the largest weight among the rules a contact meets, 1 if none.
  std::vector<double> size(plan.risk.empty() ? 0 : n, 1.0);
  std::vector<std::int16_t> rule_of(plan.risk.empty() ? 0 : n, -1);
  if (!plan.risk.empty()) {
    detail::parallel_slices(n, threads, [&](unsigned, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        for (std::size_t r = 0; r < rules.size(); ++r) {
          bool all = true;
          for (const auto& c : rules[r])
            all = all && c.met(t, i);
          if (all && (rule_of[i] < 0 || plan.risk[r].weight > size[i])) {
            size[i] = plan.risk[r].weight;
            rule_of[i] = static_cast<std::int16_t>(r);
          }
        }
      }
    });
  }

  // Stratum sizes.
  std::vector<std::int64_t> lower(H), upper(H);
  std::vector<double> expected_n(H, 0.0);
  std::optional<std::vector<std::int64_t>> counts;
  SampleReport& rep = out.report;
  rep.population = n;
  std::int64_t below_min = 0;
  for (std::size_t h = 0; h < H; ++h) {
    const auto N = static_cast<std::int64_t>(sr.size(h));
    lower[h] = std::min(plan.min_per_stratum, N);
    upper[h] = std::min(plan.max_per_stratum, N);
    if (N < plan.min_per_stratum) ++below_min;
  }
  if (plan.design == Design::bernoulli) {
    for (std::size_t h = 0; h < H; ++h)
      expected_n[h] = *plan.rate * static_cast<double>(sr.size(h));
  } else if (!plan.strata_by.empty() && plan.allocation == Allocation::fixed) {
    counts.emplace(H);
    std::int64_t missing = 0, requested = 0;
    for (std::size_t h = 0; h < H; ++h) {
      const auto v = value_for(plan.counts, plan.strata_by, g, h);
      if (!v) {
        ++missing;
        continue;
      }
      const auto want = static_cast<std::int64_t>(*v);
      requested += want;
      (*counts)[h] = std::clamp(want, lower[h], upper[h]);
      expected_n[h] = static_cast<double>((*counts)[h]);
    }
    if (missing > 0)
      throw PlanError("/strata/counts", "no count for " + std::to_string(missing) + " of " +
                                            std::to_string(H) + " strata and no \"default\"");
    rep.requested = requested;
  } else if (plan.design == Design::reservoir) {
    // One stratum of all contacts: the reservoir size.
    counts.emplace(H, 0);
    for (std::size_t h = 0; h < H; ++h) {
      (*counts)[h] = std::min<std::int64_t>(*plan.size, static_cast<std::int64_t>(sr.size(h)));
      expected_n[h] = static_cast<double>((*counts)[h]);
    }
    rep.requested = *plan.size;
  } else {
    std::vector<double> shares(H);
    std::int64_t missing = 0;
    for (std::size_t h = 0; h < H; ++h) {
      const auto N = static_cast<double>(sr.size(h));
      switch (plan.strata_by.empty() ? Allocation::proportional : plan.allocation) {
      case Allocation::proportional:
        shares[h] = N;
        break;
      case Allocation::equal:
        shares[h] = 1;
        break;
      case Allocation::neyman: {
        const auto sd = value_for(plan.sd, plan.strata_by, g, h);
        if (!sd) ++missing;
        shares[h] = N * sd.value_or(0);
        break;
      }
      case Allocation::fixed:
        break;
      }
    }
    if (missing > 0)
      throw PlanError("/strata/sd", "no standard deviation for " + std::to_string(missing) +
                                        " of " + std::to_string(H) + " strata and no \"default\"");
    const bool poisson = plan.design == Design::poisson;
    // A rate asks for rate × N contacts: exactly for Poisson (an expected size), rounded half up
    // for the fixed-size designs.
    double total =
        plan.rate ? *plan.rate * static_cast<double>(n) : static_cast<double>(*plan.size);
    if (!poisson) total = std::floor(total + 0.5);
    const AllocationResult a = allocate(total, shares, lower, upper);
    if (poisson) {
      expected_n = a.expected;
    } else {
      counts = a.counts;
      for (std::size_t h = 0; h < H; ++h)
        expected_n[h] = static_cast<double>(a.counts[h]);
      rep.requested = static_cast<std::int64_t>(total);
    }
    const double lo_sum = std::accumulate(lower.begin(), lower.end(), 0.0);
    const double hi_sum = std::accumulate(upper.begin(), upper.end(), 0.0);
    char buf[160];
    if (lo_sum > total) {
      std::snprintf(
          buf, sizeof buf,
          "the per-stratum minimum needs %.0f contacts, more than the %.6g planned: every "
          "stratum gets its minimum",
          lo_sum, total);
      rep.notes.emplace_back(buf);
    } else if (hi_sum < total) {
      std::snprintf(buf, sizeof buf,
                    "the strata hold at most %.0f contacts within their maximum, fewer than the "
                    "%.6g planned",
                    hi_sum, total);
      rep.notes.emplace_back(buf);
    }
  }
  if (below_min > 0)
    rep.notes.push_back(
        std::to_string(below_min) + " strata hold fewer contacts than the minimum of " +
        std::to_string(plan.min_per_stratum) +
        ": all their contacts are taken and the shortfall is reported (below_minimum)");

  // Target inclusion probabilities λ_i (π_i for Poisson, Bernoulli, systematic and reservoir):
  // one value per stratum when its contacts are alike (no risk rules, or Bernoulli), else one per
  // position (units order) from the πps inclusion probabilities of its size measures.
  std::vector<double> stratum_lambda(H, 0.0);
  std::vector<double> unit_lambda(plan.risk.empty() ? 0 : n, 0.0);
  for (std::size_t h = 0; h < H; ++h) {
    const std::size_t b = sr.offsets[h], e = sr.offsets[h + 1];
    const auto N = static_cast<double>(e - b);
    bool equal = true;
    if (!plan.risk.empty())
      for (std::size_t j = b; j < e; ++j)
        equal = equal && size[units[j].row] == size[units[b].row];
    if (plan.design == Design::bernoulli || equal) {
      const double p =
          plan.design == Design::bernoulli ? *plan.rate : std::min(1.0, expected_n[h] / N);
      stratum_lambda[h] = p;
      if (!unit_lambda.empty())
        std::fill(unit_lambda.begin() + static_cast<std::ptrdiff_t>(b),
                  unit_lambda.begin() + static_cast<std::ptrdiff_t>(e), p);
    } else {
      std::vector<double> x(e - b);
      for (std::size_t j = b; j < e; ++j)
        x[j - b] = size[units[j].row];
      const std::vector<double> pi = pps_inclusion(expected_n[h], x);
      std::copy(pi.begin(), pi.end(), unit_lambda.begin() + static_cast<std::ptrdiff_t>(b));
    }
  }
  auto lambda_at = [&](std::size_t h, std::size_t j) {
    return unit_lambda.empty() ? stratum_lambda[h] : unit_lambda[j];
  };

  // Selection, stratum by stratum: `picks` holds the positions a stratum selects.
  std::vector<std::size_t> picks;
  struct Keyed {
    double key;
    std::uint64_t hash;
    std::size_t pos; // in input order within the stratum, so the last tie-break is the row's
    bool operator<(const Keyed& o) const {
      return key != o.key ? key < o.key : hash != o.hash ? hash < o.hash : pos < o.pos;
    }
  };
  std::vector<Keyed> keys;
  auto select = [&](std::size_t h) {
    const std::size_t b = sr.offsets[h], e = sr.offsets[h + 1];
    picks.clear();
    switch (plan.design) {
    case Design::bernoulli:
    case Design::poisson:
      for (std::size_t j = b; j < e; ++j)
        if (hash_uniform(units[j].hash) < lambda_at(h, j)) picks.push_back(j);
      break;
    case Design::pareto:
    case Design::sequential_poisson: {
      const bool pareto = plan.design == Design::pareto;
      const auto take = static_cast<std::size_t>((*counts)[h]);
      if (take == 0) break;
      keys.clear();
      for (std::size_t j = b; j < e; ++j) {
        const double u = hash_uniform(units[j].hash);
        const double l = lambda_at(h, j);
        keys.push_back(
            {pareto ? pareto_key(u, l) : sequential_poisson_key(u, l), units[j].hash, j});
      }
      if (take < keys.size())
        std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(take),
                         keys.end());
      for (std::size_t k = 0; k < std::min(take, keys.size()); ++k)
        picks.push_back(keys[k].pos);
      break;
    }
    case Design::systematic: {
      // ORDER-DEPENDENT: points r, r + 1, …, r + n_h - 1 on the cumulated λ of the stratum's rows
      // in input order; unit i is selected when [C_{i-1}, C_i) holds a point (Madow 1949;
      // Särndal et al. 1992, §3.6.3).
      if ((*counts)[h] == 0) break;
      SplitMix64 rng(mix64(plan.seed ^ contact_hash(join_key(g, h), plan.seed)));
      const double r = rng.uniform();
      long double cum = 0;
      auto points_below = [&](long double c) { return std::ceil(c - static_cast<long double>(r)); };
      for (std::size_t j = b; j < e; ++j) {
        const long double before = points_below(cum);
        cum += lambda_at(h, j);
        if (points_below(cum) > before) picks.push_back(j);
      }
      break;
    }
    case Design::reservoir: {
      // ORDER-DEPENDENT: Algorithm L over the stratum's rows in input order.
      ReservoirSampler<std::size_t> res(static_cast<std::size_t>((*counts)[h]),
                                        mix64(plan.seed ^ contact_hash(join_key(g, h), plan.seed)));
      for (std::size_t j = b; j < e; ++j)
        res.offer(j);
      picks.assign(res.items().begin(), res.items().end());
      break;
    }
    }
  };

  // Selected contacts: stratum order, then contact id (row order does not show through). The
  // stratum's ids are fetched before its sort compares them, so their cache misses overlap
  // instead of coming one by one inside the comparisons.
  std::vector<std::size_t> chosen, chosen_end(H);
  std::vector<std::pair<std::string_view, std::size_t>> by_id;
  for (std::size_t h = 0; h < H; ++h) {
    select(h);
    by_id.clear();
    for (std::size_t j : picks)
      by_id.emplace_back(t.contact_id[units[j].row], j);
#if defined(__GNUC__)
    for (const auto& [id, j] : by_id)
      __builtin_prefetch(id.data());
#endif
    std::sort(by_id.begin(), by_id.end());
    for (const auto& [id, j] : by_id)
      chosen.push_back(j);
    chosen_end[h] = chosen.size();
  }
  out.contacts.reserve(chosen.size());
  for (std::size_t h = 0, k = 0; h < H; ++h) {
    for (; k < chosen_end[h]; ++k) {
      const std::size_t j = chosen[k];
      SampledContact c;
      c.row = units[j].row;
      c.stratum = static_cast<std::uint32_t>(h);
      c.inclusion_probability = lambda_at(h, j);
      c.design_weight = 1.0 / c.inclusion_probability;
      if (!plan.risk.empty()) {
        c.size_measure = size[c.row];
        c.risk_rule = rule_of[c.row];
      }
      out.contacts.push_back(std::move(c));
    }
  }

  // Evaluators: each local day's selected contacts shared by the evaluators' shares (largest
  // remainder, capped per day) in the order of a second hash of the contact id, so each
  // evaluator's work is spread over the day's agents and slots, and over every day.
  if (!plan.evaluators.empty()) {
    const std::vector<std::string> day{"day"};
    const GroupIndex days = build_group_index(t, day, plan.options);
    std::vector<std::vector<std::size_t>> by_day(days.groups);
    for (std::size_t j = 0; j < out.contacts.size(); ++j)
      by_day[days.group_of_row[out.contacts[j].row]].push_back(j);
    const std::uint64_t salt = mix64(plan.seed ^ 0xE7A1'0A70'5EED'0001ULL);
    std::vector<double> shares;
    for (const auto& e : plan.evaluators)
      shares.push_back(e.share);
    std::uint64_t unassigned = 0;
    for (std::size_t d = 0; d < days.groups; ++d) {
      auto& js = by_day[d];
      if (js.empty()) continue;
      std::vector<std::pair<std::uint64_t, std::size_t>> order;
      for (std::size_t j : js)
        order.emplace_back(contact_hash(t.contact_id[out.contacts[j].row], salt), j);
      std::sort(order.begin(), order.end());
      const auto total = static_cast<std::int64_t>(js.size());
      std::vector<std::int64_t> lo(shares.size(), 0), hi;
      for (const auto& e : plan.evaluators)
        hi.push_back(std::min(e.cap_per_day.value_or(total), total));
      const AllocationResult q = allocate(static_cast<double>(total), shares, lo, hi);
      EvaluatorDay ed;
      ed.day = std::string(days.keys[0].value(d));
      ed.selected = js.size();
      ed.assigned = q.counts;
      std::size_t next = 0;
      for (std::size_t e = 0; e < q.counts.size(); ++e)
        for (std::int64_t c = 0; c < q.counts[e]; ++c)
          out.contacts[order[next++].second].evaluator = static_cast<int>(e);
      ed.unassigned = js.size() - next;
      unassigned += ed.unassigned;
      for (std::size_t j : js)
        out.contacts[j].day = ed.day;
      rep.evaluator_days.push_back(std::move(ed));
    }
    if (unassigned > 0)
      rep.notes.push_back(
          std::to_string(unassigned) +
          " selected contacts are beyond every evaluator's daily cap and unassigned");
  }

  // Report: strata.
  rep.strata.resize(H);
  std::vector<double> sum_w(H, 0.0), sum_w2(H, 0.0);
  for (const auto& c : out.contacts) {
    auto& s = rep.strata[c.stratum];
    ++s.achieved;
    sum_w[c.stratum] += c.design_weight;
    sum_w2[c.stratum] += c.design_weight * c.design_weight;
  }
  for (std::size_t h = 0; h < H; ++h) {
    auto& s = rep.strata[h];
    for (const auto& k : g.keys)
      s.key.emplace_back(k.value(h));
    s.population = sr.size(h);
    // Σ λ in input order, added one by one as for unequal λ, so the sum is the same double
    // whichever way λ is stored.
    double e = 0;
    for (std::size_t j = sr.offsets[h]; j < sr.offsets[h + 1]; ++j)
      e += lambda_at(h, j);
    s.expected = e;
    if (counts) s.planned = (*counts)[h];
    s.minimum = plan.min_per_stratum;
    s.below_minimum = static_cast<std::int64_t>(s.population) < plan.min_per_stratum;
    s.effective_size = s.achieved == 0 ? 0.0 : sum_w[h] * sum_w[h] / sum_w2[h];
    if (s.achieved > 0) {
      // Kish's effective size (rounded down, at least 1) stands in for n when weights differ.
      const auto n_eff = std::max<std::int64_t>(
          1,
          std::min<std::int64_t>(static_cast<std::int64_t>(s.achieved),
                                 static_cast<std::int64_t>(std::floor(s.effective_size + 1e-9))));
      s.margin_of_error = stats::margin_of_error(plan.p, n_eff, plan.alpha,
                                                 static_cast<std::int64_t>(s.population));
    }
    rep.expected += e;
    rep.achieved += s.achieved;
    if (s.planned) rep.planned = rep.planned.value_or(0) + *s.planned;
  }

  // Report: coverage of every value of the coverage dimensions.
  for (const auto& dim : plan.coverage) {
    const std::vector<std::string> by{dim};
    const GroupIndex gi = build_group_index(t, by, plan.options);
    std::vector<std::uint8_t> hit(gi.groups, 0);
    for (const auto& c : out.contacts)
      hit[gi.group_of_row[c.row]] = 1;
    CoverageReport cov;
    cov.dimension = dim;
    for (std::size_t v = 0; v < gi.groups; ++v) {
      if (gi.keys[0].codes()[v] == null_code) continue;
      ++cov.values;
      if (hit[v])
        ++cov.covered;
      else
        cov.missing.emplace_back(gi.keys[0].value(v));
    }
    if (cov.covered < cov.values)
      rep.notes.push_back(std::to_string(cov.values - cov.covered) + " of " +
                          std::to_string(cov.values) + " " + dim +
                          " values have no selected contact");
    rep.coverage.push_back(std::move(cov));
  }
  return out;
}

} // namespace kpiscore::sampling
