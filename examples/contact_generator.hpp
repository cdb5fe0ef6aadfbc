#ifndef KPISCORE_EXAMPLES_CONTACT_GENERATOR_HPP
#define KPISCORE_EXAMPLES_CONTACT_GENERATOR_HPP

// A seeded generator of realistic contact records, used by the demo, the tests and the
// benchmarks. Same seed, same records, on every platform (own RNG and own distributions).

#include <kpiscore/io/timestamp.hpp>
#include <kpiscore/table/contact_table.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace kpiscore::examples {

/// xoshiro256** (Blackman & Vigna 2018), seeded through splitmix64.
class Rng {
public:
  explicit Rng(std::uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }
  double lognormal(double median, double sigma) {
    // Box–Muller for one standard normal.
    const double u1 = 1.0 - uniform(), u2 = uniform();
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    return median * std::exp(sigma * z);
  }

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

struct GeneratorConfig {
  std::size_t rows = 10'000;
  std::uint64_t seed = 42;
  int agents = 200;
  int days = 31;
  int year = 2026, month = 3; ///< first day of the data (local time)
  std::int64_t utc_offset_ms = 8 * 3'600'000; ///< local zone of the intraday profile (UTC+8)
};

/// One generated contact, as CSV-ready text fields.
struct GeneratedContact {
  std::string contact_id, arrived_at, direction, channel, category, customer_type, agent_id, team,
      vendor, queue;
  std::int64_t wait_ms, talk_ms, hold_ms, acw_ms; ///< talk/hold/acw = -1 when not handled
  bool inbound, answered;
  int fcr, csat, nps; ///< -1 = missing
  int complaint, converted;
};

class ContactGenerator {
public:
  explicit ContactGenerator(GeneratorConfig c) : c_(c), rng_(c.seed) {
    start_day_ = days_from_civil(c.year, static_cast<unsigned>(c.month), 1);
  }

  GeneratedContact next() {
    GeneratedContact g;
    const std::uint64_t n = count_++;
    char id[32];
    std::snprintf(id, sizeof id, "C%010llu", static_cast<unsigned long long>(n));
    g.contact_id = id;
    // Arrival: a day, then an intraday profile peaking 9–12 and 14–18 local time.
    const std::int64_t day = start_day_ + static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(c_.days)));
    double hour;
    do {
      hour = rng_.uniform() < 0.7 ? (rng_.chance(0.5) ? 9 + 3 * rng_.uniform() : 14 + 4 * rng_.uniform())
                                  : 24 * rng_.uniform();
    } while (hour >= 24);
    const auto local_ms = day * 86'400'000 + static_cast<std::int64_t>(hour * 3'600'000);
    const std::int64_t utc_ms = local_ms - c_.utc_offset_ms;
    g.arrived_at = format_utc(utc_ms);
    const int agent = static_cast<int>(rng_.below(static_cast<std::uint64_t>(c_.agents)));
    char a[16];
    std::snprintf(a, sizeof a, "A%04d", agent);
    g.agent_id = a;
    static const char* teams[] = {"客服一组", "客服二组", "客服三组", "售后组", "VIP组", "Team-E", "Team-F", "Team-G"};
    g.team = teams[agent % 8];
    static const char* vendors[] = {"in-house", "in-house", "VendorA", "VendorB"};
    g.vendor = vendors[agent % 4];
    const double ch = rng_.uniform();
    g.channel = ch < 0.6 ? "phone" : ch < 0.9 ? "chat" : "email";
    static const char* categories[] = {"consult", "consult", "consult", "after-sales", "complaint", "sales", "suggestion"};
    g.category = categories[rng_.below(7)];
    const double ct = rng_.uniform();
    g.customer_type = ct < 0.3 ? "new" : ct < 0.9 ? "existing" : "VIP";
    g.queue = g.channel + "-" + (g.category == "sales" ? "sales" : "service");
    g.inbound = rng_.chance(0.9);
    g.direction = g.inbound ? "inbound" : "outbound";
    const double mean_wait = g.channel == "phone" ? 18.0 : g.channel == "chat" ? 9.0 : 120.0;
    if (g.inbound) {
      g.answered = rng_.chance(0.91);
      g.wait_ms = static_cast<std::int64_t>(rng_.exponential(g.answered ? mean_wait : mean_wait * 1.8) * 1000);
    } else {
      g.answered = rng_.chance(0.6);
      g.wait_ms = 0;
    }
    g.talk_ms = g.hold_ms = g.acw_ms = -1;
    g.fcr = g.csat = g.nps = -1;
    g.complaint = 0;
    g.converted = 0;
    if (g.answered) {
      const double median_talk = g.category == "complaint" ? 360 : g.channel == "chat" ? 300 : 200;
      g.talk_ms = static_cast<std::int64_t>(rng_.lognormal(median_talk, 0.6) * 1000);
      g.hold_ms = rng_.chance(0.3) ? static_cast<std::int64_t>(rng_.exponential(45) * 1000) : 0;
      g.acw_ms = static_cast<std::int64_t>(rng_.exponential(30) * 1000);
      if (rng_.chance(0.9)) g.fcr = rng_.chance(g.category == "complaint" ? 0.65 : 0.85) ? 1 : 0;
      if (rng_.chance(0.3)) {
        const double u = rng_.uniform();
        g.csat = u < 0.04 ? 1 : u < 0.08 ? 2 : u < 0.18 ? 3 : u < 0.45 ? 4 : 5;
      }
      if (rng_.chance(0.2)) {
        const double u = rng_.uniform();
        g.nps = u < 0.55 ? 9 + static_cast<int>(rng_.below(2)) : u < 0.8 ? 7 + static_cast<int>(rng_.below(2))
                                                                 : static_cast<int>(rng_.below(7));
      }
      g.complaint = rng_.chance(g.category == "complaint" ? 0.2 : 0.02);
      g.converted = rng_.chance(g.category == "sales" ? 0.35 : 0.05);
    }
    return g;
  }

  static std::string header() {
    return "contact_id,arrived_at,direction,channel,category,customer_type,agent_id,team,vendor,"
           "queue,answered,wait_s,talk_s,hold_s,acw_s,resolved_first_contact,csat,nps,complaint,"
           "converted\n";
  }

  static std::string csv_row(const GeneratedContact& g) {
    std::string s;
    s.reserve(160);
    auto add = [&](const std::string& v) { s += v; s += ','; };
    auto dur = [&](std::int64_t ms) {
      if (ms >= 0) {
        char b[32];
        std::snprintf(b, sizeof b, "%lld.%03lld", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
        s += b;
      }
      s += ',';
    };
    auto small = [&](int v) {
      if (v >= 0) s += std::to_string(v);
      s += ',';
    };
    add(g.contact_id);
    add(g.arrived_at);
    add(g.direction);
    add(g.channel);
    add(g.category);
    add(g.customer_type);
    add(g.agent_id);
    add(g.team);
    add(g.vendor);
    add(g.queue);
    add(g.answered ? "1" : "0");
    dur(g.wait_ms);
    dur(g.talk_ms);
    dur(g.hold_ms);
    dur(g.acw_ms);
    small(g.fcr);
    small(g.csat);
    small(g.nps);
    small(g.complaint);
    s += std::to_string(g.converted);
    s += '\n';
    return s;
  }

  /// The same records straight into a ContactTable (what the benchmarks aggregate).
  static ContactTable table(const GeneratorConfig& c) {
    ContactGenerator gen(c);
    ContactTable t;
    for (auto name : standard_dimension_names) t.dimensions.emplace_back(std::string(name));
    for (auto& d : t.durations) d.reserve(c.rows);
    for (auto& s : t.smalls) s.reserve(c.rows);
    for (auto& d : t.dimensions) d.reserve(c.rows);
    t.arrived_at_ms.reserve(c.rows);
    for (std::size_t i = 0; i < c.rows; ++i) {
      const GeneratedContact g = gen.next();
      t.contact_id.push_back(g.contact_id);
      t.arrived_at_ms.push_back(gen.last_utc_ms_);
      t.inbound.push_back(g.inbound);
      t.answered.push_back(g.answered);
      t.wait_ms.push_back(g.wait_ms);
      const std::int64_t durs[] = {g.talk_ms, g.hold_ms, g.acw_ms};
      for (int k = 0; k < 3; ++k) t.durations[k].push_back(durs[k] < 0 ? null_duration : durs[k]);
      const int smalls[] = {g.fcr, g.csat, g.nps, g.answered ? g.complaint : 0, g.converted};
      for (int k = 0; k < 5; ++k) t.smalls[k].push_back(static_cast<std::int8_t>(smalls[k]));
      const std::string* dims[] = {&g.channel, &g.category, &g.customer_type, &g.agent_id, &g.team, &g.vendor, &g.queue};
      for (int k = 0; k < 7; ++k) t.dimensions[k].push_back(*dims[k]);
    }
    return t;
  }

private:
  std::string format_utc(std::int64_t utc_ms) {
    last_utc_ms_ = utc_ms;
    const std::int64_t days = utc_ms >= 0 ? utc_ms / 86'400'000 : (utc_ms - 86'399'999) / 86'400'000;
    const std::int64_t ms_of_day = utc_ms - days * 86'400'000;
    // civil_from_days (H. Hinnant)
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), m, d,
                  static_cast<long long>(ms_of_day / 3'600'000), static_cast<long long>(ms_of_day / 60'000 % 60),
                  static_cast<long long>(ms_of_day / 1000 % 60), static_cast<long long>(ms_of_day % 1000));
    return buf;
  }

  GeneratorConfig c_;
  Rng rng_;
  std::int64_t start_day_ = 0;
  std::uint64_t count_ = 0;
  std::int64_t last_utc_ms_ = 0;
};

} // namespace kpiscore::examples

#endif
