#!/usr/bin/env bash
# All tests: lint, format and JS-import checks, then native (GCC and Clang) and
# WebAssembly builds with warnings as errors, their unit/accuracy tests, the
# installed CMake package used by a consumer project, the cross-target parity
# corpora (number model and JSON API) compared byte for byte, the npm package and
# the browser page, and the Solidity twin on the EVM: parity on every sixth numeric
# vector of the corpus, Black-76 included (the full corpus:
# contracts-interface/README.md), the check that deliberate rounding changes are
# caught, keccak256 and the ABI codec against the EVM's, and the portfolio model in
# Solidity against the native engine on 1,000 accounts (with the engine's input
# hash), the clearing house contract, and the keeper and replay against it (on anvil);
# and an ASan+UBSan build's unit tests, API corpus and bounded libFuzzer runs.
# (The Clang leg of the parity corpora is the ASan+UBSan build.)
# Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
jobs=$(nproc)

passed=0; failed=0; failures=()
step() {  # name command...
  local name="$1"; shift
  local start=$SECONDS
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
  echo "-- $((SECONDS - start)) s"  # per-step durations, to keep the whole run well under CI's limit
}
build() {  # preset: configure and build; on failure the log's last lines (the compiler's errors)
  # Benchmarks are not built here (~45 s of CPU): scripts/bench.sh builds and runs them.
  # The GCC build requires margin-serve's NATS scale-out (its test starts a nats-server).
  local bench=OFF nats=AUTO; [ "$1" = native ] && nats=ON
  { cmake --preset "$1" -DMARGIN_BUILD_TESTS=ON -DMARGIN_BUILD_BENCH=$bench -DMARGIN_NATS=$nats && cmake --build --preset "$1" -j "$jobs"; } >build/"$1".log 2>&1 ||
    { grep -E "error|FAILED" build/"$1".log | head -40; tail -20 build/"$1".log; return 1; }
}
mkdir -p build

step "lint: no floating point in fixedpoint/ core/" sh scripts/lint-no-float.sh
step "format: the C++ tree matches .clang-format" bash scripts/format.sh --check
step "js imports: every bare import in the harnesses and wasm/ is declared in its package.json" bash scripts/check-js-imports.sh
for preset in native wasm; do
  step "build $preset (-Werror)" build "$preset"
  step "ctest $preset" ctest --preset "$preset" -j "$jobs"
done
# One Clang build serves three purposes: sanitizers, fuzzing and the Clang leg of every parity
# corpus (a separate optimised Clang build cost ~3.5 minutes and proved nothing more).
step "sanitizers: ASan+UBSan build (Clang 14): unit tests, CLI, each libFuzzer target's corpus and a bounded fuzz run" \
  tests/fuzz/asan_step.sh
step "install: find_package(margin CONFIG) from an install prefix, a consumer project builds and runs" bash tests/install/run.sh build/native
step "parity: native (GCC) vs WebAssembly (Node) vs Clang (the ASan+UBSan build)" \
  tests/parity/run.sh build/parity build/native/bin/fpcalc \
  wasm="node build/wasm/bin/fpcalc.js" clang-asan=build/asan/bin/fpcalc
step "api parity: margin JSON API, native (GCC) vs WebAssembly (Node) vs Clang (the ASan+UBSan build)" \
  tests/core/api_parity.sh build/api-parity build/native/bin/margin \
  wasm="node build/wasm/bin/margin.js" clang-asan=build/asan/bin/margin
step "backtest parity: margin backtest (every model, two portfolios, real history) byte-identical from GCC, WebAssembly and Clang" \
  tests/backtest/parity.sh ../shared/data/prices build/backtest-parity build/native/bin/margin \
  wasm="node build/wasm/bin/margin.js" clang-asan=build/asan/bin/margin
step "dynamic parity: margin dynamic (series, document, comparison) and margin param-impact byte-identical from GCC, WebAssembly and Clang" \
  tests/dynamic/parity.sh ../shared/data/prices build/dynamic-parity build/native/bin/margin \
  wasm="node build/wasm/bin/margin.js" clang-asan=build/asan/bin/margin
step "npm package: Node parity with the native CLI, npm pack smoke test, types" \
  wasm/test/run.sh build/wasm/npm build/native/bin/margin build/api-parity
step "browser: the preview page in Chromium, corpus parity and the UI against the native CLI; the backtest, stress-book and cascade reports (a run, a Monte Carlo, a comparison) (screenshots in build/browser)" \
  env MARGIN_WWW=build/wasm/www MARGIN_NATIVE=build/native/bin/margin MARGIN_CORPUS=build/api-parity MARGIN_OUT=build/browser \
  node --test --test-reporter=spec wasm/test/test_browser.mjs wasm/test/test_backtest_report.mjs wasm/test/test_stress_book_report.mjs \
    wasm/test/test_cascade_report.mjs wasm/test/test_cascade_mc_report.mjs \
    wasm/test/test_cascade_compare_report.mjs
step "pmrm2 conformance: native and WebAssembly outputs identical" \
  sh -c 'build/native/bin/pmrm2_conformance --verbose ../shared/conformance/derive-pmrm2 > build/pmrm2.native.txt &&
         node build/wasm/bin/pmrm2_conformance.js --verbose ../shared/conformance/derive-pmrm2 > build/pmrm2.wasm.txt &&
         cmp build/pmrm2.native.txt build/pmrm2.wasm.txt && tail -1 build/pmrm2.native.txt'
step "schema: core/api/schema/api-v1.schema.json agrees with the engine on the api parity corpus" \
  python3 tests/core/test_schema.py build/native/bin/margin build/api-parity/requests.jsonl build/api-parity/expected.jsonl \
    build/api-parity/cascade-requests.jsonl build/api-parity/cascade-expected.jsonl
step "evm parity: Solidity twin vs native, every 8th numeric vector (at least 137 of each of the 25 operations)" \
  node contracts-interface/harness/parity.js build/parity/expected.jsonl --every 8
step "evm parity bites: deliberate rounding changes are caught (every 240th vector per change)" \
  node contracts-interface/harness/parity.js build/parity/expected.jsonl --every 240 --mutate
step "keccak256: C++ (native and WebAssembly) vs the EVM's KECCAK256 and @noble/hashes" \
  node contracts-interface/harness/keccak.js build/native/bin/keccak_vectors "node build/wasm/bin/keccak_vectors.js"
step "abi: C++ ABI codec (native and WebAssembly) vs Solidity's abi.encode and decoder, random and corrupted encodings" \
  node contracts-interface/harness/abi.js build/native/bin/abi_vectors "node build/wasm/bin/abi_vectors.js"
step "portfolio differential: 1,000 accounts, PortfolioMargin.sol on anvil vs the native engine, MarginEngine's and GridEngine's calldata decoder vs solc's encoder; 7 deliberate changes caught" \
  node contracts-interface/harness/portfolio.js build/native/bin/margin --accounts 1000 --mutate --out build/portfolio-diff
step "clearing house: MarginAccounts on anvil, security, engine differential, liquidations, the mark cache audited from logs, invariants over timelocked parameter, limit, listing and insurance changes crossing expiries" \
  node contracts-interface/harness/accounts.js build/native/bin/margin --traders 40 --steps 150
step "cascade proof: margin cascade's house mode equals MarginAccounts on anvil step for step, bit for bit (24 accounts, 6 pushes raising the vols and 3 rounds, 30 liquidations, insurance, socialised loss, shortfalls after the first push, liquidators refused for IM; without the pushes' vols it differs); liquidateWithin (max_fraction, PriceLimit) beside it; the fraction rounded FLOOR caught" \
  node contracts-interface/harness/cascade.js build/native/bin/margin --mutate
step "guards: parameter bounds at every boundary on anvil, oracle deviation per unit of time, reward cap, liquidator's fraction and price limit; signed orders, timelock (listings and insurance payouts too), step limits from the table, roles, a trade closing a series below IM, the legs cap at its worst (trade, liquidation, withdrawal) below the 30 M block gas limit, a high-s mutation caught" \
  node contracts-interface/harness/guards.js build/native/bin/margin
step "expiry: options carried past two expiries on anvil, settled, traded and withdrawn after, settlement replayed bit for bit (native and WebAssembly)" \
  node contracts-interface/harness/expiry.js build/native/bin/margin --wasm "node build/wasm/bin/margin.js"
step "keeper: margin-keeper on anvil end to end, replay (native over RPC, WebAssembly from bundles), front-running, node restart" \
  node contracts-interface/harness/keeper.js build/native/bin/margin build/native/bin/margin-keeper --wasm "node build/wasm/bin/margin.js" --serve build/native/bin/margin-serve
step "serve-chain: margin-serve --follow-chain on anvil: the book loaded from the house, a push a tick, a trade a re-read, a reorg undone, a reorg of a push refused and caught up at the next push, figures equal margin compute's on the house's books (about 6-12 s)" \
  node contracts-interface/harness/serve-chain.js build/native/bin/margin build/native/bin/margin-serve

step "expected outputs: numeric parity, API, input hash, PMRM_2 and portfolio differential outputs equal their pinned SHA-256" \
  tests/check_expected.sh build

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
