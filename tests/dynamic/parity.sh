#!/usr/bin/env bash
# margin dynamic and margin param-impact across builds: the daily series (every variant, BTC and
# ETH, 2018-2024) as JSON and CSV, one day's document, the comparison on a slice with its table,
# and the impact report (JSON, HTML, coverage on a slice) of tests/dynamic/book.jsonl, each
# compared byte for byte with the first build's. check_dynamic.py and check_impact.py prove the
# figures; this proves the builds agree on every byte.
#
#   tests/dynamic/parity.sh PRICES_DIR OUTDIR REF_CMD [NAME=CMD ...]
set -euo pipefail
prices="$1"; out="$2"; ref="$3"; shift 3
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
run() {  # NAME CMD
  $2 dynamic --prices "$prices" --json "$out/$1.series.json" --csv "$out/$1.series.csv"
  $2 dynamic --prices "$prices" --document 2022-06-18 --underlying ETH --variant all > "$out/$1.doc.json"
  $2 dynamic --prices "$prices" --from 2022-05-01 --to 2022-08-31 --compare --variants none,all \
     --json "$out/$1.compare.json" --table "$out/$1.compare.md"
  $2 param-impact --current "$here/../../core/api/params/pmrm2.json" --proposed "$out/ref.doc.json" "$here/book.jsonl" \
     --prices "$prices" --from 2022-05-01 --to 2022-07-31 --underlyings BTC \
     --json "$out/$1.impact.json" --html "$out/$1.impact.html"
}
run ref "$ref"
status=0
for spec in "$@"; do
  name="${spec%%=*}"; cmd="${spec#*=}"
  run "$name" "$cmd"
  for f in series.json series.csv doc.json compare.json compare.md impact.json impact.html; do
    cmp "$out/ref.$f" "$out/$name.$f" || { echo "dynamic parity: $name's $f differs from the reference"; status=1; }
  done
done
[ "$status" -eq 0 ] && echo "dynamic parity: series, document, comparison and impact report byte-identical across $(( $# + 1 )) builds"
exit $status
