#!/usr/bin/env python3
"""Writes the committed seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from the
repository's own documents: the example request and presets, a slice of the API parity corpus,
the replay fixture, the keeper's recorded node answers, and hand-made ABI encodings.

    python3 tests/fuzz/make_seeds.py     (from the repository root; deterministic)
"""
import hashlib
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "tests", "fuzz", "corpus")


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def compact(j):
    return json.dumps(j, separators=(",", ":"))


example = json.load(open(os.path.join(root, "core", "api", "examples", "default.json")))
# --- requests ---------------------------------------------------------------------
put("fuzz_request", compact(example))
pm = dict(example, params="pmrm2")
put("fuzz_request", compact(pm))
put("fuzz_request", compact(dict(example, params="span16")))
put("fuzz_request", compact(dict(example, params=json.load(open(os.path.join(root, "core", "api", "params", "portfolio-pmrm2.json"))))))
iso = json.loads(compact(example))
iso["account"]["margin_mode"] = "isolated"
for p in iso["account"]["positions"]:
    p["isolated_margin"] = "1000"
put("fuzz_request", compact(iso))
gen = subprocess.run([sys.executable, os.path.join(root, "tests", "core", "gen_requests.py"), "--seed", "31", "--count", "40"],
                     check=True, capture_output=True, text=True).stdout.splitlines()
for line in gen:
    if len(line) < 3000:
        put("fuzz_request", line)
put("fuzz_request", '{"api_version":"1"}\0garbage')
# --- trades: byte 0 even = the standard example, odd = under pmrm2 -----------------------
trades = [
    {"positions": [{"type": "perp", "underlying": "BTC", "size": "0.5"}]},
    {"positions": [{"type": "option", "underlying": "BTC", "expiry": "1767945600", "strike": "95000", "option_type": "put", "size": "4"}]},
    {"positions": [{"type": "future", "underlying": "BTC", "expiry": "1774598400", "size": "-1", "entry_price": "100500"},
                   {"id": "new", "type": "option", "underlying": "ETH", "expiry": "1767945600", "strike": "3600", "option_type": "call",
                    "size": "2", "mark_vol": "0.7"}]},
    {"positions": []},
]
for t in trades:
    put("fuzz_trade", "0" + compact(t))
    put("fuzz_trade", "1" + compact(t))
# --- replay bundles ---------------------------------------------------------------------
bundle = json.load(open(os.path.join(root, "wasm", "test", "fixtures", "liquidation-bundle.json")))
put("fuzz_replay", compact(bundle))
b2 = json.loads(compact(bundle))
b2.pop("witness", None)
put("fuzz_replay", compact(b2))
put("fuzz_replay", '{"version":"replay/1"}')
# --- the node: each recorded answer, and a whole round's answers one per line -------------
answers = []
for name in sorted(os.listdir(os.path.join(root, "tests", "keeper", "fixtures"))):
    rec = json.load(open(os.path.join(root, "tests", "keeper", "fixtures", name)))
    for x in rec.get("exchanges", []):
        body = x["response"] if isinstance(x["response"], str) else compact(x["response"])
        answers.append(("" if x.get("status", 200) == 200 else "!") + body)
for a in answers[:40]:
    if len(a) < 4000:
        put("fuzz_rpc", a)
put("fuzz_rpc", "\n".join(a for a in answers[:12] if len(a) < 2000))
put("fuzz_rpc", '{"jsonrpc":"2.0","id":1,"result":"0x5f"}\n[{"jsonrpc":"2.0","id":2,"result":"0x7a69"},{"jsonrpc":"2.0","id":3,"result":"0x0"}]')
# --- ABI: type strings (byte 0 even) and data for the target's types (byte 0 odd, byte 1 the type)


def word(n):
    return (n % (1 << 256)).to_bytes(32, "big")


for t in ["uint256", "(int256,bool)[]", "tuple(int256 cash, address owner)[2]", "bytes32[][3]", "string", "((uint8,bytes)[],int16)"]:
    put("fuzz_abi", b"\0" + t.encode())
put("fuzz_abi", b"\1\2" + word(42))                                        # uint256
put("fuzz_abi", b"\1\3" + word((1 << 256) - 5))                              # int8 -5
put("fuzz_abi", b"\1\5" + word(32) + word(3) + b"abc" + bytes(29))           # bytes
put("fuzz_abi", b"\1\6" + word(32) + word(2) + b"hi" + bytes(30))            # string
put("fuzz_abi", b"\1\x07" + word(32) + word(3) + word(1) + word(2) + word(3))  # uint256[]
put("fuzz_abi", b"\1\x0b" + word(32) + word(2) + word(64) + word(160) + word(1) + word(32) + word(1) + word(7) + word(2) + word(32) + word(0))  # (int256,uint256[])[]
put("fuzz_abi", b"\1\x0c" + word(32) + word(2) + word(64) + word(128) + word(1) + word(5) + word(1) + word(6))  # uint256[][]
