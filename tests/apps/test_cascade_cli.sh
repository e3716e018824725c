#!/bin/sh
# `margin cascade` (docs/cascade.md §Request, §Result, §Errors): every door error with its code
# and path; a market-mode book under the three loss rules and a house-mode book, their figures
# recomputed by tests/apps/cascade_cases.py (Python Fractions, the hand-computed books of
# tests/core/test_cascade.cpp) and log_hash by its own Keccak-256; the same bytes for 1 and 2
# threads; and the output's sha256 pinned below, so the native and the WebAssembly ctests
# (each runs this file) prove the same bytes. Usage: test_cascade_cli.sh MARGIN...
margin="$*"
here=$(dirname "$0")
. "$here/cascade_lib.sh"
python3 "$here/cascade_cases.py" write "$tmp" || exit 2
check_errors
# results: figures checked independently; threads 1 = 2; the bytes pinned (native = WASM)
check_results "python3 $here/cascade_cases.py" market_none market_ranked market_pro_rata market_sqrt house
# stdin and --shock (the stress shorthand) give the market book's bytes
$margin cascade - < "$tmp/market_none.json" > "$tmp/stdin.out" && cmp -s "$tmp/stdin.out" "$tmp/market_none.out" &&
  passed=$((passed + 1)) || bad "stdin"
$margin cascade "$tmp/market_none.json" --shock BTC:spot=-10% > "$tmp/shock.out" && cmp -s "$tmp/shock.out" "$tmp/market_none.out" &&
  passed=$((passed + 1)) || bad "--shock"
# a house push's series vols: each series' own vol gives the bytes of the path without vols; a raised one does not
$margin cascade "$tmp/house_vols_same.json" > "$tmp/vols_same.out" && $margin cascade "$tmp/house_vols_none.json" > "$tmp/vols_none.out" &&
  cmp -s "$tmp/vols_same.out" "$tmp/vols_none.out" && passed=$((passed + 1)) || bad "vols: the positions' own vols change the bytes"
$margin cascade "$tmp/house_vols.json" > "$tmp/vols.out" && ! cmp -s "$tmp/vols.out" "$tmp/vols_none.out" &&
  passed=$((passed + 1)) || bad "vols: a raised vol changes nothing"
$margin cascade --threads 0 "$tmp/house.json" > /dev/null 2>&1; [ $? = 2 ] && passed=$((passed + 1)) || bad "--threads 0: status 2"
$margin cascade --help | grep -q 'usage: margin cascade' && passed=$((passed + 1)) || bad "--help"
# the pinned bytes (sha256 of each pretty output; produced natively, checked above, equal under node)
check_pins market_none.out market_ranked.out market_pro_rata.out market_sqrt.out house.out vols.out <<'PINS'
399368f4ee4084dfea0592620b4c6bda8aea1518c214b887c5497b4da8690a00  market_none.out
c2b76af776c2b6492452fcc1583f415d14d43deb8c6e5674f40a83d803a5e021  market_ranked.out
c2b76af776c2b6492452fcc1583f415d14d43deb8c6e5674f40a83d803a5e021  market_pro_rata.out
ad2300518f7a69d1317bf68df629d636966dbb43d88ffdf3f4718179062af774  market_sqrt.out
1c9416cba4f54dc3ba97fd1e89ac2e560565c7dec0ac6b4632bd0d09d39c048a  house.out
a4b05a745e5e9a0b218374c90eb51806482028cfc831b23d75090f9efa9d355e  vols.out
PINS
echo "cascade cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
