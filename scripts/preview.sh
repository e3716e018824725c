#!/usr/bin/env bash
# The browser margin preview page (wasm/www/README.md): builds the WebAssembly
# package and the page, then serves them on http://127.0.0.1:${PORT:-8080}/
# until interrupted. Everything runs in the page; nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cmake --preset wasm -DMARGIN_BUILD_TESTS=OFF -DMARGIN_BUILD_BENCH=OFF >/dev/null
cmake --build --preset wasm --target margin_www >/dev/null
exec node wasm/www/serve.mjs build/wasm/www "${PORT:-8080}"
