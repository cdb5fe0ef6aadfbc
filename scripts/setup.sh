#!/usr/bin/env bash
# Idempotent set-up of a fresh Debian bookworm machine: installs only what is missing.
#   scripts/setup.sh [--cpp-only]
# Debian packages with apt-get (root), Python packages into .venv with pins from
# scripts/constraints.txt. Nothing else is downloaded, at set-up or at build time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cpp_only=0
[[ "${1:-}" == "--cpp-only" ]] && cpp_only=1

packages=(g++ libeigen3-dev libboost-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev
          libhowardhinnant-date-dev tzdata ninja-build clang-16 libclang-rt-16-dev libmuparser-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

venv="$root/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
want=(cmake ninja)
# Build and test; then the test-only references (statsmodels, scipy), the engines the comparisons
# run against (duckdb, polars, pyarrow), the distributed engines (dask, distributed, pyspark) and
# the notebook runner (nbclient, ipykernel, matplotlib).
((cpp_only)) || want+=(pybind11 scikit-build-core numpy pandas pytest hypothesis mpmath duckdb
  polars pyarrow scipy statsmodels dask distributed pyspark nbclient nbformat ipykernel matplotlib tqdm)
need=()
for p in "${want[@]}"; do
  "$venv/bin/python" -m pip show -q "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  echo "setup: pip installing ${need[*]}"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$root/scripts/constraints.txt" "${need[@]}"
fi
