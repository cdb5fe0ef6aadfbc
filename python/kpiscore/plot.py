"""Plots for notebooks (matplotlib, imported lazily). Each function draws on ``ax`` (a new figure
when None) and returns the Axes.

* :func:`trend` — a KPI over periods with its target line, breaches marked;
* :func:`ranking` — overall scores as sorted bars;
* :func:`waterfall` — one group's score from 100 down to its final score, indicator by indicator,
  then penalty by penalty (from :meth:`ScoreResult.explain`);
* :func:`p_chart` — a proportion control chart (pooled centre line, 3-sigma limits per point).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._result import KpiResult
    from .scoring import ScoreResult

__all__ = ["p_chart", "ranking", "trend", "waterfall"]


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(8, 4))
    return ax


def trend(result: KpiResult, kpi: str, period: str | None = None, target: float | None = None,
          higher_is_better: bool = True, series: str | None = None, ax: Axes | None = None) -> Axes:
    """A KPI over periods (one line per value of ``series``, e.g. a team), with the target line;
    points on the wrong side of the target are marked with a red ring.

    ``period`` is the time key to put on the x axis (default: the last key of the result).
    """
    ax = _axes(ax)
    keys = result.key_names
    if not keys:
        raise ValueError("trend: the result has no group keys (group by a period such as month)")
    period = period or keys[-1]
    if period not in keys:
        raise ValueError(f"trend: period {period!r} is not a key of the result ({', '.join(keys)})")
    if series is not None and series not in keys:
        raise ValueError(f"trend: series {series!r} is not a key of the result ({', '.join(keys)})")
    col = result.column(kpi)
    data = result.to_dict()
    labels = sorted({p for p in data[period] if p is not None})
    x_of = {p: i for i, p in enumerate(labels)}
    groups: dict[Any, list[int]] = {}
    for g in range(len(result)):
        groups.setdefault(data[series][g] if series else kpi, []).append(g)
    for name, rows in groups.items():
        rows = [g for g in rows if data[period][g] is not None and col.valid[g]]
        rows.sort(key=lambda g: x_of[data[period][g]])
        xs = [x_of[data[period][g]] for g in rows]
        ys = [float(col.value[g]) for g in rows]
        ax.plot(xs, ys, marker="o", label=str(name))
        if target is not None:
            bad = [(x, y) for x, y in zip(xs, ys) if (y < target if higher_is_better else y > target)]
            if bad:
                ax.scatter(*zip(*bad), s=120, facecolors="none", edgecolors="red", zorder=3)
    if target is not None:
        ax.axhline(target, color="gray", linestyle="--", label=f"target {target:g}")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_xlabel(period)
    ax.set_ylabel(kpi)
    ax.legend(fontsize="small")
    return ax


def ranking(scores: ScoreResult, n: int | None = 20, ax: Axes | None = None) -> Axes:
    """Overall scores as horizontal bars, best at the top (N/A groups left out)."""
    ax = _axes(ax)
    s = scores.scores
    order = [g for g in np.argsort(-np.nan_to_num(s, nan=-np.inf), kind="stable") if not math.isnan(s[g])]
    if n is not None:
        order = order[:n]
    df = scores.to_pandas()
    labels = [" / ".join(str(df[k][g]) for k in scores.key_names) or "all" for g in order]
    ax.barh(range(len(order)), [s[g] for g in order], color="#4c72b0")
    ax.set_yticks(range(len(order)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("score")
    return ax


def waterfall(scores: ScoreResult, group: int | Mapping[str, str | None] | Sequence[str | None],
              ax: Axes | None = None, min_points: float = 0.005) -> Axes:
    """One group's score from 100 to the final score: each indicator's points lost in the
    overall score, then each penalty, as falling (or rising) bars."""
    ax = _axes(ax)
    trace = scores.explain(group)
    steps: list[tuple[str, float]] = []
    for ind in trace["indicators"]:
        lost = ind.get("overall_points_lost")
        if lost is not None and abs(lost) >= min_points:
            steps.append((ind["name"], -float(lost)))
    level = 100.0 - sum(-d for _, d in steps)
    pens = trace.get("penalties", [])
    if pens:
        level = float(pens[0]["before"])
    for p in pens:
        steps.append((p["name"], float(p["after"]) - float(p["before"])))
    final = float(pens[-1]["after"]) if pens else level
    running = 100.0
    ax.bar(0, 100.0, color="#4c72b0")
    for i, (name, delta) in enumerate(steps, start=1):
        ax.bar(i, delta, bottom=running, color="#c44e52" if delta < 0 else "#55a868")
        running += delta
    ax.bar(len(steps) + 1, final, color="#4c72b0")
    ax.set_xticks(range(len(steps) + 2), ["start", *(n for n, _ in steps), "score"], rotation=45, ha="right")
    ax.set_ylabel("points")
    ax.set_ylim(min(final, running, 100.0) - 10, 105)
    return ax


def p_chart(defects: Sequence[float], sizes: Sequence[float], labels: Sequence[str] | None = None,
            ax: Axes | None = None) -> Axes:
    """A p-chart: each period's proportion ``defects / sizes``, the pooled centre line
    p̄ = Σdefects / Σsizes and per-point 3-sigma limits p̄ ± 3·sqrt(p̄(1−p̄)/nᵢ) (lower clipped at
    0; Montgomery, *Introduction to Statistical Quality Control*, 7th ed., §7.2). Points outside
    the limits are red."""
    ax = _axes(ax)
    d = np.asarray(defects, dtype=float)
    n = np.asarray(sizes, dtype=float)
    if d.shape != n.shape or d.ndim != 1:
        raise ValueError("p_chart: defects and sizes must be 1-d and of equal length")
    if (n <= 0).any() or (d < 0).any() or (d > n).any():
        raise ValueError("p_chart: expected 0 <= defects <= sizes and sizes > 0")
    p = d / n
    pbar = d.sum() / n.sum()
    sigma = np.sqrt(pbar * (1 - pbar) / n)
    ucl = np.minimum(pbar + 3 * sigma, 1.0)
    lcl = np.maximum(pbar - 3 * sigma, 0.0)
    x = np.arange(len(p))
    ax.plot(x, p, marker="o", color="#4c72b0")
    out = (p > ucl) | (p < lcl)
    ax.scatter(x[out], p[out], color="red", zorder=3)
    ax.step(x, ucl, where="mid", color="gray", linestyle="--")
    ax.step(x, lcl, where="mid", color="gray", linestyle="--")
    ax.axhline(pbar, color="black", linewidth=1)
    if labels is not None:
        ax.set_xticks(x, list(labels), rotation=45, ha="right")
    ax.set_ylabel("proportion")
    return ax
