#!/usr/bin/env bash
# The sanitized build's step of the test command (scripts/test.sh): the "asan" preset
# (Clang 14, ASan+UBSan, -O1; only the unit tests, the CLI and the libFuzzer targets) is
# built, its ctest run (core, ABI, bridge and chain unit tests, the CLI test, each fuzz
# target's committed corpus), the API corpus answered by the sanitized CLI compared byte for
# byte with the native build's answers, and each fuzz target fuzzed for FUZZ_SECONDS (8).
#
#   tests/fuzz/asan_step.sh [API_PARITY_DIR]    (default build/api-parity, from the api parity step)
set -uo pipefail
cd "$(dirname "$0")/../.."
jobs=$(nproc)
parity="${1:-build/api-parity}"
mkdir -p build
start=$SECONDS
if ! { cmake --preset asan && cmake --build --preset asan -j "$jobs"; } > build/asan.log 2>&1; then
  grep -E "error|FAILED" build/asan.log | head -40; tail -20 build/asan.log; exit 1
fi
echo "asan: built in $((SECONDS - start)) s"
status=0
ctest --preset asan -j "$jobs" || status=1
# The API corpus: the same answers, byte for byte, with the sanitizers watching.
if [ -f "$parity/requests.jsonl" ] && [ -f "$parity/expected.jsonl" ]; then
  if build/asan/bin/margin batch "$parity/requests.jsonl" build/asan/api.jsonl &&
     cmp "$parity/expected.jsonl" build/asan/api.jsonl &&
     build/asan/bin/margin batch "$parity/requests.jsonl" build/asan/api-hash.jsonl --input-hash 5 &&
     cmp "$parity/expected-hash.jsonl" build/asan/api-hash.jsonl; then
    echo "asan: API corpus ($(wc -l < "$parity/requests.jsonl") requests, responses and input hashes) identical to the native build's"
  else
    echo "asan: the API corpus FAILED under the sanitizers"; status=1
  fi
else
  echo "asan: no API corpus at $parity (run the api parity step first)"; status=1
fi
tests/fuzz/run.sh build/asan "${FUZZ_SECONDS:-8}" || status=1
echo "asan: $((SECONDS - start)) s in all"
exit $status
