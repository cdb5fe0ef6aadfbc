#include <kpiscore/table/legs.hpp>

#include <algorithm>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace kpiscore {

namespace {

bool rows_equal(const ContactTable& t, std::size_t a, std::size_t b) {
  if (t.contact_id[a] != t.contact_id[b] || t.arrived_at_ms[a] != t.arrived_at_ms[b] ||
      t.inbound[a] != t.inbound[b] || t.answered[a] != t.answered[b] || t.wait_ms[a] != t.wait_ms[b])
    return false;
  for (const auto& d : t.durations)
    if (!d.empty() && d[a] != d[b]) return false;
  for (const auto& s : t.smalls)
    if (!s.empty() && s[a] != s[b]) return false;
  for (const auto& d : t.dimensions)
    if (d.codes()[a] != d.codes()[b]) return false;
  return true;
}

} // namespace

ContactTable collapse_legs(const ContactTable& in, const KpiOptions::Legs& o, LegSummary* summary) {
  const std::size_t n = in.size();
  LegSummary s;
  s.rows_in = n;
  // Group rows by contact_id, groups in order of first appearance.
  std::unordered_map<std::string_view, std::uint32_t> group_of;
  group_of.reserve(n);
  std::vector<std::uint32_t> group(n);
  std::uint32_t groups = 0;
  for (std::size_t r = 0; r < n; ++r) {
    auto [it, fresh] = group_of.try_emplace(in.contact_id[r], groups);
    if (fresh) ++groups;
    group[r] = it->second;
  }
  // Rows ordered by (group, arrived_at, row).
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (group[a] != group[b]) return group[a] < group[b];
    return in.arrived_at_ms[a] < in.arrived_at_ms[b];
  });

  ContactTable out;
  for (const auto& d : in.dimensions) {
    DictionaryColumn c = d; // keeps the dictionary, so codes carry over
    c.resize(0);
    out.dimensions.push_back(std::move(c));
  }
  auto is_dim = [&](std::size_t k, std::string_view name) { return in.dimensions[k].name() == name; };

  std::vector<std::uint32_t> legs;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    legs.clear();
    while (j < n && group[order[j]] == group[order[i]]) {
      const std::uint32_t r = order[j++];
      bool dup = false;
      if (o.drop_duplicates)
        for (std::uint32_t l : legs) dup = dup || rows_equal(in, l, r);
      if (dup)
        ++s.duplicate_rows;
      else
        legs.push_back(r);
    }
    i = j;
    if (legs.size() > 1) ++s.multi_leg_contacts;
    const std::uint32_t first = legs.front(), last = legs.back();
    std::uint32_t owner = last;
    bool any_answered = false;
    for (std::uint32_t l : legs) any_answered = any_answered || in.answered[l];
    if (any_answered) {
      if (o.owner == LegOwner::last) {
        for (auto it = legs.rbegin(); it != legs.rend(); ++it)
          if (in.answered[*it]) {
            owner = *it;
            break;
          }
      } else {
        for (std::uint32_t l : legs)
          if (in.answered[l]) {
            owner = l;
            break;
          }
      }
    }
    out.contact_id.push_back(in.contact_id[first]);
    out.arrived_at_ms.push_back(in.arrived_at_ms[first]);
    out.inbound.push_back(in.inbound[first]);
    out.answered.push_back(any_answered ? 1 : 0);
    std::int64_t wait = in.wait_ms[first];
    if (o.wait == LegWait::total)
      for (std::size_t k = 1; k < legs.size(); ++k) wait += in.wait_ms[legs[k]];
    out.wait_ms.push_back(wait);
    for (std::size_t f = 0; f < in.durations.size(); ++f) {
      const auto& col = in.durations[f];
      if (col.empty()) continue;
      std::int64_t v = null_duration;
      if (o.handle == LegHandle::owner)
        v = col[owner];
      else
        for (std::uint32_t l : legs)
          if (col[l] != null_duration) v = (v == null_duration ? 0 : v) + col[l];
      out.durations[f].push_back(v);
    }
    for (std::size_t f = 0; f < in.smalls.size(); ++f) {
      const auto& col = in.smalls[f];
      if (col.empty()) continue;
      std::int8_t v = null_small;
      switch (static_cast<SmallField>(f)) {
      case SmallField::resolved_first_contact: v = col[o.fcr == LegFcr::last ? last : first]; break;
      case SmallField::csat:
      case SmallField::nps:
        for (std::uint32_t l : legs)
          if (col[l] != null_small) v = col[l];
        break;
      case SmallField::complaint:
      case SmallField::converted:
        for (std::uint32_t l : legs)
          if (col[l] != null_small) v = std::max<std::int8_t>(v == null_small ? 0 : v, col[l]);
        break;
      }
      out.smalls[f].push_back(v);
    }
    for (std::size_t k = 0; k < in.dimensions.size(); ++k) {
      const std::uint32_t from = is_dim(k, "channel") || is_dim(k, "queue") ? first : owner;
      out.dimensions[k].push_code(in.dimensions[k].codes()[from]);
    }
  }
  s.contacts = out.size();
  if (summary) *summary = s;
  return out;
}

} // namespace kpiscore
