#!/usr/bin/env bash
# The main job on its embedded default example: the margin engine evaluates the
# example account (core/api/examples/default.json) natively and as WebAssembly under
# Node, prints the result as a table, and shows the two JSON responses are
# byte-identical. Then the number model's demo operations on the Solidity twin
# (EVM), against the native results.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

build() {  # preset
  cmake --preset "$1" -DMARGIN_BUILD_TESTS=OFF -DMARGIN_BUILD_BENCH=OFF >/dev/null
  cmake --build --preset "$1" --target margin fpcalc >/dev/null
}
build native
build wasm

mkdir -p build/demo
build/native/bin/margin example > build/demo/example.json
build/native/bin/margin explain build/demo/example.json
echo
build/native/bin/margin compute build/demo/example.json > build/demo/native.json
node build/wasm/bin/margin.js compute build/demo/example.json > build/demo/wasm.json
if cmp -s build/demo/native.json build/demo/wasm.json; then
  echo "margin compute: native and WebAssembly responses are byte-identical ($(sha256sum < build/demo/native.json | cut -c1-16)); full JSON in build/demo/native.json"
else
  diff build/demo/native.json build/demo/wasm.json || true
  echo "margin compute: native and WebAssembly responses DIFFER"; exit 1
fi

# Risk-based margin on the same account: 99% Expected Shortfall over 2 days by historical
# simulation on the shipped SYNTHETIC price history (docs/risk.md), natively and in WebAssembly.
build/native/bin/margin var build/demo/example.json --synthetic --compact > build/demo/risk-native.json
node build/wasm/bin/margin.js var build/demo/example.json --synthetic --compact > build/demo/risk-wasm.json
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['risk']; print(f\"margin var (historical, 99%, 2 days, {r['scenarios']} scenarios of a synthetic history): VaR {float(r['var']):,.2f}  ES {float(r['es']):,.2f}\")" build/demo/risk-native.json
if cmp -s build/demo/risk-native.json build/demo/risk-wasm.json; then
  echo "margin var: native and WebAssembly responses are byte-identical ($(grep -o '"pnl_hash":"0x[0-9a-f]*' build/demo/risk-native.json | cut -c13-28)...)"
else
  echo "margin var: native and WebAssembly responses DIFFER"; exit 1
fi

# The number model's demo operations: native vs WebAssembly vs the Solidity twin on the EVM.
native=$(build/native/bin/fpcalc demo)
wasm=$(node build/wasm/bin/fpcalc.js demo)
[ "$native" == "$wasm" ] || { echo "fpcalc demo: native and WebAssembly DIFFER"; exit 1; }
build/native/bin/fpcalc demo-vectors > build/demo/vectors.jsonl
build/native/bin/fpcalc vectors build/demo/vectors.jsonl build/demo/expected.jsonl 2>/dev/null
node contracts-interface/harness/parity.js build/demo/expected.jsonl | tail -1 | sed 's/^evm parity/number model on the EVM (Solidity twin)/'
