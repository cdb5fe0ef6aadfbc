#!/usr/bin/env bash
# Every test, C++ and Python, on a fresh machine: set-up, g++ build with warnings as errors,
# clang-16 ASan+UBSan build with the libFuzzer target, the Python package, pytest.
# Each stage is timed. FUZZ_SECONDS (default 60) caps the fuzzer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs=$(nproc)
stage() { echo; echo "== $1 ($(date +%T))"; stage_start=$SECONDS; }
done_stage() { echo "-- took $((SECONDS - stage_start)) s"; }

stage "set-up"
bash scripts/setup.sh
export PATH="$root/.venv/bin:$PATH"
done_stage

stage "g++ release build (-Wall -Wextra -Wpedantic -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKPISCORE_WARNINGS_AS_ERRORS=ON \
  -DCMAKE_CXX_COMPILER=g++ -DCMAKE_POLICY_VERSION_MINIMUM=3.5 >/dev/null
cmake --build build -j "$jobs"
done_stage

stage "ctest (g++)"
(cd build && ctest --output-on-failure -j "$jobs")
done_stage

stage "clang++-16 ASan+UBSan build with the fuzz target"
cmake -S . -B build-clang -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-16 \
  -DKPISCORE_SANITIZE=ON -DKPISCORE_BUILD_FUZZERS=ON -DKPISCORE_BUILD_BENCHMARKS=OFF \
  -DKPISCORE_WARNINGS_AS_ERRORS=ON -DCMAKE_POLICY_VERSION_MINIMUM=3.5 >/dev/null
cmake --build build-clang -j "$jobs"
done_stage

stage "ctest (ASan+UBSan)"
(cd build-clang && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$jobs")
done_stage

stage "libFuzzer: every fuzz target for ${FUZZ_SECONDS:-60} s, two at a time"
# Seeds: fuzz/corpus-<name>/ when it exists, else fuzz/corpus/ (the CSV readers); the mapping
# reader also starts from the vendor-export fixtures.
fuzz_names=()
fuzz_pids=()
fuzz_failed=0
report_fuzzer() { # name status
  if (( $2 != 0 )); then
    echo "$1 FAILED (exit $2):"; tail -n 40 "build-clang/$1.log"; fuzz_failed=1
  else
    echo "$1: $(grep -E 'stat::number_of_executed_units' "build-clang/$1.log" | tail -n 1)"
  fi
}
wait_fuzzers() {
  for i in "${!fuzz_pids[@]}"; do
    status=0; wait "${fuzz_pids[$i]}" || status=$?
    report_fuzzer "${fuzz_names[$i]}" "$status"
  done
  fuzz_names=(); fuzz_pids=()
}
for fuzzer in build-clang/fuzz/*_fuzz; do
  name=$(basename "$fuzzer")
  corpus="build-clang/fuzz-corpus-$name"
  mkdir -p "$corpus"
  if [[ -d "fuzz/corpus-$name" ]]; then cp -r "fuzz/corpus-$name/." "$corpus/"; else cp fuzz/corpus/* "$corpus/"; fi
  if [[ "$name" == mapping_reader_fuzz ]]; then cp tests/fixtures/exports/*.csv tests/fixtures/exports/*.tsv "$corpus/"; fi
  "$fuzzer" -max_total_time="${FUZZ_SECONDS:-60}" -print_final_stats=1 -artifact_prefix="build-clang/$name-" \
    "$corpus" >"build-clang/$name.log" 2>&1 &
  fuzz_pids+=($!)
  fuzz_names+=("$name")
  if (( ${#fuzz_pids[@]} == 2 )); then wait_fuzzers; fi
done
wait_fuzzers
((fuzz_failed == 0))
done_stage

stage "Python package (one wheel, pip install)"
rm -rf build/wheel
python -m pip wheel -q --disable-pip-version-check --no-build-isolation --no-deps -w build/wheel .
python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps build/wheel/kpiscore-*.whl
done_stage

stage "numpy 1.x: the same wheel under numpy 1.26 and pandas 2.2"
# The package supports numpy 1.x and 2.x (pybind11 uses numpy's runtime API only): the wheel just
# built runs the tests that need no optional package in a second venv pinned to numpy 1.26.
np1="$root/.venv-numpy1"
[[ -x "$np1/bin/python" ]] || python3 -m venv "$np1"
"$np1/bin/python" -m pip install -q --disable-pip-version-check -c scripts/constraints-numpy1.txt \
  numpy pandas pytest hypothesis
"$np1/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps build/wheel/kpiscore-*.whl
(cd tests/python && KPISCORE_CLI="$root/build/kpiscore" HYPOTHESIS_PROFILE=ci "$np1/bin/python" -m pytest -q \
  -p no:cacheprovider test_inputs.py test_kpis_cli.py test_rules.py test_sample.py test_scoring.py test_state.py)
done_stage

stage "pytest"
KPISCORE_CLI="$root/build/kpiscore" HYPOTHESIS_PROFILE=ci python -m pytest tests/python -q -p no:cacheprovider
done_stage

echo
echo "All tests passed."
