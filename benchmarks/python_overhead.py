"""Python overhead of kpiscore.kpis on in-memory columns (issue 7: within 10 % of the C++ work).

    python benchmarks/python_overhead.py [--rows 10000000] [--repeat 5] [--bench build/benchmarks/bench_arrays]

With --bench, the C++ benchmark of the same work (benchmarks/bench_arrays.cpp: the same column
layouts through read_contact_arrays + aggregate + finalize, no Python) runs in the same session,
and the ratio end_to_end / C++ is printed: that is the Python overhead the issue bounds.

Times, on the same seeded numpy columns (agent × day, 200 agents, 31 days):
  end_to_end  kpiscore.kpis(dict_of_arrays, by=["agent_id", "day"])   numpy → validated table →
              aggregate → finalize → KpiResult
  read        kpiscore.read(dict_of_arrays)                               the conversion alone
  cpp_work    kpiscore.kpis(contacts, ...) on the already-read table     the C++ aggregation and
              finalize, called through Python (what the C++ benchmark measures, plus one call)
Best of --repeat runs after a warm-up. Run from a Release build (pip install . is Release).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time

import numpy as np

import kpiscore


def generate(rows: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-03-01T00:00:00", "ms").astype(np.int64)
    arrived = start + rng.integers(0, 31 * 86_400_000, rows)
    answered = (rng.random(rows) < 0.9).astype(np.int8)
    agents = np.array([f"A{i:04d}" for i in range(200)], dtype=object)
    import pandas as pd

    return {
        "arrived_at": arrived.astype("datetime64[ms]"),
        "direction": pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), ["inbound", "outbound"]),
        "agent_id": pd.Categorical.from_codes(rng.integers(0, 200, rows).astype(np.int16), agents),
        "answered": answered,
        "wait_ms": rng.exponential(20_000, rows).astype(np.int64),
        "talk_ms": np.where(answered == 1, rng.lognormal(12.3, 0.6, rows).astype(np.int64), -1),
        "acw_ms": rng.integers(0, 60_000, rows),
        "resolved_first_contact": np.where(answered == 1, rng.integers(0, 2, rows), -1).astype(np.int8),
        "csat": np.where(rng.random(rows) < 0.2, rng.integers(1, 6, rows), -1).astype(np.int8),
    }


def best(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--bench", help="path of bench_arrays (Release build) to run the C++ side too")
    args = ap.parse_args()
    data = generate(args.rows)
    # -1 marks a missing talk/acw/score in the generated arrays: pass pandas masked arrays.
    import pandas as pd

    for name in ("talk_ms", "resolved_first_contact", "csat"):
        values = data[name]
        data[name] = pd.arrays.IntegerArray(np.where(values < 0, 0, values), values < 0)
    by = ["agent_id", "day"]
    contacts = kpiscore.read(data)
    assert contacts.rejects == [], contacts.rejects[:3]
    t_all = best(lambda: kpiscore.kpis(data, by=by, threads=args.threads), args.repeat)
    t_read = best(lambda: kpiscore.read(data), args.repeat)
    t_cpp = best(lambda: kpiscore.kpis(contacts, by=by, threads=args.threads), args.repeat)
    n = args.rows
    print(f"rows={n} threads={args.threads} groups={len(kpiscore.kpis(contacts, by=by))}")
    print(f"end_to_end {t_all:8.3f} s  {n / t_all / 1e6:7.1f} M rows/s")
    print(f"read       {t_read:8.3f} s  {n / t_read / 1e6:7.1f} M rows/s")
    print(f"cpp_work   {t_cpp:8.3f} s  {n / t_cpp / 1e6:7.1f} M rows/s")
    print(f"overhead of Python input vs the C++ work: {100 * (t_all / t_cpp - 1):.1f} %")
    if args.bench:
        out = subprocess.run([args.bench, f"--rows={n}", f"--benchmark_filter=BM_ArraysToKpis/{args.threads}/",
                              f"--benchmark_repetitions={args.repeat}", "--benchmark_format=json"],
                             capture_output=True, text=True, check=True).stdout
        runs = [b for b in json.loads(out)["benchmarks"] if b.get("run_type") == "iteration"]
        t_native = min(b["real_time"] for b in runs) / 1e3  # ms → s
        print(f"c++ same work {t_native:8.3f} s  (bench_arrays BM_ArraysToKpis/{args.threads}, best of {len(runs)})")
        print(f"python end_to_end / c++ = {t_all / t_native:.3f}  (goal <= 1.10)")


if __name__ == "__main__":
    main()
