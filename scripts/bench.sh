#!/usr/bin/env bash
# Benchmarks (figures, not tests): natively and in WebAssembly, as markdown
# tables: ns/op of the number model against double, then the engine's
# Black-76 (against a double implementation) and microseconds per account. This machine kind is noisy
# (shared 2-core VMs), so native and wasm runs are interleaved RUNS times
# (default 3) and the table gives medians with the min-max range.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
runs="${RUNS:-3}"
for p in native wasm; do
  cmake --preset "$p" -DMARGIN_BUILD_BENCH=ON >/dev/null
  cmake --build --preset "$p" --target bench_fixedpoint bench_core bench_scenario >/dev/null
done
out=$(mktemp -d)
for i in $(seq "$runs"); do
  build/native/bin/bench_fixedpoint --json > "$out/native.$i.json"
  node build/wasm/bin/bench_fixedpoint.js --json > "$out/wasm.$i.json"
  build/native/bin/bench_core --json > "$out/core-native.$i.json"
  node build/wasm/bin/bench_core.js --json > "$out/core-wasm.$i.json"
  build/native/bin/bench_scenario --json > "$out/scenario-native.$i.json"
  node build/wasm/bin/bench_scenario.js --json > "$out/scenario-wasm.$i.json"
done
python3 - "$out" "$runs" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
def load(kind):
    rs = [{r["op"]: r for r in json.load(open(f"{out}/{kind}.{i}.json"))} for i in range(1, runs + 1)]
    return {op: ([r[op]["fixed_ns"] for r in rs], [r[op]["double_ns"] for r in rs], rs[0][op]["domain"]) for op in rs[0]}
n, w = load("native"), load("wasm")
med = statistics.median
rng = lambda v: f"{min(v):.0f}–{max(v):.0f}"
print(f"Median of {runs} interleaved runs (each itself the median of 5 timed loops), min–max in brackets.\n")
print("| op | inputs | native ns/op | native double | native / double | wasm ns/op | wasm / native |")
print("|---|---|---:|---:|---:|---:|---:|")
for op, (nf, nd, dom) in n.items():
    wf = w[op][0]
    print(f"| {op} | {dom.replace('+-', '±')} | {med(nf):.0f} ({rng(nf)}) | {med(nd):.1f} | {med(nf) / med(nd):.1f}× "
          f"| {med(wf):.0f} ({rng(wf)}) | {med(wf) / med(nf):.2f}× |")
print()
def load_core(kind):
    rs = [{r["op"]: r for r in json.load(open(f"{out}/core-{kind}.{i}.json")) + json.load(open(f"{out}/scenario-{kind}.{i}.json"))}
          for i in range(1, runs + 1)]
    return {op: ([r[op]["fixed_ns"] for r in rs], [r[op]["double_ns"] for r in rs], rs[0][op]["what"]) for op in rs[0]}
cn, cw = load_core("native"), load_core("wasm")
print("| engine | what | native | double | native / double | wasm | wasm / native |")
print("|---|---|---:|---:|---:|---:|---:|")
for op, (nf, nd, what) in cn.items():
    wf = cw[op][0]
    if med(nd) > 0:
        print(f"| {op} | {what} | {med(nf):.0f} ns | {med(nd):.0f} ns | {med(nf) / med(nd):.0f}× | {med(wf):.0f} ns | {med(wf) / med(nf):.2f}× |")
    else:
        print(f"| {op} | {what} | {med(nf) / 1000:.1f} µs | | | {med(wf) / 1000:.1f} µs | {med(wf) / med(nf):.2f}× |")
PY
rm -rf "$out"
