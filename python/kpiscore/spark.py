"""kpiscore inside Spark: exact per-partition states over ``mapInArrow``, merged by key.

``states(sdf, by=..., per=[...])`` runs kpiscore in every partition (Arrow batches, no pandas
conversion) and returns a small Spark DataFrame with one serialized :class:`kpiscore.State` per
``per`` key (e.g. per day), merged across partitions by ``groupBy(per).applyInPandas``. Store that
column in a table; :func:`roll_up` merges the stored states to coarser keys later (days →
months) without the raw data. :func:`aggregate` and :func:`kpis` merge everything on the driver.
Counts and millisecond sums are integers, so results are bit-identical to one pass
(docs/distributed.md).

>>> import kpiscore.spark  # doctest: +SKIP
>>> kpiscore.spark.kpis(sdf, by=["agent_id", "month"], tz="Asia/Shanghai").to_pandas()  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from . import _core, _read_for
from ._options import PathType, group_keys, options_json
from ._result import KpiResult
from ._state import State

__all__ = ["aggregate", "kpis", "merge_state_rows", "roll_up", "sample", "states"]

STATE_FIELDS = "state binary, rows_read long, accepted long, rejects string"


def _aggregate_table(table: Any, keys: list[str], text: str) -> tuple[bytes, int, int, str]:
    contacts = _read_for(table, text, None)
    summary = contacts.summary
    state = _core.aggregate(contacts._core, keys, text)
    return (bytes(state.to_bytes()), int(summary["rows_read"]), int(summary["accepted"]),
            json.dumps([list(r) for r in summary["rejects"]]))


def _partition_states(keys: list[str], per: list[str], text: str):  # type: ignore[no-untyped-def]
    """The mapInArrow function: one state per `per` key present in the partition."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa
        import pyarrow.compute as pc

        batch_list = list(batches)
        if not batch_list:
            return
        table = pa.Table.from_batches(batch_list)
        if table.num_rows == 0:
            return
        data = table.drop_columns(per) if per else table
        if not per:
            state, rows, accepted, rejects = _aggregate_table(data, keys, text)
            yield pa.RecordBatch.from_pydict({"state": [state], "rows_read": [rows], "accepted": [accepted],
                                              "rejects": [rejects]})
            return
        distinct = table.select(per).group_by(per).aggregate([]).to_pylist()
        out: dict[str, list[Any]] = {name: [] for name in per}
        out.update({"state": [], "rows_read": [], "accepted": [], "rejects": []})
        for key in distinct:
            mask = None
            for name in per:
                col = table.column(name)
                cond = pc.is_null(col) if key[name] is None else pc.equal(col, pa.scalar(key[name], col.type))
                cond = pc.fill_null(cond, False)
                mask = cond if mask is None else pc.and_(mask, cond)
            state, rows, accepted, rejects = _aggregate_table(data.filter(mask), keys, text)
            for name in per:
                out[name].append(key[name])
            out["state"].append(state)
            out["rows_read"].append(rows)
            out["accepted"].append(accepted)
            out["rejects"].append(rejects)
        schema = pa.schema([table.schema.field(name) for name in per] + [
            pa.field("state", pa.binary()), pa.field("rows_read", pa.int64()), pa.field("accepted", pa.int64()),
            pa.field("rejects", pa.string())])
        yield pa.RecordBatch.from_pydict(out, schema=schema)

    return run


def merge_state_rows(states: Sequence[bytes], rows_read: Sequence[int] = (), accepted: Sequence[int] = (),
                     rejects: Sequence[str] = ()) -> tuple[bytes, int, int, str]:
    """Merges serialized states (and their input counts): the reduction step, usable in any
    engine's aggregate function."""
    if not states:
        raise ValueError("states: nothing to merge")
    merged = _core.KpiState.from_bytes(bytes(states[0]))
    for s in states[1:]:
        merged.merge(_core.KpiState.from_bytes(bytes(s)))
    all_rejects: list[Any] = []
    for r in rejects:
        all_rejects += json.loads(r)
    return bytes(merged.to_bytes()), int(sum(rows_read)), int(sum(accepted)), json.dumps(all_rejects)


def _merge_group(pdf: Any) -> Any:
    import pandas as pd

    state, rows, accepted, rejects = merge_state_rows(list(pdf["state"]), list(pdf["rows_read"]),
                                                      list(pdf["accepted"]), list(pdf["rejects"]))
    key_columns = [c for c in pdf.columns if c not in ("state", "rows_read", "accepted", "rejects")]
    out = {c: [pdf[c].iloc[0]] for c in key_columns}
    out.update({"state": [state], "rows_read": [rows], "accepted": [accepted], "rejects": [rejects]})
    return pd.DataFrame(out)


def states(
    sdf: Any,
    by: str | Sequence[str] | None = None,
    per: Sequence[str] = (),
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
) -> Any:
    """A Spark DataFrame of serialized states: one row per ``per`` key (one row in all when
    ``per`` is empty), columns ``*per, state (binary), rows_read, accepted, rejects (JSON)``.

    ``by`` groups inside each state (as :func:`kpiscore.kpis`); ``per`` are Spark columns of
    ``sdf`` (e.g. a day column) that stay outside, so stored states can be merged to coarser
    keys later with :func:`roll_up`. ``per`` columns are not passed to kpiscore.
    """
    text = options_json(options, tz=tz, sl_threshold=sl_threshold, quantiles=quantiles)
    keys = group_keys(by)
    per = list(per)
    missing = [c for c in per if c not in sdf.columns]
    if missing:
        raise ValueError(f"per: no column {missing[0]!r} in the DataFrame")
    per_schema = ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in sdf.schema.fields if f.name in per)
    schema = f"{per_schema}, {STATE_FIELDS}" if per else STATE_FIELDS
    partial = sdf.mapInArrow(_partition_states(keys, per, text), schema)
    if not per:
        return partial.coalesce(1).mapInPandas(_merge_all, STATE_FIELDS)
    return partial.groupBy(*per).applyInPandas(_merge_group, schema)


def _merge_all(frames: Iterator[Any]) -> Iterator[Any]:
    import pandas as pd

    parts = [f for f in frames if len(f)]
    if parts:
        yield _merge_group(pd.concat(parts))


def roll_up(state_rows: Any, keys: Sequence[Any]) -> Any:
    """Merges stored state rows to coarser keys: ``keys`` are Spark columns or expressions over
    the stored key columns (e.g. ``F.substring("day", 1, 7).alias("month")``). Every state in a
    group must have the same group keys and options (else the merge task fails with the
    fingerprint error)."""
    from pyspark.sql import Column
    from pyspark.sql import functions as F

    cols = [k if isinstance(k, Column) else F.col(k) for k in keys]
    selected = state_rows.select(*cols, "state", "rows_read", "accepted", "rejects")
    key_names = [f.name for f in selected.schema.fields if f.name not in ("state", "rows_read", "accepted", "rejects")]
    schema = ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in selected.schema.fields)
    return selected.groupBy(*key_names).applyInPandas(_merge_group, schema)


def aggregate(
    sdf: Any,
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
) -> State:
    """The merged :class:`kpiscore.State` of the whole DataFrame (collected to the driver)."""
    return _collect(states(sdf, by, (), options, tz, sl_threshold, quantiles), by,
                    options_json(options, tz=tz, sl_threshold=sl_threshold, quantiles=quantiles))[0]


def kpis(
    sdf: Any,
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
) -> KpiResult:
    """KPIs per group over a Spark DataFrame: the same :class:`kpiscore.KpiResult` as
    :func:`kpiscore.kpis` on the collected rows (rejects carry their position within the
    partition's Arrow table in ``line``)."""
    state, summary = _collect(states(sdf, by, (), options, tz, sl_threshold, quantiles), by,
                              options_json(options, tz=tz, sl_threshold=sl_threshold, quantiles=quantiles))
    return KpiResult(state._core.finalize(), summary)


def _collect(state_rows: Any, by: str | Sequence[str] | None, text: str) -> tuple[State, dict[str, Any]]:
    rows = state_rows.select("state", "rows_read", "accepted", "rejects").collect()
    if not rows:  # no records at all: the state of an empty table, as kpiscore.aggregate gives
        import numpy as np

        empty = {"arrived_at": np.array([], dtype="datetime64[ms]"), "direction": np.array([], dtype=object),
                 "answered": np.array([], dtype=np.int8), "wait_ms": np.array([], dtype=np.int64)}
        contacts = _read_for(empty, text, None)
        return State(_core.aggregate(contacts._core, group_keys(by), text)), {"rows_read": 0, "accepted": 0,
                                                                               "rejects": []}
    data, rows_read, accepted, rejects = merge_state_rows([r["state"] for r in rows], [r["rows_read"] for r in rows],
                                                          [r["accepted"] for r in rows], [r["rejects"] for r in rows])
    return State.from_bytes(data), {"rows_read": rows_read, "accepted": accepted, "rejects": json.loads(rejects)}


def sample(sdf: Any, plan: Mapping[str, Any] | PathType | str, tz: str | None = None) -> Any:
    """The contacts a **Bernoulli** plan selects, as a Spark DataFrame (contact_id, the strata
    keys, inclusion_probability, design_weight): every partition draws its own contacts with
    ``mapInArrow``; a contact's draw depends only on its id and the seed, so the result is the
    single-machine sample whatever the partitioning. Designs that need whole strata are refused
    (see :func:`kpiscore.dask.sample`)."""
    from .sampling import _plan_json, check_plan

    text = _plan_json(plan)
    normalized = check_plan(text)
    if normalized["design"] != "bernoulli":
        raise ValueError(f"plan /design: {normalized['design']} needs whole strata; kpiscore.spark.sample draws "
                         "bernoulli plans (docs/distributed.md)")
    keys = list(normalized.get("strata", {}).get("by", []))
    schema = ", ".join(["contact_id string", *(f"`{k}` string" for k in keys),
                        "inclusion_probability double", "design_weight double"])

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from .sampling import sample as draw

        batch_list = list(batches)
        if not batch_list:
            return
        table = pa.Table.from_batches(batch_list)
        if table.num_rows == 0:
            return
        frame = draw(table, text, tz=tz).to_pandas()
        frame = frame[["contact_id", *keys, "inclusion_probability", "design_weight"]]
        yield from pa.Table.from_pandas(frame, preserve_index=False).to_batches()

    return sdf.mapInArrow(run, schema)
