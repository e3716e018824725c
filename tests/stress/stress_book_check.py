"""`margin stress-book` (check_stress.py 7) against the per-account stress door; 1 and 2 threads."""
import json
import os
import random

from stress_common import E18, TMP, book, check, fmt, run, wad


def book_check(n):
    """margin stress-book against the per-account stress door: counts, shortfall, uncovered, top, worst."""
    rng = random.Random(20261208)
    accounts = []
    for i in range(n):
        r = book()
        r["account"]["cash"] = str(rng.randint(-20000, 40000))
        for p in r["account"]["positions"]:
            p["size"] = fmt(wad(p["size"]) * rng.randint(1, 30) // 10)
        if i % 3 == 1:
            r["params"] = "pmrm2"
        accounts.append(r)
    path = os.path.join(TMP, "book.jsonl")
    with open(path, "w") as f:
        f.write("\n".join(json.dumps(a) for a in accounts) + "\n\n")  # an empty last line is skipped
    fund = 5000 * E18
    got = run(["stress-book", path, "--scenarios", "textbook", "--shock", "BTC:spot=-45%,vol=+0.2", "--insurance-fund", fmt(fund),
               "--top", "3", "--threads", "2", "--compact"], "").get("stress_book", {})
    per = [run(["stress", "--compact", "--scenarios", "textbook", "--shock", "BTC:spot=-45%,vol=+0.2"], json.dumps(a))["stress"]
           for a in accounts]
    check(got.get("accounts") == str(n), f"book: {n} accounts")
    check(got.get("before", {}).get("liquidatable") == str(sum(r["before"]["liquidatable"] for r in per)), "book: liquidatable before")
    worst = None
    for k, sc in enumerate(got.get("scenarios", [])):
        cells = [r["scenarios"][k] for r in per]
        liq = sum(c["liquidatable"] for c in cells)
        newly = sum(c["liquidatable"] and not r["before"]["liquidatable"] for c, r in zip(cells, per))
        short = sum(max(0, -wad(c["equity"])) for c in cells)
        pnl = sum(wad(c["pnl"]) for c in cells)
        order = sorted(range(n), key=lambda a: (-max(0, -wad(cells[a]["equity"])), wad(cells[a]["pnl"]), a))[:3]
        want = {"name": cells[0]["name"], "liquidatable": str(liq), "newly_liquidatable": str(newly), "pnl": fmt(pnl), "shortfall": fmt(short),
                "uncovered": fmt(max(0, short - fund)), "covered": short <= fund,
                "top": [{"line": str(a + 1), "shortfall": fmt(max(0, -wad(cells[a]["equity"]))), "equity": cells[a]["equity"],
                         "pnl": cells[a]["pnl"]} for a in order]}
        check(sc == want, f"book scenario {k}: {json.dumps(sc)[:400]} vs {json.dumps(want)[:400]}")
        if worst is None or (short, -pnl) > worst[1]:
            worst = (k, (short, -pnl))
    check(got.get("worst", {}).get("index") == str(worst[0]) if worst else False, "book: the worst scenario")
    one = run(["stress-book", path, "--scenarios", "textbook", "--shock", "BTC:spot=-45%,vol=+0.2", "--insurance-fund", fmt(fund),
               "--top", "3", "--threads", "1", "--compact"], "").get("stress_book", {})
    check(one == got, "book: the same result on one thread and on two")
    # bad books: empty, a bad line (its pointer under /book/<line - 1>)
    with open(path, "w") as f:
        f.write("\n")
    e = run(["stress-book", path, "--scenarios", "textbook", "--compact"], "").get("error", {})
    check((e.get("code"), e.get("path")) == ("OUT_OF_RANGE", "/book"), f"an empty book: {e}")
    bad = book()
    bad["account"]["cash"] = 5
    with open(path, "w") as f:
        f.write(json.dumps(book()) + "\n" + json.dumps(bad) + "\n")
    e = run(["stress-book", path, "--scenarios", "textbook", "--compact"], "").get("error", {})
    check((e.get("code"), e.get("path")) == ("JSON_NUMBER", "/book/1/account/cash"), f"a bad line in a book: {e}")
    print(f"book: {n} accounts x {len(got.get('scenarios', []))} scenarios equal the per-account stress door's figures; 1 and 2 threads agree")
