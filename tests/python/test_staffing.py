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


# --- the façade kpiscore.staffing ----------------------------------------------------------------

def test_facade_is_what_users_import():
    import kpiscore
    import kpiscore.staffing
    from kpiscore.staffing import agents_required, erlang_c

    assert kpiscore.staffing.__name__ == "kpiscore.staffing"
    assert kpiscore.staffing.erlang_c is erlang_c
    assert "staffing" in kpiscore.__all__
    got = erlang_c(100 / 1800, 180.0, 11, 20.0)
    want = staffing.erlang_c(100 / 1800, 180.0, 11, 20.0)
    for field in ("offered_load", "agents", "p_wait", "service_level", "asa", "occupancy"):
        assert getattr(got, field) == getattr(want, field)
    assert isinstance(got, kpiscore.staffing.ErlangCResult)
    # Call Centre Helper: 100 calls / 30 min, AHT 180 s, 80/20 -> 14 agents, 20 with 30 % shrinkage.
    assert agents_required(100 / 1800, 180, 20, 0.8) == 14
    assert agents_required(100 / 1800, 180, 20, 0.8, max_occupancy=0.7) == 15
    assert kpiscore.staffing.scheduled_agents(14, 0.3) == 20


def test_facade_erlang_a_and_errors():
    from kpiscore import staffing as facade

    a = facade.erlang_a(100 / 1800, 180.0, 11, 20.0, 60.0)
    assert a.p_abandon == staffing.erlang_a(100 / 1800, 180.0, 11, 20.0, 60.0).p_abandon
    want = ref_erlang_a(100 / 1800, 180.0, 11, 20.0, 60.0)
    for field in ("p_wait", "service_level", "asa", "occupancy", "p_abandon"):
        assert close(getattr(a, field), want[field]), field
    assert facade.agents_required_a(100 / 1800, 180, 20, 0.8, 120) == 12
    assert facade.estimate_patience([10.0], [10.0]).mean_s == 20.0
    with pytest.raises(ValueError, match=r"^erlang_c: unstable queue: offered load 10 Erlangs"):
        facade.erlang_c(0.5, 20.0, 10, 20.0)
    with pytest.raises(ValueError, match=r"^agents_required: service_level must be in \[0, 1\), "
                                         r"got 1$"):
        facade.agents_required(0.5, 20.0, 20.0, 1.0)


# Queue A, 09:00-09:30: contacts 1-3 (4 is outbound); 09:30-10:00: 5, 6. Queue B: 7, 8.
SMALL_CSV = """contact_id,arrived_at,direction,answered,wait_s,agent_id,queue,talk_s,hold_s,acw_s
1,2026-03-02T09:05:00Z,inbound,1,10,X,A,100,20,30
2,2026-03-02T09:10:00Z,inbound,1,30,Y,A,200,0,40
3,2026-03-02T09:20:00Z,inbound,0,15,,A,,,
4,2026-03-02T09:25:00Z,outbound,1,0,X,A,500,0,0
5,2026-03-02T09:40:00Z,inbound,1,0,X,A,90,0,30
6,2026-03-02T09:50:00Z,inbound,0,45,,A,,,
7,2026-03-02T09:15:00Z,inbound,1,5,Z,B,300,0,0
8,2026-03-02T09:45:00Z,inbound,0,60,,B,,,
"""


def test_plan_from_contacts(tmp_path):
    from kpiscore import staffing as facade

    path = tmp_path / "contacts.csv"
    path.write_text(SMALL_CSV)
    plan = facade.plan_from_contacts(path, 20, 0.8, by_queue=True, shrinkage=0.25)
    assert (plan.rows_read, plan.accepted, plan.rejected) == (8, 8, 0)
    assert (plan.inbound, plan.outbound_skipped, plan.interval_minutes) == (7, 1, 30)
    assert [(r.queue, r.interval, r.arrivals) for r in plan] == [
        ("A", "2026-03-02T09:00", 3), ("A", "2026-03-02T09:30", 2),
        ("B", "2026-03-02T09:00", 1), ("B", "2026-03-02T09:30", 1)]
    a1 = plan.rows[0]
    assert a1.aht_s == 195.0 and not a1.aht_from_queue
    assert a1.measured_service_level == pytest.approx(1 / 3, rel=1e-15)
    assert a1.measured_asa_s == 20.0
    assert a1.agents_seen == 2
    assert a1.model == "erlang_c" and a1.patience_s is None
    n = facade.agents_required(3 / 1800, 195.0, 20, 0.8)
    assert a1.agents_required == n
    assert a1.scheduled_agents == facade.scheduled_agents(n, 0.25)
    assert a1.at_required.service_level == facade.erlang_c(3 / 1800, 195.0, n, 20).service_level
    assert a1.shortfall == n - 2
    b2 = plan.rows[3]
    assert b2.aht_from_queue and b2.aht_s == 300.0 and b2.measured_asa_s is None
    assert b2.at_seen is not None and not b2.at_seen.stable and math.isinf(b2.at_seen.asa_s)
    # Patience: queue A abandons after 15 and 45 s, answered waits 10, 30, 0 -> 100 s / 2.
    qa, qb = plan.queues
    assert (qa.queue, qa.abandoned, qa.answered, qa.wait_exposure_s) == ("A", 2, 3, 100.0)
    assert qa.patience is not None and qa.patience.mean_s == 50.0
    assert qb.patience is not None and qb.patience.mean_s == 65.0

    a = facade.plan_from_contacts(str(path), 20, 0.8, by_queue=True, erlang_a=True)
    assert [r.patience_s for r in a] == [50.0, 50.0, 65.0, 65.0]
    assert a.rows[0].agents_required == facade.agents_required_a(3 / 1800, 195.0, 20, 0.8, 50.0)

    hourly = facade.plan_from_contacts(path, 20, 0.8, interval=60, tz="Asia/Shanghai")
    assert [(r.queue, r.interval, r.arrivals) for r in hourly] == [(None, "2026-03-02T17:00", 7)]


def test_plan_from_contacts_errors(tmp_path):
    import kpiscore
    from kpiscore import staffing as facade

    path = tmp_path / "contacts.csv"
    path.write_text(SMALL_CSV)
    with pytest.raises(ValueError, match=r"^plan_from_contacts: interval must be 15, 30 or 60, "
                                         r"got 20$"):
        facade.plan_from_contacts(path, 20, 0.8, interval=20)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^plan_from_contacts: service_level must be in "
                                         r"\[0, 1\), got 1$"):
        facade.plan_from_contacts(path, 20, 1.0)
    with pytest.raises(ValueError, match=r"^plan_from_contacts: unknown time zone 'Mars/Base'$"):
        facade.plan_from_contacts(path, 20, 0.8, tz="Mars/Base")
    with pytest.raises(kpiscore.InputError, match="cannot open"):
        facade.plan_from_contacts(tmp_path / "missing.csv", 20, 0.8)
    outbound = tmp_path / "outbound.csv"
    outbound.write_text("contact_id,arrived_at,direction,answered,wait_s\n"
                        "1,2026-03-02T09:00:00Z,outbound,1,0\n")
    with pytest.raises(ValueError, match=r"^forecast_from_contacts: no inbound contacts in the "
                                         r"input$"):
        facade.plan_from_contacts(outbound, 20, 0.8)


def test_plan_to_pandas(tmp_path):
    pytest.importorskip("pandas")
    from kpiscore import staffing as facade

    path = tmp_path / "contacts.csv"
    path.write_text(SMALL_CSV)
    df = facade.plan_from_contacts(path, 20, 0.8, by_queue=True).to_pandas()
    assert list(df["arrivals"]) == [3, 2, 1, 1]
    assert "service_level_at_required" in df.columns and "asa_s_at_seen" in df.columns
