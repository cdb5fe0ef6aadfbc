"""Scorecards: scores, grades, flags and the trace of every point lost (docs/scoring.md).

>>> card = kpiscore.Scorecard.from_file("examples/scorecards/default.json")  # doctest: +SKIP
>>> scores = card.score("contacts.csv", by="agent_id,month", tz="Asia/Shanghai")  # doctest: +SKIP
>>> scores.to_pandas().nsmallest(3, "score")  # doctest: +SKIP
>>> print(scores.explain_text({"agent_id": "A0017", "month": "2026-03"}))  # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._options import PathType, group_keys, load_json_document, options_json
from ._result import KpiResult, Reject, group_index

if TYPE_CHECKING:
    import pandas

__all__ = ["ScoreResult", "Scorecard", "SpecError"]


class SpecError(ValueError):
    """A scorecard, QA form or rules text that does not compile.

    ``path`` is the JSON path of the first error (``/dimensions/0/weight``); ``line`` and
    ``column`` (1-based) locate it in the text the spec was written in: rules text, or JSON text
    (a file or a string: the value at ``path``, or the nearest enclosing value when a key is
    missing; the syntax error's position for invalid JSON). They are None for a spec given as a
    dict. ``errors`` lists every error found, each as ``(path, message)``.
    """

    def __init__(self, errors: Sequence[tuple[str, str, str]], line: int | None = None,
                 column: int | None = None) -> None:
        self.errors: list[tuple[str, str]] = [(p, m) for p, m, _ in errors]
        self.path: str = errors[0][0] if errors else "/"
        self.line = line
        self.column = column
        #: The stable error code of rules text (``E0501``…); empty for JSON specs.
        self.code: str = ""
        #: Every diagnostic of rules text (kpiscore.rules.Diagnostic); empty for JSON specs.
        self.diagnostics: list[Any] = []
        text = "\n".join(full for _, _, full in errors)
        super().__init__(text)


_DECODER = json.JSONDecoder()


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def json_pointer_offset(text: str, pointer: str) -> int | None:
    """The offset in JSON ``text`` of the value at a JSON pointer (RFC 6901), or of its nearest
    parent that exists (an error about a missing key points at the object that lacks it); None
    when the text is not valid JSON. Walks only the path, skipping other values with the standard
    decoder, so the cost is the text's length."""
    try:
        i = _skip_space(text, 0)
        _DECODER.raw_decode(text, i)
    except ValueError:
        return None
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]] if pointer not in ("", "/") else []
    for token in tokens:
        if i >= len(text) or text[i] not in "{[":
            return i
        is_object = text[i] == "{"
        j = _skip_space(text, i + 1)
        index = 0
        found = None
        while j < len(text) and text[j] not in "}]":
            if is_object:
                key, j = _DECODER.raw_decode(text, j)
                j = _skip_space(text, j) + 1  # the ':'
                j = _skip_space(text, j)
                hit = key == token
            else:
                hit = token.isdigit() and int(token) == index
            if hit:
                found = j
                break
            _, j = _DECODER.raw_decode(text, j)
            j = _skip_space(text, j)
            if j < len(text) and text[j] == ",":
                j = _skip_space(text, j + 1)
            index += 1
        if found is None:
            return i
        i = found
    return i


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _spec_error(errors: Sequence[tuple[str, str, str]], text: str | None) -> SpecError:
    """A SpecError for JSON spec errors, located in the JSON text when there is one (a file or a
    string; a dict has no text): line and column of the first error's value."""
    if text is None:
        return SpecError(errors)
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        return SpecError(errors, line=e.lineno, column=e.colno)
    offset = json_pointer_offset(text, errors[0][0]) if errors else None
    if offset is None:
        return SpecError(errors)
    line, column = _line_column(text, offset)
    return SpecError(errors, line=line, column=column)


def _declare_custom_inputs(spec_text: str, rules: str | os.PathLike[str]) -> str:
    """The spec with each custom KPI of ``rules`` declared under ``inputs`` (its unit from its
    type), as ``kpiscore score --rules`` declares them; another declared unit is an error."""
    from .rules import custom_kpi_types

    try:
        spec = json.loads(spec_text)
    except json.JSONDecodeError:
        return spec_text  # the spec's own check reports it
    if not isinstance(spec, dict):
        return spec_text
    inputs = spec.setdefault("inputs", {})
    if not isinstance(inputs, dict):
        return spec_text
    for name, type_name in custom_kpi_types(rules):
        unit = "seconds" if type_name == "duration" else "ratio" if type_name == "ratio" else "number"
        if name in inputs and inputs[name] != unit:
            raise ValueError(f"rules: custom KPI `{name}` has the unit {json.dumps(unit)}, the spec declares it as "
                             f"{json.dumps(inputs[name])} under /inputs")
        inputs[name] = unit
    return json.dumps(spec)


def _text_of(value: Mapping[str, Any] | PathType, what: str) -> str:
    """A spec's JSON text: a dict, a JSON file, or a QA form written in the rules language (a
    file whose first statement is ``form``; docs/rules.md "QA forms in text")."""
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        if _core.is_form_text(text):
            ok, out, line, column, code = _core.form_text_to_json(text, os.path.basename(path))
            if not ok:
                error = SpecError([("/", str(out), str(out))], line=int(line) or None, column=int(column) or None)
                error.code = str(code)
                raise error
            return str(out)
    return json.dumps(load_json_document(value, what))


def _raw_text(value: Mapping[str, Any] | PathType) -> str | None:
    """The JSON text a spec was given as (a file's content), for error positions."""
    if isinstance(value, (str, os.PathLike)):
        with open(os.fspath(value), encoding="utf-8-sig") as f:
            return f.read()
    return None


class Scorecard:
    """A compiled scorecard: parsed and validated once, immutable, reusable and thread-safe.

    Build it with :meth:`from_file` or :meth:`from_json`; every error of the spec is reported at
    once in a :class:`SpecError`.
    """

    __slots__ = ("_card", "_rules", "_source")

    def __init__(self, core_card: _core.Scorecard, source: str, rules: str | os.PathLike[str] | None = None) -> None:
        self._card = core_card
        self._source = source
        self._rules = rules

    @classmethod
    def from_json(cls, spec: Mapping[str, Any] | str, rules: str | os.PathLike[str] | None = None) -> Scorecard:
        """Compiles a scorecard spec given as a dict or as JSON text.

        ``rules``: custom KPIs (rules text or a ``.kpi`` path; docs/rules.md "Custom KPIs") the
        spec may use as indicators; each is declared under the spec's ``inputs`` with the unit
        of its type (duration → ``seconds``, ratio → ``ratio``, else ``number``) unless the
        spec declares it, as ``kpiscore score --rules`` does. :meth:`score` then computes them.
        """
        text = spec if isinstance(spec, str) else json.dumps(dict(spec))
        if rules is not None:
            text = _declare_custom_inputs(text, rules)
        errors = _core.Scorecard.check_text(text)
        if errors:
            raise _spec_error(errors, spec if isinstance(spec, str) and rules is None else None)
        return cls(_core.Scorecard.compile_text(text), text, rules)

    @classmethod
    def from_text(cls, text: str, file: str = "<text>", rules: str | os.PathLike[str] | None = None) -> Scorecard:
        """Compiles a scorecard written in the rules language (a ``.kpi`` file's text;
        docs/rules.md, "Scorecards in text"). It translates to the JSON spec, so it compiles to
        the same model as :meth:`from_json`. A syntax error raises :class:`SpecError` with
        ``.line``, ``.column`` and ``.code`` of the first error and the compiler's full text
        (every error, with carets) as its message."""
        ok, out, line, column, code = _core.scorecard_text_to_json(text, file)
        if not ok:
            error = SpecError([("/", str(out), str(out))], line=int(line) or None, column=int(column) or None)
            error.code = str(code)
            raise error
        return cls.from_json(str(out), rules)

    @classmethod
    def from_file(cls, path: PathType, rules: str | os.PathLike[str] | None = None) -> Scorecard:
        """Compiles a scorecard spec file: JSON (docs/scoring.md), or rules text when the file
        starts with ``scorecard`` (a ``.kpi`` file; docs/rules.md). ``rules`` as :meth:`from_json`."""
        with open(os.fspath(path), encoding="utf-8") as f:
            text = f.read()
        if _core.is_scorecard_text(text):
            return cls.from_text(text, os.path.basename(os.fspath(path)), rules)
        return cls.from_json(text, rules)

    @staticmethod
    def check(spec: Mapping[str, Any] | str) -> list[tuple[str, str]]:
        """Every error of a spec as ``(path, message)``; empty when it compiles."""
        text = spec if isinstance(spec, str) else json.dumps(dict(spec))
        return [(p, m) for p, m, _ in _core.Scorecard.check_text(text)]

    @property
    def name(self) -> str:
        """The scorecard's name."""
        return str(self._card.name)

    @property
    def fingerprint(self) -> str:
        """FNV-1a of the spec in canonical form (16 hex digits)."""
        return str(self._card.fingerprint)

    @property
    def indicators(self) -> list[str]:
        """Indicator names in spec order."""
        return list(self._card.indicators)

    @property
    def grades(self) -> list[str]:
        """Grade names, best first."""
        return list(self._card.grades)

    @property
    def kpis(self) -> list[str]:
        """Every KPI the scorecard reads."""
        return list(self._card.kpis)

    def score(
        self,
        data: Any,
        by: str | Sequence[str] | None = None,
        options: Mapping[str, Any] | PathType | None = None,
        tz: str | None = None,
        *,
        evaluations: Any = None,
        form: Mapping[str, Any] | PathType | None = None,
        qa_period: str = "contact",
        indicators: Any = None,
    ) -> ScoreResult:
        """Scores every group, as ``kpiscore score`` does.

        Args:
            data: contact records (any input :func:`kpiscore.kpis` takes) or a :class:`KpiResult`
                (scores existing KPIs; QA evaluations then need the contacts instead).
            by: group keys (a month/week/day key dates each group for dated targets).
            options, tz: as :func:`kpiscore.kpis`.
            evaluations: QA evaluation records, a CSV path or a pandas DataFrame (docs/scoring.md);
                needs ``form``. Their aggregates join the KPIs as indicators.
            form: the QA evaluation form (dict, JSON path, or a `.kpi` form in text).
            qa_period: an evaluation belongs to the period of its contact's arrival (``contact``)
                or of its evaluation (``evaluated``).
            indicators: extra indicators, a CSV path or a DataFrame with the ``by`` key columns
                and one column per indicator, joined by group key.
        """
        from . import _aggregate_core

        if evaluations is not None and form is None:
            raise ValueError("evaluations: need a QA form (form=...)")
        if form is not None and evaluations is None:
            raise ValueError("form: is used with evaluations=...")
        quantiles = any("_p50_" in k or "_p90_" in k for k in self.kpis)
        text = options_json(options, tz=tz, quantiles=quantiles)
        contacts = None
        if isinstance(data, KpiResult):
            table = data._table
            keys = list(data.key_names)
            if by is not None and group_keys(by) != keys:
                raise ValueError(f"by: the KpiResult is grouped by {keys}")
        else:
            keys = group_keys(by)
            state, contacts = _aggregate_core(data, keys, text, None, self._rules)
            table = state.finalize()
        form_text = None
        if form is not None:
            form_text = _text_of(form, "form")
            errors = _core.check_form_text(form_text)
            if errors:
                raw = _raw_text(form)
                raise _spec_error(errors, None if raw is None or _core.is_form_text(raw) else raw)
        scored = _core.score(self._card, table, None if contacts is None else contacts._core, keys, text,
                             form_text, _csv_text(evaluations, "evaluations"), qa_period,
                             _csv_text(indicators, "indicators"))
        summary = {} if contacts is None else contacts.summary
        return ScoreResult(scored, self, summary)

    def __repr__(self) -> str:
        return f"Scorecard({self.name!r}, indicators={len(self.indicators)}, fingerprint={self.fingerprint})"


def _csv_text(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        with open(os.fspath(value), encoding="utf-8-sig") as f:
            return f.read()
    if hasattr(value, "to_csv"):  # pandas DataFrame
        return str(value.to_csv(index=False))
    raise TypeError(f"{what}: expected a CSV path or a pandas DataFrame, actual {type(value).__name__}")


class ScoreResult:
    """Scores per group: overall score, grade, bonus, every dimension and indicator, penalties,
    and the trace behind each score (:meth:`explain`)."""

    def __init__(self, core_scores: _core.ScoreTable, card: Scorecard, summary: Mapping[str, Any]) -> None:
        self._scores = core_scores
        self.card = card
        cols = core_scores.columns()
        #: Group key names.
        self.key_names: list[str] = [n for n, _ in cols["keys"]]
        self._keys: list[list[str | None]] = [list(v) for _, v in cols["keys"]]
        self._grade: list[str | None] = list(cols["grade"])
        self._bonus: np.ndarray = cols["bonus"]
        self._nodes: list[tuple[str, bool, np.ndarray]] = list(cols["nodes"])
        self._indicators: list[tuple[Any, ...]] = list(cols["indicators"])
        self.rows_read: int = int(summary.get("rows_read", 0))
        self.rejects: list[Reject] = [Reject(*r) for r in summary.get("rejects", [])]
        extra = dict(core_scores.summary)
        #: Evaluations read/used/excluded (when scored with evaluations).
        self.evaluations: dict[str, Any] | None = extra.get("evaluations")
        #: Indicator rows accepted and rejected (when scored with indicators).
        self.indicator_rows: dict[str, Any] | None = extra.get("indicators")

    def __len__(self) -> int:
        return int(self._scores.groups)

    @property
    def scores(self) -> np.ndarray:
        """The overall score per group (NaN: N/A)."""
        return self._nodes[0][2]

    def _group_index(self, group: int | Mapping[str, str | None] | Sequence[str | None]) -> int:
        return group_index(self.key_names, self._keys, len(self), group)

    def explain(self, group: int | Mapping[str, str | None] | Sequence[str | None]) -> dict[str, Any]:
        """The trace of one group as a dict: each indicator's value, target, rule and score, each
        dimension's weighted sum, each penalty, the grade. ``group`` is a row number, a dict of
        key values or a tuple in ``key_names`` order."""
        return json.loads(self._scores.explain_json(self._group_index(group)))

    def explain_text(self, group: int | Mapping[str, str | None] | Sequence[str | None]) -> str:
        """The trace of one group as text (what ``kpiscore score --format table`` prints)."""
        return str(self._scores.explain_text(self._group_index(group)))

    def weakest(self, n: int = 5) -> list[int]:
        """Row numbers of the ``n`` lowest overall scores (N/A last, ties by row)."""
        s = self.scores
        order = sorted(range(len(self)), key=lambda g: (math.isnan(s[g]), s[g], g))
        return order[:n]

    def to_pandas(self, indicators: bool = False) -> pandas.DataFrame:
        """One row per group: keys, score, grade, bonus, then every node's score in spec order
        (the CSV columns). With ``indicators=True`` each indicator also gets ``<name>_value``,
        ``<name>_target`` and ``<name>_to_improve``."""
        import pandas as pd

        cols: dict[str, Any] = {}
        for name, values in zip(self.key_names, self._keys):
            cols[name] = pd.array(values, dtype="string")
        cols["score"] = _nullable(self.scores)
        cols["grade"] = pd.array(self._grade, dtype="string")
        cols["bonus"] = _nullable(self._bonus)
        for name, _, values in self._nodes[1:]:
            cols[name] = _nullable(values)
        if indicators:
            for name, _kpi, _unit, value, target, _score, improve, _na in self._indicators:
                cols[f"{name}_value"] = _nullable(value)
                cols[f"{name}_target"] = _nullable(target)
                cols[f"{name}_to_improve"] = pd.array(improve, dtype="boolean")
        return pd.DataFrame(cols, index=pd.RangeIndex(len(self)))

    def to_json(self, decimals: int = -1, trace: bool = True) -> str:
        """The JSON of ``kpiscore score --format json``."""
        return str(self._scores.render("json", decimals, trace))

    def to_csv(self, decimals: int = -1) -> str:
        """The CSV of ``kpiscore score --format csv``."""
        return str(self._scores.render("csv", decimals, True))

    def to_table(self, decimals: int = -1) -> str:
        """The aligned text table of ``kpiscore score --format table`` (without traces)."""
        return str(self._scores.render("table", decimals, True))

    def rank(self, within: Sequence[str] = ()) -> pandas.DataFrame:
        """Competition ranks of the overall score (1 = best) within the partitions of the
        ``within`` keys (e.g. ``["team", "month"]``): rank, n, percentile, gap_to_best."""
        import pandas as pd

        rows = self._scores.rank(list(within))
        df = pd.DataFrame({name: pd.array(v, dtype="string") for name, v in zip(self.key_names, self._keys)})
        df["score"] = _nullable(self.scores)
        df["rank"] = pd.array([r[0] for r in rows], dtype="Int64")
        df["n"] = [r[1] for r in rows]
        df["percentile"] = [r[2] for r in rows]
        df["gap_to_best"] = [r[3] for r in rows]
        return df

    def roll_up(self, keep: Sequence[str], method: str = "mean", weight: str | None = None) -> pandas.DataFrame:
        """Scores rolled up to the ``keep`` keys (e.g. months → agent): the mean, or the mean
        weighted by a KPI (``method="weighted", weight="handled"``), of each node over the
        periods where it has a score; the rolled-up score is graded with the scorecard's bands."""
        import pandas as pd

        r = self._scores.roll_up(list(keep), method, weight)
        df = pd.DataFrame({name: pd.array(v, dtype="string") for name, v in r["keys"]})
        for name, values in r["nodes"]:
            df[name] = _nullable(np.asarray(values, dtype=float))
        df["grade"] = pd.array(r["grade"], dtype="string")
        df["periods"] = r["periods"]
        return df

    def __repr__(self) -> str:
        by = ", ".join(self.key_names) if self.key_names else "(all)"
        return f"ScoreResult({self.card.name!r}, groups={len(self)}, by=[{by}])"

    def _repr_html_(self, max_rows: int = 30) -> str:
        """A compact scorecard table: score, grade, each indicator with its target; an indicator
        that misses its target ("to improve") is shaded."""
        head = [*self.key_names, "score", "grade"] + [str(i[0]) for i in self._indicators]
        out = ["<table><thead><tr>", *(f"<th>{html.escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
        for g in range(min(len(self), max_rows)):
            out.append("<tr>")
            for values in self._keys:
                out.append(f"<td>{html.escape(values[g] or '—')}</td>")
            s = self.scores[g]
            out.append(f"<td style='text-align:right'><b>{'—' if math.isnan(s) else f'{s:.1f}'}</b></td>")
            out.append(f"<td>{html.escape(self._grade[g] or '—')}</td>")
            for name, _kpi, unit, value, target, _score, improve, _na in self._indicators:
                v, t = value[g], target[g]
                shown = "—" if math.isnan(v) else _show(v, unit)
                title = "" if math.isnan(t) else f" title='target {_show(t, unit)}'"
                style = " style='background:#f8d7da;text-align:right'" if improve[g] else " style='text-align:right'"
                out.append(f"<td{style}{title}>{html.escape(shown)}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
        more = len(self) - max_rows
        if more > 0:
            out.append(f"<p>… {more} more groups</p>")
        return f"<div><p>{html.escape(repr(self))}</p>{''.join(out)}</div>"


def _show(v: float, unit: str) -> str:
    if unit in ("ratio", "percent"):
        return f"{100 * v:.1f}%"
    if unit in ("seconds", "duration"):
        return f"{v:.1f}s"
    return f"{v:.2f}"


def _nullable(values: np.ndarray) -> Any:
    import pandas as pd

    arr = np.asarray(values, dtype=float)
    return pd.arrays.FloatingArray(np.where(np.isnan(arr), 0.0, arr), np.isnan(arr))
