"""kpiscore.stats against statsmodels 0.15 and scipy: every method on ordinary and edge inputs
(0 of n, n of n, n = 1, n = 10^9), to 1e-9 relative.

statsmodels and scipy are test-only dependencies. Where neither has the function (NPS, survey
estimators, control charts, sample size) the reference is an independent NumPy transcription of
the published formula, and exact design expectations are checked by enumeration.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats as sps
from statsmodels.stats.proportion import proportion_confint as sm_confint
from statsmodels.stats.proportion import proportions_ztest as sm_ztest
from statsmodels.stats.weightstats import DescrStatsW

import kpiscore
from kpiscore import stats

REL = 1e-9
REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "examples" / "data" / "contacts.csv"


def close(got: float, want: float, rel: float = REL, abs_: float = 1e-15) -> bool:
    """Relative agreement; values that are mathematically 0 or 1 (boundary bounds) may differ by
    a few ulps in both implementations."""
    if np.isnan(want):
        return bool(np.isnan(got))
    if np.isinf(want):
        return bool(got == want)
    return abs(got - want) <= rel * abs(want) + abs_


METHODS = ["normal", "agresti_coull", "beta", "wilson", "jeffreys"]
CASES = [(0, 10), (10, 10), (0, 1), (1, 1), (7, 23), (81, 263), (2.5, 7), (1, 29), (499, 500),
         (123_456_789, 1_000_000_000), (0, 1_000_000_000), (1_000_000_000, 1_000_000_000),
         (3, 1_000_000_000)]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.01, 0.3])
@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
def test_proportion_confint_matches_statsmodels(method: str, alpha: float, alternative: str) -> None:
    for count, nobs in CASES:
        lo, hi = stats.proportion_confint(count, nobs, alpha, method, alternative)
        want_lo, want_hi = sm_confint(count, nobs, alpha=alpha, method=method,
                                      alternative=alternative)
        assert isinstance(lo, float) and isinstance(hi, float)
        assert close(lo, want_lo), (count, nobs, lo, want_lo)
        assert close(hi, want_hi), (count, nobs, hi, want_hi)


@pytest.mark.parametrize("method", METHODS)
def test_proportion_confint_arrays_and_pandas(method: str) -> None:
    counts = np.array([0, 3, 17, 40, 40])
    nobs = 40
    lo, hi = stats.proportion_confint(counts, nobs, method=method)
    want_lo, want_hi = sm_confint(counts, nobs, method=method)
    assert lo.shape == hi.shape == (5,)
    np.testing.assert_allclose(lo, want_lo, rtol=REL, atol=1e-15)
    np.testing.assert_allclose(hi, want_hi, rtol=REL, atol=1e-15)
    grid_lo, _ = stats.proportion_confint(np.arange(4).reshape(2, 2), np.array([[5], [9]]),
                                          method=method)
    assert grid_lo.shape == (2, 2)
    series = pd.Series([1, 5, 9], index=["a", "b", "c"])
    s_lo, s_hi = stats.proportion_confint(series, 10, method=method)
    w_lo, w_hi = sm_confint(series, 10, method=method)
    assert list(s_lo.index) == ["a", "b", "c"]
    pd.testing.assert_series_equal(s_lo, w_lo, rtol=REL)
    pd.testing.assert_series_equal(s_hi, w_hi, rtol=REL)


def test_proportion_confint_errors() -> None:
    with pytest.raises(ValueError, match=r"^proportion_confint: nobs must be positive and finite, got 0$"):
        stats.proportion_confint(0, 0)
    with pytest.raises(ValueError, match=r"count must be in \[0, nobs\] \(nobs = 10\), got 11"):
        stats.proportion_confint(11, 10)
    with pytest.raises(ValueError, match="method: expected one of normal, agresti_coull, beta, "
                                         "wilson, jeffreys, got 'binom_test'"):
        stats.proportion_confint(1, 10, method="binom_test")  # type: ignore[arg-type]


ZCASES = [
    ([5, 12], [83, 99], None, "two-sided", False),
    ([5, 12], [83, 99], None, "larger", False),
    ([5, 12], [83, 99], None, "smaller", False),
    ([5, 12], [83, 99], 0.01, "two-sided", False),
    ([5, 12], 90, None, "two-sided", False),
    ([5, 12], [83, 99], None, "two-sided", 0.1),
    ([0, 3], [50, 60], None, "two-sided", False),
    ([1, 0], [1, 1], None, "two-sided", False),
    ([123_456_789, 123_400_000], [10**9, 10**9], None, "two-sided", False),
    (5, 83, 0.05, "two-sided", False),
    (5, 83, 0.05, "smaller", False),
    (0, 1, 0.5, "two-sided", 0.5),
]


@pytest.mark.parametrize("count,nobs,value,alternative,prop_var", ZCASES)
def test_proportions_ztest_matches_statsmodels(count, nobs, value, alternative, prop_var) -> None:
    z, p = stats.proportions_ztest(count, nobs, value, alternative, prop_var)
    wz, wp = sm_ztest(np.asarray(count), np.asarray(nobs), value=value, alternative=alternative,
                      prop_var=prop_var)
    assert close(z, float(np.squeeze(wz))) and close(p, float(np.squeeze(wp)))


def test_proportions_ztest_zero_variance_is_nan_like_statsmodels() -> None:
    z, p = stats.proportions_ztest([40, 30], [40, 30])
    with np.errstate(all="ignore"):
        wz, wp = sm_ztest(np.array([40, 30]), np.array([40, 30]))
    assert np.isnan(z) and np.isnan(wz) and np.isnan(p) and np.isnan(wp)
    with pytest.raises(ValueError, match="value must be provided for a 1-sample test"):
        stats.proportions_ztest(5, 83)


MEAN_DATA = [
    (np.array([4.0, 5.0, 3.0, 5.0, 4.0]), None),
    (np.array([181.5, 240.25, 95.0, 300.0, 122.75, 410.5, 60.0]),
     np.array([1, 2, 1, 3, 1, 0.5, 2.5])),
    (np.array([2.0, 2.0, 2.0]), None),
    (np.array([1e9 + 1, 1e9 + 2, 1e9 + 4]), None),
    (np.array([12.0, 30.0]), None),
    (np.random.default_rng(3).gamma(2.0, 150.0, size=5000), None),
    (np.random.default_rng(4).integers(1, 6, size=300).astype(float),
     np.random.default_rng(5).uniform(0.2, 3.0, size=300)),
]


@pytest.mark.parametrize("values,weights", MEAN_DATA)
@pytest.mark.parametrize("alpha", [0.05, 0.1])
@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
def test_mean_confint_matches_descrstatsw(values, weights, alpha, alternative) -> None:
    lo, hi = stats.mean_confint(values, alpha, weights, alternative)
    wlo, whi = DescrStatsW(values, weights=weights).tconfint_mean(alpha=alpha,
                                                                  alternative=alternative)
    assert close(lo, wlo) and close(hi, whi), (lo, wlo, hi, whi)


def test_mean_confint_one_observation_is_nan_like_statsmodels() -> None:
    lo, hi = stats.mean_confint([7.0])
    with np.errstate(all="ignore"):
        wlo, whi = DescrStatsW(np.array([7.0])).tconfint_mean()
    assert np.isnan(lo) and np.isnan(hi) and np.isnan(wlo) and np.isnan(whi)
    with pytest.raises(ValueError, match="^mean_confint: values must not be empty$"):
        stats.mean_confint([])


@pytest.mark.parametrize("p", [0.0, 0.1, 0.3, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("margin", [0.01, 0.03, 0.05, 0.1])
@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.1])
@pytest.mark.parametrize("population", [None, 1, 50, 1000, 10**9])
def test_sample_size_is_cochran(p, margin, alpha, population) -> None:
    z = sps.norm.isf(alpha / 2)
    n0 = z * z * p * (1 - p) / margin**2
    n = n0 if population is None or n0 == 0 else n0 / (1 + (n0 - 1) / population)
    assert stats.sample_size_proportion(p, margin, alpha, population) == math.ceil(n)
    if population is not None:
        for n_achieved in {1, population // 2 or 1, population}:
            want = z * math.sqrt(p * (1 - p) / n_achieved)
            want *= 0.0 if population == n_achieved else math.sqrt(
                (population - n_achieved) / (population - 1))
            assert close(stats.margin_of_error(p, n_achieved, alpha, population), want)


def test_sample_size_overflow_and_errors() -> None:
    with pytest.raises(OverflowError, match="does not fit in a 64-bit integer"):
        stats.sample_size_proportion(0.5, 1e-10)
    with pytest.raises(ValueError, match=r"^sample_size_proportion: p must be in \[0, 1\], got 1.5$"):
        stats.sample_size_proportion(1.5, 0.05)


NPS_CASES = [(120, 50, 30), (9, 1, 0), (3, 3, 4), (1, 0, 1), (0, 5, 1), (1, 0, 0),
             (500_000_000, 300_000_000, 200_000_000)]


@pytest.mark.parametrize("promoters,passives,detractors", NPS_CASES)
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_nps_confint_is_the_mean_of_scores(promoters, passives, detractors, alpha) -> None:
    r = stats.nps_confint(promoters, passives, detractors, alpha)
    n = promoters + passives + detractors
    if n < 10**6:
        scores = np.repeat([1.0, 0.0, -1.0], [promoters, passives, detractors])
        mean, se = scores.mean(), scores.std() / math.sqrt(n)  # ddof 0: the trinomial variance
    else:
        p, d = promoters / n, detractors / n
        mean, se = p - d, math.sqrt((p + d - (p - d) ** 2) / n)
    z = sps.norm.isf(alpha / 2)
    assert close(r.nps, 100 * mean, 1e-12, 1e-12)
    assert close(r.std_error, 100 * se, REL, 1e-12)
    assert close(r.lower, max(-100.0, 100 * (mean - z * se)), REL, 1e-12)
    assert close(r.upper, min(100.0, 100 * (mean + z * se)), REL, 1e-12)
    assert r.degenerate == (sum(c > 0 for c in (promoters, passives, detractors)) == 1)


def test_p_chart_matches_numpy() -> None:
    defects = np.array([12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22])
    sizes = np.array([50, 50, 60, 40, 50, 55, 50, 45, 50, 50, 30, 50, 50, 70, 50])
    c = stats.p_chart(defects, sizes)
    pbar = defects.sum() / sizes.sum()
    half = 3 * np.sqrt(pbar * (1 - pbar) / sizes)
    np.testing.assert_allclose(c.ucl, np.minimum(1, pbar + half), rtol=1e-14)
    np.testing.assert_allclose(c.lcl, np.maximum(0, pbar - half), rtol=1e-14)
    p = defects / sizes
    np.testing.assert_array_equal(c.out_of_control, (p > c.ucl) | (p < c.lcl))
    assert close(c.center, pbar, 1e-15)


def test_xbar_chart_matches_numpy_and_gamma_c4() -> None:
    rng = np.random.default_rng(11)
    groups = [rng.normal(85, 6, size=k) for k in (5, 8, 3, 12, 2, 6)]
    means = np.array([g.mean() for g in groups])
    sds = np.array([g.std(ddof=1) for g in groups])
    n = np.array([len(g) for g in groups])
    c = stats.xbar_chart(means, n, sds)
    center = (n * means).sum() / n.sum()
    sbar = math.sqrt(((n - 1) * sds**2).sum() / (n.sum() - len(n)))
    c4 = np.sqrt(2 / (n - 1)) * special.gamma(n / 2) / special.gamma((n - 1) / 2)
    np.testing.assert_allclose(c.ucl, center + 3 * sbar / (c4 * np.sqrt(n)), rtol=1e-13)
    np.testing.assert_allclose(c.lcl, center - 3 * sbar / (c4 * np.sqrt(n)), rtol=1e-13)
    assert close(c.sigma, sbar, 1e-13)


def test_poisson_estimators_are_exactly_unbiased() -> None:
    y = np.array([1, 0, 1, 1, 0, 1, 1, 0], dtype=float)
    pi = np.array([0.1, 0.25, 0.5, 0.9, 1.0, 0.3, 0.15, 0.6])
    total, true_var = y.sum(), ((1 - pi) * y**2 / pi).sum()
    e_est = e_var = 0.0
    for mask in itertools.product([False, True], repeat=len(y)):
        m = np.array(mask)
        prob = np.prod(np.where(m, pi, 1 - pi))
        est = stats.ht_total(y[m], pi[m])
        e_est += prob * est.estimate
        e_var += prob * est.variance
    assert close(e_est, total, 1e-12) and close(e_var, true_var, 1e-12)


def test_hajek_and_stratified_match_numpy() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, size=200).astype(float)
    pi = rng.uniform(0.05, 0.6, size=200)
    h = stats.hajek_mean(y, pi)
    w = 1 / pi
    mean = (w * y).sum() / w.sum()
    var = ((1 - pi) * ((y - mean) / pi) ** 2).sum() / w.sum() ** 2
    assert close(h.estimate, mean) and close(h.variance, var) and close(h.std_error, math.sqrt(var))
    stratum = rng.integers(0, 4, size=200)
    population = np.array([(stratum == s).sum() * k for s, k in enumerate([3, 5, 1, 10])])
    st = stats.stratified_mean(y, stratum, population)
    big_n = population.sum()
    want_total = sum(population[s] * y[stratum == s].mean() for s in range(4))
    want_var = sum(population[s] ** 2 * (1 - (stratum == s).sum() / population[s])
                   * y[stratum == s].var(ddof=1) / (stratum == s).sum() for s in range(4))
    assert close(st.estimate, want_total / big_n) and close(st.variance, want_var / big_n**2)
    lo, hi = stats.survey_confint(st, 0.1)
    assert close(hi - st.estimate, sps.norm.isf(0.05) * st.std_error)


def _scipy_bca(data: np.ndarray, stat, theta_b: np.ndarray, alpha: float):
    from scipy.stats._resampling import _bca_interval

    a1, a2, a_hat = _bca_interval((data,), stat, axis=-1, alpha=alpha / 2, theta_hat_b=theta_b,
                                  batch=None, xp=np)
    return np.quantile(theta_b, [float(a1), float(a2)]), float(a_hat)


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_bootstrap_matches_scipy_on_the_same_resamples(alpha: float) -> None:
    rng = np.random.default_rng(21)
    x = rng.gamma(2.0, 3.0, size=40)
    idx = stats.bootstrap_indices(len(x), 2000, seed=99)
    r = stats.bootstrap_confint(lambda i: x[i].mean(), len(x), indices=idx, alpha=alpha)
    theta_b = x[idx].mean(axis=1)
    np.testing.assert_allclose(r.replicates, theta_b, rtol=1e-15)
    (lo, hi), a_hat = _scipy_bca(x, lambda s, axis: np.mean(s, axis=axis), theta_b, alpha)
    assert close(r.lower, lo) and close(r.upper, hi) and close(r.acceleration, a_hat)
    p = stats.bootstrap_confint(lambda i: x[i].mean(), len(x), indices=idx, alpha=alpha,
                                method="percentile")
    plo, phi = np.quantile(theta_b, [alpha / 2, 1 - alpha / 2])
    assert close(p.lower, plo) and close(p.upper, phi)


def test_bootstrap_of_a_composite_score() -> None:
    # Three indicator scores per evaluated contact, weighted 30 / 50 / 20 (the monitoring table's
    # dimension weights): the composite is a weighted sum of column means.
    rng = np.random.default_rng(8)
    scores = np.column_stack([rng.uniform(60, 100, 60), rng.uniform(70, 100, 60),
                              rng.uniform(50, 100, 60)])
    w = np.array([0.3, 0.5, 0.2])

    def composite(i: np.ndarray) -> float:
        return float(scores[i].mean(axis=0) @ w)

    r = stats.bootstrap_confint(composite, len(scores), n_resamples=999, seed=2026)
    idx = stats.bootstrap_indices(len(scores), 999, 2026)
    theta_b = scores[idx].mean(axis=1) @ w
    np.testing.assert_allclose(r.replicates, theta_b, rtol=1e-14)
    # scipy's private BCa helper takes a statistic of one vector sample; for a statistic of rows
    # the interval is recomputed here from its definition (Efron & Tibshirani 1993, eq. 14.15),
    # with z0 and the quantiles as scipy computes them.
    theta = composite(np.arange(len(scores)))
    jack = np.array([composite(np.delete(np.arange(len(scores)), i)) for i in range(len(scores))])
    u = jack.mean() - jack
    a = (u**3).sum() / (6 * ((u**2).sum()) ** 1.5)
    z0 = sps.norm.ppf(((theta_b < theta).sum() + (theta_b <= theta).sum()) / (2 * len(theta_b)))
    zl, zh = sps.norm.ppf(0.025), sps.norm.ppf(0.975)
    a1 = sps.norm.cdf(z0 + (z0 + zl) / (1 - a * (z0 + zl)))
    a2 = sps.norm.cdf(z0 + (z0 + zh) / (1 - a * (z0 + zh)))
    lo, hi = np.quantile(theta_b, [a1, a2])
    assert close(r.estimate, theta) and close(r.lower, lo) and close(r.upper, hi)
    assert close(r.acceleration, a, 1e-8)
    with pytest.raises(ValueError, match="seed is required"):
        stats.bootstrap_confint(composite, len(scores))


@pytest.mark.parametrize("k", [3, 4, 7, 12])
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_trend_slope_matches_linregress(k: int, alpha: float) -> None:
    y = np.array([0.81, 0.84, 0.80, 0.78, 0.77, 0.74, 0.79, 0.73, 0.70, 0.72, 0.69, 0.66])
    r = stats.trend_slope(y, k, alpha)
    x = np.arange(len(y) - k, len(y))
    lr = sps.linregress(x, y[-k:])
    t = sps.t.ppf(1 - alpha / 2, k - 2)
    assert close(r.slope, lr.slope) and close(r.intercept, lr.intercept)
    assert close(r.std_error, lr.stderr, 1e-8)
    assert close(r.lower, lr.slope - t * lr.stderr, 1e-8)
    assert close(r.upper, lr.slope + t * lr.stderr, 1e-8)


def test_consecutive_shortfalls() -> None:
    r = stats.consecutive_shortfalls([0.86, 0.84, 0.83, 0.85, 0.80], 0.85, 2)
    assert r.run_length.tolist() == [0, 1, 2, 0, 1]
    assert r.persistent.tolist() == [False, True, True, False, False]
    assert r.persistent_now is False
    r = stats.consecutive_shortfalls([310, 320, 330], 300, 3, "at_most")
    assert r.persistent_now is True
    with pytest.raises(ValueError, match="direction: expected one of at_least, at_most"):
        stats.consecutive_shortfalls([1.0], 1.0, 1, "below")  # type: ignore[arg-type]


# --- the CLI's --intervals against statsmodels on the raw records --------------------------------

@pytest.fixture(scope="module")
def cli_intervals() -> list[dict]:
    path = Path(os.environ.get("KPISCORE_CLI", REPO / "build" / "kpiscore"))
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.skip(f"kpiscore CLI not found at {path}")
    out = subprocess.run([os.fspath(path), "kpis", "--input", os.fspath(CONTACTS), "--by",
                          "channel", "--intervals"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_cli_intervals_match_statsmodels(cli_intervals: list[dict]) -> None:
    df = pd.read_csv(CONTACTS)
    for row in cli_intervals:
        g = df[df.channel == row["channel"]]
        inbound = g[g.direction == "inbound"]
        answered_in = inbound[inbound.answered == 1]
        # service level: answered within 20 s of offered (abandons against).
        lo, hi = sm_confint((answered_in.wait_s <= 20).sum(), len(inbound), method="wilson")
        assert close(row["service_level_lo"], lo) and close(row["service_level_hi"], hi)
        fcr = g.resolved_first_contact.dropna()
        lo, hi = sm_confint((fcr == 1).sum(), len(fcr), method="wilson")
        assert close(row["fcr_lo"], lo) and close(row["fcr_hi"], hi)
        csat = g.csat.dropna()
        lo, hi = sm_confint((csat >= 4).sum(), len(csat), method="wilson")
        assert close(row["csat_top_box_lo"], lo) and close(row["csat_top_box_hi"], hi)
        lo, hi = DescrStatsW(answered_in.wait_s.to_numpy()).tconfint_mean()
        assert close(row["asa_s_lo"], lo, 1e-8) and close(row["asa_s_hi"], hi, 1e-8)
        handled = g[g.answered == 1][["talk_s", "hold_s", "acw_s"]].dropna()
        lo, hi = DescrStatsW(handled.sum(axis=1).to_numpy()).tconfint_mean()
        assert close(row["aht_s_lo"], lo, 1e-8) and close(row["aht_s_hi"], hi, 1e-8)
        nps = g.nps.dropna()
        r = stats.nps_confint(int((nps >= 9).sum()), int(((nps >= 7) & (nps <= 8)).sum()),
                              int((nps <= 6).sum()))
        assert close(row["nps_lo"], r.lower) and close(row["nps_hi"], r.upper)


def test_python_intervals_equal_the_cli(cli_intervals: list[dict]) -> None:
    result = kpiscore.kpis(CONTACTS, by="channel", intervals=True)
    df = result.to_pandas()
    for row, (_, got) in zip(cli_intervals, df.iterrows()):
        for key, value in row.items():
            if key.endswith(("_lo", "_hi")):
                assert (pd.isna(got[key]) and value is None) or got[key] == value, key
    assert "service_level_lo" in df.columns and "offered_lo" not in df.columns
    state = kpiscore.aggregate(CONTACTS, by="channel")
    assert state.kpis(intervals=True).to_pandas().equals(df)
