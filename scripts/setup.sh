#!/usr/bin/env bash
# Install what the build and tests need, only what is missing; quiet unless it fails.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail

apt_packages=(
  cmake ninja-build g++ clang  # native toolchains (g++ and clang must both build)
  clang-format-14              # the C++ style check (scripts/format.sh, .clang-format)
  libclang-rt-14-dev           # libFuzzer and the sanitizers' runtimes (the asan preset; only recommended by clang-14)
  emscripten                   # WebAssembly toolchain (Debian 3.1.6)
  libboost-dev                 # Boost.Multiprecision (header-only)
  nlohmann-json3-dev catch2    # JSON, unit tests (Catch2 v2)
  libmpfr-dev libgmp-dev       # MPFR: the accuracy oracle in tests
  libcurl4-openssl-dev         # the keeper's and replay's JSON-RPC client (native)
  libsecp256k1-dev             # the keeper's local transaction signing (native)
  libcpp-httplib-dev libsqlite3-dev  # margin-serve: its HTTP server (header-only) and its book store (native)
  nats-server libnats-dev      # margin-serve's scale-out: the tick stream (JetStream) and its C client
  nodejs python3               # runs the wasm builds; corpus generator
  chromium                     # the preview page's browser tests (playwright-core drives it)
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Python modules: mpmath generates the constants (and the test that regenerates
# them); jsonschema checks the API schema against the engine.
# When the first python3 lacks one, Debian's /usr/bin/python3 gets them all.
if ! python3 -c "import mpmath, jsonschema" 2>/dev/null; then
  for m in mpmath jsonschema; do
    /usr/bin/python3 -c "import $m" 2>/dev/null || missing+=("python3-$m")
  done
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  log=$(mktemp)
  if ! { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log"; echo "setup: apt-get failed"; exit 1
  fi
  rm -f "$log"
fi
# Debian's python3-* modules land in /usr/bin/python3's path, which may not be the first python3.
if ! python3 -c "import mpmath, jsonschema" 2>/dev/null; then
  export PATH="/usr/bin:$PATH"
fi

# npm packages from committed lockfiles, each reinstalled only when its lockfile
# changed since the last install: the Solidity harness (solc, @ethereumjs/*) and
# the npm package's tests (typescript, playwright-core).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for npm_dir in "$root/contracts-interface" "$root/wasm/test"; do
  stamp="$npm_dir/node_modules/.lock-installed"
  if [ ! -f "$stamp" ] || ! cmp -s "$npm_dir/package-lock.json" "$stamp"; then
    echo "setup: npm ci in ${npm_dir#"$root"/}/"
    log=$(mktemp)
    if ! (cd "$npm_dir" && npm ci --no-audit --no-fund) >"$log" 2>&1; then
      cat "$log"; echo "setup: npm ci failed"; exit 1
    fi
    rm -f "$log"
    cp "$npm_dir/package-lock.json" "$stamp"
  fi
done

# Emscripten 3.1.6 on Node 20 needs Debian's acorn on NODE_PATH: without it, linking
# at -O1 and above fails with "Cannot find module 'acorn'".
export NODE_PATH=/usr/share/nodejs
