"""kpiscore.kpis (Python) against `kpiscore kpis` (CLI): same inputs, identical records.

The CLI is taken from $KPISCORE_CLI, else build/kpiscore under the repository root; these tests
build nothing themselves (`ninja -C build kpiscore_cli`, `pip install .`).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import kpiscore
from kpiscore import _core

REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "examples" / "data" / "contacts.csv"


def run_cli(cli: Path, *args: str | os.PathLike[str], ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([os.fspath(cli), *map(os.fspath, args)], capture_output=True,
                          text=True, encoding="utf-8", check=False)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture()
def options_file(tmp_path: Path) -> Path:
    path = tmp_path / "options.json"
    path.write_text(json.dumps({"service_level": {"abandons": "ignore", "threshold_s": 30,
                                                  "short_abandon_s": 5}}))
    return path


# (CLI arguments, kpiscore.kpis keyword arguments); "@options" stands for the options file.
CASES: dict[str, tuple[list[str], dict[str, Any]]] = {
    "all": ([], {}),
    "team": (["--by", "team"], {"by": "team"}),
    "agent_day_shanghai": (["--by", "agent_id,day", "--tz", "Asia/Shanghai"],
                           {"by": ["agent_id", "day"], "tz": "Asia/Shanghai"}),
    "options_file": (["--by", "queue", "--options", "@options"],
                     {"by": "queue", "options": "@options"}),
    "options_file_sl_override": (
        ["--by", "channel,month", "--options", "@options", "--sl-threshold", "15"],
        {"by": "channel, month", "options": "@options", "sl_threshold": 15}),
    "quantiles": (["--by", "channel", "--quantiles"], {"by": ["channel"], "quantiles": True}),
    "time_keys": (["--by", "peak,hour,week", "--tz", "Europe/Berlin", "--threads", "3"],
                  {"by": "peak,hour,week", "tz": "Europe/Berlin", "threads": 3}),
}


@pytest.mark.parametrize("case", CASES)
def test_records_identical_to_cli(cli: Path, options_file: Path, case: str) -> None:
    cli_args, kwargs = CASES[case]
    cli_args = [os.fspath(options_file) if a == "@options" else a for a in cli_args]
    kwargs = {k: options_file if v == "@options" else v for k, v in kwargs.items()}

    proc = run_cli(cli, "kpis", "--input", CONTACTS, *cli_args)
    result = kpiscore.kpis(CONTACTS, **kwargs)

    expected = json.loads(proc.stdout)
    assert expected, "the CLI printed no groups"
    assert result.records == expected
    # Same key order, same number text: the JSON is byte-identical.
    assert [list(r) for r in result.records] == [list(r) for r in expected]
    assert result.to_json() == proc.stdout
    assert len(result) == len(expected)
    assert (result.rows_read, result.accepted, result.rejected) == (2000, 2000, 0)
    assert f"{result.rows_read} rows read, {result.accepted} accepted, 0 rejected" in proc.stderr


def test_options_dict_same_as_file(options_file: Path) -> None:
    doc = json.loads(options_file.read_text())
    before = json.loads(json.dumps(doc))
    from_dict = kpiscore.kpis(CONTACTS, by="team", options=doc, sl_threshold=10, tz="UTC")
    from_file = kpiscore.kpis(CONTACTS, by="team", options=str(options_file), sl_threshold=10,
                              tz="UTC")
    assert from_dict.records == from_file.records
    assert doc == before, "kpis() must not modify the caller's options dict"
    default = kpiscore.kpis(CONTACTS, by="team")
    assert [r["service_level"] for r in from_dict] != [r["service_level"] for r in default]


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_other_formats_identical_to_cli(cli: Path, fmt: str) -> None:
    proc = run_cli(cli, "kpis", "--input", CONTACTS, "--by", "team,day", "--tz", "Asia/Shanghai",
                   "--format", fmt)
    result = kpiscore.kpis(CONTACTS, by=["team", "day"], tz="Asia/Shanghai")
    text = result.to_csv() if fmt == "csv" else result.to_table()
    assert text == proc.stdout
    assert result.rows_read == 2000


def test_bad_options_key_is_value_error_with_cli_message(cli: Path, tmp_path: Path) -> None:
    message = ("options /service_level/treshold_s: unknown key (expected one of: threshold_s, "
               "threshold_s_by_channel, threshold_s_by_queue, comparison, short_abandon_s, "
               "abandons)")
    bad = {"service_level": {"treshold_s": 30}}
    with pytest.raises(ValueError) as excinfo:
        kpiscore.kpis(CONTACTS, by="team", options=bad)
    assert str(excinfo.value) == message

    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    proc = run_cli(cli, "kpis", "--input", CONTACTS, "--options", path, ok=False)
    assert proc.returncode == 1
    assert proc.stderr == f"kpiscore: {message}\n"


def test_bad_group_key_is_value_error_with_cli_message(cli: Path) -> None:
    with pytest.raises(ValueError) as excinfo:
        kpiscore.kpis(CONTACTS, by="team,nosuch")
    proc = run_cli(cli, "kpis", "--input", CONTACTS, "--by", "team,nosuch", ok=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == f"kpiscore: {excinfo.value}"

    with pytest.raises(ValueError, match="empty group key name"):
        kpiscore.kpis(CONTACTS, by="team,,day")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="sl_threshold"):
        kpiscore.kpis(CONTACTS, sl_threshold=-1)
    with pytest.raises(ValueError, match="format"):
        _core.aggregate(_core.read_csv(str(CONTACTS), "{}"), [], "{}").finalize().render("xml")
    with pytest.raises(ValueError, match="options /timezone"):
        kpiscore.kpis(CONTACTS, tz="Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="not valid JSON"):
        _core.read_csv(str(CONTACTS), "{")


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    with pytest.raises(kpiscore.InputError, match="cannot open") as excinfo:
        kpiscore.kpis(missing)
    assert isinstance(excinfo.value, OSError)


BAD_CSV = """\
contact_id,arrived_at,direction,team,answered,wait_s,talk_s
C1,2026-03-02T09:00:00Z,inbound,T1,1,12.5,300
C2,2026-03-02T09:05:00Z,inbound,T1,maybe,3,100
C3,2026-03-02T10:00:00Z,inbound,T2,0,40,
"""


def test_rejects_are_reported(cli: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "contacts.csv"
    csv_path.write_text(BAD_CSV)
    result = kpiscore.kpis(csv_path, by="team")
    assert (result.rows_read, result.accepted, result.rejected) == (3, 2, 1)
    assert len(result.rejects) == 1
    reject = result.rejects[0]
    assert (reject.line, reject.field) == (3, "answered")
    assert reject.reason
    assert reject == (reject.line, reject.field, reject.reason)
    assert "rejected=1" in repr(result)

    rejects_path = tmp_path / "rejects.csv"
    proc = run_cli(cli, "kpis", "--input", csv_path, "--by", "team", "--rejects", rejects_path)
    assert "3 rows read, 2 accepted, 1 rejected" in proc.stderr
    assert result.records == json.loads(proc.stdout)
    cli_rejects = rejects_path.read_text().splitlines()
    assert cli_rejects[0] == "line,field,reason"
    assert len(cli_rejects) == 2
    assert cli_rejects[1].startswith("3,answered,")


def test_to_pandas_nulls_and_dtypes(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    csv_path = tmp_path / "contacts.csv"
    csv_path.write_text(BAD_CSV)
    result = kpiscore.kpis(csv_path, by="team")
    df = result.to_pandas()
    assert list(df.columns) == list(result.records[0])
    assert len(df) == 2
    assert df["team"].dtype == "string"
    assert df["offered"].dtype == "Int64"
    assert df["asa_s"].dtype == "Float64"
    assert df.loc[0, "asa_s"] == 12.5
    assert df.loc[1, "asa_s"] is pd.NA
    assert df["csat_mean"].isna().all()

    full = kpiscore.kpis(CONTACTS, by="agent_id,month", quantiles=True).to_pandas()
    assert list(full.columns)[-1] == "handle_p90_s"
    assert full["offered"].sum() == kpiscore.kpis(CONTACTS).records[0]["offered"]


def test_version() -> None:
    assert kpiscore.__version__ == _core.version == importlib.metadata.version("kpiscore")


def test_version_matches_cli(cli: Path) -> None:
    assert run_cli(cli, "--version").stdout.strip() == f"kpiscore {kpiscore.__version__}"


def test_threads_share_nothing() -> None:
    """The GIL is released around read + aggregate: concurrent calls give the same result."""
    from concurrent.futures import ThreadPoolExecutor

    expected = kpiscore.kpis(CONTACTS, by="agent_id,day", tz="Asia/Shanghai").to_json()
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(lambda _: kpiscore.kpis(CONTACTS, by="agent_id,day",
                                                      tz="Asia/Shanghai", threads=1).to_json(),
                              range(8)))
    assert texts == [expected] * 8
