"""kpiscore: contact-centre KPIs, scores and QA samples.

A thin Python façade over the C++ library (the private compiled module ``kpiscore._core``):
every number is computed in C++, exactly as the ``kpiscore`` command-line tool computes it.

>>> import kpiscore
>>> result = kpiscore.kpis("contacts.csv", by="team", tz="Asia/Shanghai")  # doctest: +SKIP
>>> result.records[0]["service_level"]  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import _core
from ._core import InputError
from ._input import ColumnTypeError, normalize
from ._options import PathType, group_keys, load_json_document, options_json
from ._result import KpiColumn, KpiResult, Reject
from ._state import State

__all__ = ["ColumnTypeError", "Contacts", "InputError", "KpiColumn", "KpiResult", "PathType",
           "Reject", "State", "__version__", "aggregate", "aggregate_many", "default_options", "kpis",
           "normalize_options", "read"]

__version__: str = _core.version

# Seat planning (Erlang C/A): the typed façade kpiscore/staffing.py over _core.staffing, so
# `import kpiscore.staffing`, `kpiscore.staffing.erlang_c` and `from kpiscore.staffing import …`
# all give the façade.
from . import rules, sampling, staffing, stats  # noqa: E402
from .sampling import sample  # noqa: E402
from .scoring import ScoreResult, Scorecard, SpecError  # noqa: E402

__all__ += ["ScoreResult", "Scorecard", "SpecError", "rules", "sample", "sampling", "staffing", "stats"]

#: What the data arguments accept: a CSV path, a dict of arrays, a pandas or polars DataFrame,
#: a pyarrow Table, anything with ``__arrow_c_stream__``, or already read :class:`Contacts`.
Data = Any


class Contacts:
    """Validated contact records, read once and reusable for several ``kpis``/``aggregate`` calls.

    ``rows`` accepted records; ``rows_read = accepted + rejected``; ``rejects`` lists every
    rejected record (position, field, reason). Time zone, CSAT scale and leg collapsing come
    from the options given to :func:`read`; later calls must use compatible options.
    """

    __slots__ = ("_core", "_options_json")

    def __init__(self, core_table: _core.ContactTable, options_json_text: str) -> None:
        self._core = core_table
        self._options_json = options_json_text

    @property
    def rows(self) -> int:
        """Accepted records."""
        return int(self._core.rows)

    @property
    def summary(self) -> dict[str, Any]:
        """rows_read, accepted, rejected, blank_lines, encoding, rejects (+ legs when collapsed)."""
        return dict(self._core.summary)

    @property
    def rejects(self) -> list[Reject]:
        """Every rejected record."""
        return [Reject(*r) for r in self._core.summary["rejects"]]

    @property
    def dimensions(self) -> list[str]:
        """The dimension columns (possible group keys besides the time keys)."""
        return list(self._core.dimensions)

    def __len__(self) -> int:
        return self.rows

    def __repr__(self) -> str:
        s = self._core.summary
        return f"Contacts(rows={s['accepted']}, rows_read={s['rows_read']}, rejected={s['rejected']})"


def read(
    data: Data,
    *,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    mapping: Mapping[str, Any] | PathType | None = None,
) -> Contacts:
    """Reads and validates contact records once (see :func:`kpis` for ``data``).

    Args:
        data: a CSV path, a dict of numpy arrays, a pandas/polars DataFrame, a pyarrow Table or
            anything with ``__arrow_c_stream__``. Column types: docs/python.md.
        options: the options document (dict or JSON path): time zone, CSAT scale, legs.
        tz: IANA zone of naive timestamps (sets ``timezone``).
        mapping: a mapping document (docs/inputs.md) for a vendor CSV export.

    Malformed records are not errors: they are counted in ``rejects``. A column of the wrong
    type raises :class:`ColumnTypeError` (a ``TypeError``) naming the column.
    """
    return _read_for(data, options_json(options, tz=tz), mapping)


def _read_for(data: Data, text: str, mapping: Mapping[str, Any] | PathType | None) -> Contacts:
    if isinstance(data, Contacts):
        return data
    if isinstance(data, (str, os.PathLike)):
        mapping_json = None
        if mapping is not None:
            import json

            mapping_json = json.dumps(load_json_document(mapping, "mapping"))
        return Contacts(_core.read_csv(os.fspath(data), text, mapping_json), text)
    if mapping is not None:
        raise ValueError("mapping: applies to CSV files only (rename DataFrame columns instead)")
    columns, rows = normalize(data)
    return Contacts(_core.read_arrays(columns, rows, text), text)


def aggregate(
    data: Data,
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
    *,
    mapping: Mapping[str, Any] | PathType | None = None,
    threads: int | None = None,
) -> State:
    """The mergeable KPI :class:`State` per group (arguments as :func:`kpis`)."""
    text = options_json(options, tz=tz, sl_threshold=sl_threshold, quantiles=quantiles, threads=threads)
    return State(_aggregate_core(data, by, text, mapping)[0])


def _aggregate_core(data: Data, by: str | Sequence[str] | None, text: str,
                    mapping: Mapping[str, Any] | PathType | None) -> tuple[_core.KpiState, Contacts]:
    """Reads ``data`` with the options ``text`` and aggregates it: the one pipeline behind
    :func:`aggregate` and :func:`kpis`."""
    keys = group_keys(by)
    contacts = _read_for(data, text, mapping)
    return _core.aggregate(contacts._core, keys, text), contacts


def default_options() -> dict[str, Any]:
    """The options document with every option at its default (docs/kpis.md)."""
    import json

    return dict(json.loads(_core.default_options_json()))


def normalize_options(options: Mapping[str, Any] | PathType) -> dict[str, Any]:
    """An options document validated, with every default made explicit; ``ValueError`` names
    the JSON path of a bad option."""
    import json

    return dict(json.loads(_core.normalize_options_json(options_json(options))))


def aggregate_many(
    sources: Iterable[Data],
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
    *,
    mapping: Mapping[str, Any] | PathType | None = None,
    threads: int | None = None,
    progress: bool = False,
) -> State:
    """Aggregates many sources (files, frames, chunks) one at a time and merges their states:
    memory holds one source at a time, and the result equals one pass over all of them.

    ``progress=True`` shows a tqdm progress bar (tqdm must be installed). Rejects are not kept:
    read the sources with :func:`read` to inspect them.
    """
    items = list(sources) if progress else sources
    if progress:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise ImportError("progress=True needs tqdm (pip install tqdm)") from None
        items = tqdm(items, desc="kpiscore", unit="source")
    total: State | None = None
    for source in items:
        state = aggregate(source, by, options, tz, sl_threshold, quantiles, mapping=mapping, threads=threads)
        if total is None:
            total = state
        else:
            total += state
    if total is None:
        raise ValueError("sources: nothing to aggregate")
    return total


def kpis(
    data: Data,
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
    *,
    mapping: Mapping[str, Any] | PathType | None = None,
    threads: int | None = None,
    intervals: bool = False,
) -> KpiResult:
    """Contact KPIs per group, exactly as ``kpiscore kpis`` computes them.

    Args:
        data: contact records: a CSV path (docs/input.md; with ``mapping`` a vendor export), a
            dict of numpy arrays, a pandas or polars DataFrame, a pyarrow Table, anything with
            ``__arrow_c_stream__``, or :class:`Contacts` from :func:`read`. Column types:
            docs/python.md.
        by: group keys, as ``"agent_id,month"`` or ``["agent_id", "month"]``: any dimension column
            and the time keys interval15, interval30, hour, day, week, month, peak. ``None``: one
            group for everything.
        options: the options document (docs/kpis.md), as a dict or the path of a JSON file.
        tz: IANA time zone of naive timestamps and of time keys (sets ``timezone``).
        sl_threshold: service-level threshold in seconds (sets ``service_level.threshold_s``).
        quantiles: add wait_p50_s, wait_p90_s, handle_p50_s, handle_p90_s.
        mapping: a mapping document (dict or JSON path) for a vendor CSV export.
        threads: worker threads (sets ``threads``; default all cores). Results do not depend on it.
        intervals: add each KPI's confidence interval (CSAT top-box, FCR, service level, NPS,
            AHT, ASA…; docs/statistics.md), computed from the state's exact counts and sums of
            squares, with the options' ``intervals`` section (alpha, proportion method); the
            CLI's ``--intervals``.

    The keyword arguments override the options document, as the CLI's ``--tz``,
    ``--sl-threshold``, ``--quantiles`` and ``--threads`` override ``--options``. The GIL is
    released while reading files and aggregating.

    Raises:
        ValueError: a bad options document, group key or argument (the C++ message).
        ColumnTypeError: (a ``TypeError``) a column of a type kpiscore cannot read.
        InputError: (an ``OSError``) an unreadable file or unusable header. Malformed records are
            not errors: they are counted in ``rejects``.
    """
    text = options_json(options, tz=tz, sl_threshold=sl_threshold, quantiles=quantiles, threads=threads)
    state, contacts = _aggregate_core(data, by, text, mapping)
    return KpiResult(state.finalize(intervals), contacts._core.summary)
