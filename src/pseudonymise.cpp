#include <kpiscore/engine/grouping.hpp>
#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/pseudonymise.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace kpiscore {
namespace {

[[noreturn]] void collision(std::string_view column) {
  // 80-bit pseudonyms collide with odds ~ n^2 / 2^81; refusing beats merging two people.
  throw std::runtime_error("pseudonymise: two distinct values of '" + std::string(column) +
                           "' have the same pseudonym; use another key");
}

/// Checks that `pseudonyms` (one per distinct value) are distinct.
void check_distinct(std::vector<std::string> pseudonyms, std::string_view column) {
  std::sort(pseudonyms.begin(), pseudonyms.end());
  if (std::adjacent_find(pseudonyms.begin(), pseudonyms.end()) != pseudonyms.end())
    collision(column);
}

bool key_less(const std::vector<std::optional<std::string>>& a,
              const std::vector<std::optional<std::string>>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (!a[i]) return false; // null last
    if (!b[i]) return true;
    return *a[i] < *b[i];
  }
  return a.size() < b.size();
}

} // namespace

Pseudonymiser::Pseudonymiser(std::string_view key) : mac_(key) {
  if (key.size() < min_key_bytes)
    throw std::invalid_argument("the key has " + std::to_string(key.size()) + " bytes, at least " +
                                std::to_string(min_key_bytes) +
                                " are required (RFC 2104 section 3: not shorter than the 32-byte "
                                "HMAC-SHA256 output)");
}

Pseudonymiser Pseudonymiser::from_key_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError("cannot read '" + path + "'");
  return Pseudonymiser(ss.str());
}

std::string Pseudonymiser::operator()(std::string_view identifier) const {
  return detail::to_hex(mac_.mac(identifier), pseudonym_bytes);
}

std::vector<std::string> parse_pseudonymise_list(std::string_view text) {
  std::vector<std::string> out;
  try {
    out = parse_group_by(text); // the same comma-separated, trimmed names as --by
  } catch (const std::invalid_argument&) {
    out.clear();
  }
  if (out.empty()) throw std::invalid_argument("--pseudonymise: empty column name");
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (std::find(std::begin(time_key_names), std::end(time_key_names), out[i]) !=
        std::end(time_key_names))
      throw std::invalid_argument("--pseudonymise: '" + out[i] +
                                  "' is a time key, not an identifier");
    if (std::find(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(i), out[i]) !=
        out.begin() + static_cast<std::ptrdiff_t>(i))
      throw std::invalid_argument("--pseudonymise: column '" + out[i] + "' given twice");
  }
  return out;
}

void pseudonymise(ContactTable& table, std::span<const std::string> columns,
                  const Pseudonymiser& p) {
  for (const auto& name : columns) {
    if (name == "contact_id") {
      std::unordered_map<std::string_view, std::string> of;
      for (std::size_t i = 0; i < table.size(); ++i)
        of.try_emplace(table.contact_id[i]);
      std::vector<std::string> all;
      all.reserve(of.size());
      for (auto& [id, pseudonym] : of)
        all.push_back(pseudonym = p(id));
      check_distinct(std::move(all), name);
      StringColumn out;
      out.reserve(table.size(), table.size() * 2 * Pseudonymiser::pseudonym_bytes);
      for (std::size_t i = 0; i < table.size(); ++i)
        out.push_back(of.find(table.contact_id[i])->second);
      table.contact_id = std::move(out);
      continue;
    }
    const auto index = table.dimension_index(name);
    if (!index) {
      if (std::find(standard_dimension_names.begin(), standard_dimension_names.end(), name) !=
          standard_dimension_names.end())
        continue;
      throw std::invalid_argument("pseudonymise: no column '" + name + "' in the input");
    }
    const DictionaryColumn& old = table.dimensions[*index];
    DictionaryColumn fresh(old.name());
    // Encoding the pseudonyms in dictionary order gives every value the code it had, unless
    // two collide.
    for (std::uint32_t c = 0; c < old.dictionary().size(); ++c)
      if (fresh.encode(p(old.dictionary()[c])) != c) collision(name);
    fresh.reserve(old.size());
    for (const std::uint32_t c : old.codes())
      fresh.push_code(c);
    table.dimensions[*index] = std::move(fresh);
  }
}

void pseudonymise_keys(std::span<const std::string> key_names,
                       std::vector<std::vector<std::optional<std::string>>>& keys,
                       std::span<const std::string> columns, const Pseudonymiser& p) {
  for (std::size_t k = 0; k < key_names.size(); ++k) {
    if (std::find(columns.begin(), columns.end(), key_names[k]) == columns.end()) continue;
    std::unordered_map<std::string, std::string> of;
    for (const auto& key : keys)
      if (key.size() > k && key[k]) of.try_emplace(*key[k]);
    std::vector<std::string> all;
    all.reserve(of.size());
    for (auto& [id, pseudonym] : of)
      all.push_back(pseudonym = p(id));
    check_distinct(std::move(all), key_names[k]);
    for (auto& key : keys)
      if (key.size() > k && key[k]) key[k] = of.find(*key[k])->second;
  }
}

void pseudonymise(KpiTable& table, std::span<const std::string> columns, const Pseudonymiser& p) {
  pseudonymise_keys(table.key_names, table.keys, columns, p);
  std::vector<std::size_t> order(table.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return key_less(table.keys[a], table.keys[b]);
  });
  KpiTable sorted;
  sorted.key_names = table.key_names;
  sorted.kpis = table.kpis;
  sorted.keys.reserve(table.size());
  sorted.values.reserve(table.size());
  for (const std::size_t g : order) {
    sorted.keys.push_back(std::move(table.keys[g]));
    sorted.values.push_back(std::move(table.values[g]));
  }
  table = std::move(sorted);
}

} // namespace kpiscore
