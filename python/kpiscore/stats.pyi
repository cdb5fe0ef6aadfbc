"""Stubs of kpiscore.stats (inference on KPIs and QA samples)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Optional, Union, overload

import numpy as np

Alternative = Literal["two-sided", "larger", "smaller"]
ProportionMethod = Literal["normal", "agresti_coull", "beta", "wilson", "jeffreys"]
ArrayLike = Union[float, int, Sequence[float], np.ndarray, Any]

def sample_size_proportion(
    p: float, margin: float, alpha: float = 0.05, population: Optional[int] = None
) -> int: ...
def margin_of_error(
    p: float, n: int, alpha: float = 0.05, population: Optional[int] = None
) -> float: ...
@overload
def proportion_confint(
    count: float,
    nobs: float,
    alpha: float = 0.05,
    method: ProportionMethod = "normal",
    alternative: Alternative = "two-sided",
) -> tuple[float, float]: ...
@overload
def proportion_confint(
    count: ArrayLike,
    nobs: ArrayLike,
    alpha: float = 0.05,
    method: ProportionMethod = "normal",
    alternative: Alternative = "two-sided",
) -> tuple[Any, Any]: ...
def proportions_ztest(
    count: ArrayLike,
    nobs: ArrayLike,
    value: Optional[float] = None,
    alternative: Alternative = "two-sided",
    prop_var: Union[bool, float] = False,
) -> tuple[float, float]: ...

class NpsConfint(NamedTuple):
    nps: float
    std_error: float
    lower: float
    upper: float
    degenerate: bool

def nps_confint(
    promoters: int, passives: int, detractors: int, alpha: float = 0.05
) -> NpsConfint: ...
def mean_confint(
    values: ArrayLike,
    alpha: float = 0.05,
    weights: Optional[ArrayLike] = None,
    alternative: Alternative = "two-sided",
) -> tuple[float, float]: ...
@dataclass(frozen=True)
class ControlChart:
    center: float
    sigma: float
    value: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    out_of_control: np.ndarray
    @property
    def out_of_control_points(self) -> np.ndarray: ...

def p_chart(defects: ArrayLike, sizes: ArrayLike, sigmas: float = 3.0) -> ControlChart: ...
def xbar_chart(
    means: ArrayLike,
    sizes: ArrayLike,
    std_devs: Optional[ArrayLike] = None,
    sigmas: float = 3.0,
    sigma: Optional[float] = None,
) -> ControlChart: ...

class SurveyEstimate(NamedTuple):
    estimate: float
    variance: float
    std_error: float

def ht_total(y: ArrayLike, pi: ArrayLike) -> SurveyEstimate: ...
def hajek_mean(y: ArrayLike, pi: ArrayLike) -> SurveyEstimate: ...
def stratified_total(y: ArrayLike, stratum: ArrayLike, population: ArrayLike) -> SurveyEstimate: ...
def stratified_mean(y: ArrayLike, stratum: ArrayLike, population: ArrayLike) -> SurveyEstimate: ...
def survey_confint(estimate: SurveyEstimate, alpha: float = 0.05) -> tuple[float, float]: ...

class BootstrapResult(NamedTuple):
    estimate: float
    lower: float
    upper: float
    bias_correction: float
    acceleration: float
    replicates: np.ndarray

def bootstrap_indices(n: int, n_resamples: int, seed: int) -> np.ndarray: ...
def bootstrap_confint(
    statistic: Callable[[np.ndarray], float],
    n: int,
    *,
    indices: Optional[ArrayLike] = None,
    n_resamples: int = 9999,
    seed: Optional[int] = None,
    alpha: float = 0.05,
    method: Literal["bca", "percentile"] = "bca",
) -> BootstrapResult: ...

class ShortfallRuns(NamedTuple):
    run_length: np.ndarray
    persistent: np.ndarray
    persistent_now: bool

def consecutive_shortfalls(
    values: ArrayLike,
    target: float,
    periods: int,
    direction: Literal["at_least", "at_most"] = "at_least",
) -> ShortfallRuns: ...

class TrendSlope(NamedTuple):
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
) -> TrendSlope: ...
