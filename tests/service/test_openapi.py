#!/usr/bin/env python3
"""service/openapi.json against the server (docs/service.md, "HTTP API"):

1. the document's operations are exactly the routes margin-serve registers
   (`margin-serve --routes`, printed from the table the server registers from), both ways;
2. every $ref resolves, every operation has responses, every path parameter is declared;
3. on a running server (127.0.0.1, a small generated book), each documented operation is
   called: the status is one the document lists for it, and a JSON body validates against
   the schema the document gives for that status (jsonschema);
4. the checks bite: a route missing from the document, a route the server does not have, and
   a body that does not match its schema are each reported.

    test_openapi.py MARGIN_SERVE OPENAPI_JSON WORKDIR"""
import json
import os
import shutil
import subprocess
import sys
import urllib.request

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_book  # noqa: E402
from common import Server  # noqa: E402

serve_bin, doc_path, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


doc = json.load(open(doc_path))
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def documented(d):
    return {(m.upper(), p) for p, item in d["paths"].items() for m in item if m in METHODS}


def route_mismatch(registered, documented_ops):
    out = [f"registered, not documented: {m} {p}" for m, p in sorted(registered - documented_ops)]
    out += [f"documented, not registered: {m} {p}" for m, p in sorted(documented_ops - registered)]
    return out


# 1. the routes, both ways
routes = json.loads(subprocess.run([serve_bin, "--routes"], check=True, capture_output=True, text=True).stdout)
registered = {(r["method"], r["path"]) for r in routes}
check(len(registered) == len(routes), "no route registered twice")
mism = route_mismatch(registered, documented(doc))
check(not mism, f"openapi.json and the server's routes differ: {mism}")
print(f"{len(registered)} routes registered, the same {len(documented(doc))} operations documented")


# 2. the document hangs together
def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def resolve(ref):
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


for r in refs(doc):
    try:
        resolve(r)
    except (KeyError, AssertionError):
        check(False, f"unresolved $ref {r}")
check(doc["openapi"].startswith("3.0"), "an OpenAPI 3.0 document")
for p, item in doc["paths"].items():
    declared = {q["name"] for q in item.get("parameters", []) if q["in"] == "path"}
    for m, op in item.items():
        if m not in METHODS:
            continue
        check(op.get("responses"), f"{m} {p}: no responses")
        names = declared | {q["name"] for q in op.get("parameters", []) if q["in"] == "path"}
        want = {seg[1:-1] for seg in p.split("/") if seg.startswith("{")}
        check(names == want, f"{m} {p}: path parameters {names} != {want}")


# 3. the live server answers as documented
def schema_for(path, method, status, ctype="application/json"):
    op = doc["paths"][path][method.lower()]
    resp = op["responses"].get(str(status))
    if resp is None:
        return None, False
    content = resp.get("content", {}).get(ctype)
    sch = content["schema"] if content else None
    return ({**sch, "components": doc["components"]} if sch else None), True


def conforms(path, method, status, body):
    """Problems with an answer against the document (empty: none)."""
    sch, listed = schema_for(path, method, status)
    if not listed:
        return [f"{method} {path}: status {status} is not documented"]
    if sch is None:
        return []
    try:
        v = jsonschema.Draft7Validator(sch)
        errs = [e.message for e in v.iter_errors(json.loads(body))]
    except ValueError as e:
        errs = [f"not JSON: {e}"]
    return [f"{method} {path} {status}: {e}" for e in errs[:3]]


book = os.path.join(work, "book.jsonl")
gen_book.main.__globals__["sys"].argv = ["gen_book.py", "6", book, "--seed", "3", "--legs", "3"]
gen_book.main()
lines = [json.loads(x) for x in open(book)]
srv = Server(serve_bin, os.path.join(work, "o.db"), "--load", book, "--no-auth")
try:
    acct = lines[1]["request"]
    calls = [
        ("GET", "/accounts", "/accounts?limit=2", None),
        ("GET", "/accounts", "/accounts?health=nope", None),
        ("GET", "/accounts/{id}", "/accounts/a1", None),
        ("GET", "/accounts/{id}", "/accounts/nobody", None),
        ("GET", "/accounts/{id}", "/accounts/bad!id", None),
        ("PUT", "/accounts/{id}", "/accounts/new1", acct),
        ("PUT", "/accounts/{id}", "/accounts/new1", acct),
        ("PUT", "/accounts/{id}", "/accounts/new2", {"api_version": "1", "account": {"positions": "x"}}),
        ("GET", "/accounts/{id}/request", "/accounts/a1/request", None),
        ("GET", "/accounts/{id}/margin", "/accounts/a1/margin", None),
        ("POST", "/preview", "/preview", {"account": "a1", "trade": {"positions": []}}),
        ("POST", "/preview", "/preview", {"account": "nobody", "trade": {"positions": []}}),
        ("POST", "/risk", "/risk", {"history": {"BTC": [["2025-01-0" + str(d), str(100000 + d)] for d in range(1, 10)],
                                                "ETH": [["2025-01-0" + str(d), str(3500 + d)] for d in range(1, 10)]},
                                    "risk": {"lookback_days": "5", "method": "historical"}}),
        ("POST", "/risk", "/risk", {"history": {}, "accounts": ["nobody"]}),
        ("POST", "/stress", "/stress", {"scenarios": "textbook", "top": "2"}),
        ("POST", "/stress", "/stress", {"scenarios": "textbook", "accounts": ["nobody"]}),
        ("POST", "/stress", "/stress", {"scenarios": 7}),
        ("GET", "/accounts/{id}/stress", "/accounts/a1/stress?set=textbook", None),
        ("GET", "/accounts/{id}/stress", "/accounts/a1/stress?set=no!", None),
        ("GET", "/accounts/{id}/reverse_stress", "/accounts/a1/reverse_stress", None),
        ("GET", "/accounts/{id}/reverse_stress", "/accounts/nobody/reverse_stress", None),
        ("POST", "/ticks", "/ticks", gen_book.tick(99000, 3400, gen_book.T0 + 60)),
        ("POST", "/ticks", "/ticks", gen_book.tick(99000, 3400, gen_book.T0)),
        ("GET", "/params", "/params", None),
        ("GET", "/market", "/market", None),
        ("GET", "/healthz", "/healthz", None),
        ("DELETE", "/accounts/{id}", "/accounts/new1", None),
        ("DELETE", "/accounts/{id}", "/accounts/new1", None),
    ]
    seen = set()
    for method, path, url, body in calls:
        st, text = srv.request(method, url, body)
        for problem in conforms(path, method, st, text):
            check(False, problem)
        seen.add((method, path))
    st, text = srv.request("GET", "/metrics")
    check(st == 200 and "margin_ticks_total" in text and schema_for("/metrics", "GET", 200)[1], "GET /metrics")
    seen.add(("GET", "/metrics"))
    with urllib.request.urlopen(srv.base + "/live", timeout=10) as r:  # the live page (wasm/test/test_live.mjs drives it)
        page = r.read().decode()
        check(r.status == 200 and r.headers.get("Content-Type", "").startswith("text/html") and schema_for("/live", "GET", 200)[1]
              and "new EventSource(" in page, "GET /live is the live page")
    seen.add(("GET", "/live"))
    with urllib.request.urlopen(srv.base + "/events?after=0", timeout=10) as r:  # events from the load and the tick
        check(r.status == 200 and r.headers.get("Content-Type", "").startswith("text/event-stream"), "GET /events is an event stream")
        check(r.readline().startswith(b"id: "), "GET /events sends the events after ?after")
    seen.add(("GET", "/events"))
    check(seen == documented(doc), f"every documented operation was called: missing {sorted(documented(doc) - seen)}")
    print(f"{len(calls) + 3} calls on a live server: statuses and bodies as documented")

    # 4. the checks bite
    check(route_mismatch(registered | {("GET", "/planted")}, documented(doc)), "a route missing from the document is reported")
    check(route_mismatch(registered - {("GET", "/market")}, documented(doc)), "a documented route the server lacks is reported")
    check(conforms("/healthz", "GET", 200, '{"status": "ok", "accounts": "6", "tick": 0}'), "a body off its schema is reported")
    check(conforms("/healthz", "GET", 418, "{}"), "an undocumented status is reported")
finally:
    srv.stop()

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
