"""kpiscore.State: exact merges of any split, serialization, pickling (incl. an old pickle)."""

from __future__ import annotations

import os
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kpiscore

REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "examples" / "data" / "contacts.csv"
FIXTURES = REPO / "tests" / "fixtures" / "python"
BY = ["team", "day"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.read_csv(CONTACTS, dtype={"contact_id": str})


@pytest.fixture(scope="module")
def whole(frame: pd.DataFrame) -> kpiscore.State:
    return kpiscore.aggregate(frame, by=BY, tz="Asia/Shanghai")


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=6), seed=st.integers(0, 2**32 - 1))
def test_any_split_merges_to_the_whole(frame: pd.DataFrame, whole: kpiscore.State, cuts: list[int], seed: int) -> None:
    shuffled = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    bounds = [0, *sorted(cuts), len(shuffled)]
    parts = [kpiscore.aggregate(shuffled.iloc[a:b], by=BY, tz="Asia/Shanghai") for a, b in zip(bounds, bounds[1:])]
    assert sum(parts) == whole
    merged = parts[0].copy()
    for p in parts[1:]:
        merged += p
    assert merged == whole and merged.to_bytes() == whole.to_bytes()
    assert merged.kpis().records == whole.kpis().records


def test_bytes_are_the_cli_state_format(whole: kpiscore.State, tmp_path: Path) -> None:
    cli = Path(os.environ.get("KPISCORE_CLI", REPO / "build" / "kpiscore"))
    if not cli.is_file():
        pytest.skip("kpiscore CLI not built")
    out = tmp_path / "state.bin"
    subprocess.run([cli, "kpis", "--input", CONTACTS, "--by", "team,day", "--tz", "Asia/Shanghai",
                    "--state-out", out], check=True, capture_output=True)
    assert out.read_bytes() == whole.to_bytes()
    assert kpiscore.State.from_bytes(out.read_bytes()) == whole


def test_pickle_round_trip_and_old_pickle(whole: kpiscore.State) -> None:
    assert pickle.loads(pickle.dumps(whole)) == whole
    # A pickle written by kpiscore 0.1.0 (state format v1): must stay readable by later versions.
    old = pickle.loads((FIXTURES / "state_team_day_v1.pickle").read_bytes())
    assert old == whole
    assert old.kpis().records == whole.kpis().records


def test_refusals(whole: kpiscore.State, frame: pd.DataFrame) -> None:
    other_keys = kpiscore.aggregate(frame, by="team")
    with pytest.raises(ValueError, match="group keys"):
        whole + other_keys
    other_options = kpiscore.aggregate(frame, by=BY, tz="Asia/Shanghai", sl_threshold=30)
    with pytest.raises(ValueError, match="fingerprint"):
        whole + other_options
    data = whole.to_bytes()
    with pytest.raises(ValueError):
        kpiscore.State.from_bytes(data[:-3])
    corrupt = bytearray(data)
    corrupt[len(corrupt) // 2] ^= 0xFF
    with pytest.raises(ValueError):
        kpiscore.State.from_bytes(bytes(corrupt))
    assert (whole == 3) is False


def test_state_properties(whole: kpiscore.State) -> None:
    assert whole.key_names == BY
    assert whole.groups == len(whole.kpis())
    assert whole.options["timezone"] == "Asia/Shanghai"
    assert repr(whole).startswith("State(groups=")
    empty = kpiscore.aggregate({"arrived_at": np.array([], dtype="datetime64[ms]"), "direction": [],
                                "answered": np.array([], dtype=np.int8), "wait_s": np.array([])},
                               by=BY, tz="Asia/Shanghai")
    assert empty.groups == 0
    assert empty + whole == whole


def test_aggregate_many_with_progress(frame: pd.DataFrame, whole: kpiscore.State, tmp_path: Path) -> None:
    pytest.importorskip("tqdm")
    chunks = [frame.iloc[i:i + 700] for i in range(0, len(frame), 700)]
    paths = []
    for i, chunk in enumerate(chunks):
        path = tmp_path / f"part{i}.csv"
        # whole numbers stay whole in the file (the CSV reader takes flags as exactly 0 or 1)
        chunk.astype({c: "Int64" for c in ["resolved_first_contact", "csat", "nps"]}).to_csv(path, index=False)
        paths.append(path)
    assert kpiscore.aggregate_many(chunks, by=BY, tz="Asia/Shanghai") == whole
    assert kpiscore.aggregate_many(paths, by=BY, tz="Asia/Shanghai", progress=True) == whole
    with pytest.raises(ValueError, match="nothing to aggregate"):
        kpiscore.aggregate_many([], by=BY)
