#ifndef KPISCORE_TESTS_DSL_TEST_UTIL_HPP
#define KPISCORE_TESTS_DSL_TEST_UTIL_HPP

#include "test_util.hpp"

#include <kpiscore/dsl.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kpiscore::test {

/// Six contacts covering nulls in every optional column (docs/kpis.md's style of fixture).
inline ContactTable dsl_contacts() {
  return table_of(std::string(header) +
                  "1,2026-03-01T08:00:00Z,inbound,1,10,A1,phone,q1,100,20,30,1,5,10,0,1\n"
                  "2,2026-03-01T08:01:00Z,inbound,1,45,A1,phone,q1,200,0,40,0,4,9,0,0\n"
                  "3,2026-03-01T08:02:00Z,inbound,1,30,A2,chat,q2,300,,50,,3,8,1,0\n"
                  "4,2026-03-01T08:03:00Z,inbound,0,5,,phone,q1,,,,,,,,\n"
                  "5,2026-03-01T08:04:00Z,outbound,1,0,A2,Phone,q1,60,0,10,1,2,6,0,1\n"
                  "6,2026-03-01T08:05:00Z,inbound,1,25,A2,,q2,90,10,20,1,,0,,0\n");
}

/// Evaluates one expression over a table; returns the values as optional doubles (bools 0/1).
inline std::vector<std::optional<double>> eval_numbers(const std::string& expr,
                                                       const dsl::Scope& scope,
                                                       const dsl::Table& table,
                                                       std::size_t batch = 1024) {
  auto p = dsl::Program::compile_expression(expr, scope);
  dsl::EvalOptions o;
  o.batch_rows = batch;
  auto cols = p.evaluate(table, o);
  std::vector<std::optional<double>> out;
  const auto& c = cols.at(0);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.is_null(i))
      out.push_back(std::nullopt);
    else if (c.type == dsl::Type::boolean)
      out.push_back(c.bools[i]);
    else
      out.push_back(c.numbers[i]);
  }
  return out;
}

/// The formatted diagnostics of compiling `source` as a file (empty when it compiles).
inline std::string diagnostics_of(const std::string& source, const dsl::Scope& scope,
                                  const dsl::CompileOptions& o = {}) {
  try {
    dsl::Program::compile(source, scope, o);
  } catch (const dsl::CompileError& e) {
    return e.what();
  }
  return "";
}

} // namespace kpiscore::test

#endif
