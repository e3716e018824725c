#!/bin/sh
# `margin cascade-book` and `margin cascade --compare` (docs/cascade-books.md "Book generator", "Models
# compared"): the 10,000-account reference book's sha256 pinned (the native and the WebAssembly
# ctests both run this file: the same bytes); its distributions checked by
# tests/core/check_cascade_book.py (and its --mutate must fail); the generated book through
# `margin cascade -` and in house mode, its sha256 pinned; the compare's rows equal to separate
# `margin cascade` runs (tests/apps/cascade_compare_check.py: the isolated book built there); every
# error with its code and path. Usage: test_cascade_book.sh MARGIN...
margin="$*"
here=$(dirname "$0")
# under node only the bytes are checked (the pins: the same as natively) and two errors; the
# independent checks and the error table run natively (the same C++ answers both)
full=1; [ "$1" = node ] && full=0
. "$here/cascade_lib.sh"
# the reference book: 10,000 accounts, seed 28 (timed), and its distributions
start=$(date +%s%N)
$margin cascade-book --accounts 10000 --seed 28 --compact > "$tmp/ref.json" || bad "reference book: status $?"
echo "cascade-book: 10,000 accounts in $(( ($(date +%s%N) - start) / 1000000 )) ms"
if [ $full = 1 ]; then
  python3 "$here/../core/check_cascade_book.py" "$tmp/ref.json" --seed 28 > "$tmp/check.txt" && passed=$((passed + 1)) || { cat "$tmp/check.txt"; bad "distributions"; }
  tail -8 "$tmp/check.txt"
  python3 "$here/../core/check_cascade_book.py" "$tmp/ref.json" --mutate --quiet > /dev/null && bad "the check missed the mutation" || passed=$((passed + 1))
fi
# a small book through the cascade (stdin), house mode, JSON lines
$margin cascade-book --accounts 200 --seed 7 --compact > "$tmp/b200.json" || bad "b200: status $?"
$margin cascade - --compact < "$tmp/b200.json" > "$tmp/b200.out" && grep -q '"log_hash"' "$tmp/b200.out" && passed=$((passed + 1)) || bad "cascade of b200"
$margin cascade-book --accounts 300 --seed 5 --mode house --compact > "$tmp/house.json" || bad "house: status $?"
$margin cascade "$tmp/house.json" --compact > "$tmp/house.out" && grep -q '"mode":"house"' "$tmp/house.out" && passed=$((passed + 1)) || bad "house cascade: $(head -c 300 "$tmp/house.out")"
$margin cascade-book --accounts 50 --seed 7 --jsonl > "$tmp/b50.jsonl" && [ "$(wc -l < "$tmp/b50.jsonl")" = 50 ] && passed=$((passed + 1)) || bad "--jsonl: 50 lines"
$margin batch "$tmp/b50.jsonl" - > "$tmp/b50.out" && [ "$(grep -c '"initial_margin"' "$tmp/b50.out")" = 50 ] && passed=$((passed + 1)) || bad "--jsonl lines compute"
# the compare: rows equal separate runs; es on a small book; the table; the pinned bytes
$margin cascade "$tmp/b200.json" --compare standard-isolated,standard,pmrm2,span16 > "$tmp/cmp.json" || bad "compare: status $?"
if [ $full = 1 ]; then
  python3 "$here/cascade_compare_check.py" "$tmp/b200.json" "$tmp/cmp.json" $margin && passed=$((passed + 1)) || bad "compare rows against separate runs"
fi
$margin cascade-book --accounts 12 --seed 3 --compact > "$tmp/b12.json"
$margin cascade "$tmp/b12.json" --compare es,pmrm2 > "$tmp/cmp_es.json" && grep -q '"model": "es"' "$tmp/cmp_es.json" && passed=$((passed + 1)) || bad "compare es: $(head -c 300 "$tmp/cmp_es.json")"
$margin cascade "$tmp/b200.json" --compare standard,pmrm2 --table > "$tmp/table.txt" && [ "$(wc -l < "$tmp/table.txt")" = 3 ] && passed=$((passed + 1)) || bad "--table"
check_pins ref.json b200.out house.out cmp.json cmp_es.json <<'PINS'
d5f696c576eb15fd1954bffb346ddd071cc6c5e0797b11250767962d681b94f7  ref.json
632dc4eec68e319e73abb0bb036f0029e97a9c3f6f3e879bd9c9421ad6cfb720  b200.out
1a46513309fa9716e92c64381a520409a243522a4ceb55ec4956f924ec753e4a  house.out
55f9cab6f489bfb01237b839c91a8382a3293095eacd40e93b8af568ccff371f  cmp.json
e8b34e4f0387fc8ca66c2bc6d48c9ac91fac4cbfb1734621f8b221815324a591  cmp_es.json
PINS
# errors: exit status 1, the code and the path
while read -r code path args; do
  [ $full = 0 ] && [ "$code" != UNKNOWN_UNDERLYING ] && [ "$path" != /compare/1 ] && continue
  args=$(echo "$args" | sed "s|REQ|$tmp/b200.json|; s|HOUSE|$tmp/house.json|")
  out=$($margin $args 2>&1); rc=$?
  case "$out" in
    *"\"code\": \"$code\""*"\"path\": \"$path\""*) [ "$rc" = 1 ] && passed=$((passed + 1)) || bad "$args: status $rc" ;;
    *) bad "$args: want $code at $path, got $out" ;;
  esac
done <<'ERRORS'
BAD_COUNT /accounts cascade-book --accounts 0 --seed 1
BAD_COUNT /accounts cascade-book --accounts 100001 --seed 1
BAD_COUNT /accounts cascade-book --accounts 12x --seed 1
BAD_COUNT /seed cascade-book --accounts 10 --seed 18446744073709551616
BAD_COUNT /seed cascade-book --accounts 10 --seed -1
UNKNOWN_UNDERLYING /underlyings/1 cascade-book --accounts 10 --seed 1 --underlyings BTC,DOGE
OUT_OF_RANGE /underlyings cascade-book --accounts 10 --seed 1 --mode house --underlyings BTC,ETH
BAD_ENUM /mode cascade-book --accounts 10 --seed 1 --mode isolated
UNKNOWN_PRESET /params cascade-book --accounts 10 --seed 1 --params nope
MODEL_NOT_SUPPORTED /params cascade-book --accounts 10 --seed 1 --mode house --params standard
UNKNOWN_PRESET /compare/1 cascade REQ --compare standard,nope
UNKNOWN_PRESET /compare/0 cascade REQ --compare ,pmrm2
OUT_OF_RANGE /compare/1 cascade REQ --compare pmrm2,pmrm2
OUT_OF_RANGE /underlyings/1 cascade-book --accounts 10 --seed 1 --underlyings BTC,BTC
MODEL_NOT_SUPPORTED /cascade/accounts/0 cascade HOUSE --compare pmrm2,standard
ERRORS
# usage errors: exit status 2
[ $full = 1 ] && for args in "cascade-book --accounts 10" "cascade-book --seed 1" "cascade-book --accounts 10 --seed 1 --frob" \
            "cascade $tmp/b200.json --table" "cascade $tmp/b200.json --compare standard --paths 10"; do
  $margin $args > /dev/null 2>&1; [ $? = 2 ] && passed=$((passed + 1)) || bad "$args: want status 2"
done
$margin cascade-book --help | grep -q 'usage: margin cascade-book' && passed=$((passed + 1)) || bad "--help"
echo "cascade book and compare: $passed passed, $failed failed"
[ "$failed" = 0 ]
