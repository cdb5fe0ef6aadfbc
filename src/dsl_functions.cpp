#include <kpiscore/dsl/functions.hpp>

#include <array>
#include <cctype>
#include <stdexcept>

namespace kpiscore::dsl {
namespace {
constexpr std::array<std::string_view, 16> builtins{
    "min",   "max",   "clamp",       "abs",       "round",    "floor", "ceil", "coalesce",
    "lower", "upper", "starts_with", "ends_with", "contains", "count", "sum",  "mean"};
} // namespace

std::span<const std::string_view> builtin_function_names() noexcept {
  return builtins;
}

void FunctionRegistry::add(HostFunction f) {
  auto bad = [&](const std::string& why) {
    throw std::invalid_argument("host function '" + f.name + "': " + why);
  };
  if (f.name.empty() || !(std::isalpha(static_cast<unsigned char>(f.name[0])) || f.name[0] == '_'))
    bad("expected a name of letters, digits and _");
  for (char c : f.name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      bad("expected a name of letters, digits and _");
  for (auto b : builtins)
    if (b == f.name) bad("shadows a built-in function");
  if (find(f.name)) bad("registered twice");
  auto ok_type = [](Type t) { return t != Type::string && t != Type::null; };
  for (Type t : f.params)
    if (!ok_type(t)) bad("parameters must be numeric or bool");
  if (!ok_type(f.result)) bad("the result must be numeric or bool");
  if (!(f.cost >= 0)) bad("cost weight must be >= 0");
  if (!f.kernel) bad("missing kernel");
  functions_.push_back(std::move(f));
}

const HostFunction* FunctionRegistry::find(std::string_view name) const {
  for (const auto& f : functions_)
    if (f.name == name) return &f;
  return nullptr;
}

} // namespace kpiscore::dsl
