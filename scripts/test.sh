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

stage "libFuzzer on the CSV reader and on the mapping reader (${FUZZ_SECONDS:-60} s in all)"
mkdir -p build-clang/fuzz-corpus build-clang/fuzz-corpus-mapping
cp fuzz/corpus/* build-clang/fuzz-corpus/ 2>/dev/null || true
cp fuzz/corpus/* tests/fixtures/exports/*.csv tests/fixtures/exports/*.tsv build-clang/fuzz-corpus-mapping/ 2>/dev/null || true
./build-clang/fuzz/csv_reader_fuzz -max_total_time="$(( ${FUZZ_SECONDS:-60} / 2 ))" -print_final_stats=1 \
  -artifact_prefix=build-clang/ \
  build-clang/fuzz-corpus 2>&1 | tail -n 12
./build-clang/fuzz/mapping_reader_fuzz -max_total_time="$(( ${FUZZ_SECONDS:-60} / 2 ))" -print_final_stats=1 \
  -artifact_prefix=build-clang/ \
  build-clang/fuzz-corpus-mapping 2>&1 | tail -n 12
done_stage

stage "Python package (pip install .)"
python -m pip install -q --disable-pip-version-check --no-build-isolation -c scripts/constraints.txt .
done_stage

stage "pytest"
KPISCORE_CLI="$root/build/kpiscore" HYPOTHESIS_PROFILE=ci python -m pytest tests/python -q -p no:cacheprovider
done_stage

echo
echo "All tests passed."
