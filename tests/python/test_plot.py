"""kpiscore.plot: every plot draws what it says and returns its Axes (Agg backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import kpiscore

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from kpiscore import plot  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "examples" / "data" / "contacts.csv"
EX = REPO / "examples"


@pytest.fixture(scope="module")
def scores() -> kpiscore.ScoreResult:
    card = kpiscore.Scorecard.from_file(EX / "scorecards" / "default.json")
    return card.score(CONTACTS, by="agent_id", tz="Asia/Shanghai", evaluations=EX / "data" / "evaluations.csv",
                      form=EX / "forms" / "handbook_form.json")


def test_trend_marks_breaches() -> None:
    result = kpiscore.kpis(CONTACTS, by="team,day", tz="Asia/Shanghai")
    ax = plot.trend(result, "service_level", period="day", target=0.8, series="team")
    teams = {r["team"] for r in result.records}
    assert len(ax.get_lines()) == len(teams) + 1  # one line per team + the target line
    breaches = sum(1 for r in result.records if r["service_level"] is not None and r["service_level"] < 0.8)
    rings = sum(len(c.get_offsets()) for c in ax.collections)
    assert rings == breaches > 0
    with pytest.raises(ValueError, match="period 'month' is not a key"):
        plot.trend(result, "service_level", period="month")
    plt.close("all")


def test_ranking_sorted(scores: kpiscore.ScoreResult) -> None:
    ax = plot.ranking(scores, n=10)
    heights = [p.get_width() for p in ax.patches]
    assert len(heights) == 10 and heights == sorted(heights, reverse=True)
    assert heights[0] == np.nanmax(scores.scores)
    plt.close("all")


def test_waterfall_ends_at_the_score(scores: kpiscore.ScoreResult) -> None:
    g = scores.weakest(1)[0]
    ax = plot.waterfall(scores, g)
    bars = ax.patches
    assert bars[0].get_height() == 100.0
    assert bars[-1].get_height() == pytest.approx(scores.scores[g], abs=0.02)  # trace rounds to 0.01
    plt.close("all")


def test_p_chart_limits() -> None:
    ax = plot.p_chart([5, 4, 30, 6], [100, 100, 100, 100], labels=["w1", "w2", "w3", "w4"])
    out = ax.collections[0].get_offsets()
    assert [tuple(p) for p in out] == [(2.0, 0.30)]  # p̄ = 0.1125, UCL = 0.2073 at n = 100
    with pytest.raises(ValueError, match="defects <= sizes"):
        plot.p_chart([5], [4])
    plt.close("all")
