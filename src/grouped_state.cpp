#include <kpiscore/engine/grouped_kpi_state.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace kpiscore {
namespace {

using json = nlohmann::json;
using Key = std::vector<std::optional<std::string>>;

constexpr char magic[4] = {'K', 'P', 'I', 'S'};

std::string hex64(std::uint64_t v) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::uint64_t fnv1a(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

/// Little-endian writer/reader; the format is defined little-endian whatever the host.
class Writer {
public:
  template <class T> void put(T v) {
    static_assert(std::is_integral_v<T>);
    using U = std::make_unsigned_t<T>;
    auto u = static_cast<U>(v);
    for (std::size_t i = 0; i < sizeof(T); ++i) bytes.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
  }
  void put_bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    bytes.insert(bytes.end(), b, b + n);
  }
  std::vector<std::uint8_t> bytes;
};

class Reader {
public:
  Reader(std::span<const std::uint8_t> b, std::size_t total) : b_(b), total_(total) {}
  template <class T> T get() {
    need(sizeof(T));
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) u |= static_cast<U>(U{b_[pos_ + i]} << (8 * i));
    pos_ += sizeof(T);
    return static_cast<T>(u);
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    need(n);
    auto s = b_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::size_t position() const { return pos_; }
  void need(std::size_t n) const {
    if (n > b_.size() - pos_)
      throw std::invalid_argument("kpiscore state: truncated buffer: expected at least " +
                                  std::to_string(pos_ + n) + " bytes, actual " +
                                  std::to_string(total_));
  }

private:
  std::span<const std::uint8_t> b_;
  std::size_t total_;
  std::size_t pos_ = 0;
};

bool key_less(const Key& a, const Key& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (!a[i]) return false; // null sorts last
    if (!b[i]) return true;
    return *a[i] < *b[i];
  }
  return false;
}

/// The canonical form of a key column: only labels some group uses, in byte-wise order, so
/// equal states serialize to equal bytes however they were built or merged.
DictionaryColumn canonical(const DictionaryColumn& col) {
  const auto& dict = col.dictionary();
  std::vector<char> used(dict.size(), 0);
  for (auto c : col.codes())
    if (c != null_code) used[c] = 1;
  std::vector<std::uint32_t> order;
  for (std::uint32_t c = 0; c < dict.size(); ++c)
    if (used[c]) order.push_back(c);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return dict[a] < dict[b]; });
  std::vector<std::uint32_t> remap(dict.size(), null_code);
  DictionaryColumn out(col.name());
  for (auto c : order) remap[c] = out.encode(dict[c]);
  for (auto c : col.codes()) out.push_code(c == null_code ? null_code : remap[c]);
  return out;
}

json ops_json(const std::vector<CustomAccumulators::Op>& ops) {
  json out = json::array();
  for (auto op : ops)
    out.push_back(op == CustomAccumulators::Op::sum ? "sum"
                  : op == CustomAccumulators::Op::min ? "min"
                                                      : "max");
  return out;
}

} // namespace

GroupedKpiState::GroupedKpiState(std::vector<DictionaryColumn> keys, std::size_t groups,
                                 KpiOptions options)
    : groups_(groups), options_(std::move(options)) {
  for (const auto& k : keys) keys_.push_back(canonical(k));
  for (auto& c : counters_) c.assign(groups_, 0);
  for (auto& s : squares_) s.assign(groups_, 0);
  if (options_.quantiles) {
    wait_hist_.resize(groups_);
    handle_hist_.resize(groups_);
  }
}

void GroupedKpiState::set_custom(std::optional<CustomAccumulators> custom) {
  if (custom && (custom->counts.size() != custom->names.size() ||
                 custom->sums.size() != custom->names.size() ||
                 custom->ops.size() != custom->names.size()))
    throw std::invalid_argument(
        "custom KPI accumulators: one operation, count and sum column per name");
  if (custom)
    for (std::size_t a = 0; a < custom->names.size(); ++a)
      if (custom->counts[a].size() != groups_ || custom->sums[a].size() != groups_)
        throw std::invalid_argument("custom KPI accumulators: expected " +
                                    std::to_string(groups_) + " groups, actual " +
                                    std::to_string(custom->counts[a].size()));
  custom_ = std::move(custom);
}

std::vector<std::string> GroupedKpiState::key_names() const {
  std::vector<std::string> names;
  for (const auto& k : keys_) names.push_back(k.name());
  return names;
}

ContactKpiState GroupedKpiState::state(std::size_t g) const {
  ContactKpiState s;
  for (std::size_t i = 0; i < counter_count; ++i) s[static_cast<Counter>(i)] = counters_[i][g];
  for (std::size_t i = 0; i < square_count; ++i) s[static_cast<Square>(i)] = squares_[i][g];
  if (options_.quantiles) {
    s.wait_histogram() = wait_hist_[g];
    s.handle_histogram() = handle_hist_[g];
  }
  return s;
}

std::vector<std::optional<std::string>> GroupedKpiState::key(std::size_t g) const {
  Key k;
  for (const auto& col : keys_) {
    const auto v = col.codes()[g];
    if (v == null_code)
      k.emplace_back(std::nullopt);
    else
      k.emplace_back(col.dictionary()[v]);
  }
  return k;
}

std::optional<std::size_t> GroupedKpiState::find(const Key& key) const {
  for (std::size_t g = 0; g < groups_; ++g)
    if (this->key(g) == key) return g;
  return std::nullopt;
}

GroupedKpiState& GroupedKpiState::operator+=(const GroupedKpiState& other) {
  if (key_names() != other.key_names()) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
      return "[" + s + "]";
    };
    throw std::invalid_argument("kpiscore state merge: group keys differ: expected " +
                                join(key_names()) + ", actual " + join(other.key_names()));
  }
  if (fingerprint() != other.fingerprint())
    throw std::invalid_argument("kpiscore state merge: options fingerprint differs: expected " +
                                hex64(fingerprint()) + ", actual " + hex64(other.fingerprint()));
  if (custom_.has_value() != other.custom_.has_value())
    throw std::invalid_argument(
        "kpiscore state merge: custom KPIs differ: expected " +
        (custom_ ? "program " + hex64(custom_->fingerprint) : std::string("none")) + ", actual " +
        (other.custom_ ? "program " + hex64(other.custom_->fingerprint) : std::string("none")));
  if (custom_ && custom_->fingerprint != other.custom_->fingerprint)
    throw std::invalid_argument(
        "kpiscore state merge: custom KPI program fingerprint differs: expected " +
        hex64(custom_->fingerprint) + ", actual " + hex64(other.custom_->fingerprint) +
        " (states from different rules texts do not merge)");
  // Union of the key tuples, sorted; then both sides add into their target rows.
  std::vector<Key> all;
  all.reserve(groups_ + other.groups_);
  for (std::size_t g = 0; g < groups_; ++g) all.push_back(key(g));
  for (std::size_t g = 0; g < other.groups_; ++g) all.push_back(other.key(g));
  std::vector<std::size_t> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return key_less(all[a], all[b]); });
  std::vector<std::size_t> target(all.size());
  std::vector<DictionaryColumn> keys;
  for (const auto& k : keys_) keys.emplace_back(k.name());
  std::size_t n = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || all[order[i]] != all[order[i - 1]]) {
      const Key& k = all[order[i]];
      for (std::size_t p = 0; p < keys.size(); ++p) keys[p].push_back(k[p] ? *k[p] : std::string());
      ++n;
    }
    target[order[i]] = n - 1;
  }
  GroupedKpiState merged(std::move(keys), n, options_);
  if (custom_) {
    CustomAccumulators c = *custom_;
    c.resize(n);
    merged.custom_ = std::move(c);
  }
  auto add_from = [&](const GroupedKpiState& src, std::size_t offset) {
    for (std::size_t g = 0; g < src.groups_; ++g) {
      const std::size_t t = target[offset + g];
      for (std::size_t i = 0; i < counter_count; ++i) merged.counters_[i][t] += src.counters_[i][g];
      for (std::size_t i = 0; i < square_count; ++i) merged.squares_[i][t] += src.squares_[i][g];
      if (options_.quantiles) {
        merged.wait_hist_[t] += src.wait_hist_[g];
        merged.handle_hist_[t] += src.handle_hist_[g];
      }
      if (merged.custom_) merged.custom_->add(t, *src.custom_, g);
    }
  };
  add_from(*this, 0);
  add_from(other, groups_);
  *this = std::move(merged);
  return *this;
}

bool GroupedKpiState::operator==(const GroupedKpiState& o) const {
  if (groups_ != o.groups_ || key_names() != o.key_names() || fingerprint() != o.fingerprint())
    return false;
  for (std::size_t g = 0; g < groups_; ++g)
    if (key(g) != o.key(g)) return false;
  return counters_ == o.counters_ && squares_ == o.squares_ && wait_hist_ == o.wait_hist_ &&
         handle_hist_ == o.handle_hist_ && custom_ == o.custom_;
}

std::vector<std::uint8_t> GroupedKpiState::serialize() const {
  Writer w;
  w.put_bytes(magic, 4);
  w.put<std::uint16_t>(custom_ ? format_version_custom : format_version);
  w.put<std::uint16_t>(state_type);
  w.put<std::uint64_t>(fingerprint());
  const std::size_t size_at = w.bytes.size();
  w.put<std::uint64_t>(0); // total size, patched below
  json meta;
  meta["groups"] = groups_;
  meta["keys"] = json::array();
  for (const auto& k : keys_) meta["keys"].push_back({{"name", k.name()}, {"dictionary", k.dictionary()}});
  meta["counters"] = counter_names;
  meta["squares"] = square_names;
  meta["options"] = options_.to_json();
  meta["options"].erase("threads");
  if (custom_)
    meta["custom"] = {{"fingerprint", hex64(custom_->fingerprint)},
                      {"program", custom_->program},
                      {"dimensions", custom_->dimensions},
                      {"accumulators", custom_->names},
                      {"ops", ops_json(custom_->ops)}};
  const std::vector<std::uint8_t> cbor = json::to_cbor(meta);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(cbor.size()));
  w.put_bytes(cbor.data(), cbor.size());
  for (const auto& k : keys_)
    for (auto c : k.codes()) w.put<std::uint32_t>(c);
  for (const auto& c : counters_)
    for (auto v : c) w.put<std::int64_t>(v);
  for (const auto& s : squares_)
    for (auto v : s) {
      w.put<std::uint64_t>(static_cast<std::uint64_t>(static_cast<uint128_t>(v)));
      w.put<std::uint64_t>(static_cast<std::uint64_t>(static_cast<uint128_t>(v) >> 64));
    }
  if (options_.quantiles) {
    for (const auto* hists : {&wait_hist_, &handle_hist_}) {
      std::uint64_t offset = 0;
      w.put<std::uint64_t>(0);
      for (const auto& h : *hists) w.put<std::uint64_t>(offset += h.bins().size());
      for (const auto& h : *hists)
        for (const auto& b : h.bins()) w.put<std::uint32_t>(b.first);
      for (const auto& h : *hists)
        for (const auto& b : h.bins()) w.put<std::uint64_t>(b.second);
    }
  }
  if (custom_) {
    for (const auto& c : custom_->counts)
      for (auto v : c) w.put<std::int64_t>(v);
    for (const auto& c : custom_->sums)
      for (auto v : c) {
        w.put<std::uint64_t>(static_cast<std::uint64_t>(static_cast<uint128_t>(v)));
        w.put<std::uint64_t>(static_cast<std::uint64_t>(static_cast<uint128_t>(v) >> 64));
      }
  }
  const std::uint64_t size = w.bytes.size() + 8;
  for (std::size_t i = 0; i < 8; ++i) w.bytes[size_at + i] = static_cast<std::uint8_t>(size >> (8 * i));
  w.put<std::uint64_t>(fnv1a(w.bytes.data(), w.bytes.size()));
  return std::move(w.bytes);
}

GroupedKpiState GroupedKpiState::deserialize(std::span<const std::uint8_t> bytes,
                                             std::optional<std::uint64_t> expected_fingerprint) {
  const std::size_t total = bytes.size();
  if (total < 4 || std::memcmp(bytes.data(), magic, 4) != 0) {
    std::string actual;
    for (std::size_t i = 0; i < std::min<std::size_t>(4, total); ++i) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
      actual += buf;
    }
    throw std::invalid_argument("kpiscore state: bad magic: expected 4b504953 (\"KPIS\"), actual " +
                                (actual.empty() ? std::string("<empty>") : actual));
  }
  Reader header(bytes, total);
  (void)header.take(4);
  const auto version = header.get<std::uint16_t>();
  if (version != format_version && version != format_version_custom)
    throw std::invalid_argument("kpiscore state: unsupported format version: expected " +
                                std::to_string(format_version) + " or " +
                                std::to_string(format_version_custom) + ", actual " +
                                std::to_string(version));
  const auto type = header.get<std::uint16_t>();
  if (type != state_type)
    throw std::invalid_argument("kpiscore state: wrong state type: expected " +
                                std::to_string(state_type) + " (grouped contact KPIs), actual " +
                                std::to_string(type));
  const auto fp = header.get<std::uint64_t>();
  if (expected_fingerprint && fp != *expected_fingerprint)
    throw std::invalid_argument("kpiscore state: options fingerprint differs: expected " +
                                hex64(*expected_fingerprint) + ", actual " + hex64(fp));
  const auto declared = header.get<std::uint64_t>();
  if (declared != total)
    throw std::invalid_argument(std::string("kpiscore state: ") +
                                (declared > total ? "truncated buffer" : "trailing bytes") +
                                ": expected " + std::to_string(declared) + " bytes, actual " +
                                std::to_string(total));
  if (total < header.position() + 12) header.need(12);
  {
    // Checksum before parsing: the body is only read once its bytes are known to be intact.
    Reader tail(bytes.subspan(total - 8), total);
    const auto stored = tail.get<std::uint64_t>();
    const auto computed = fnv1a(bytes.data(), total - 8);
    if (stored != computed)
      throw std::invalid_argument("kpiscore state: checksum mismatch: expected " + hex64(stored) +
                                  ", actual " + hex64(computed));
  }
  Reader body(bytes.first(total - 8), total);
  (void)body.take(header.position());
  const auto meta_size = body.get<std::uint32_t>();
  const auto meta_bytes = body.take(meta_size);
  json meta;
  try {
    meta = json::from_cbor(meta_bytes.begin(), meta_bytes.end());
  } catch (const json::exception&) {
    throw std::invalid_argument("kpiscore state: metadata is not valid CBOR");
  }
  KpiOptions options;
  std::size_t groups = 0;
  std::vector<DictionaryColumn> keys;
  std::vector<std::vector<std::string>> dictionaries;
  std::optional<CustomAccumulators> custom;
  try {
    if (version == format_version_custom) {
      const json& c = meta.at("custom");
      CustomAccumulators a;
      const std::string fp_text = c.at("fingerprint").get<std::string>();
      if (fp_text.size() != 18 || fp_text.compare(0, 2, "0x") != 0)
        throw std::invalid_argument("fingerprint");
      a.fingerprint = std::stoull(fp_text.substr(2), nullptr, 16);
      a.program = c.at("program").get<std::string>();
      a.dimensions = c.at("dimensions").get<std::vector<std::string>>();
      a.names = c.at("accumulators").get<std::vector<std::string>>();
      for (const auto& op : c.at("ops").get<std::vector<std::string>>())
        a.ops.push_back(op == "sum"   ? CustomAccumulators::Op::sum
                        : op == "min" ? CustomAccumulators::Op::min
                        : op == "max" ? CustomAccumulators::Op::max
                                      : throw std::invalid_argument("op"));
      if (a.ops.size() != a.names.size()) throw std::invalid_argument("ops");
      custom = std::move(a);
    } else if (meta.contains("custom")) {
      throw std::invalid_argument("custom in version 1");
    }
    options = KpiOptions::from_json(meta.at("options"));
    groups = meta.at("groups").get<std::size_t>();
    for (const auto& k : meta.at("keys")) {
      keys.emplace_back(k.at("name").get<std::string>());
      dictionaries.push_back(k.at("dictionary").get<std::vector<std::string>>());
    }
    if (meta.at("counters").size() != counter_count || meta.at("squares").size() != square_count)
      throw std::invalid_argument("counter layout");
  } catch (const std::exception&) {
    throw std::invalid_argument("kpiscore state: metadata does not describe a version-" +
                                std::to_string(version) + " state");
  }
  if (options.fingerprint() != fp)
    throw std::invalid_argument("kpiscore state: options fingerprint differs: expected " +
                                hex64(fp) + ", actual " + hex64(options.fingerprint()));
  // Every column has `groups` entries: check the size before allocating anything (and before
  // multiplying: a crafted count must not overflow the check).
  const std::size_t per_group = keys.size() * 4 + counter_count * 8 + square_count * 16;
  if (groups > total / per_group)
    throw std::invalid_argument("kpiscore state: truncated buffer: " + std::to_string(groups) +
                                " groups need more than the " + std::to_string(total) + " bytes given");
  body.need(groups * per_group);
  for (std::size_t p = 0; p < keys.size(); ++p) {
    for (const auto& v : dictionaries[p]) (void)keys[p].encode(v);
    for (std::size_t g = 0; g < groups; ++g) {
      const auto code = body.get<std::uint32_t>();
      if (code != null_code && code >= dictionaries[p].size())
        throw std::invalid_argument("kpiscore state: key code out of range");
      keys[p].push_code(code);
    }
  }
  GroupedKpiState s(std::move(keys), groups, options);
  for (std::size_t g = 1; g < groups; ++g)
    if (!key_less(s.key(g - 1), s.key(g)))
      throw std::invalid_argument("kpiscore state: groups not in strictly increasing key order");
  for (auto& c : s.counters_)
    for (auto& v : c) v = body.get<std::int64_t>();
  for (auto& q : s.squares_)
    for (auto& v : q) {
      const auto lo = body.get<std::uint64_t>();
      const auto hi = body.get<std::uint64_t>();
      v = static_cast<int128_t>((static_cast<uint128_t>(hi) << 64) | lo);
    }
  if (options.quantiles) {
    for (auto* hists : {&s.wait_hist_, &s.handle_hist_}) {
      if (groups + 1 > total / 8) throw std::invalid_argument("kpiscore state: histogram larger than the buffer");
      body.need((groups + 1) * 8);
      std::vector<std::uint64_t> offsets(groups + 1);
      for (auto& o : offsets) o = body.get<std::uint64_t>();
      for (std::size_t g = 0; g < groups; ++g)
        if (offsets[g] > offsets[g + 1])
          throw std::invalid_argument("kpiscore state: histogram offsets not increasing");
      const std::uint64_t bins = offsets.back();
      if (bins > total / 12) throw std::invalid_argument("kpiscore state: histogram larger than the buffer");
      body.need(bins * 12);
      std::vector<std::uint32_t> buckets(bins);
      for (auto& b : buckets) b = body.get<std::uint32_t>();
      for (std::size_t g = 0; g < groups; ++g) {
        std::vector<DurationHistogram::Bin> hb;
        for (auto i = offsets[g]; i < offsets[g + 1]; ++i) {
          if (buckets[i] >= duration_buckets::count || (i > offsets[g] && buckets[i] <= buckets[i - 1]))
            throw std::invalid_argument("kpiscore state: histogram bucket out of order or range");
          hb.emplace_back(buckets[i], 0);
        }
        (*hists)[g] = DurationHistogram(std::move(hb));
      }
      for (std::size_t g = 0; g < groups; ++g) {
        std::vector<DurationHistogram::Bin> hb = (*hists)[g].bins();
        for (auto& b : hb) b.second = body.get<std::uint64_t>();
        (*hists)[g] = DurationHistogram(std::move(hb));
      }
    }
  }
  if (custom) {
    const std::size_t n = custom->names.size();
    if (n > 0 && groups > 0 && (n > total / 24 || groups > total / (24 * n)))
      throw std::invalid_argument("kpiscore state: truncated buffer: " + std::to_string(groups) +
                                  " groups of custom KPIs need more than the " +
                                  std::to_string(total) + " bytes given");
    body.need(groups * n * 24);
    custom->resize(groups);
    for (auto& c : custom->counts)
      for (auto& v : c) v = body.get<std::int64_t>();
    for (auto& c : custom->sums)
      for (auto& v : c) {
        const auto lo = body.get<std::uint64_t>();
        const auto hi = body.get<std::uint64_t>();
        v = static_cast<int128_t>((static_cast<uint128_t>(hi) << 64) | lo);
      }
    s.custom_ = std::move(custom);
  }
  if (body.position() != total - 8)
    throw std::invalid_argument("kpiscore state: columns do not fill the buffer: expected " +
                                std::to_string(body.position() + 8) + " bytes, actual " +
                                std::to_string(total));
  return s;
}

} // namespace kpiscore
