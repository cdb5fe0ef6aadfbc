"""Seat planning: Erlang C and Erlang A staffing (docs/staffing.md).

A typed façade over the compiled ``kpiscore._core.staffing``: every number is computed in C++
(``include/kpiscore/staffing/``), exactly as ``kpiscore staff`` computes it, and every error is a
``ValueError`` with the C++ message.

Rates are contacts **per second**; times are seconds.

>>> from kpiscore import staffing
>>> staffing.agents_required(100 / 1800, 180, 20, 0.8)   # Call Centre Helper: 14 agents
14
>>> round(staffing.erlang_c(100 / 1800, 180, 14, 20).service_level, 4)
0.8884
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Union

from ._core import staffing as _s

if TYPE_CHECKING:
    import pandas

__all__ = [
    "ErlangAResult",
    "ErlangCResult",
    "IntervalMeasures",
    "IntervalPlan",
    "IntervalPlanRow",
    "PatienceEstimate",
    "QueueSummary",
    "agents_required",
    "agents_required_a",
    "erlang_a",
    "erlang_c",
    "estimate_patience",
    "gross_up",
    "plan_from_contacts",
    "scheduled_agents",
]

#: Erlang C measures: ``offered_load``, ``agents``, ``p_wait``, ``service_level``, ``asa``,
#: ``occupancy`` (read-only).
ErlangCResult = _s.ErlangCResult
#: Erlang A measures: those of :data:`ErlangCResult` plus ``p_abandon``,
#: ``service_level_of_answered``, ``service_level_excluding_early_abandons``,
#: ``p_abandon_within_target`` and ``mean_wait`` (read-only).
ErlangAResult = _s.ErlangAResult
#: Exponential-patience estimate: ``mean_s``, ``rate_per_s``, ``mean_std_error_s``,
#: ``abandoned``, ``answered``, ``exposure_s`` (read-only).
PatienceEstimate = _s.PatienceEstimate

PathType = Union[str, "os.PathLike[str]"]
Basis = Literal["offered", "answered", "excluding_early_abandons"]


def erlang_c(arrival_rate: float, aht_s: float, agents: int, target_s: float) -> ErlangCResult:
    """Erlang C (M/M/n) measures for ``agents`` agents.

    Args:
        arrival_rate: Poisson arrivals per second (> 0).
        aht_s: mean handling time in seconds (> 0).
        agents: agents on the queue (>= 1).
        target_s: service-level threshold T in seconds (>= 0).

    Returns:
        ``p_wait`` (probability of waiting), ``service_level`` (P(wait <= T)), ``asa`` (mean
        wait, seconds), ``occupancy`` (load / agents), ``offered_load`` and ``agents``.

    Raises:
        ValueError: bad input, or an unstable queue (``arrival_rate * aht_s >= agents``).
    """
    return _s.erlang_c(arrival_rate, aht_s, agents, target_s)


def agents_required(
    arrival_rate: float,
    aht_s: float,
    target_s: float,
    service_level: float,
    max_occupancy: float = 1.0,
    *,
    max_asa_s: float = math.inf,
) -> int:
    """The smallest number of agents whose Erlang C service level within ``target_s`` is at
    least ``service_level`` and whose occupancy is at most ``max_occupancy`` (and whose ASA is
    at most ``max_asa_s``). The offered load is never rounded; only the agent count is.

    Raises:
        ValueError: bad input (the C++ message, e.g.
            ``agents_required: service_level must be in [0, 1), got 1``).
    """
    return _s.agents_required(arrival_rate, aht_s, target_s, service_level, max_occupancy,
                              max_asa_s=max_asa_s)


def erlang_a(
    arrival_rate: float, aht_s: float, agents: int, target_s: float, patience_s: float
) -> ErlangAResult:
    """Erlang A (M/M/n+M, exponential patience of mean ``patience_s``) measures for ``agents``
    agents. Any load is allowed: abandonment keeps the queue stable.

    Returns:
        the fields of :func:`erlang_c` (``service_level`` = answered within T / offered) plus
        ``p_abandon`` and the other service-level bases.

    Raises:
        ValueError: bad input.
    """
    return _s.erlang_a(arrival_rate, aht_s, agents, target_s, patience_s)


def agents_required_a(
    arrival_rate: float,
    aht_s: float,
    target_s: float,
    service_level: float,
    patience_s: float,
    max_occupancy: float = 1.0,
    *,
    max_asa_s: float = math.inf,
    max_abandon: float = 1.0,
    basis: Basis = "offered",
) -> int:
    """The smallest number of agents meeting the goal under Erlang A. ``basis`` chooses the
    service level: ``"offered"`` (answered within T / offered; default), ``"answered"`` or
    ``"excluding_early_abandons"``.

    Raises:
        ValueError: bad input.
    """
    return _s.agents_required_a(arrival_rate, aht_s, target_s, service_level, patience_s,
                                max_occupancy, max_asa_s=max_asa_s, max_abandon=max_abandon,
                                basis=basis)


def estimate_patience(
    abandon_times_s: Sequence[float], answered_waits_s: Sequence[float]
) -> PatienceEstimate:
    """Exponential-patience maximum-likelihood estimate: abandoned contacts' times to abandon
    are observed patiences, answered contacts' waits are censored ones;
    mean patience = (sum of all those times) / (number abandoned).

    Raises:
        ValueError: no abandonment, zero total waiting time, or a negative time.
    """
    return _s.estimate_patience(list(abandon_times_s), list(answered_waits_s))


def gross_up(net_agents: float, shrinkage: float) -> float:
    """Scheduled agents for ``net_agents`` on the queue: ``net / (1 - shrinkage)``, unrounded."""
    return _s.gross_up(net_agents, shrinkage)


def scheduled_agents(net_agents: int, shrinkage: float) -> int:
    """Whole scheduled agents: :func:`gross_up` rounded up."""
    return _s.scheduled_agents(net_agents, shrinkage)


# ---------------------------------------------------------------------------------------------
# Interval plan from contact records


@dataclass(frozen=True)
class IntervalMeasures:
    """Erlang prediction for one interval at some number of agents. ``asa_s`` is ``inf`` when no
    contact can be answered (an unstable Erlang C queue, or no agent)."""

    stable: bool
    service_level: float
    asa_s: float
    occupancy: float
    p_wait: float
    p_abandon: float

    @classmethod
    def _of(cls, d: dict[str, Any] | None) -> IntervalMeasures | None:
        return None if d is None else cls(**d)


@dataclass(frozen=True)
class IntervalPlanRow:
    """One measured interval (of one queue when planned by queue) and its plan.

    ``agents_required`` is the "what if": the agents that would have met the goal with the
    measured arrivals and AHT; ``at_seen`` the Erlang prediction at the agents seen in the
    records, and ``shortfall`` = ``agents_required - agents_seen``.
    """

    queue: str | None
    interval: str
    arrivals: int
    answered: int
    abandoned: int
    aht_s: float
    aht_from_queue: bool
    offered_load: float
    measured_service_level: float | None
    measured_asa_s: float | None
    agents_seen: int | None
    model: Literal["erlang_c", "erlang_a"]
    patience_s: float | None
    agents_required: int
    scheduled_agents: int
    scheduled_exact: float
    at_required: IntervalMeasures
    at_seen: IntervalMeasures | None
    shortfall: int | None


@dataclass(frozen=True)
class QueueSummary:
    """AHT and patience of one queue (``queue`` is ``None`` when not planned by queue)."""

    queue: str | None
    arrivals: int
    aht_s: float | None
    abandoned: int
    answered: int
    wait_exposure_s: float
    patience: PatienceEstimate | None
    patience_note: str


@dataclass(frozen=True)
class IntervalPlan:
    """The result of :func:`plan_from_contacts`."""

    interval_minutes: int
    timezone: str
    rows: list[IntervalPlanRow]
    queues: list[QueueSummary]
    inbound: int
    outbound_skipped: int
    rows_read: int
    accepted: int
    rejected: int

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[IntervalPlanRow]:
        return iter(self.rows)

    def to_pandas(self) -> pandas.DataFrame:
        """One row per interval; the measures at the required and seen staffing are flattened
        into ``*_at_required`` and ``*_at_seen`` columns."""
        import pandas as pd

        records = []
        for r in self.rows:
            rec: dict[str, Any] = {}
            for name in IntervalPlanRow.__dataclass_fields__:
                value = getattr(r, name)
                if name in ("at_required", "at_seen"):
                    for field in IntervalMeasures.__dataclass_fields__:
                        rec[f"{field}_{name}"] = None if value is None else getattr(value, field)
                else:
                    rec[name] = value
            records.append(rec)
        return pd.DataFrame.from_records(records)


def plan_from_contacts(
    path: PathType,
    target_s: float,
    service_level: float,
    *,
    interval: Literal[15, 30, 60] = 30,
    by_queue: bool = False,
    erlang_a: bool = False,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    tz: str | None = None,
    threads: int | None = None,
) -> IntervalPlan:
    """Interval plan from a contacts CSV, as ``kpiscore staff --input`` computes it.

    Per ``interval``-minute interval of ``arrived_at`` (local time in ``tz``) and, with
    ``by_queue``, per queue: inbound arrivals, AHT (KPI engine ``aht_s``; the queue's AHT when no
    handled contact in the interval has a known handle time), the measured service level within
    ``target_s`` and ASA, the agents seen (distinct ``agent_id`` answering); then the agents
    required for ``service_level`` within ``target_s`` (Erlang C, or with ``erlang_a`` Erlang A
    with each queue's estimated patience), scheduled agents after ``shrinkage``, and the
    prediction at the agents seen. Outbound contacts are left out.

    Raises:
        ValueError: a bad argument, no inbound contacts, a queue whose AHT is unknown.
        kpiscore.InputError: an unreadable file or unusable header.
    """
    if interval not in (15, 30, 60):
        raise ValueError(f"plan_from_contacts: interval must be 15, 30 or 60, got {interval!r}")
    d = _s.plan_from_contacts(os.fspath(path), target_s, service_level,
                              interval_minutes=interval, by_queue=by_queue,
                              max_occupancy=max_occupancy, shrinkage=shrinkage,
                              erlang_a=erlang_a, tz=tz or "", threads=threads or 0)
    rows = []
    for r in d["rows"]:
        r = dict(r)
        r["at_required"] = IntervalMeasures._of(r["at_required"])
        r["at_seen"] = IntervalMeasures._of(r["at_seen"])
        rows.append(IntervalPlanRow(**r))
    queues = [QueueSummary(**q) for q in d["queues"]]
    return IntervalPlan(
        interval_minutes=d["interval_minutes"], timezone=d["timezone"], rows=rows, queues=queues,
        inbound=d["inbound"], outbound_skipped=d["outbound_skipped"], rows_read=d["rows_read"],
        accepted=d["accepted"], rejected=d["rejected"])
