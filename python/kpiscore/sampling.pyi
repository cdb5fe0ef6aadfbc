"""Stubs of kpiscore.sampling (QA sampling)."""

import os
from collections.abc import Mapping
from typing import Any, NamedTuple, Union

import pandas

PathType = Union[str, os.PathLike[str]]

class PlanError(ValueError):
    path: str
    message: str
    def __init__(self, text: str) -> None: ...

class Reject(NamedTuple):
    line: int
    field: str
    reason: str

class SampleResult:
    records: list[dict[str, Any]]
    report: dict[str, Any]
    plan: dict[str, Any]
    rejects: list[Reject]
    summary: dict[str, int]
    def __init__(self, out: Mapping[str, Any]) -> None: ...
    def __len__(self) -> int: ...
    @property
    def order_dependent(self) -> bool: ...
    def to_pandas(self) -> pandas.DataFrame: ...
    def report_to_pandas(self) -> pandas.DataFrame: ...
    def to_csv(self) -> str: ...
    def report_text(self) -> str: ...

def sample(data: Any, plan: Mapping[str, Any] | PathType | str, tz: str | None = None) -> SampleResult: ...
def check_plan(plan: Mapping[str, Any] | PathType | str) -> dict[str, Any]: ...
def contact_uniform(contact_id: str, seed: int) -> float: ...
