"""kpiscore.dask: results identical to one pass, for every partitioning tried (issue 9)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kpiscore

dd = pytest.importorskip("dask.dataframe")
import dask  # noqa: E402

import kpiscore.dask as kdask  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "examples" / "data" / "contacts.csv"
BY = ["agent_id", "day"]
TZ = "Asia/Shanghai"


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    df = pd.read_csv(CONTACTS, dtype={"contact_id": str})
    df["arrived_at"] = pd.to_datetime(df["arrived_at"], utc=True)
    return df


@pytest.fixture(scope="module")
def expected(frame: pd.DataFrame) -> kpiscore.State:
    return kpiscore.aggregate(frame, by=BY, tz=TZ)


def pieces(frame: pd.DataFrame, cuts: list[int]) -> object:
    """Partitions frame[cuts[i]:cuts[i+1]] (empty ones included)."""
    parts = [dask.delayed(frame.iloc.__getitem__)(slice(a, b)) for a, b in zip(cuts, cuts[1:])]
    return dd.from_delayed(parts, meta=frame.iloc[:0], verify_meta=False)


def partitionings(frame: pd.DataFrame) -> dict[str, object]:
    n = len(frame)
    by_team = frame.sort_values("team").reset_index(drop=True)
    return {
        "one": dd.from_pandas(frame, npartitions=1),
        "seven": dd.from_pandas(frame, npartitions=7),
        "uneven_with_empty": pieces(frame, [0, 0, 1, 999, 999, n]),
        # sorted by team: some partitions hold a single team only
        "by_team": dd.from_pandas(by_team, npartitions=12),
        "shuffled": dd.from_pandas(frame.sample(frac=1.0, random_state=3).reset_index(drop=True), npartitions=5),
    }


@pytest.mark.parametrize("split_every", [2, 3, None])
def test_threaded_equals_one_pass(frame: pd.DataFrame, expected: kpiscore.State, split_every: int | None) -> None:
    with dask.config.set(scheduler="threads"):
        for name, ddf in partitionings(frame).items():
            state = kdask.aggregate(ddf, by=BY, tz=TZ, split_every=split_every)
            assert state == expected, name
            assert state.to_bytes() == expected.to_bytes(), name


def test_empty_partitions_really_exist(frame: pd.DataFrame) -> None:
    ddf = partitionings(frame)["uneven_with_empty"]
    with dask.config.set(scheduler="threads"):
        sizes = ddf.map_partitions(len).compute().tolist()
    assert sizes == [0, 1, 998, 0, 1001]


def test_kpis_result_matches(frame: pd.DataFrame) -> None:
    ddf = dd.from_pandas(frame, npartitions=4)
    with dask.config.set(scheduler="threads"):
        result = kdask.kpis(ddf, by=BY, tz=TZ)
    single = kpiscore.kpis(frame, by=BY, tz=TZ)
    assert result.records == single.records
    assert (result.rows_read, result.accepted, result.rejected) == (2000, 2000, 0)


def test_rejects_are_counted_across_partitions(frame: pd.DataFrame) -> None:
    bad = frame.copy()
    bad.loc[[5, 1500], "wait_s"] = -1.0
    with dask.config.set(scheduler="threads"):
        result = kdask.kpis(dd.from_pandas(bad, npartitions=4), by="team")
    assert (result.rows_read, result.accepted, result.rejected) == (2000, 1998, 2)
    assert {(r.field, r.reason) for r in result.rejects} == {("wait_s", "negative duration")}


def test_different_options_refused(frame: pd.DataFrame) -> None:
    a = kdask.aggregate(dd.from_pandas(frame, npartitions=2), by=BY, tz=TZ)
    b = kpiscore.aggregate(frame, by=BY, tz=TZ, sl_threshold=30)
    with pytest.raises(ValueError, match="fingerprint"):
        a + b


def test_score_distributed(frame: pd.DataFrame) -> None:
    card = kpiscore.Scorecard.from_file(REPO / "examples" / "scorecards" / "default.json")
    with dask.config.set(scheduler="threads"):
        got = kdask.score(card, dd.from_pandas(frame, npartitions=3), by="team", tz=TZ)
    assert got.to_json() == card.score(frame, by="team", tz=TZ).to_json()


def test_local_cluster_with_worker_processes(frame: pd.DataFrame, expected: kpiscore.State) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        state = kdask.aggregate(dd.from_pandas(frame, npartitions=6), by=BY, tz=TZ, split_every=2)
    assert state == expected


def test_bernoulli_sample_equals_one_machine(frame: pd.DataFrame, tmp_path) -> None:
    import json

    plan = {"design": "bernoulli", "seed": 7, "rate": 0.2, "strata": {"by": ["team"]}}
    single = kpiscore.sample(frame, plan).to_pandas()
    with dask.config.set(scheduler="threads"):
        for ddf in partitionings(frame).values():
            got = kdask.sample(ddf, plan)
            assert sorted(got["contact_id"]) == sorted(single["contact_id"])
            merged = got.merge(single, on="contact_id", suffixes=("", "_one"))
            assert (merged["inclusion_probability"] == merged["inclusion_probability_one"]).all()
    with pytest.raises(ValueError, match="plan /design: pareto needs whole strata"):
        kdask.sample(dd.from_pandas(frame, npartitions=2), {**plan, "design": "pareto", "rate": 0.2})


def test_custom_kpis_distributed_equal_one_pass(frame: pd.DataFrame) -> None:
    rules = REPO / "examples" / "rules" / "custom_kpis.kpi"
    whole = kpiscore.aggregate(frame, by=BY, tz=TZ, rules=rules)
    with dask.config.set(scheduler="threads"):
        for name, ddf in partitionings(frame).items():
            state = kdask.aggregate(ddf, by=BY, tz=TZ, split_every=3, rules=rules)
            assert state.to_bytes() == whole.to_bytes(), name
        result = kdask.kpis(dd.from_pandas(frame, npartitions=4), by=BY, tz=TZ, rules=rules)
    assert result.to_json() == kpiscore.kpis(frame, by=BY, tz=TZ, rules=rules).to_json()
