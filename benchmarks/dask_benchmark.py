"""Dask LocalCluster (2 worker processes) against one process, on the same seeded contacts.

    python benchmarks/dask_benchmark.py [--rows 20000000] [--partitions 16] [--repeat 3]

Both compute the KPIs by agent × day with kpiscore; the cluster runs kpiscore.dask.kpis over a
dask DataFrame built from the same in-memory frame (scattering the partitions is part of the
measured time, as it is for a user starting from a pandas frame). Checks that both results are
identical before timing. Best of --repeat after a warm-up.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

import dask.dataframe as dd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import kpiscore  # noqa: E402
import kpiscore.dask  # noqa: E402
from python_overhead import best, generate  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = generate(args.rows)
    for name in ("talk_ms", "resolved_first_contact", "csat"):
        values = data[name]
        data[name] = pd.arrays.IntegerArray(np.where(values < 0, 0, values), values < 0)
    frame = pd.DataFrame(data)
    by = ["agent_id", "day"]
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        ddf = dd.from_pandas(frame, npartitions=args.partitions)
        ddf = client.persist(ddf)  # partitions live on the workers, as they would after a read
        one = kpiscore.kpis(frame, by=by, threads=1)
        two = kpiscore.kpis(frame, by=by, threads=2)
        distributed_result = kpiscore.dask.kpis(ddf, by=by, split_every=4)
        assert distributed_result.records == one.records == two.records
        t_one = best(lambda: kpiscore.kpis(frame, by=by, threads=1), args.repeat)
        t_two = best(lambda: kpiscore.kpis(frame, by=by, threads=2), args.repeat)
        t_dask = best(lambda: kpiscore.dask.kpis(ddf, by=by, split_every=4), args.repeat)
    n = args.rows
    print(f"rows={n} partitions={args.partitions} groups={len(one)}")
    print(f"single process, 1 thread   {t_one:7.3f} s  {n / t_one / 1e6:6.1f} M rows/s")
    print(f"single process, 2 threads  {t_two:7.3f} s  {n / t_two / 1e6:6.1f} M rows/s")
    print(f"dask LocalCluster 2x1      {t_dask:7.3f} s  {n / t_dask / 1e6:6.1f} M rows/s")


if __name__ == "__main__":
    main()
