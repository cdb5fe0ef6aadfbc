"""State: the mergeable, serializable KPI state per group (C++ ``GroupedKpiState``)."""

from __future__ import annotations

import json
from typing import Any

from . import _core
from ._result import KpiResult


class State:
    """Exact KPI state per group: integer counts, millisecond sums and sums of squares.

    States of any split of the records (files, days, partitions, workers) add up to the state
    of the whole, bit for bit: ``a + b``, ``sum(states)``, ``a += b``. Adding states with
    different group keys or options raises ``ValueError``. ``to_bytes()`` is the versioned binary
    format of docs/state-format.md (the CLI's ``--state-out``); pickling uses it, so pickles of
    older versions stay readable as long as the format version is supported.
    """

    __slots__ = ("_core",)

    def __init__(self, core_state: _core.KpiState) -> None:
        self._core = core_state

    @property
    def groups(self) -> int:
        """The number of groups."""
        return int(self._core.groups)

    @property
    def key_names(self) -> list[str]:
        """The group key names."""
        return list(self._core.key_names)

    @property
    def fingerprint(self) -> int:
        """Fingerprint of the options: states merge only when these agree."""
        return int(self._core.fingerprint)

    @property
    def options(self) -> dict[str, Any]:
        """The options document the state was computed with (normalized)."""
        return json.loads(self._core.options_json())

    def kpis(self, intervals: bool = False) -> KpiResult:
        """Finalizes the KPIs of every group (with confidence intervals when asked)."""
        return KpiResult(self._core.finalize(intervals))

    def to_bytes(self) -> bytes:
        """The versioned binary state (docs/state-format.md)."""
        return bytes(self._core.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> State:
        """Reads a serialized state; ``ValueError`` for a wrong, truncated or corrupted buffer."""
        return cls(_core.KpiState.from_bytes(bytes(data)))

    def copy(self) -> State:
        """An independent copy."""
        return State(self._core.copy())

    def __iadd__(self, other: State) -> State:
        if not isinstance(other, State):
            return NotImplemented
        self._core.merge(other._core)
        return self

    def __add__(self, other: State) -> State:
        if not isinstance(other, State):
            return NotImplemented
        out = self.copy()
        out += other
        return out

    def __radd__(self, other: Any) -> State:
        # sum(states) starts from 0.
        if isinstance(other, int) and other == 0:
            return self.copy()
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return bool(self._core == other._core)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return (State.from_bytes, (self.to_bytes(),))

    def __repr__(self) -> str:
        by = ", ".join(self.key_names) if self.key_names else "(all)"
        return f"State(groups={self.groups}, by=[{by}], fingerprint={self.fingerprint:#018x})"
