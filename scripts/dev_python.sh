#!/usr/bin/env bash
# Developer loop for the Python package without `pip install`: builds kpiscore._core in BUILD_DIR
# (default build-py) and links it into python/kpiscore, so `PYTHONPATH=python pytest tests/python`
# runs against the working tree.   scripts/dev_python.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-py}"
python="${PYTHON:-$root/.venv/bin/python}"
[[ -x "$python" ]] || python=/work/main/.venv/bin/python
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKPISCORE_BUILD_PYTHON=ON \
  -DKPISCORE_BUILD_TESTS=OFF -DKPISCORE_BUILD_BENCHMARKS=OFF -DKPISCORE_BUILD_EXAMPLES=OFF \
  -DPython_EXECUTABLE="$python" -DCMAKE_POLICY_VERSION_MINIMUM=3.5 "${launcher[@]}" >/dev/null
cmake --build "$build" --target _core
ln -sf "$(ls "$build"/python/_core*.so)" "$root/python/kpiscore/"
echo "linked $(ls "$build"/python/_core*.so) into python/kpiscore; run: PYTHONPATH=$root/python $python -m pytest tests/python"
