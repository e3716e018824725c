"""Reverse stress (check_stress.py 4) against a brute-force fine scan on generated accounts."""
import json
import random

from stress_common import E1, E18, E2, book, check, fmt, mulf, run, wad


def reverse_checks(n_accounts):
    rng = random.Random(20261207)
    same = 0
    for a in range(n_accounts):
        req = book()
        pos = []
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(["perp", "future", "call", "put"])
            size = fmt(rng.randint(-3000, 3000) * 10**15 or 10**15)
            if kind == "perp":
                pos.append({"type": "perp", "underlying": "BTC", "size": size})
            elif kind == "future":
                pos.append({"type": "future", "underlying": "BTC", "expiry": str(E1), "size": size})
            else:
                pos.append({"type": "option", "underlying": "BTC", "expiry": str(rng.choice([E1, E2])), "option_type": kind,
                            "strike": str(rng.choice([45000, 55000, 60000, 65000, 75000])), "size": size,
                            **({"mark_vol": "0.7"} if rng.random() < 0.5 else {})})
        # one instrument each
        seen, uniq = set(), []
        for p in pos:
            key = (p["type"], p.get("expiry"), p.get("option_type"), p.get("strike"))
            if key not in seen:
                seen.add(key)
                uniq.append(p)
        req["account"] = {"cash": str(rng.randint(2000, 30000)), "positions": uniq}
        move = rng.choice(["spot_down", "spot_up"])
        rq = dict(req, reverse_stress={"grid": "0.001", "scan": "0.02", "max": "0.6", "directions": [{"move": move, "underlying": "BTC"}]})
        r = run(["stress", "--reverse", "--compact"], json.dumps(rq))
        d = r.get("reverse_stress", {}).get("directions", [{}])[0]
        found = d.get("found", False)
        end = wad(d["distance"]) // 10**15 if found else 600
        sign = "-" if move == "spot_down" else ""
        liq = []
        for lo in range(0, end + 1, 250):  # the brute force: every grid point up to the one found
            sc = [{"name": str(k), "underlyings": {"BTC": {"spot": sign + fmt(k * 10**15)}}} for k in range(lo, min(lo + 250, end + 1))]
            res = run(["stress", "--compact"], json.dumps(dict(req, stress={"version": "stress/1", "scenarios": sc})))
            liq += [x["liquidatable"] for x in res["stress"]["scenarios"]]
        first = next((k for k, x in enumerate(liq) if x), None)
        if found:
            k = end
            check(liq[k], f"account {a}: the point found ({d['distance']}) is liquidatable")
            check(k == 0 or not liq[k - 1], f"account {a}: the grid point below it is not")
            check(not any(liq[j] for j in range(20, k, 20) if j < k - 20 or j <= k), f"account {a}: no scan point before it is liquidatable")
            check(d["liquidation_price"] == fmt(mulf(60000 * E18, E18 + wad(sign + fmt(k * 10**15)))), f"account {a}: liquidation price")
        else:
            check(first is None or first % 20 != 0, f"account {a}: not found, yet scan point {first} is liquidatable")
        same += (first == (end if found else None))
    print(f"reverse stress: {n_accounts} generated accounts; the brute-force fine scan finds the same point on {same}")
    return same
