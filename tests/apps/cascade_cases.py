"""The cascade/1 requests of tests/apps/test_cascade_cli.sh, and the independent check of their
figures (Python Fractions, every rounding by hand; the same small books as the hand-computed
cases of tests/core/test_cascade.cpp). Usage: cascade_cases.py write DIR | check NAME FILE."""
import json
import sys
from fractions import Fraction as F

STD = {"version": "standard/1", "underlyings": {"*": {
    "option": {"im_otm_base": "0.15", "im_floor": "0.1", "mm_otm_base": "0.075", "mm_floor": "0.075"},
    "perp": {"im_base": "0.02", "mm_base": "0.01", "size_slope": "0", "max_rate": "1"},
    "future": {"im_base": "0.02", "mm_base": "0.01", "size_slope": "0", "max_rate": "1"}}}, "collateral": {}}
TS = "1767225600"


def market(mark, ts=TS):
    return {"timestamp": ts, "underlyings": {"BTC": {"spot": mark, "perp_mark": mark}}}


def acct(cash, perp=None):
    a = {"margin_mode": "cross", "cash": cash, "positions": []}
    if perp:
        a["positions"].append({"type": "perp", "underlying": "BTC", "size": perp, "entry_price": "100"})
    return {"account": a}


def market_request(adl="none", model="linear"):
    return {"api_version": "1", "cascade": {
        "mode": "market", "market": market("100"), "params": STD,
        "accounts": [acct("12", "10"), acct("40", "5"), acct("500", "-15"), acct("100")],
        "rule": {"buffer": "0.1", "reward": "0.05"}, "insurance_fund": "50", "loss": {"adl": adl},
        "liquidity": {"BTC": {"model": model, "depth": "10000", "k": "1", "max_impact": "0.5"}},
        "shock": {"underlyings": {"BTC": {"spot": "-0.1"}}}, "steps": "20"}}


def house_request():
    return {"api_version": "1", "cascade": {
        "mode": "house", "market": market("100"), "params": "pmrm2",
        "accounts": [acct("5", "10"), acct("1000", "-10"), acct("100000"), acct("1")],
        "liquidators": ["3", "2"], "rule": {"buffer": "0.1", "reward": "0.05"}, "insurance_fund": "10",
        "shock": {"path": [market("95"), market("90")]}, "steps": "10"}}


def house_vols_request(vol="0.6"):
    """house_request with a short put on account 0 and each push carrying its series' vol (None: a path of markets alone)."""
    T = "1769904000"
    r = house_request()
    c = r["cascade"]
    for m in [c["market"]] + c["shock"]["path"]:
        m["underlyings"]["BTC"]["expiries"] = [{"expiry": T, "forward": m["underlyings"]["BTC"]["spot"], "rate": "0"}]
    c["accounts"][0]["account"]["positions"].append(
        {"type": "option", "underlying": "BTC", "expiry": T, "option_type": "put", "strike": "90", "size": "-1", "mark_vol": "0.5"})
    if vol is not None:
        c["shock"]["path"] = [{"market": m, "vols": [{"expiry": T, "strike": "90", "option_type": "put", "mark_vol": vol}]}
                              for m in c["shock"]["path"]]
    return r


def errors():
    """name -> (request, code, path)"""
    out = {}
    r = market_request(); r["cascade"]["accounts"] = []
    out["empty_book"] = (r, "OUT_OF_RANGE", "/cascade/accounts")
    r = market_request(); r["cascade"]["liquidity"]["BTC"]["max_impact"] = "1"
    out["max_impact"] = (r, "OUT_OF_RANGE", "/cascade/liquidity/BTC/max_impact")
    r = market_request(); r["cascade"]["liquidity"]["BTC"]["depth"] = "0"
    out["depth"] = (r, "OUT_OF_RANGE", "/cascade/liquidity/BTC/depth")
    r = market_request(); r["cascade"]["liquidity"]["BTC"]["k"] = "-1"
    out["k"] = (r, "OUT_OF_RANGE", "/cascade/liquidity/BTC/k")
    r = market_request(); r["cascade"]["steps"] = "0"
    out["steps0"] = (r, "BAD_COUNT", "/cascade/steps")
    r = market_request(); r["cascade"]["steps"] = "1001"
    out["steps1001"] = (r, "BAD_COUNT", "/cascade/steps")
    r = market_request(); r["cascade"]["mode"] = "bank"
    out["mode"] = (r, "BAD_ENUM", "/cascade/mode")
    r = market_request(); r["cascade"]["loss"]["adl"] = "fifo"
    out["adl"] = (r, "BAD_ENUM", "/cascade/loss/adl")
    r = market_request(); r["cascade"]["frobnicate"] = "1"
    out["unknown"] = (r, "UNKNOWN_FIELD", "/cascade/frobnicate")
    r = market_request(); r["api_version"] = "2"
    out["version"] = (r, "UNSUPPORTED_VERSION", "/api_version")
    r = market_request(); r["cascade"]["params"] = "nosuch"
    out["preset"] = (r, "UNKNOWN_PRESET", "/cascade/params")
    r = market_request(); del r["cascade"]["rule"]
    out["rule"] = (r, "MISSING_FIELD", "/cascade/rule")
    r = market_request(); r["cascade"]["accounts"][1]["account"]["cash"] = "x"
    out["cash"] = (r, "BAD_DECIMAL", "/cascade/accounts/1/account/cash")
    r = market_request()
    r["cascade"]["liquidity"]["BTC"] = {"model": "levels", "bids": [{"price": "89", "size": "5"}, {"price": "89", "size": "5"}],
                                        "max_impact": "0.5"}
    out["levels"] = (r, "OUT_OF_RANGE", "/cascade/liquidity/BTC/bids/1")
    r = house_request(); r["cascade"]["liquidators"] = ["3", "4"]
    out["liquidator"] = (r, "BAD_COUNT", "/cascade/liquidators/1")
    r = market_request(); r["cascade"]["shock"] = {"path": []}
    out["market_path"] = (r, "OUT_OF_RANGE", "/cascade/shock/path")
    r = house_request(); r["cascade"]["accounts"][0]["account"]["margin_mode"] = "isolated"
    out["isolated"] = (r, "MODE_NOT_SUPPORTED", "/cascade/accounts/0/account/margin_mode")
    r = house_request(); r["cascade"]["params"] = STD
    out["house_std"] = (r, "MODEL_NOT_SUPPORTED", "/cascade/accounts/0")
    # a future expiring at T held by account 2; the second push at T crosses it
    T = "1767830400"
    r = house_request()
    for m in [r["cascade"]["market"]] + r["cascade"]["shock"]["path"]:
        m["underlyings"]["BTC"]["expiries"] = [{"expiry": T, "forward": m["underlyings"]["BTC"]["spot"], "rate": "0"}]
    r["cascade"]["accounts"][2]["account"]["positions"].append(
        {"type": "future", "underlying": "BTC", "expiry": T, "size": "1", "entry_price": "100"})
    r["cascade"]["shock"]["path"][1]["timestamp"] = T
    r["cascade"]["shock"]["path"][1]["underlyings"]["BTC"]["expiries"] = []
    out["expiry"] = (r, "OUT_OF_RANGE", "/cascade/shock/path/1")
    # a house push's series vols (docs/cascade.md §Request)
    r = house_vols_request(); r["cascade"]["shock"]["path"][1]["vols"][0]["mark_vol"] = "10.5"
    out["push_vol"] = (r, "OUT_OF_RANGE", "/cascade/shock/path/1/vols/0/mark_vol")
    r = house_vols_request(); r["cascade"]["shock"]["path"][0]["vols"][0]["strike"] = "95"
    out["push_series"] = (r, "OUT_OF_RANGE", "/cascade/shock/path/0/vols/0")
    r = house_vols_request(); r["cascade"]["shock"]["path"][0]["vols"] *= 2
    out["push_twice"] = (r, "OUT_OF_RANGE", "/cascade/shock/path/0/vols/1")
    r = house_vols_request(); r["cascade"]["shock"]["path"][0]["vols"][0]["option_type"] = "straddle"
    out["push_kind"] = (r, "BAD_ENUM", "/cascade/shock/path/0/vols/0/option_type")
    r = house_vols_request(); r["cascade"]["shock"]["path"][0]["frobnicate"] = "1"
    out["push_field"] = (r, "UNKNOWN_FIELD", "/cascade/shock/path/0/frobnicate")
    r = house_vols_request(); r["cascade"]["shock"]["path"][1]["market"]["underlyings"]["BTC"]["spot"] = "x"
    out["push_market"] = (r, "BAD_DECIMAL", "/cascade/shock/path/1/market/underlyings/BTC/spot")
    r = market_request(); r["cascade"]["shock"] = {"path": [house_vols_request()["cascade"]["shock"]["path"][0]]}
    r["cascade"]["accounts"] = house_vols_request()["cascade"]["accounts"]
    r["cascade"]["market"] = house_vols_request()["cascade"]["market"]
    out["push_market_mode"] = (r, "MODE_NOT_SUPPORTED", "/cascade/shock/path/0/vols")
    return out


def cdiv(a, b):
    return -((-a) // b)


def wad(x):  # a Fraction to the decimal the engine prints (exact; 18 digits at most)
    x = F(x)
    assert (x * 10**18).denominator == 1, x
    s = "-" if x < 0 else ""
    n = abs(x.numerator * 10**18 // x.denominator)
    i, f = divmod(n, 10**18)
    return s + str(i) + ("." + str(f).rjust(18, "0").rstrip("0") if f else "")


def ceil18(x):
    return -floor18(-F(x))


def trunc18(x):
    return floor18(x) if x >= 0 else ceil18(x)


def floor18(x):
    return F((F(x) * 10**18).numerator // (F(x) * 10**18).denominator, 10**18)


def check_market(doc, adl, model="linear"):
    """Step 0 of the market book, recomputed: accounts 0 and 1 fall below MM at 90."""
    c = doc["cascade"]
    s0 = c["steps"][0]
    mark0 = F(90)
    eq = [12 + 10 * (mark0 - 100), 40 + 5 * (mark0 - 100), 500 - 15 * (mark0 - 100), F(100)]
    mm = [F(1, 100) * abs(sz) * mark0 for sz in (10, 5, 15, 0)]  # perp mm_base 0.01 x notional
    liq = [i for i in range(4) if eq[i] < mm[i]]
    assert [l["account"] for l in s0["liquidations"]] == liq == [0, 1], s0["liquidations"]
    flow = -sum([10, 5, -15, 0][i] for i in liq)
    N = cdiv(abs(flow) * mark0.numerator, mark0.denominator)
    x = floor18(F(N, 10000))
    if model == "sqrt":  # floor_sqrt on 18 decimals: the largest r with r^2 <= x
        from math import isqrt
        x = F(isqrt(x.numerator * 10**36 // x.denominator), 10**18)
    impact = min(F(1, 2), x)
    new = floor18(mark0 * (1 - impact))
    u = s0["underlyings"]["BTC"]
    assert (u["flow"], u["impact"], u["price"], u["price_no_feedback"]) == (wad(flow), wad(impact), wad(new), "90"), u
    pay0 = 10 * (new - 100)
    cash0 = 12 + pay0
    fund = F(50)
    ins0 = min(fund, -cash0)
    rest0 = -cash0 - ins0
    l0, l1 = s0["liquidations"]
    assert (l0["equity"], l0["fraction"], l0["reward"], l0["payment"]) == (wad(eq[0]), "1", "0", wad(pay0)), l0
    assert (l0["shortfall"], l0["insurance"]) == (wad(-cash0), wad(ins0)), l0
    pay1 = 5 * (new - 100)
    if adl == "none":
        # the loss scale: claims = positive cash of the others (40 + 500 + 100), scale (C - B) / C
        C = F(40 + 500 + 100)
        cash1 = floor18(40 * (C - rest0) / C) + pay1
        assert l1["shortfall"] == wad(-cash1), l1
        assert s0["bad_debt"] == wad(rest0 - cash1), s0
        assert s0["counterparty"] == wad(-(pay0 + pay1)), s0
    else:
        cash1 = 40 + pay1
        assert l1["shortfall"] == wad(-cash1), l1
        charges = [a for l in s0["liquidations"] for a in l["adl"]]
        assert all(a["account"] == 2 for a in charges), charges
        assert sum(F(a["charge"]) for a in charges) == rest0 - cash1 == F("230.25")
        assert s0["bad_debt"] == "0"
        # the only profitable perp, account 2's short 15 from 100, gives up each deficit in turn:
        # phi = ceil(charge / upnl), q = trunc(size phi), notional ceil(|q| mark), realised floor(q (mark - entry))
        size, move, paid, notionals = F(-15), new - 100, F(0), []
        for charge in (rest0, -cash1):
            upnl = floor18(size * move)
            phi = ceil18(charge / upnl)
            q = trunc18(size * phi)
            notionals.append(ceil18(abs(q) * new))
            paid += floor18(q * move)
            size -= q
        assert [l["adl"][0]["notional"] for l in s0["liquidations"]] == [wad(n) for n in notionals], s0
        assert [l["adl"][0]["charge"] for l in s0["liquidations"]] == [wad(rest0), wad(-cash1)], s0
        assert s0["adl_notional"] == wad(sum(notionals)), s0
        assert s0["counterparty"] == wad(-(pay0 + pay1) - paid), s0
    t = c["total"]
    assert t["amplification"]["BTC"] == wad(floor18((new - 100) / (mark0 - 100))), t
    assert (t["steps_run"], t["capped"], t["fund_used"]) == (1, False, wad(ins0)), t
    assert t["liquidations"] == 2 and s0["count"] == 2


def check_house(doc):
    c = doc["cascade"]
    steps = c["steps"]
    assert len(steps) == 2, len(steps)
    l0 = steps[0]["liquidations"][0]
    eq = 5 + 10 * (95 - 100)  # perps only: equity = settled cash
    assert (l0["account"], l0["liquidator"], l0["equity"], l0["fraction"], l0["reward"]) == (0, 2, wad(eq), "1", "0"), l0
    assert (l0["shortfall"], l0["insurance"], l0["socialised"]) == (wad(-eq), "10", wad(-eq - 10)), l0
    assert steps[0]["fund"] == "0" and steps[1]["underlyings"]["BTC"]["price"] == "90"
    assert steps[1]["liquidations"] == []
    assert c["total"]["liquidations"] == 1 and c["total"]["capped"] is False


def keccak256(data):
    """Keccak-256 (the pre-SHA-3 padding 0x01, as Ethereum's), from the permutation's definition."""
    RC = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
          0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
          0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
          0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
          0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
    ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
    M = (1 << 64) - 1
    rol = lambda v, n: ((v << n) | (v >> (64 - n))) & M if n else v
    rate = 136
    msg = bytearray(data) + b"\x01"
    msg += b"\x00" * (-len(msg) % rate)
    msg[-1] |= 0x80
    A = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        for i in range(rate // 8):
            A[i % 5][i // 5] ^= int.from_bytes(msg[off + 8 * i: off + 8 * i + 8], "little")
        for rc in RC:
            C = [A[x][0] ^ A[x][1] ^ A[x][2] ^ A[x][3] ^ A[x][4] for x in range(5)]
            D = [C[(x - 1) % 5] ^ rol(C[(x + 1) % 5], 1) for x in range(5)]
            A = [[A[x][y] ^ D[x] for y in range(5)] for x in range(5)]
            B = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    B[y][(2 * x + 3 * y) % 5] = rol(A[x][y], ROT[x][y])
            A = [[B[x][y] ^ (~B[(x + 1) % 5][y] & B[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
            A[0][0] ^= rc
    return b"".join(A[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"


def check_hash(doc):
    steps = json.dumps(doc["cascade"]["steps"], separators=(",", ":"), ensure_ascii=False)
    assert doc["cascade"]["log_hash"] == "0x" + keccak256(steps.encode()).hex(), "log_hash"


if __name__ == "__main__":
    if sys.argv[1] == "write":
        d = sys.argv[2]
        for name, req in [("market_none", market_request()), ("market_ranked", market_request("ranked")),
                          ("market_pro_rata", market_request("pro_rata")),
                          ("market_sqrt", market_request("none", "sqrt")), ("house", house_request()),
                          ("house_vols_none", house_vols_request(None)), ("house_vols_same", house_vols_request("0.5")),
                          ("house_vols", house_vols_request("3"))]:
            json.dump(req, open(f"{d}/{name}.json", "w"))
        with open(f"{d}/errors.txt", "w") as f:
            for name, (req, code, path) in errors().items():
                json.dump(req, open(f"{d}/err_{name}.json", "w"))
                f.write(f"{name} {code} {path}\n")
    else:
        name, doc = sys.argv[2], json.load(open(sys.argv[3]))
        if name == "market_sqrt":
            check_market(doc, "none", "sqrt")
        elif name.startswith("market_"):
            check_market(doc, name[7:])
        else:
            check_house(doc)
        check_hash(doc)
        print("ok", name)
