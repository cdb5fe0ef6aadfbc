import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Union

import pandas

from . import staffing as staffing
from ._core import InputError as InputError

__version__: str
PathType = Union[str, os.PathLike[str]]

class Reject(NamedTuple):
    line: int
    field: str
    reason: str

class KpiResult:
    records: list[dict[str, Any]]
    rows_read: int
    accepted: int
    blank_lines: int
    rejects: list[Reject]
    key_names: list[str]
    kpi_kinds: dict[str, str]
    def __init__(self, json_text: str, summary: Mapping[str, Any]) -> None: ...
    @property
    def rejected(self) -> int: ...
    def to_json(self) -> str: ...
    def to_pandas(self) -> pandas.DataFrame: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[dict[str, Any]]: ...

def kpis(
    path: PathType,
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
    *,
    threads: int | None = None,
) -> KpiResult: ...
