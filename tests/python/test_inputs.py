"""Every input kind gives the KPIs of the CSV file; column types, nulls and rejects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kpiscore

REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "examples" / "data" / "contacts.csv"
BY = ["agent_id", "day"]
TZ = "Asia/Shanghai"


@pytest.fixture(scope="module")
def expected() -> list[dict[str, Any]]:
    return kpiscore.kpis(CONTACTS, by=BY, tz=TZ).records


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """The sample contacts as pandas reads them: strings, float seconds, NaN for empty cells."""
    return pd.read_csv(CONTACTS, dtype={"contact_id": str})


def numpy_columns(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """A dict of plain numpy arrays in the fast layout: datetime64[ms] instants, integer
    milliseconds, int8 flags with -1 … no: nullable scores as float with NaN."""
    out: dict[str, np.ndarray] = {}
    out["contact_id"] = df["contact_id"].to_numpy(dtype=object)
    # The sample's timestamps end in Z: instants. datetime64 is naive, so give naive UTC wall
    # time and tz="UTC" for reading, then group in Shanghai through the options' timezone…
    out["arrived_at"] = pd.to_datetime(df["arrived_at"], utc=True).dt.tz_localize(None).to_numpy()
    for name in ["direction", "channel", "category", "customer_type", "agent_id", "team", "vendor", "queue"]:
        out[name] = df[name].to_numpy(dtype=object)
    out["answered"] = df["answered"].to_numpy(dtype=np.int8)
    out["wait_ms"] = np.round(df["wait_s"].to_numpy() * 1000).astype(np.int64)
    for name in ["talk_s", "hold_s", "acw_s"]:
        out[name] = df[name].to_numpy()
    for name in ["resolved_first_contact", "csat", "nps", "complaint", "converted"]:
        out[name] = df[name].to_numpy(dtype=np.float64)
    return out


def test_pandas_frame_equals_csv(frame: pd.DataFrame, expected: list[dict[str, Any]]) -> None:
    result = kpiscore.kpis(frame, by=BY, tz=TZ)
    assert result.records == expected
    assert (result.rows_read, result.accepted, result.rejected) == (2000, 2000, 0)


def test_numpy_dict_equals_csv(frame: pd.DataFrame, expected: list[dict[str, Any]]) -> None:
    cols = numpy_columns(frame)
    # Naive datetime64 is wall-clock time in the options' zone: UTC wall time read in UTC,
    # then grouped by Shanghai days needs the grouping zone = reading zone, so shift instead:
    # read the UTC instants as Shanghai wall time by adding 8 h (Shanghai has no DST).
    cols["arrived_at"] = cols["arrived_at"] + np.timedelta64(8, "h")
    assert kpiscore.kpis(cols, by=BY, tz=TZ).records == expected


def test_pandas_typed_columns(frame: pd.DataFrame, expected: list[dict[str, Any]]) -> None:
    """Categoricals, tz-aware timestamps, nullable Int8/boolean with pd.NA, integer ms."""
    df = pd.DataFrame({
        "contact_id": frame["contact_id"],
        "arrived_at": pd.to_datetime(frame["arrived_at"], utc=True).dt.tz_convert("Europe/Paris"),
        "direction": frame["direction"].astype("category"),
        "answered": frame["answered"].astype(bool),
        "wait_ms": np.round(frame["wait_s"] * 1000).astype("int64"),
        "talk_s": frame["talk_s"], "hold_s": frame["hold_s"], "acw_s": frame["acw_s"],
        "resolved_first_contact": frame["resolved_first_contact"].astype("boolean"),
        "csat": frame["csat"].astype("Int8"),
        "nps": frame["nps"].astype("Int64"),
        "complaint": frame["complaint"].astype("Int8"),
        "converted": frame["converted"],
    })
    for name in ["channel", "category", "customer_type", "agent_id", "team", "vendor", "queue"]:
        df[name] = frame[name].astype("category")
    assert df["csat"].isna().any() and df["resolved_first_contact"].isna().any()
    assert kpiscore.kpis(df, by=BY, tz=TZ).records == expected


def test_arrow_polars_and_stream(frame: pd.DataFrame, expected: list[dict[str, Any]]) -> None:
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.set_column(table.schema.get_field_index("arrived_at"), "arrived_at",
                             pa.array(pd.to_datetime(frame["arrived_at"], utc=True)))
    table = table.set_column(table.schema.get_field_index("agent_id"), "agent_id",
                             table.column("agent_id").dictionary_encode())
    assert kpiscore.kpis(table, by=BY, tz=TZ).records == expected
    assert kpiscore.kpis(table.to_batches(max_chunksize=300)[0], by=BY, tz=TZ).records == \
        kpiscore.kpis(frame.iloc[:300], by=BY, tz=TZ).records
    assert kpiscore.kpis(pl.from_arrow(table), by=BY, tz=TZ).records == expected

    class Stream:  # any object speaking the Arrow PyCapsule stream protocol
        def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
            return table.__arrow_c_stream__(requested_schema)

    assert kpiscore.kpis(Stream(), by=BY, tz=TZ).records == expected


def test_iso_text_timestamps_and_lists(frame: pd.DataFrame, expected: list[dict[str, Any]]) -> None:
    cols: dict[str, Any] = {name: frame[name].tolist() for name in frame.columns}
    assert kpiscore.kpis(cols, by=BY, tz=TZ).records == expected


def test_float_seconds_round_to_nearest_millisecond() -> None:
    base = {"arrived_at": np.array(["2026-03-02T10:00:00"] * 4, dtype=object),
            "direction": np.array(["inbound"] * 4, dtype=object),
            "answered": np.ones(4, dtype=np.int8)}
    result = kpiscore.kpis({**base, "wait_s": np.array([0.0004, 0.0005, 1.2345, 2.0])})
    # 0 ms, 1 ms, 1235 ms (1.2345 × 1000 is exactly 1234.5 in binary floating point; halves go
    # away from zero, not to even as Python's round does), 2000 ms: the ASA is the mean of the
    # integer milliseconds.
    waits_ms = [0, 1, 1235, 2000]
    assert result.records[0]["asa_s"] == pytest.approx(sum(waits_ms) / 4 / 1000, rel=1e-15)
    ints = kpiscore.kpis({**base, "wait_ms": np.array(waits_ms, dtype=np.int64)})
    assert ints.records == result.records


def test_rejects_name_row_field_reason() -> None:
    data = {
        "contact_id": ["a", "b", "", "d", "e", "f", "g"],
        "arrived_at": ["2026-03-02T10:00:00", "not a time", "2026-03-02T10:00:00",
                       "2026-03-02T10:00:00", "1899-12-31T23:00:00", "2026-03-02T10:00:00",
                       "2026-03-02T10:00:00"],
        "direction": ["inbound", "inbound", "inbound", "sideways", "inbound", "inbound", "inbound"],
        "answered": np.array([1, 1, 1, 1, 1, 2, 1]),
        "wait_s": np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -3.0]),
        "csat": np.array([5, 9, 1, 1, 1, 1, 1], dtype=np.int8),
    }
    result = kpiscore.kpis(data)
    assert (result.rows_read, result.accepted, result.rejected) == (7, 1, 6)
    assert result.rejects == [
        kpiscore.Reject(1, "arrived_at", "not an ISO-8601 timestamp"),
        kpiscore.Reject(2, "contact_id", "missing required value"),
        kpiscore.Reject(3, "direction", "expected inbound or outbound"),
        kpiscore.Reject(4, "arrived_at", "timestamp before 1900"),
        kpiscore.Reject(5, "answered", "expected 0 or 1"),
        kpiscore.Reject(6, "wait_s", "negative duration"),
    ]
    # Row 0 is fine except csat is checked after the required columns: row 1's csat 9 would also
    # be out of range, but its first problem (arrived_at) is the one reported.
    more = kpiscore.kpis({**data, "csat": np.array([9, 1, 1, 1, 1, 1, 1], dtype=np.int8)})
    assert more.rejects[0] == kpiscore.Reject(0, "csat", "csat outside 1..5")


def test_dst_gap_in_naive_datetimes() -> None:
    data = {"arrived_at": np.array(["2026-03-29T02:30:00", "2026-03-29T03:30:00"], dtype="datetime64[ms]"),
            "direction": ["inbound", "inbound"], "answered": [1, 1], "wait_s": [1.0, 2.0]}
    result = kpiscore.kpis(data, tz="Europe/Paris")
    assert result.rejects == [kpiscore.Reject(0, "arrived_at", "local time does not exist in Europe/Paris (DST gap)")]


@pytest.mark.parametrize(("column", "values", "message"), [
    ("wait_ms", np.array([1.5, 2.0]), "column wait_ms: milliseconds must be integers, actual float64"),
    ("csat", np.array(["good", "bad"], dtype=object), "column csat: expected numbers or bool, actual text"),
    ("arrived_at", np.array([1.0, 2.0]), "column arrived_at: expected datetime64 or ISO-8601 text, actual float64"),
    ("wait_s", np.array(["1", "2"]), "column wait_s: expected numbers, actual <U1"),
])
def test_wrong_column_type_names_the_column(column: str, values: np.ndarray, message: str) -> None:
    data: dict[str, Any] = {"arrived_at": ["2026-03-02T10:00:00"] * 2, "direction": ["inbound"] * 2,
                            "answered": [1, 1], "wait_s": [1.0, 1.0]}
    data.pop("wait_s" if column.startswith("wait") else column, None)
    data[column] = values
    with pytest.raises(kpiscore.ColumnTypeError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        kpiscore.kpis(data)


def test_structural_errors() -> None:
    with pytest.raises(ValueError, match="^column wait_s: required$"):
        kpiscore.kpis({"arrived_at": ["2026-03-02"], "direction": ["inbound"], "answered": [1]})
    with pytest.raises(ValueError, match="^column answered: expected 2 rows, actual 1$"):
        kpiscore.kpis({"arrived_at": ["2026-03-02"] * 2, "direction": ["inbound"] * 2, "answered": [1],
                       "wait_s": [1.0, 1.0]})
    with pytest.raises(ValueError, match="^column wait_ms: wait_s is given twice$"):
        kpiscore.kpis({"arrived_at": ["2026-03-02"], "direction": ["inbound"], "answered": [1],
                       "wait_s": [1.0], "wait_ms": [1000]})
    with pytest.raises(ValueError, match="^mapping: applies to CSV files only"):
        kpiscore.kpis({"arrived_at": ["2026-03-02"]}, mapping={})


def test_read_once_use_many(frame: pd.DataFrame, expected: list[dict[str, Any]]) -> None:
    contacts = kpiscore.read(frame, tz=TZ)
    assert len(contacts) == 2000 and contacts.rejects == []
    assert "agent_id" in contacts.dimensions
    assert kpiscore.kpis(contacts, by=BY, tz=TZ).records == expected
    assert kpiscore.aggregate(contacts, by=BY, tz=TZ).kpis().records == expected


def test_outputs(frame: pd.DataFrame) -> None:
    pa = pytest.importorskip("pyarrow")
    result = kpiscore.kpis(frame, by="team")
    df = result.to_pandas(numerators=True)
    assert str(df["offered"].dtype) == "Int64" and str(df["csat_mean"].dtype) == "Float64"
    fcr = result.column("fcr")
    assert np.allclose(df["fcr_numerator"] / df["fcr_denominator"], fcr.value)
    assert result.to_dict()["team"] == [r["team"] for r in result.records]
    arrow = result.to_arrow()
    assert arrow.column_names == list(result.records[0])
    assert pa.table(result).equals(arrow)  # __arrow_c_stream__
    assert "<table>" in result._repr_html_() and "offered" in result._repr_html_()
    with pytest.raises(KeyError, match="kpi 'nosuch'"):
        result.column("nosuch")


def test_nat_timestamps_are_missing_values() -> None:
    data = {"arrived_at": np.array(["2026-03-02T10:00", "NaT"], dtype="datetime64[ms]"),
            "direction": ["inbound", "inbound"], "answered": [1, 1], "wait_s": [1.0, 2.0]}
    result = kpiscore.kpis(data)
    assert result.rejects == [kpiscore.Reject(1, "arrived_at", "missing required value")]


def test_nullable_columns_read_in_place_ignore_values_under_nulls(
        frame: pd.DataFrame, expected: list[dict[str, Any]]) -> None:
    """Nullable integer columns (pandas masked arrays, Arrow arrays with validity) are read with
    their masks, not converted: whatever the buffer holds at a null row (here negative and huge
    values, out-of-range scores) is neither validated nor counted."""
    rng = np.random.default_rng(7)

    def masked(values: pd.Series, scale: int, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
        null = values.isna().to_numpy()
        data = np.round(values.fillna(0).to_numpy(dtype=np.float64) * scale).astype(dtype)
        data[null] = rng.choice(np.array([-3, 99, np.iinfo(dtype).max], dtype=dtype), int(null.sum()))
        return data, null

    cols: dict[str, Any] = {name: frame[name] for name in
                            ["contact_id", "arrived_at", "direction", "channel", "category", "customer_type",
                             "agent_id", "team", "vendor", "queue", "answered", "wait_s"]}
    arrow_cols: dict[str, Any] = {}
    for name in ["talk_s", "hold_s", "acw_s"]:
        data, null = masked(frame[name], 1000, np.int64)
        assert null.any()
        cols[name.replace("_s", "_ms")] = pd.arrays.IntegerArray(data, null)
        arrow_cols[name.replace("_s", "_ms")] = (data, null)
    for name in ["resolved_first_contact", "csat", "nps", "complaint", "converted"]:
        data, null = masked(frame[name], 1, np.int8)
        cols[name] = pd.arrays.IntegerArray(data, null)
        arrow_cols[name] = (data, null)
    df = pd.DataFrame(cols)
    assert kpiscore.kpis(df, by=BY, tz=TZ).records == expected

    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pandas(frame[list(cols)[:12]], preserve_index=False)
    for name, (data, null) in arrow_cols.items():
        table = table.append_column(name, pa.array(data, mask=null))
    # The garbage really is in the Arrow buffers under the nulls.
    talk = table.column("talk_ms").chunk(0)
    raw = np.frombuffer(talk.buffers()[1], dtype=np.int64, count=len(talk))
    assert (raw[~talk.is_valid().to_numpy(zero_copy_only=False)] != 0).any()
    assert kpiscore.kpis(table, by=BY, tz=TZ).records == expected


# --- integer contact ids: decimal text written in C++ (issue 8) ----------------------------------

@settings(max_examples=200)
@given(values=st.lists(st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1), max_size=50),
       nulls=st.lists(st.booleans(), max_size=50))
def test_integer_ids_are_the_text_of_str(values: list[int], nulls: list[bool]) -> None:
    from kpiscore import _input

    arr = np.array(values, dtype=np.int64)
    mask = np.array([not (i < len(nulls) and nulls[i]) for i in range(len(values))], dtype=bool)
    for m in (None, mask):
        got = _input._numpy_column("contact_id", arr, m)
        want = _input._strings(np.array([str(v) for v in values], dtype=object), m, "contact_id")
        assert got[0] == want[0] == "str"
        np.testing.assert_array_equal(got[1], want[1])
        np.testing.assert_array_equal(got[2], want[2])
        # no mask where every id is present
        assert (got[3] is None and want[3].all()) or np.array_equal(got[3], want[3])


def test_integer_ids_of_every_width_and_sign() -> None:
    from kpiscore import _input

    for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64):
        info = np.iinfo(dtype)
        arr = np.array([info.min, 0, 1, 9, 10, 99, 100, info.max], dtype=dtype)
        kind, offsets, data, valid = _input._numpy_column("contact_id", arr, None)
        text = bytes(data).decode()
        assert [text[a:b] for a, b in zip(offsets[:-1], offsets[1:])] == [str(int(v)) for v in arr]
        assert kind == "str" and valid is None
