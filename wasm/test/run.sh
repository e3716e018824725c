#!/usr/bin/env bash
# The npm package's tests: the generated error-code union is current, the Node API
# tests (parity with the native CLI on the API corpus, scenario and trade preview,
# typed errors), then `npm pack`, an offline install of the tarball into an empty
# folder and, there: a smoke test, the packaged README's code blocks run and
# type-checked (tsc --strict, with usage.ts) against the installed declarations, its
# links resolved inside the package, bad inputs, bigint results, the CommonJS entry.
#
#   wasm/test/run.sh PACKAGE_DIR NATIVE_MARGIN CORPUS_DIR
#   e.g. wasm/test/run.sh build/wasm/npm build/native/bin/margin build/api-parity
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkg="$(cd "$1" && pwd)"; native="$(realpath "$2")"; corpus="$(cd "$3" && pwd)"

python3 "$here/../../scripts/gen-error-codes.py" --check
cmp "$here/../error-codes.d.ts" "$pkg/error-codes.d.ts" || { echo "$pkg/error-codes.d.ts is not wasm/error-codes.d.ts: rebuild the package"; exit 1; }

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
cp "$here/usage.ts" "$here/usage-cjs.cts" "$here/readme_blocks.mjs" "$here/test_package.mjs" .
blocks="$(node readme_blocks.mjs node_modules/margin-engine/README.md readme)"
echo "README (packaged): $blocks"
"$here/node_modules/.bin/tsc" -p readme/tsconfig.json
echo "types: the README's ts and js blocks, usage.ts and usage-cjs.cts check against the installed declarations (tsc, strict, checkJs; the expected errors)"
node out/usage-cjs.cjs > /dev/null
for b in $blocks; do
  [[ "$b" == block-* ]] || continue
  case "$b" in *.cjs) f="readme/$b" ;; *) f="out/readme/${b%.*}.mjs" ;; esac
  node "$f" > "readme/${b%.*}.out" || { echo "README block $b failed:"; cat "readme/$b"; exit 1; }
done
echo "README: every code block runs as written in the fresh project"
node --test --test-reporter=dot test_package.mjs
echo "package: bad inputs give error documents with the union's codes; bigint results, toWei/fromWei, scenario echo, require().load()"
