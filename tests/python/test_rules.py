"""kpiscore.rules: the rules language from Python — values against independent pandas/numpy
computations and the CLI, host functions written in Python, errors with pinned texts."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kpiscore
from kpiscore.rules import BudgetExceeded, Function, Rules, function

REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "examples" / "data" / "contacts.csv"
TARGETS = REPO / "examples" / "rules" / "manual_targets.kpi"

RECORD_RULES = """
let handled = answered and inbound
rule slow = handle_s > 10min
rule slow_phone = slow and channel == "phone"
rule waited = wait_s ?? 0s
rule promoter = nps >= 9
"""


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.read_csv(CONTACTS, dtype={"csat": "Int8", "nps": "Int8"})


def test_record_values_equal_an_independent_pandas_computation(frame: pd.DataFrame) -> None:
    result = Rules.compile(RECORD_RULES).evaluate(CONTACTS)
    handle = frame["talk_s"] + frame["hold_s"] + frame["acw_s"]
    slow = result["slow"]
    known = handle.notna().to_numpy()
    np.testing.assert_array_equal(~np.ma.getmaskarray(slow), known)
    np.testing.assert_array_equal(slow.data[known], (handle > 600).to_numpy()[known])
    # Kleene `and`: false and null is false, so a non-phone contact is never null.
    slow_phone = result["slow_phone"]
    phone = (frame["channel"] == "phone").to_numpy()
    np.testing.assert_array_equal(np.ma.getmaskarray(slow_phone), phone & ~known)
    np.testing.assert_array_equal(slow_phone.filled(False), phone & known & (handle > 600).to_numpy())
    # `??` fills null waits; durations are seconds (float), rounded to the millisecond on read.
    np.testing.assert_allclose(result["waited"].filled(np.nan), frame["wait_s"].fillna(0).round(3).to_numpy(),
                               rtol=0, atol=5e-10)
    promoter = result["promoter"]
    np.testing.assert_array_equal(np.ma.getmaskarray(promoter), frame["nps"].isna().to_numpy())
    # A `let` is not an output (explain shows it).
    assert result.types == {"slow": "bool", "slow_phone": "bool", "waited": "duration",
                            "promoter": "bool"}


def test_every_input_kind_gives_the_same_values(frame: pd.DataFrame) -> None:
    rules = Rules.compile(RECORD_RULES)
    a = rules.evaluate(CONTACTS)
    b = rules.evaluate(frame)
    c = rules.evaluate(kpiscore.read(CONTACTS))
    for name in a.columns:
        for other in (b, c):
            np.testing.assert_array_equal(np.ma.getmaskarray(a[name]), np.ma.getmaskarray(other[name]))
            np.testing.assert_array_equal(a[name].filled(0), other[name].filled(0))


def test_stats_and_explain_equal_the_cli(cli: Path, tmp_path: Path) -> None:
    path = tmp_path / "r.kpi"
    path.write_text(RECORD_RULES, encoding="utf-8")
    rules = Rules.from_file(path)
    run = subprocess.run([os.fspath(cli), "rules", os.fspath(path), "--input", os.fspath(CONTACTS), "--scope",
                          "record"], capture_output=True, text=True, check=True)
    expected = json.loads(run.stdout)
    got = [s._asdict() for s in rules.stats(CONTACTS)]
    rules_of_cli = expected["rules"] if isinstance(expected, dict) else expected
    for mine, theirs in zip(got, rules_of_cli):
        assert {k: mine[k] for k in ("name", "rows", "fired", "not_fired", "nulls")} == \
            {k: theirs[k] for k in ("name", "rows", "fired", "not_fired", "nulls")}
    run = subprocess.run([os.fspath(cli), "rules", os.fspath(path), "--input", os.fspath(CONTACTS), "--scope",
                          "record", "--explain", "17"], capture_output=True, text=True, check=True)
    assert rules.explain(CONTACTS, row=17) == json.loads(run.stdout)


def test_group_scope_over_kpis_and_explain_by_key(cli: Path) -> None:
    kpis = kpiscore.kpis(CONTACTS, by="agent_id,month", tz="Asia/Shanghai")
    rules = Rules.from_file(TARGETS, scope="group", keys="agent_id,month")
    result = rules.evaluate(kpis)
    fcr = np.array([np.nan if v is None else v for v in kpis.column("fcr").value], dtype=float)
    low = result["low_fcr"]
    np.testing.assert_array_equal(np.ma.getmaskarray(low), np.isnan(fcr))
    np.testing.assert_array_equal(low.filled(False), np.nan_to_num(fcr, nan=1.0) < 0.85)
    frame = result.to_pandas()
    assert list(frame.columns[:2]) == ["agent_id", "month"]
    assert str(frame["low_fcr"].dtype) == "boolean" and str(frame["asa_points"].dtype) == "Float64"
    # The same through contacts + by (KPIs computed first).
    again = rules.evaluate(CONTACTS, by="agent_id,month", tz="Asia/Shanghai")
    np.testing.assert_array_equal(again["asa_points"].filled(-1), result["asa_points"].filled(-1))
    run = subprocess.run([os.fspath(cli), "rules", os.fspath(TARGETS), "--input", os.fspath(CONTACTS), "--by",
                          "agent_id,month", "--tz", "Asia/Shanghai", "--group", "agent_id=A0004,month=2026-03"],
                         capture_output=True, text=True, check=True)
    assert rules.explain(kpis, group={"agent_id": "A0004", "month": "2026-03"}) == json.loads(run.stdout)
    assert rules.explain(kpis, group=("A0004", "2026-03")) == json.loads(run.stdout)


def test_python_host_function_is_vectorized_and_nulls_pass_through(frame: pd.DataFrame) -> None:
    calls: list[int] = []

    @function(params=["duration", "number"], result="number", cost=3)
    def over(wait: np.ndarray, limit: np.ndarray) -> np.ndarray:
        """Seconds over a limit."""
        calls.append(len(wait))
        assert not wait.flags.writeable
        return np.maximum(wait - limit, 0.0)

    assert over.name == "over" and over.description == "Seconds over a limit."
    rules = Rules.compile("rule late = over(wait_s, 20) > 0\nrule by = over(wait_s, 20)", functions=[over])
    result = rules.evaluate(frame)
    wait = frame["wait_s"].round(3)
    np.testing.assert_array_equal(np.ma.getmaskarray(result["by"]), wait.isna().to_numpy())
    np.testing.assert_allclose(result["by"].filled(np.nan), np.maximum(wait - 20, 0).to_numpy(), atol=1e-9)
    # Called once per batch, not once per row.
    assert len(calls) == 2 * -(-len(frame) // 1024) or sum(calls) < 4 * len(frame)
    assert max(calls) > 1
    assert rules.cost_per_row >= 3


def test_python_host_function_errors_reach_the_caller() -> None:
    class Boom(RuntimeError):
        pass

    def fail(x: np.ndarray) -> np.ndarray:
        raise Boom("no")

    rules = Rules.compile("rule x = f(wait_s) > 0", functions=[Function("f", fail, ["duration"])])
    with pytest.raises(Boom, match="no"):
        rules.evaluate(CONTACTS)
    wrong = Rules.compile("rule x = g(wait_s)", functions={"g": Function("g", lambda x: x[:3], ["duration"])})
    with pytest.raises(ValueError, match=r"^host function 'g': expected a result of \d+ numbers \(one per row\)$"):
        wrong.evaluate(CONTACTS)
    with pytest.raises(ValueError, match="^function f: parameter: unknown type 'text'; expected bool, integer, "
                                         "number, string, duration, ratio, points or time$"):
        Rules.compile("rule x = 1", functions=[Function("f", fail, ["text"])])


def test_python_host_functions_from_several_threads() -> None:
    rules = Rules.compile("rule y = twice(wait_s)", functions=[Function("twice", lambda x: x * 2, ["duration"],
                                                                       "duration")])
    contacts = kpiscore.read(CONTACTS)
    expected = rules.evaluate(contacts)["y"]
    out: list[np.ma.MaskedArray] = []

    def work() -> None:
        for _ in range(5):
            out.append(rules.evaluate(contacts)["y"])

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 15
    for o in out:
        np.testing.assert_array_equal(o.filled(-1), expected.filled(-1))


def test_compile_errors_are_spec_errors_with_position() -> None:
    with pytest.raises(kpiscore.SpecError) as e:
        Rules.compile("rule x = asa_s > 30\nrule y = ahts > 1min", scope="group", file="rules.kpi")
    err = e.value
    assert (err.line, err.column, err.code) == (1, 18, "E0202")
    assert [d.code for d in err.diagnostics] == ["E0202", "E0102"]
    assert str(err) == (
        "rules.kpi:1:18: error[E0202]: a number without a unit where a duration is expected\n"
        "  1 | rule x = asa_s > 30\n"
        "    |                  ^^\n"
        "    = hint: did you mean `30s`?\n"
        "rules.kpi:2:10: error[E0102]: unknown name `ahts` in the group scope\n"
        "  2 | rule y = ahts > 1min\n"
        "    |          ^^^^\n"
        "    = hint: did you mean `aht_s`?\n")
    assert Rules.check("rule x = fcr < 85%", scope="group") == []
    ds = Rules.check("rule x = f(1)", functions=[Function("f", abs, ["number", "number"])])
    assert [d.code for d in ds] == ["E0104"]


def test_budget_and_scope_mismatch() -> None:
    rules = Rules.expression("wait_s * 2 > 10s")
    assert rules.outputs == [("expr", "rule", "bool")]
    with pytest.raises(BudgetExceeded):
        rules.evaluate(CONTACTS, budget=10)
    with pytest.raises(TypeError, match="record rules evaluate contacts"):
        rules.evaluate(kpiscore.kpis(CONTACTS, by="team"))
    with pytest.raises(ValueError, match="^scope: expected 'record' or 'group', actual 'row'$"):
        Rules.compile("rule x = 1", scope="row")
    assert "starts_with" in kpiscore.rules.builtin_functions()
