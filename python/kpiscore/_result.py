"""KpiResult: finalized KPIs per group, in the shapes pandas, Arrow and JSON users expect."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    import pandas
    import pyarrow

    from . import _core


class Reject(NamedTuple):
    """A rejected input record: where it is (``line``: the physical line of a CSV file, the header
    being line 1; for in-memory data the 0-based row position), the field (empty for a
    record-level problem such as a wrong field count) and the reason. Never the value itself."""

    line: int
    field: str
    reason: str


class KpiColumn(NamedTuple):
    """One KPI over all groups: values (NaN where null), validity, numerator, denominator, and
    the confidence interval's bounds when the result was computed with ``intervals=True`` (NaN
    where the KPI has no interval: docs/statistics.md, "KPI intervals")."""

    name: str
    kind: str
    value: np.ndarray
    valid: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None


class KpiResult:
    """KPIs per group, as returned by :func:`kpiscore.kpis` and :meth:`kpiscore.State.kpis`.

    Groups are in the state's order: sorted by key tuple, nulls last. ``records`` holds one dict
    per group in the CLI's JSON order: the group keys by name (``None`` for a null key), then
    every KPI (counts as ``int``, other KPIs as ``float``, or ``None`` when the denominator is
    zero). ``rows_read``, ``accepted``, ``rejects`` report the input (zero for a result made
    from a state).
    """

    def __init__(self, table: _core.KpiTable, summary: Mapping[str, Any] | None = None) -> None:
        summary = summary or {}
        self._table = table
        columns = table.columns()
        #: Group key names, in ``by`` order.
        self.key_names: list[str] = [name for name, _ in columns["keys"]]
        self._keys: list[list[str | None]] = [list(values) for _, values in columns["keys"]]
        self._kpis: list[KpiColumn] = [KpiColumn(*c) for c in columns["kpis"]]
        #: KPI name → kind (count, ratio, mean_seconds, mean, nps, quantile_seconds), in order.
        self.kpi_kinds: dict[str, str] = {c.name: c.kind for c in self._kpis}
        #: Records after the header (blank lines excluded): ``accepted + rejected``.
        self.rows_read: int = int(summary.get("rows_read", 0))
        self.accepted: int = int(summary.get("accepted", 0))
        self.blank_lines: int = int(summary.get("blank_lines", 0))
        self.rejects: list[Reject] = [Reject(*r) for r in summary.get("rejects", [])]
        #: Leg collapsing summary when the options collapse legs (rows_in, contacts, ...).
        self.legs: dict[str, int] | None = summary.get("legs")
        self._records: list[dict[str, Any]] | None = None

    @property
    def rejected(self) -> int:
        """The number of rejected records."""
        return len(self.rejects)

    @property
    def records(self) -> list[dict[str, Any]]:
        """One dict per group (keys, then KPIs), equal to the CLI's JSON records."""
        if self._records is None:
            out: list[dict[str, Any]] = []
            n = len(self)
            for g in range(n):
                r: dict[str, Any] = {}
                for name, values in zip(self.key_names, self._keys):
                    r[name] = values[g]
                for c in self._kpis:
                    if not c.valid[g]:
                        r[c.name] = None
                    elif c.kind == "count":
                        r[c.name] = int(c.value[g])
                    else:
                        r[c.name] = float(c.value[g])
                out.append(r)
            self._records = out
        return self._records

    def column(self, kpi: str) -> KpiColumn:
        """Values, validity, numerator and denominator of one KPI as numpy arrays."""
        for c in self._kpis:
            if c.name == kpi:
                return c
        raise KeyError(f"kpi {kpi!r}: not in this result (have {', '.join(self.kpi_kinds)})")

    def to_json(self) -> str:
        """The JSON text, byte for byte what ``kpiscore kpis --format json`` prints."""
        return self._table.render("json")

    def to_csv(self) -> str:
        """The CSV text, byte for byte what ``kpiscore kpis --format csv`` prints."""
        return self._table.render("csv")

    def to_table(self) -> str:
        """The aligned text table of ``kpiscore kpis --format table``."""
        return self._table.render("table")

    def to_dict(self) -> dict[str, list[Any]]:
        """Column-oriented: ``{name: [value per group]}`` for keys and KPIs (None for null)."""
        out: dict[str, list[Any]] = {name: list(values) for name, values in zip(self.key_names, self._keys)}
        for c in self._kpis:
            conv = int if c.kind == "count" else float
            out[c.name] = [conv(v) if ok else None for v, ok in zip(c.value, c.valid)]
        return out

    def to_pandas(self, numerators: bool = False) -> pandas.DataFrame:
        """A tidy DataFrame, one row per group: group keys as ``string`` columns, counts as
        ``Int64`` and the other KPIs as ``Float64`` columns (a null KPI is ``pd.NA``). With
        ``numerators=True`` each non-count KPI is followed by ``<kpi>_numerator`` and
        ``<kpi>_denominator`` (``Float64``); a result computed with ``intervals=True`` adds
        ``<kpi>_lo`` and ``<kpi>_hi`` after each KPI that has an interval, as the CLI's
        ``--intervals`` does."""
        import pandas as pd

        columns: dict[str, Any] = {}
        for name, values in zip(self.key_names, self._keys):
            columns[name] = pd.array(values, dtype="string")
        for c in self._kpis:
            if c.kind == "count":
                columns[c.name] = pd.arrays.IntegerArray(c.value.astype(np.int64), ~c.valid)
            else:
                columns[c.name] = pd.arrays.FloatingArray(c.value.copy(), ~c.valid)
                if numerators:
                    columns[f"{c.name}_numerator"] = pd.array(c.numerator, dtype="Float64")
                    columns[f"{c.name}_denominator"] = pd.array(c.denominator, dtype="Float64")
            if c.lower is not None and c.upper is not None and not np.isnan(c.lower).all():
                columns[f"{c.name}_lo"] = pd.arrays.FloatingArray(np.nan_to_num(c.lower), np.isnan(c.lower))
                columns[f"{c.name}_hi"] = pd.arrays.FloatingArray(np.nan_to_num(c.upper), np.isnan(c.upper))
        return pd.DataFrame(columns, index=pd.RangeIndex(len(self)))

    def to_arrow(self, numerators: bool = False) -> pyarrow.Table:
        """A pyarrow Table with the columns of :meth:`to_pandas` (nulls as Arrow nulls)."""
        import pyarrow as pa

        arrays: dict[str, Any] = {}
        for name, values in zip(self.key_names, self._keys):
            arrays[name] = pa.array(values, type=pa.string())
        for c in self._kpis:
            mask = ~c.valid
            if c.kind == "count":
                arrays[c.name] = pa.array(c.value.astype(np.int64), mask=mask)
            else:
                arrays[c.name] = pa.array(c.value, mask=mask, type=pa.float64())
                if numerators:
                    arrays[f"{c.name}_numerator"] = pa.array(c.numerator)
                    arrays[f"{c.name}_denominator"] = pa.array(c.denominator)
        return pa.table(arrays)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream protocol (polars, DuckDB, pyarrow read it directly)."""
        return self.to_arrow().__arrow_c_stream__(requested_schema)

    def __len__(self) -> int:
        return len(self._keys[0]) if self._keys else (len(self._kpis[0].value) if self._kpis else 0)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records)

    def __repr__(self) -> str:
        by = ", ".join(self.key_names) if self.key_names else "(all)"
        return (f"KpiResult(groups={len(self)}, by=[{by}], kpis={len(self.kpi_kinds)}, "
                f"rows_read={self.rows_read}, accepted={self.accepted}, "
                f"rejected={self.rejected})")

    def _repr_html_(self, max_rows: int = 30) -> str:
        """A compact HTML table for notebooks (first ``max_rows`` groups)."""
        head = "".join(f"<th>{html.escape(n)}</th>" for n in [*self.key_names, *self.kpi_kinds])
        rows = []
        for r in self.records[:max_rows]:
            cells = []
            for name in self.key_names:
                v = r[name]
                cells.append(f"<td>{html.escape('—' if v is None else str(v))}</td>")
            for name, kind in self.kpi_kinds.items():
                cells.append(f"<td style='text-align:right'>{_format(r[name], kind)}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        more = len(self) - max_rows
        foot = f"<p>… {more} more groups</p>" if more > 0 else ""
        return (f"<div><p>{html.escape(repr(self))}</p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>{foot}</div>")


def _format(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "count":
        return str(value)
    if kind == "ratio":
        return f"{100 * value:.1f}%"
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.1f}"
    return html.escape(json.dumps(value))


def group_index(key_names: Sequence[str], keys: Sequence[Sequence[str | None]], size: int,
                group: int | Mapping[str, str | None] | Sequence[str | None]) -> int:
    """The row of one group of a result: ``group`` is a row number, a dict of key values or a
    tuple in ``key_names`` order (shared by KPI, score and rules results)."""
    if isinstance(group, (int, np.integer)):
        g = int(group)
        if not 0 <= g < size:
            raise IndexError(f"group {g} out of range (0..{size - 1})")
        return g
    if isinstance(group, Mapping):
        missing = [k for k in key_names if k not in group]
        if missing or len(group) != len(key_names):
            raise KeyError(f"group: expected the keys {list(key_names)}, actual {list(group)}")
        wanted = [group[k] for k in key_names]
    else:
        wanted = list(group)
    for g in range(size):
        if all(keys[k][g] == wanted[k] for k in range(len(key_names))):
            return g
    raise KeyError(f"group {wanted!r}: not in this result")
