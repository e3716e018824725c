#!/usr/bin/env bash
# The main job on its embedded default example: evaluate the number model's
# demo operations natively, as WebAssembly under Node and with the Solidity
# twin on an in-process EVM, and show that all three agree.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

build() {  # preset
  cmake --preset "$1" -DMARGIN_BUILD_TESTS=OFF -DMARGIN_BUILD_BENCH=OFF >/dev/null
  cmake --build --preset "$1" --target fpcalc >/dev/null
}
build native
build wasm

native=$(build/native/bin/fpcalc demo)
wasm=$(node build/wasm/bin/fpcalc.js demo)
echo "$native"
echo
if [ "$native" == "$wasm" ]; then
  echo "native and WebAssembly outputs are byte-identical ($(printf '%s' "$native" | sha256sum | cut -c1-16))"
else
  diff <(echo "$native") <(echo "$wasm") || true
  echo "native and WebAssembly outputs DIFFER"; exit 1
fi

# The same operations on the EVM: every value, and every error as a revert.
mkdir -p build/demo
build/native/bin/fpcalc demo-vectors > build/demo/vectors.jsonl
build/native/bin/fpcalc vectors build/demo/vectors.jsonl build/demo/expected.jsonl 2>/dev/null
node contracts-interface/harness/parity.js build/demo/expected.jsonl | tail -1 | sed 's/^evm parity/EVM (Solidity twin)/'
