#!/bin/sh
# The cascade's exogenous paths, replays and Monte Carlo (docs/cascade.md §Rules, docs/cascade-monte-carlo.md):
# every door error with its code and path; a market-mode path and a replay whose prices follow
# the rule (tests/apps/cascade_mc_cases.py, Python Fractions); the Monte Carlo's VaR, ES, fund_99,
# mean and paths_hash recomputed from its per-path bad debts; the emitted path equal to a plain
# `margin cascade` run over that path's markets; 1 = 2 threads; --paths/--seed; and the outputs'
# sha256 pinned (native and WebAssembly must both match). Usage: test_cascade_mc.sh MARGIN...
margin="$*"
here=$(dirname "$0")
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
cases="python3 $here/cascade_mc_cases.py"
$cases write "$tmp" || exit 2
while read -r name code path; do
  out=$($margin cascade "$tmp/err_$name.json" --compact 2>&1); rc=$?
  case "$out" in
    *"\"code\":\"$code\""*"\"path\":\"$path\""*) [ "$rc" = 1 ] && passed=$((passed + 1)) || bad "$name: status $rc" ;;
    *) bad "$name: want $code at $path, got $(echo "$out" | head -c 300)" ;;
  esac
done < "$tmp/errors.txt"
for name in path replay mc_normal mc_student; do
  $margin cascade "$tmp/$name.json" > "$tmp/$name.out" 2>&1 || bad "$name: status $? $(head -c 300 "$tmp/$name.out")"
  if [ "$1" != node ]; then  # (WebAssembly runs one thread)
    $margin cascade "$tmp/$name.json" --threads 2 > "$tmp/$name.out2" 2>&1
    cmp -s "$tmp/$name.out" "$tmp/$name.out2" && passed=$((passed + 1)) || bad "$name: threads 1 and 2 differ"
  fi
  $cases check "$name" "$tmp/$name.out" > /dev/null && passed=$((passed + 1)) || bad "$name: figures (above)"
done
# the emitted path = a plain run over its markets
for name in mc_normal mc_student; do
  $cases plain "$tmp/$name.json" "$tmp/$name.out" "$tmp/$name.plain.json" &&
    $margin cascade "$tmp/$name.plain.json" > "$tmp/$name.plain.out" && $cases same "$tmp/$name.out" "$tmp/$name.plain.out" > /dev/null &&
    passed=$((passed + 1)) || bad "$name: the emitted path differs from a plain run"
done
# --paths / --seed override the request's
$margin cascade "$tmp/deep.json" --compact > "$tmp/deep.out" 2>&1 && grep -q '"paths_with_bad_debt"' "$tmp/deep.out" &&
  passed=$((passed + 1)) || bad "a fall below the spot's confidence: $(head -c 300 "$tmp/deep.out")"
$margin cascade "$tmp/mc_normal.json" --paths 60 --seed 7 > "$tmp/flags.out" && cmp -s "$tmp/flags.out" "$tmp/mc_normal.out" &&
  passed=$((passed + 1)) || bad "--paths 60 --seed 7"
$margin cascade "$tmp/mc_normal.json" --seed 8 > "$tmp/seed8.out" && ! cmp -s "$tmp/seed8.out" "$tmp/mc_normal.out" &&
  passed=$((passed + 1)) || bad "--seed 8 gives other paths"
cd "$tmp" && sha256sum path.out replay.out mc_normal.out mc_student.out > sums.txt
while read -r sum file; do
  grep -q "^$sum  $file\$" sums.txt && passed=$((passed + 1)) || bad "$file: bytes differ from the pin ($(grep " $file\$" sums.txt))"
done <<'PINS'
82e592fa9488cd4118df6c65a3a033a8885abd8a919be3fe8a6fb6f8cddbf355  path.out
5fa0f2ef45b07f765218877c95cd4c6c4144b83f8358cbf6cc233d92032d6880  replay.out
6cc6406aaa5b96f05eac02e6600642fe51bb58cd729d95c7eae8da193c0bd56d  mc_normal.out
259c8a847b9c6e331fb7b0b223972815cea74967ce9023147fdfb13529ca8c27  mc_student.out
PINS
echo "cascade mc: $passed passed, $failed failed"
[ "$failed" = 0 ]
