"""The rules language from Python (docs/rules.md): compile rules text once, evaluate it over
contacts (the record scope) or over KPIs per group (the group scope), count how often each rule
fires, explain one record or group node by node — with host functions written in Python.

>>> import kpiscore
>>> from kpiscore.rules import Rules
>>> rules = Rules.compile('rule slow = handle_s > 10min and channel == "phone"')
>>> rules.stats("contacts.csv")  # doctest: +SKIP

Compiling checks names, types and units against the scope and reports every error at once in a
:class:`kpiscore.SpecError` with ``.line``, ``.column`` and ``.code``. A compiled :class:`Rules` is
immutable and can be evaluated from several threads; the GIL is released while it runs (and
taken back only around calls into Python host functions).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import _core
from ._core import BudgetExceeded, Cancelled
from ._options import PathType, group_keys, options_json
from ._result import KpiResult, group_index
from .scoring import SpecError

if TYPE_CHECKING:
    import pandas

__all__ = ["BudgetExceeded", "Cancelled", "Diagnostic", "Function", "RuleStats", "Rules", "RulesResult",
           "builtin_functions", "function"]

#: The type names of the language (docs/rules.md, "Types and units").
TYPES = ("bool", "integer", "number", "string", "duration", "ratio", "points", "time")


class Function:
    """A host function: a Python callable the rules can call by ``name``.

    The callable is vectorized: it receives one read-only ``float64`` numpy array per parameter
    (a batch of rows; booleans as 0/1, durations in seconds, ratios as fractions) and returns an
    array of the same length (or a scalar, broadcast). Rows where an argument is null are passed
    too, with an arbitrary value, and their result is made null afterwards, so the callable needs
    no null handling. The arrays are views valid only during the call: copy what you keep.
    ``params`` and ``result`` are type names (``number``, ``duration``, ``ratio``, ``integer``,
    ``points``, ``bool``, ``time``; not ``string``); ``cost`` is its weight per row in the
    static cost estimate (docs/rules.md, "Limits and cost").
    """

    __slots__ = ("callable", "cost", "description", "name", "params", "result")

    def __init__(self, name: str, callable: Callable[..., Any], params: Sequence[str],
                 result: str = "number", cost: float = 1.0, description: str = "") -> None:
        self.name = name
        self.callable = callable
        self.params = list(params)
        self.result = result
        self.cost = float(cost)
        self.description = description

    def __call__(self, *args: Any) -> Any:
        return self.callable(*args)

    def __repr__(self) -> str:
        return f"Function({self.name!r}, params={self.params}, result={self.result!r}, cost={self.cost})"


def function(name: str | None = None, *, params: Sequence[str], result: str = "number", cost: float = 1.0,
             description: str = "") -> Callable[[Callable[..., Any]], Function]:
    """Decorator making a vectorized Python function a host :class:`Function`::

        @function(params=["duration"], result="number", cost=2)
        def minutes_over_sla(wait):
            return np.maximum(wait - 20.0, 0.0) / 60.0
    """

    def wrap(f: Callable[..., Any]) -> Function:
        return Function(name or f.__name__, f, params, result, cost, description or (f.__doc__ or "").strip())

    return wrap


class Diagnostic(NamedTuple):
    """One compile error: stable ``code`` (docs/rules.md), ``message``, ``hint`` (may be empty),
    1-based ``line`` and ``column``, and ``text``, the compiler-style rendering with a caret."""

    code: str
    message: str
    hint: str
    line: int
    column: int
    text: str


class RuleStats(NamedTuple):
    """How often one output fired over a table: ``fired`` (true), ``not_fired`` (false) and
    ``nulls`` (a null condition does not fire); values count as fired when not null."""

    name: str
    rows: int
    fired: int
    not_fired: int
    nulls: int


def builtin_functions() -> list[str]:
    """Names of the built-in functions (docs/rules.md, "Functions")."""
    return list(_core.builtin_functions())


def _compile_args(scope: str, dimensions: Sequence[str], keys: str | Sequence[str] | None,
                  fields: Mapping[str, str] | None, functions: Sequence[Function] | Mapping[str, Function] | None
                  ) -> tuple[list[str], list[str], list[tuple[str, str]], list[tuple[Any, ...]]]:
    fs = list(functions.values()) if isinstance(functions, Mapping) else list(functions or [])
    for f in fs:
        if not isinstance(f, Function):
            raise TypeError(f"functions: expected kpiscore.rules.Function, actual {type(f).__name__}")
    return (list(dimensions), group_keys(keys) if keys else [], list((fields or {}).items()),
            [(f.name, f.callable, f.params, f.result, f.cost, f.description) for f in fs])


class Rules:
    """A compiled rules file (``let`` and ``rule`` statements) or expression, bound to a scope.

    ``scope="record"``: names are contact fields (``wait_s``, ``channel``, ``nps`` 0–10…; add
    the extra dimension columns of your data with ``dimensions=``). ``scope="group"``: names are
    the KPIs of a group (``asa_s``, ``fcr``, ``nps`` −100..100…), the group keys given in
    ``keys=`` (strings), and ``fields=`` (name → type) for extra indicators.
    """

    __slots__ = ("_program",)

    def __init__(self, program: Any) -> None:
        self._program = program

    @classmethod
    def compile(cls, text: str, scope: str = "record", *, dimensions: Sequence[str] = (),
                keys: str | Sequence[str] | None = None, fields: Mapping[str, str] | None = None,
                functions: Sequence[Function] | Mapping[str, Function] | None = None,
                file: str = "<rules>") -> Rules:
        """Parses, checks and compiles rules text; every error at once in a :class:`SpecError`
        (``.line``, ``.column``, ``.code`` of the first; ``.diagnostics`` all of them)."""
        return cls._compile(text, scope, dimensions, keys, fields, functions, file, False)

    @classmethod
    def expression(cls, text: str, scope: str = "record", *, dimensions: Sequence[str] = (),
                   keys: str | Sequence[str] | None = None, fields: Mapping[str, str] | None = None,
                   functions: Sequence[Function] | Mapping[str, Function] | None = None,
                   file: str = "<expr>") -> Rules:
        """Compiles one expression as a program with a single output named ``expr``."""
        return cls._compile(text, scope, dimensions, keys, fields, functions, file, True)

    @classmethod
    def from_file(cls, path: PathType, scope: str = "record", **kwargs: Any) -> Rules:
        """Compiles a rules file (``.kpi``); errors name the file."""
        with open(os.fspath(path), encoding="utf-8") as f:
            text = f.read()
        return cls.compile(text, scope, file=os.path.basename(os.fspath(path)), **kwargs)

    @staticmethod
    def check(text: str, scope: str = "record", *, dimensions: Sequence[str] = (),
              keys: str | Sequence[str] | None = None, fields: Mapping[str, str] | None = None,
              functions: Sequence[Function] | Mapping[str, Function] | None = None,
              file: str = "<rules>") -> list[Diagnostic]:
        """Every error of rules text (empty when it compiles), in source order."""
        program, diagnostics, _ = _core.compile_rules(text, scope, *_compile_args(scope, dimensions, keys, fields,
                                                                                   functions), file, False)
        return [Diagnostic(*d) for d in diagnostics]

    @classmethod
    def _compile(cls, text: str, scope: str, dimensions: Sequence[str], keys: str | Sequence[str] | None,
                 fields: Mapping[str, str] | None, functions: Sequence[Function] | Mapping[str, Function] | None,
                 file: str, expression: bool) -> Rules:
        program, diagnostics, message = _core.compile_rules(
            text, scope, *_compile_args(scope, dimensions, keys, fields, functions), file, expression)
        if program is None:
            ds = [Diagnostic(*d) for d in diagnostics]
            error = SpecError([("/", d.message, d.text) for d in ds], line=ds[0].line if ds else None,
                              column=ds[0].column if ds else None)
            error.code = ds[0].code if ds else ""
            error.diagnostics = ds
            error.args = (str(message),)
            raise error
        return cls(program)

    @property
    def scope(self) -> str:
        """``record`` or ``group``."""
        return str(self._program.scope)

    @property
    def outputs(self) -> list[tuple[str, str, str]]:
        """Each statement as ``(name, kind, type)``: kind ``let`` or ``rule``."""
        return [tuple(o) for o in self._program.outputs]

    @property
    def fields(self) -> list[tuple[str, str, str]]:
        """The names the scope offers, as ``(name, type, description)``."""
        return [tuple(f) for f in self._program.fields]

    @property
    def source(self) -> str:
        """The text it was compiled from."""
        return str(self._program.source)

    @property
    def cost_per_row(self) -> float:
        """Static cost estimate: weighted operations per row (constants are free)."""
        return float(self._program.cost_per_row)

    @property
    def instruction_count(self) -> int:
        """Vector instructions after constant folding."""
        return int(self._program.instruction_count)

    def _bind(self, data: Any, by: str | Sequence[str] | None, options: Mapping[str, Any] | PathType | None,
              tz: str | None) -> tuple[Any, KpiResult | None]:
        from . import _read_for, kpis

        if self.scope == "record":
            if isinstance(data, KpiResult):
                raise TypeError("data: record rules evaluate contacts, not KPIs per group")
            if by is not None:
                raise ValueError("by: record rules evaluate each contact (group with scope='group')")
            return _read_for(data, options_json(options, tz=tz), None)._core, None
        result = data if isinstance(data, KpiResult) else kpis(data, by=by, options=options, tz=tz)
        if isinstance(data, KpiResult) and by is not None and group_keys(by) != result.key_names:
            raise ValueError(f"by: the KpiResult is grouped by {result.key_names}")
        return result._table, result

    def evaluate(self, data: Any, *, by: str | Sequence[str] | None = None,
                 options: Mapping[str, Any] | PathType | None = None, tz: str | None = None,
                 budget: float | None = None) -> RulesResult:
        """Every output over every row: contacts for the record scope (any input
        :func:`kpiscore.kpis` takes); for the group scope a :class:`KpiResult`, or contacts with
        ``by=`` (the KPIs are computed first). ``budget`` bounds the static cost (operations ×
        rows) checked before anything runs (raises :class:`BudgetExceeded`)."""
        table, result = self._bind(data, by, options, tz)
        return RulesResult(self._program.evaluate(table, budget), result)

    def stats(self, data: Any, *, by: str | Sequence[str] | None = None,
              options: Mapping[str, Any] | PathType | None = None, tz: str | None = None,
              budget: float | None = None) -> list[RuleStats]:
        """Per output, how many rows it fired on, did not, and was null (as ``kpiscore rules``)."""
        table, _ = self._bind(data, by, options, tz)
        return [RuleStats(*s) for s in self._program.stats(table, budget)]

    def explain(self, data: Any, row: int | None = None, *,
                group: int | Mapping[str, str | None] | Sequence[str | None] | None = None,
                by: str | Sequence[str] | None = None, options: Mapping[str, Any] | PathType | None = None,
                tz: str | None = None) -> dict[str, Any]:
        """Every node's value for one record (``row``, 0-based) or one group (``group``: a row
        number, a dict of key values or a tuple in key order), as ``kpiscore rules --explain``
        prints it: each statement's tree with source text, position, type, value and, for
        conditions, whether it fired."""
        table, result = self._bind(data, by, options, tz)
        if (row is None) == (group is None):
            raise ValueError("explain: give either row= or group=")
        if group is not None:
            if result is None:
                raise ValueError("group: record rules explain a row (row=)")
            row = group_index(result.key_names, result._keys, len(result), group)
        assert row is not None
        return dict(json.loads(self._program.explain_json(table, int(row))))

    def __repr__(self) -> str:
        names = ", ".join(name for name, kind, _ in self.outputs if kind == "rule")
        return f"Rules(scope={self.scope!r}, rules=[{names}], instructions={self.instruction_count})"


class RulesResult:
    """The outputs of an evaluation: one masked numpy array per statement (mask = null).

    Numbers are ``float64`` (durations in seconds, ratios as fractions, times as UTC seconds),
    conditions ``bool``, strings ``object``. For the group scope, ``keys`` holds the group key
    columns of the evaluated :class:`KpiResult`.
    """

    __slots__ = ("columns", "keys", "types")

    def __init__(self, outputs: Sequence[tuple[str, str, str, Any, np.ndarray]], kpis: KpiResult | None) -> None:
        self.columns: dict[str, np.ma.MaskedArray] = {}
        self.types: dict[str, str] = {}
        for name, _, type_name, values, valid in outputs:
            data = np.asarray(values, dtype=object) if type_name == "string" else values
            self.columns[name] = np.ma.MaskedArray(data, mask=~np.asarray(valid, dtype=bool))
            self.types[name] = type_name
        self.keys: dict[str, list[str | None]] = (
            {} if kpis is None else {k: list(v) for k, v in zip(kpis.key_names, kpis._keys)})

    def __getitem__(self, name: str) -> np.ma.MaskedArray:
        return self.columns[name]

    def __len__(self) -> int:
        for c in self.columns.values():
            return len(c)
        return 0

    def to_pandas(self) -> pandas.DataFrame:
        """Keys (group scope) and one nullable column per output: ``boolean``, ``Float64``
        (times as UTC ``datetime64[ns, UTC]``) or ``string``."""
        import pandas as pd

        cols: dict[str, Any] = {k: pd.array(v, dtype="string") for k, v in self.keys.items()}
        for name, c in self.columns.items():
            t = self.types[name]
            mask = np.ma.getmaskarray(c)
            if t == "bool":
                cols[name] = pd.arrays.BooleanArray(np.asarray(c.data, dtype=bool), mask)
            elif t == "string":
                cols[name] = pd.array([None if m else v for v, m in zip(c.data, mask)], dtype="string")
            elif t == "time":
                ms = np.round(np.where(mask, 0.0, np.asarray(c.data, dtype=np.float64)) * 1000).astype(np.int64)
                cols[name] = pd.Series(pd.to_datetime(ms, unit="ms", utc=True)).mask(mask)
            else:
                cols[name] = pd.arrays.FloatingArray(np.asarray(c.data, dtype=np.float64), mask)
        return pd.DataFrame(cols)

    def __repr__(self) -> str:
        return f"RulesResult(rows={len(self)}, outputs={list(self.columns)})"
