// kpiscore._core: the rules language (docs/rules.md) — compile, evaluate, stats and explain over
// contact tables or per-group KPI tables, with host functions written in Python.
//
// A Python host function runs inside the engine's vectorized loop: the kernel takes the GIL,
// hands the callable one read-only float64 view per argument (valid only during the call) and
// copies its result into the engine's buffer. The GIL is released for the rest of the
// evaluation. A host kernel must not throw (include/kpiscore/dsl/functions.hpp), so an error
// raised by the callable is stored in the calling thread's evaluation context, the evaluation is
// cancelled at the next batch boundary, and the Python exception is re-raised when `evaluate`
// returns — with its original type and traceback.
#include "bindings.hpp"
#include "py_table.hpp"

#include <kpiscore/dsl.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace py = pybind11;

namespace kpiscore::python {
namespace {

// The evaluation running on this thread: a Python error raised by a host function lands here.
struct EvaluationContext {
  std::atomic<bool> cancel{false};
  std::optional<py::error_already_set> error;
};
thread_local EvaluationContext* current_evaluation = nullptr;

std::optional<dsl::Type> type_from_name(const std::string& name) {
  for (dsl::Type t : {dsl::Type::boolean, dsl::Type::integer, dsl::Type::number, dsl::Type::string,
                      dsl::Type::duration, dsl::Type::ratio, dsl::Type::points, dsl::Type::time})
    if (dsl::name_of(t) == name) return t;
  return std::nullopt;
}

dsl::Type parse_type(const std::string& name, const std::string& what) {
  auto t = type_from_name(name);
  if (!t)
    throw py::value_error(
        what + ": unknown type '" + name +
        "'; expected bool, integer, number, string, duration, ratio, points or time");
  return *t;
}

// A Python callable owned so that copies of the kernel (std::function) never touch reference
// counts without the GIL: the last copy releases the callable with the GIL held.
std::shared_ptr<py::object> hold(py::object callable) {
  return std::shared_ptr<py::object>(new py::object(std::move(callable)), [](py::object* p) {
    py::gil_scoped_acquire gil;
    delete p;
  });
}

dsl::HostKernel python_kernel(std::shared_ptr<py::object> callable, std::string name) {
  return [callable, name](std::span<const double* const> args, std::size_t n, double* out) {
    py::gil_scoped_acquire gil;
    EvaluationContext* context = current_evaluation;
    if (context && context->error) { // an earlier batch failed: the evaluation is being cancelled
      std::fill(out, out + n, 0.0);
      return;
    }
    try {
      py::tuple views(args.size());
      for (std::size_t k = 0; k < args.size(); ++k) {
        py::array_t<double> view({static_cast<py::ssize_t>(n)},
                                 {static_cast<py::ssize_t>(sizeof(double))}, args[k], py::none());
        py::detail::array_proxy(view.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
        views[k] = std::move(view);
      }
      py::object result = (*callable)(*views);
      auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(result);
      if (!values || values.ndim() > 1 ||
          (values.ndim() == 1 && static_cast<std::size_t>(values.size()) != n))
        throw py::value_error("host function '" + name + "': expected a result of " +
                              std::to_string(n) + " numbers (one per row)");
      if (values.ndim() == 0) {
        std::fill(out, out + n, *values.data());
      } else {
        std::copy(values.data(), values.data() + n, out);
      }
    } catch (py::error_already_set& e) {
      std::fill(out, out + n, 0.0);
      if (context) {
        context->error.emplace(std::move(e));
        context->cancel.store(true);
      }
    } catch (py::builtin_exception& e) {
      std::fill(out, out + n, 0.0);
      if (context) {
        e.set_error();
        context->error.emplace();
        context->cancel.store(true);
      }
    }
  };
}

// Every diagnostic as (code, message, hint, line, column, formatted text).
py::list diagnostics_of(const std::vector<dsl::Diagnostic>& ds, const std::string& source,
                        const std::string& file) {
  py::list out;
  for (const auto& d : ds) {
    const auto lc = dsl::line_column(source, d.range.begin);
    out.append(py::make_tuple(d.code, d.message, d.hint, lc.line, lc.column,
                              dsl::format(d, file, source)));
  }
  return out;
}

// A compiled rules file with the scope it was checked against and its host functions.
struct PyRules {
  dsl::Scope scope;
  dsl::FunctionRegistry functions;
  std::optional<dsl::Program> program;
  std::string file;
};

dsl::Scope make_scope(const std::string& kind, const std::vector<std::string>& dimensions,
                      const std::vector<std::string>& keys,
                      const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<dsl::Field> fields;
  for (const auto& [name, type] : extra)
    fields.push_back({name, parse_type(type, "fields: " + name), "input"});
  if (kind == "record") {
    if (!keys.empty()) throw py::value_error("keys: only the group scope has group keys");
    if (!extra.empty())
      throw py::value_error("fields: the record scope's fields are the contact fields");
    return dsl::Scope::record(dimensions);
  }
  if (kind == "group") {
    if (!dimensions.empty())
      throw py::value_error("dimensions: only the record scope has dimensions");
    return dsl::Scope::group(keys, fields);
  }
  throw py::value_error("scope: expected 'record' or 'group', actual '" + kind + "'");
}

dsl::FunctionRegistry make_registry(const py::list& functions) {
  dsl::FunctionRegistry registry;
  for (py::handle f : functions) {
    auto t = f.cast<py::tuple>(); // (name, callable, params, result, cost, description)
    dsl::HostFunction h;
    h.name = t[0].cast<std::string>();
    for (const auto& p : t[2].cast<std::vector<std::string>>())
      h.params.push_back(parse_type(p, "function " + h.name + ": parameter"));
    h.result = parse_type(t[3].cast<std::string>(), "function " + h.name + ": result");
    h.cost = t[4].cast<double>();
    h.description = t[5].cast<std::string>();
    h.kernel = python_kernel(hold(t[1].cast<py::object>()), h.name);
    try {
      registry.add(std::move(h));
    } catch (const std::invalid_argument& e) {
      throw py::value_error(e.what());
    }
  }
  return registry;
}

py::tuple compile_rules(const std::string& source, const std::string& scope_kind,
                        const std::vector<std::string>& dimensions,
                        const std::vector<std::string>& keys,
                        const std::vector<std::pair<std::string, std::string>>& extra,
                        const py::list& functions, const std::string& file, bool expression) {
  auto rules = std::make_shared<PyRules>(PyRules{make_scope(scope_kind, dimensions, keys, extra),
                                                 make_registry(functions), std::nullopt, file});
  dsl::CompileOptions options;
  options.functions = &rules->functions;
  options.file = file;
  try {
    rules->program = expression ? dsl::Program::compile_expression(source, rules->scope, options)
                                : dsl::Program::compile(source, rules->scope, options);
  } catch (const dsl::CompileError& e) {
    return py::make_tuple(py::none(), diagnostics_of(e.diagnostics(), source, file),
                          std::string(e.what()));
  }
  return py::make_tuple(rules, py::list(), std::string());
}

dsl::Table bind_data(const PyRules& r, const py::object& data) {
  if (r.scope.kind() == dsl::Scope::Kind::record) {
    if (!py::isinstance<PyTable>(data))
      throw py::type_error("data: the record scope evaluates contacts");
    return dsl::bind(r.scope, data.cast<const PyTable&>().read.table);
  }
  if (!py::isinstance<KpiTable>(data))
    throw py::type_error("data: the group scope evaluates KPIs per group");
  return dsl::bind(r.scope, data.cast<const KpiTable&>());
}

// Runs `f` with the GIL released, then re-raises a Python host function's error.
template <class F> auto run_evaluation(const py::object& budget, F f) {
  EvaluationContext context;
  dsl::EvalOptions options;
  if (!budget.is_none()) options.budget = budget.cast<double>();
  options.cancel = &context.cancel;
  EvaluationContext* previous = current_evaluation;
  current_evaluation = &context;
  struct Restore {
    EvaluationContext* previous;
    ~Restore() { current_evaluation = previous; }
  } restore{previous};
  try {
    auto result = [&] {
      py::gil_scoped_release release;
      return f(options);
    }();
    // An error in the last batch cancels nothing: it is still the caller's error.
    if (context.error) throw std::move(*context.error);
    return result;
  } catch (const dsl::Cancelled&) {
    if (context.error) throw std::move(*context.error);
    throw;
  }
}

py::array numbers_array(std::vector<double>&& v) {
  auto* heap = new std::vector<double>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<double>*>(p); });
  return py::array_t<double>({static_cast<py::ssize_t>(heap->size())},
                             {static_cast<py::ssize_t>(sizeof(double))}, heap->data(), owner);
}

py::array bytes_array(std::vector<std::uint8_t>&& v, bool as_bool) {
  auto* heap = new std::vector<std::uint8_t>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<std::uint8_t>*>(p); });
  if (as_bool)
    return py::array(py::dtype("bool"), {static_cast<py::ssize_t>(heap->size())},
                     {static_cast<py::ssize_t>(1)}, heap->data(), owner);
  return py::array_t<std::uint8_t>({static_cast<py::ssize_t>(heap->size())},
                                   {static_cast<py::ssize_t>(1)}, heap->data(), owner);
}

// Each output as (name, kind, type, values, valid): numbers float64 (durations in seconds,
// ratios as fractions, times as UTC seconds), booleans bool, strings a list; `valid` bool.
py::list evaluate(const PyRules& r, const py::object& data, const py::object& budget) {
  dsl::Table table = bind_data(r, data);
  std::vector<dsl::Column> columns = run_evaluation(
      budget, [&](const dsl::EvalOptions& o) { return r.program->evaluate(table, o); });
  py::list out;
  const auto& outputs = r.program->outputs();
  for (std::size_t k = 0; k < columns.size(); ++k) {
    dsl::Column& c = columns[k];
    py::object values;
    if (c.type == dsl::Type::boolean)
      values = bytes_array(std::move(c.bools), true);
    else if (c.type == dsl::Type::string)
      values = py::cast(c.strings);
    else
      values = numbers_array(std::move(c.numbers));
    const std::string kind = outputs[k].kind == dsl::Statement::Kind::let ? "let" : "rule";
    out.append(py::make_tuple(outputs[k].name, kind, std::string(dsl::name_of(c.type)), values,
                              bytes_array(std::move(c.valid), true)));
  }
  return out;
}

py::list stats(const PyRules& r, const py::object& data, const py::object& budget) {
  dsl::Table table = bind_data(r, data);
  auto s =
      run_evaluation(budget, [&](const dsl::EvalOptions& o) { return r.program->stats(table, o); });
  py::list out;
  for (const auto& x : s)
    out.append(py::make_tuple(x.name, x.rows, x.fired, x.not_fired, x.nulls));
  return out;
}

std::string explain(const PyRules& r, const py::object& data, std::size_t row) {
  dsl::Table table = bind_data(r, data);
  if (row >= table.rows())
    throw py::index_error("row " + std::to_string(row) + " of " + std::to_string(table.rows()));
  std::optional<std::string> json;
  run_evaluation(py::none(), [&](const dsl::EvalOptions&) {
    json = r.program->explain_json(table, row);
    return 0;
  });
  return *json;
}

void register_rules(py::module_& m) {
  py::register_exception<dsl::BudgetExceeded>(m, "BudgetExceeded", PyExc_RuntimeError);
  py::register_exception<dsl::Cancelled>(m, "Cancelled", PyExc_RuntimeError);
  py::class_<PyRules, std::shared_ptr<PyRules>>(
      m, "RulesProgram", "A compiled rules file (private; see kpiscore.rules)")
      .def_property_readonly("outputs",
                             [](const PyRules& r) {
                               py::list out;
                               for (const auto& o : r.program->outputs())
                                 out.append(py::make_tuple(
                                     o.name, o.kind == dsl::Statement::Kind::let ? "let" : "rule",
                                     std::string(dsl::name_of(o.type))));
                               return out;
                             })
      .def_property_readonly("source", [](const PyRules& r) { return r.program->source(); })
      .def_property_readonly("scope",
                             [](const PyRules& r) {
                               return std::string(
                                   r.scope.kind() == dsl::Scope::Kind::record ? "record" : "group");
                             })
      .def_property_readonly(
          "fields",
          [](const PyRules& r) {
            py::list out;
            for (const auto& f : r.scope.fields())
              out.append(py::make_tuple(f.name, std::string(dsl::name_of(f.type)), f.description));
            return out;
          })
      .def_property_readonly("cost_per_row",
                             [](const PyRules& r) { return r.program->cost_per_row(); })
      .def_property_readonly("instruction_count",
                             [](const PyRules& r) { return r.program->instruction_count(); })
      .def("evaluate", &evaluate, py::arg("table"), py::arg("budget") = py::none())
      .def("stats", &stats, py::arg("table"), py::arg("budget") = py::none())
      .def("explain_json", &explain, py::arg("table"), py::arg("row"));

  m.def("compile_rules", &compile_rules, py::arg("source"), py::arg("scope"), py::arg("dimensions"),
        py::arg("keys"), py::arg("fields"), py::arg("functions"), py::arg("file"),
        py::arg("expression"),
        "Compiles rules text: (program, [], '') or (None, diagnostics, formatted text).");
  m.def("builtin_functions", [] {
    std::vector<std::string> names;
    for (auto n : dsl::builtin_function_names())
      names.emplace_back(n);
    return names;
  });
}

const BindingsRegistration registration{40, register_rules};

} // namespace
} // namespace kpiscore::python
