// Text columns for kpiscore.read (python/kpiscore/_input.py): integer contact ids written as
// decimal text in one pass, as Arrow-style (offsets, bytes), instead of a Python str per row.
// The text is exactly numpy's astype(str) and Python's str(): the shortest decimal, a leading
// '-' for negatives, no padding (std::to_chars).

#include "bindings.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <charconv>
#include <cstdint>
#include <type_traits>

namespace py = pybind11;

namespace {

/// Characters of v's decimal text: the digits of its magnitude (found by comparisons, not
/// divisions) and a '-' for a negative.
template <class T> unsigned digits(T v) {
  using U = std::make_unsigned_t<T>;
  static constexpr std::uint64_t pow10[] = {10ULL,
                                            100ULL,
                                            1000ULL,
                                            10000ULL,
                                            100000ULL,
                                            1000000ULL,
                                            10000000ULL,
                                            100000000ULL,
                                            1000000000ULL,
                                            10000000000ULL,
                                            100000000000ULL,
                                            1000000000000ULL,
                                            10000000000000ULL,
                                            100000000000000ULL,
                                            1000000000000000ULL,
                                            10000000000000000ULL,
                                            100000000000000000ULL,
                                            1000000000000000000ULL,
                                            10000000000000000000ULL};
  U u = static_cast<U>(v);
  unsigned sign = 0;
  if constexpr (std::is_signed_v<T>) {
    if (v < 0) {
      u = static_cast<U>(U{0} - u); // two's complement magnitude, also of the minimum
      sign = 1;
    }
  }
  unsigned d = 1;
  while (d < 20 && static_cast<std::uint64_t>(u) >= pow10[d - 1])
    ++d;
  return d + sign;
}

/// Two passes, so the bytes are written once into an array of the exact size: the lengths, then
/// the digits.
template <class T> py::tuple decimal_text(const py::array_t<T, py::array::c_style>& values) {
  const auto n = static_cast<std::size_t>(values.size());
  const T* v = values.data();
  py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(n + 1));
  std::int64_t* off = offsets.mutable_data();
  {
    py::gil_scoped_release release;
    off[0] = 0;
    for (std::size_t i = 0; i < n; ++i)
      off[i + 1] = off[i] + digits(v[i]);
  }
  py::array_t<std::uint8_t> bytes(static_cast<py::ssize_t>(off[n]));
  char* out = reinterpret_cast<char*>(bytes.mutable_data());
  {
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < n; ++i)
      std::to_chars(out + off[i], out + off[i + 1], v[i]);
  }
  return py::make_tuple(offsets, bytes);
}

void register_text(py::module_& m) {
  py::module_ t = m.def_submodule("text", "Text columns for kpiscore.read (private)");
  t.def("decimal_int64", &decimal_text<std::int64_t>, py::arg("values"),
        "Decimal text of int64 values as (offsets int64[n + 1], bytes uint8).");
  t.def("decimal_uint64", &decimal_text<std::uint64_t>, py::arg("values"),
        "Decimal text of uint64 values as (offsets int64[n + 1], bytes uint8).");
}

const kpiscore::python::BindingsRegistration registration{5, &register_text};

} // namespace
