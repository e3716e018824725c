#!/bin/sh
# The margin CLI: documented exit status (0 result, 1 error document, 2 usage or
# I/O), clear messages, stdin and files alike. Usage: test_margin.sh MARGIN...
# (MARGIN may be a command with arguments, e.g. "node margin.js").
margin="$*"
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
expect() {  # want_status want_output_substring args...
  want_rc="$1"; want="$2"; shift 2
  out=$($margin "$@" 2>&1); rc=$?
  case "$out" in
    *"$want"*) if [ "$rc" = "$want_rc" ]; then passed=$((passed + 1)); return; fi ;;
  esac
  failed=$((failed + 1))
  echo "FAIL: margin $* -> status $rc (want $want_rc), output: $out (want: $want)"
}
$margin example > "$tmp/example.json"
printf '{"api_version":"1","market":{"timestamp":"1767225600","underlyings":{}},"account":{"cash":1}}' > "$tmp/number.json"
printf '{"api_version":' > "$tmp/broken.json"
expect 0 '"margin_mode": "cross"' compute "$tmp/example.json"
expect 0 '"liquidatable":false' compute "$tmp/example.json" --compact
expect 0 'maintenance margin (MM)' explain "$tmp/example.json"
expect 0 '{"account":{"cash":"20000"' canonical "$tmp/example.json"
expect 0 'margin 0.1.0 build ' --version
expect 0 '(json api v1, fixedpoint spec v1)' --version
expect 1 '"code": "JSON_NUMBER"' compute "$tmp/number.json"
expect 1 '"path": "/account/cash"' compute "$tmp/number.json"
expect 1 '"code": "JSON_SYNTAX"' explain "$tmp/broken.json"
expect 1 '"code":"JSON_SYNTAX"' canonical "$tmp/broken.json"
expect 2 'cannot read /nonexistent.json' compute /nonexistent.json
expect 2 'unknown command frob' frob
expect 2 'no command'
expect 2 'compute takes one FILE' compute a b
expect 2 'unknown option --fast' compute --fast
expect 2 'batch takes IN and OUT' batch x
expect 2 'scenario ID must be a scenario index' batch in out --scenario x
expect 2 'example takes no arguments' example x
sed 's/"api_version": "1",/"api_version": "1", "params": "pmrm2",/' "$tmp/example.json" > "$tmp/portfolio.json"
expect 0 '"model": "portfolio"' compute "$tmp/portfolio.json"
expect 0 'scenario risk after offsets' explain "$tmp/portfolio.json"
expect 0 '"worst_scenario": 5' scenario 5 "$tmp/portfolio.json"
expect 1 '"code": "OUT_OF_RANGE"' scenario 40 "$tmp/portfolio.json"
expect 1 '"code": "MODEL_NOT_SUPPORTED"' scenario 0 "$tmp/example.json"
expect 2 'scenario ID must be a scenario index' scenario x "$tmp/portfolio.json"
{ tr -d '\n' < "$tmp/portfolio.json"; echo; } > "$tmp/portfolio.jsonl"
expect 0 '"worst_scenario":5' batch "$tmp/portfolio.jsonl" - --scenario 5
expect 0 '"code":"OUT_OF_RANGE"' batch "$tmp/portfolio.jsonl" - --scenario 40
# input hash: one underlying only; the chain's book cannot hold the example (BTC and ETH)
printf '%s' '{"api_version":"1","params":"pmrm2","market":{"timestamp":"1767225600","underlyings":{"BTC":{"spot":"100000","perp_mark":"100010",
 "expiries":[{"expiry":"1769817600","forward":"100500","rate":"0.05","discount_factor":"0.996"}]}}},"account":{"cash":"-2500.5","positions":[
 {"type":"option","underlying":"BTC","expiry":"1769817600","strike":"110000","option_type":"call","size":"-2","mark_vol":"0.6"}]}}' > "$tmp/btc.json"
expect 0 '"input_hash": "0x' input-hash 31 "$tmp/btc.json"
expect 1 '"code": "OUT_OF_RANGE"' input-hash 32 "$tmp/btc.json"
expect 1 '"path": "/account/positions/4/underlying"' input-hash 0 "$tmp/portfolio.json"
expect 1 '"code": "NOT_REPRESENTABLE"' input-hash 0 "$tmp/portfolio.json"
expect 2 'scenario ID must be a scenario index' input-hash -1 "$tmp/btc.json"
# param-hash: keccak256(abi.encode(params)) of a scenario/1 document (pmrm2's first scenario
# alone here), the id of the clearing house's queued setParams; the chain's side: guards.js
printf '%s' '{"version":"scenario/1","name":"pmrm2","scenarios":[{"spot_shock":"1.18","vol":"up","weight":"1"}],"vol_shock":{"range_up":"0.5","range_down":"0.275","short_term_power":"0.3","long_term_power":"0.13","min_vol_up":"0.45","dte_floor_seconds":"86400"},"skew_shock":{"linear_base_cap":"0.15","linear_c_base":"-0.05","abs_base_cap":"0.15","abs_c_base":"-0.05","min_k_star":"0.01","width_scale":"4","vol_param_static":"0.6","vol_param_scale":"-0.1"},"loss":{"im_factor":"1","mm_factor":"0.8","long_rate_mult":"1","long_rate_add":"0.08","short_rate_mult":"0.5","short_rate_add":"0.08","long_base_discount":"0.95","short_base_discount":"1.04"},"basis":{"spot_up":"1.045","spot_down":"0.955","add_factor":"0.5","mult_factor":"2"},"contingency":{"peg_loss_threshold":"0.98","peg_loss_factor":"2","confidence_threshold":"0.55","confidence_margin":"1","mm_perp_percent":"0.015","im_perp_percent":"0.005","mm_option_percent":"0.003","im_option_percent":"0.002"}}' > "$tmp/params.json"
expect 0 '"param_hash": "0x92586882133d140b61ef20fcea3b886154d9bd1db0864d69af06e6d7c0fcda78"' param-hash "$tmp/params.json"
expect 1 '"code": "JSON_SYNTAX"' param-hash "$tmp/broken.json"
expect 2 'param-hash takes one FILE' param-hash "$tmp/params.json" "$tmp/params.json"
expect 0 '"code":"NOT_REPRESENTABLE"' batch "$tmp/portfolio.jsonl" - --input-hash 0
{ tr -d '\n' < "$tmp/btc.json"; echo; } > "$tmp/btc.jsonl"
expect 0 '"input_hash":"0x' batch "$tmp/btc.jsonl" - --input-hash 2
# replay: a malformed bundle is an error document with its path; usage errors
printf '{"version":"replay/1","underlying":"BTC","market_timestamp":"1767225600","scenario":"0","book":{},"params":{},"event":{}}' > "$tmp/bundle.json"
expect 1 '"code": "BAD_BUNDLE"' replay "$tmp/bundle.json"
expect 1 '"path": "/book/cash"' replay "$tmp/bundle.json"
printf '{"version":"replay/2"}' > "$tmp/bundle2.json"
expect 1 '"path": "/version"' replay "$tmp/bundle2.json"
expect 2 'replay from a node takes --rpc URL and --tx HASH' replay --tx 0x12
expect 2 'unknown option --fast' replay --fast
expect 2 'replay takes one BUNDLE' replay a b
expect 2 'cannot read /nonexistent.json' replay /nonexistent.json
printf '{"positions":[{"type":"perp","underlying":"BTC","size":"0.5"}]}' > "$tmp/trade.json"
printf '{"positions":[]}' > "$tmp/empty-trade.json"
expect 0 '"change"' preview "$tmp/trade.json" "$tmp/example.json"
expect 1 '"path": "/trade/positions"' preview "$tmp/empty-trade.json" "$tmp/example.json"
expect 2 'cannot read' preview "$tmp/missing.json" "$tmp/example.json"
expect 2 'preview takes TRADE and one FILE' preview
# stdin: "-" and no FILE
out=$($margin compute --compact < "$tmp/example.json"); rc=$?
case "$out" in *'"result"'*) [ $rc = 0 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: stdin status $rc"; } ;;
  *) failed=$((failed + 1)); echo "FAIL: compute from stdin: $out" ;; esac
# --- input hardening (issue 31) ---
# A NUL byte ends nlohmann's input: "{valid}\0garbage" must not pass as "{valid}".
{ tr -d '\n' < "$tmp/example.json"; printf '\000garbage'; } > "$tmp/nul.json"
expect 1 '"code": "JSON_SYNTAX"' compute "$tmp/nul.json"
expect 1 'a NUL byte' compute "$tmp/nul.json"
{ printf '{"positions":[]}'; printf '\000'; } > "$tmp/nul-trade.json"
expect 1 '"path": "/trade"' preview "$tmp/nul-trade.json" "$tmp/example.json"
{ tr -d '\n' < "$tmp/bundle.json"; printf '\000{}'; } > "$tmp/nul-bundle.json"
expect 1 '"code": "BAD_BUNDLE"' replay "$tmp/nul-bundle.json"
expect 1 'NUL byte' replay "$tmp/nul-bundle.json"
# A bundle nested 200,000 deep overflowed replay's recursive copy (SIGSEGV): refused first.
python3 -c "
import json, sys
b = json.load(open(sys.argv[1]))
b['source'] = '@@'
sys.stdout.write(json.dumps(b).replace('\"@@\"', '[' * 200000 + ']' * 200000))" "$tmp/bundle.json" > "$tmp/deep-bundle.json"
expect 1 '"code": "JSON_TOO_DEEP"' replay "$tmp/deep-bundle.json"
# Over 16 MiB: read with a limit (the rest is dropped unread into memory), answered JSON_TOO_LARGE;
# a batch line likewise, and the next line is still answered.
python3 -c "import sys; sys.stdout.write('{\"a\":\"' + 'x' * (17 << 20) + '\"}')" > "$tmp/big.json"
expect 1 '"code": "JSON_TOO_LARGE"' compute "$tmp/big.json"
expect 1 '"code": "JSON_TOO_LARGE"' replay "$tmp/big.json"
{ cat "$tmp/big.json"; echo; tr -d '\n' < "$tmp/example.json"; echo; } > "$tmp/big.jsonl"
out=$($margin batch "$tmp/big.jsonl" - 2>&1)
case "$out" in *'"code":"JSON_TOO_LARGE"'*'"result"'*) passed=$((passed + 1)) ;;
  *) failed=$((failed + 1)); echo "FAIL: batch with a 17 MiB line: $(printf '%s' "$out" | head -c 300)" ;; esac
# Natively (not under a sanitizer or Node): 200 MB on stdin within 150 MB of address space.
case "$margin" in *node*) ;; *)
  if [ -z "${MARGIN_SANITIZED:-}" ] && [ -x "$margin" ]; then
    out=$(head -c 200000000 /dev/zero | tr '\0' ' ' | (ulimit -v 150000; $margin compute --compact) 2>&1); rc=$?
    case "$out" in *'"code":"JSON_TOO_LARGE"'*) [ $rc = 1 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: 200 MB stdin status $rc"; } ;;
      *) failed=$((failed + 1)); echo "FAIL: 200 MB on stdin in 150 MB: $(printf '%s' "$out" | head -c 300)" ;; esac
  fi ;;
esac
# More than 2,000,000 JSON values in 16 MiB, or an object of more than 1,024 members: refused before the document is built.
python3 -c "import sys; sys.stdout.write('{\"x\":[' + ','.join(['[]'] * 2100000) + ']}')" > "$tmp/values.json"
expect 1 'more than 2000000 JSON values' compute "$tmp/values.json"
python3 -c "import sys; sys.stdout.write('{\"x\":{' + ','.join('\"k%d\":\"1\"' % i for i in range(1100)) + '}}')" > "$tmp/members.json"
expect 1 'an object of more than 1024 members' compute "$tmp/members.json"
# Caps on counts (core/limits.hpp): OUT_OF_RANGE at the container, before its members are read.
caps() {  # what -> a request over that cap
  python3 - "$1" "$tmp/example.json" <<'PY'
import json, sys
what, j = sys.argv[1], json.load(open(sys.argv[2]))
m, a = j["market"], j["account"]
btc = m["underlyings"]["BTC"]
if what == "expiries":
    btc["expiries"] = [{"expiry": str(1767225601 + i), "rate": "0.01"} for i in range(129)]
elif what == "underlyings":
    for i in range(65): m["underlyings"]["U%d" % i] = {"spot": "1"}
elif what == "collateral":
    for i in range(65): m["collateral"]["C%d" % i] = {"price": "1"}
elif what == "account-collateral":
    for i in range(65): a["collateral"]["C%d" % i] = "1"
elif what == "offsets":
    j["params"] = {"version": "portfolio/1", "scenarios": "pmrm2", "collateral": {},
                   "offsets": [{"underlyings": ["BTC", "ETH"], "rate": "0.1"}] * 2017}
elif what == "portfolio-positions":
    j["params"] = "pmrm2"
    e = btc["expiries"][0]["expiry"]
    a["positions"] = [{"type": "option", "underlying": "BTC", "expiry": e, "strike": str(50000 + i), "option_type": "call",
                       "size": "1"} for i in range(4001)]
    a.pop("collateral", None)
elif what == "tiny-vol":
    a["positions"][0]["mark_vol"] = "0.000000000000000001"
elif what == "min-vol":
    a["positions"][0]["mark_vol"] = "0.0001"
print(json.dumps(j))
PY
}
caps expiries > "$tmp/cap.json"; expect 1 '"path": "/market/underlyings/BTC/expiries"' compute "$tmp/cap.json"
caps underlyings > "$tmp/cap.json"; expect 1 '"path": "/market/underlyings"' compute "$tmp/cap.json"
caps collateral > "$tmp/cap.json"; expect 1 '"path": "/market/collateral"' compute "$tmp/cap.json"
caps account-collateral > "$tmp/cap.json"; expect 1 '"path": "/account/collateral"' compute "$tmp/cap.json"
caps offsets > "$tmp/cap.json"; expect 1 '"path": "/params/offsets"' compute "$tmp/cap.json"
caps portfolio-positions > "$tmp/cap.json"; expect 1 'at most 4000 positions under the portfolio model' compute "$tmp/cap.json"
# mark_vol 1e-18 was ARITHMETIC_OVERFLOW inside the documented bounds: the bound is now 0.0001.
caps tiny-vol > "$tmp/vol.json"
expect 1 '"code": "OUT_OF_RANGE"' compute "$tmp/vol.json"
expect 1 '"path": "/account/positions/0/mark_vol"' compute "$tmp/vol.json"
caps min-vol > "$tmp/vol.json"; expect 0 '"result"' compute "$tmp/vol.json"
# margin stress (docs/stress.md): usage errors exit 2, engine errors 1, the shorthand and the sets
expect 0 '"name": "BTC:spot=-30%,vol=+50%"' stress "$tmp/example.json" --shock 'BTC:spot=-30%,vol=+50%'
expect 0 '"relative": "0.5"' stress "$tmp/example.json" --shock 'BTC:spot=-30%,vol=+50%' --print-scenarios
expect 0 '"absolute": "0.1"' stress "$tmp/example.json" --shock 'BTC:vol=+0.1' --print-scenarios
expect 0 '"name":"extended: spot +500%, vol up"' stress "$tmp/example.json" --scenarios deribit --compact
expect 0 '"liquidation_price"' stress "$tmp/example.json" --reverse
expect 0 '"move": "vol_up"' reverse-stress "$tmp/example.json" --direction vol_up:BTC
expect 1 '"code": "UNKNOWN_PRESET"' stress "$tmp/example.json" --scenarios nosuchset
expect 1 '"code": "NO_HISTORY"' stress "$tmp/example.json" --scenarios replays
expect 2 'give --scenarios FILE|NAME or --shock SPEC' stress "$tmp/example.json"
expect 2 'unknown key "spto"' stress "$tmp/example.json" --shock 'BTC:spto=-30%'
expect 2 'is not a decimal or a percentage' stress "$tmp/example.json" --shock 'BTC:spot=-3x%'
expect 2 '--direction takes MOVE:SYMBOL' stress "$tmp/example.json" --reverse --direction spot_down
expect 2 '--reverse takes directions, not scenarios' stress "$tmp/example.json" --reverse --scenarios deribit
# --- issue 30: a CLI a risk analyst can drive ---
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
check() {  # name status(0 = pass)
  if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi
}
# Under Node each run costs a start-up: the logic below is one source for both builds, so Node runs
# a sample of it (three commands' help, the flags, the pipe, preview, batch, compare's usage) and the
# native build (and the sanitizer build) the rest.
node_run=0; case "$margin" in *node*) node_run=1 ;; esac
native_expect() { [ "$node_run" = 1 ] || expect "$@"; }
# Every command's --help: exit 0, its usage on stdout, naming its flags.
for spec in "compute:--compact --params --model" "span:--compact" "explain:--scenario --scenarios --params --model" \
  "compare:--models --prices --synthetic --json" "example:" "canonical:--params --model" "scenario:--compact --params" \
  "preview:--compact --params" "batch:--scenario --input-hash --params" "input-hash:--params" "param-hash:" \
  "replay:--rpc --tx --underlying --export" "audit-marks:--rpc --house --block" "var:--prices --method --synthetic --params" \
  "backtest:--prices --from --to" "dynamic:--prices --variants" "param-impact:--current --proposed" \
  "stress:--scenarios --shock --reverse --params" "reverse-stress:--direction" "stress-book:--scenarios --top --threads --params"; do
  cmd=${spec%%:*}
  case "$node_run:$cmd" in 1:compute|1:compare|1:var|0:*) ;; *) continue ;; esac
  out=$($margin "$cmd" --help 2>/dev/null); rc=$?; ok=$rc
  case "$out" in *"margin $cmd"*) ;; *) ok=1 ;; esac
  for f in ${spec#*:}; do case "$out" in *"$f"*) ;; *) ok=1 ;; esac; done
  check "margin $cmd --help: status $rc, output: $(printf '%s' "$out" | head -c 200)" $ok
done
# --params NAME|FILE and --model NAME replace the request's "params" before it is decoded.
$margin compute "$tmp/example.json" --params pmrm2 > "$tmp/p1.json"; $margin compute "$tmp/portfolio.json" > "$tmp/p2.json"
cmp -s "$tmp/p1.json" "$tmp/p2.json"; check "compute --params pmrm2 differs from the request with \"params\": \"pmrm2\"" $?
expect 1 '"code": "UNKNOWN_PRESET"' compute "$tmp/example.json" --params nosuch
native_expect 1 '"path":"/params"' canonical "$tmp/example.json" --model nosuch
printf '{"version":"portfolio/1","scenarios":"nosuch","collateral":{},"offsets":[]}' > "$tmp/bad-params.json"
expect 1 '"path": "/params/scenarios"' compute "$tmp/example.json" --params "$tmp/bad-params.json"
native_expect 2 '--model takes a preset' compute "$tmp/example.json" --model "$tmp/bad-params.json"
native_expect 2 'cannot read ./missing.json' compute "$tmp/example.json" --params ./missing.json
native_expect 0 '"model": "portfolio"' stress "$tmp/example.json" --model span16 --shock 'BTC:spot=-10%'
# the flag edits only a text the engine would read: a duplicate key is still the engine's error
sed 's/"cash":/"cash": "1", "cash":/' "$tmp/example.json" > "$tmp/dup.json"
expect 1 '"code": "DUPLICATE_KEY"' compute "$tmp/dup.json" --model pmrm2
# margin scenario 5 FILE | margin explain -: a response explained from its own fields
out=$($margin scenario 5 "$tmp/example.json" --model pmrm2 | $margin explain - 2>&1); rc=$?
case "$out" in *'health (margin balance - MM)'*'#5'*) check "scenario | explain" $rc ;; *) check "scenario 5 | explain -: $out" 1 ;; esac
# preview: the trade inline or from a file, the same bytes
$margin preview "$tmp/trade.json" "$tmp/example.json" > "$tmp/pv1.json"
$margin preview "$(cat "$tmp/trade.json")" "$tmp/example.json" > "$tmp/pv2.json"
cmp -s "$tmp/pv1.json" "$tmp/pv2.json"; check "preview inline and from a file differ" $?
# batch reads JSON lines: a pretty-printed request is refused with that message
expect 2 'batch reads one compact request per line' batch "$tmp/example.json" -
if [ "$node_run" = 0 ]; then
# Scenario labels, compare's figures, explain's parts: the outputs first, then one Python check
# (Python's start-up is the slow part here): labels equal an independent rendering of the shipped
# parameter documents; compare's figures equal margin compute --params MODEL's.
python3 - "$root" "$tmp" <<'PY'
import json, sys
root, tmp = sys.argv[1], sys.argv[2]
# es on the synthetic history, built here (not by the CLI's --synthetic merge)
j = json.load(open(f"{tmp}/example.json")); j["params"] = "es"
j["history"] = json.load(open(f"{root}/core/api/examples/history-synthetic.json"))["history"]
open(f"{tmp}/es.json", "w").write(json.dumps(j))
PY
$margin explain "$tmp/portfolio.json" --scenarios > "$tmp/labels-pmrm2.txt"
$margin explain "$tmp/example.json" --params span16 --scenarios > "$tmp/labels-span16.txt"
$margin explain "$tmp/portfolio.json" > "$tmp/explain.txt"
$margin compute "$tmp/portfolio.json" --compact > "$tmp/portfolio-res.json"
# margin compare: each model's figures are margin compute --params MODEL's (es on the synthetic history)
$margin compare "$tmp/example.json" --models standard,pmrm2,span16,es --synthetic --json > "$tmp/cmp.json"; check "compare --json status" $?
{ tr -d '\n' < "$tmp/example.json"; echo; cat "$tmp/btc.jsonl"; } > "$tmp/book.jsonl"
$margin compare "$tmp/book.jsonl" --models standard,pmrm2 --json > "$tmp/cmp-book.json"; check "compare book --json status" $?
for m in standard pmrm2 span16; do
  $margin compute "$tmp/example.json" --params $m --compact > "$tmp/c-$m.json"
  $margin compute "$tmp/btc.json" --params $m --compact > "$tmp/b-$m.json"
done
$margin compute "$tmp/es.json" --compact > "$tmp/c-es.json"
python3 - "$root" "$tmp" <<'PY'; check "scenario labels, explain's parts, compare's figures or README links (above)" $?
import json, re, sys
from decimal import Decimal
root, tmp = sys.argv[1], sys.argv[2]
def num(s):
    t = format(Decimal(s).normalize(), "f")
    return t.rstrip("0").rstrip(".") if "." in t else t
def label(sc):
    out = "spot unchanged" if Decimal(sc["spot_shock"]) == 1 else "spot \u00d7" + num(sc["spot_shock"])
    v = {"up": "vol up", "down": "vol down", "linear_skew": "linear skew", "abs_skew": "abs skew", "none": ""}[sc["vol"]]
    out += ", " + v if v else ""
    return out + ("" if Decimal(sc["weight"]) == 1 else ", weight " + num(sc["weight"]))
bad = 0
for name in ("pmrm2", "span16"):
    doc = json.load(open(f"{root}/core/api/params/{name}.json"))
    want = [label(s) for s in doc["scenarios"]]
    want.append("basis: spot \u00d7%s or \u00d7%s" % (num(doc["basis"]["spot_up"]), num(doc["basis"]["spot_down"])))
    rows = open(f"{tmp}/labels-{name}.txt", encoding="utf-8").read().splitlines()[1:]
    got = [re.split(r"\s{2,}", r[8:])[0] for r in rows]
    if got != want:
        bad += 1
        print(name, "labels differ:", [(g, w) for g, w in zip(got, want) if g != w][:3], len(got), len(want))
# each holding's part of each underlying's worst loss: exact, the rows sum to the loss the response reports
res = json.load(open(f"{tmp}/portfolio-res.json"))["result"]
text = open(f"{tmp}/explain.txt", encoding="utf-8").read().splitlines()
for u in res["underlyings"]:
    if u["underlying"] is None:
        continue
    at = next(i for i, l in enumerate(text) if l.startswith(u["underlying"] + "'s worst loss by holding"))
    parts, total = [], None
    for l in text[at + 1:]:
        if l.strip().startswith("= P&L"):
            total = Decimal(l.split()[-1]); break
        parts.append((l[:32].strip(), Decimal(l.split()[-1])))
    if sum(p for _, p in parts) != total or total != Decimal(u["worst_loss"]) or len(parts) < 2 or parts[-1][0] != "rest: held together":
        bad += 1
        print(u["underlying"], "parts", parts, "total", total, "response", u["worst_loss"])
    # the worst scenario named in explain's table as the parameters say (pmrm2: #22 "spot ×0.82, vol up")
    scen = json.load(open(f"{root}/core/api/params/pmrm2.json"))["scenarios"]
    row = next(l for l in text if l.startswith("  " + u["underlying"] + " "))
    if "#%s  %s " % (u["worst_scenario"], label(scen[int(u["worst_scenario"])])) not in row:
        bad += 1; print("worst scenario row", row)
def want(path):
    r = json.load(open(path))["result"]
    w = {k: r[k] for k in ("equity", "initial_margin", "maintenance_margin", "health", "liquidatable")}
    if "margin_balance" in r:
        w["margin_balance"] = r["margin_balance"]
    us = [u for u in r.get("underlyings", []) if u["underlying"] is not None]
    if us:
        u = min(us, key=lambda u: Decimal(u["worst_loss"]))  # the first of equals, as compare takes it
        w["worst"] = (u["underlying"], int(u["worst_scenario"]), u["worst_loss"])
    return w
def got(cell):
    g = {k: cell[k] for k in ("equity", "initial_margin", "maintenance_margin", "health", "liquidatable")}
    if "margin_balance" in cell:
        g["margin_balance"] = cell["margin_balance"]
    if cell["worst"] is not None:
        g["worst"] = (cell["worst"]["underlying"], cell["worst"]["scenario"], cell["worst"]["loss"])
    return g
one = json.load(open(f"{tmp}/cmp.json"))["compare"]["accounts"][0]["results"]
for m in ("standard", "pmrm2", "span16", "es"):
    if got(one[m]) != want(f"{tmp}/c-{m}.json"):
        bad += 1; print(m, got(one[m]), want(f"{tmp}/c-{m}.json"))
book = json.load(open(f"{tmp}/cmp-book.json"))["compare"]
for m in ("standard", "pmrm2"):
    rows = [want(f"{tmp}/c-{m}.json"), want(f"{tmp}/b-{m}.json")]
    for i, r in enumerate(rows):
        if got(book["accounts"][i]["results"][m]) != r:
            bad += 1; print("book", i, m)
    t = book["totals"][m]
    for k in ("equity", "initial_margin", "maintenance_margin", "health"):
        if Decimal(t[k]) != sum(Decimal(r[k]) for r in rows):
            bad += 1; print("total", m, k, t[k])
    if t["accounts"] != 2 or t["liquidatable"] != sum(r["liquidatable"] for r in rows):
        bad += 1; print("counts", m, t)
# The README's links resolve inside the repository; none leaves it (check_links.py, run here to
# spare a Python start-up).
import runpy
sys.argv = [f"{root}/tests/apps/check_links.py", root]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as e:
    bad += 1 if e.code else 0
sys.exit(bad)
PY
fi
expect 0 'worst scenario' compare "$tmp/example.json" --models standard,pmrm2
native_expect 1 'error MISSING_FIELD at /history' compare "$tmp/example.json" --models es
native_expect 2 'unknown model "pmrm3"' compare "$tmp/example.json" --models pmrm3
echo "margin CLI: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
