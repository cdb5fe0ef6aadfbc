// Python bindings of kpiscore/stats.hpp: the submodule kpiscore._core.stats.
// Thin by design: every computation and every error message comes from the C++ library
// (std::invalid_argument surfaces as ValueError, the sample-size overflow as OverflowError).
// Results are plain tuples and NumPy arrays; the typed façade python/kpiscore/stats.py wraps
// them in named results and adds statsmodels' scalar / array conventions.

#include "bindings.hpp"

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "kpiscore/stats.hpp"

namespace py = pybind11;
namespace st = kpiscore::stats;

namespace {

using doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
using int64s = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

std::span<const double> span_of(const doubles& a) {
  if (a.ndim() > 1) throw std::invalid_argument("expected a one-dimensional array");
  return {a.data(), static_cast<std::size_t>(a.size())};
}

std::span<const std::int64_t> span_of(const int64s& a) {
  if (a.ndim() > 1) throw std::invalid_argument("expected a one-dimensional array");
  return {a.data(), static_cast<std::size_t>(a.size())};
}

template <class T> py::array_t<T> to_array(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

py::array_t<bool> to_bool_array(const std::vector<bool>& v) {
  py::array_t<bool> out(static_cast<py::ssize_t>(v.size()));
  bool* p = out.mutable_data();
  for (std::size_t i = 0; i < v.size(); ++i)
    p[i] = v[i];
  return out;
}

py::tuple confint_arrays(const doubles& count, const doubles& nobs, double alpha,
                         const std::string& method, const std::string& alternative) {
  const auto c = span_of(count), n = span_of(nobs);
  if (c.size() != n.size())
    throw std::invalid_argument("proportion_confint: count and nobs must have the same size");
  const auto m = st::parse_proportion_method(method);
  const auto alt = st::parse_alternative(alternative);
  py::array_t<double> lo(static_cast<py::ssize_t>(c.size())),
      hi(static_cast<py::ssize_t>(c.size()));
  double* pl = lo.mutable_data();
  double* ph = hi.mutable_data();
  {
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const auto ci = st::proportion_confint(c[i], n[i], alpha, m, alt);
      pl[i] = ci.lower;
      ph[i] = ci.upper;
    }
  }
  return py::make_tuple(lo, hi);
}

py::tuple chart_tuple(const st::ControlChart& c) {
  std::vector<double> value, lcl, ucl;
  std::vector<bool> out;
  for (const auto& p : c.points) {
    value.push_back(p.value);
    lcl.push_back(p.lcl);
    ucl.push_back(p.ucl);
    out.push_back(p.out_of_control);
  }
  return py::make_tuple(c.center, c.sigma, to_array(value), to_array(lcl), to_array(ucl),
                        to_bool_array(out));
}

py::tuple estimate_tuple(const st::SurveyEstimate& e) {
  return py::make_tuple(e.estimate, e.variance, e.std_error);
}

void register_stats(py::module_& m) {
  py::module_ s = m.def_submodule(
      "stats", "Inference on KPIs and QA samples (docs/statistics.md); use kpiscore.stats.");

  s.def("normal_cdf", &st::normal_cdf, py::arg("x"));
  s.def("normal_ppf", &st::normal_quantile, py::arg("p"));
  s.def("student_t_ppf", &st::student_t_quantile, py::arg("p"), py::arg("df"));
  s.def("beta_ppf", &st::beta_quantile, py::arg("p"), py::arg("a"), py::arg("b"));
  s.def("chi2_sf", &st::chi_squared_sf, py::arg("x"), py::arg("df"));

  s.def(
      "sample_size_proportion",
      [](double p, double margin, double alpha, std::optional<std::int64_t> population) {
        try {
          return st::sample_size_proportion(p, margin, alpha, population);
        } catch (const std::out_of_range& e) {
          PyErr_SetString(PyExc_OverflowError, e.what());
          throw py::error_already_set();
        }
      },
      py::arg("p"), py::arg("margin"), py::arg("alpha") = 0.05, py::arg("population") = py::none());
  s.def("margin_of_error", &st::margin_of_error, py::arg("p"), py::arg("n"),
        py::arg("alpha") = 0.05, py::arg("population") = py::none());

  s.def("proportion_confint", &confint_arrays, py::arg("count"), py::arg("nobs"), py::arg("alpha"),
        py::arg("method"), py::arg("alternative"),
        "Vectorized over equally sized 1-d float64 arrays; returns (lower, upper) arrays.");

  s.def(
      "proportions_ztest",
      [](const std::vector<double>& count, const std::vector<double>& nobs,
         std::optional<double> value, const std::string& alternative,
         std::optional<double> prop_var) {
        const auto r =
            st::proportions_ztest(count, nobs, value, st::parse_alternative(alternative), prop_var);
        return py::make_tuple(r.statistic, r.pvalue);
      },
      py::arg("count"), py::arg("nobs"), py::arg("value"), py::arg("alternative"),
      py::arg("prop_var"));

  s.def(
      "nps_confint",
      [](std::int64_t p, std::int64_t a, std::int64_t d, double alpha) {
        const auto r = st::nps_confint(p, a, d, alpha);
        return py::make_tuple(r.nps, r.std_error, r.interval.lower, r.interval.upper, r.degenerate);
      },
      py::arg("promoters"), py::arg("passives"), py::arg("detractors"), py::arg("alpha"));

  s.def(
      "mean_confint",
      [](const doubles& values, double alpha, std::optional<doubles> weights,
         const std::string& alternative) {
        const auto r = st::mean_confint(span_of(values), alpha,
                                        weights ? span_of(*weights) : std::span<const double>{},
                                        st::parse_alternative(alternative));
        return py::make_tuple(r.mean, r.std_mean, r.dof, r.interval.lower, r.interval.upper);
      },
      py::arg("values"), py::arg("alpha"), py::arg("weights"), py::arg("alternative"));

  s.def(
      "mean_confint_from_sums",
      [](std::int64_t n, std::int64_t sum, const py::int_& sum_sq, double alpha, double scale) {
        // Python ints are unbounded: pass the 128-bit sum of squares as two 64-bit halves.
        const py::object mask = py::int_(0xFFFFFFFFFFFFFFFFULL);
        const auto lo = sum_sq.attr("__and__")(mask).cast<std::uint64_t>();
        const py::object high = sum_sq.attr("__rshift__")(64);
        const auto hi = high.cast<std::int64_t>();
        const kpiscore::int128_t sq =
            (static_cast<kpiscore::int128_t>(hi) << 64) | static_cast<kpiscore::int128_t>(lo);
        const auto r = st::mean_confint_from_sums(n, sum, sq, alpha, scale);
        return py::make_tuple(r.mean, r.std_mean, r.dof, r.interval.lower, r.interval.upper);
      },
      py::arg("n"), py::arg("sum"), py::arg("sum_sq"), py::arg("alpha"), py::arg("scale"));

  s.def(
      "p_chart",
      [](const int64s& defects, const int64s& sizes, double sigmas) {
        return chart_tuple(st::p_chart(span_of(defects), span_of(sizes), sigmas));
      },
      py::arg("defects"), py::arg("sizes"), py::arg("sigmas"));
  s.def(
      "xbar_chart",
      [](const doubles& means, const int64s& sizes, std::optional<doubles> std_devs, double sigmas,
         std::optional<double> sigma) {
        return chart_tuple(st::xbar_chart(span_of(means), span_of(sizes),
                                          std_devs ? span_of(*std_devs) : std::span<const double>{},
                                          sigmas, sigma));
      },
      py::arg("means"), py::arg("sizes"), py::arg("std_devs"), py::arg("sigmas"), py::arg("sigma"));
  s.def("c4", &st::c4, py::arg("n"));

  s.def(
      "ht_total_poisson",
      [](const doubles& y, const doubles& pi) {
        return estimate_tuple(st::ht_total_poisson(span_of(y), span_of(pi)));
      },
      py::arg("y"), py::arg("pi"));
  s.def(
      "hajek_mean_poisson",
      [](const doubles& y, const doubles& pi) {
        return estimate_tuple(st::hajek_mean_poisson(span_of(y), span_of(pi)));
      },
      py::arg("y"), py::arg("pi"));
  s.def(
      "stratified_total",
      [](const doubles& y, const int64s& stratum, const int64s& population) {
        return estimate_tuple(
            st::stratified_total(span_of(y), span_of(stratum), span_of(population)));
      },
      py::arg("y"), py::arg("stratum"), py::arg("population"));
  s.def(
      "stratified_mean",
      [](const doubles& y, const int64s& stratum, const int64s& population) {
        return estimate_tuple(
            st::stratified_mean(span_of(y), span_of(stratum), span_of(population)));
      },
      py::arg("y"), py::arg("stratum"), py::arg("population"));

  s.def(
      "survey_confint",
      [](double estimate, double std_error, double alpha) {
        const auto ci = st::survey_confint(
            st::SurveyEstimate{estimate, std_error * std_error, std_error}, alpha);
        return py::make_tuple(ci.lower, ci.upper);
      },
      py::arg("estimate"), py::arg("std_error"), py::arg("alpha"));

  s.def(
      "bootstrap_indices",
      [](std::int64_t n, std::int64_t resamples, std::uint64_t seed) {
        std::vector<std::int64_t> v;
        {
          py::gil_scoped_release release;
          v = st::bootstrap_indices(n, resamples, seed);
        }
        py::array_t<std::int64_t> out({resamples, n});
        std::copy(v.begin(), v.end(), out.mutable_data());
        return out;
      },
      py::arg("n"), py::arg("resamples"), py::arg("seed"));
  s.def(
      "bootstrap_confint",
      [](std::int64_t n, const py::function& statistic, const int64s& indices, double alpha,
         const std::string& method) {
        const auto stat = [&](std::span<const std::int64_t> idx) {
          py::array_t<std::int64_t> a(static_cast<py::ssize_t>(idx.size()));
          std::copy(idx.begin(), idx.end(), a.mutable_data());
          return statistic(a).cast<double>();
        };
        const auto r = st::bootstrap_confint(
            n, stat,
            std::span<const std::int64_t>(indices.data(), static_cast<std::size_t>(indices.size())),
            alpha, st::parse_bootstrap_method(method));
        return py::make_tuple(r.estimate, r.interval.lower, r.interval.upper, r.bias_correction,
                              r.acceleration, to_array(r.replicates));
      },
      py::arg("n"), py::arg("statistic"), py::arg("indices"), py::arg("alpha"), py::arg("method"));
  s.def(
      "quantile_linear",
      [](const doubles& values, double p) { return st::quantile_linear(span_of(values), p); },
      py::arg("values"), py::arg("p"));

  s.def(
      "consecutive_shortfalls",
      [](const doubles& values, double target, std::size_t periods, const std::string& direction) {
        st::TargetDirection d = st::TargetDirection::at_least;
        if (direction == "at_most")
          d = st::TargetDirection::at_most;
        else if (direction != "at_least")
          throw std::invalid_argument("direction: expected one of at_least, at_most, got '" +
                                      direction + "'");
        const auto r = st::consecutive_shortfalls(span_of(values), target, periods, d);
        std::vector<std::int64_t> runs(r.run_length.begin(), r.run_length.end());
        return py::make_tuple(to_array(runs), to_bool_array(r.persistent), r.persistent_now);
      },
      py::arg("values"), py::arg("target"), py::arg("periods"), py::arg("direction"));
  s.def(
      "trend_slope",
      [](const doubles& values, std::size_t k, double alpha, std::optional<doubles> x) {
        const auto r =
            st::trend_slope(span_of(values), k, alpha, x ? span_of(*x) : std::span<const double>{});
        return py::make_tuple(r.slope, r.intercept, r.std_error, r.dof, r.interval.lower,
                              r.interval.upper);
      },
      py::arg("values"), py::arg("k"), py::arg("alpha"), py::arg("x"));
}

const kpiscore::python::BindingsRegistration registration{60, &register_stats};

} // namespace
