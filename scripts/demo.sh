#!/usr/bin/env bash
# The main job: the bundled sample contacts and QA evaluations scored with the manuals' scorecard
# (a table per team and the trace of the weakest team), then the contacts through the KPI engine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh --cpp-only
export PATH="$root/.venv/bin:$PATH"
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_POLICY_VERSION_MINIMUM=3.5 >/dev/null
fi
cmake --build build --target kpiscore_cli >/dev/null
echo "== Scorecard per team (examples/scorecards/default.json; contacts + QA evaluations on examples/forms/handbook_form.json) =="
./build/kpiscore score --spec examples/scorecards/default.json --form examples/forms/handbook_form.json \
  --input examples/data/contacts.csv --evaluations examples/data/evaluations.csv \
  --by team --tz Asia/Shanghai --format table --trace weakest
echo
echo "== Scorecard per agent (overall, dimensions and indicator scores) =="
./build/kpiscore score --spec examples/scorecards/default.json --form examples/forms/handbook_form.json \
  --input examples/data/contacts.csv --evaluations examples/data/evaluations.csv \
  --by agent_id --tz Asia/Shanghai --format table --trace none
echo
echo "== KPIs per team (examples/data/contacts.csv, Asia/Shanghai) =="
./build/kpiscore kpis --input examples/data/contacts.csv --by team --tz Asia/Shanghai --format table
echo
echo "== KPIs per channel, peak vs off-peak, with wait and handle-time percentiles =="
./build/kpiscore kpis --input examples/data/contacts.csv --by channel,peak --tz Asia/Shanghai \
  --quantiles --format table
echo
echo "== The arithmetic behind one agent's March score (kpiscore explain; the manuals' scorecard in the rules language, examples/scorecards/manual.kpi) =="
./build/kpiscore explain --spec examples/scorecards/manual.kpi --input examples/data/contacts.csv \
  --by agent_id,month --tz Asia/Shanghai --group agent_id=A0004,month=2026-03
