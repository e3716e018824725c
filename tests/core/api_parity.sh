#!/usr/bin/env bash
# Native vs WebAssembly (and other builds) parity of the JSON API: one request
# corpus answered by every build's `margin batch`, responses compared byte for
# byte with the first (the reference).
#
#   tests/core/api_parity.sh OUTDIR REF_CMD [NAME=CMD ...]
#   e.g. tests/core/api_parity.sh build/api-parity build/native/bin/margin \
#          wasm="node build/wasm/bin/margin.js" clang=build/native-clang/bin/margin
#
# The corpus includes SPAN risk-array requests (docs/span.md), answered by the same `margin batch`.
# Then the risk requests (docs/risk.md, tests/core/gen_risk_requests.py): every method on the
# shipped SYNTHETIC history and bad histories and parameters, answered by each build's
# `margin var --synthetic --compact` (one process per request, two at a time) and compared
# the same way; the synthetic history is first checked to be what its script generates.
# Then the stress requests (docs/stress.md, tests/core/gen_stress_requests.py), by `margin stress`,
# and the cascade requests (docs/cascade.md, tests/core/gen_cascade_requests.py), by `margin cascade`.
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

# ---- risk requests: one file per request (its exact bytes, no newline), answered in order
root="$here/../.."
python3 "$root/core/api/tools/gen_synthetic_history.py" | cmp - "$root/core/api/examples/history-synthetic.json" ||
  { echo "risk parity: core/api/examples/history-synthetic.json is not what its generator prints"; exit 1; }
python3 "$here/gen_risk_requests.py" > "$out/risk-requests.jsonl"
# split KIND: $out/KIND-requests.jsonl into one file per request under $out/KIND/in; prints the count
split() {
  rm -rf "$out/$1" && mkdir -p "$out/$1/in"
  local k=0
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s' "$line" > "$out/$1/in/$(printf '%03d' "$k").json"; k=$((k + 1))
  done < "$out/$1-requests.jsonl"
  echo "$k"
}
# corpus_run KIND NAME CMD ANSWER: $out/KIND-NAME.jsonl, one compact response per request (exit 0 or 1
# each), two at a time; ANSWER is the shell line answering file "$2/{}" with the build "$1".
corpus_run() {
  local kind="$1" name="$2" cmd="$3" answer="$4" dir="$out/$1/$2"
  mkdir -p "$dir"
  (cd "$out/$kind/in" && ls) | xargs -P 2 -I{} sh -c "{ $answer; } > \"\$3/{}.out\"; [ \$? -le 1 ]" _ "$cmd" "$out/$kind/in" "$dir" ||
    { echo "$kind parity: $name: a request ended with a usage or I/O error"; return 1; }
  (cd "$out/$kind/in" && ls) | while read -r f; do cat "$dir/$f.out"; done > "$out/$kind-$name.jsonl"
}
n=$(split risk)
risk_run() { corpus_run risk "$1" "$2" '$1 var "$2/{}" --synthetic --compact'; }
risk_run expected "$ref_cmd"
risk_ok=$(grep -c '^{"api_version"' "$out/risk-expected.jsonl" || true)
risk_err=$(grep -c '^{"error"' "$out/risk-expected.jsonl" || true)
summary=""
for m in historical filtered_historical parametric monte_carlo delta_gamma; do
  c=$(grep -c "\"risk\":{\"method\":\"$m\"" "$out/risk-expected.jsonl" || true)
  [ "$c" -gt 0 ] || { echo "risk parity: no $m result in the corpus"; exit 1; }
  summary="$summary${summary:+, }$c $m"
done
echo "risk parity: $n requests: $risk_ok results ($summary), $risk_err errors"

# ---- stress requests (docs/stress.md, tests/core/gen_stress_requests.py): every scenario kind,
# the shipped sets, replays on the synthetic history, reverse stress and bad input; a line with
# "reverse_stress" answered by `margin stress FILE --reverse --compact`, any other by
# `margin stress FILE --synthetic --compact`.
python3 "$here/gen_stress_requests.py" > "$out/stress-requests.jsonl"
sn=$(split stress)
stress_run() {
  corpus_run stress "$1" "$2" 'if grep -q "\"reverse_stress\"" "$2/{}"; then $1 stress "$2/{}" --reverse --compact; else $1 stress "$2/{}" --synthetic --compact; fi'
}
stress_run expected "$ref_cmd"
stress_ok=$(grep -c '^{"api_version"' "$out/stress-expected.jsonl" || true)
stress_err=$(grep -c '^{"error"' "$out/stress-expected.jsonl" || true)
reverse_ok=$(grep -c '"reverse_stress"' "$out/stress-expected.jsonl" || true)
[ "$reverse_ok" -gt 0 ] && [ "$stress_ok" -gt "$reverse_ok" ] || { echo "stress parity: no stress or no reverse-stress result"; exit 1; }
echo "stress parity: $sn requests: $stress_ok results ($reverse_ok reverse stress), $stress_err errors"
# the book: 40 accounts under the deribit set, one process per build, its JSON and its HTML report
python3 "$here/gen_stress_requests.py" --book > "$out/stress-book.jsonl"
book_run() {
  $1 stress-book "$out/stress-book.jsonl" --scenarios deribit --insurance-fund 25000 --top 5 --compact \
    --html "$out/stress-book-$2.html" > "$out/stress-book-$2.json"
}
book_run "$ref_cmd" expected
grep -q '"stress_book"' "$out/stress-book-expected.json" || { echo "stress parity: no stress-book result"; exit 1; }

# ---- cascade requests (docs/cascade.md, tests/core/gen_cascade_requests.py): market mode under the
# three loss rules and three impact models, two underlyings, house mode, every door error; answered
# by `margin cascade FILE --compact` (the log_hash included); every result's ledger then checked by
# tests/cascade/check_logs.py (conservation as far as the log shows it, no healthy account
# liquidated), which must catch its planted mistakes.
python3 "$here/gen_cascade_requests.py" > "$out/cascade-requests.jsonl"
cn=$(split cascade)
cascade_run() { corpus_run cascade "$1" "$2" '$1 cascade "$2/{}" --compact'; }
cascade_run expected "$ref_cmd"
cascade_ok=$(grep -c '^{"api_version"' "$out/cascade-expected.jsonl" || true)
cascade_err=$(grep -c '^{"error"' "$out/cascade-expected.jsonl" || true)
echo "cascade parity: $cn requests: $cascade_ok results ($(grep -c '"mode":"house"' "$out/cascade-expected.jsonl" || true) house mode), $cascade_err errors"
python3 "$here/../cascade/check_logs.py" "$out/cascade-requests.jsonl" "$out/cascade-expected.jsonl" --mutate

# ---- collateral depth terms (docs/margin.md "Collateral depth"): a separate corpus, so the main
# one's pinned answers stay as they were; margin batch and its input hash (NOT_REPRESENTABLE)
python3 "$here/gen_requests.py" --depth --seed "${API_PARITY_SEED:-20261121}" > "$out/depth-requests.jsonl"
$ref_cmd batch "$out/depth-requests.jsonl" "$out/depth-expected.jsonl"
$ref_cmd batch "$out/depth-requests.jsonl" "$out/depth-expected-hash.jsonl" --input-hash 5
depth_ok=$(grep -c '"result"' "$out/depth-expected.jsonl" || true)
depth_refused=$(grep -c 'depth haircut not supported on chain' "$out/depth-expected-hash.jsonl" || true)
[ "$depth_ok" -gt 40 ] && [ "$depth_refused" -gt 0 ] || { echo "depth parity: $depth_ok results, $depth_refused refused on chain"; exit 1; }
echo "depth parity: $(wc -l < "$out/depth-requests.jsonl") requests: $depth_ok results; input hash: $depth_refused refused (depth haircut not supported on chain)"

status=0
for spec in "$@"; do
  name="${spec%%=*}"; cmd="${spec#*=}"
  $cmd batch "$out/requests.jsonl" "$out/$name.jsonl"
  python3 "$compare" "$out/expected.jsonl" "$out/$name.jsonl" --label "json api: native vs $name" || status=1
  $cmd batch "$out/depth-requests.jsonl" "$out/$name-depth.jsonl"
  python3 "$compare" "$out/depth-expected.jsonl" "$out/$name-depth.jsonl" --label "depth terms: native vs $name" || status=1
  $cmd batch "$out/depth-requests.jsonl" "$out/$name-depth-hash.jsonl" --input-hash 5
  cmp "$out/depth-expected-hash.jsonl" "$out/$name-depth-hash.jsonl" &&
    echo "depth terms' input hash: native vs $name: every answer identical (refusals included)" || status=1
  $cmd batch "$out/requests.jsonl" "$out/$name-hash.jsonl" --input-hash 5
  cmp "$out/expected-hash.jsonl" "$out/$name-hash.jsonl" && echo "input hash: native vs $name: $hashes hashes (and every error document) identical" || status=1
  risk_run "$name" "$cmd" || status=1
  python3 "$compare" "$out/risk-expected.jsonl" "$out/risk-$name.jsonl" --label "risk (margin var): native vs $name" || status=1
  stress_run "$name" "$cmd" || status=1
  python3 "$compare" "$out/stress-expected.jsonl" "$out/stress-$name.jsonl" --label "stress (margin stress): native vs $name" || status=1
  cascade_run "$name" "$cmd" || status=1
  python3 "$compare" "$out/cascade-expected.jsonl" "$out/cascade-$name.jsonl" --label "cascade (margin cascade): native vs $name" || status=1
  book_run "$cmd" "$name" && cmp "$out/stress-book-expected.json" "$out/stress-book-$name.json" &&
    cmp "$out/stress-book-expected.html" "$out/stress-book-$name.html" &&
    echo "stress book: native vs $name: identical bytes, JSON and HTML report (40 accounts x 35 scenarios)" || status=1
done
exit $status
