#!/bin/sh
# The cascade's exogenous paths, replays and Monte Carlo (docs/cascade.md §Rules, docs/cascade-monte-carlo.md):
# every door error with its code and path; a market-mode path and a replay whose prices follow
# the rule (tests/apps/cascade_mc_cases.py, Python Fractions); the Monte Carlo's VaR, ES, fund_99,
# mean and paths_hash recomputed from its per-path bad debts; the emitted path equal to a plain
# `margin cascade` run over that path's markets; 1 = 2 threads; --paths/--seed; and the outputs'
# sha256 pinned (native and WebAssembly must both match). Usage: test_cascade_mc.sh MARGIN...
margin="$*"
here=$(dirname "$0")
. "$here/cascade_lib.sh"
cases="python3 $here/cascade_mc_cases.py"
$cases write "$tmp" || exit 2
check_errors
check_results "$cases" path replay mc_normal mc_student
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
check_pins path.out replay.out mc_normal.out mc_student.out <<'PINS'
82e592fa9488cd4118df6c65a3a033a8885abd8a919be3fe8a6fb6f8cddbf355  path.out
5fa0f2ef45b07f765218877c95cd4c6c4144b83f8358cbf6cc233d92032d6880  replay.out
6cc6406aaa5b96f05eac02e6600642fe51bb58cd729d95c7eae8da193c0bd56d  mc_normal.out
259c8a847b9c6e331fb7b0b223972815cea74967ce9023147fdfb13529ca8c27  mc_student.out
PINS
echo "cascade mc: $passed passed, $failed failed"
[ "$failed" = 0 ]
