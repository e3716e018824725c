#!/usr/bin/env bash
# Native vs WebAssembly (and other builds) parity of the JSON API: one request
# corpus answered by every build's `margin batch`, responses compared byte for
# byte with the first (the reference).
#
#   tests/core/api_parity.sh OUTDIR REF_CMD [NAME=CMD ...]
#   e.g. tests/core/api_parity.sh build/api-parity build/native/bin/margin \
#          wasm="node build/wasm/bin/margin.js" clang=build/native-clang/bin/margin
#
# Environment: API_PARITY_COUNT (default 2600), API_PARITY_SEED (default 20261121).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
compare="$here/../parity/compare.py"
out="$1"; ref_cmd="$2"; shift 2
mkdir -p "$out"
python3 "$here/gen_requests.py" --seed "${API_PARITY_SEED:-20261121}" --count "${API_PARITY_COUNT:-2600}" > "$out/requests.jsonl"
$ref_cmd batch "$out/requests.jsonl" "$out/expected.jsonl"
# The clearing house's input hash (abi::book_of, the ABI encoder, keccak256) at scenario 5.
$ref_cmd batch "$out/requests.jsonl" "$out/expected-hash.jsonl" --input-hash 5
ok=$(grep -c '"result"' "$out/expected.jsonl" || true)
errors=$(grep -c '^{"error"' "$out/expected.jsonl" || true)
portfolio=$(grep -c '"model":"portfolio"' "$out/expected.jsonl" || true)
hashes=$(grep -c '"input_hash"' "$out/expected-hash.jsonl" || true)
echo "api parity: $(wc -l < "$out/requests.jsonl") requests: $ok results ($portfolio under the portfolio model), $errors errors; $hashes input hashes"
if [ "$portfolio" -lt 1000 ] && [ -z "${API_PARITY_COUNT:-}" ]; then
  echo "api parity: fewer than 1,000 portfolio-model results in the default corpus"; exit 1
fi

# The comparison must bite: one changed digit in a copy is reported.
sed '0,/"equity":"/s/"equity":"/"equity":"X/' "$out/expected.jsonl" > "$out/tampered.jsonl"
if cmp -s "$out/expected.jsonl" "$out/tampered.jsonl" ||
   python3 "$compare" "$out/expected.jsonl" "$out/tampered.jsonl" --label self-check > /dev/null; then
  echo "api parity: self-check FAILED (a tampered line was not detected)"; exit 1
fi

status=0
for spec in "$@"; do
  name="${spec%%=*}"; cmd="${spec#*=}"
  $cmd batch "$out/requests.jsonl" "$out/$name.jsonl"
  python3 "$compare" "$out/expected.jsonl" "$out/$name.jsonl" --label "json api: native vs $name" || status=1
  $cmd batch "$out/requests.jsonl" "$out/$name-hash.jsonl" --input-hash 5
  cmp "$out/expected-hash.jsonl" "$out/$name-hash.jsonl" && echo "input hash: native vs $name: $hashes hashes (and every error document) identical" || status=1
done
exit $status
