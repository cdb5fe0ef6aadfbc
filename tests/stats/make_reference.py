"""Reference values for tests/stats/*_test.cpp, from statsmodels 0.15 and scipy 1.17.

Run with the project venv: /work/main/.venv/bin/python tests/stats/make_reference.py
Prints C++ initializer rows (17 significant digits) pasted into the tests.
"""
import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest
from statsmodels.stats.weightstats import DescrStatsW


def f(x):
    x = float(x)
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


print("// proportion_confint: count, nobs, alpha, method, alternative, lower, upper")
cases = [(0, 10), (10, 10), (0, 1), (1, 1), (7, 23), (81, 263), (2.5, 7), (1, 29),
         (123456789, 1000000000), (0, 1000000000), (1000000000, 1000000000), (3, 1000000000)]
for c, n in cases:
    for m in ["normal", "agresti_coull", "beta", "wilson", "jeffreys"]:
        for a in [0.05, 0.1, 0.01]:
            alts = ["two-sided"] if a != 0.1 else ["two-sided", "larger", "smaller"]
            for alt in alts:
                lo, up = proportion_confint(c, n, alpha=a, method=m, alternative=alt)
                print(f'    {{{f(c)}, {f(n)}, {a}, "{m}", "{alt}", {f(lo)}, {f(up)}}},')

print("// proportions_ztest: c1, c2 (-1 = one sample), n1, n2, value (nan = none), alternative, z, p")
zcases = [((5, 12), (83, 99), None, "two-sided"), ((5, 12), (83, 99), None, "larger"),
          ((5, 12), (83, 99), None, "smaller"), ((5, 12), (83, 99), 0.01, "two-sided"),
          ((300, 280), (1000, 1000), None, "two-sided"),
          ((0, 3), (50, 60), None, "two-sided"), ((50, 59), (50, 60), None, "two-sided"),
          ((123456789, 123400000), (10**9, 10**9), None, "two-sided"),
          ((5,), (83,), 0.05, "two-sided"), ((5,), (83,), 0.05, "smaller")]
for c, n, v, alt in zcases:
    kw = {} if v is None else {"value": v}
    if len(c) == 1:
        z, p = proportions_ztest(c[0], n[0], alternative=alt, **kw)
    else:
        z, p = proportions_ztest(np.array(c), np.array(n), alternative=alt, **kw)
    c2 = c[1] if len(c) == 2 else -1
    n2 = n[1] if len(n) == 2 else -1
    print(f'    {{{c[0]}, {c2}, {n[0]}, {n2}, {f(v if v is not None else np.nan)}, "{alt}", {f(z)}, {f(p)}}},')

print("// mean_confint: values, weights, alpha, alternative, mean, std_mean, lower, upper")
rng = np.random.default_rng(20261122)
vals = [[4.0, 5.0, 3.0, 5.0, 4.0], [181.5, 240.25, 95.0, 300.0, 122.75, 410.5, 60.0],
        [2.0, 2.0, 2.0], [1e9 + 1, 1e9 + 2, 1e9 + 4]]
wts = [None, [1, 2, 1, 3, 1, 0.5, 2.5], None, None]
for v, w in zip(vals, wts):
    for alt in ["two-sided", "larger", "smaller"]:
        d = DescrStatsW(np.array(v), weights=None if w is None else np.array(w))
        lo, up = d.tconfint_mean(alpha=0.05, alternative=alt)
        print(f"    // {v} weights {w} {alt}: mean {f(d.mean)} std_mean {f(d.std_mean)} lo {f(lo)} up {f(up)}")

print("// t, beta, chi2")
for p, df in [(0.975, 1), (0.975, 2.5), (0.995, 30), (0.025, 1e6), (1e-10, 3)]:
    print(f"    t.ppf({p}, {df}) = {f(stats.t.ppf(p, df))}")
for t, df in [(2.0, 3), (-1.5, 10.5), (40.0, 2)]:
    print(f"    t.cdf({t}, {df}) = {f(stats.t.cdf(t, df))} sf = {f(stats.t.sf(t, df))}")
for p, a, b in [(0.025, 81, 183), (0.975, 0.5, 10.5), (1e-8, 3, 1e9)]:
    print(f"    beta.ppf({p}, {a}, {b}) = {f(stats.beta.ppf(p, a, b))} isf = {f(stats.beta.isf(p, a, b))}")
for x, df in [(3.84, 1), (100.0, 80), (1e-3, 5)]:
    print(f"    chi2.sf({x}, {df}) = {f(stats.chi2.sf(x, df))} ppf(0.95) = {f(stats.chi2.ppf(0.95, df))}")

print("// nps: P, A, D, alpha -> nps, se, lo, hi (numpy: the +1/0/-1 scores' population sd / sqrt n)")
for P, A, D, a in [(120, 50, 30, 0.05), (9, 1, 0, 0.05), (3, 3, 4, 0.1), (1, 0, 1, 0.05),
                   (500000000, 300000000, 200000000, 0.05)]:
    n = P + A + D
    p, d = P / n, D / n
    se = np.sqrt((p + d - (p - d) ** 2) / n)
    z = stats.norm.isf(a / 2)
    lo, hi = max(-1, p - d - z * se), min(1, p - d + z * se)
    print(f"    {{{P}, {A}, {D}, {a}, {f(100*(p-d))}, {f(100*se)}, {f(100*lo)}, {f(100*hi)}}},")

print("// trend: scipy.stats.linregress on the last k values, t.ppf(1 - alpha/2, k - 2)")
for y, k, a in [([0.81, 0.84, 0.80, 0.78, 0.77, 0.74], 4, 0.05),
                ([300.0, 290.5, 310.25, 280.0, 275.5, 260.0, 270.0], 7, 0.1),
                ([1.0, 2.0, 3.0], 3, 0.05)]:
    yy = np.array(y[-k:])
    r = stats.linregress(np.arange(len(y) - k, len(y)), yy)
    t = stats.t.ppf(1 - a / 2, k - 2)
    print(f"    // {y} k={k} alpha={a}: slope {f(r.slope)} intercept {f(r.intercept)} se {f(r.stderr)} "
          f"lo {f(r.slope - t * r.stderr)} hi {f(r.slope + t * r.stderr)}")

print("// bootstrap: scipy 1.17 _bca_interval and stats.quantile on a fixed index matrix")
from scipy.stats._resampling import _bca_interval
x = np.array([3.5, 4.0, 2.5, 5.0, 4.5, 1.0])
rng = np.random.default_rng(7)
idx = rng.integers(0, len(x), size=(20, len(x)))
print("    indices = {" + ", ".join(str(int(v)) for v in idx.ravel()) + "}")
theta_b = x[idx].mean(axis=1)
for a in [0.05, 0.1]:
    a1, a2, ahat = _bca_interval((x,), lambda s, axis: np.mean(s, axis=axis), axis=-1,
                                 alpha=a / 2, theta_hat_b=theta_b, batch=None, xp=np)
    lo, hi = np.quantile(theta_b, [float(a1), float(a2)])
    plo, phi = np.quantile(theta_b, [a / 2, 1 - a / 2])
    print(f"    alpha {a}: bca {f(lo)} {f(hi)} a_hat {f(ahat)} percentile {f(plo)} {f(phi)}")
