#!/usr/bin/env bash
# The npm package's tests: the Node API tests (parity with the native CLI on the
# API corpus, scenario and trade preview, typed errors), then `npm pack`, an
# offline install of the tarball into an empty folder, a smoke test there, and
# the declarations checked by tsc against a usage file.
#
#   wasm/test/run.sh PACKAGE_DIR NATIVE_MARGIN CORPUS_DIR
#   e.g. wasm/test/run.sh build/wasm/npm build/native/bin/margin build/api-parity
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkg="$(cd "$1" && pwd)"; native="$(realpath "$2")"; corpus="$(cd "$3" && pwd)"

MARGIN_PACKAGE="$pkg" MARGIN_NATIVE="$native" MARGIN_CORPUS="$corpus" node --test --test-reporter=spec "$here/test_api.mjs"

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
tarball="$(cd "$pkg" && npm pack --silent --pack-destination "$work" | tail -1)"
mkdir "$work/app" && cd "$work/app"
printf '{ "name": "smoke", "private": true, "type": "module" }\n' > package.json
npm install --offline --no-audit --no-fund --silent "$work/$tarball"
node --input-type=module -e "
import { computeMarginText, shippedDocument } from 'margin-engine';
process.stdout.write(computeMarginText(shippedDocument('example')) + '\n');" > wasm.json
"$native" example > example.json
"$native" compute --compact example.json > native.json
cmp native.json wasm.json
echo "npm pack: $tarball ($(wc -c < "$work/$tarball") bytes) installs offline into an empty folder; its response to the example equals the native CLI's"
cp "$here/usage.ts" "$here/tsconfig.json" .
"$here/node_modules/.bin/tsc" -p tsconfig.json
echo "types: index.d.ts checks against usage.ts (tsc --noEmit, strict, with expected errors)"
