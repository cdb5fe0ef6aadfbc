"""kpiscore: contact-centre KPIs, scores and QA samples.

A thin Python façade over the C++ library (the private compiled module ``kpiscore._core``):
every number is computed in C++, exactly as the ``kpiscore`` command-line tool computes it.

>>> import kpiscore
>>> result = kpiscore.kpis("contacts.csv", by="team", tz="Asia/Shanghai")  # doctest: +SKIP
>>> result.records[0]["service_level"]  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from . import _core
from ._core import InputError

if TYPE_CHECKING:
    import pandas

__all__ = ["InputError", "KpiResult", "Reject", "__version__", "kpis"]

__version__: str = _core.version

#: Something that names a file: a ``str`` or an ``os.PathLike``.
PathType = Union[str, "os.PathLike[str]"]

# Seat planning (Erlang C/A): the typed façade kpiscore/staffing.py over _core.staffing, so
# `import kpiscore.staffing`, `kpiscore.staffing.erlang_c` and `from kpiscore.staffing import …`
# all give the façade.
from . import staffing  # noqa: E402

__all__.append("staffing")


class Reject(NamedTuple):
    """A rejected input record: its physical line (the header is line 1), the field (empty for a
    record-level problem such as a wrong field count) and the reason."""

    line: int
    field: str
    reason: str


class KpiResult:
    """KPIs per group, as returned by :func:`kpis`.

    ``records`` holds one dict per group, in the CLI's JSON order: the group keys by name (``None``
    for a null key), then every KPI (counts as ``int``, other KPIs as ``float`` or ``None`` when
    the denominator is zero).
    """

    __slots__ = ("_json", "accepted", "blank_lines", "key_names", "kpi_kinds", "records",
                 "rejects", "rows_read")

    def __init__(self, json_text: str, summary: Mapping[str, Any]) -> None:
        self._json: str = json_text
        self.records: list[dict[str, Any]] = json.loads(json_text)
        #: Records after the header (blank lines excluded): ``accepted + rejected``.
        self.rows_read: int = int(summary["rows_read"])
        self.accepted: int = int(summary["accepted"])
        self.blank_lines: int = int(summary["blank_lines"])
        self.rejects: list[Reject] = [Reject(*r) for r in summary["rejects"]]
        self.key_names: list[str] = list(summary["key_names"])
        #: KPI name → kind (count, ratio, mean_seconds, mean, nps, quantile_seconds), in order.
        self.kpi_kinds: dict[str, str] = dict(summary["kpis"])

    @property
    def rejected(self) -> int:
        """The number of rejected records."""
        return len(self.rejects)

    def to_json(self) -> str:
        """The JSON text, byte for byte what ``kpiscore kpis --format json`` prints."""
        return self._json

    def to_pandas(self) -> pandas.DataFrame:
        """A DataFrame with one row per group: group keys as ``string`` columns, counts as
        ``Int64`` and the other KPIs as ``Float64`` columns (a null is ``pd.NA``)."""
        import pandas as pd

        columns: dict[str, Any] = {}
        for name in self.key_names:
            columns[name] = pd.array([r[name] for r in self.records], dtype="string")
        for name, kind in self.kpi_kinds.items():
            dtype = "Int64" if kind == "count" else "Float64"
            columns[name] = pd.array([r[name] for r in self.records], dtype=dtype)
        return pd.DataFrame(columns, index=pd.RangeIndex(len(self.records)))

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records)

    def __repr__(self) -> str:
        by = ", ".join(self.key_names) if self.key_names else "(all)"
        return (f"KpiResult(groups={len(self)}, by=[{by}], kpis={len(self.kpi_kinds)}, "
                f"rows_read={self.rows_read}, accepted={self.accepted}, "
                f"rejected={self.rejected})")


def _options_document(options: Mapping[str, Any] | PathType | None) -> dict[str, Any]:
    if options is None:
        return {}
    if isinstance(options, (str, os.PathLike)):
        path = os.fspath(options)
        with open(path, "rb") as f:
            text = f.read()
        try:
            doc = json.loads(text)
        except ValueError as e:  # JSONDecodeError, UnicodeDecodeError
            raise ValueError(f"options: {path}: not valid JSON: {e}") from None
        if not isinstance(doc, dict):
            raise ValueError(f"options: {path}: expected a JSON object")
        return doc
    if isinstance(options, Mapping):
        return copy.deepcopy(dict(options))
    raise TypeError(f"options: expected a dict or a path to a JSON file, actual "
                    f"{type(options).__name__}")


def _group_keys(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return _core.parse_group_by(by)
    keys = list(by)
    for k in keys:
        if not isinstance(k, str):
            raise TypeError(f"by: expected group key names (str), actual {type(k).__name__}")
    return keys


def kpis(
    path: PathType,
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
    *,
    threads: int | None = None,
) -> KpiResult:
    """Contact KPIs per group from a contacts CSV file, exactly as ``kpiscore kpis`` computes them.

    Args:
        path: contact records, CSV with a header (docs/input.md lists the columns).
        by: group keys, as ``"agent_id,month"`` or ``["agent_id", "month"]``: any dimension column
            and the time keys interval15, interval30, hour, day, week, month, peak. ``None``: one
            group for everything.
        options: the options document (docs/kpis.md), as a dict or the path of a JSON file.
        tz: IANA time zone of offset-less timestamps and of time keys (sets ``timezone``).
        sl_threshold: service-level threshold in seconds (sets ``service_level.threshold_s``).
        quantiles: add wait_p50_s, wait_p90_s, handle_p50_s, handle_p90_s (sets ``quantiles``
            to true; ``False`` leaves the options document as it is).
        threads: worker threads (sets ``threads``; default all cores). Results do not depend on it.

    The keyword arguments override the options document, as the CLI's ``--tz``,
    ``--sl-threshold``, ``--quantiles`` and ``--threads`` override ``--options``.

    Raises:
        ValueError: a bad options document, group key or argument (the C++ message).
        InputError: (an ``OSError``) an unreadable file or unusable header. Malformed records are
            not errors: they are counted in ``rejects``.
    """
    doc = _options_document(options)
    if sl_threshold is not None:
        if isinstance(sl_threshold, bool):
            raise TypeError("sl_threshold: expected seconds, actual bool")
        seconds = float(sl_threshold)
        if not (seconds >= 0) or math.isinf(seconds):
            raise ValueError(f"sl_threshold: expected seconds >= 0, actual '{sl_threshold}'")
        level = doc.get("service_level")
        if level is None:
            level = doc["service_level"] = {}
        elif not isinstance(level, dict):
            raise ValueError("options /service_level: expected an object")
        level["threshold_s"] = seconds
    if tz is not None:
        doc["timezone"] = tz
    if quantiles:
        doc["quantiles"] = True
    if threads is not None:
        doc["threads"] = threads
    keys = _group_keys(by)
    try:
        options_json = json.dumps(doc, allow_nan=False)
    except ValueError as e:
        raise ValueError(f"options: {e}") from None
    text, summary = _core.kpis_csv(os.fspath(path), keys, options_json, "json")
    return KpiResult(text, summary)
