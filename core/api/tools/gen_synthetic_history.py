#!/usr/bin/env python3
"""Generate the SYNTHETIC daily price history shipped with the engine.

    python3 core/api/tools/gen_synthetic_history.py > core/api/examples/history-synthetic.json

The output is the shipped document "history/synthetic" (core/api/CMakeLists.txt): the
zero-setup history of `margin var --synthetic`, of the npm package's `syntheticHistory()`,
of the preview page's risk panel and of the risk requests of the API parity corpus. It is
NOT market data: it is invented by this script, from a fixed seed, to look like crypto
closes (fat tails, volatility clustering, correlated majors, a stablecoin de-peg), so that
risk measures can be shown and compared without a licence question.

The model (daily, 1,600 days ending 2025-12-31, one close per calendar day, no gaps):

- BTC and ETH: GARCH(1,1) variances, s2 = w + a e^2 + b s2 with a = 0.08, b = 0.90 and
  long-run daily volatility 3.2% (BTC) and 4.3% (ETH); innovations bivariate Student t
  with nu = 4 degrees of freedom (one shared chi-square: tail dependence), scaled to unit
  variance, Gaussian correlation 0.8. Simple returns r = s e, clamped to [-0.45, +0.45];
  close = previous close x (1 + r).
- Two scripted episodes on top: a crash (BTC -19% and ETH -24% over two days, 2024-08-04/05)
  and a USDC de-peg (to 0.8817 on 2023-03-11, recovered within a week).
- USDC: 1 + an AR(1) deviation (phi 0.7, daily noise 0.0003), rounded to 4 decimals.

Determinism: only random.random() (Mersenne Twister, exact) and correctly rounded IEEE
operations (+ - x / sqrt) are used; normals are Irwin-Hall sums of 12 uniforms. So every
machine's Python regenerates the committed file byte for byte (a test checks it). The
closes are rounded half-even to 2 (BTC, ETH) or 4 (USDC) decimals through Decimal, exactly.
"""
import argparse
import datetime
import json
import math
import random
from decimal import ROUND_HALF_EVEN, Decimal

DAYS = 1600
LAST = datetime.date(2025, 12, 31)
SEED = 20260126
NU = 4
RHO = 0.8
GARCH_A, GARCH_B = 0.08, 0.90
VOL = {"BTC": 0.032, "ETH": 0.043}
START = {"BTC": 45000.0, "ETH": 3000.0}
CRASH = {"2024-08-04": {"BTC": -0.09, "ETH": -0.11}, "2024-08-05": {"BTC": -0.11, "ETH": -0.145}}
DEPEG = {"2023-03-10": 0.9712, "2023-03-11": 0.8817, "2023-03-12": 0.9345, "2023-03-13": 0.9781,
         "2023-03-14": 0.9912, "2023-03-15": 0.9968, "2023-03-16": 0.9989}


def normal(r):
    """An approximately standard normal draw: the Irwin-Hall sum of 12 uniforms, minus 6 (exact IEEE)."""
    s = 0.0
    for _ in range(12):
        s += r.random()
    return s - 6.0


def close(x, places):
    return str(Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


def generate(seed):
    r = random.Random(seed)
    days = [LAST - datetime.timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    price = dict(START)
    var = {s: v * v for s, v in VOL.items()}
    last_e = {s: 0.0 for s in VOL}
    usdc_dev = 0.0
    rows = {"BTC": [], "ETH": [], "USDC": []}
    t_scale = math.sqrt((NU - 2) / NU)  # a t variable with nu dof has variance nu / (nu - 2)
    rho_c = math.sqrt(1 - RHO * RHO)
    for i, day in enumerate(days):
        iso = day.isoformat()
        # draws happen every day in the same order, whatever the day, so an episode changes only itself
        z1, z2 = normal(r), normal(r)
        chi2 = sum(normal(r) ** 2 for _ in range(NU))
        u = normal(r)
        if i > 0:
            w = math.sqrt(NU / chi2) * t_scale
            e = {"BTC": z1 * w, "ETH": (RHO * z1 + rho_c * z2) * w}
            for s in VOL:
                long_run = VOL[s] * VOL[s]
                var[s] = long_run * (1 - GARCH_A - GARCH_B) + GARCH_A * var[s] * last_e[s] ** 2 + GARCH_B * var[s]
                ret = math.sqrt(var[s]) * e[s]
                ret = min(0.45, max(-0.45, ret + CRASH.get(iso, {}).get(s, 0.0)))
                price[s] *= 1 + ret
                last_e[s] = e[s] if abs(e[s]) < 6 else math.copysign(6, e[s])
            usdc_dev = 0.7 * usdc_dev + 0.0003 * u
        rows["BTC"].append((iso, close(price["BTC"], 2)))
        rows["ETH"].append((iso, close(price["ETH"], 2)))
        rows["USDC"].append((iso, DEPEG[iso] if iso in DEPEG else close(1 + usdc_dev, 4)))
    return {s: "date,close\n" + "".join(f"{d},{c}\n" for d, c in v) for s, v in rows.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=SEED)
    a = ap.parse_args()
    history = generate(a.seed)
    first = LAST - datetime.timedelta(days=DAYS - 1)
    doc = {
        "label": "SYNTHETIC",
        "description": "SYNTHETIC daily closes, NOT market data: invented from a fixed seed by "
                       "core/api/tools/gen_synthetic_history.py (GARCH(1,1) with Student t innovations, "
                       "BTC/ETH correlated, a crash and a USDC de-peg episode) for demos and parity tests.",
        "generator": f"python3 core/api/tools/gen_synthetic_history.py --seed {a.seed}",
        "seed": str(a.seed),
        "first": first.isoformat(),
        "last": LAST.isoformat(),
        "history": history,
    }
    # one series per line: readable headers, diffable by series
    lines = ["{"]
    items = list(doc.items())
    for k, v in items:
        if k == "history":
            lines.append('  "history": {')
            hs = list(v.items())
            for j, (s, csv) in enumerate(hs):
                lines.append(f"    {json.dumps(s)}: {json.dumps(csv)}" + ("," if j + 1 < len(hs) else ""))
            lines.append("  }")
        else:
            lines.append(f"  {json.dumps(k)}: {json.dumps(v)},")
    lines.append("}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
