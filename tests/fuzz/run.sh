#!/usr/bin/env bash
# Fuzzes each libFuzzer target (tests/fuzz/) for SECONDS, one after another on one core, from
# its committed seed corpus (tests/fuzz/corpus/<target>/, read only): new inputs go to
# BUILD/fuzz/corpus/<target>/, crashes to BUILD/fuzz/artifacts/<target>/. Prints one line per
# target with its executions; fails when a target finds a failing input.
#
#   tests/fuzz/run.sh BUILD SECONDS [TARGET...]     e.g. tests/fuzz/run.sh build/asan 10
#
# FUZZ_KEEP_GOING=1 keeps fuzzing past failing inputs (libFuzzer's fork mode), for campaigns.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1"; seconds="$2"; shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_request fuzz_trade fuzz_replay fuzz_abi fuzz_rpc)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
for t in "${targets[@]}"; do
  work="$build/fuzz/corpus/$t"; art="$build/fuzz/artifacts/$t"; log="$build/fuzz/$t.log"
  rm -rf "$art"; mkdir -p "$work" "$art"  # this run's failing inputs only
  extra=()
  [ -n "${FUZZ_KEEP_GOING:-}" ] && extra=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  "$build/bin/$t" "$work" "$here/corpus/$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
    -artifact_prefix="$art/" -print_final_stats=1 "${extra[@]}" > "$log" 2>&1
  rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
  [ -z "$execs" ] && execs=$(grep -oE 'execs: [0-9]+|#[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
  found=$(ls "$art" | wc -l)
  echo "$t: ${seconds} s, ${execs:-?} executions, corpus $(ls "$work" | wc -l) new inputs, $found failing inputs (exit $rc)"
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    status=1
    grep -E "fuzz property failed|ERROR: |runtime error|what\(\)|SUMMARY" "$log" | sort | uniq -c | head -20
  fi
done
exit $status
