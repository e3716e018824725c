#!/usr/bin/env bash
# Cross-target parity of the number model: one corpus evaluated by every build
# given, outputs compared byte for byte with the first (the reference).
#
#   tests/parity/run.sh OUTDIR REF_CMD [NAME=CMD ...]
#   e.g. tests/parity/run.sh build/parity "build/native/bin/fpcalc" \
#          wasm="node build/wasm/bin/fpcalc.js" clang="build/native-clang/bin/fpcalc"
#
# Environment: PARITY_COUNT (default 110000), PARITY_SEED (default 20261121).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"; ref_cmd="$2"; shift 2
mkdir -p "$out"
count="${PARITY_COUNT:-110000}"
seed="${PARITY_SEED:-20261121}"

python3 "$here/gen_corpus.py" --seed "$seed" --count "$count" > "$out/corpus.jsonl"
$ref_cmd vectors "$out/corpus.jsonl" "$out/expected.jsonl" 2>/dev/null

# The comparison must bite: one changed digit in a copy is reported.
sed '1s/"value":"\(-\{0,1\}\)\([0-9]\)/"value":"\1X\2/' "$out/expected.jsonl" > "$out/tampered.jsonl"
if python3 "$here/compare.py" "$out/expected.jsonl" "$out/tampered.jsonl" --label self-check > /dev/null; then
  echo "parity: self-check FAILED (a tampered line was not detected)"; exit 1
fi

status=0
for spec in "$@"; do
  name="${spec%%=*}"; cmd="${spec#*=}"
  $cmd vectors "$out/corpus.jsonl" "$out/$name.jsonl" 2>/dev/null
  python3 "$here/compare.py" "$out/expected.jsonl" "$out/$name.jsonl" --label "parity native vs $name" || status=1
done
exit $status
