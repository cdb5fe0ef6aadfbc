#include <kpiscore/dsl/scope.hpp>

#include <stdexcept>

namespace kpiscore::dsl {

Scope::Scope(Kind kind, std::vector<Field> fields) : kind_(kind), fields_(std::move(fields)) {
  for (std::size_t i = 0; i < fields_.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (fields_[i].name == fields_[j].name)
        throw std::invalid_argument("scope: duplicate field '" + fields_[i].name + "'");
}

std::optional<std::size_t> Scope::find(std::string_view name) const {
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].name == name) return i;
  return std::nullopt;
}

std::vector<std::string> Scope::names() const {
  std::vector<std::string> out;
  out.reserve(fields_.size());
  for (const auto& f : fields_)
    out.push_back(f.name);
  return out;
}

Scope Scope::record(const std::vector<std::string>& extra_dimensions) {
  std::vector<Field> f{
      {"arrived_at", Type::time, "arrival time (UTC)"},
      {"inbound", Type::boolean, "direction is inbound"},
      {"answered", Type::boolean, "handled by a person"},
      {"wait_s", Type::duration, "queue wait (time to abandon when not answered)"},
      {"talk_s", Type::duration, "talk time"},
      {"hold_s", Type::duration, "hold time"},
      {"acw_s", Type::duration, "after-call work"},
      {"handle_s", Type::duration, "talk + hold + acw (null when one is unknown)"},
      {"resolved_first_contact", Type::boolean, "resolved on first contact"},
      {"csat", Type::integer, "survey score (csat.scale, default 1..5)"},
      {"nps", Type::integer, "likelihood to recommend 0..10"},
      {"complaint", Type::boolean, "a complaint"},
      {"converted", Type::boolean, "a sale or sign-up during service"},
      {"contact_id", Type::string, "contact identifier"},
  };
  for (auto d : standard_dimension_names)
    f.push_back({std::string(d), Type::string, "dimension"});
  for (const auto& d : extra_dimensions) {
    bool known = false;
    for (const auto& x : f)
      known = known || x.name == d;
    if (!known) f.push_back({d, Type::string, "dimension"});
  }
  return Scope(Kind::record, std::move(f));
}

Scope Scope::record(const ContactTable& table) {
  std::vector<std::string> extra;
  for (const auto& d : table.dimensions)
    extra.push_back(d.name());
  return record(extra);
}

Type type_of(KpiKind kind) noexcept {
  switch (kind) {
  case KpiKind::count:
    return Type::integer;
  case KpiKind::ratio:
    return Type::ratio;
  case KpiKind::mean_seconds:
  case KpiKind::quantile_seconds:
    return Type::duration;
  case KpiKind::mean:
  case KpiKind::nps:
    return Type::number;
  }
  return Type::number;
}

Scope Scope::group(const std::vector<std::string>& key_names, const std::vector<Field>& extra) {
  std::vector<Field> f;
  for (const auto& d : contact_kpi_definitions(true))
    f.push_back({std::string(d.name), type_of(d.kind), "contact KPI (docs/kpis.md)"});
  for (const auto& k : key_names) {
    bool known = false;
    for (const auto& x : f)
      known = known || x.name == k;
    if (!known) f.push_back({k, Type::string, "group key"});
  }
  for (const auto& e : extra) {
    bool known = false;
    for (const auto& x : f)
      known = known || x.name == e.name;
    if (!known) f.push_back(e);
  }
  return Scope(Kind::group, std::move(f));
}

Scope Scope::group(const KpiTable& table, const std::vector<Field>& extra) {
  std::vector<Field> more = extra;
  for (const auto& d : table.kpis) {
    bool known = false;
    for (const auto& x : contact_kpi_definitions(true))
      known = known || x.name == d.name;
    if (!known) more.push_back({std::string(d.name), type_of(d.kind), "KPI"});
  }
  return group(table.key_names, more);
}

Table::Table(const Scope& scope, std::size_t rows)
    : scope_(&scope), rows_(rows), columns_(scope.fields().size()) {}

void Table::set(std::string_view name, ColumnRef column) {
  auto i = scope_->find(name);
  if (!i) throw std::invalid_argument("table: no field '" + std::string(name) + "' in the scope");
  columns_[*i] = column;
}

void Table::set_owned(std::string_view name, std::vector<double> values,
                      std::vector<std::uint8_t> valid) {
  if (values.size() != rows_ || (!valid.empty() && valid.size() != rows_))
    throw std::invalid_argument("table: column '" + std::string(name) + "' has " +
                                std::to_string(values.size()) + " rows, expected " +
                                std::to_string(rows_));
  auto v = std::make_shared<std::vector<double>>(std::move(values));
  auto m = std::make_shared<std::vector<std::uint8_t>>(std::move(valid));
  ColumnRef c;
  c.storage = ColumnRef::Storage::f64;
  c.f64 = v->data();
  c.valid = m->empty() ? nullptr : m->data();
  set(name, c);
  owned_.push_back(v);
  owned_.push_back(m);
}

void Table::set_owned_strings(std::string_view name, std::vector<std::string> values,
                              std::vector<std::uint8_t> valid) {
  if (values.size() != rows_ || (!valid.empty() && valid.size() != rows_))
    throw std::invalid_argument("table: column '" + std::string(name) + "' has " +
                                std::to_string(values.size()) + " rows, expected " +
                                std::to_string(rows_));
  auto v = std::make_shared<std::vector<std::string>>(std::move(values));
  auto m = std::make_shared<std::vector<std::uint8_t>>(std::move(valid));
  ColumnRef c;
  c.storage = ColumnRef::Storage::strings;
  c.strings = v->data();
  c.valid = m->empty() ? nullptr : m->data();
  set(name, c);
  owned_.push_back(v);
  owned_.push_back(m);
}

Table bind(const Scope& scope, const ContactTable& t) {
  Table out(scope, t.size());
  auto has = [&](std::string_view n) { return scope.find(n).has_value(); };
  auto i64 = [&](std::string_view n, const Column<std::int64_t>& v) {
    if (!has(n) || v.empty()) return;
    ColumnRef c;
    c.storage = ColumnRef::Storage::i64;
    c.i64[0] = v.data();
    c.scale = 0.001;
    out.set(n, c);
  };
  auto u8 = [&](std::string_view n, const Column<std::uint8_t>& v) {
    if (!has(n) || v.empty()) return;
    ColumnRef c;
    c.storage = ColumnRef::Storage::u8;
    c.u8 = v.data();
    out.set(n, c);
  };
  i64("arrived_at", t.arrived_at_ms);
  u8("inbound", t.inbound);
  u8("answered", t.answered);
  i64("wait_s", t.wait_ms);
  for (std::size_t f = 0; f < t.durations.size(); ++f)
    i64(duration_field_names[f], t.durations[f]);
  if (has("handle_s") && t.size() > 0 && !t.durations[0].empty() && !t.durations[1].empty() &&
      !t.durations[2].empty()) {
    ColumnRef c;
    c.storage = ColumnRef::Storage::sum_i64;
    for (int k = 0; k < 3; ++k)
      c.i64[k] = t.durations[static_cast<std::size_t>(k)].data();
    c.scale = 0.001;
    out.set("handle_s", c);
  }
  for (std::size_t f = 0; f < t.smalls.size(); ++f) {
    if (!has(small_field_names[f]) || t.smalls[f].empty()) continue;
    ColumnRef c;
    c.storage = ColumnRef::Storage::i8;
    c.i8 = t.smalls[f].data();
    out.set(small_field_names[f], c);
  }
  for (const auto& d : t.dimensions) {
    if (!has(d.name())) continue;
    ColumnRef c;
    c.storage = ColumnRef::Storage::dict;
    c.dict = &d;
    out.set(d.name(), c);
  }
  if (has("contact_id") && t.size() > 0) {
    std::vector<std::string> ids(t.size());
    for (std::size_t r = 0; r < t.size(); ++r)
      ids[r] = std::string(t.contact_id[r]);
    out.set_owned_strings("contact_id", std::move(ids), {});
  }
  return out;
}

Table bind(const Scope& scope, const KpiTable& k) {
  Table out(scope, k.size());
  for (std::size_t c = 0; c < k.kpis.size(); ++c) {
    if (!scope.find(k.kpis[c].name)) continue;
    std::vector<double> v(k.size());
    std::vector<std::uint8_t> valid(k.size());
    for (std::size_t g = 0; g < k.size(); ++g) {
      const auto& x = k.values[g][c].value;
      valid[g] = x.has_value() ? 1 : 0;
      v[g] = x.value_or(0.0);
    }
    out.set_owned(k.kpis[c].name, std::move(v), std::move(valid));
  }
  for (std::size_t c = 0; c < k.key_names.size(); ++c) {
    if (!scope.find(k.key_names[c])) continue;
    std::vector<std::string> v(k.size());
    std::vector<std::uint8_t> valid(k.size());
    for (std::size_t g = 0; g < k.size(); ++g) {
      const auto& x = k.keys[g][c];
      valid[g] = x.has_value() ? 1 : 0;
      if (x) v[g] = *x;
    }
    out.set_owned_strings(k.key_names[c], std::move(v), std::move(valid));
  }
  return out;
}

} // namespace kpiscore::dsl
