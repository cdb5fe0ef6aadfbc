"""kpiscore inside Dask: one exact state per partition, merged by a tree reduction.

The same arguments as :func:`kpiscore.kpis` and :func:`kpiscore.aggregate`, over a
``dask.dataframe.DataFrame``. Each partition becomes one :class:`kpiscore.State` (its versioned
bytes cross worker processes by pickle); states are merged ``split_every`` at a time up a tree, as
dask-histogram does with boost-histogram. Counts and millisecond sums are integers, so the result
is bit-identical to one pass over the same rows, whatever the partitioning (docs/distributed.md).

>>> import dask.dataframe as dd, kpiscore.dask  # doctest: +SKIP
>>> ddf = dd.read_parquet("contacts/")  # doctest: +SKIP
>>> kpiscore.dask.kpis(ddf, by=["agent_id", "month"], tz="Asia/Shanghai").to_pandas()  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from . import _core, _read_for
from ._options import PathType, group_keys, options_json
from ._result import KpiResult
from ._state import State
from .rules import _read_rules, compile_custom_kpis

__all__ = ["aggregate", "kpis", "sample", "score"]


def _partition_state(partition: Any, keys: list[str], text: str, rules: str | None) -> tuple[bytes, dict[str, Any]]:
    """One partition → (state bytes, input summary). Runs on a worker."""
    contacts = _read_for(partition, text, None)
    custom = None if rules is None else compile_custom_kpis(rules, keys, contacts.dimensions)
    state = _core.aggregate(contacts._core, keys, text, custom)
    summary = contacts.summary
    return bytes(state.to_bytes()), {
        "rows_read": summary["rows_read"],
        "accepted": summary["accepted"],
        "rejects": [tuple(r) for r in summary["rejects"]],
    }


def _merge(*parts: tuple[bytes, dict[str, Any]]) -> tuple[bytes, dict[str, Any]]:
    """Merges partition results (a node of the reduction tree). Runs on a worker."""
    state = _core.KpiState.from_bytes(parts[0][0])
    rows_read, accepted, rejects = 0, 0, []
    for i, (data, summary) in enumerate(parts):
        if i:
            state.merge(_core.KpiState.from_bytes(data))
        rows_read += summary["rows_read"]
        accepted += summary["accepted"]
        rejects += summary["rejects"]
    return bytes(state.to_bytes()), {"rows_read": rows_read, "accepted": accepted, "rejects": rejects}


def _tree(ddf: Any, keys: list[str], text: str, split_every: int | None, rules: str | None) -> Any:
    """The delayed tree: leaves are partition states, inner nodes merge ``split_every`` children."""
    import dask

    if split_every is not None and split_every < 2:
        raise ValueError(f"split_every: expected >= 2, actual {split_every}")
    fan_in = split_every or 8
    level = [dask.delayed(_partition_state, pure=True)(part, keys, text, rules) for part in ddf.to_delayed()]
    if not level:
        raise ValueError("ddf: has no partitions")
    while len(level) > 1:
        level = [dask.delayed(_merge, pure=True)(*level[i:i + fan_in]) for i in range(0, len(level), fan_in)]
    return level[0]


def _compute(ddf: Any, by: str | Sequence[str] | None, text: str, split_every: int | None,
             progress: bool, rules: str | os.PathLike[str] | None = None) -> tuple[State, dict[str, Any]]:
    import dask

    # Rules files are read here, on the client: workers get the text.
    rules_text = None if rules is None else _read_rules(rules)[0]
    node = _tree(ddf, group_keys(by), text, split_every, rules_text)
    if progress:
        from dask.diagnostics import ProgressBar

        with ProgressBar():
            (data, summary), = dask.compute(node)
    else:
        (data, summary), = dask.compute(node)
    return State.from_bytes(data), summary


def aggregate(
    ddf: Any,
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
    *,
    split_every: int | None = None,
    progress: bool = False,
    rules: str | os.PathLike[str] | None = None,
) -> State:
    """The merged :class:`kpiscore.State` of every partition (arguments as :func:`kpiscore.aggregate`,
    including custom KPIs with ``rules``).

    ``split_every``: how many states each merge task combines (default 8). ``progress``: show
    dask's progress bar (local schedulers).
    """
    text = options_json(options, tz=tz, sl_threshold=sl_threshold, quantiles=quantiles)
    return _compute(ddf, by, text, split_every, progress, rules)[0]


def kpis(
    ddf: Any,
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    sl_threshold: float | None = None,
    quantiles: bool = False,
    *,
    split_every: int | None = None,
    progress: bool = False,
    rules: str | os.PathLike[str] | None = None,
) -> KpiResult:
    """KPIs per group over a dask DataFrame: the same :class:`kpiscore.KpiResult` as
    :func:`kpiscore.kpis` on the concatenated partitions (rejects carry their position within
    their partition in ``line``; custom KPIs with ``rules``)."""
    text = options_json(options, tz=tz, sl_threshold=sl_threshold, quantiles=quantiles)
    state, summary = _compute(ddf, by, text, split_every, progress, rules)
    return KpiResult(state._core.finalize(), {**summary, "blank_lines": 0})


def score(
    card: Any,
    ddf: Any,
    by: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | PathType | None = None,
    tz: str | None = None,
    *,
    indicators: Any = None,
    split_every: int | None = None,
) -> Any:
    """Scores the groups of a dask DataFrame with a :class:`kpiscore.Scorecard`: KPIs are
    computed distributed (exact states), then scored on the client. QA evaluations need the
    contact records in one place: score those with :meth:`Scorecard.score` instead."""
    quantiles = any("_p50_" in k or "_p90_" in k for k in card.kpis)
    result = kpis(ddf, by=by, options=options, tz=tz, quantiles=quantiles, split_every=split_every,
                  rules=card._rules)
    return card.score(result, indicators=indicators)


def _partition_sample(partition: Any, plan_text: str, tz: str | None) -> Any:
    from .sampling import sample as draw

    if len(partition) == 0:
        return None
    return draw(partition, plan_text, tz=tz).to_pandas()


def sample(ddf: Any, plan: Mapping[str, Any] | PathType | str, tz: str | None = None) -> Any:
    """The contacts a **Bernoulli** plan selects, as a pandas DataFrame: each partition draws its
    own contacts, and since a contact's draw depends only on its id and the seed, the union is
    exactly the single-machine sample (same contacts, same probabilities and weights), in
    stratum then contact-id order.

    Designs with stratum sizes, totals or a row order (poisson with risk weights, pareto,
    sequential_poisson, systematic, reservoir) need the whole population of a stratum and are
    refused here: draw them with :func:`kpiscore.sample` on the data of each stratum
    (docs/distributed.md)."""
    import dask
    import pandas as pd

    from .sampling import _plan_json, check_plan

    text = _plan_json(plan)
    design = check_plan(text)["design"]
    if design != "bernoulli":
        raise ValueError(f"plan /design: {design} needs whole strata; kpiscore.dask.sample draws bernoulli plans "
                         "(docs/distributed.md)")
    parts = [dask.delayed(_partition_sample, pure=True)(p, text, tz) for p in ddf.to_delayed()]
    frames = [f for f in dask.compute(*parts) if f is not None]
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    keys = [c for c in out.columns if c not in ("contact_id", "inclusion_probability", "design_weight")]
    return out.sort_values([*keys, "contact_id"], kind="stable", ignore_index=True)
