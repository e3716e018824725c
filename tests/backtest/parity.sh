#!/usr/bin/env bash
# margin backtest across builds: one slice (two portfolios, every model, 60 days of formation on
# the real history) answered by each build, its JSON (with the daily series), HTML and table
# compared byte for byte with the first build's. check_backtest.py proves the figures against
# independent Python; this proves the builds agree on every byte of the report.
#
#   tests/backtest/parity.sh PRICES_DIR OUTDIR REF_CMD [NAME=CMD ...]
set -euo pipefail
prices="$1"; out="$2"; ref="$3"; shift 3
mkdir -p "$out"
run() {  # NAME CMD
  $2 backtest --prices "$prices" --from 2022-10-01 --to 2022-11-29 --portfolios short_strangle,btc_eth_pair \
     --mc-paths 500 --daily --json "$out/$1.json" --html "$out/$1.html" --table "$out/$1.md" > /dev/null
}
run ref "$ref"
status=0
for spec in "$@"; do
  name="${spec%%=*}"; cmd="${spec#*=}"
  run "$name" "$cmd"
  for ext in json html md; do
    cmp "$out/ref.$ext" "$out/$name.$ext" || { echo "backtest parity: $name's $ext differs from the reference"; status=1; }
  done
done
[ "$status" -eq 0 ] && echo "backtest parity: $(grep -o '"model"' "$out/ref.json" | wc -l) portfolio x model results, JSON, HTML and table byte-identical across $(( $# + 1 )) builds"
exit $status
