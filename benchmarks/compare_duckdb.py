#!/usr/bin/env python3
"""Side-by-side of kpiscore and DuckDB on the same generated contacts (docs/performance.md).

Generates contacts with build/generate_contacts (ROWS, seed, agents) into a temporary directory,
checks that kpiscore and DuckDB agree on every KPI of every agent_id x day group (relative 1e-9,
counts exactly), then times:

  end-to-end   `kpiscore kpis --input F --by agent_id,day --format csv --threads N` (a process)
               vs DuckDB read_csv + the KPI query, result written as CSV (COPY ... TO)
  aggregation  kpiscore's in-memory aggregate() measured by bench_aggregate (BM_Aggregate, the
               same seeded records generated in memory) vs the DuckDB GROUP BY query alone over
               the records loaded once into an in-memory table

for N = 1 and 2 threads. Each engine runs in its own subprocess; each figure is the best and the
median of 3 runs after one warm-up.

    .venv/bin/python benchmarks/compare_duckdb.py                  # 10M rows
    .venv/bin/python benchmarks/compare_duckdb.py --rows 20000 --check-only   # CI, seconds
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["agent_id", "day"]
KPIS = ["offered", "answered", "abandoned", "handled", "asa_s", "aht_s", "avg_talk_s", "avg_hold_s",
        "avg_acw_s", "service_level", "abandon_rate", "connect_rate", "fcr", "csat_mean",
        "csat_top_box", "nps", "complaint_rate", "conversion_rate"]
COUNTS = {"offered", "answered", "abandoned", "handled"}
SL_THRESHOLD_MS = 20_000  # the documented default service-level threshold (20 s, wait <= T)
CSAT_TOP_BOX_MIN = 4

# The CSV as DuckDB reads it: exact decimal seconds (converted to integer milliseconds like
# kpiscore does), so sums are exact and the comparison only sees the final division.
CSV_COLUMNS = {
    "contact_id": "VARCHAR", "arrived_at": "TIMESTAMPTZ", "direction": "VARCHAR",
    "channel": "VARCHAR", "category": "VARCHAR", "customer_type": "VARCHAR",
    "agent_id": "VARCHAR", "team": "VARCHAR", "vendor": "VARCHAR", "queue": "VARCHAR",
    "answered": "UTINYINT", "wait_s": "DECIMAL(18,3)", "talk_s": "DECIMAL(18,3)",
    "hold_s": "DECIMAL(18,3)", "acw_s": "DECIMAL(18,3)", "resolved_first_contact": "TINYINT",
    "csat": "TINYINT", "nps": "TINYINT", "complaint": "TINYINT", "converted": "TINYINT",
}

# Typed columns, the counterpart of kpiscore's ContactTable: flags as 0/1, durations as integer
# milliseconds (NULL when missing), survey scores as small ints (NULL when missing).
TYPED_SELECT = """
SELECT agent_id,
       arrived_at,
       CAST(direction = 'inbound' AS UTINYINT) AS inbound,
       answered,
       CAST(wait_s * 1000 AS BIGINT) AS wait_ms,
       CAST(talk_s * 1000 AS BIGINT) AS talk_ms,
       CAST(hold_s * 1000 AS BIGINT) AS hold_ms,
       CAST(acw_s * 1000 AS BIGINT) AS acw_ms,
       resolved_first_contact AS fcr,
       csat, nps, complaint, converted
FROM {source}
"""

# The KPI definitions of docs/kpis.md with the default options, grouped by agent and UTC day.
KPI_SQL = f"""
SELECT agent_id, CAST(day AS VARCHAR) AS day,
  offered, answered, offered - answered AS abandoned, handled,
  asa_ms / 1000.0 AS asa_s,
  aht_ms / 1000.0 AS aht_s,
  talk_ms / 1000.0 AS avg_talk_s,
  hold_ms / 1000.0 AS avg_hold_s,
  acw_ms / 1000.0 AS avg_acw_s,
  CAST(sl_within AS DOUBLE) / NULLIF(offered, 0) AS service_level,
  CAST(offered - answered AS DOUBLE) / NULLIF(offered, 0) AS abandon_rate,
  CAST(answered AS DOUBLE) / NULLIF(offered, 0) AS connect_rate,
  CAST(fcr_resolved AS DOUBLE) / NULLIF(fcr_known, 0) AS fcr,
  csat_mean,
  CAST(csat_top AS DOUBLE) / NULLIF(csat_n, 0) AS csat_top_box,
  100.0 * (nps_promoters - nps_detractors) / NULLIF(nps_n, 0) AS nps,
  CAST(complaints AS DOUBLE) / NULLIF(complaint_known, 0) AS complaint_rate,
  CAST(conversions AS DOUBLE) / NULLIF(conversion_known, 0) AS conversion_rate
FROM (
  SELECT agent_id, CAST(arrived_at AS DATE) AS day,
    count(*) FILTER (WHERE inbound = 1) AS offered,
    count(*) FILTER (WHERE inbound = 1 AND answered = 1) AS answered,
    count(*) FILTER (WHERE answered = 1) AS handled,
    avg(wait_ms) FILTER (WHERE inbound = 1 AND answered = 1) AS asa_ms,
    avg(talk_ms + hold_ms + acw_ms) FILTER (WHERE answered = 1 AND talk_ms IS NOT NULL
                                           AND hold_ms IS NOT NULL AND acw_ms IS NOT NULL) AS aht_ms,
    avg(talk_ms) FILTER (WHERE answered = 1) AS talk_ms,
    avg(hold_ms) FILTER (WHERE answered = 1) AS hold_ms,
    avg(acw_ms) FILTER (WHERE answered = 1) AS acw_ms,
    count(*) FILTER (WHERE inbound = 1 AND answered = 1 AND wait_ms <= {SL_THRESHOLD_MS}) AS sl_within,
    count(*) FILTER (WHERE fcr = 1) AS fcr_resolved,
    count(fcr) AS fcr_known,
    avg(csat) AS csat_mean,
    count(csat) AS csat_n,
    count(*) FILTER (WHERE csat >= {CSAT_TOP_BOX_MIN}) AS csat_top,
    count(nps) AS nps_n,
    count(*) FILTER (WHERE nps >= 9) AS nps_promoters,
    count(*) FILTER (WHERE nps <= 6) AS nps_detractors,
    count(*) FILTER (WHERE answered = 1 AND complaint = 1) AS complaints,
    count(complaint) FILTER (WHERE answered = 1) AS complaint_known,
    count(*) FILTER (WHERE answered = 1 AND converted = 1) AS conversions,
    count(converted) FILTER (WHERE answered = 1) AS conversion_known
  FROM contacts
  GROUP BY agent_id, CAST(arrived_at AS DATE)
)
"""


def read_csv_sql(path: str) -> str:
    cols = ", ".join(f"'{k}': '{v}'" for k, v in CSV_COLUMNS.items())
    return f"read_csv('{path}', header = true, delim = ',', quote = '\"', columns = {{{cols}}})"


def duckdb_connect(threads: int):
    import duckdb
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {threads}")
    con.execute("SET TimeZone = 'UTC'")
    return con


# --------------------------------------------------------------------------- DuckDB worker
def worker(args) -> None:
    """Runs in its own process: prints one JSON line of results on stdout."""
    t_import = time.perf_counter()
    import duckdb  # noqa: F401
    import_s = time.perf_counter() - t_import
    out: dict = {"import_s": import_s}
    if args.worker == "emit":
        con = duckdb_connect(args.threads)
        con.execute(f"CREATE VIEW contacts AS {TYPED_SELECT.format(source=read_csv_sql(args.input))}")
        con.execute(KPI_SQL).df().to_pickle(args.output)
    elif args.worker == "e2e":
        times = []
        for _ in range(args.runs + 1):  # the first is the warm-up
            t0 = time.perf_counter()
            con = duckdb_connect(args.threads)
            con.execute(f"CREATE VIEW contacts AS {TYPED_SELECT.format(source=read_csv_sql(args.input))}")
            con.execute(f"COPY ({KPI_SQL}) TO '{args.output}' (FORMAT csv, HEADER)")
            con.close()
            times.append(time.perf_counter() - t0)
        out["times_s"] = times[1:]
    elif args.worker == "agg":
        con = duckdb_connect(args.threads)
        t0 = time.perf_counter()
        con.execute(f"CREATE TABLE contacts AS {TYPED_SELECT.format(source=read_csv_sql(args.input))}")
        out["load_s"] = time.perf_counter() - t0
        times = []
        for _ in range(args.runs + 1):
            t0 = time.perf_counter()
            # Materialised inside DuckDB, so no time goes to converting the result to Python.
            con.execute(f"CREATE OR REPLACE TEMP TABLE result AS {KPI_SQL}")
            times.append(time.perf_counter() - t0)
        out["groups"] = con.execute("SELECT count(*) FROM result").fetchone()[0]
        out["times_s"] = times[1:]
    print(json.dumps(out))


def run_worker(kind: str, input_path: Path, threads: int, runs: int, output: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--input", str(input_path),
           "--threads", str(threads), "--runs", str(runs), "--output", str(output)]
    proc = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- kpiscore side
def kpiscore_cmd(build: Path, input_path: Path, threads: int) -> list[str]:
    return [str(build / "kpiscore"), "kpis", "--input", str(input_path), "--by", ",".join(KEYS),
            "--format", "csv", "--threads", str(threads)]


def time_kpiscore_e2e(build: Path, input_path: Path, threads: int, runs: int) -> list[float]:
    times = []
    for _ in range(runs + 1):  # the first is the warm-up
        t0 = time.perf_counter()
        subprocess.run(kpiscore_cmd(build, input_path, threads), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times[1:]


def time_kpiscore_agg(build: Path, rows: int, seed: int, agents: int, runs: int) -> dict[int, list[float]]:
    """BM_Aggregate at 1 and 2 threads without quantiles: real time of each repetition, in s.
    Google Benchmark's own iteration-count estimation runs before the repetitions (warm-up)."""
    bench = build / "benchmarks" / "bench_aggregate"
    cmd = [str(bench), f"--rows={rows}", f"--seed={seed}", f"--agents={agents}",
           f"--benchmark_filter=^BM_Aggregate/rows:{rows}/threads:[12]/quantiles:0",
           f"--benchmark_repetitions={runs}", "--benchmark_format=json",
           "--benchmark_min_time=0.5"]
    proc = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    doc = json.loads(proc.stdout)
    out: dict[int, list[float]] = {1: [], 2: []}
    for b in doc["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        threads = int(b["name"].split("threads:")[1].split("/")[0])
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        out[threads].append(b["real_time"] * scale)
    return out


# --------------------------------------------------------------------------- agreement
def check_agreement(build: Path, csv: Path, tmp: Path, rtol: float = 1e-9) -> int:
    import numpy as np
    import pandas as pd

    proc = subprocess.run(kpiscore_cmd(build, csv, 1), check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    if " 0 rejected" not in proc.stderr:
        raise SystemExit(f"kpiscore rejected records: {proc.stderr.strip()}")
    ks_path = tmp / "kpiscore.csv"
    ks_path.write_text(proc.stdout)
    ks = pd.read_csv(ks_path, dtype={k: str for k in KEYS}, keep_default_na=False,
                     na_values={k: [""] for k in KPIS})
    dd_path = tmp / "duckdb.pkl"
    run_worker("emit", csv, 1, 0, dd_path)
    dd = pd.read_pickle(dd_path)
    ks = ks.set_index(KEYS).sort_index()
    dd = dd.set_index(KEYS).sort_index()
    if list(ks.columns) != KPIS:
        raise SystemExit(f"kpiscore columns differ: {list(ks.columns)}")
    if not ks.index.equals(dd.index):
        only_k = ks.index.difference(dd.index)
        only_d = dd.index.difference(ks.index)
        raise SystemExit(f"group sets differ: {len(ks)} vs {len(dd)} groups; only in kpiscore "
                         f"{list(only_k[:5])}, only in DuckDB {list(only_d[:5])}")
    bad = []
    for kpi in KPIS:
        a = ks[kpi].to_numpy(dtype=float)
        b = dd[kpi].to_numpy(dtype=float)
        both_null = np.isnan(a) & np.isnan(b)
        if kpi in COUNTS:
            ok = both_null | (a == b)
        else:
            ok = both_null | (np.abs(a - b) <= rtol * np.maximum(np.abs(a), np.abs(b)))
        for i in np.flatnonzero(~ok)[:3]:
            bad.append(f"{ks.index[i]} {kpi}: kpiscore {a[i]!r}, DuckDB {b[i]!r}")
        if not ok.all():
            bad.append(f"{kpi}: {int((~ok).sum())} groups differ")
    if bad:
        raise SystemExit("kpiscore and DuckDB disagree:\n  " + "\n  ".join(bad))
    nulls = int(ks.isna().sum().sum())
    print(f"agreement: {len(ks)} groups x {len(KPIS)} KPIs equal (relative {rtol:g}; counts exact; "
          f"{nulls} null values null in both)")
    return len(ks)


# --------------------------------------------------------------------------- main
def fmt(t: float) -> str:
    return f"{t * 1000:9.1f} ms" if t < 10 else f"{t:9.2f} s "


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--agents", type=int, default=1000)
    p.add_argument("--build", type=Path, default=ROOT / "build")
    p.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up (default 3)")
    p.add_argument("--check-only", action="store_true", help="only verify that the engines agree")
    p.add_argument("--workdir", type=Path, help="keep the generated CSV here instead of a temp dir")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    # internal: the DuckDB worker process
    p.add_argument("--worker", choices=["emit", "e2e", "agg"], help=argparse.SUPPRESS)
    p.add_argument("--input", help=argparse.SUPPRESS)
    p.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--output", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return

    build = args.build.resolve()
    for exe in [build / "generate_contacts", build / "kpiscore"] + (
            [] if args.check_only else [build / "benchmarks" / "bench_aggregate"]):
        if not exe.exists():
            raise SystemExit(f"{exe} not found: build the project first (ninja -C {build})")

    with tempfile.TemporaryDirectory(prefix="kpiscore-duckdb-") as tmpdir:
        tmp = Path(tmpdir)
        work = args.workdir.resolve() if args.workdir else tmp
        work.mkdir(parents=True, exist_ok=True)
        csv = work / f"contacts_{args.rows}_{args.seed}_{args.agents}.csv"
        if not csv.exists():
            t0 = time.perf_counter()
            with open(csv, "wb") as f:
                subprocess.run([str(build / "generate_contacts"), str(args.rows), str(args.seed),
                                str(args.agents)], check=True, stdout=f)
            print(f"generated {csv.name}: {args.rows} rows, {csv.stat().st_size / 1e6:.1f} MB "
                  f"in {time.perf_counter() - t0:.1f} s")
        groups = check_agreement(build, csv, tmp)
        if args.check_only:
            return

        import duckdb
        results = {"rows": args.rows, "seed": args.seed, "agents": args.agents, "groups": groups,
                   "csv_bytes": csv.stat().st_size, "duckdb_version": duckdb.__version__, "runs": args.runs}
        rows_out = []
        for threads in (1, 2):
            k = time_kpiscore_e2e(build, csv, threads, args.runs)
            d = run_worker("e2e", csv, threads, args.runs, tmp / "duckdb_out.csv")
            rows_out.append(("end-to-end (CSV -> KPIs)", threads, k, d["times_s"]))
            results[f"e2e_t{threads}"] = {"kpiscore_s": k, "duckdb_s": d["times_s"],
                                          "duckdb_import_s": d["import_s"]}
        agg_k = time_kpiscore_agg(build, args.rows, args.seed, args.agents, args.runs)
        for threads in (1, 2):
            d = run_worker("agg", csv, threads, args.runs, tmp / "unused")
            if d["groups"] != groups:
                raise SystemExit(f"DuckDB aggregation made {d['groups']} groups, expected {groups}")
            rows_out.append(("aggregation (in memory)", threads, agg_k[threads], d["times_s"]))
            results[f"agg_t{threads}"] = {"kpiscore_s": agg_k[threads], "duckdb_s": d["times_s"],
                                          "duckdb_load_s": d["load_s"]}

        print(f"\n{args.rows} rows, {groups} groups (agent_id x day), DuckDB {duckdb.__version__}, "
              f"best / median of {args.runs} after a warm-up")
        head = (f"{'measure':26} {'thr':>3} | {'kpiscore best':>13} {'median':>12} | "
                f"{'DuckDB best':>12} {'median':>12} | {'DuckDB/kpiscore':>15}")
        print(head)
        print("-" * len(head))
        for name, threads, k, d in rows_out:
            kb, km, db, dm = min(k), statistics.median(k), min(d), statistics.median(d)
            print(f"{name:26} {threads:>3} | {fmt(kb):>13} {fmt(km):>12} | {fmt(db):>12} {fmt(dm):>12} | "
                  f"{db / kb:14.2f}x")
        print(f"(kpiscore end-to-end = wall time of the CLI process; DuckDB end-to-end = connect + "
              f"read_csv + query + COPY TO csv inside its worker, excluding the Python start and "
              f"`import duckdb`, {results['e2e_t1']['duckdb_import_s']:.2f} s)")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
