"""QA sampling: which contacts QA reviews, with inclusion probabilities (docs/sampling.md).

A typed façade over the compiled ``kpiscore._core.sample``: the plan is validated and the sample
drawn in C++ (``include/kpiscore/sampling/``), exactly as ``kpiscore sample`` draws it, so the
CSV of :meth:`SampleResult.to_csv` is byte-identical to the command's output.

>>> import kpiscore.sampling as ks
>>> plan = {"design": "pareto", "seed": 7, "rate": 0.15,
...         "strata": {"by": ["agent_id", "day"], "min": 1}}
>>> result = ks.sample("contacts.csv", plan, tz="Asia/Shanghai")  # doctest: +SKIP
>>> result.report["achieved"]  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from ._core import sample as _s

if TYPE_CHECKING:
    import numpy
    import pandas

__all__ = ["PlanError", "Reject", "SampleResult", "check_plan", "contact_uniform", "sample"]

#: Something that names a file: a ``str`` or an ``os.PathLike``.
PathType = Union[str, "os.PathLike[str]"]


class PlanError(ValueError):
    """A bad sampling plan: ``path`` is the JSON pointer of the offending value ("/" for the
    document), ``message`` what is wrong; ``str()`` is ``"plan PATH: MESSAGE"`` as the CLI prints."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        body = text[len("plan "):] if text.startswith("plan ") else text
        path, _, message = body.partition(": ")
        #: JSON pointer of the offending value.
        self.path: str = path
        #: What is wrong with it.
        self.message: str = message


class Reject(NamedTuple):
    """A rejected input record: its physical line (the header is line 1), field and reason."""

    line: int
    field: str
    reason: str


def _plan_json(plan: Mapping[str, Any] | PathType | str) -> str:
    """The plan as JSON text: a mapping, a path to a JSON file, or JSON text itself."""
    if isinstance(plan, Mapping):
        return json.dumps(plan)
    if isinstance(plan, os.PathLike) or (isinstance(plan, str) and not plan.lstrip().startswith("{")):
        with open(os.fspath(plan), encoding="utf-8") as f:
            return f.read()
    if isinstance(plan, str):
        return plan
    raise TypeError(f"plan: expected a dict, a JSON file path or JSON text, got {type(plan).__name__}")


class _FrozenDrawn:
    """A drawn sample restored from a pickle: the C++ result's columns and texts, captured when
    the SampleResult was pickled, behind the same interface."""

    def __init__(self, state: Mapping[str, Any]) -> None:
        self._state = dict(state)
        self.population: int = state["population"]
        self.order_dependent: bool = state["order_dependent"]
        self.rows: numpy.ndarray = state["rows"]

    def __len__(self) -> int:
        return int(self._state["size"])

    def columns(self) -> Any:
        return self._state["columns"]

    def json(self, with_report: bool) -> str:
        return str(self._state["json_with_report" if with_report else "json"])

    def csv(self) -> str:
        return str(self._state["csv"])

    def report_json(self) -> str:
        return str(self._state["report_json"])

    def report_text(self) -> str:
        return str(self._state["report_text"])

    def report_csv(self) -> str:
        return str(self._state["report_csv"])


def _drawn_state(drawn: Any) -> dict[str, Any]:
    """Everything a SampleResult reads from its drawn sample, as plain Python values."""
    return {"population": drawn.population, "order_dependent": bool(drawn.order_dependent),
            "rows": drawn.rows, "size": len(drawn), "columns": drawn.columns() if len(drawn) else None,
            "json": drawn.json(False), "json_with_report": drawn.json(True), "csv": drawn.csv(),
            "report_json": drawn.report_json(), "report_text": drawn.report_text(),
            "report_csv": drawn.report_csv()}


class SampleResult:
    """The drawn sample (see :func:`sample`).

    ``records``: one dict per selected contact, in stratum order then by contact id:
    ``contact_id``, the strata keys, ``inclusion_probability`` (π, the target λ for order
    sampling), ``design_weight`` (1/π), and ``size_measure``/``risk`` with risk rules,
    ``day``/``evaluator`` with evaluators. ``report``: planned against achieved per stratum,
    coverage, evaluator days, notes (the CLI's ``--report --format json``). ``rows``: each
    selected contact's row in the input.

    The sample is held as columns built in C++; ``records``, ``report`` and the text outputs are
    made when first used (on a large input, writing them all costs more than the draw).
    """

    __slots__ = ("_drawn", "_records", "_report", "_texts", "plan", "rejects", "summary")

    def __init__(self, out: Mapping[str, Any]) -> None:
        self._drawn = out["drawn"]
        self._records: list[dict[str, Any]] | None = None
        self._report: dict[str, Any] | None = None
        self._texts: dict[str, str] = {}
        #: The normalized plan (every setting explicit).
        self.plan: dict[str, Any] = json.loads(out["plan"])
        summary = dict(out["summary"])
        #: Rejected input records.
        self.rejects: list[Reject] = [Reject(*r) for r in summary.pop("rejects")]
        #: rows_read, accepted, rejected.
        self.summary: dict[str, int] = summary

    @property
    def records(self) -> list[dict[str, Any]]:
        """Selected contacts, one dict each (the ``contacts`` of ``kpiscore sample --format json``)."""
        if self._records is None:
            self._records = json.loads(self._drawn.json(False))["contacts"]
        return self._records

    @property
    def report(self) -> dict[str, Any]:
        """The sample report as a dict (``kpiscore sample --report --format json``)."""
        if self._report is None:
            self._report = json.loads(self._text("report_json"))
        return self._report

    @property
    def rows(self) -> numpy.ndarray:
        """Each selected contact's row in the input (0-based, int64), in sample order:
        ``frame.iloc[result.rows]`` are the selected records of a DataFrame. Rows count the
        accepted records only, so they match the input's positions when nothing was rejected."""
        return self._drawn.rows

    def _text(self, name: str) -> str:
        if name not in self._texts:
            self._texts[name] = getattr(self._drawn, name)()
        return self._texts[name]

    def __len__(self) -> int:
        return len(self._drawn)

    def __getstate__(self) -> dict[str, Any]:
        # Pickling (multiprocessing, Dask) renders every output once; the copy works without C++
        # state and gives the same records, frames and texts.
        return {"drawn": _drawn_state(self._drawn), "plan": self.plan, "rejects": self.rejects,
                "summary": self.summary}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self._drawn = _FrozenDrawn(state["drawn"])
        self._records = None
        self._report = None
        self._texts = {}
        self.plan = state["plan"]
        self.rejects = state["rejects"]
        self.summary = state["summary"]

    def __repr__(self) -> str:
        return (f"SampleResult(design={self.plan['design']!r}, selected={len(self)}, "
                f"population={self._drawn.population})")

    @property
    def order_dependent(self) -> bool:
        """Whether the selection depends on the row order (systematic, reservoir)."""
        return bool(self._drawn.order_dependent)

    def to_pandas(self) -> pandas.DataFrame:
        """The selected contacts as a DataFrame (one row per contact, columns as :attr:`records`)."""
        import pandas as pd

        columns = ["contact_id", *self.plan.get("strata", {}).get("by", []), "inclusion_probability",
                   "design_weight"]
        if "risk" in self.plan:
            columns += ["size_measure", "risk"]
        if "evaluators" in self.plan:
            columns += ["day", "evaluator"]
        if len(self) == 0:
            return pd.DataFrame.from_records([], columns=columns)
        return pd.DataFrame(self._drawn.columns(), columns=columns, copy=False)

    def report_to_pandas(self) -> pandas.DataFrame:
        """The report's strata as a DataFrame: keys, population, expected, planned, minimum,
        below_minimum, achieved, effective_size, margin_of_error."""
        import pandas as pd

        rows = [{**s["key"], **{k: v for k, v in s.items() if k != "key"}} for s in self.report["strata"]]
        return pd.DataFrame.from_records(rows)

    def to_csv(self) -> str:
        """The selected contacts as CSV, byte-identical to ``kpiscore sample``."""
        return self._text("csv")

    def report_text(self) -> str:
        """The report as the CLI's ``--report --format table`` prints it."""
        return self._text("report_text")


def sample(data: Any, plan: Mapping[str, Any] | PathType | str, tz: str | None = None) -> SampleResult:
    """Draws the QA sample ``plan`` describes from contact records.

    Args:
        data: contact records: a CSV path (docs/input.md), or any in-memory input
            :func:`kpiscore.kpis` takes (dict of arrays, pandas/polars DataFrame, Arrow) or
            :class:`kpiscore.Contacts`; in-memory data is read in the plan's time zone (or ``tz``).
        plan: the sampling plan (docs/sampling.md, "Plan reference") as a dict, a JSON file path
            or JSON text.
        tz: IANA time zone of the day, interval and peak keys and of offset-less timestamps;
            overrides the plan's ``timezone`` (default: the plan's, which defaults to UTC).

    Raises:
        PlanError: a bad plan, or one the data cannot serve (an unknown dimension), with its
            JSON path.
        kpiscore.InputError: an unreadable or unusable file.

    Malformed records are not errors: they are counted in ``rejects`` and left out.
    """
    text = _plan_json(plan)
    try:
        if isinstance(data, (str, os.PathLike)):
            out = _s.draw_csv(os.fspath(data), text, tz or "")
        else:
            from . import read

            zone = tz or json.loads(_s.check_plan(text)).get("timezone", "UTC")
            contacts = read(data, tz=zone)
            out = _s.draw_table(contacts._core, text, tz or "")
    except _s.PlanError as e:
        raise PlanError(str(e)) from None
    return SampleResult(out)


def check_plan(plan: Mapping[str, Any] | PathType | str) -> dict[str, Any]:
    """Validates a plan without data; returns the normalized plan. Raises :class:`PlanError`."""
    try:
        return dict(json.loads(_s.check_plan(_plan_json(plan))))
    except _s.PlanError as e:
        raise PlanError(str(e)) from None


def contact_uniform(contact_id: str, seed: int) -> float:
    """The contact's uniform number in [0, 1) for ``seed`` (docs/sampling.md, "The contact's
    random number"): Bernoulli and Poisson designs select it when this is below its π."""
    return float(_s.contact_uniform(contact_id, seed))
