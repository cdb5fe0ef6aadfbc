// Custom KPIs of the rules language (docs/rules.md, "Custom KPIs"): `kpi NAME = EXPR [where C]`.
//
// Compilation splits each formula at its aggregate calls. The aggregate arguments and the
// `where` filters become the outputs of one record-scope Program (generated from the slices of
// the user's text, so it is checked exactly as written); the formulas with each aggregate call
// replaced by a group field become one group-scope Program. Accumulation evaluates the record
// program over the contact table and adds per group into exact integer accumulators
// (CustomAccumulators); finalize evaluates the group program over the finalized built-in KPIs
// plus the aggregate values.
#include <kpiscore/dsl/custom_kpi.hpp>

#include "dsl_internal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>

namespace kpiscore::dsl {
namespace {

using detail::Builtin;

bool is_aggregate_call(const Node& n) {
  if (n.kind != NodeKind::call || n.host) return false;
  const auto b = detail::builtin_of(n.text);
  if (b && (*b == Builtin::min || *b == Builtin::max)) return n.children.size() == 1;
  return b && (*b == Builtin::count || *b == Builtin::sum || *b == Builtin::mean);
}

std::string hex64(std::uint64_t v) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

/// Values are rounded to integers in this many units of their type (10⁻⁹: nanoseconds for
/// durations) before they are summed, unless the type is integer or bool.
constexpr long double fixed_scale = 1e9L;
/// The largest magnitude a summed value may have (so that 2^64 of them fit in 128 bits).
constexpr double max_magnitude = 1e18;

struct Aggregate {
  Builtin fn = Builtin::count;
  std::size_t kpi = 0;
  const Node* call = nullptr;
  Type arg_type = Type::null;
  bool exact_integer = false; ///< integer or bool argument: summed unscaled
  std::size_t arg_output = 0; ///< output of the record program
};

} // namespace

struct CustomKpis::Impl {
  std::string source, file;
  std::uint64_t fingerprint = 0;
  std::vector<std::string> key_names, dimensions, used_dimensions;
  std::vector<Statement> statements;
  std::vector<CustomKpi> kpis;
  std::vector<std::optional<std::size_t>> where_output; ///< per kpi
  std::vector<Aggregate> aggregates;
  std::vector<std::string> accumulator_names;
  std::vector<CustomAccumulators::Op> accumulator_ops;
  std::string prefix;
  Scope record_scope{Scope::Kind::record, {}};
  Scope group_scope{Scope::Kind::group, {}};
  std::optional<Program> record;
  std::optional<Program> group;
};

namespace {

std::uint64_t fingerprint_of(std::string_view source) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix("kpiscore custom kpis 1\n");
  mix(source);
  return h;
}

KpiKind kind_of(Type t) {
  switch (t) {
  case Type::integer:
    return KpiKind::count;
  case Type::ratio:
    return KpiKind::ratio;
  case Type::duration:
    return KpiKind::mean_seconds;
  default:
    return KpiKind::mean;
  }
}

struct Builder {
  CustomKpis::Impl& impl;
  const Scope& record;
  const Scope& group;
  std::vector<Diagnostic>& errors;

  std::string_view slice(SourceRange r) const {
    return std::string_view(impl.source).substr(r.begin, r.length);
  }

  // Let and kpi references the checker accepted but the kpi's structure forbids: a record `let`
  // outside an aggregate (E0109), a custom KPI inside an aggregate (E0108; in a `where` the
  // checker itself reports it, as the `where` is checked as a record condition).
  bool validate(const Node& n, bool record_context, std::string_view where_what) {
    bool ok = true;
    if (n.kind == NodeKind::name && n.binds_let) {
      const Statement& s = impl.statements[static_cast<std::size_t>(n.slot)];
      if (s.kind == Statement::Kind::let && !record_context) {
        errors.push_back({"E0109",
                          "`" + n.text +
                              "` is a record expression (`let`) outside an aggregate "
                              "function in a `kpi`",
                          n.range, "wrap it in count(), sum() or mean()"});
        ok = false;
      } else if (s.kind == Statement::Kind::kpi && record_context) {
        errors.push_back({"E0108",
                          "custom KPI `" + n.text + "` cannot be used " + std::string(where_what),
                          n.range, "custom KPIs are group values: use it outside the aggregate"});
        ok = false;
      }
    }
    const bool agg = is_aggregate_call(n);
    for (const auto& c : n.children)
      ok = validate(*c, record_context || agg, agg ? "inside an aggregate function" : where_what) &&
           ok;
    return ok;
  }

  void collect(const Node& n, std::size_t kpi) {
    if (is_aggregate_call(n)) {
      Aggregate a;
      a.fn = *detail::builtin_of(n.text);
      a.kpi = kpi;
      a.call = &n;
      a.arg_type = n.children[0]->type;
      a.exact_integer = a.arg_type == Type::integer || a.arg_type == Type::boolean;
      impl.aggregates.push_back(a);
      return;
    }
    for (const auto& c : n.children)
      collect(*c, kpi);
  }

  void used_fields(const Node& n, std::vector<std::string>& out) const {
    if (n.kind == NodeKind::name && !n.binds_let) {
      if (std::find(out.begin(), out.end(), n.text) == out.end()) out.push_back(n.text);
    }
    for (const auto& c : n.children)
      used_fields(*c, out);
  }

  void check(const CompileOptions& options) {
    detail::Checker checker{record, options.functions, errors, {}, false, &group};
    for (std::size_t i = 0; i < impl.statements.size(); ++i) {
      Statement& s = impl.statements[i];
      if (errors.size() >= options.limits.max_errors) break;
      bool duplicate = false;
      for (std::size_t j = 0; j < i; ++j)
        duplicate = duplicate || impl.statements[j].name == s.name;
      if (duplicate)
        errors.push_back({"E0105", "`" + s.name + "` is defined twice", s.name_range,
                          "give each let and kpi its own name"});
      else if (record.find(s.name) || (s.kind == Statement::Kind::kpi && group.find(s.name)))
        errors.push_back({"E0105",
                          "`" + s.name + "` shadows a field of the " +
                              (record.find(s.name) ? "record" : "group") + " scope",
                          s.name_range, "choose another name"});
      if (s.kind == Statement::Kind::rule) {
        errors.push_back({"E0112",
                          "`rule` statements are compiled by Program, not in a file of "
                          "custom KPIs",
                          s.name_range, "keep rules in their own file, or write `kpi` or `let`"});
        continue;
      }
      if (s.kind == Statement::Kind::let) {
        checker.aggregate_context = false;
        const bool ok = checker.check(*s.expr);
        checker.lets.push_back({s.name, i, ok ? s.expr->type : Type::null, false});
        continue;
      }
      checker.aggregate_context = true;
      bool ok = checker.check(*s.expr);
      if (ok) ok = validate(*s.expr, false, "");
      if (s.where) {
        // A record condition: checked as in a record rule (no aggregates, no custom KPIs).
        checker.aggregate_context = false;
        bool okw = checker.check(*s.where);
        if (okw && s.where->type != Type::boolean && s.where->type != Type::null) {
          errors.push_back({"E0204",
                            "the `where` filter must be a condition (bool), found " +
                                std::string(name_of(s.where->type)),
                            s.where->range, ""});
          okw = false;
        }
        ok = okw && ok;
      }
      if (ok) {
        const Type t = s.expr->type;
        if (!(is_numeric(t) && t != Type::time)) {
          errors.push_back({"E0114",
                            "a `kpi` must be a number, integer, duration, ratio or points, found " +
                                std::string(name_of(t)),
                            s.expr->range,
                            t == Type::boolean ? "count the rows with count(…), or take a share "
                                                 "with mean(…)"
                                               : ""});
          ok = false;
        }
      }
      const std::size_t before = impl.aggregates.size();
      if (ok) collect(*s.expr, impl.kpis.size());
      if (ok && s.where && impl.aggregates.size() == before) {
        errors.push_back(
            {"E0113",
             "`where` filters the rows of aggregate functions, but `" + s.name + "` has none",
             s.where->range, "use count(), sum() or mean() in the formula"});
        ok = false;
      }
      impl.kpis.push_back({s.name, ok ? s.expr->type : Type::null,
                           kind_of(ok ? s.expr->type : Type::number), s.expr->range});
      checker.lets.push_back({s.name, i, ok ? s.expr->type : Type::null, true});
    }
  }

  // Lowers the checked statements into the record and group programs.
  void lower(const CompileOptions& options) {
    std::vector<std::string> taken = record.names();
    for (const auto& n : group.names())
      taken.push_back(n);
    for (const auto& s : impl.statements)
      taken.push_back(s.name);
    impl.prefix = "_";
    auto clash = [&] {
      for (const auto& n : taken)
        if (n.starts_with(impl.prefix)) return true;
      return false;
    };
    while (clash())
      impl.prefix += '_';
    const std::string& p = impl.prefix;

    std::string rtext, gtext;
    std::vector<std::string> used;
    std::size_t outputs = 0, agg = 0, kpi = 0;
    impl.where_output.assign(impl.kpis.size(), std::nullopt);
    for (const auto& s : impl.statements) {
      if (s.kind == Statement::Kind::let) {
        rtext += "let " + s.name + " = " + std::string(slice(s.expr->range)) + "\n";
        used_fields(*s.expr, used);
        continue;
      }
      if (s.where) {
        rtext += "rule " + p + "w" + std::to_string(kpi) + " = " +
                 std::string(slice(s.where->range)) + "\n";
        impl.where_output[kpi] = outputs++;
        used_fields(*s.where, used);
      }
      std::string formula;
      std::uint32_t at = s.expr->range.begin;
      for (; agg < impl.aggregates.size() && impl.aggregates[agg].kpi == kpi; ++agg) {
        Aggregate& a = impl.aggregates[agg];
        const Node& arg = *a.call->children[0];
        rtext +=
            "rule " + p + "a" + std::to_string(agg) + " = " + std::string(slice(arg.range)) + "\n";
        used_fields(arg, used);
        a.arg_output = outputs++;
        formula += std::string(slice({at, a.call->range.begin - at}));
        formula += p + "a" + std::to_string(agg);
        at = a.call->range.end();
        impl.accumulator_names.push_back(s.name + "#" + std::to_string(agg));
        impl.accumulator_ops.push_back(a.fn == Builtin::min   ? CustomAccumulators::Op::min
                                       : a.fn == Builtin::max ? CustomAccumulators::Op::max
                                                              : CustomAccumulators::Op::sum);
      }
      formula += std::string(slice({at, s.expr->range.end() - at}));
      gtext += "rule " + s.name + " = " + formula + "\n";
      ++kpi;
    }
    // The record scope of the generated program: without `contact_id` unless it is read (binding
    // it copies every identifier).
    std::vector<Field> fields;
    for (const auto& f : record.fields())
      if (f.name != "contact_id" || std::find(used.begin(), used.end(), f.name) != used.end())
        fields.push_back(f);
    impl.record_scope = Scope(Scope::Kind::record, std::move(fields));
    const Scope standard = Scope::record();
    for (const auto& d : impl.dimensions)
      if (!standard.find(d) && std::find(used.begin(), used.end(), d) != used.end())
        impl.used_dimensions.push_back(d);

    std::vector<Field> extra;
    for (std::size_t a = 0; a < impl.aggregates.size(); ++a)
      extra.push_back({p + "a" + std::to_string(a), impl.aggregates[a].call->type, "aggregate"});
    impl.group_scope = Scope::group(impl.key_names, extra);

    CompileOptions o = options;
    o.file = impl.file + " (generated record program)";
    o.limits.max_source_bytes = std::max<std::size_t>(o.limits.max_source_bytes, rtext.size());
    o.limits.max_nodes = std::max<std::size_t>(o.limits.max_nodes, 2 * options.limits.max_nodes);
    try {
      impl.record = Program::compile(rtext, impl.record_scope, o);
      o.file = impl.file + " (generated group program)";
      o.limits.max_source_bytes = std::max<std::size_t>(o.limits.max_source_bytes, gtext.size());
      impl.group = Program::compile(gtext, impl.group_scope, o);
    } catch (const CompileError& e) {
      // The pieces were checked as the user wrote them: a failure here is a bug.
      throw std::logic_error(std::string("custom KPIs: generated program does not compile: ") +
                             e.what());
    }
  }
};

std::shared_ptr<CustomKpis::Impl> build(std::string_view source,
                                        const std::vector<std::string>& key_names,
                                        const std::vector<std::string>& dimensions,
                                        const CompileOptions& options,
                                        std::vector<Diagnostic>& errors) {
  auto impl = std::make_shared<CustomKpis::Impl>();
  impl->source = std::string(source);
  impl->file = options.file;
  impl->fingerprint = fingerprint_of(source);
  impl->key_names = key_names;
  impl->dimensions = dimensions;
  impl->statements = parse_file(impl->source, errors, options.limits);
  const Scope record = Scope::record(dimensions);
  const Scope group = Scope::group(key_names);
  Builder b{*impl, record, group, errors};
  b.check(options);
  std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& x, const Diagnostic& y) {
    return x.range.begin < y.range.begin;
  });
  if (errors.size() > options.limits.max_errors) errors.resize(options.limits.max_errors);
  if (!errors.empty()) return nullptr;
  b.lower(options);
  return impl;
}

} // namespace

CustomKpis CustomKpis::compile(std::string_view source, const std::vector<std::string>& key_names,
                               const std::vector<std::string>& dimensions,
                               const CompileOptions& options) {
  std::vector<Diagnostic> errors;
  auto impl = build(source, key_names, dimensions, options, errors);
  if (!impl) throw CompileError(errors, format(errors, options.file, source));
  return CustomKpis(std::move(impl));
}

std::vector<Diagnostic> CustomKpis::check(std::string_view source,
                                          const std::vector<std::string>& key_names,
                                          const std::vector<std::string>& dimensions,
                                          const CompileOptions& options) {
  std::vector<Diagnostic> errors;
  build(source, key_names, dimensions, options, errors);
  return errors;
}

CustomKpis CustomKpis::from_state(const GroupedKpiState& state) {
  const auto& c = state.custom();
  if (!c) throw std::invalid_argument("custom KPIs: the state has none");
  CompileOptions o;
  o.file = "<state>";
  CustomKpis k = compile(c->program, state.key_names(), c->dimensions, o);
  if (k.fingerprint() != c->fingerprint)
    throw std::invalid_argument("custom KPIs: the state's program fingerprint differs: expected " +
                                hex64(c->fingerprint) + ", actual " + hex64(k.fingerprint()));
  return k;
}

std::uint64_t CustomKpis::fingerprint() const noexcept {
  return impl_->fingerprint;
}
const std::string& CustomKpis::source() const noexcept {
  return impl_->source;
}
const std::vector<CustomKpi>& CustomKpis::kpis() const noexcept {
  return impl_->kpis;
}
std::size_t CustomKpis::aggregate_count() const noexcept {
  return impl_->aggregates.size();
}
const Program& CustomKpis::record_program() const noexcept {
  return *impl_->record;
}

CustomAccumulators CustomKpis::accumulate(const ContactTable& table, const GroupIndex& index,
                                          const EvalOptions& options) const {
  const Impl& p = *impl_;
  if (index.group_of_row.size() != table.size())
    throw std::invalid_argument("custom KPIs: the group index has " +
                                std::to_string(index.group_of_row.size()) + " rows, the table " +
                                std::to_string(table.size()));
  CustomAccumulators acc;
  acc.fingerprint = p.fingerprint;
  acc.program = p.source;
  acc.dimensions = p.used_dimensions;
  acc.names = p.accumulator_names;
  acc.ops = p.accumulator_ops;
  acc.resize(index.groups);
  const Table t = bind(p.record_scope, table);
  const std::vector<Column> cols = p.record->evaluate(t, options);
  const std::uint32_t* group = index.group_of_row.data();
  const std::size_t rows = table.size();
  std::vector<std::uint8_t> selected;
  for (std::size_t a = 0; a < p.aggregates.size(); ++a) {
    const Aggregate& ag = p.aggregates[a];
    const Column& x = cols[ag.arg_output];
    // Rows of the kpi's `where` (true, not null), and where the argument is not null.
    selected.assign(x.valid.begin(), x.valid.end());
    if (const auto w = p.where_output[ag.kpi]) {
      const Column& c = cols[*w];
      for (std::size_t i = 0; i < rows; ++i)
        selected[i] &= c.valid[i] & c.bools[i];
    }
    std::int64_t* count = acc.counts[a].data();
    int128_t* sum = acc.sums[a].data();
    if (ag.fn == Builtin::count) {
      for (std::size_t i = 0; i < rows; ++i)
        count[group[i]] += selected[i] & x.bools[i];
      continue;
    }
    if (x.type == Type::boolean) {
      for (std::size_t i = 0; i < rows; ++i) {
        count[group[i]] += selected[i];
        sum[group[i]] += selected[i] & x.bools[i];
      }
      continue;
    }
    const double scale = ag.exact_integer ? 1.0 : static_cast<double>(fixed_scale);
    for (std::size_t i = 0; i < rows; ++i) {
      if (!selected[i]) continue;
      const double v = x.numbers[i];
      if (!(std::fabs(v) <= max_magnitude))
        throw std::domain_error(
            "custom KPI `" + p.kpis[ag.kpi].name + "`: a value of `" +
            std::string(p.source.substr(ag.call->range.begin, ag.call->range.length)) +
            "` is beyond ±1e18 or not finite (row " + std::to_string(i + 1) + ")");
      // v × scale in double, rounded half away from zero: a whole number of at most 1e27, which
      // a double holds exactly (the int64 path is the fast common case).
      const double r = std::round(v * scale);
      const int128_t fixed = std::fabs(r) < 9e18
                                 ? static_cast<int128_t>(static_cast<std::int64_t>(r))
                                 : static_cast<int128_t>(r);
      const std::uint32_t g = group[i];
      if (ag.fn == Builtin::min) {
        if (count[g] == 0 || fixed < sum[g]) sum[g] = fixed;
      } else if (ag.fn == Builtin::max) {
        if (count[g] == 0 || fixed > sum[g]) sum[g] = fixed;
      } else {
        sum[g] += fixed;
      }
      count[g] += 1;
    }
  }
  return acc;
}

std::vector<Column> CustomKpis::finalize(const GroupedKpiState& state) const {
  return finalize(state, kpiscore::finalize(state));
}

std::vector<Column> CustomKpis::finalize(const GroupedKpiState& state,
                                         const KpiTable& builtin) const {
  const Impl& p = *impl_;
  const auto& c = state.custom();
  if (!c)
    throw std::invalid_argument("custom KPIs: the state has no custom KPI accumulators "
                                "(aggregate it with the rules file)");
  if (c->fingerprint != p.fingerprint)
    throw std::invalid_argument("custom KPIs: program fingerprint differs: expected " +
                                hex64(p.fingerprint) + ", actual " + hex64(c->fingerprint) +
                                " (the state was aggregated with another rules text)");
  if (c->names.size() != p.aggregates.size())
    throw std::invalid_argument("custom KPIs: the state has " + std::to_string(c->names.size()) +
                                " accumulators, the program " +
                                std::to_string(p.aggregates.size()));
  if (builtin.size() != state.size())
    throw std::invalid_argument("custom KPIs: the KPI table has " + std::to_string(builtin.size()) +
                                " groups, the state " + std::to_string(state.size()));
  Table t = bind(p.group_scope, builtin);
  const std::size_t groups = state.size();
  for (std::size_t a = 0; a < p.aggregates.size(); ++a) {
    const Aggregate& ag = p.aggregates[a];
    std::vector<double> v(groups);
    std::vector<std::uint8_t> valid(groups, 1);
    const long double scale = ag.exact_integer ? 1.0L : fixed_scale;
    for (std::size_t g = 0; g < groups; ++g) {
      const std::int64_t n = c->counts[a][g];
      const auto s = static_cast<long double>(c->sums[a][g]);
      if (ag.fn == Builtin::count)
        v[g] = static_cast<double>(n);
      else if (n == 0) // sum, mean, min and max over no values are null, as in SQL
        valid[g] = 0;
      else if (ag.fn != Builtin::mean)
        v[g] = static_cast<double>(s / scale);
      else
        v[g] = static_cast<double>(s / (scale * static_cast<long double>(n)));
    }
    t.set_owned(p.prefix + "a" + std::to_string(a), std::move(v), std::move(valid));
  }
  return p.group->evaluate(t);
}

void CustomKpis::add_columns(KpiTable& table, const GroupedKpiState& state) const {
  const Impl& p = *impl_;
  bool same = table.size() == state.size();
  for (std::size_t g = 0; same && g < table.size(); ++g)
    same = table.keys[g] == state.key(g);
  if (!same)
    throw std::invalid_argument(
        "custom KPIs: the table was not finalized from this state (groups differ)");
  for (const auto& k : p.kpis)
    for (const auto& d : table.kpis)
      if (d.name == k.name)
        throw std::invalid_argument("custom KPIs: KPI '" + k.name + "' is already in the table");
  const std::vector<Column> cols = finalize(state, table);
  for (std::size_t k = 0; k < p.kpis.size(); ++k) {
    table.kpis.push_back({p.kpis[k].name, p.kpis[k].kind});
    for (std::size_t g = 0; g < table.size(); ++g) {
      KpiValue v;
      if (cols[k].valid[g]) v = {cols[k].numbers[g], cols[k].numbers[g], 1.0};
      table.values[g].push_back(v);
      if (!table.intervals.empty()) table.intervals[g].push_back(std::nullopt);
    }
  }
}

} // namespace kpiscore::dsl
