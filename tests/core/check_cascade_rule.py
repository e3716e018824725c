#!/usr/bin/env python3
"""The cascade's mirror of the clearing house's rule and its impact models, recomputed with
Python integers (an implementation independent of the C++ under test), from the vectors that
`core_tests "[cascade-vectors]"` prints (tests/core/test_cascade.cpp):

    build/native/bin/core_tests "[cascade-vectors]" | python3 tests/core/check_cascade_rule.py

rule:   MarginAccounts.sol:335-348 with FixedPoint.sol's roundings (mul/div by 1e18, FLOOR/CEIL)
sqrt:   floor(sqrt(x)) of a Wad = isqrt(x * 1e18)
impact: docs/cascade.md §Rules (N = ceil(|flow| mark); linear floor(k N / depth); sqrt floor(k isqrt(floor(N / depth)))).
--mutate: the fraction rounded FLOOR instead of CEIL: the check must then fail (it bites).
"""
import math
import re
import sys

W = 10**18


def rdiv(p, q, ceil):  # p / q rounded FLOOR or CEIL (q > 0 or < 0)
    return -((-p) // q) if ceil else p // q


def mul(a, b, ceil):
    return rdiv(a * b, W, ceil)


def div(a, b, ceil):
    return rdiv(a * W, b, ceil)


def rule(e, mm, b, r, mf, mutate):
    target = mul(W + b, mm, True)
    f, per = W, 0
    if e > 0:
        per = mul(W + b - r, mm, False)
        if per > 0:
            f = min(W, div(target - e, per, not mutate))
    f = min(f, mf)
    reward = mul(mul(r, f, True), mm, True)
    if reward > e:
        reward = e if e > 0 else 0
    return target, per, f, reward


def impact(model, k, depth, mx, mark, flow):
    if flow == 0:
        return 0, mark
    n = mul(abs(flow), mark, True)
    if model == 0:
        i = rdiv(k * n, depth, False)
    else:
        i = mul(k, math.isqrt(div(n, depth, False) * W), False)
    i = min(mx, i)
    return i, (mul(mark, W - i, False) if flow < 0 else mul(mark, W + i, True))


def main():
    mutate = "--mutate" in sys.argv
    counts = {"rule": 0, "sqrt": 0, "impact": 0}
    bad = 0
    for line in sys.stdin:
        m = re.search(r"(rule|sqrt|impact) (.*)$", line.strip())
        if not m:
            continue
        kind, v = m.group(1), [int(t) for t in m.group(2).split()]
        if kind == "rule":
            want, got = rule(*v[:5], mutate), tuple(v[5:])
        elif kind == "sqrt":
            want, got = (math.isqrt(v[0] * W),), (v[1],)
        else:
            want, got = impact(*v[:6]), tuple(v[6:])
        counts[kind] += 1
        if want != got:
            bad += 1
            if bad <= 5:
                print(f"mismatch {kind} {v[:6]}: C++ {got}, Python {want}")
    print(f"check_cascade_rule: {counts} vectors, {bad} mismatches")
    return 1 if bad or min(counts.values()) == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
