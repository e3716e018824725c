#!/usr/bin/env bash
# The sanitized build's step of the test command (scripts/test.sh): the "asan" preset
# (Clang 14, ASan+UBSan, -O1; the unit tests, the two CLIs and the libFuzzer targets) is
# built, its ctest run (number model, core, ABI, bridge and chain unit tests,
# the CLI tests, each fuzz target's committed corpus), and
# each fuzz target fuzzed for FUZZ_SECONDS (5; the 20-minute campaigns are in the note). The same build's `margin` and `fpcalc` are the
# Clang leg of the parity and API parity steps, which compare every answer byte for byte with
# the GCC build's (scripts/test.sh).
#
#   tests/fuzz/asan_step.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
jobs=$(nproc)
mkdir -p build
start=$SECONDS
if ! { cmake --preset asan && cmake --build --preset asan -j "$jobs"; } > build/asan.log 2>&1; then
  grep -E "error|FAILED" build/asan.log | head -40; tail -20 build/asan.log; exit 1
fi
echo "asan: built in $((SECONDS - start)) s"
status=0
ctest --preset asan -j "$jobs" || status=1
tests/fuzz/run.sh build/asan "${FUZZ_SECONDS:-5}" || status=1
echo "asan: $((SECONDS - start)) s in all"
exit $status
