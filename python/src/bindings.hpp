#ifndef KPISCORE_PYTHON_BINDINGS_HPP
#define KPISCORE_PYTHON_BINDINGS_HPP

#include <pybind11/pybind11.h>

#include <functional>
#include <utility>
#include <vector>

namespace kpiscore::python {

// Each python/src/<concept>_bindings.cpp registers itself with a static `BindingsRegistration`;
// module.cpp runs every registration when kpiscore._core is imported. New concepts add a file,
// not a line in module.cpp (the same pattern as the CLI's subcommands).
using RegisterFunction = void (*)(pybind11::module_&);

inline std::vector<std::pair<int, RegisterFunction>>& binding_registrations() {
  static std::vector<std::pair<int, RegisterFunction>> registrations;
  return registrations;
}

struct BindingsRegistration {
  // `order`: lower runs first (types other bindings use, such as exceptions and states, go first).
  BindingsRegistration(int order, RegisterFunction function) {
    binding_registrations().emplace_back(order, function);
  }
};

} // namespace kpiscore::python

#endif
