"""kpiscore.sampling.sample: plans, the sample and its report, checked against an independent Python
implementation of the documented contact hash, against `kpiscore sample` (CLI), and for the
row-order law of the hash-based designs.

The CLI is taken from $KPISCORE_CLI, else build/kpiscore under the repository root.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import kpiscore
from hypothesis import given, settings
from hypothesis import strategies as st

import kpiscore.sampling as ks

REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "examples" / "data" / "contacts.csv"
PLAN = REPO / "examples" / "plans" / "daily_qa.json"

# --- the documented hash, written again in Python (docs/sampling.md) -----------------------------
MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def _mix64(z: int) -> int:
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & MASK
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def reference_uniform(contact_id: str, seed: int) -> float:
    data = contact_id.encode("utf-8")
    h = seed ^ ((GOLDEN * (len(data) + 1)) & MASK)
    for i in range(0, len(data), 8):
        h = _mix64(h ^ int.from_bytes(data[i:i + 8].ljust(8, b"\0"), "little"))
    return (_mix64((h + GOLDEN) & MASK) >> 11) * 2.0**-53


def contact_ids() -> list[str]:
    with open(CONTACTS, encoding="utf-8") as f:
        return [row["contact_id"] for row in csv.DictReader(f)]


# --- the contact's random number ---------------------------------------------------------------

def test_contact_uniform_pinned_value() -> None:
    assert ks.contact_uniform("C0000000001", 0) == 0.11062393448119467
    assert ks.contact_uniform("C0000000001", 42) == reference_uniform("C0000000001", 42)


@settings(max_examples=300)
@given(contact_id=st.text(max_size=40), seed=st.integers(min_value=0, max_value=(1 << 64) - 1))
def test_contact_uniform_equals_the_documented_algorithm(contact_id: str, seed: int) -> None:
    assert ks.contact_uniform(contact_id, seed) == reference_uniform(contact_id, seed)


def test_bernoulli_selects_exactly_the_contacts_whose_uniform_is_below_the_rate() -> None:
    plan = {"design": "bernoulli", "seed": 99, "rate": 0.2}
    result = ks.sample(CONTACTS, plan)
    expected = sorted(i for i in contact_ids() if reference_uniform(i, 99) < 0.2)
    assert sorted(r["contact_id"] for r in result.records) == expected
    assert all(r["inclusion_probability"] == 0.2 and r["design_weight"] == 5.0 for r in result.records)


# --- the example plan -----------------------------------------------------------------------------

def test_example_plan_sample_and_report() -> None:
    result = ks.sample(CONTACTS, PLAN)
    assert len(result) == 300
    assert result.summary == {"rows_read": 2000, "accepted": 2000, "rejected": 0}
    assert not result.order_dependent
    df = result.to_pandas()
    assert list(df.columns) == ["contact_id", "agent_id", "peak", "inclusion_probability", "design_weight",
                                "size_measure", "risk", "day", "evaluator"]
    assert (df["design_weight"] * df["inclusion_probability"]).sub(1).abs().max() < 1e-12
    report = result.report
    assert report["planned"] == 300 and report["achieved"] == 300
    assert report["coverage"][0] == {"dimension": "agent_id", "values": 20, "covered": 20, "missing": []}
    strata = result.report_to_pandas()
    assert (strata["achieved"] >= 2).all()
    assert strata["achieved"].sum() == 300
    assert abs(strata["expected"].sum() - 300) < 1e-9
    # Complaints carry the largest weight: their π is four times an ordinary contact's in a stratum.
    for _, group in df.groupby(["agent_id", "peak"]):
        plain = group[group["risk"].isna()]["inclusion_probability"]
        complaint = group[group["risk"] == "complaint"]["inclusion_probability"]
        if len(plain) and len(complaint) and complaint.iloc[0] < 1:
            assert complaint.iloc[0] == pytest.approx(4 * plain.iloc[0], rel=1e-12)
    assert set(df["evaluator"]) == {"QA-Li", "QA-Wang", "QA-Zhao"}
    assert "Coverage" in result.report_text()


def test_same_output_as_the_cli(cli: Path, tmp_path: Path) -> None:
    proc = subprocess.run([os.fspath(cli), "sample", "--plan", os.fspath(PLAN), "--input", os.fspath(CONTACTS)],
                          capture_output=True, text=True, encoding="utf-8", check=True)
    assert ks.sample(CONTACTS, PLAN).to_csv() == proc.stdout
    proc = subprocess.run([os.fspath(cli), "sample", "--plan", os.fspath(PLAN), "--input", os.fspath(CONTACTS),
                           "--report", "--format", "json", "--tz", "UTC"],
                          capture_output=True, text=True, encoding="utf-8", check=True)
    assert ks.sample(CONTACTS, PLAN, tz="UTC").report == json.loads(proc.stdout)


def test_row_order_does_not_change_a_hash_based_sample(tmp_path: Path) -> None:
    text = CONTACTS.read_text(encoding="utf-8").splitlines(keepends=True)
    shuffled = tmp_path / "shuffled.csv"
    body = text[1:]
    body = body[1::2] + body[0::2]
    shuffled.write_text(text[0] + "".join(reversed(body)), encoding="utf-8")
    for design in ("poisson", "pareto", "sequential_poisson"):
        plan: dict[str, Any] = {"design": design, "seed": 3, "rate": 0.1,
                                "strata": {"by": ["agent_id", "day"], "min": 1}, "timezone": "Asia/Shanghai",
                                "risk": [{"name": "low", "when": {"field": "csat", "op": "<=", "value": 2},
                                          "weight": 3}]}
        assert ks.sample(CONTACTS, plan).to_csv() == ks.sample(shuffled, plan).to_csv()
    systematic = {"design": "systematic", "seed": 3, "size": 100}
    assert ks.sample(CONTACTS, systematic).to_csv() != ks.sample(shuffled, systematic).to_csv()
    assert ks.sample(CONTACTS, systematic).order_dependent


# --- plans ----------------------------------------------------------------------------------------

def test_plan_errors_carry_their_path() -> None:
    with pytest.raises(ks.PlanError) as e:
        ks.sample(CONTACTS, {"design": "bernoulli", "seed": 1, "rate": 1.5})
    assert str(e.value) == "plan /rate: expected a share in 0..1, actual 1.5"
    assert e.value.path == "/rate"
    assert e.value.message == "expected a share in 0..1, actual 1.5"
    assert isinstance(e.value, ValueError)
    with pytest.raises(ks.PlanError, match=r"^plan /strata/by/0: unknown dimension \"region\""):
        ks.sample(CONTACTS, {"design": "pareto", "seed": 1, "rate": 0.1, "strata": {"by": ["region"]}})
    with pytest.raises(ks.PlanError) as e:
        ks.check_plan({"design": "pareto", "seed": 1, "rate": 0.1, "strata": {"by": ["agent_id"], "min": 4, "max": 2}})
    assert str(e.value) == "plan /strata/min: expected at most /strata/max (2), actual 4"
    with pytest.raises(ks.PlanError, match=r"^plan /: invalid JSON"):
        ks.check_plan("{\"design\": ")


def test_check_plan_normalizes() -> None:
    plan = ks.check_plan(PLAN)
    assert plan["design"] == "pareto"
    assert plan["strata"]["by"] == ["agent_id", "peak"]
    assert plan["timezone"] == "Asia/Shanghai"
    assert ks.check_plan(json.dumps(plan)) == plan


def test_in_memory_data_gives_the_csv_sample() -> None:
    import pandas as pd

    frame = pd.read_csv(CONTACTS, dtype={"contact_id": str})
    from_csv = ks.sample(CONTACTS, PLAN)
    from_frame = ks.sample(frame, PLAN)
    assert from_frame.to_csv() == from_csv.to_csv()
    assert kpiscore.sample(kpiscore.read(frame, tz="Asia/Shanghai"), PLAN).to_csv() == from_csv.to_csv()
    with pytest.raises(TypeError, match="unsupported type"):
        ks.sample(io.StringIO("x"), PLAN)  # type: ignore[arg-type]


# --- the sample as columns, the text outputs on demand (issue 8) ----------------------------------

def _cli_json(cli: Path, plan: Path, tz: str | None = None, report: bool = False) -> Any:
    args = [os.fspath(cli), "sample", "--plan", os.fspath(plan), "--input", os.fspath(CONTACTS),
            "--format", "json"]
    args += ["--tz", tz] if tz else []
    args += ["--report"] if report else []
    proc = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", check=True)
    return json.loads(proc.stdout)


def _records_frame(records: list[dict[str, Any]], plan: dict[str, Any]) -> Any:
    """The DataFrame SampleResult.to_pandas() built before issue 8: from the JSON records."""
    import pandas as pd

    columns = ["contact_id", *plan.get("strata", {}).get("by", []), "inclusion_probability", "design_weight"]
    columns += ["size_measure", "risk"] if "risk" in plan else []
    columns += ["day", "evaluator"] if "evaluators" in plan else []
    return pd.DataFrame.from_records(records, columns=columns)


SAMPLE_PLANS: list[dict[str, Any]] = [
    json.loads(PLAN.read_text(encoding="utf-8")),  # strata, risk rules, evaluators with a cap
    {"design": "bernoulli", "seed": 5, "rate": 0.1},
    {"design": "sequential_poisson", "seed": 42, "rate": 0.15, "strata": {"by": ["agent_id", "day"]},
     "timezone": "UTC", "report": {"coverage": ["agent_id"]}},
    {"design": "systematic", "seed": 3, "size": 40, "strata": {"by": ["channel"]},
     "risk": [{"name": "complaint", "when": {"field": "complaint", "op": "==", "value": 1}, "weight": 4}]},
]


@pytest.mark.parametrize("plan", SAMPLE_PLANS, ids=lambda p: str(p["design"]))
def test_columns_and_lazy_outputs_equal_the_cli(cli: Path, tmp_path: Path, plan: dict[str, Any]) -> None:
    import pandas as pd

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    result = ks.sample(CONTACTS, plan)
    doc = _cli_json(cli, path)
    assert len(result) == len(doc["contacts"]) > 0
    pd.testing.assert_frame_equal(result.to_pandas(), _records_frame(doc["contacts"], result.plan))
    assert result.records == doc["contacts"]
    assert result.report == _cli_json(cli, path, report=True)
    proc = subprocess.run([os.fspath(cli), "sample", "--plan", os.fspath(path), "--input", os.fspath(CONTACTS),
                           "--report", "--format", "table"], capture_output=True, text=True, encoding="utf-8", check=True)
    assert result.report_text() == proc.stdout
    assert result.to_csv() == result.to_csv()  # made once, then the same text
    ids = contact_ids()
    assert [ids[r] for r in result.rows] == [r["contact_id"] for r in doc["contacts"]]
    assert result.rows.dtype == "int64"
    assert repr(result) == (f"SampleResult(design={plan['design']!r}, selected={len(doc['contacts'])}, "
                            f"population=2000)")


def test_to_pandas_null_keys_and_labels_equal_the_records() -> None:
    import pandas as pd

    frame = pd.read_csv(CONTACTS, dtype={"contact_id": str})
    frame.loc[frame.index % 7 == 0, "channel"] = None  # a null stratum key
    frame.loc[frame.index % 5 == 0, "team"] = "组,\"x\""  # text that CSV quotes
    plan = {"design": "pareto", "seed": 11, "rate": 0.2, "strata": {"by": ["channel", "team"]},
            "risk": [{"name": "low", "when": {"field": "csat", "op": "<=", "value": 2}, "weight": 3}],
            "evaluators": [{"name": "E1", "share": 1, "cap_per_day": 2}], "timezone": "UTC"}
    result = ks.sample(frame, plan)
    df = result.to_pandas()
    pd.testing.assert_frame_equal(df, _records_frame(result.records, result.plan))
    assert df["channel"].isna().any() and df["evaluator"].isna().any() and df["risk"].isna().any()
    assert list(frame["contact_id"].iloc[result.rows]) == list(df["contact_id"])


def test_an_empty_sample_has_the_columns_and_types_of_the_records() -> None:
    import pandas as pd

    result = ks.sample(CONTACTS, {"design": "bernoulli", "seed": 1, "rate": 0.0, "strata": {"by": ["agent_id"]}})
    assert len(result) == 0 and result.records == [] and len(result.rows) == 0
    pd.testing.assert_frame_equal(result.to_pandas(), _records_frame([], result.plan))
    assert result.to_csv() == "contact_id,agent_id,inclusion_probability,design_weight\n"


def test_integer_contact_ids_give_the_sample_of_their_text() -> None:
    import pandas as pd

    frame = pd.read_csv(CONTACTS, dtype={"contact_id": str})
    numbers = frame["contact_id"].str[1:].astype("int64") * 7919 - 5_000_000  # negatives too
    as_int = frame.assign(contact_id=numbers)
    as_text = frame.assign(contact_id=numbers.astype(str))
    plan = {"design": "sequential_poisson", "seed": 42, "rate": 0.15, "strata": {"by": ["agent_id"]}}
    expected = ks.sample(as_text, plan).to_csv()
    assert ks.sample(as_int, plan).to_csv() == expected
    assert ks.sample(as_int.assign(contact_id=numbers.astype("Int64")), plan).to_csv() == expected
    assert ks.sample({k: as_int[k].to_numpy() for k in as_int.columns}, plan).to_csv() == expected


def test_a_pickled_sample_result_gives_the_same_outputs() -> None:
    import pickle

    import pandas as pd

    original = ks.sample(CONTACTS, PLAN)
    assert len(original) > 0
    copy = pickle.loads(pickle.dumps(original))
    fresh = ks.sample(CONTACTS, PLAN)  # the original's lazy outputs were all rendered by pickling
    assert len(copy) == len(fresh) and repr(copy) == repr(fresh)
    assert copy.records == fresh.records and copy.report == fresh.report
    assert copy.to_csv() == fresh.to_csv() and copy.report_text() == fresh.report_text()
    assert (copy.rows == fresh.rows).all() and copy.order_dependent == fresh.order_dependent
    pd.testing.assert_frame_equal(copy.to_pandas(), fresh.to_pandas())
    pd.testing.assert_frame_equal(copy.report_to_pandas(), fresh.report_to_pandas())
    assert (copy.plan, copy.rejects, copy.summary) == (fresh.plan, fresh.rejects, fresh.summary)
