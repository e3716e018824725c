#!/usr/bin/env bash
# Benchmarks (figures, not tests): ns/op natively and in WebAssembly, with the
# double-precision baseline, as one markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
for p in native wasm; do
  cmake --preset "$p" -DMARGIN_BUILD_BENCH=ON >/dev/null
  cmake --build --preset "$p" --target bench_fixedpoint >/dev/null
done
native=$(build/native/bin/bench_fixedpoint --json)
wasm=$(node build/wasm/bin/bench_fixedpoint.js --json)
python3 - "$native" "$wasm" <<'PY'
import json, sys
n = {r["op"]: r for r in json.loads(sys.argv[1])}
w = {r["op"]: r for r in json.loads(sys.argv[2])}
print("| op | inputs | native ns/op | double ns/op | native / double | wasm ns/op | wasm double ns/op | wasm / native |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for op, r in n.items():
    print(f"| {op} | {r['domain']} | {r['fixed_ns']:.1f} | {r['double_ns']:.1f} | {r['fixed_ns']/r['double_ns']:.1f}x "
          f"| {w[op]['fixed_ns']:.1f} | {w[op]['double_ns']:.1f} | {w[op]['fixed_ns']/r['fixed_ns']:.2f}x |")
PY
