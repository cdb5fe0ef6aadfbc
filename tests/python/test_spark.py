"""kpiscore.spark: per-partition states over mapInArrow equal one pass (issue 9). One session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kpiscore

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
def sdf(spark: Any, frame: pd.DataFrame) -> Any:
    return spark.createDataFrame(frame)


def test_kpis_equal_one_pass_for_several_partitionings(sdf: Any, frame: pd.DataFrame) -> None:
    import kpiscore.spark as ks

    expected = kpiscore.aggregate(frame, by=BY, tz=TZ)
    for parts in (1, 3, 7):
        state = ks.aggregate(sdf.repartition(parts), by=BY, tz=TZ)
        assert state == expected, parts
    # one partition holding one team only, others several; plus empty partitions
    by_team = sdf.repartition(16, "team")
    assert ks.aggregate(by_team, by=BY, tz=TZ) == expected
    result = ks.kpis(sdf.repartition(4), by=BY, tz=TZ)
    assert result.records == kpiscore.kpis(frame, by=BY, tz=TZ).records
    assert (result.rows_read, result.accepted, result.rejected) == (2000, 2000, 0)


def test_stored_states_roll_up_days_to_months(spark: Any, sdf: Any, frame: pd.DataFrame, tmp_path: Path) -> None:
    import kpiscore.spark as ks
    from pyspark.sql import functions as F

    with_day = sdf.withColumn("local_day", F.date_format(F.from_utc_timestamp("arrived_at", TZ), "yyyy-MM-dd"))
    daily = ks.states(with_day.repartition(5), by="agent_id", per=["local_day"], tz=TZ)
    path = str(tmp_path / "daily_states.parquet")
    daily.write.parquet(path)
    stored = spark.read.parquet(path)
    assert stored.count() == frame["arrived_at"].dt.tz_convert(TZ).dt.date.nunique()
    monthly = ks.roll_up(stored, [F.substring("local_day", 1, 7).alias("month")]).collect()
    by_month = {r["month"]: kpiscore.State.from_bytes(r["state"]) for r in monthly}
    months = frame["arrived_at"].dt.tz_convert(TZ).dt.strftime("%Y-%m")
    for month, state in by_month.items():
        assert state == kpiscore.aggregate(frame[months == month], by="agent_id", tz=TZ), month
    assert sum(r["rows_read"] for r in monthly) == 2000


def test_rejects_and_refusals(spark: Any, frame: pd.DataFrame) -> None:
    import kpiscore.spark as ks

    bad = frame.copy()
    bad.loc[[3, 1700], "wait_s"] = -2.0
    result = ks.kpis(spark.createDataFrame(bad).repartition(3), by="team")
    assert (result.rows_read, result.accepted, result.rejected) == (2000, 1998, 2)
    with pytest.raises(ValueError, match="per: no column 'nosuch'"):
        ks.states(spark.createDataFrame(frame), by="team", per=["nosuch"])
    schema = spark.createDataFrame(frame).schema
    empty = ks.kpis(spark.createDataFrame(frame.iloc[:0], schema=schema), by="team")
    assert len(empty) == 0 and empty.rows_read == 0


def test_bernoulli_sample_equals_one_machine(sdf: Any, frame: pd.DataFrame) -> None:
    import kpiscore.spark as ks

    plan = {"design": "bernoulli", "seed": 11, "rate": 0.1, "strata": {"by": ["channel"]}}
    single = kpiscore.sample(frame, plan).to_pandas()
    for parts in (1, 5):
        got = ks.sample(sdf.repartition(parts), plan).toPandas()
        assert sorted(got["contact_id"]) == sorted(single["contact_id"])
        assert set(got["design_weight"]) == set(single["design_weight"])
