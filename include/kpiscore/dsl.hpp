#ifndef KPISCORE_DSL_HPP
#define KPISCORE_DSL_HPP

// The rules language (docs/rules.md): parse, check and compile expressions and rules files over
// the record scope (contact fields) or the group scope (KPIs), evaluate them in batches, explain.
#include <kpiscore/dsl/ast.hpp>
#include <kpiscore/dsl/condition_json.hpp>
#include <kpiscore/dsl/custom_kpi.hpp>
#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/functions.hpp>
#include <kpiscore/dsl/parser.hpp>
#include <kpiscore/dsl/program.hpp>
#include <kpiscore/dsl/scope.hpp>
#include <kpiscore/dsl/scorecard_text.hpp>
#include <kpiscore/dsl/types.hpp>

#endif
