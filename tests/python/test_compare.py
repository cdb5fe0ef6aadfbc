"""benchmarks/compare.py at a tiny size: kpiscore, DuckDB, Polars and pandas must compute the same
KPIs (every service-level abandon treatment, with short abandons), the same per-agent scorecard
scores, stratified 15 % samples of the same strata, and read the same CSV records.
Only agreement is asserted; timings are not tests."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("kpiscore._core")
for module in ("duckdb", "polars", "pandas", "pyarrow"):
    pytest.importorskip(module)

ROOT = Path(__file__).resolve().parents[2]


def run_compare(tmp_path, *extra, env=None):
    env = dict(env or os.environ)
    # The kpiscore this test imported (the installed package in CI, python/ in a dev tree with
    # scripts/dev_python.sh), so the script never picks a source tree without its _core.
    import kpiscore

    package_root = str(Path(kpiscore.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([package_root, env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare.py"), "--tiny",
                           "--workdir", str(tmp_path), *extra],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=600)


def test_all_engines_agree_on_every_kpi_and_the_csv(tmp_path):
    proc = run_compare(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for treatment in ("against", "ignore", "for", "ignore_all"):
        assert f"agreement ({treatment}):" in proc.stdout
    assert "equal in kpiscore, duckdb, polars, pandas, kpiscore aggregate" in proc.stdout
    assert "scores: " in proc.stdout and "overall score equal within 1e-08 in kpiscore, duckdb, polars, pandas" in proc.stdout
    assert "sample: " in proc.stdout and "every engine within floor/ceil of 15 % per stratum" in proc.stdout
    assert "CSV: kpiscore, duckdb, polars, pandas read the same 3000 records" in proc.stdout


def test_a_disagreement_fails(tmp_path):
    # The check can fail: pandas given a service-level threshold of 19 s instead of 20 s (the
    # script's test hook KPISCORE_COMPARE_SKEW) must be reported, naming the engine and the KPI.
    env = dict(os.environ)
    env["KPISCORE_COMPARE_SKEW"] = "pandas"
    proc = run_compare(tmp_path, env=env)
    assert proc.returncode != 0
    assert "engines disagree" in proc.stderr
    assert "pandas: service_level differs" in proc.stderr
