#!/usr/bin/env python3
"""The rooms' dependency rules, checked on a configured and built tree (docs/architecture.md):

1. link rules, from CMake's own graph (`cmake --graphviz`), transitively: the ABI codec
   (margin_abi) links neither the engine (margin_core) nor its JSON API (margin_api); the
   engine links no JSON API; base links nothing of the project.
2. include rules, from the compiler's own dependency records (`ninja -t deps`): no object of
   the domain library (margin_core) or of the bridge (margin_bridge) includes a JSON header
   (nlohmann/), directly or through another header.
3. the check bites: a planted edge and a planted include are reported.

    tests/rooms/check_rooms.py BUILD_DIR   (a Ninja build, e.g. build/native)
"""
import os
import re
import subprocess
import sys
import tempfile

NO_LINK = {  # target -> targets it must not reach
    "margin_abi": {"margin_core", "margin_api", "margin_bridge", "margin_chain", "margin_service"},
    "margin_core": {"margin_api", "margin_abi", "margin_bridge", "margin_chain", "margin_replay", "margin_keeper", "margin_service"},
    "margin_api": {"margin_service"},  # the service is built on the API, never the reverse
    "margin_base": {"margin_fixedpoint", "margin_core", "margin_api", "margin_abi"},
    "margin_fixedpoint": {"margin_core", "margin_api", "margin_abi"},
}
NO_JSON = ["margin_core", "margin_bridge"]


def link_graph(build):
    with tempfile.TemporaryDirectory() as tmp:
        dot = os.path.join(tmp, "g.dot")
        subprocess.run(["cmake", f"--graphviz={dot}", "."], cwd=build, check=True, stdout=subprocess.DEVNULL)
        text = open(dot).read()
    edges = {}
    for a, b in re.findall(r'^\s*"node\d+" -> "node\d+".*// (\S+) -> (\S+)$', text, re.M):
        edges.setdefault(a, set()).add(b)
    return edges


def reach(edges, start):
    seen, todo = set(), [start]
    while todo:
        for n in edges.get(todo.pop(), ()):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def link_failures(edges):
    out = []
    for target, banned in NO_LINK.items():
        if target not in edges and target not in {b for v in edges.values() for b in v}:
            continue  # not built here (e.g. a native-only room)
        bad = reach(edges, target) & banned
        out += [f"{target} links {b}" for b in sorted(bad)]
    return out


def object_includes(build):
    text = subprocess.run(["ninja", "-C", build, "-t", "deps"], check=True, capture_output=True, text=True).stdout
    per_obj, current = {}, None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            current = line.split(":")[0]
            per_obj[current] = []
        elif current and line.strip():
            per_obj[current].append(line.strip())
    return per_obj


def include_failures(per_obj, targets=NO_JSON):
    out = []
    for obj, headers in sorted(per_obj.items()):
        owner = next((t for t in targets if f"/{t}.dir/" in obj), None)
        if owner:
            json_headers = [h for h in headers if "/nlohmann/" in h]
            if json_headers:
                out.append(f"{owner}: {obj} includes {json_headers[0]}")
    return out


def main():
    build = sys.argv[1]
    edges = link_graph(build)
    per_obj = object_includes(build)
    failures = link_failures(edges) + include_failures(per_obj)
    # The check bites: a planted link and a planted include are both caught.
    planted = {k: set(v) for k, v in edges.items()}
    planted.setdefault("margin_abi", set()).add("margin_core")
    fake = {"x/margin_core.dir/src/planted.cpp.o": ["/usr/include/nlohmann/json.hpp"]}
    if not link_failures(planted) or not include_failures(fake):
        print("rooms: self-check FAILED (a planted dependency was not reported)")
        return 1
    checked = sum(1 for o in per_obj if any(f"/{t}.dir/" in o for t in NO_JSON))
    for f in failures:
        print("rooms: " + f)
    if failures:
        return 1
    print(f"rooms: link rules hold for {len([t for t in NO_LINK if t in edges or any(t in v for v in edges.values())])} libraries; "
          f"{checked} objects of {', '.join(NO_JSON)} include no JSON header")
    return 0


if __name__ == "__main__":
    sys.exit(main())
