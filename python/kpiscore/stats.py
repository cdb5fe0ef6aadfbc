"""Inference on KPIs and QA samples (docs/statistics.md).

A typed façade over the compiled ``kpiscore._core.stats``: every number is computed in C++
(``include/kpiscore/stats/``), and every error is a ``ValueError`` carrying the C++ message.
Names, arguments and results follow statsmodels where statsmodels has the function
(``proportion_confint``, ``proportions_ztest``, ``DescrStatsW.tconfint_mean``): ``alpha`` is the
significance level everywhere (0.05 gives 95 % intervals) and ``alternative`` is one of
``"two-sided"``, ``"larger"``, ``"smaller"``.

>>> from kpiscore import stats
>>> [round(b, 4) for b in stats.proportion_confint(81, 263, method="wilson")]
[0.2553, 0.3662]
>>> stats.sample_size_proportion(0.5, 0.05)
385
>>> stats.sample_size_proportion(0.5, 0.05, population=1000)
278
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Optional, Union

import numpy as np

from ._core import stats as _st

__all__ = [
    "BootstrapResult",
    "ControlChart",
    "NpsConfint",
    "ShortfallRuns",
    "SurveyEstimate",
    "TrendSlope",
    "bootstrap_confint",
    "bootstrap_indices",
    "consecutive_shortfalls",
    "hajek_mean",
    "ht_total",
    "margin_of_error",
    "mean_confint",
    "nps_confint",
    "p_chart",
    "proportion_confint",
    "proportions_ztest",
    "sample_size_proportion",
    "stratified_mean",
    "stratified_total",
    "survey_confint",
    "trend_slope",
    "xbar_chart",
]

Alternative = Literal["two-sided", "larger", "smaller"]
ProportionMethod = Literal["normal", "agresti_coull", "beta", "wilson", "jeffreys"]
ArrayLike = Union[float, int, Sequence[float], np.ndarray, Any]


def _is_pandas(x: object) -> bool:
    return type(x).__module__.split(".")[0] == "pandas"


def sample_size_proportion(
    p: float, margin: float, alpha: float = 0.05, population: Optional[int] = None
) -> int:
    """Cochran's sample size to estimate a proportion ``p`` within ``± margin`` at confidence
    ``1 - alpha``: ``n0 = z² p (1 - p) / margin²`` and, with a ``population`` of N units, the
    finite-population correction ``n = n0 / (1 + (n0 - 1) / N)`` applied to the unrounded n0;
    rounded up once at the end (Cochran 1977, sec. 4.4-4.5).

    Raises:
        ValueError: ``p`` outside [0, 1], ``margin`` not positive, ``alpha`` outside (0, 1),
            ``population`` < 1.
        OverflowError: the size does not fit in a 64-bit integer.
    """
    return int(
        _st.sample_size_proportion(
            float(p), float(margin), float(alpha), None if population is None else int(population)
        )
    )


def margin_of_error(
    p: float, n: int, alpha: float = 0.05, population: Optional[int] = None
) -> float:
    """Half-width of the Wald interval that ``n`` sampled units support for a proportion ``p``:
    ``z sqrt(p (1 - p) / n)``, times ``sqrt((N - n) / (N - 1))`` with a ``population`` N
    (0 for a census)."""
    return float(
        _st.margin_of_error(
            float(p), int(n), float(alpha), None if population is None else int(population)
        )
    )


def proportion_confint(
    count: ArrayLike,
    nobs: ArrayLike,
    alpha: float = 0.05,
    method: ProportionMethod = "normal",
    alternative: Alternative = "two-sided",
) -> tuple[Any, Any]:
    """Confidence interval for a binomial proportion, as
    ``statsmodels.stats.proportion.proportion_confint`` (0.15) computes it, clipping and
    boundary handling included.

    Args:
        count: successes (scalar, array or pandas Series / DataFrame; may be fractional).
        nobs: trials (broadcast against ``count``; > 0 and >= ``count``).
        alpha: significance level in (0, 1).
        method: ``"normal"`` (Wald; statsmodels' default), ``"agresti_coull"``, ``"beta"``
            (Clopper-Pearson), ``"wilson"`` or ``"jeffreys"``. statsmodels' ``"binom_test"`` is
            not offered.
        alternative: ``"two-sided"``; ``"larger"`` returns (0, upper) and ``"smaller"``
            (lower, 1) at the one-sided level ``alpha``, statsmodels' convention.

    Returns:
        ``(lower, upper)``: floats for scalar input, arrays of the broadcast shape otherwise
        (pandas objects keep ``count``'s index).

    Raises:
        ValueError: ``nobs`` not positive, ``count`` outside [0, nobs], bad ``alpha``, method
            or alternative.
    """
    scalar = bool(np.isscalar(count) and np.isscalar(nobs))
    c, n = np.broadcast_arrays(np.asarray(count, dtype=float), np.asarray(nobs, dtype=float))
    lo, hi = _st.proportion_confint(
        np.ascontiguousarray(c).ravel(), np.ascontiguousarray(n).ravel(), float(alpha), method,
        alternative,
    )
    lo, hi = lo.reshape(c.shape), hi.reshape(c.shape)
    if scalar:
        return float(lo), float(hi)
    if _is_pandas(count):
        container = type(count)
        if hasattr(count, "columns"):
            return (container(lo, index=count.index, columns=count.columns),
                    container(hi, index=count.index, columns=count.columns))
        return container(lo, index=count.index), container(hi, index=count.index)
    return lo, hi


def proportions_ztest(
    count: ArrayLike,
    nobs: ArrayLike,
    value: Optional[float] = None,
    alternative: Alternative = "two-sided",
    prop_var: Union[bool, float] = False,
) -> tuple[float, float]:
    """z-test for one or two proportions, ``statsmodels.stats.proportion.proportions_ztest``:
    two samples use the pooled proportion ``(c1 + c2) / (n1 + n2)`` in the variance; one sample
    needs ``value`` and uses the sample proportion; ``prop_var`` (a proportion) replaces either.

    Returns:
        ``(zstat, pvalue)``; both NaN when every observation is a success (or every one a
        failure), as in statsmodels.
    """
    c = np.atleast_1d(np.asarray(count, dtype=float)).ravel().tolist()
    n = np.atleast_1d(np.asarray(nobs, dtype=float)).ravel().tolist()
    pv = None if (prop_var is False or prop_var is None or prop_var == 0) else float(prop_var)
    z, p = _st.proportions_ztest(c, n, None if value is None else float(value), alternative, pv)
    return float(z), float(p)


class NpsConfint(NamedTuple):
    """NPS on the -100..100 scale with its trinomial standard error and Wald interval."""

    nps: float
    std_error: float
    lower: float
    upper: float
    #: every answer in one class: a zero standard error and a point interval
    degenerate: bool


def nps_confint(
    promoters: int, passives: int, detractors: int, alpha: float = 0.05
) -> NpsConfint:
    """NPS = 100 (P - D) / n with SE = 100 sqrt((p + d - (p - d)²) / n) (the trinomial
    variance, Rocks 2016) and the interval NPS ± z SE clipped to [-100, 100]."""
    return NpsConfint(*_st.nps_confint(int(promoters), int(passives), int(detractors),
                                       float(alpha)))


def mean_confint(
    values: ArrayLike,
    alpha: float = 0.05,
    weights: Optional[ArrayLike] = None,
    alternative: Alternative = "two-sided",
) -> tuple[float, float]:
    """t interval for a (frequency-weighted) mean, as
    ``statsmodels.stats.weightstats.DescrStatsW(values, weights).tconfint_mean(alpha,
    alternative)``: ``mean ∓ t(1 - alpha/2, W - 1) sqrt(SS / W) / sqrt(W - 1)`` with W the total
    weight. A total weight of 1 or less gives NaN bounds (statsmodels too).

    Returns:
        ``(lower, upper)``; a one-sided interval has an infinite bound.
    """
    v = np.asarray(values, dtype=float).ravel()
    w = None if weights is None else np.asarray(weights, dtype=float).ravel()
    _, _, _, lo, hi = _st.mean_confint(v, float(alpha), w, alternative)
    return float(lo), float(hi)


@dataclass(frozen=True)
class ControlChart:
    """A Shewhart chart: the centre line, the sigma used, and per point its value, limits and
    whether it lies strictly outside them."""

    center: float
    sigma: float
    value: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    out_of_control: np.ndarray

    @property
    def out_of_control_points(self) -> np.ndarray:
        """Indices of the points outside their limits."""
        return np.flatnonzero(self.out_of_control)


def p_chart(defects: ArrayLike, sizes: ArrayLike, sigmas: float = 3.0) -> ControlChart:
    """p chart with per-point limits: centre ``pbar = Σd / Σn``, limits
    ``pbar ± sigmas sqrt(pbar (1 - pbar) / n_i)`` with the lower limit clipped at 0 and the
    upper at 1 (Montgomery 2009, sec. 7.2)."""
    d = np.asarray(defects, dtype=np.int64).ravel()
    n = np.asarray(sizes, dtype=np.int64).ravel()
    return ControlChart(*_st.p_chart(d, n, float(sigmas)))


def xbar_chart(
    means: ArrayLike,
    sizes: ArrayLike,
    std_devs: Optional[ArrayLike] = None,
    sigmas: float = 3.0,
    sigma: Optional[float] = None,
) -> ControlChart:
    """x-bar chart of subgroup means (e.g. QA scores per agent-day): centre ``Σ n x̄ / Σ n``,
    pooled ``s̄`` from the subgroup standard deviations (ddof 1) and limits
    ``± sigmas s̄ / (c4(n_i) sqrt(n_i))`` (Montgomery 2009, sec. 6.3.2); with a known ``sigma``
    the limits are ``± sigmas sigma / sqrt(n_i)`` and ``std_devs`` may be omitted."""
    m = np.asarray(means, dtype=float).ravel()
    n = np.asarray(sizes, dtype=np.int64).ravel()
    s = None if std_devs is None else np.asarray(std_devs, dtype=float).ravel()
    return ControlChart(*_st.xbar_chart(m, n, s, float(sigmas),
                                        None if sigma is None else float(sigma)))


class SurveyEstimate(NamedTuple):
    """A design-based estimate with its estimated variance and standard error."""

    estimate: float
    variance: float
    std_error: float


def ht_total(y: ArrayLike, pi: ArrayLike) -> SurveyEstimate:
    """Horvitz-Thompson total ``Σ y / π`` of a Poisson (or Bernoulli) sample with its exactly
    unbiased variance estimate ``Σ (1 - π) y² / π²``; ``pi`` are the inclusion probabilities of
    the sampled units."""
    return SurveyEstimate(*_st.ht_total_poisson(np.asarray(y, dtype=float).ravel(),
                                                np.asarray(pi, dtype=float).ravel()))


def hajek_mean(y: ArrayLike, pi: ArrayLike) -> SurveyEstimate:
    """Hájek mean ``Σ (y / π) / Σ (1 / π)`` of a Poisson sample (a pass rate for 0/1 ``y``) with
    its linearization variance ``Σ (1 - π) ((y - ȳ) / π)² / N̂²``."""
    return SurveyEstimate(*_st.hajek_mean_poisson(np.asarray(y, dtype=float).ravel(),
                                                  np.asarray(pi, dtype=float).ravel()))


def stratified_total(y: ArrayLike, stratum: ArrayLike, population: ArrayLike) -> SurveyEstimate:
    """Stratified SRSWOR total ``Σ N_h ȳ_h`` with variance ``Σ N_h² (1 - n_h/N_h) s_h² / n_h``
    (Cochran 1977, ch. 5). ``stratum[k]`` indexes ``population`` (the N_h)."""
    return SurveyEstimate(*_st.stratified_total(
        np.asarray(y, dtype=float).ravel(), np.asarray(stratum, dtype=np.int64).ravel(),
        np.asarray(population, dtype=np.int64).ravel()))


def stratified_mean(y: ArrayLike, stratum: ArrayLike, population: ArrayLike) -> SurveyEstimate:
    """:func:`stratified_total` divided by N = Σ N_h (variance by N²)."""
    return SurveyEstimate(*_st.stratified_mean(
        np.asarray(y, dtype=float).ravel(), np.asarray(stratum, dtype=np.int64).ravel(),
        np.asarray(population, dtype=np.int64).ravel()))


def survey_confint(estimate: SurveyEstimate, alpha: float = 0.05) -> tuple[float, float]:
    """The normal interval ``estimate ± z(1 - alpha/2) std_error``."""
    return _st.survey_confint(estimate.estimate, estimate.std_error, float(alpha))


class BootstrapResult(NamedTuple):
    """A bootstrap interval with the statistic on the sample and on every resample."""

    estimate: float
    lower: float
    upper: float
    #: z0 (BCa only)
    bias_correction: float
    #: a (BCa only)
    acceleration: float
    replicates: np.ndarray


def bootstrap_indices(n: int, n_resamples: int, seed: int) -> np.ndarray:
    """``(n_resamples, n)`` resample indices drawn uniformly with replacement from a seed
    (SplitMix64 with Lemire's bounded integers: the same matrix on every platform)."""
    return _st.bootstrap_indices(int(n), int(n_resamples), int(seed))


def bootstrap_confint(
    statistic: Callable[[np.ndarray], float],
    n: int,
    *,
    indices: Optional[ArrayLike] = None,
    n_resamples: int = 9999,
    seed: Optional[int] = None,
    alpha: float = 0.05,
    method: Literal["bca", "percentile"] = "bca",
) -> BootstrapResult:
    """Bootstrap interval of ``statistic`` over ``n`` units (e.g. a composite score of a QA
    sample). ``statistic`` receives the int64 indices of a (re)sample and returns a number.

    The resamples are ``indices`` (an ``(B, n)`` integer matrix) when given, otherwise
    :func:`bootstrap_indices` ``(n, n_resamples, seed)`` — a seed is then required, so every
    result is reproducible. ``method`` ``"bca"`` (Efron 1987; z0 and quantiles as
    ``scipy.stats.bootstrap``) or ``"percentile"``.
    """
    if indices is None:
        if seed is None:
            raise ValueError("bootstrap_confint: seed is required when indices are not given")
        idx = bootstrap_indices(n, n_resamples, seed)
    else:
        idx = np.ascontiguousarray(np.asarray(indices, dtype=np.int64))

    def call(i: np.ndarray) -> float:
        return float(statistic(i))

    return BootstrapResult(*_st.bootstrap_confint(int(n), call, idx, float(alpha), method))


class ShortfallRuns(NamedTuple):
    """Runs of periods on the wrong side of a target."""

    #: shortfall periods in a row ending at each period
    run_length: np.ndarray
    #: the period belongs to a run of at least ``periods``
    persistent: np.ndarray
    #: the last period ends such a run
    persistent_now: bool


def consecutive_shortfalls(
    values: ArrayLike,
    target: float,
    periods: int,
    direction: Literal["at_least", "at_most"] = "at_least",
) -> ShortfallRuns:
    """Which periods are part of ``periods`` or more consecutive shortfalls (the manuals'
    "below target for 2 consecutive months"). ``direction="at_least"``: a value below the target
    falls short; ``"at_most"``: a value above it. A value at the target meets it; NaN (no data)
    breaks a run."""
    return ShortfallRuns(*_st.consecutive_shortfalls(np.asarray(values, dtype=float).ravel(),
                                                     float(target), int(periods), direction))


class TrendSlope(NamedTuple):
    """Least-squares slope over the last k periods with its t interval."""

    slope: float
    intercept: float
    std_error: float
    dof: float
    lower: float
    upper: float


def trend_slope(
    values: ArrayLike,
    k: Optional[int] = None,
    alpha: float = 0.05,
    x: Optional[ArrayLike] = None,
) -> TrendSlope:
    """OLS slope of the last ``k`` values (all by default) against ``x`` (default the period
    numbers 0, 1, …), with ``SE = sqrt(SSE / (k - 2) / Sxx)`` and the interval
    ``slope ∓ t(1 - alpha/2, k - 2) SE`` (NaN for k = 2), as ``scipy.stats.linregress`` gives
    the slope and its standard error."""
    v = np.asarray(values, dtype=float).ravel()
    xs = None if x is None else np.asarray(x, dtype=float).ravel()
    return TrendSlope(*_st.trend_slope(v, len(v) if k is None else int(k), float(alpha), xs))
