"""The options document of ``kpiscore kpis --options`` built from Python arguments."""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any, Union

from . import _core

#: Something that names a file: a ``str`` or an ``os.PathLike``.
PathType = Union[str, "os.PathLike[str]"]


def load_json_document(value: Mapping[str, Any] | PathType | None, what: str) -> dict[str, Any]:
    """A JSON object given as a dict or as the path of a JSON file (``{}`` for None)."""
    if value is None:
        return {}
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        with open(path, "rb") as f:
            text = f.read()
        try:
            doc = json.loads(text)
        except ValueError as e:  # JSONDecodeError, UnicodeDecodeError
            raise ValueError(f"{what}: {path}: not valid JSON: {e}") from None
        if not isinstance(doc, dict):
            raise ValueError(f"{what}: {path}: expected a JSON object")
        return doc
    if isinstance(value, Mapping):
        return copy.deepcopy(dict(value))
    raise TypeError(f"{what}: expected a dict or a path to a JSON file, actual {type(value).__name__}")


def options_json(
    options: Mapping[str, Any] | PathType | None,
    *,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
    threads: int | None = None,
) -> str:
    """The options document as JSON text; keyword arguments override it as the CLI's flags do."""
    doc = load_json_document(options, "options")
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
    try:
        return json.dumps(doc, allow_nan=False)
    except ValueError as e:
        raise ValueError(f"options: {e}") from None


def group_keys(by: str | Sequence[str] | None) -> list[str]:
    """``by`` as a list of key names: ``"agent_id,day"`` or ``["agent_id", "day"]``."""
    if by is None:
        return []
    if isinstance(by, str):
        return list(_core.parse_group_by(by))
    keys = list(by)
    for k in keys:
        if not isinstance(k, str):
            raise TypeError(f"by: expected group key names (str), actual {type(k).__name__}")
    return keys
