#!/usr/bin/env bash
# The main job on its embedded default example: the margin engine evaluates the
# example account (core/api/examples/default.json) under the standard, pmrm2, span16 and es
# models side by side, explains the pmrm2 figures, and shows the native and WebAssembly (Node)
# JSON responses are byte-identical. Then the number model's demo operations on the Solidity twin
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
# The example account under the standard model and the risk-based ones side by side (es on the
# shipped synthetic history), then the scenario model's figures explained.
build/native/bin/margin compare build/demo/example.json --models standard,pmrm2,span16,es --synthetic
echo
build/native/bin/margin explain build/demo/example.json --model pmrm2
echo
for model in standard pmrm2; do
  build/native/bin/margin compute build/demo/example.json --model $model > build/demo/native-$model.json
  node build/wasm/bin/margin.js compute build/demo/example.json --model $model > build/demo/wasm-$model.json
  if cmp -s build/demo/native-$model.json build/demo/wasm-$model.json; then
    echo "margin compute --model $model: native and WebAssembly responses are byte-identical ($(sha256sum < build/demo/native-$model.json | cut -c1-16)); full JSON in build/demo/native-$model.json"
  else
    diff build/demo/native-$model.json build/demo/wasm-$model.json || true
    echo "margin compute --model $model: native and WebAssembly responses DIFFER"; exit 1
  fi
done

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
