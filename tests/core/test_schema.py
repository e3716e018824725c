#!/usr/bin/env python3
"""The JSON Schema (core/api/schema/api-v1.schema.json) against what the engine does.

    test_schema.py MARGIN_CMD REQUESTS.jsonl RESPONSES.jsonl [CASCADE_REQUESTS.jsonl CASCADE_RESPONSES.jsonl]

- The schema is a valid draft 2020-12 schema; the shipped example request and
  parameter document validate.
- Every request the engine accepted validates against the schema, and every
  response (result or error) validates against #/$defs/response.
- Every request the engine rejected for its shape (wrong type, unknown or
  missing field, JSON number, malformed decimal or time, bad enum) is rejected
  by the schema too: the schema is as strict as the engine on structure.
- The same for the cascade corpus (tests/core/gen_cascade_requests.py, answered by `margin
  cascade`), against #/$defs/cascade_request and #/$defs/response (cascade_result or error).
"""
import json
import subprocess
import sys

import jsonschema

STRUCTURAL = {"WRONG_TYPE", "UNKNOWN_FIELD", "MISSING_FIELD", "JSON_NUMBER", "BAD_DECIMAL", "DECIMAL_PRECISION",
              "BAD_INTEGER", "BAD_ENUM", "BAD_SYMBOL", "UNSUPPORTED_VERSION"}


def check_corpus(requests, responses, req_v, resp_v, accepted_key, label, failures):
    """Every response validates; every request the engine answered (a response holding one of
    `accepted_key`) validates against req_v; every one it refused for its shape is refused by req_v.
    Returns (accepted, structurally rejected, of those refused by the schema)."""
    accepted = rejected = strict = 0
    for n, (q, a) in enumerate(zip(open(requests), open(responses)), 1):
        resp = json.loads(a)
        if not resp_v.is_valid(resp):
            failures.append(f"{label}line {n}: response does not validate: {next(resp_v.iter_errors(resp)).message[:200]}")
        try:
            req = json.loads(q)
        except ValueError:
            continue  # not JSON at all: the engine said JSON_SYNTAX
        if any(k in resp for k in accepted_key):
            accepted += 1
            if not req_v.is_valid(req):
                failures.append(f"{label}line {n}: accepted by the engine, rejected by the schema: {next(req_v.iter_errors(req)).message[:200]}")
        elif resp["error"]["code"] in STRUCTURAL:
            rejected += 1
            if req_v.is_valid(req):
                failures.append(f"{label}line {n}: engine says {resp['error']['code']} at {resp['error']['path']}, the schema accepts it")
            else:
                strict += 1
    return accepted, rejected, strict


def main():
    margin_cmd, requests, responses = sys.argv[1].split(), sys.argv[2], sys.argv[3]
    root = json.load(open("core/api/schema/api-v1.schema.json"))
    jsonschema.Draft202012Validator.check_schema(root)
    sub = lambda name: {"$ref": f"#/$defs/{name}", "$defs": root["$defs"]}
    req_v = jsonschema.Draft202012Validator(root)
    resp_v = jsonschema.Draft202012Validator(sub("response"))
    params_v = jsonschema.Draft202012Validator(sub("params"))
    failures = []
    example = json.loads(subprocess.run(margin_cmd + ["example"], capture_output=True, check=True).stdout)
    if not req_v.is_valid(example):
        failures.append("the example request does not validate")
    if not params_v.is_valid(json.load(open("core/api/params/standard-v1.json"))):
        failures.append("the shipped parameter document does not validate")
    accepted, rejected, strict = check_corpus(requests, responses, req_v, resp_v, ("result", "span"), "", failures)
    summary = f"schema: {accepted} accepted requests validate; {strict} of {rejected} structurally bad requests rejected"
    if len(sys.argv) > 5:
        casc_v = jsonschema.Draft202012Validator(sub("cascade_request"))
        c_acc, c_rej, c_strict = check_corpus(sys.argv[4], sys.argv[5], casc_v, resp_v, ("cascade",), "cascade ", failures)
        if c_acc == 0 or c_rej == 0:
            failures.append(f"cascade: {c_acc} accepted, {c_rej} structurally bad requests: the corpus proves nothing")
        summary += f"; cascade: {c_acc} results validate, {c_strict} of {c_rej} structurally bad requests rejected"
    for f in failures[:20]:
        print("  " + f)
    print(f"{summary}; {len(failures)} failures")
    return 1 if failures or accepted == 0 or rejected == 0 else 0

if __name__ == "__main__":
    sys.exit(main())
