#!/usr/bin/env python3
"""kpiscore side by side with DuckDB, Polars and pandas on the same contact KPI work (issue 8).

    .venv/bin/python benchmarks/compare.py                        # 1M, 10M, 50M rows, 3 runs
    .venv/bin/python benchmarks/compare.py --rows 10000000 --runs 5 --json out.json
    .venv/bin/python benchmarks/compare.py --tiny                 # agreement only (CI, seconds)

What it does (docs/performance.md, "Side by side"):

1. Generates seeded contact records with numpy (``generate``), once per size, into
   ``--workdir`` as .npy files: arrived_at (datetime64[ms]), agent_id (codes into 1000 labels),
   inbound, answered (bool), wait_ms (int64), talk_ms/hold_ms/acw_ms (int64 + validity mask),
   resolved_first_contact, csat, nps, complaint, converted (int8, -1 = null).
2. Each engine builds its own natural in-memory frame from those arrays (not timed): pandas and
   kpiscore the same pandas DataFrame (Categorical agent_id, nullable Int64/Int8), DuckDB and
   Polars an Arrow table (DuckDB scans it in place; Polars takes it with ``pl.from_arrow``).
3. Computes the full contact KPI set of docs/kpis.md (no quantiles) grouped by agent_id x UTC day
   with the options ``OPTIONS`` (service level 20 s ``<=``, short abandons < 5 s, the abandon
   treatment of ``--abandons``) in every engine, and checks that all four agree with kpiscore
   (relative 1e-9, counts exactly, nulls equal) before anything is timed.
4. Times each engine x thread setting (1 and all cores) in its own subprocess: one warm-up, then
   ``--runs`` runs; best and median; the process's RSS once its frame was built ("RSS ready"),
   its peak RSS during the runs (VmHWM, reset after the frame was built) and the difference
   ("work memory": what the engine allocates on top of its input). pandas is single-threaded by
   design (one row per size).
5. Runs benchmarks/stream_bandwidth (built in ``--build``) in the same session and prints
   kpiscore's input bytes read per second (51 bytes per record: the columns its aggregation
   reads) as a fraction of the measured read bandwidth, for ``kpiscore.aggregate`` over records
   already read (``kpiscore aggregate``) and for the whole ``kpiscore.kpis`` call.
6. Scores a scorecard (``SCORECARD``: every rule type, three dimensions) over per-agent KPIs
   (``--tasks score``), and draws a stratified 15 % sample of agent x day strata
   (``--tasks sample``), in all four engines; scores agree within 1e-8, and every engine's sample
   has floor or ceil of 15 % of every stratum (the random draws differ by design).
7. Reads the contacts CSV (the same records, as docs/input.md writes them) with kpiscore.read,
   DuckDB read_csv, Polars read_csv and pandas read_csv(engine="pyarrow"), checking that all four
   read the same values (row count and column sums) before timing them.

Every timed row records wall time, process CPU time (the steadier figure on a loaded machine)
and the worker's peak RSS during the runs (VmHWM).
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["agent_id", "day"]
KPIS = ["offered", "answered", "abandoned", "handled", "asa_s", "aht_s", "avg_talk_s", "avg_hold_s",
        "avg_acw_s", "service_level", "abandon_rate", "connect_rate", "fcr", "csat_mean",
        "csat_top_box", "nps", "complaint_rate", "conversion_rate"]
COUNTS = ["offered", "answered", "abandoned", "handled"]
ENGINES = ["kpiscore", "duckdb", "polars", "pandas"]
SL_T_MS = 20_000      # service_level.threshold_s = 20, comparison "<="
SHORT_MS = 5_000      # service_level.short_abandon_s = 5
TOP_BOX = 4           # csat.top_box_min
TREATMENTS = ["against", "ignore", "for", "ignore_all"]
AGENTS = 1000
DAYS = 31
BYTES_PER_RECORD = 51  # agent_id code 4, arrived_at 8, inbound 1, answered 1, 4 durations x 8, 5 small x 1


def options(abandons: str, threads: int) -> dict:
    return {"service_level": {"threshold_s": SL_T_MS / 1000, "comparison": "<=",
                              "short_abandon_s": SHORT_MS / 1000, "abandons": abandons},
            "threads": threads}


# The scorecard of the "score" task: per-agent KPIs (all days) scored by a two-level tree with
# every rule type kpiscore has (docs/scoring.md), no targets by segment, N/A scored 0 so every
# engine's formula is a plain expression. Other engines implement the same formulas.
SAMPLE_RATE = 0.15
SAMPLE_SEED = 42
SCORECARD = {
    "name": "compare.py per-agent scorecard",
    "min_observations": 0,
    "na": {"score": 0},
    "dimensions": [
        {"name": "efficiency", "weight": "50%", "indicators": [
            {"name": "asa", "kpi": "asa_s", "weight": "30%", "target": "30s",
             "rule": {"type": "deduct", "per": "10s", "points": 10}},
            {"name": "aht", "kpi": "aht_s", "weight": "30%", "target": "10min",
             "rule": {"type": "deduct", "per": "1min", "points": 10}},
            {"name": "sl", "kpi": "service_level", "weight": "20%", "target": "80%",
             "rule": {"type": "proportional"}},
            {"name": "abandon", "kpi": "abandon_rate", "weight": "20%", "target": "5%",
             "rule": {"type": "bands", "points": [["5%", 100], ["15%", 60], ["30%", 0]]}}]},
        {"name": "quality", "weight": "30%", "indicators": [
            {"name": "fcr_i", "kpi": "fcr", "weight": "60%", "target": "85%",
             "rule": {"type": "deduct", "per": "1%", "points": 2}},
            {"name": "complaints", "kpi": "complaint_rate", "weight": "40%", "target": "5%",
             "rule": {"type": "tiers", "tiers": [{"max": "5%", "score": 100}, {"max": "8%", "score": 80},
                                                 {"max": "12%", "score": 60}, {"score": 0}]}}]},
        {"name": "experience", "weight": "20%", "indicators": [
            {"name": "csat", "kpi": "csat_top_box", "weight": "50%", "target": "90%", "rule": {"type": "value"}},
            {"name": "nps_i", "kpi": "nps", "weight": "50%", "target": 30,
             "rule": {"type": "bands", "points": [[-20, 0], [30, 100]]}}]}]}
# The same tree for the other engines: (kpi, overall weight = indicator weight x dimension
# weight, rule). Rules as docs/scoring.md defines them, clamped to [0, 100]; a null KPI scores 0.
SCORE_RULES = [
    ("asa_s", 0.3 * 0.5, ("deduct_lower", 30.0, 10.0, 10.0)),     # target, per, points
    ("aht_s", 0.3 * 0.5, ("deduct_lower", 600.0, 60.0, 10.0)),
    ("service_level", 0.2 * 0.5, ("proportional_higher", 0.8)),
    ("abandon_rate", 0.2 * 0.5, ("bands", [0.05, 0.15, 0.30], [100.0, 60.0, 0.0])),
    ("fcr", 0.6 * 0.3, ("deduct_higher", 0.85, 0.01, 2.0)),
    ("complaint_rate", 0.4 * 0.3, ("tiers", [(0.05, 100.0), (0.08, 80.0), (0.12, 60.0)], 0.0)),
    ("csat_top_box", 0.5 * 0.2, ("value", 100.0)),
    ("nps", 0.5 * 0.2, ("bands", [-20.0, 30.0], [0.0, 100.0])),
]
SCORE_ATOL = 1e-8  # scores are 0..100; kpiscore snaps step counts within 1e-9 of an integer


def rule_sql(x: str, rule: tuple) -> str:
    """One rule as a SQL expression over column x (NULL -> 0)."""
    kind = rule[0]
    if kind == "deduct_lower":
        t, per, pts = rule[1:]
        e = f"100.0 - {pts} * GREATEST({x} - {t}, 0.0) / {per}"
    elif kind == "deduct_higher":
        t, per, pts = rule[1:]
        e = f"100.0 - {pts} * GREATEST({t} - {x}, 0.0) / {per}"
    elif kind == "proportional_higher":
        e = f"{x} / {rule[1]} * 100.0"
    elif kind == "value":
        e = f"{x} * {rule[1]}"
    elif kind == "bands":
        xs, ys = rule[1], rule[2]
        arms = [f"WHEN {x} <= {xs[0]} THEN {ys[0]}"]
        for i in range(1, len(xs)):
            arms.append(f"WHEN {x} <= {xs[i]} THEN {ys[i - 1]} + ({x} - {xs[i - 1]}) / ({xs[i]} - {xs[i - 1]}) "
                        f"* ({ys[i]} - {ys[i - 1]})")
        e = f"CASE {' '.join(arms)} ELSE {ys[-1]} END"
    elif kind == "tiers":
        arms = " ".join(f"WHEN {x} <= {m} THEN {v}" for m, v in rule[1])
        e = f"CASE {arms} ELSE {rule[2]} END"
    else:
        raise ValueError(kind)
    return f"CASE WHEN {x} IS NULL THEN 0.0 ELSE LEAST(GREATEST({e}, 0.0), 100.0) END"


def rule_polars(pl: Any, x: Any, rule: tuple) -> Any:
    """One rule as a Polars expression over expression x (null -> 0)."""
    kind = rule[0]
    if kind == "deduct_lower":
        t, per, pts = rule[1:]
        e = 100.0 - pts * (x - t).clip(lower_bound=0.0) / per
    elif kind == "deduct_higher":
        t, per, pts = rule[1:]
        e = 100.0 - pts * (t - x).clip(lower_bound=0.0) / per
    elif kind == "proportional_higher":
        e = x / rule[1] * 100.0
    elif kind == "value":
        e = x * rule[1]
    elif kind == "bands":
        xs, ys = rule[1], rule[2]
        w = pl.when(x <= xs[0]).then(ys[0])
        for i in range(1, len(xs)):
            w = w.when(x <= xs[i]).then(ys[i - 1] + (x - xs[i - 1]) / (xs[i] - xs[i - 1]) * (ys[i] - ys[i - 1]))
        e = w.otherwise(ys[-1])
    elif kind == "tiers":
        w = None
        for m, v in rule[1]:
            w = pl.when(x <= m).then(v) if w is None else w.when(x <= m).then(v)
        e = w.otherwise(rule[2])
    else:
        raise ValueError(kind)
    return pl.when(x.is_null()).then(0.0).otherwise(e.clip(0.0, 100.0))


def rule_numpy(x: Any, rule: tuple) -> Any:
    """One rule over a float numpy array (NaN = null -> 0): the pandas engine's."""
    import numpy as np

    kind = rule[0]
    if kind == "deduct_lower":
        t, per, pts = rule[1:]
        e = 100.0 - pts * np.maximum(x - t, 0.0) / per
    elif kind == "deduct_higher":
        t, per, pts = rule[1:]
        e = 100.0 - pts * np.maximum(t - x, 0.0) / per
    elif kind == "proportional_higher":
        e = x / rule[1] * 100.0
    elif kind == "value":
        e = x * rule[1]
    elif kind == "bands":
        xs, ys = rule[1], rule[2]
        e = np.full_like(x, ys[-1])
        done = np.zeros(len(x), dtype=bool)
        for i in range(len(xs)):
            m = ~done & (x <= xs[i])
            e[m] = ys[0] if i == 0 else (ys[i - 1] + (x[m] - xs[i - 1]) / (xs[i] - xs[i - 1]) * (ys[i] - ys[i - 1]))
            done |= m
    elif kind == "tiers":
        e = np.select([x <= m for m, _ in rule[1]], [v for _, v in rule[1]], rule[2])
    else:
        raise ValueError(kind)
    return np.where(np.isnan(x), 0.0, np.clip(e, 0.0, 100.0))


def sample_plan() -> dict:
    """Stratified simple random sampling without replacement: 15 % of every agent x day
    stratum, proportional allocation by largest remainder (docs/sampling.md)."""
    return {"design": "sequential_poisson", "seed": SAMPLE_SEED, "rate": SAMPLE_RATE,
            "strata": {"by": ["agent_id", "day"]}, "timezone": "UTC",
            "report": {"coverage": ["agent_id"]}}


# --------------------------------------------------------------------------- data
def generate(rows: int, seed: int) -> dict[str, Any]:
    """Seeded contacts as numpy arrays (the distributions of examples/contact_generator.hpp:
    two intraday peaks in UTC+8, 90 % inbound, 91 % answered, exponential waits by channel,
    lognormal talk, 30 % with hold, surveys on a share of the answered contacts). Some answered
    contacts lack a talk/hold/acw value, so AHT's all-components-known rule matters."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = rows
    day = rng.integers(0, DAYS, n)
    peak = rng.random(n) < 0.7
    hour = np.where(peak, np.where(rng.random(n) < 0.5, 9 + 3 * rng.random(n), 14 + 4 * rng.random(n)),
                    24 * rng.random(n))
    hour = np.minimum(hour, np.nextafter(24, 0))
    start = np.datetime64("2026-03-01T00:00:00", "ms").astype(np.int64)
    local = start + day * 86_400_000 + (hour * 3_600_000).astype(np.int64)
    arrived = (local - 8 * 3_600_000).astype("datetime64[ms]")
    agent = rng.integers(0, AGENTS, n).astype(np.int32)
    ch = rng.random(n)
    mean_wait = np.where(ch < 0.6, 18.0, np.where(ch < 0.9, 9.0, 120.0))
    inbound = rng.random(n) < 0.9
    answered = np.where(inbound, rng.random(n) < 0.91, rng.random(n) < 0.6)
    wait = (rng.exponential(1.0, n) * np.where(answered, mean_wait, mean_wait * 1.8) * 1000).astype(np.int64)
    wait[~inbound] = 0
    talk = (np.exp(rng.normal(np.log(200.0), 0.6, n)) * 1000).astype(np.int64)
    hold = np.where(rng.random(n) < 0.3, (rng.exponential(45.0, n) * 1000).astype(np.int64), 0)
    acw = (rng.exponential(30.0, n) * 1000).astype(np.int64)
    talk_valid = answered & (rng.random(n) < 0.995)
    hold_valid = answered & (rng.random(n) < 0.98)
    acw_valid = answered & (rng.random(n) < 0.99)
    for v, ok in ((talk, talk_valid), (hold, hold_valid), (acw, acw_valid)):
        v[~ok] = 0

    def small(values: Any, known: Any) -> Any:
        out = values.astype(np.int8)
        out[~known] = -1
        return out

    fcr = small(rng.random(n) < 0.82, answered & (rng.random(n) < 0.9))
    u = rng.random(n)
    csat = small(np.select([u < 0.04, u < 0.08, u < 0.18, u < 0.45], [1, 2, 3, 4], 5),
                 answered & (rng.random(n) < 0.3))
    u = rng.random(n)
    nps = small(np.where(u < 0.55, 9 + rng.integers(0, 2, n), np.where(u < 0.8, 7 + rng.integers(0, 2, n),
                                                                      rng.integers(0, 7, n))),
                answered & (rng.random(n) < 0.2))
    complaint = small(rng.random(n) < 0.03, answered & (rng.random(n) < 0.97))
    converted = small(rng.random(n) < 0.08, answered & (rng.random(n) < 0.95))
    return {"arrived_at": arrived, "agent_code": agent, "inbound": inbound, "answered": answered,
            "wait_ms": wait, "talk_ms": talk, "talk_valid": talk_valid, "hold_ms": hold,
            "hold_valid": hold_valid, "acw_ms": acw, "acw_valid": acw_valid,
            "resolved_first_contact": fcr, "csat": csat, "nps": nps, "complaint": complaint,
            "converted": converted}


def agent_labels() -> list[str]:
    return [f"A{i:04d}" for i in range(AGENTS)]


def data_dir(work: Path, rows: int, seed: int) -> Path:
    d = work / f"contacts_{rows}_{seed}"
    if not (d / "done").exists():
        import numpy as np

        d.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        arrays = generate(rows, seed)
        for name, a in arrays.items():
            np.save(d / f"{name}.npy", a)
        (d / "done").write_text("")
        print(f"generated {rows:,} records (seed {seed}) in {time.perf_counter() - t0:.1f} s -> {d}",
              flush=True)
    return d


def load(d: Path) -> dict[str, Any]:
    import numpy as np

    return {p.stem: np.load(p) for p in sorted(d.glob("*.npy"))}


def pandas_frame(a: dict[str, Any], with_id: bool = False) -> Any:
    """The pandas DataFrame (pandas and kpiscore): Categorical agent_id, nullable integers."""
    import numpy as np
    import pandas as pd

    def nullable(values: Any, valid: Any) -> Any:
        return pd.arrays.IntegerArray(values, ~valid)

    cols: dict[str, Any] = {"contact_id": np.arange(len(a["wait_ms"]), dtype=np.int64)} if with_id else {}
    cols |= {
        "arrived_at": a["arrived_at"],
        "agent_id": pd.Categorical.from_codes(a["agent_code"], categories=agent_labels()),
        "inbound": a["inbound"], "answered": a["answered"], "wait_ms": a["wait_ms"]}
    for d in ("talk", "hold", "acw"):
        cols[f"{d}_ms"] = nullable(a[f"{d}_ms"], a[f"{d}_valid"])
    for s in ("resolved_first_contact", "csat", "nps", "complaint", "converted"):
        v = a[s]
        cols[s] = nullable(np.where(v < 0, 0, v).astype(np.int8), v >= 0)
    return pd.DataFrame(cols)


def arrow_table(a: dict[str, Any], with_id: bool = False) -> Any:
    """The Arrow table (DuckDB and Polars): dictionary agent_id, nullable integers."""
    import numpy as np
    import pyarrow as pa

    cols: dict[str, Any] = {"contact_id": pa.array(np.arange(len(a["wait_ms"]), dtype=np.int64))} if with_id else {}
    cols |= {
        "arrived_at": pa.array(a["arrived_at"]),
        "agent_id": pa.DictionaryArray.from_arrays(pa.array(a["agent_code"]), pa.array(agent_labels())),
        "inbound": pa.array(a["inbound"]), "answered": pa.array(a["answered"]),
        "wait_ms": pa.array(a["wait_ms"])}
    for d in ("talk", "hold", "acw"):
        cols[f"{d}_ms"] = pa.array(a[f"{d}_ms"], mask=~a[f"{d}_valid"])
    for s in ("resolved_first_contact", "csat", "nps", "complaint", "converted"):
        v = a[s]
        cols[s] = pa.array(v, mask=v < 0, type=pa.int8())
    return pa.table(cols)


# --------------------------------------------------------------------------- the engines
# Each engine: prepare(arrays, threads) -> frame (not timed); run(frame) -> native result (timed);
# normalize(result) -> pandas DataFrame indexed by (agent_id str, day 'YYYY-MM-DD'), KPIS columns
# as float with NaN for null (not timed).

def sl_parts(treatment: str) -> tuple[str, str]:
    """(numerator, denominator) of service_level over the per-group sums sl_aw (answered within
    T), sl_abw (abandoned within T, not short), sl_short (short abandons), offered, answered."""
    base = "(offered - sl_short)"
    return {"against": ("sl_aw", base), "ignore": ("sl_aw", f"({base} - sl_abw)"),
            "for": ("(sl_aw + sl_abw)", base), "ignore_all": ("sl_aw", "answered")}[treatment]


class KpiscoreEngine:
    name = "kpiscore"

    def __init__(self, threads: int, treatment: str) -> None:
        import kpiscore

        self.k = kpiscore
        self.opts = options(treatment, threads)

    def prepare(self, a: dict[str, Any], task: str = "agg") -> Any:
        return pandas_frame(a, with_id=task == "sample")

    def run(self, frame: Any) -> Any:
        return self.k.kpis(frame, by=KEYS, options=self.opts, tz="UTC")

    def run_score(self, frame: Any) -> Any:
        # The scorecard compiled once per process (like a prepared statement); each run reads
        # the frame, aggregates per agent and scores.
        if not hasattr(self, "card"):
            from kpiscore.scoring import Scorecard

            self.card = Scorecard.from_json(SCORECARD)
        return self.card.score(frame, by="agent_id", options=self.opts, tz="UTC")

    def normalize_score(self, result: Any) -> Any:
        df = result.to_pandas()
        return df.set_index(df["agent_id"].astype(str))["score"].astype("float64").rename("score")

    def run_sample(self, frame: Any) -> Any:
        from kpiscore.sampling import sample

        return sample(frame, sample_plan(), tz="UTC")

    def normalize_sample(self, result: Any) -> Any:
        import numpy as np

        return np.asarray(result.to_pandas()["contact_id"].astype("int64"))

    def normalize(self, result: Any) -> Any:
        df = result.to_pandas()
        for k in KPIS:
            df[k] = df[k].astype("float64")  # pd.NA -> NaN
        df["agent_id"] = df["agent_id"].astype(str)
        df["day"] = df["day"].astype(str)
        return df.set_index(KEYS)[KPIS]


class KpiscoreAggregate(KpiscoreEngine):
    """kpiscore.aggregate over records already read (kpiscore.read once, outside the timing):
    the group index and the kernel, returning the mergeable State. The figure the bandwidth
    fraction is computed from. Its KPIs (State.kpis(), not timed) are checked like the others."""
    name = "kpiscore aggregate"

    def prepare(self, a: dict[str, Any], task: str = "agg") -> Any:
        return self.k.read(pandas_frame(a), options=self.opts, tz="UTC")

    def run(self, contacts: Any) -> Any:
        return self.k.aggregate(contacts, by=KEYS, options=self.opts, tz="UTC")

    def normalize(self, state: Any) -> Any:
        return super().normalize(state.kpis())


class DuckdbEngine:
    name = "duckdb"

    def __init__(self, threads: int, treatment: str) -> None:
        import duckdb

        self.con = duckdb.connect(":memory:")
        self.con.execute(f"SET threads = {threads}")
        self.con.execute("SET TimeZone = 'UTC'")
        num, den = sl_parts(treatment)
        # Per-group integer sums with FILTER (exact), then the ratios; NULLIF(.., 0) gives the
        # documented null for a zero denominator.
        self.sql = f"""
WITH g AS (
  SELECT agent_id, CAST(arrived_at AS DATE) AS day,
    count(*) FILTER (WHERE inbound) AS offered,
    count(*) FILTER (WHERE inbound AND answered) AS answered,
    count(*) FILTER (WHERE answered) AS handled,
    sum(wait_ms) FILTER (WHERE inbound AND answered) AS wait_sum,
    count(*) FILTER (WHERE answered AND talk_ms IS NOT NULL AND hold_ms IS NOT NULL
                     AND acw_ms IS NOT NULL) AS handle_n,
    sum(talk_ms + hold_ms + acw_ms) FILTER (WHERE answered) AS handle_sum,
    count(talk_ms) FILTER (WHERE answered) AS talk_n, sum(talk_ms) FILTER (WHERE answered) AS talk_sum,
    count(hold_ms) FILTER (WHERE answered) AS hold_n, sum(hold_ms) FILTER (WHERE answered) AS hold_sum,
    count(acw_ms) FILTER (WHERE answered) AS acw_n, sum(acw_ms) FILTER (WHERE answered) AS acw_sum,
    count(*) FILTER (WHERE inbound AND answered AND wait_ms <= {SL_T_MS}) AS sl_aw,
    count(*) FILTER (WHERE inbound AND NOT answered AND wait_ms < {SHORT_MS}) AS sl_short,
    count(*) FILTER (WHERE inbound AND NOT answered AND wait_ms >= {SHORT_MS}
                     AND wait_ms <= {SL_T_MS}) AS sl_abw,
    count(*) FILTER (WHERE resolved_first_contact = 1) AS fcr_resolved,
    count(resolved_first_contact) AS fcr_base,
    sum(csat) AS csat_sum, count(csat) AS csat_n,
    count(*) FILTER (WHERE csat >= {TOP_BOX}) AS csat_top,
    count(nps) AS nps_n,
    count(*) FILTER (WHERE nps >= 9) AS promoters, count(*) FILTER (WHERE nps <= 6) AS detractors,
    count(*) FILTER (WHERE answered AND complaint = 1) AS complaints,
    count(complaint) FILTER (WHERE answered) AS complaint_base,
    count(*) FILTER (WHERE answered AND converted = 1) AS conversions,
    count(converted) FILTER (WHERE answered) AS conversion_base
  FROM frame
  GROUP BY ALL
)
SELECT CAST(agent_id AS VARCHAR) AS agent_id, CAST(day AS VARCHAR) AS day,
  offered, answered, offered - answered AS abandoned, handled,
  wait_sum / 1000.0 / NULLIF(answered, 0) AS asa_s,
  handle_sum / 1000.0 / NULLIF(handle_n, 0) AS aht_s,
  talk_sum / 1000.0 / NULLIF(talk_n, 0) AS avg_talk_s,
  hold_sum / 1000.0 / NULLIF(hold_n, 0) AS avg_hold_s,
  acw_sum / 1000.0 / NULLIF(acw_n, 0) AS avg_acw_s,
  CAST({num} AS DOUBLE) / NULLIF({den}, 0) AS service_level,
  CAST(offered - answered AS DOUBLE) / NULLIF(offered, 0) AS abandon_rate,
  CAST(answered AS DOUBLE) / NULLIF(offered, 0) AS connect_rate,
  CAST(fcr_resolved AS DOUBLE) / NULLIF(fcr_base, 0) AS fcr,
  CAST(csat_sum AS DOUBLE) / NULLIF(csat_n, 0) AS csat_mean,
  CAST(csat_top AS DOUBLE) / NULLIF(csat_n, 0) AS csat_top_box,
  100.0 * (promoters - detractors) / NULLIF(nps_n, 0) AS nps,
  CAST(complaints AS DOUBLE) / NULLIF(complaint_base, 0) AS complaint_rate,
  CAST(conversions AS DOUBLE) / NULLIF(conversion_base, 0) AS conversion_rate
FROM g"""

        # Per agent (all days): the same query without the day key; then the scorecard's
        # formulas over it in SQL.
        self.sql_agent = (self.sql.replace("SELECT agent_id, CAST(arrived_at AS DATE) AS day,", "SELECT agent_id,")
                          .replace("CAST(day AS VARCHAR) AS day,", ""))
        total = " + ".join(f"{w!r} * ({rule_sql(k, rule)})" for k, w, rule in SCORE_RULES)
        self.sql_score = f"WITH k AS ({self.sql_agent}) SELECT agent_id, {total} AS score FROM k"
        # Stratified SRS: a random order within each agent x day stratum, keep the first
        # round(15 % of its size).
        self.sql_sample = f"""
SELECT contact_id FROM (
  SELECT contact_id,
    row_number() OVER (PARTITION BY agent_id, day ORDER BY u) AS r,
    count(*) OVER (PARTITION BY agent_id, day) AS n
  FROM (SELECT contact_id, agent_id, CAST(arrived_at AS DATE) AS day, random() AS u FROM frame))
WHERE r <= round({SAMPLE_RATE} * n)"""

    def prepare(self, a: dict[str, Any], task: str = "agg") -> Any:
        return arrow_table(a, with_id=task == "sample")

    def run(self, frame: Any) -> Any:
        self.con.register("frame", frame)  # zero-copy scan of the Arrow table
        return self.con.sql(self.sql).to_arrow_table()

    def run_score(self, frame: Any) -> Any:
        self.con.register("frame", frame)
        return self.con.sql(self.sql_score).to_arrow_table()

    def normalize_score(self, result: Any) -> Any:
        df = result.to_pandas()
        return df.set_index(df["agent_id"].astype(str))["score"].astype("float64")

    def run_sample(self, frame: Any) -> Any:
        self.con.register("frame", frame)
        self.con.execute(f"SELECT setseed({SAMPLE_SEED / 100})").fetchall()
        return self.con.sql(self.sql_sample).to_arrow_table()

    def normalize_sample(self, result: Any) -> Any:
        return result.column("contact_id").to_numpy()

    def normalize(self, result: Any) -> Any:
        df = result.to_pandas()
        for k in KPIS:
            df[k] = df[k].astype("float64")
        return df.set_index(KEYS)[KPIS]


class PolarsEngine:
    name = "polars"

    def __init__(self, threads: int, treatment: str) -> None:
        import polars as pl

        self.pl = pl
        c = pl.col
        ia = c("inbound") & c("answered")
        ab = c("inbound") & ~c("answered")
        an = c("answered")
        known3 = an & c("talk_ms").is_not_null() & c("hold_ms").is_not_null() & c("acw_ms").is_not_null()
        self.aggs = [
            c("inbound").sum().alias("offered"),
            ia.sum().alias("answered"),
            an.sum().alias("handled"),
            c("wait_ms").filter(ia).sum().alias("wait_sum"),
            known3.sum().alias("handle_n"),
            (c("talk_ms") + c("hold_ms") + c("acw_ms")).filter(known3).sum().alias("handle_sum"),
            *[x for d in ("talk", "hold", "acw") for x in (
                c(f"{d}_ms").filter(an).count().alias(f"{d}_n"),
                c(f"{d}_ms").filter(an).sum().alias(f"{d}_sum"))],
            (ia & (c("wait_ms") <= SL_T_MS)).sum().alias("sl_aw"),
            (ab & (c("wait_ms") < SHORT_MS)).sum().alias("sl_short"),
            (ab & (c("wait_ms") >= SHORT_MS) & (c("wait_ms") <= SL_T_MS)).sum().alias("sl_abw"),
            (c("resolved_first_contact") == 1).sum().alias("fcr_resolved"),
            c("resolved_first_contact").count().alias("fcr_base"),
            c("csat").cast(pl.Int64).sum().alias("csat_sum"),
            c("csat").count().alias("csat_n"),
            (c("csat") >= TOP_BOX).sum().alias("csat_top"),
            c("nps").count().alias("nps_n"),
            (c("nps") >= 9).sum().alias("promoters"),
            (c("nps") <= 6).sum().alias("detractors"),
            (an & (c("complaint") == 1)).sum().alias("complaints"),
            c("complaint").filter(an).count().alias("complaint_base"),
            (an & (c("converted") == 1)).sum().alias("conversions"),
            c("converted").filter(an).count().alias("conversion_base"),
        ]

        def ratio(num: Any, den: Any) -> Any:
            return pl.when(den != 0).then(num.cast(pl.Float64) / den)

        slnum = {"against": c("sl_aw"), "ignore": c("sl_aw"), "for": c("sl_aw") + c("sl_abw"),
                 "ignore_all": c("sl_aw")}[treatment]
        base = c("offered") - c("sl_short")
        slden = {"against": base, "ignore": base - c("sl_abw"), "for": base,
                 "ignore_all": c("answered")}[treatment]
        self.finals = [
            c("agent_id").cast(pl.String), c("day").cast(pl.String),
            *self._kpi_exprs(pl, ratio, slnum, slden)]
        self.finals_agent = [c("agent_id").cast(pl.String), *self._kpi_exprs(pl, ratio, slnum, slden)]
        self.score = sum(w * rule_polars(pl, c(k), rule) for k, w, rule in SCORE_RULES).alias("score")

    @staticmethod
    def _kpi_exprs(pl: Any, ratio: Any, slnum: Any, slden: Any) -> list:
        c = pl.col
        return [
            c("offered"), c("answered"), (c("offered") - c("answered")).alias("abandoned"), c("handled"),
            ratio(c("wait_sum") / 1000.0, c("answered")).alias("asa_s"),
            ratio(c("handle_sum") / 1000.0, c("handle_n")).alias("aht_s"),
            ratio(c("talk_sum") / 1000.0, c("talk_n")).alias("avg_talk_s"),
            ratio(c("hold_sum") / 1000.0, c("hold_n")).alias("avg_hold_s"),
            ratio(c("acw_sum") / 1000.0, c("acw_n")).alias("avg_acw_s"),
            ratio(slnum, slden).alias("service_level"),
            ratio(c("offered") - c("answered"), c("offered")).alias("abandon_rate"),
            ratio(c("answered"), c("offered")).alias("connect_rate"),
            ratio(c("fcr_resolved"), c("fcr_base")).alias("fcr"),
            ratio(c("csat_sum"), c("csat_n")).alias("csat_mean"),
            ratio(c("csat_top"), c("csat_n")).alias("csat_top_box"),
            ratio(100.0 * (c("promoters").cast(pl.Int64) - c("detractors")), c("nps_n")).alias("nps"),
            ratio(c("complaints"), c("complaint_base")).alias("complaint_rate"),
            ratio(c("conversions"), c("conversion_base")).alias("conversion_rate"),
        ]

    def prepare(self, a: dict[str, Any], task: str = "agg") -> Any:
        return self.pl.from_arrow(arrow_table(a, with_id=task == "sample"))

    def run_score(self, frame: Any) -> Any:
        pl = self.pl
        return (frame.lazy().group_by("agent_id").agg(self.aggs).select(self.finals_agent)
                .select(pl.col("agent_id"), self.score).collect())

    def normalize_score(self, result: Any) -> Any:
        df = result.to_pandas()
        return df.set_index(df["agent_id"].astype(str))["score"].astype("float64")

    def run_sample(self, frame: Any) -> Any:
        # Stratified SRS: a seeded shuffle of the row numbers within each agent x day stratum,
        # keep those below round(15 % of its size).
        pl = self.pl
        strata = [pl.col("agent_id"), pl.col("arrived_at").dt.date()]
        keep = (pl.int_range(pl.len()).shuffle(seed=SAMPLE_SEED).over(strata)
                < (pl.len() * SAMPLE_RATE).round().over(strata))
        return frame.lazy().filter(keep).select("contact_id").collect()

    def normalize_sample(self, result: Any) -> Any:
        return result["contact_id"].to_numpy()

    def run(self, frame: Any) -> Any:
        pl = self.pl
        return (frame.lazy()
                .group_by(pl.col("agent_id"), pl.col("arrived_at").dt.date().alias("day"))
                .agg(self.aggs)
                .select(self.finals)
                .collect())

    def normalize(self, result: Any) -> Any:
        df = result.to_pandas()
        for k in KPIS:
            df[k] = df[k].astype("float64")
        return df.set_index(KEYS)[KPIS]


class PandasEngine:
    name = "pandas"

    def __init__(self, threads: int, treatment: str) -> None:
        self.treatment = treatment

    def prepare(self, a: dict[str, Any], task: str = "agg") -> Any:
        return pandas_frame(a, with_id=task == "sample")

    def run_score(self, df: Any) -> Any:
        import pandas as pd

        k = self.run(df, by_day=False)
        score = sum(w * rule_numpy(k[name].to_numpy(dtype="float64", na_value=float("nan")), rule)
                    for name, w, rule in SCORE_RULES)
        return pd.Series(score, index=k.index, name="score")

    def normalize_score(self, result: Any) -> Any:
        return result.set_axis(result.index.astype(str))

    def run_sample(self, df: Any) -> Any:
        # groupby().sample: round(frac x size) rows of each agent x day stratum at random.
        strata = [df["agent_id"], df["arrived_at"].dt.floor("D")]
        return df.groupby(strata, observed=True, sort=False)["contact_id"].sample(frac=SAMPLE_RATE,
                                                                                 random_state=SAMPLE_SEED)

    def normalize_sample(self, result: Any) -> Any:
        return result.to_numpy(dtype="int64")

    def run(self, df: Any, by_day: bool = True) -> Any:
        # Vectorised per-record indicator columns, then one groupby-sum (the fast pandas idiom;
        # a groupby.agg of lambdas would be a strawman), then the ratios column-wise.
        import pandas as pd

        # KPISCORE_COMPARE_SKEW=pandas: a deliberately wrong threshold, so tests/python/
        # test_compare.py can show that the agreement check fails.
        sl_t = SL_T_MS - 1000 if os.environ.get("KPISCORE_COMPARE_SKEW") == "pandas" else SL_T_MS
        inb, ans = df["inbound"], df["answered"]
        ia, ab = inb & ans, inb & ~ans
        w = df["wait_ms"]
        known = {d: ans & df[f"{d}_ms"].notna() for d in ("talk", "hold", "acw")}
        known3 = known["talk"] & known["hold"] & known["acw"]
        handle = df["talk_ms"] + df["hold_ms"] + df["acw_ms"]
        fcr, csat, nps = df["resolved_first_contact"], df["csat"], df["nps"]
        comp, conv = df["complaint"], df["converted"]
        x = pd.DataFrame({
            "offered": inb, "answered": ia, "handled": ans,
            "wait_sum": w.where(ia, 0), "handle_n": known3, "handle_sum": handle.where(known3, 0),
            "talk_n": known["talk"], "talk_sum": df["talk_ms"].where(known["talk"], 0),
            "hold_n": known["hold"], "hold_sum": df["hold_ms"].where(known["hold"], 0),
            "acw_n": known["acw"], "acw_sum": df["acw_ms"].where(known["acw"], 0),
            "sl_aw": ia & (w <= sl_t), "sl_short": ab & (w < SHORT_MS),
            "sl_abw": ab & (w >= SHORT_MS) & (w <= sl_t),
            "fcr_resolved": (fcr == 1).fillna(False), "fcr_base": fcr.notna(),
            "csat_sum": csat.astype("Int64").fillna(0), "csat_n": csat.notna(),
            "csat_top": (csat >= TOP_BOX).fillna(False),
            "nps_n": nps.notna(), "promoters": (nps >= 9).fillna(False), "detractors": (nps <= 6).fillna(False),
            "complaints": (ans & (comp == 1)).fillna(False), "complaint_base": ans & comp.notna(),
            "conversions": (ans & (conv == 1)).fillna(False), "conversion_base": ans & conv.notna(),
        })
        keys = [df["agent_id"], df["arrived_at"].dt.floor("D").rename("day")] if by_day else [df["agent_id"]]
        g = x.groupby(keys, observed=True, sort=False).sum()

        def ratio(num: Any, den: Any) -> Any:
            return (num.astype("float64") / den.where(den != 0)).astype("float64")

        base = g["offered"] - g["sl_short"]
        slnum = g["sl_aw"] + (g["sl_abw"] if self.treatment == "for" else 0)
        slden = {"against": base, "ignore": base - g["sl_abw"], "for": base,
                 "ignore_all": g["answered"]}[self.treatment]
        return pd.DataFrame({
            "offered": g["offered"], "answered": g["answered"],
            "abandoned": g["offered"] - g["answered"], "handled": g["handled"],
            "asa_s": ratio(g["wait_sum"] / 1000.0, g["answered"]),
            "aht_s": ratio(g["handle_sum"].astype("float64") / 1000.0, g["handle_n"]),
            "avg_talk_s": ratio(g["talk_sum"].astype("float64") / 1000.0, g["talk_n"]),
            "avg_hold_s": ratio(g["hold_sum"].astype("float64") / 1000.0, g["hold_n"]),
            "avg_acw_s": ratio(g["acw_sum"].astype("float64") / 1000.0, g["acw_n"]),
            "service_level": ratio(slnum, slden),
            "abandon_rate": ratio(g["offered"] - g["answered"], g["offered"]),
            "connect_rate": ratio(g["answered"], g["offered"]),
            "fcr": ratio(g["fcr_resolved"], g["fcr_base"]),
            "csat_mean": ratio(g["csat_sum"], g["csat_n"]),
            "csat_top_box": ratio(g["csat_top"], g["csat_n"]),
            "nps": ratio(100.0 * (g["promoters"] - g["detractors"]), g["nps_n"]),
            "complaint_rate": ratio(g["complaints"], g["complaint_base"]),
            "conversion_rate": ratio(g["conversions"], g["conversion_base"]),
        })

    def normalize(self, result: Any) -> Any:
        df = result.reset_index()
        df["agent_id"] = df["agent_id"].astype(str)
        df["day"] = df["day"].dt.strftime("%Y-%m-%d")
        for k in KPIS:
            df[k] = df[k].astype("float64")
        return df.set_index(KEYS)[KPIS]


# task -> (the engine's timed method, its normalize method)
TASK_METHODS = {"agg": ("run", "normalize"), "score": ("run_score", "normalize_score"),
                "sample": ("run_sample", "normalize_sample")}

ENGINE_CLASSES: dict[str, Callable[[int, str], Any]] = {
    "kpiscore": KpiscoreEngine, "kpiscore aggregate": KpiscoreAggregate, "duckdb": DuckdbEngine,
    "polars": PolarsEngine, "pandas": PandasEngine}


# --------------------------------------------------------------------------- CSV readers
def write_csv(a: dict[str, Any], path: Path) -> None:
    """The same records as a kpiscore contacts CSV (docs/input.md): decimal seconds, direction
    text, empty fields for nulls, ISO-8601 UTC timestamps with Z."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    n = len(a["wait_ms"])

    def seconds(ms: Any, valid: Any = None) -> Any:
        text = pc.binary_join_element_wise(pc.cast(ms // 1000, pa.string()),
                                           pc.utf8_lpad(pc.cast(ms % 1000, pa.string()), 3, "0"), ".")
        return text if valid is None else pc.if_else(pa.array(valid), text, pa.scalar(None, pa.string()))

    def small(v: Any) -> Any:
        return pa.array(v, mask=v < 0, type=pa.int8())

    ts = pc.strftime(pa.array(a["arrived_at"]), format="%Y-%m-%dT%H:%M:%S")
    table = pa.table({
        "contact_id": pc.binary_join_element_wise("C", pc.cast(pa.array(np.arange(n)), pa.string()), ""),
        "arrived_at": pc.binary_join_element_wise(ts, "Z", ""),
        "direction": pc.if_else(pa.array(a["inbound"]), "inbound", "outbound"),
        "agent_id": pa.array(np.array(agent_labels(), dtype=object)[a["agent_code"]]),
        "answered": pa.array(a["answered"].astype(np.int8)),
        "wait_s": seconds(a["wait_ms"]),
        "talk_s": seconds(a["talk_ms"], a["talk_valid"]),
        "hold_s": seconds(a["hold_ms"], a["hold_valid"]),
        "acw_s": seconds(a["acw_ms"], a["acw_valid"]),
        **{s: small(a[s]) for s in ("resolved_first_contact", "csat", "nps", "complaint", "converted")},
    })
    with open(path, "wb") as f:
        f.write((",".join(table.column_names) + "\n").encode())
        pcsv.write_csv(table, f, pcsv.WriteOptions(include_header=False, quoting_style="none"))


def csv_reader(engine: str, threads: int) -> tuple[Callable[[str], Any], Callable[[Any], dict]]:
    """(read(path) -> engine-native table, summary(table) -> checked sums)."""
    if engine == "kpiscore":
        import kpiscore

        opts = {"threads": threads}

        def read(p: str) -> Any:
            return kpiscore.read(p, options=opts, tz="UTC")

        def summary(c: Any) -> dict:
            s = c.summary
            return {"rows": int(s.get("accepted", len(c))), "rejected": int(s.get("rejected", 0))}
        return read, summary
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect(":memory:")
        con.execute(f"SET threads = {threads}")

        def read(p: str) -> Any:
            # Materialised as a DuckDB table (its native storage); types inferred.
            con.execute(f"CREATE OR REPLACE TABLE contacts AS SELECT * FROM read_csv('{p}')")
            return con

        def summary(c: Any) -> dict:
            rows, wait, talk = c.execute("SELECT count(*), sum(round(wait_s * 1000)), count(talk_s) "
                                         "FROM contacts").fetchone()
            return {"rows": rows, "rejected": 0, "wait_ms": int(wait), "talk_n": talk}
        return read, summary
    if engine == "polars":
        import polars as pl

        def read(p: str) -> Any:
            return pl.read_csv(p, try_parse_dates=True)

        return read, lambda df: {"rows": df.height, "rejected": 0,
                                 "wait_ms": int((df["wait_s"] * 1000).round().sum()),
                                 "talk_n": df.height - df["talk_s"].null_count()}
    if engine == "pandas":
        import pandas as pd

        def read(p: str) -> Any:
            return pd.read_csv(p, engine="pyarrow")

        return read, lambda df: {"rows": len(df), "rejected": 0,
                                 "wait_ms": int((df["wait_s"] * 1000).round().sum()),
                                 "talk_n": int(df["talk_s"].notna().sum())}
    raise ValueError(engine)


# --------------------------------------------------------------------------- worker process
def rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def peak_rss_kib() -> int:
    """This process's peak RSS: VmHWM, the high-water mark of its own address space. Not
    getrusage's ru_maxrss: Linux carries that across fork and exec, so a worker would report the
    parent's peak when the parent had loaded the data."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak_rss() -> None:
    """Resets VmHWM to the current RSS (Linux >= 4.0: writing 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass  # then the peak includes building the frame, as ru_maxrss would


def worker(args: argparse.Namespace) -> None:
    """One engine x thread setting in its own process; prints one JSON line."""
    out: dict[str, Any] = {}
    if args.task in TASK_METHODS:
        a = load(Path(args.data))
        engine = ENGINE_CLASSES[args.engine](args.threads, args.abandons)
        run_name, normalize_name = TASK_METHODS[args.task]
        t0 = time.perf_counter()
        frame = engine.prepare(a, args.task)
        out["prepare_s"] = time.perf_counter() - t0
        del a
        out["rss_ready_kib"] = rss_kib()
        # From here the peak is the work's: the high-water mark of loading the .npy files and
        # building the frame (each engine's own input, held through the runs) is reset, so the
        # peak counts the frame plus what the engine allocates on top of it.
        reset_peak_rss()
        times, cpu = [], []
        for i in range(args.runs + 1):  # run 0: warm-up (its result is the one checked)
            c0 = time.process_time()
            t0 = time.perf_counter()
            result = getattr(engine, run_name)(frame)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            if i == 0 and args.emit:
                with open(args.emit, "wb") as f:
                    pickle.dump(getattr(engine, normalize_name)(result), f)
            del result
        out["times_s"] = times[1:]
        out["cpu_s"] = cpu[1:]  # process CPU time (all threads): the steadier figure on a loaded machine
    elif args.task == "csv":
        read, summary = csv_reader(args.engine, args.threads)
        times, cpu = [], []
        for i in range(args.runs + 1):
            c0 = time.process_time()
            t0 = time.perf_counter()
            table = read(args.data)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            if i == 0:
                out["summary"] = summary(table)
            del table
        out["times_s"] = times[1:]
        out["cpu_s"] = cpu[1:]
    out["peak_rss_kib"] = peak_rss_kib()
    print(json.dumps(out))


def run_worker(task: str, engine: str, data: Path, threads: int, runs: int, abandons: str,
               emit: Path | None = None) -> dict:
    env = dict(os.environ)
    # Thread counts read at import time (Polars) or by the BLAS/Arrow pools.
    env["POLARS_MAX_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    env["ARROW_NUM_THREADS"] = str(threads)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", task, "--engine", engine,
           "--data", str(data), "--threads", str(threads), "--runs", str(runs), "--abandons", abandons]
    if emit:
        cmd += ["--emit", str(emit)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{engine} ({task}, {threads} threads) failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- agreement
def compare_frames(ref: Any, other: Any, name: str, rtol: float = 1e-9) -> list[str]:
    import numpy as np

    bad: list[str] = []
    ref = ref.sort_index()
    other = other.sort_index()
    if not ref.index.equals(other.index):
        return [f"{name}: group sets differ ({len(ref)} vs {len(other)} groups; only in kpiscore "
                f"{list(ref.index.difference(other.index)[:3])}, only in {name} "
                f"{list(other.index.difference(ref.index)[:3])})"]
    for k in KPIS:
        x = ref[k].to_numpy(dtype=float)
        y = other[k].to_numpy(dtype=float)
        both_null = np.isnan(x) & np.isnan(y)
        if k in COUNTS:
            ok = both_null | (x == y)
        else:
            ok = both_null | (np.abs(x - y) <= rtol * np.maximum(np.abs(x), np.abs(y)))
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            bad.append(f"{name}: {k} differs in {int((~ok).sum())} groups, e.g. {ref.index[i]}: "
                       f"kpiscore {x[i]!r}, {name} {y[i]!r}")
    return bad


def check_agreement(data: Path, tmp: Path, threads: int, abandons: str, engines: list[str]) -> tuple[int, int]:
    import pandas as pd

    frames = {}
    for e in engines:
        path = tmp / f"{e.replace(' ', '_')}_{abandons}.pkl"
        run_worker("agg", e, data, threads, 0, abandons, emit=path)
        frames[e] = pd.read_pickle(path)  # written with pickle.dump
    ref = frames["kpiscore"]
    bad = [m for e in engines if e != "kpiscore" for m in compare_frames(ref, frames[e], e)]
    if bad:
        raise SystemExit("engines disagree:\n  " + "\n  ".join(bad))
    nulls = int(ref.isna().sum().sum())
    print(f"agreement ({abandons}): {len(ref)} groups x {len(KPIS)} KPIs equal in "
          f"{', '.join(engines)} (relative 1e-9, counts exact, {nulls} nulls in all)", flush=True)
    return len(ref), nulls


def check_score_agreement(data: Path, tmp: Path, threads: int, engines: list[str]) -> int:
    """Every engine's overall score per agent equals kpiscore's within SCORE_ATOL (same agents)."""
    import numpy as np

    scores = {}
    for e in engines:
        path = tmp / f"{e}_score.pkl"
        run_worker("score", e, data, threads, 0, "against", emit=path)
        with open(path, "rb") as f:
            scores[e] = pickle.load(f).sort_index()
    ref = scores["kpiscore"]
    bad = []
    for e in engines[1:]:
        other = scores[e]
        if not ref.index.equals(other.index):
            bad.append(f"{e}: agents differ ({len(ref)} vs {len(other)})")
            continue
        diff = np.abs(ref.to_numpy() - other.to_numpy())
        if not (diff <= SCORE_ATOL).all():
            i = int(np.argmax(diff))
            bad.append(f"{e}: score differs for {int((diff > SCORE_ATOL).sum())} agents, e.g. {ref.index[i]}: "
                       f"kpiscore {ref.iloc[i]!r}, {e} {other.iloc[i]!r}")
    if bad:
        raise SystemExit("scores disagree:\n  " + "\n  ".join(bad))
    print(f"scores: {len(ref)} agents, overall score equal within {SCORE_ATOL} in {', '.join(engines)} "
          f"(mean {ref.mean():.3f})", flush=True)
    return len(ref)


def check_sample_agreement(data: Path, tmp: Path, threads: int, engines: list[str]) -> dict[str, int]:
    """Every engine's sample is a stratified 15 % sample of the same strata: distinct contacts, and
    in every agent x UTC day stratum of N_h contacts floor(0.15 N_h) or ceil(0.15 N_h) of them
    (kpiscore's largest remainder and the others' per-stratum rounding may differ by one where
    0.15 N_h has a fractional part; the random draws differ by design)."""
    import numpy as np

    a = load(data)
    day = a["arrived_at"].astype("datetime64[D]").astype(np.int64)
    stratum = a["agent_code"].astype(np.int64) * (day.max() - day.min() + 1) + (day - day.min())
    _, stratum = np.unique(stratum, return_inverse=True)
    size = np.bincount(stratum)
    q = SAMPLE_RATE * size
    totals = {}
    for e in engines:
        path = tmp / f"{e}_sample.pkl"
        run_worker("sample", e, data, threads, 0, "against", emit=path)
        with open(path, "rb") as f:
            ids = np.asarray(pickle.load(f), dtype=np.int64)
        if len(np.unique(ids)) != len(ids) or (len(ids) and (ids.min() < 0 or ids.max() >= len(day))):
            raise SystemExit(f"sample: {e} selected unknown or repeated contacts")
        got = np.bincount(stratum[ids], minlength=len(size))
        off = (got < np.floor(q - 1e-9)) | (got > np.ceil(q + 1e-9))
        if off.any():
            h = int(np.flatnonzero(off)[0])
            raise SystemExit(f"sample: {e} took {got[h]} of a stratum of {size[h]} (15 % = {q[h]:.2f}) "
                             f"in {int(off.sum())} strata")
        totals[e] = len(ids)
        if e == "kpiscore" and len(ids) != int(np.floor(SAMPLE_RATE * len(day) + 0.5)):
            raise SystemExit(f"sample: kpiscore took {len(ids)}, its plan's total is round(15 % x {len(day)})")
    print(f"sample: {len(size)} strata, every engine within floor/ceil of 15 % per stratum; sizes "
          + ", ".join(f"{e} {n}" for e, n in totals.items()), flush=True)
    return totals


def check_csv_agreement(results: dict[str, dict], rows: int, arrays: dict[str, Any]) -> None:
    """Every reader: all rows, no rejects; the others also the same total wait (in ms) and count
    of known talk times as the generated arrays (kpiscore.read exposes only its counts here; its
    values are checked by the KPI agreement above and by its own tests)."""
    want = {"rows": rows, "rejected": 0, "wait_ms": int(arrays["wait_ms"].sum()),
            "talk_n": int(arrays["talk_valid"].sum())}
    for e, r in results.items():
        s = r["summary"]
        bad = {k: v for k, v in s.items() if want[k] != v}
        if bad:
            raise SystemExit(f"CSV reader {e}: read {s}, expected {want}")


# --------------------------------------------------------------------------- report
def stream(build: Path, threads: int) -> dict:
    exe = build / "benchmarks" / "stream_bandwidth"
    if not exe.exists():
        raise SystemExit(f"{exe} not found: ninja -C {build} stream_bandwidth")
    proc = subprocess.run([str(exe), "--mib=1024", f"--threads={threads}", "--runs=5", "--json"],
                          check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(proc.stdout)


def fmt_s(t: float) -> str:
    return f"{t * 1000:.1f} ms" if t < 10 else f"{t:.2f} s"


def table(title: str, rows: list[dict]) -> str:
    head = ["engine", "threads", "best", "median", "median / kpiscore", "median CPU", "CPU / kpiscore",
            "peak RSS", "RSS ready", "work memory"]
    lines = [title, "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ref = {r["threads"]: statistics.median(r["times_s"]) for r in rows if r["engine"] == "kpiscore"}
    ref_cpu = {r["threads"]: statistics.median(r["cpu_s"]) for r in rows if r["engine"] == "kpiscore" and "cpu_s" in r}
    for r in rows:
        med = statistics.median(r["times_s"])
        base = ref.get(r["threads"]) or ref.get(1)
        ratio = f"{med / base:.2f}x" if base else "-"
        ready = f"{r['rss_ready_kib'] / 1024:.0f} MiB" if "rss_ready_kib" in r else "-"
        cpu = statistics.median(r["cpu_s"]) if "cpu_s" in r else None
        cbase = ref_cpu.get(r["threads"]) or ref_cpu.get(1)
        cpu_s = fmt_s(cpu) if cpu is not None else "-"
        cpu_ratio = f"{cpu / cbase:.2f}x" if cpu is not None and cbase else "-"
        work = f"{(r['peak_rss_kib'] - r['rss_ready_kib']) / 1024:.0f} MiB" if "rss_ready_kib" in r else "-"
        lines.append(f"| {r['engine']} | {r['threads']} | {fmt_s(min(r['times_s']))} | {fmt_s(med)} | "
                     f"{ratio} | {cpu_s} | {cpu_ratio} | {r['peak_rss_kib'] / 1024:.0f} MiB | {ready} | {work} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", default="1000000,10000000,50000000", help="comma-separated sizes")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up (default 3)")
    p.add_argument("--pandas-runs", type=int, help="runs for pandas at sizes >= 10M (default --runs)")
    p.add_argument("--threads", default=f"1,{os.cpu_count()}", help="thread settings (default 1,all)")
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--abandons", default="against", choices=TREATMENTS)
    p.add_argument("--tasks", default="agg,score,sample,csv",
                   help="agg (KPI aggregation), score (scorecard over per-agent KPIs), sample (stratified "
                        "15 %% sample), csv (reading the CSV)")
    p.add_argument("--csv-rows", type=int, default=10_000_000, help="size of the CSV read test")
    p.add_argument("--build", type=Path, default=ROOT / "build", help="for stream_bandwidth")
    p.add_argument("--workdir", type=Path, help="keep generated data here (default: a temp dir)")
    p.add_argument("--json", type=Path, help="also write every figure to this file")
    p.add_argument("--tiny", action="store_true",
                   help="agreement only, 3000 records, every abandon treatment and the CSV readers")
    # internal: worker processes
    p.add_argument("--worker", choices=["agg", "score", "sample", "csv"], help=argparse.SUPPRESS)
    p.add_argument("--engine", help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.add_argument("--emit", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        args.task = args.worker
        args.threads = int(args.threads)
        worker(args)
        return

    engines = [e.strip() for e in args.engines.split(",")]
    if "kpiscore" not in engines:
        raise SystemExit("--engines: kpiscore is the reference and must be included")
    with tempfile.TemporaryDirectory(prefix="kpiscore-compare-") as tmpdir:
        tmp = Path(tmpdir)
        work = args.workdir.resolve() if args.workdir else tmp
        work.mkdir(parents=True, exist_ok=True)
        if args.tiny:
            tiny(work, tmp, args.seed, engines)
            return
        run_all(args, work, tmp, engines)


def tiny(work: Path, tmp: Path, seed: int, engines: list[str]) -> None:
    data = data_dir(work, 3000, seed)
    for treatment in TREATMENTS:
        check_agreement(data, tmp, 1, treatment, engines + ["kpiscore aggregate"])
    csv = work / "contacts_tiny.csv"
    check_score_agreement(data, tmp, 1, engines)
    # Strata of about 6 contacts (agent x day over 200 000 records), so the per-stratum sizes
    # (0, 1 or 2) are a real check; at 3 000 records nearly every stratum has one contact.
    check_sample_agreement(data_dir(work, 200_000, seed), tmp, 1, engines)
    write_csv(load(data), csv)
    res = {e: run_worker("csv", e, csv, 1, 0, "against") for e in engines}
    check_csv_agreement(res, 3000, load(data))
    print(f"CSV: {', '.join(engines)} read the same 3000 records")


def run_all(args: argparse.Namespace, work: Path, tmp: Path, engines: list[str]) -> None:
    import platform

    sizes = [int(s) for s in args.rows.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    report: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                              "load_before": os.getloadavg(), "machine": platform.processor() or platform.machine(),
                              "cpus": os.cpu_count(), "abandons": args.abandons, "runs": args.runs,
                              "versions": versions(), "sizes": {}}
    print(f"load average before: {report['load_before']}", flush=True)
    bw = {t: stream(args.build, t) for t in threads}
    report["stream"] = bw
    for t, b in bw.items():
        print(f"STREAM {t} thread(s): read {b['read_gb_s']:.2f} GB/s, copy {b['copy_gb_s']:.2f}, "
              f"triad {b['triad_gb_s']:.2f} GB/s", flush=True)
    out_lines = []
    if "agg" in args.tasks:
        for n in sizes:
            data = data_dir(work, n, args.seed)
            groups, _ = check_agreement(data, tmp, max(threads), args.abandons, engines)
            rows: list[dict] = []
            for t in threads:
                for e in engines + ["kpiscore aggregate"]:
                    if e == "pandas" and t != threads[0]:
                        continue  # pandas has no thread setting: measured once
                    runs = args.runs
                    if e == "pandas" and n >= 10_000_000 and args.pandas_runs is not None:
                        runs = args.pandas_runs
                    r = run_worker("agg", e, data, t, runs, args.abandons)
                    r.update(engine=e, threads=t)
                    rows.append(r)
                    print(f"  {n:,} rows {e:18} {t} thr: median {fmt_s(statistics.median(r['times_s']))}", flush=True)
            for r in rows:
                if r["engine"].startswith("kpiscore"):
                    med = statistics.median(r["times_s"])
                    gbs = BYTES_PER_RECORD * n / med / 1e9
                    r["gb_s"] = gbs
                    r["bandwidth_fraction"] = gbs / bw[r["threads"]]["read_gb_s"]
            report["sizes"][n] = {"groups": groups, "rows": rows}
            out_lines.append(table(f"\n{n:,} records, {groups:,} groups (agent_id x day), "
                                   f"best / median of {args.runs} after a warm-up", rows))
            for r in rows:
                if "gb_s" in r:
                    out_lines.append(f"  {r['engine']} {r['threads']} thr: {BYTES_PER_RECORD} B/record -> "
                                     f"{r['gb_s']:.2f} GB/s = {100 * r['bandwidth_fraction']:.1f} % of STREAM "
                                     f"read {bw[r['threads']]['read_gb_s']:.2f} GB/s")
            print("\n".join(out_lines[-1 - sum("gb_s" in r for r in rows):]), flush=True)
    for task in ("score", "sample"):
        if task not in args.tasks:
            continue
        for n in sizes:
            data = data_dir(work, n, args.seed)
            if task == "score":
                what = f"{check_score_agreement(data, tmp, max(threads), engines):,} agents scored"
            else:
                what = "stratified 15 % sample of agent x day strata"
            if task == "sample":
                check_sample_agreement(data, tmp, max(threads), engines)
            rows = []
            for t in threads:
                for e in engines:
                    if e == "pandas" and t != threads[0]:
                        continue
                    runs = args.runs
                    if e == "pandas" and n >= 10_000_000 and args.pandas_runs is not None:
                        runs = args.pandas_runs
                    r = run_worker(task, e, data, t, runs, args.abandons)
                    r.update(engine=e, threads=t)
                    rows.append(r)
                    print(f"  {task} {n:,} rows {e:10} {t} thr: median {fmt_s(statistics.median(r['times_s']))}",
                          flush=True)
            report.setdefault(task, {})[n] = rows
            out_lines.append(table(f"\n{task}: {n:,} records, {what}, best / median of {args.runs} after a warm-up",
                                   rows))
            print(out_lines[-1], flush=True)
    if "csv" in args.tasks:
        n = args.csv_rows
        data = data_dir(work, n, args.seed)
        csv = data / "contacts.csv"
        arrays = load(data)
        if not csv.exists():
            write_csv(arrays, csv)
        rows = []
        for t in threads:
            res = {e: run_worker("csv", e, csv, t, args.runs, args.abandons) for e in engines}
            check_csv_agreement(res, n, arrays)
            for e, r in res.items():
                r.update(engine=e, threads=t)
                rows.append(r)
        report["csv"] = {"rows": n, "bytes": csv.stat().st_size, "results": rows}
        out_lines.append(table(f"\nReading the contacts CSV: {n:,} records, {csv.stat().st_size / 1e6:.0f} MB", rows))
    report["load_after"] = os.getloadavg()
    print("\n\n# Summary\n" + "\n".join(out_lines))
    print(f"\nload average before {report['load_before']}, after {report['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for m in ("numpy", "pandas", "pyarrow", "duckdb", "polars"):
        try:
            out[m] = __import__(m).__version__
        except ImportError:
            out[m] = "missing"
    return out


if __name__ == "__main__":
    main()
