#!/usr/bin/env python3
"""Reference values for tests/staffing/*_test.cpp, computed with mpmath at high precision.

The methods are deliberately independent of the C++ implementation:
  * Erlang C from the closed form with factorials (Erlang 1917; Gans, Koole & Mandelbaum 2003,
    eq. 4.1): C = (A^n/n! * n/(n-A)) / (sum_{k<n} A^k/k! + A^n/n! * n/(n-A)).
  * Erlang A from the birth-death chain itself: stationary probabilities pi_j, truncated far in
    the tail; the offered wait of a contact that finds k others waiting is a sum of independent
    exponentials with rates r_i = n mu + i theta (i = 0..k), whose distribution is the
    hypoexponential mixture sum_i c_i r_i e^{-r_i t}, c_i = prod_{j != i} r_j / (r_j - r_i).
    No incomplete gamma function and no digamma function is used.
  * agents required: a plain linear search over n with the functions above.
  * Large Erlang A cases (thousands of agents), where the birth-death sums above would need
    thousands of digits, use the Mandelbaum & Zeltyn formulas evaluated with mpmath's own
    incomplete gamma function and a numerical derivative for the answered-wait integral:
    the formulas are shared with the C++ code, the numerics (series, continued fractions,
    Stirling, digamma) are not.

mpmath is test-only. Run: python3 tests/staffing/make_reference.py > /tmp/ref.txt
and paste the printed blocks into the tests.
"""
from mpmath import mp, mpf, diff, exp, factorial, gammainc

mp.dps = 60


def erlang_c_ref(lam, aht, n, t):
    lam, aht, t = mpf(lam), mpf(aht), mpf(t)
    a = lam * aht
    top = a**n / factorial(n) * n / (n - a)
    c = top / (sum(a**k / factorial(k) for k in range(n)) + top)
    return {
        "p_wait": c,
        "service_level": 1 - c * exp(-(n - a) * t / aht),
        "asa": c * aht / (n - a),
        "occupancy": a / n,
    }


def _digits_needed(x, kmax):
    """Decimal digits lost to cancellation in the hypoexponential sums: the largest
    |c_i| = prod_{j != i} (x + j) / |j - i| for the longest queue, estimated in floats."""
    from math import log10
    worst = 0.0
    for i in range(kmax + 1):
        s = sum(log10((x + j) / abs(j - i)) for j in range(kmax + 1) if j != i)
        worst = max(worst, s)
    return int(worst) + 40


def erlang_a_ref(lam, aht, n, t, patience):
    lam, aht, t, patience = mpf(lam), mpf(aht), mpf(t), mpf(patience)
    mu, theta = 1 / aht, 1 / patience
    a = lam / mu
    # Unnormalized stationary probabilities of the birth-death chain.
    below = [mpf(1)]
    for j in range(1, n):
        below.append(below[-1] * a / j)
    queue = [below[-1] * a / n]  # states n + k, k >= 0
    k = 0
    while True:
        k += 1
        queue.append(queue[-1] * lam / (n * mu + k * theta))
        if lam < n * mu + k * theta and queue[-1] < max(queue) * mpf(10) ** (-45):
            break
    x = float(n * mu / theta)
    with mp.workdps(max(mp.dps, _digits_needed(x, len(queue) - 1))):
        total = sum(below) + sum(queue)
        p_no_wait = sum(below) / total
        pq = [q / total for q in queue]
        p_wait = sum(pq)
        p_abandon = sum(k * theta * p for k, p in enumerate(pq)) / lam
        rates = [n * mu + k * theta for k in range(len(pq))]
        decay_v = [exp(-r * t) for r in rates]
        decay_s = [exp(-(r + theta) * t) for r in rates]
        served = mpf(0)       # P(served, W > 0)
        served_t = mpf(0)     # P(served, 0 < W <= t)
        served_wait = mpf(0)  # E[W 1{served}]
        v_tail = mpf(0)       # P(V > t)
        ab_t = mpf(0)         # P(abandon, W <= t)
        coef = []  # hypoexponential c_i for the current k, updated incrementally in k
        for k, p in enumerate(pq):
            r_new = rates[k]
            coef = [c * r_new / (r_new - r) for c, r in zip(coef, rates)]
            c_new = mpf(1)
            for r in rates[:k]:
                c_new *= r / (r - r_new)
            coef.append(c_new)
            for i, c in enumerate(coef):
                r = rates[i]
                s = r + theta
                served += p * c * r / s
                served_t += p * c * r / s * (1 - decay_s[i])
                served_wait += p * c * r / s**2
                v_tail += p * c * decay_v[i]
                ab_t += p * c * theta / s * (1 - decay_s[i])
        p_served = p_no_wait + served
        sl = p_no_wait + served_t
        out = {
            "p_wait": p_wait,
            "service_level": sl,
            "asa": served_wait / p_served,
            "occupancy": a * p_served / n,
            "p_abandon": p_abandon,
            "service_level_of_answered": sl / p_served,
            "service_level_excluding_early_abandons": sl / (1 - ab_t),
            "p_abandon_within_target": ab_t,
            "mean_wait": p_abandon * patience,
            "_check_total": p_served + p_abandon,  # must be 1
            "_v_tail": v_tail,
        }
    return {key: +v for key, v in out.items()}


def required_c(lam, aht, t, sl, max_occ=1.0):
    """Linear search over n with the closed form, the partial sums kept between steps."""
    a, aht_m, t = mpf(lam) * mpf(aht), mpf(aht), mpf(t)
    n = int(a) + 1
    term = mpf(1)
    partial = mpf(0)  # sum_{k<n} a^k / k!
    for k in range(n):
        partial += term
        term = term * a / (k + 1)  # ends as a^n / n!
    while True:
        top = term * n / (n - a)
        c = top / (partial + top)
        if 1 - c * exp(-(n - a) * t / aht_m) >= sl and a / n <= max_occ:
            return n
        partial += term
        term = term * a / (n + 1)
        n += 1


def required_a(lam, aht, t, sl, patience, max_occ=1.0):
    n = 1
    while True:
        r = erlang_a_ref(lam, aht, n, t, patience)
        if r["service_level"] >= sl and r["occupancy"] <= max_occ:
            return n
        n += 1


def erlang_a_formulas(lam, aht, n, t, patience):
    """Mandelbaum & Zeltyn's exponential-patience formulas with mpmath special functions."""
    lam, aht, t, patience = mpf(lam), mpf(aht), mpf(t), mpf(patience)
    mu, theta = 1 / aht, 1 / patience
    a, x, y = lam / mu, n * mu / theta, lam / theta
    rho = a / n
    b = mpf(1)
    for k in range(1, n + 1):
        b = a * b / (k + a * b)

    def lower(s, z):
        return gammainc(s, 0, z)

    big_a = x * exp(y) * y ** (-x) * lower(x, y)
    p_wait = big_a * b / (1 + (big_a - 1) * b)
    p_abandon = p_wait * (1 / (rho * big_a) + 1 - 1 / rho)
    u = exp(-theta * t)
    r_t = (lower(x + 1, y) - lower(x + 1, y * u)) / (y * lower(x, y))
    sl = (1 - p_wait) + p_wait * r_t
    p_served = 1 - p_abandon

    def scaled(s):  # F(s) = int_0^1 u^{s-1} e^{-y u} du = y^{-s} gamma(s, y)
        return y ** (-s) * lower(s, y)

    e_served_wait = p_wait * (-diff(scaled, x + 1)) / (theta * scaled(x))
    return {"p_wait": p_wait, "service_level": sl, "p_abandon": p_abandon,
            "asa": e_served_wait / p_served, "occupancy": a * p_served / n}


def lit(v):
    return repr(float(v))


C_FIELDS = ["p_wait", "service_level", "asa", "occupancy"]
A_FIELDS = C_FIELDS + ["p_abandon", "service_level_of_answered",
                       "service_level_excluding_early_abandons", "p_abandon_within_target",
                       "mean_wait"]

# (arrival rate per second, AHT s, agents, T s): inputs as exact doubles.
C_CASES = [
    (100 / 1800, 180.0, 11, 20.0),   # Call Centre Helper worked example
    (100 / 1800, 180.0, 14, 20.0),
    (360 / 1800, 240.0, 50, 20.0),
    (360 / 1800, 240.0, 55, 15.0),
    (1 / 60, 50.0, 1, 10.0),         # M/M/1: P(W>0) = rho
    (0.5, 10.0, 6, 0.0),             # T = 0
    (1 / 300, 300.0, 50, 20.0),      # A = 1, n = 50: P(W>0) ~ 1e-65
    (999.9 / 300, 300.0, 1000, 20.0),  # near-critical
    (4900 / 300, 300.0, 5000, 20.0),   # thousands of agents
    (4990 / 240, 240.0, 5000, 10.0),
    (1234.5678 / 97.3, 97.3, 1300, 30.0),
]

C_REQUIRED = [
    # (lam, aht, T, SL, max_occ)
    (100 / 1800, 180.0, 20.0, 0.8, 1.0),
    (100 / 1800, 180.0, 20.0, 0.8, 0.7),
    (360 / 1800, 240.0, 20.0, 0.8, 1.0),
    (360 / 1800, 240.0, 20.0, 0.9, 0.85),
    (4900 / 300, 300.0, 20.0, 0.8, 1.0),
    (4900 / 300, 300.0, 20.0, 0.95, 0.9),
]

# (lam, aht, n, T, patience)
A_CASES = [
    (100 / 1800, 180.0, 8, 20.0, 60.0),
    (100 / 1800, 180.0, 11, 20.0, 60.0),
    (100 / 1800, 180.0, 14, 20.0, 180.0),
    (0.1, 300.0, 20, 30.0, 120.0),     # overloaded: A = 30 > 20
    (0.1, 300.0, 45, 20.0, 300.0),
    (1 / 6, 300.0, 70, 20.0, 300.0),   # A = 50, n = 70
    (0.05, 300.0, 10, 20.0, 1.0),      # very impatient
    (0.05, 200.0, 12, 0.0, 90.0),      # T = 0
    (0.05, 200.0, 12, 60.0, 3000.0),    # patient contacts, close to Erlang C
    (2.0, 240.0, 500, 20.0, 180.0),    # 480 Erlangs, 500 agents
    (2.5, 240.0, 500, 20.0, 60.0),     # 600 Erlangs on 500 agents
]

# Thousands of agents: (lam, aht, n, T, patience)
A_LARGE_CASES = [
    (5000 / 300, 300.0, 4373, 20.0, 120.0),
    (5000 / 300, 300.0, 5000, 20.0, 120.0),
    (5000 / 300, 300.0, 5200, 20.0, 120.0),
    (50000 / 300, 300.0, 50000, 20.0, 600.0),
]
A_LARGE_FIELDS = ["p_wait", "service_level", "asa", "occupancy", "p_abandon"]

A_REQUIRED = [
    # (lam, aht, T, SL, patience, max_occ)
    (100 / 1800, 180.0, 20.0, 0.8, 120.0, 1.0),
    (0.1, 300.0, 20.0, 0.8, 300.0, 1.0),
    (0.1, 300.0, 20.0, 0.8, 300.0, 0.85),
]


def main():
    print("// Erlang C: {lam, aht_s, agents, target_s, " + ", ".join(C_FIELDS) + "}")
    for lam, aht, n, t in C_CASES:
        r = erlang_c_ref(lam, aht, n, t)
        print("    {" + ", ".join([lit(lam), lit(aht), str(n), lit(t)] +
                                  [lit(r[f]) for f in C_FIELDS]) + "},")
    print("// agents_required: {lam, aht_s, target_s, service_level, max_occupancy, agents}")
    for lam, aht, t, sl, occ in C_REQUIRED:
        print("    {" + ", ".join([lit(lam), lit(aht), lit(t), lit(sl), lit(occ),
                                   str(required_c(lam, aht, t, sl, occ))]) + "},")
    print("// Erlang A: {lam, aht_s, agents, target_s, patience_s, " + ", ".join(A_FIELDS) + "}")
    for lam, aht, n, t, pat in A_CASES:
        r = erlang_a_ref(lam, aht, n, t, pat)
        assert abs(r["_check_total"] - 1) < mpf(10) ** -40
        print("    {" + ", ".join([lit(lam), lit(aht), str(n), lit(t), lit(pat)] +
                                  [lit(r[f]) for f in A_FIELDS]) + "},")
    print("// Erlang A, large: {lam, aht_s, agents, target_s, patience_s, " +
          ", ".join(A_LARGE_FIELDS) + "}")
    for lam, aht, n, t, pat in A_LARGE_CASES:
        r = erlang_a_formulas(lam, aht, n, t, pat)
        print("    {" + ", ".join([lit(lam), lit(aht), str(n), lit(t), lit(pat)] +
                                  [lit(r[f]) for f in A_LARGE_FIELDS]) + "},")
    print("// agents_required_a: {lam, aht_s, target_s, service_level, patience_s, "
          "max_occupancy, agents}")
    for lam, aht, t, sl, pat, occ in A_REQUIRED:
        print("    {" + ", ".join([lit(lam), lit(aht), lit(t), lit(sl), lit(pat), lit(occ),
                                   str(required_a(lam, aht, t, sl, pat, occ))]) + "},")


if __name__ == "__main__":
    main()
