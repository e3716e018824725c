#!/usr/bin/env python3
"""Generate the fixed-point parity corpus: JSON lines, one operation each.

    gen_corpus.py [--seed N] [--count N] > corpus.jsonl

Deterministic for a given seed and count (only random.Random.getrandbits is
used, whose output is stable across Python versions). The format is described
in tests/parity/README.md; `fpcalc vectors` evaluates it and adds "expect".
"""
import argparse
import json
import random

WAD = 10**18
MAX = 2**255 - 1
MIN = -(2**255)
ROUNDINGS = ["toward_zero", "floor", "ceil"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def bits(self, n):
        return self.r.getrandbits(n) if n > 0 else 0

    def below(self, n):  # uniform in [0, n)
        k = n.bit_length()
        while True:
            v = self.r.getrandbits(k)
            if v < n:
                return v

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def sign(self, v):
        return -v if self.bits(1) else v

    def any(self, max_bits=255):
        """Random bit length, random sign: spreads over every magnitude."""
        return max(MIN, self.sign(self.bits(self.below(max_bits + 1))))

    def wad_range(self, lo, hi):
        """Uniform raw value for reals in [lo, hi] (lo, hi as integers or decimal strings of wei)."""
        return lo + self.below(hi - lo + 1)


EDGES = sorted({0, 1, -1, WAD, -WAD, MAX, MIN, MAX - 1, MIN + 1,
                2**127, 2**127 - 1, -(2**127), -(2**127) - 1, 2**128, -(2**128),
                2**63, 2**64, 2**64 - 1, -(2**64), 2**66, 2**67, 2**68, -(2**66),
                MAX // WAD, -(MAX // WAD), WAD // 2, 3 * WAD, 10**36, 10**59})


def value(g):
    """An operand: an edge, a random magnitude, or an everyday wad value."""
    k = g.below(10)
    if k == 0:
        return g.pick(EDGES) + g.pick([-1, 0, 0, 1])
    if k < 6:
        return g.any()
    return g.sign(g.below(10**6 * WAD))


def clamp(v):
    return max(MIN, min(MAX, v))


def corpus(seed, count):
    g = Gen(seed)
    out = []

    def emit(op, args, rounding=None):
        d = {"op": op, "args": [str(a) for a in args]}
        if rounding:
            d["rounding"] = rounding
        out.append(d)

    # Shares of the corpus per op (sum 100); the rest of each share is random.
    plan = [("add", 3), ("sub", 3), ("neg", 1), ("abs", 1), ("min", 1), ("max", 1), ("cmp", 1),
            ("mul", 10), ("div", 10), ("mul_div", 10), ("exp", 10), ("ln", 9), ("sqrt", 6),
            ("pow", 12), ("normal_pdf", 4), ("normal_cdf", 8), ("parse", 7), ("format", 3),
            # the Black-76 kernel (SPEC.md 4.7), on top of the 100
            ("black76_call", 4), ("black76_put", 2), ("black76_n_d1", 1), ("black76_pdf_d1", 1),
            ("black76_sqrt_w", 1), ("total_variance_ext", 1), ("sqrt_year_fraction", 1)]
    for op, share in plan:
        n = count * share // 100
        for i in range(n):
            if op in ("add", "sub", "min", "max", "cmp"):
                emit(op, [clamp(value(g)), clamp(value(g))])
            elif op in ("neg", "abs", "format"):
                emit(op, [clamp(value(g))])
            elif op in ("mul", "div"):
                b = clamp(value(g)) if i % 50 else 0  # division by zero, too
                emit(op, [clamp(value(g)), b], ROUNDINGS[i % 3])
            elif op == "mul_div":
                c = clamp(value(g)) if i % 50 else 0
                emit(op, [clamp(value(g)), clamp(value(g)), c], ROUNDINGS[i % 3])
            elif op == "exp":
                k = i % 4
                if k == 0:
                    x = g.any()
                elif k == 1:
                    x = g.wad_range(-45 * WAD, 140 * WAD)
                elif k == 2:
                    x = g.sign(g.below(WAD))
                else:  # near the overflow and underflow edges, and k switch points
                    x = g.pick([135305999368893231589, -42139678854452767621,
                                (2 * g.below(400) - 121) * 346573590279972654]) + g.wad_range(-3, 3)
                emit(op, [x])
            elif op == "ln":
                k = i % 4
                if k == 0:
                    x = g.any()  # includes <= 0: domain errors
                elif k == 1:
                    x = WAD + g.sign(g.bits(g.below(60)))
                elif k == 2:
                    x = g.pick([707106781186547525, 1414213562373095048, 2**g.below(255)]) + g.wad_range(-2, 2)
                else:
                    x = g.bits(g.below(256))
                emit(op, [clamp(x)])
            elif op == "sqrt":
                k = i % 4
                if k == 0:  # 2^b - 1, 2^b, 2^b + 1 and exact squares at every bit length
                    b = g.below(255)
                    x = g.pick([2**b - 1, 2**b, 2**b + 1, (g.bits(b // 2) + 1) ** 2])
                else:
                    x = g.any() if k % 2 else g.bits(g.below(256))
                emit(op, [clamp(x)])
            elif op == "pow":
                k = i % 5
                if k == 0:
                    x, y = g.any(), g.any()
                elif k == 1:  # x near 1, large |y|
                    x, y = WAD + g.sign(g.bits(g.below(40))), g.any(140)
                elif k == 2:  # everyday
                    x, y = g.below(1000 * WAD) + 1, g.sign(g.below(50 * WAD))
                elif k == 3:  # |y ln x| near the exp limits
                    x, y = 2 * WAD, g.wad_range(-200 * WAD, 200 * WAD)
                else:
                    x, y = g.bits(g.below(256)), g.sign(g.bits(g.below(70)))
                emit(op, [clamp(x), clamp(y)])
            elif op in ("normal_pdf", "normal_cdf"):
                k = i % 4
                if k == 0:
                    x = g.any()
                elif k == 1:  # piece boundaries j/2 and +-1 wei
                    x = (g.below(41) - 20) * (WAD // 2) + g.wad_range(-1, 1)
                else:
                    x = g.wad_range(-11 * WAD, 11 * WAD)
                emit(op, [x])
            elif op.startswith("black76_"):
                emit(op, black76_args(g, i))
            elif op == "total_variance_ext":
                emit(op, [g.pick([g.wad_range(WAD // 100, 5 * WAD), g.any(), -g.below(WAD), 0, 2**100 - 1, 2**100]),
                          seconds(g)])
            elif op == "sqrt_year_fraction":
                emit(op, [seconds(g)])
            elif op == "parse":
                emit(op, [decimal_text(g, i)])
    return out


YEAR = 31_536_000
MAX_SECONDS = 2_000_000_000
W_CAP = 2**127 - 1


def w_ext(vol, secs):
    """SPEC.md 4.7 W1: total variance in EXT for vol (wei) over secs."""
    return min(vol * vol * secs * 2**56 // (YEAR * WAD), W_CAP)


def seconds(g):
    return g.pick([g.wad_range(1, 3 * YEAR), g.wad_range(1, MAX_SECONDS), 0, 1, -1, MAX_SECONDS, MAX_SECONDS + 1,
                   2**63, -(2**63) - 1, g.any()])


def black76_args(g, i):
    """[forward, strike, total variance (EXT)]: everyday contracts, every regime, and bad input."""
    f = g.wad_range(10 * WAD, 10**6 * WAD)
    k = i % 8
    if k <= 2:  # everyday: K/F in [e^-3, e^3], vol 1%-500%, one minute to three years
        strike = f * g.wad_range(52205, 21060930) // 2**20
        return [f, max(strike, 1), w_ext(g.wad_range(WAD // 100, 5 * WAD), g.wad_range(60, 3 * YEAR))]
    if k == 3:  # at the money, give or take a little
        return [f, f + g.wad_range(-WAD, WAD), w_ext(g.wad_range(WAD // 100, 2 * WAD), g.wad_range(1, 3 * YEAR))]
    if k == 4:  # deep in or out of the money, short and low-vol: |x| >= 64 v, and the tail's far end
        strike = g.pick([f * g.wad_range(2, 10**5), max(f // g.wad_range(2, 10**5), 1)])
        return [f, strike, g.pick([g.bits(g.below(100)) + 1, w_ext(g.wad_range(WAD // 100, WAD), g.wad_range(1, 86400))])]
    if k == 5:  # saturated variances, and the clamp's edges
        return [f, g.wad_range(WAD, 10**7 * WAD), g.pick([W_CAP, W_CAP + 1, 2**127, g.any(), 2**71 << 56, g.bits(200)])]
    if k == 6:  # every magnitude of F, K and w (including 2^127 and above: overflow)
        return [g.bits(g.below(129)) + 1, g.bits(g.below(129)) + 1, g.bits(g.below(132)) + 1]
    # bad input: a non-positive argument, or anything at all
    bad = [[0, f, WAD], [f, 0, WAD], [f, f, 0], [-f, f, WAD], [f, -f, WAD], [f, f, -WAD], [g.any(), g.any(), g.any()]]
    return g.pick(bad)


def decimal_text(g, i):
    """Valid and malformed decimal strings."""
    k = i % 6
    if k == 0:
        bad = ["", "-", "+1", " 1", "1 ", "1.", ".5", "-.5", "1e3", "0x10", "1,5", "1..2", "--1",
               "1-", "NaN", "inf", "1.2.3", "12a", "\t1", "1_000", "0.0000000000000000001",
               "1.0000000000000000000", "9" * 100]
        return g.pick(bad)
    v = clamp(g.any())
    s = str(abs(v) // WAD) + "." + str(abs(v) % WAD).rjust(18, "0")
    s = ("-" if v < 0 else "") + s
    if k == 1:
        return s.rstrip("0").rstrip(".")
    if k == 2:
        return s + str(g.below(10))  # 19 fractional digits: precision error
    if k == 3:
        return ("-" if g.bits(1) else "") + str(g.below(10**80))  # around the range limit
    if k == 4:
        return "000" + s.lstrip("-")
    return s[: max(1, len(s) - g.below(20))].rstrip(".")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--count", type=int, default=110000)
    a = ap.parse_args()
    for d in corpus(a.seed, a.count):
        print(json.dumps(d, separators=(",", ":")))


if __name__ == "__main__":
    main()
