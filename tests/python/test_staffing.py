"""kpiscore._core.staffing against an independent high-precision implementation (mpmath).

Erlang C: the closed form with factorials. Erlang A: the birth-death chain summed directly
for P(wait), P(abandon) and occupancy; the Mandelbaum-Zeltyn incomplete-gamma formulas with
mpmath's own special functions for the service level and the answered contacts' mean wait.
"""
import math

import pytest

mp = pytest.importorskip("mpmath")
staffing = pytest.importorskip("kpiscore._core").staffing

mp.mp.dps = 50
REL = 1e-9


def close(got, want, rel=REL):
    want = float(want)
    return math.isfinite(got) and abs(got - want) <= rel * abs(want) + 1e-300


def ref_erlang_c(lam, aht, n, t):
    lam, aht, t = mp.mpf(lam), mp.mpf(aht), mp.mpf(t)
    a = lam * aht
    top = a**n / mp.factorial(n) * n / (n - a)
    c = top / (mp.fsum(a**k / mp.factorial(k) for k in range(n)) + top)
    return {
        "p_wait": c,
        "service_level": 1 - c * mp.exp(-(n - a) * t / aht),
        "asa": c * aht / (n - a),
        "occupancy": a / n,
    }


def ref_erlang_a(lam, aht, n, t, patience):
    lam, aht, t, patience = (mp.mpf(v) for v in (lam, aht, t, patience))
    mu, theta = 1 / aht, 1 / patience
    a = lam / mu
    # Birth-death chain: states below n, then n + k with death rate n mu + k theta.
    below = [mp.mpf(1)]
    for j in range(1, n):
        below.append(below[-1] * a / j)
    queue = [below[-1] * a / n]
    k = 0
    while not (lam < n * mu + k * theta and queue[-1] < max(queue) * mp.mpf(10) ** -40):
        k += 1
        queue.append(queue[-1] * lam / (n * mu + k * theta))
    total = mp.fsum(below) + mp.fsum(queue)
    p_wait = mp.fsum(queue) / total
    p_abandon = mp.fsum(k * theta * q for k, q in enumerate(queue)) / total / lam
    # Mandelbaum & Zeltyn: x = n mu / theta, y = lambda / theta, offered wait V with
    # P(V > t | W > 0) = gamma(x, y e^{-theta t}) / gamma(x, y).
    x, y = n * mu / theta, lam / theta

    def f(s, z=y):  # int_0^{z/y} u^{s-1} e^{-y u} du = y^{-s} gamma(s, z)
        return y ** (-s) * mp.gammainc(s, 0, z)

    u = mp.exp(-theta * t)
    served_within = (f(x + 1) - f(x + 1, y * u)) / f(x)  # P(served, W <= t | W > 0)
    p_served = 1 - p_abandon
    served_wait = -mp.diff(lambda s: f(s), x + 1) / (theta * f(x))  # E[V e^{-theta V} | W > 0]
    sl = (1 - p_wait) + p_wait * served_within
    return {
        "p_wait": p_wait,
        "service_level": sl,
        "asa": p_wait * served_wait / p_served,
        "occupancy": a * p_served / n,
        "p_abandon": p_abandon,
        "service_level_of_answered": sl / p_served,
        "mean_wait": p_abandon * patience,
    }


C_CASES = [
    (100 / 1800, 180.0, 11, 20.0),
    (100 / 1800, 180.0, 14, 20.0),
    (360 / 1800, 240.0, 53, 20.0),
    (0.01, 50.0, 1, 0.0),
    (1 / 300, 300.0, 40, 20.0),
    (4990 / 240, 240.0, 5000, 10.0),
]


@pytest.mark.parametrize("lam,aht,n,t", C_CASES)
def test_erlang_c_matches_mpmath(lam, aht, n, t):
    got = staffing.erlang_c(lam, aht, n, t)
    want = ref_erlang_c(lam, aht, n, t)
    for field, value in want.items():
        assert close(getattr(got, field), value), (field, getattr(got, field), value)
    assert got.agents == n
    assert close(got.offered_load, lam * aht, 1e-15)


@pytest.mark.parametrize(
    "lam,aht,t,sl,occ",
    [(100 / 1800, 180.0, 20.0, 0.8, 1.0), (100 / 1800, 180.0, 20.0, 0.8, 0.7),
     (0.2, 240.0, 15.0, 0.9, 0.9), (1.37, 263.5, 30.0, 0.85, 0.95)],
)
def test_agents_required_matches_mpmath_search(lam, aht, t, sl, occ):
    a = mp.mpf(lam) * mp.mpf(aht)
    n = int(a) + 1
    while True:
        r = ref_erlang_c(lam, aht, n, t)
        if r["service_level"] >= sl and r["occupancy"] <= occ:
            break
        n += 1
    assert staffing.agents_required(lam, aht, t, sl, occ) == n
    assert staffing.agents_required(lam, aht, t, sl, max_occupancy=occ) == n


A_CASES = [
    (100 / 1800, 180.0, 8, 20.0, 60.0),
    (100 / 1800, 180.0, 11, 20.0, 60.0),
    (0.1, 300.0, 20, 30.0, 120.0),
    (0.05, 300.0, 10, 20.0, 1.0),
    (0.05, 200.0, 12, 60.0, 3000.0),
    (2.5, 240.0, 500, 20.0, 60.0),
]


@pytest.mark.parametrize("lam,aht,n,t,patience", A_CASES)
def test_erlang_a_matches_mpmath(lam, aht, n, t, patience):
    got = staffing.erlang_a(lam, aht, n, t, patience)
    want = ref_erlang_a(lam, aht, n, t, patience)
    for field, value in want.items():
        assert close(getattr(got, field), value), (field, getattr(got, field), value)


def test_agents_required_a_is_smallest():
    lam, aht, t, sl, patience = 0.1, 300.0, 20.0, 0.8, 300.0
    n = staffing.agents_required_a(lam, aht, t, sl, patience)
    assert ref_erlang_a(lam, aht, n, t, patience)["service_level"] >= sl
    assert ref_erlang_a(lam, aht, n - 1, t, patience)["service_level"] < sl
    m = staffing.agents_required_a(lam, aht, t, sl, patience, basis="answered", max_abandon=0.01)
    assert staffing.erlang_a(lam, aht, m, t, patience).p_abandon <= 0.01
    assert staffing.erlang_a(lam, aht, m - 1, t, patience).p_abandon > 0.01 or \
        staffing.erlang_a(lam, aht, m - 1, t, patience).service_level_of_answered < sl


def test_estimate_patience_is_the_exponential_mle():
    abandons = [12.5, 3.0, 41.0, 7.25]
    answered = [0.0, 18.0, 55.5, 9.0, 1.0]
    e = staffing.estimate_patience(abandons, answered)
    exposure = mp.fsum(abandons) + mp.fsum(answered)
    # The MLE maximizes d log(theta) - theta * exposure.
    theta = mp.findroot(lambda th: len(abandons) / th - exposure, (mp.mpf("1e-4"), 1),
                        solver="anderson")
    assert close(e.rate_per_s, theta, 1e-15)
    assert close(e.mean_s, 1 / theta, 1e-15)
    assert (e.abandoned, e.answered) == (4, 5)
    assert close(e.exposure_s, exposure, 1e-15)


def test_shrinkage():
    assert staffing.gross_up(14, 0.3) == pytest.approx(20.0, rel=1e-15)
    assert staffing.scheduled_agents(14, 0.3) == 20
    assert staffing.scheduled_agents(10, 0.2) == 13


def test_errors_are_value_errors_with_exact_text():
    with pytest.raises(ValueError) as e:
        staffing.erlang_c(0.5, 20.0, 10, 20.0)
    assert str(e.value) == ("erlang_c: unstable queue: offered load 10 Erlangs is not below 10 "
                            "agents (Erlang C needs arrival_rate * aht_s < agents)")
    with pytest.raises(ValueError, match=r"^erlang_c: aht_s must be positive and finite, got 0$"):
        staffing.erlang_c(0.5, 0.0, 10, 20.0)
    with pytest.raises(ValueError, match=r"^erlang_a: patience_s must be positive and finite, "
                                         r"got -1$"):
        staffing.erlang_a(0.5, 20.0, 10, 20.0, -1.0)
    with pytest.raises(ValueError, match=r"^agents_required: service_level must be in \[0, 1\), "
                                         r"got 1$"):
        staffing.agents_required(0.5, 20.0, 20.0, 1.0)
    with pytest.raises(ValueError, match=r"^agents_required_a: basis must be 'offered', "
                                         r"'answered' or 'excluding_early_abandons', got 'x'$"):
        staffing.agents_required_a(0.5, 20.0, 20.0, 0.8, 60.0, basis="x")
    with pytest.raises(ValueError, match=r"^estimate_patience: no abandoned contacts"):
        staffing.estimate_patience([], [3.0])


def test_results_are_readonly_and_have_a_repr():
    r = staffing.erlang_c(100 / 1800, 180.0, 11, 20.0)
    with pytest.raises(AttributeError):
        r.p_wait = 0.5
    assert repr(r).startswith("ErlangCResult(offered_load=10.0, agents=11, p_wait=0.682118")
    a = staffing.erlang_a(100 / 1800, 180.0, 11, 20.0, 60.0)
    assert repr(a).startswith("ErlangAResult(offered_load=10.0, agents=11, ")
    assert "p_abandon=" in repr(a)
    assert repr(staffing.estimate_patience([10.0], [10.0])).startswith("PatienceEstimate(mean_s=20.0")
