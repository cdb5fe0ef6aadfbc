"""kpiscore.Scorecard / ScoreResult against `kpiscore score` on the same inputs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import kpiscore

REPO = Path(__file__).resolve().parents[2]
EX = REPO / "examples"
CONTACTS = EX / "data" / "contacts.csv"
EVALS = EX / "data" / "evaluations.csv"
SPEC = EX / "scorecards" / "default.json"
FORM = EX / "forms" / "handbook_form.json"


def cli_score(cli: Path, *args: str) -> str:
    proc = subprocess.run([os.fspath(cli), "score", "--spec", os.fspath(SPEC), "--input", os.fspath(CONTACTS),
                           "--tz", "Asia/Shanghai", *args], capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.fixture(scope="module")
def card() -> kpiscore.Scorecard:
    return kpiscore.Scorecard.from_file(SPEC)


def test_scores_equal_cli_json_and_csv(cli: Path, card: kpiscore.Scorecard) -> None:
    result = card.score(CONTACTS, by="agent_id,month", tz="Asia/Shanghai", evaluations=EVALS, form=FORM)
    args = ["--by", "agent_id,month", "--evaluations", os.fspath(EVALS), "--form", os.fspath(FORM)]
    assert result.to_json() == cli_score(cli, *args, "--format", "json")
    assert result.to_csv() == cli_score(cli, *args, "--format", "csv")
    assert result.evaluations is not None and result.evaluations["used"] > 0
    df = result.to_pandas()
    csv = pd.read_csv(pd.io.common.StringIO(result.to_csv()), dtype={"agent_id": str, "month": str})
    assert list(df.columns) == list(csv.columns)
    assert (df["score"].round(2).astype(float) - csv["score"]).abs().max() < 0.0051


def test_score_from_dataframe_and_kpi_result(card: kpiscore.Scorecard) -> None:
    frame = pd.read_csv(CONTACTS, dtype={"contact_id": str})
    from_csv = card.score(CONTACTS, by="team", tz="Asia/Shanghai")
    from_frame = card.score(frame, by="team", tz="Asia/Shanghai")
    from_kpis = card.score(kpiscore.kpis(frame, by="team", tz="Asia/Shanghai"))
    assert from_csv.to_json() == from_frame.to_json() == from_kpis.to_json()
    with pytest.raises(ValueError, match="need the contact records"):
        card.score(kpiscore.kpis(frame, by="team"), evaluations=EVALS, form=FORM)


def test_explain_and_weakest(card: kpiscore.Scorecard) -> None:
    result = card.score(CONTACTS, by="agent_id", tz="Asia/Shanghai", evaluations=EVALS, form=FORM)
    g = result.weakest(1)[0]
    key = {"agent_id": result.to_pandas()["agent_id"][g]}
    trace = result.explain(key)
    assert trace == result.explain(g)
    text = result.explain_text(key)
    assert key["agent_id"] in text
    assert json.dumps(trace)  # plain JSON types
    with pytest.raises(KeyError, match="not in this result"):
        result.explain({"agent_id": "nobody"})
    with pytest.raises(IndexError):
        result.explain(len(result))
    html = result._repr_html_()
    assert "<table>" in html and "background" in html  # to-improve cells are shaded


def test_rank_and_roll_up(card: kpiscore.Scorecard) -> None:
    result = card.score(CONTACTS, by="team,agent_id,month", tz="Asia/Shanghai")
    ranks = result.rank(within=["team"])
    best = ranks.sort_values("rank").groupby("team").head(1)
    assert (best["rank"] == 1).all() and (best["gap_to_best"] == 0).all()
    rolled = result.roll_up(["agent_id"], method="weighted", weight="handled")
    assert len(rolled) == result.to_pandas()["agent_id"].nunique()
    with pytest.raises(ValueError, match="method"):
        result.roll_up(["agent_id"], method="median")


def test_spec_errors_carry_paths() -> None:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    spec["dimensions"][0]["weight"] = -1
    with pytest.raises(kpiscore.SpecError) as info:
        kpiscore.Scorecard.from_json(spec)
    assert isinstance(info.value, ValueError)
    assert info.value.path.startswith("/dimensions/0")
    assert info.value.errors and info.value.errors[0][0] == info.value.path
    assert kpiscore.Scorecard.check(spec) == info.value.errors
    with pytest.raises(ValueError, match="need a QA form"):
        kpiscore.Scorecard.from_file(SPEC).score(CONTACTS, evaluations=EVALS)


def test_kpi_text_scorecard_equals_json() -> None:
    text_card = kpiscore.Scorecard.from_file(EX / "scorecards" / "default.kpi")
    json_card = kpiscore.Scorecard.from_file(SPEC)
    assert text_card.fingerprint == json_card.fingerprint
    a = text_card.score(CONTACTS, by="team", tz="Asia/Shanghai")
    b = json_card.score(CONTACTS, by="team", tz="Asia/Shanghai")
    assert a.to_json() == b.to_json()
    source = (EX / "scorecards" / "default.kpi").read_text(encoding="utf-8")
    broken = source.replace("scorecard", "scorecard", 1) + "\nnonsense here\n"
    with pytest.raises(kpiscore.SpecError) as info:
        kpiscore.Scorecard.from_text(broken, "broken.kpi")
    assert info.value.line == source.count("\n") + 2 and info.value.column == 1
    assert info.value.code.startswith("E05")
    assert "broken.kpi:" in str(info.value)


def test_spec_error_locates_json_errors_in_the_text(tmp_path: Path) -> None:
    text = SPEC.read_text(encoding="utf-8")
    bad = text.replace('"per": "1min"', '"per": "1%"', 1)
    offset = bad.index('"1%"')
    line, column = bad.count("\n", 0, offset) + 1, offset - bad.rfind("\n", 0, offset)
    with pytest.raises(kpiscore.SpecError) as e:
        kpiscore.Scorecard.from_json(bad)
    assert e.value.path == "/dimensions/0/indicators/1/rule/per"
    assert (e.value.line, e.value.column) == (line, column)
    path = tmp_path / "card.json"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(kpiscore.SpecError) as f:
        kpiscore.Scorecard.from_file(path)
    assert (f.value.line, f.value.column) == (line, column)
    # A dict has no text: no position.
    with pytest.raises(kpiscore.SpecError) as g:
        kpiscore.Scorecard.from_json(json.loads(bad))
    assert (g.value.line, g.value.column) == (None, None) and g.value.path == e.value.path
    # Not JSON: the syntax error's position.
    with pytest.raises(kpiscore.SpecError) as h:
        kpiscore.Scorecard.from_json('{\n  "name": "x",\n  "dimensions": [}\n')
    assert (h.value.line, h.value.column) == (3, 18)


def test_json_pointer_offsets_walk_the_structure() -> None:
    from kpiscore.scoring import json_pointer_offset

    text = '{"a": [1, {"b~c": {"d/e": "x"}}, [2, 3]], "f": {}}'
    assert text[json_pointer_offset(text, "/a/1/b~0c/d~1e"):].startswith('"x"')
    assert text[json_pointer_offset(text, "/a/2/1"):].startswith("3]")
    assert text[json_pointer_offset(text, "/f/missing"):].startswith("{}")  # nearest parent
    assert json_pointer_offset(text, "/") == 0
    assert json_pointer_offset("{", "/a") is None


def test_qa_form_in_text_scores_as_its_json_twin() -> None:
    card = kpiscore.Scorecard.from_file(SPEC)
    a = card.score(CONTACTS, by="agent_id", tz="Asia/Shanghai", evaluations=EVALS, form=FORM)
    b = card.score(CONTACTS, by="agent_id", tz="Asia/Shanghai", evaluations=EVALS,
                   form=EX / "forms" / "handbook_form.kpi")
    assert a.to_csv() == b.to_csv()


def test_qa_form_text_errors_are_spec_errors(tmp_path: Path) -> None:
    bad = tmp_path / "f.kpi"
    bad.write_text('form "F"\nsection s {\n  itme a scale yes_no\n}\n', encoding="utf-8")
    card = kpiscore.Scorecard.from_file(SPEC)
    with pytest.raises(kpiscore.SpecError) as e:
        card.score(CONTACTS, by="agent_id", evaluations=EVALS, form=bad)
    assert (e.value.line, e.value.column, e.value.code) == (3, 3, "E0501")
