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
    accepted = rejected = strict = 0
    for n, (q, a) in enumerate(zip(open(requests), open(responses)), 1):
        resp = json.loads(a)
        if not resp_v.is_valid(resp):
            failures.append(f"line {n}: response does not validate: {next(resp_v.iter_errors(resp)).message}")
        try:
            req = json.loads(q)
        except ValueError:
            continue  # not JSON at all: the engine said JSON_SYNTAX
        if "result" in resp or "span" in resp:
            accepted += 1
            if not req_v.is_valid(req):
                failures.append(f"line {n}: accepted by the engine, rejected by the schema: {next(req_v.iter_errors(req)).message}")
        elif resp["error"]["code"] in STRUCTURAL:
            rejected += 1
            if req_v.is_valid(req):
                failures.append(f"line {n}: engine says {resp['error']['code']} at {resp['error']['path']}, the schema accepts it")
            else:
                strict += 1
    c_accepted = c_rejected = 0
    if len(sys.argv) > 5:
        casc_v = jsonschema.Draft202012Validator(sub("cascade_request"))
        for n, (q, a) in enumerate(zip(open(sys.argv[4]), open(sys.argv[5])), 1):
            req, resp = json.loads(q), json.loads(a)
            if not resp_v.is_valid(resp):
                failures.append(f"cascade line {n}: response does not validate: {next(resp_v.iter_errors(resp)).message[:200]}")
            if "cascade" in resp:
                c_accepted += 1
                if not casc_v.is_valid(req):
                    failures.append(f"cascade line {n}: accepted by the engine, rejected by the schema: {next(casc_v.iter_errors(req)).message[:200]}")
            elif resp["error"]["code"] in STRUCTURAL:
                c_rejected += 1
                if casc_v.is_valid(req):
                    failures.append(f"cascade line {n}: engine says {resp['error']['code']} at {resp['error']['path']}, the schema accepts it")
        if c_accepted == 0 or c_rejected == 0:
            failures.append(f"cascade: {c_accepted} accepted, {c_rejected} structurally bad requests: the corpus proves nothing")
    for f in failures[:20]:
        print("  " + f)
    print(f"schema: {accepted} accepted requests validate; {strict} of {rejected} structurally bad requests rejected"
          + (f"; cascade: {c_accepted} results validate, {c_rejected} structurally bad requests rejected" if len(sys.argv) > 5 else "")
          + f"; {len(failures)} failures")
    return 1 if failures or accepted == 0 or rejected == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
