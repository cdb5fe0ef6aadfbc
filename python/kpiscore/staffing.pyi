"""Stubs of kpiscore.staffing (seat planning: Erlang C and Erlang A)."""

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Union

import pandas

PathType = Union[str, os.PathLike[str]]
Basis = Literal["offered", "answered", "excluding_early_abandons"]

class ErlangCResult:
    @property
    def offered_load(self) -> float: ...
    @property
    def agents(self) -> int: ...
    @property
    def p_wait(self) -> float: ...
    @property
    def service_level(self) -> float: ...
    @property
    def asa(self) -> float: ...
    @property
    def occupancy(self) -> float: ...

class ErlangAResult(ErlangCResult):
    @property
    def p_abandon(self) -> float: ...
    @property
    def service_level_of_answered(self) -> float: ...
    @property
    def service_level_excluding_early_abandons(self) -> float: ...
    @property
    def p_abandon_within_target(self) -> float: ...
    @property
    def mean_wait(self) -> float: ...

class PatienceEstimate:
    @property
    def rate_per_s(self) -> float: ...
    @property
    def mean_s(self) -> float: ...
    @property
    def mean_std_error_s(self) -> float: ...
    @property
    def abandoned(self) -> int: ...
    @property
    def answered(self) -> int: ...
    @property
    def exposure_s(self) -> float: ...

def erlang_c(arrival_rate: float, aht_s: float, agents: int, target_s: float) -> ErlangCResult: ...
def agents_required(
    arrival_rate: float,
    aht_s: float,
    target_s: float,
    service_level: float,
    max_occupancy: float = 1.0,
    *,
    max_asa_s: float = ...,
) -> int: ...
def erlang_a(
    arrival_rate: float, aht_s: float, agents: int, target_s: float, patience_s: float
) -> ErlangAResult: ...
def agents_required_a(
    arrival_rate: float,
    aht_s: float,
    target_s: float,
    service_level: float,
    patience_s: float,
    max_occupancy: float = 1.0,
    *,
    max_asa_s: float = ...,
    max_abandon: float = 1.0,
    basis: Basis = "offered",
) -> int: ...
def estimate_patience(
    abandon_times_s: Sequence[float], answered_waits_s: Sequence[float]
) -> PatienceEstimate: ...
def gross_up(net_agents: float, shrinkage: float) -> float: ...
def scheduled_agents(net_agents: int, shrinkage: float) -> int: ...

@dataclass(frozen=True)
class IntervalMeasures:
    stable: bool
    service_level: float
    asa_s: float
    occupancy: float
    p_wait: float
    p_abandon: float

@dataclass(frozen=True)
class IntervalPlanRow:
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
    interval_minutes: int
    timezone: str
    rows: list[IntervalPlanRow]
    queues: list[QueueSummary]
    inbound: int
    outbound_skipped: int
    rows_read: int
    accepted: int
    rejected: int
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[IntervalPlanRow]: ...
    def to_pandas(self) -> pandas.DataFrame: ...

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
) -> IntervalPlan: ...
