"""Delta-gamma, Cornish-Fisher (check_risk.py 9): the engine's moments, VaR and ES recomputed in
mpmath from its own quadratic form, against the exact distribution of that form; the reference
mutated (the s^2 term dropped) is caught; CORNISH_FISHER_INVALID for a long straddle."""
import json
import math
import os
import sys

import mpmath as mp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from margin_testlib import E18, check, csv_path, day_number, example, history_text, read_closes, wad  # noqa: E402
from risk_common import ewma_var, run  # noqa: E402


def qf_moments(a, b, C):
    """Cumulants of Q = a'x + x'Bx/2, x ~ N(0, C), B = diag(b) (mpmath): k1 = tr(M)/2,
    k2 = a'Ca + tr(M^2)/2, k3 = tr(M^3) + 3 a'CMa, k4 = 3 tr(M^4) + 12 a'CM^2a, M = BC."""
    n = len(a)
    Cm, Bm, av = mp.matrix(C), mp.diag(b), mp.matrix(a)
    M = Bm * Cm
    tr = lambda X: sum(X[i, i] for i in range(n))
    q = lambda X: (av.T * Cm * X * av)[0, 0]
    return (tr(M) / 2, q(mp.eye(n)) + tr(M**2) / 2, tr(M**3) + 3 * q(M), 3 * tr(M**4) + 12 * q(M**2))


def cornish_fisher(k, alpha, drop_s2=False):
    """VaR and ES of the loss -Q by Cornish-Fisher (docs/risk.md §Delta-gamma)."""
    k1, k2, k3, k4 = k
    mu, sd = -k1, mp.sqrt(k2)
    s, ku = -k3 / k2**1.5, k4 / k2**2
    z = mp.sqrt(2) * mp.erfinv(2 * alpha - 1)
    s2 = 0 if drop_s2 else s * s
    zcf = z + s * (z * z - 1) / 6 + ku * (z**3 - 3 * z) / 24 - s2 * (2 * z**3 - 5 * z) / 36
    f = 1 + s * z / 6 + ku * (z * z - 1) / 24 - s2 * (2 * z * z - 1) / 36
    return mu, sd, s, ku, mu + sd * zcf, mu + sd * mp.npdf(z) * f / (1 - alpha)


def quadratic_tail(lam, c, v):
    """The exact P(L > v) and E[(L - v)+] of L = sum_j c_j w_j + lam_j w_j^2 / 2, w ~ N(0, I), 1 or 2
    terms: closed form in the last w given the first; the first integrated by composite Simpson on
    [-10, 10] with 4,000 intervals (doubles: the kinks where a root appears cost about 1e-7, far
    below the Cornish-Fisher errors this measures)."""
    Phi = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))
    phi = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    def one(A, B, Cq):  # P(q > 0), E[q 1{q > 0}] for q = A + B w + Cq w^2
        def seg(lo, hi):
            Pl, Ph = (Phi(lo) if lo is not None else 0.0), (Phi(hi) if hi is not None else 1.0)
            fl, fh = (phi(lo) if lo is not None else 0.0), (phi(hi) if hi is not None else 0.0)
            wl, wh = (lo * fl if lo is not None else 0.0), (hi * fh if hi is not None else 0.0)
            return Ph - Pl, A * (Ph - Pl) + B * (fl - fh) + Cq * ((Ph - Pl) + (wl - wh))
        if Cq == 0:
            if B == 0:
                return (1.0, A) if A > 0 else (0.0, 0.0)
            r = -A / B
            return seg(r, None) if B > 0 else seg(None, r)
        disc = B * B - 4 * A * Cq
        if disc <= 0:
            return seg(None, None) if Cq > 0 else (0.0, 0.0)
        qq = -0.5 * (B + math.copysign(math.sqrt(disc), B))  # the stable pair of roots: qq / Cq and A / qq
        r1, r2 = sorted((qq / Cq, A / qq))
        if Cq > 0:
            p1, e1 = seg(None, r1)
            p2, e2 = seg(r2, None)
            return p1 + p2, e1 + e2
        return seg(r1, r2)
    lam, c, v = [float(x) for x in lam], [float(x) for x in c], float(v)
    if len(lam) == 1:
        return one(-v, c[0], lam[0] / 2)
    n, lo, hi = 4000, -10.0, 10.0
    h = (hi - lo) / n
    P = E = 0.0
    for i in range(n + 1):
        w = lo + i * h
        wt = (1 if i in (0, n) else 4 if i % 2 else 2) * phi(w)
        p, e = one(c[0] * w + lam[0] * w * w / 2 - v, c[1], lam[1] / 2)
        P += wt * p
        E += wt * e
    return P * h / 3, E * h / 3


def exact_quadratic(a, b, C, alpha, guess):
    """VaR and ES of the loss -Q, Q = a'x + x'Bx/2, x ~ N(0, C), from its exact distribution: x = L w,
    L L' = C, L'BL = P diag(e) P', so -Q = sum_j (c_j w_j + lam_j w_j^2 / 2) with lam = -e,
    c = -P'L'a (w standard normal); VaR solves P(loss > v) = 1 - alpha (secant from the
    Cornish-Fisher VaR), ES = VaR + E[(loss - VaR)+] / (1 - alpha)."""
    n = len(a)
    L = mp.cholesky(mp.matrix(C))
    E, P = mp.eigsy(L.T * mp.diag(b) * L)
    cv = P.T * L.T * mp.matrix(a)
    lam = [-E[j] for j in range(n)]
    c = [-cv[j] for j in range(n)]
    target = 1 - float(alpha)
    f = lambda v: quadratic_tail(lam, c, v)[0] - target
    v0, v1 = float(guess), float(guess) * 0.97
    f0, f1 = f(v0), f(v1)
    for _ in range(40):
        if f1 == f0:
            break
        v0, v1, f0 = v1, v1 - f1 * (v1 - v0) / (f1 - f0), f1
        f1 = f(v1)
        if abs(v1 - v0) <= abs(v1) * 1e-12:
            break
    return mp.mpf(v1), mp.mpf(v1 + quadratic_tail(lam, c, v1)[1] / target)


def delta_gamma(margin, prices):
    # the exact machinery itself: a normal loss (b = 0) has VaR z sigma and ES sigma phi(z) / (1 - alpha);
    # a pure chi-square loss (one factor, a = 0) has P(L > v) = 2 (1 - Phi(sqrt(2 v / lam)))
    C2 = [[mp.mpf("0.0004"), mp.mpf("0.0003")], [mp.mpf("0.0003"), mp.mpf("0.0009")]]
    a2 = [mp.mpf(1000), mp.mpf(-400)]
    sd = mp.sqrt(sum(a2[i] * C2[i][j] * a2[j] for i in range(2) for j in range(2)))
    z = mp.sqrt(2) * mp.erfinv(2 * mp.mpf("0.99") - 1)
    xv, xe = exact_quadratic(a2, [mp.mpf("1e-9"), mp.mpf("-1e-9")], C2, mp.mpf("0.99"), z * sd * mp.mpf("1.01"))
    check(abs(xv - z * sd) < sd * mp.mpf("1e-6") and abs(xe - sd * mp.npdf(z) / mp.mpf("0.01")) < sd * mp.mpf("1e-6"),
          f"exact quadratic form: the normal case ({xv}, {xe} vs {z * sd})")
    p1, _ = quadratic_tail([mp.mpf(2)], [mp.mpf(0)], mp.mpf(3))
    check(abs(p1 - 2 * (1 - mp.ncdf(mp.sqrt(3)))) < mp.mpf("1e-12"), f"exact quadratic form: chi-square tail {p1}")
    series = {s: read_closes(csv_path(prices, s)) for s in ("BTC", "ETH")}
    h, lookback, lam = 2, 730, mp.mpf("0.97")
    last = day_number("2024-12-31")
    start = last - lookback + 1 - h - 30
    x = {s: [mp.log(mp.mpf(series[s][d]) / series[s][d - 1]) for d in range(start + 1, last + 1)] for s in series}
    alpha = mp.mpf("0.99")
    ex = example(margin)
    ex["history"] = history_text(prices, ("BTC", "ETH"))
    ex["account"]["collateral"] = {"USDC": "50000"}  # USDC does not move (no series)
    risk = {"method": "delta_gamma", "horizon_days": str(h), "lookback_days": str(lookback), "as_of": "2024-12-31"}
    books = {"option book": ex}
    # a short BTC straddle (one factor: the exact distribution in closed form), and a linear book
    strad = json.loads(json.dumps(ex))
    strad["account"]["positions"] = [
        {"type": "option", "underlying": "BTC", "expiry": "1774598400", "strike": "100000", "option_type": t, "size": "-1"}
        for t in ("call", "put")]
    books["short straddle"] = strad
    lin = json.loads(json.dumps(ex))
    lin["account"]["positions"] = [p for p in ex["account"]["positions"] if p["type"] != "option"]
    books["linear"] = lin
    for name, req in books.items():
        req["risk"] = risk
        rc, out, err = run(margin, req)
        check(rc == 0, f"delta_gamma {name} runs: {err} {out}")
        if rc != 0:
            continue
        r = out["risk"]
        dg = r["delta_gamma"]
        syms = sorted(dg["delta"])
        a = [mp.mpf(wad(dg["delta"][s])) / E18 for s in syms]
        b = [mp.mpf(wad(dg["gamma"][s])) / E18 for s in syms]
        C = [[ewma_var(x[s], x[t], lam) * h for t in syms] for s in syms]
        k = qf_moments(a, b, C)
        mu, sd, sk, ku, var, es = cornish_fisher(k, alpha)
        for key, want in (("sigma", sd), ("var", var), ("es", es)):
            got = mp.mpf(wad(r[key])) / E18
            check(abs(got - want) <= abs(sd) * mp.mpf("1e-9"), f"delta_gamma {name} {key}: {got} vs mpmath {want}")
        for key, want in (("mean", mu), ("skewness", sk), ("excess_kurtosis", ku)):
            got = mp.mpf(wad(dg[key])) / E18
            scale = abs(sd) if key == "mean" else 1
            check(abs(got - want) <= scale * mp.mpf("1e-9"), f"delta_gamma {name} {key}: {got} vs mpmath {want}")
        comp = sum(wad(v) for v in r["es_by_position"]) + sum(wad(v) for v in r["es_by_collateral"].values())
        check(comp == wad(r["es"]), f"delta_gamma {name}: components sum to ES exactly")
        # the reference bites: Cornish-Fisher without its s^2 term is off by more than the bound
        mvar = cornish_fisher(k, alpha, drop_s2=True)[4]
        check(abs(sk) < mp.mpf("0.01") or abs(mvar - var) > abs(sd) * mp.mpf("1e-9"), f"delta_gamma {name}: a mutated reference is caught")
        if name == "linear":
            mkt = req["market"]["underlyings"]
            want = {"BTC": mp.mpf(0), "ETH": mp.mpf(0)}
            for p in req["account"]["positions"]:
                u = mkt[p["underlying"]]
                want[p["underlying"]] += mp.mpf(wad(p["size"])) / E18 * mp.mpf(wad(u["perp_mark"] if p["type"] == "perp" else
                                                                                 [e for e in u["expiries"] if e["expiry"] == p["expiry"]][0]["forward"])) / E18
            for s in syms:
                check(abs(a[syms.index(s)] - want[s]) <= abs(want[s]) * mp.mpf("1e-15") and b[syms.index(s)] == a[syms.index(s)],
                      f"delta_gamma linear {s}: delta {a[syms.index(s)]} vs {want[s]}, gamma = delta")
        if name != "linear":  # Cornish-Fisher against the exact distribution of the same quadratic form
            xv, xe = exact_quadratic(a, b, C, alpha, var)
            print(f"delta_gamma {name}: skewness {mp.nstr(sk, 4)}, excess kurtosis {mp.nstr(ku, 4)}; Cornish-Fisher VaR {mp.nstr(var, 10)} "
                  f"vs exact {mp.nstr(xv, 10)} ({mp.nstr((var - xv) / xv * 100, 3)}%), ES {mp.nstr(es, 10)} vs exact {mp.nstr(xe, 10)} "
                  f"({mp.nstr((es - xe) / xe * 100, 3)}%)")
            check(abs(var - xv) <= abs(xv) * mp.mpf("0.1") and abs(es - xe) <= abs(xe) * mp.mpf("0.1"),
                  f"delta_gamma {name}: Cornish-Fisher within the documented 10% of the exact quadratic form")
    # a long straddle: bounded loss, strongly negative skew -> the expansion turns down in the tail
    strad["account"]["positions"] = [dict(p, size="1") for p in strad["account"]["positions"]]
    rc, out, err = run(margin, strad)
    check(rc == 1 and out["error"]["code"] == "CORNISH_FISHER_INVALID" and out["error"]["path"] == "/risk/method",
          f"delta_gamma long straddle: CORNISH_FISHER_INVALID ({out})")
