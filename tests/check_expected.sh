#!/usr/bin/env bash
# The corpora's expected outputs, pinned: the cross-target comparisons only prove that every
# build agrees, so a change that moved every target alike would pass them. These SHA-256s
# (tests/expected-outputs.sha256, paths under the build folder) were taken from the tree
# before the restructuring (7cd6b6f) and hold until a deliberate change updates them in the
# commit that makes it, saying why.
#
#   tests/check_expected.sh BUILD_DIR          (after the steps that write the outputs)
#   tests/check_expected.sh BUILD_DIR --print  (the current hashes, to update the file)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1"
if [ "${2:-}" = "--print" ]; then
  (cd "$build" && awk '{print $2}' "$here/expected-outputs.sha256" | xargs sha256sum)
  exit 0
fi
# The check must bite: a pinned file with one byte changed fails it.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
first=$(awk 'NR==1 {print $2}' "$here/expected-outputs.sha256")
mkdir -p "$tmp/$(dirname "$first")" && cp "$build/$first" "$tmp/$first" && printf 'x' >> "$tmp/$first"
if (cd "$tmp" && head -1 "$here/expected-outputs.sha256" | sha256sum -c --quiet - >/dev/null 2>&1); then
  echo "expected outputs: self-check FAILED (a changed file passed)"; exit 1
fi
if (cd "$build" && sha256sum -c "$here/expected-outputs.sha256"); then
  echo "expected outputs: $(wc -l < "$here/expected-outputs.sha256") files identical to the pinned hashes"
else
  echo "expected outputs: a pinned output changed. If the change is deliberate, update tests/expected-outputs.sha256"
  echo "in the same commit (tests/check_expected.sh $build --print) and say why in its message."
  exit 1
fi
