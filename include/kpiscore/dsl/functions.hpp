#ifndef KPISCORE_DSL_FUNCTIONS_HPP
#define KPISCORE_DSL_FUNCTIONS_HPP

#include <kpiscore/dsl/types.hpp>

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore::dsl {

/// A vectorized kernel of a host function: `args[k][i]` is argument k of row i (booleans as 0/1),
/// `out[i]` the result of row i, for i < n. Rows where an argument is null are computed too (with
/// an arbitrary value) and the engine marks their result null afterwards, so the kernel has no
/// branches on validity. It must be thread-safe and must not throw.
using HostKernel =
    std::function<void(std::span<const double* const> args, std::size_t n, double* out)>;

/// A function registered from C++ with a declared signature (numeric or boolean parameters and
/// result), a cost weight (operations per row, for the static cost estimate) and its kernel.
struct HostFunction {
  std::string name;
  std::vector<Type> params;
  Type result = Type::number;
  double cost = 1;
  HostKernel kernel;
  std::string description;
};

/// Host functions visible to a compile. Names may not shadow a built-in function.
class FunctionRegistry {
public:
  /// Adds a function; throws std::invalid_argument for a bad name, a built-in's name, a
  /// duplicate, a string or null parameter/result type, a negative cost or a missing kernel.
  void add(HostFunction f);
  const HostFunction* find(std::string_view name) const;
  const std::vector<HostFunction>& functions() const noexcept { return functions_; }

private:
  std::vector<HostFunction> functions_;
};

/// Names of the built-in functions (docs/rules.md, "Functions").
std::span<const std::string_view> builtin_function_names() noexcept;

} // namespace kpiscore::dsl

#endif
