#!/usr/bin/env python3
"""An independent check of the book generator's distributions (docs/cascade-books.md).

Reads a cascade/1 request printed by `margin cascade-book` (a file or stdin) and recomputes, from
the accounts' positions and cash alone (Python Fractions, nothing of the engine):

- the strategy of each account (its first position's id prefix) and its legs' shape;
- the strategy counts against the stated mix (35/20/15/15/15 %) within 4.5 binomial sigmas;
- the underlying split (uniform) and the long share of the directional perps (55 %), the same way;
- the notional (first leg |size| x spot) as a Pareto multiplier of the 10,000 USD base: within
  [1, 1000] (+ the 4-decimal size floor), its Kolmogorov-Smirnov distance to the capped Pareto
  (alpha 1.2) below 1.95/sqrt(n) (the 0.1 % level), and the top 1 %'s share of the notional against
  the capped law's expectation (closed form; within 0.07, about the 99.5 % range of 10,000-account
  books, 0.249 .. 0.388 over 400 books simulated with Python's own RNG);
- the leverage notional / cash: within [1.5, 20] (the cash is rounded up to the cent), and the
  KS distance of its log to the uniform on [ln 1.5, ln 20] below 1.95/sqrt(n).

With --seed S (and --underlyings as generated, default BTC,ETH) every account is also redrawn here:
Philox4x32-10 and the uniform mapping implemented in Python integers (fixedpoint/SPEC.md §7, the
stream path 0x47454E << 32 | i of docs/cascade.md), so each account's strategy, side, underlying
and moneyness (the put strike) must match exactly, and its size and cash the Pareto and log-uniform
transforms recomputed in floating point (within a tick of the 4-decimal size and of the cent).

--mutate perturbs the book before the check (3 % of the accounts moved from calendar to
directional, the shift a wrong mix constant makes): the check must then fail.
Usage: check_cascade_book.py [FILE|-] [--seed S [--underlyings BTC,ETH]] [--mutate] [--quiet]
"""
import json
import math
import sys
from fractions import Fraction

MIX = {"directional": Fraction(35, 100), "short_put": Fraction(20, 100), "covered": Fraction(15, 100),
       "straddle": Fraction(15, 100), "calendar": Fraction(15, 100)}
LEV_MIN, LEV_MAX = Fraction(3, 2), Fraction(20)
ALPHA, CAP, BASE = 1.2, 1000, 10000
LONG_SHARE = 0.55
SIGMAS = 4.5
SHARE_TOL = 0.07  # ~ the 99.5 % range of 10,000-account books (0.249 .. 0.388 over 400 simulated books)


M32 = 0xFFFFFFFF


def philox4x32_10(c, k):
    c, k = list(c), list(k)
    for r in range(10):
        if r:
            k = [(k[0] + 0x9E3779B9) & M32, (k[1] + 0xBB67AE85) & M32]
        p0, p1 = 0xD2511F53 * c[0], 0xCD9E8D57 * c[2]
        c = [(p1 >> 32) ^ c[1] ^ k[0], p1 & M32, (p0 >> 32) ^ c[3] ^ k[1], p0 & M32]
    return c


def uniform(seed, path, draw):
    """uniform_open_raw(philox_bits64(seed, path, draw)): the Wad raw value in 1 .. 10^18 - 1."""
    b = draw >> 1
    x = philox4x32_10([b & M32, b >> 32, path & M32, path >> 32], [seed & M32, seed >> 32])
    h = 2 if draw & 1 else 0
    bits = (x[h + 1] << 32) | x[h]
    n = 10**18 - 1
    return 1 + (bits * n + (n - 1) // 2) // 2**64


CUMULATIVE = [35, 55, 70, 85, 100]
NAMES = list(MIX)


def redraw(seed, i, n_under):
    """The draws of account i (docs/cascade-books.md)."""
    path = (0x47454E << 32) | i
    u = [uniform(seed, path, d) for d in range(6)]
    kind = next(k for k, c in enumerate(CUMULATIVE) if u[0] < c * 10**16 or k == 4)
    lev = math.exp(math.log(1.5) + (u[1] / 1e18) * (math.log(20) - math.log(1.5)))
    mult = min(CAP, (u[2] / 1e18) ** (-1 / ALPHA))
    return NAMES[kind], lev, mult, u[3] < 55 * 10**16, u[4] * n_under // 10**18, (u[5] * 4 // 10**18 + 1) * 5


def capped_pareto_cdf(x):
    if x < 1:
        return 0.0
    if x >= CAP:
        return 1.0
    return 1.0 - x ** -ALPHA


def ks(sample, cdf):
    s = sorted(sample)
    n = len(s)
    d = 0.0
    for i, x in enumerate(s):
        f = cdf(x)
        d = max(d, abs(f - i / n), abs((i + 1) / n - f))
    return d


def top_share(values, frac=0.01):
    s = sorted(values, reverse=True)
    k = max(1, int(len(s) * frac))
    return sum(s[:k]) / sum(s)


def expected_top_share(frac=0.01):
    """The top `frac`'s share of the capped Pareto's mean (u uniform, X = min(cap, u^(-1/alpha))):
    E[X; u < frac] / E[X], integrated in closed form (a large-book limit)."""
    a = 1 - 1 / ALPHA
    uc = CAP ** -ALPHA  # below it X is the cap

    def part(hi):  # integral over u in (0, hi) of X du, hi >= uc
        return CAP * uc + (hi ** a - uc ** a) / a

    return part(frac) / part(1.0)


def main():
    argv = sys.argv[1:]
    opt = {}
    for flag in ("--seed", "--underlyings"):
        if flag in argv:
            j = argv.index(flag)
            opt[flag] = argv[j + 1]
            del argv[j:j + 2]
    args = [a for a in argv if not a.startswith("--")]
    mutate, quiet = "--mutate" in argv, "--quiet" in argv
    seed = int(opt["--seed"]) if "--seed" in opt else None
    under_list = opt.get("--underlyings", "BTC,ETH").split(",")
    text = sys.stdin.read() if not args or args[0] == "-" else open(args[0]).read()
    doc = json.loads(text)["cascade"]
    market = doc["market"]["underlyings"]
    spot = {s: Fraction(u["spot"]) for s, u in market.items()}
    accounts = [a["account"] for a in doc["accounts"] if a["account"]["positions"]]
    n = len(accounts)
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)

    kinds, unders, longs, mults, levs = [], [], [], [], []
    for i, a in enumerate(accounts):
        ps = a["positions"]
        kind = ps[0]["id"].split("-")[0]
        if mutate and kind == "calendar" and i % 5 == 0:
            kind = "directional"  # the shift a wrong mix constant makes
        check(kind in MIX, f"account {i}: unknown strategy {ps[0]['id']}")
        check(all(p["id"].split("-")[0] == ps[0]["id"].split("-")[0] for p in ps), f"account {i}: legs of mixed strategies")
        check(all(p["underlying"] == ps[0]["underlying"] for p in ps), f"account {i}: legs on two underlyings")
        check(a["margin_mode"] == "cross" and "collateral" not in a, f"account {i}: not a cross account without collateral")
        for p in ps:
            if p["type"] == "perp":
                check(p["entry_price"] == market[p["underlying"]]["perp_mark"], f"account {i}: a perp's entry is not the mark")
        kinds.append(kind)
        sym = ps[0]["underlying"]
        if seed is not None:
            k2, lev_f, mult_f, long_side, u_idx, mny = redraw(seed, i, len(under_list))
            q = abs(Fraction(ps[0]["size"]))
            side = {"directional": Fraction(ps[0]["size"]) > 0, "short_put": long_side,
                    "covered": ps[0]["type"] == "perp", "straddle": Fraction(ps[0]["size"]) > 0,
                    "calendar": Fraction(ps[0]["size"]) > 0 if ps[0]["type"] == "perp" else Fraction(ps[0]["size"]) < 0}.get(kind)
            check(k2 == kind, f"account {i}: strategy {kind}, Philox says {k2}")
            check(side == long_side, f"account {i}: the side differs from Philox's")
            check(under_list[u_idx] == sym, f"account {i}: underlying {sym}, Philox says {under_list[u_idx]}")
            if kind == "short_put":
                k_down = (spot[sym] * (100 - mny) / 100).__floor__()
                check(Fraction(ps[0]["strike"]) == k_down, f"account {i}: strike {ps[0]['strike']}, Philox says {k_down}")
            q_f = math.floor(BASE * mult_f / float(spot[sym]) * 1e4) / 1e4
            check(abs(float(q) - max(q_f, 1e-4)) <= 1.01e-4, f"account {i}: size {q}, Philox says {q_f}")
            lq = math.floor(lev_f * 1e4) / 1e4
            cash_f = math.ceil(float(q * spot[sym]) / lq * 100) / 100
            check(abs(float(Fraction(a["cash"])) - cash_f) <= 0.0101 + 1e-9 * cash_f,
                  f"account {i}: cash {a['cash']}, Philox says {cash_f}")
        unders.append(sym)
        if kind == "directional":
            longs.append(Fraction(ps[0]["size"]) > 0)
        notional = abs(Fraction(ps[0]["size"])) * spot[sym]
        mults.append(float(notional / BASE))
        cash = Fraction(a["cash"])
        check(cash > 0, f"account {i}: cash {cash} not positive")
        lev = notional / cash
        levs.append(lev)
        # the cash is ceil(notional / L) to the cent: L - lev < L * 0.01 / cash, and lev <= L
        check(lev <= LEV_MAX and lev >= LEV_MIN * (1 - Fraction(1, 100) / cash) - Fraction(1, 10**6),
              f"account {i}: leverage {float(lev):.6f} outside [1.5, 20]")
        # the multiplier: >= 1 up to the size's 4-decimal floor, <= the cap
        step = Fraction(1, 10**4) * spot[sym] / BASE
        check(Fraction(mults[-1]) >= 1 - step - Fraction(1, 10**9) and mults[-1] <= CAP, f"account {i}: multiplier {mults[-1]}")

    def binomial(count, p, what, n=n):
        sd = math.sqrt(n * p * (1 - p))
        ok = abs(count - n * p) <= SIGMAS * sd
        check(ok, f"{what}: {count} of {n}, expected {n * p:.0f} +- {SIGMAS * sd:.0f}")
        return f"{what} {count} ({count / n:.4f}, stated {p:.4f})"

    lines = [binomial(kinds.count(k), float(p), k) for k, p in MIX.items()]
    syms = sorted(set(unders))
    lines += [binomial(unders.count(s), 1 / len(syms), "underlying " + s) for s in syms]
    lines.append(binomial(sum(longs), LONG_SHARE, "directional long", len(longs)))
    crit = 1.95 / math.sqrt(n)
    d_pareto = ks(mults, capped_pareto_cdf)
    check(d_pareto < crit, f"notional vs capped Pareto: KS {d_pareto:.4f} >= {crit:.4f}")
    lo, hi = math.log(1.5), math.log(20)
    d_lev = ks([math.log(float(x)) for x in levs], lambda y: min(1.0, max(0.0, (y - lo) / (hi - lo))))
    check(d_lev < crit, f"log leverage vs uniform: KS {d_lev:.4f} >= {crit:.4f}")
    share = top_share(mults)
    law = expected_top_share()
    check(abs(share - law) <= SHARE_TOL, f"top 1 % share {share:.4f} not within {SHARE_TOL} of the law's {law:.4f}")
    lines += [f"notional KS {d_pareto:.4f} (< {crit:.4f})", f"log-leverage KS {d_lev:.4f} (< {crit:.4f})",
              f"leverage min {float(min(levs)):.4f} max {float(max(levs)):.4f}",
              f"multiplier min {min(mults):.4f} max {max(mults):.2f}",
              f"top 1 % share of notional {share:.4f} (the law: {law:.4f} +- {SHARE_TOL})"]
    if seed is not None:
        lines.append(f"every account redrawn from Philox (seed {seed}): strategy, side, underlying, strike exact; size, cash within a tick")
    if not quiet:
        print(f"{n} accounts")
        for ln in lines:
            print("  " + ln)
    for f in failures[:20]:
        print("FAIL: " + f)
    print(f"cascade book check: {'ok' if not failures else str(len(failures)) + ' failures'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
