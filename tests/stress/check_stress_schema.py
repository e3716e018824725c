#!/usr/bin/env python3
"""The JSON Schema of stress inputs (core/api/schema/api-v1.schema.json: stress_document,
stress_request, reverse_stress_request, stress_book_options) against what the engine does.

    check_stress_schema.py MARGIN_CMD

- The shipped scenario sets (core/api/stress/*.json) validate as stress/1 documents.
- Every request of the stress parity corpus (tests/core/gen_stress_requests.py) that the engine
  answers validates (stress_request or reverse_stress_request); every one it refuses for its
  shape (test_schema.STRUCTURAL codes) the schema refuses too.
- Bad inputs (an unknown field, a JSON number, a bad enum, a wrong version, a missing name, a
  date that is not one, bad book options): the engine says a structural code and the schema
  refuses each; options the CLI and the package build validate.
- The check bites: with additionalProperties dropped from the scenario shape, the misspelt
  field is accepted.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.normpath(os.path.join(here, "..", ".."))
sys.path[:0] = [os.path.join(repo, "tests", "core")]
import gen_stress_requests as gen  # noqa: E402
from test_schema import STRUCTURAL  # noqa: E402


def validator(root, name):
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": root["$defs"]})


def main():
    margin = sys.argv[1].split()
    root = json.load(open(os.path.join(repo, "core/api/schema/api-v1.schema.json")))
    jsonschema.Draft202012Validator.check_schema(root)
    v = {k: validator(root, k) for k in ("stress_document", "stress_request", "reverse_stress_request", "stress_book_options", "request")}
    failures = []

    def answer(req):  # the engine's response to a stress or reverse-stress request
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(req, f)
        try:
            args = ["--reverse"] if "reverse_stress" in req else ["--synthetic"]
            out = subprocess.run(margin + ["stress", f.name, "--compact"] + args, capture_output=True, text=True)
            return json.loads(out.stdout)
        finally:
            os.unlink(f.name)

    def kind(req):
        return v["reverse_stress_request"] if "reverse_stress" in req else v["stress_request"]

    # the shipped sets
    sets = sorted(os.listdir(os.path.join(repo, "core/api/stress")))
    for name in sets:
        doc = json.load(open(os.path.join(repo, "core/api/stress", name)))
        for e in v["stress_document"].iter_errors(doc):
            failures.append(f"shipped set {name}: {e.message}")

    # the parity corpus, and bad inputs built from its first request
    corpus = [json.loads(line) for line in subprocess.run([sys.executable, gen.__file__], capture_output=True, text=True, check=True).stdout.splitlines()]
    base = copy.deepcopy(next(r for r in corpus if isinstance(r.get("stress"), dict)))
    scenario = {"name": "x", "underlyings": {"BTC": {"spot": "-0.3"}}}
    bad = {
        "a misspelt shock": {"sopt": "-0.3"},
        "a JSON number": {"spot": -0.3},
        "a misspelt vol field": {"vol": {"relativ": "0.5"}},
        "funding without days": {"funding": {"rate": "0.1"}},
    }
    extra = []
    for what, shock in bad.items():
        extra.append((what, dict(base, stress={"version": "stress/1", "scenarios": [{"name": "x", "underlyings": {"BTC": shock}}]})))
    extra += [
        ("version stress/2", dict(base, stress={"version": "stress/2", "scenarios": [scenario]})),
        ("a scenario without a name", dict(base, stress={"version": "stress/1", "scenarios": [{"underlyings": {"BTC": {"spot": "-0.3"}}}]})),
        ("a date that is not one", dict(base, stress={"version": "stress/1", "scenarios": [{"name": "x", "replay": {"from": "2022-1-8"}}]})),
        ("a worst direction sideways", dict(base, stress={"version": "stress/1", "scenarios": [{"name": "x", "replay": {"worst": {"lead": "BTC", "direction": "sideways"}}}]})),
        ("an unknown top-level field", dict(base, stress={"version": "stress/1", "scenarios": [scenario]}, stres={})),
        ("a reverse move sideways", {k: base[k] for k in base if k != "stress"} | {"reverse_stress": {"directions": [{"move": "sideways", "underlying": "BTC"}]}}),
        ("a reverse grid as a number", {k: base[k] for k in base if k != "stress"} | {"reverse_stress": {"grid": 0.001}}),
    ]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(answer, corpus + [r for _, r in extra]))
    accepted = rejected = 0
    for n, (req, resp) in enumerate(zip(corpus, answers[: len(corpus)]), 1):
        if "error" not in resp:
            accepted += 1
            for e in kind(req).iter_errors(req):
                failures.append(f"corpus line {n}: accepted by the engine, refused by the schema: {e.message}")
        elif resp["error"]["code"] in STRUCTURAL:
            rejected += 1
            if kind(req).is_valid(req):
                failures.append(f"corpus line {n}: the engine says {resp['error']['code']}, the schema accepts it")
    for (what, req), resp in zip(extra, answers[len(corpus):]):
        code = resp.get("error", {}).get("code")
        if code not in STRUCTURAL:
            failures.append(f"{what}: the engine says {code or 'ok'}, not a structural code")
        if kind(req).is_valid(req):
            failures.append(f"{what}: the schema accepts it")
    if not v["request"].is_valid({k: base[k] for k in base if k != "stress"}) or v["request"].is_valid(base):
        failures.append("a plain request validates, one with \"stress\" does not (request is unchanged)")

    # book options: what `margin stress-book` and stressBook build, and bad ones
    good = [{"scenarios": "deribit"}, {"scenarios": "deribit", "insurance_fund": "25000", "top": "5"},
            {"scenarios": {"version": "stress/1", "scenarios": gen.KINDS}, "top": "100", "history": {"BTC": "date,close\n2024-01-01,42000\n"}}]
    bad_options = {"an unknown field": {"scenarios": "deribit", "fund": "1"}, "no scenarios": {"top": "5"},
                   "a negative fund": {"scenarios": "deribit", "insurance_fund": "-1"}, "top 101": {"scenarios": "deribit", "top": "101"},
                   "a number": {"scenarios": "deribit", "top": 5}, "an unknown set": {"scenarios": "nosuch"}}
    for o in good:
        for e in v["stress_book_options"].iter_errors(o):
            failures.append(f"book options {json.dumps(o)[:60]}: {e.message}")
    for what, o in bad_options.items():
        if v["stress_book_options"].is_valid(o):
            failures.append(f"book options, {what}: the schema accepts them")

    # the check bites: a looser scenario shape lets the misspelt field through
    loose = copy.deepcopy(root)
    del loose["$defs"]["stress_shock"]["properties"]["underlyings"]["additionalProperties"]["additionalProperties"]
    if not validator(loose, "stress_request").is_valid(extra[0][1]):
        failures.append("mutation: without additionalProperties the misspelt shock is still refused (the check does not bite)")

    for f in failures[:20]:
        print("  " + f)
    print(f"stress schema: {len(sets)} shipped sets validate; corpus: {accepted} accepted requests validate, {rejected} structurally bad "
          f"refused; {len(extra)} bad requests refused by engine and schema, {len(bad_options)} bad book options by the schema "
          f"(the engine's own refusals of book options: test_api.mjs and test_service.py); "
          f"{len(failures)} failures")
    return 1 if failures or accepted == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
