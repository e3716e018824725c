#!/usr/bin/env bash
# The project's library graph as CMake sees it (cmake --graphviz), as text: one line per
# library with what it links directly. docs/architecture.md embeds it.
#   scripts/deps-graph.sh BUILD_DIR            print the graph
#   scripts/deps-graph.sh BUILD_DIR --check    fail if docs/architecture.md's copy differs
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$build" && cmake --graphviz="$tmp/g.dot" . >/dev/null)
graph=$(python3 - "$tmp/g.dot" <<'PY'
import re, sys
edges = {}
for a, b in re.findall(r'^\s*"node\d+" -> "node\d+".*// (\S+) -> (\S+)$', open(sys.argv[1]).read(), re.M):
    if a.startswith("margin_") and a not in ("margin_warnings", "margin_test_main", "margin_engine", "margin_host_headers"):
        if b.startswith("margin_") and b not in ("margin_warnings",) or b.startswith("margin::"):
            b = b.replace("margin_host_headers", "host headers (Boost, nlohmann)")
            edges.setdefault(a, set()).add(b.replace("margin_", "margin::") if b.startswith("margin_") and b != "host headers (Boost, nlohmann)" else b)
order = ["margin_base", "margin_fixedpoint", "margin_core", "margin_api", "margin_abi", "margin_bridge", "margin_replay", "margin_chain", "margin_keeper"]
for lib in order + sorted(set(edges) - set(order)):
    if lib in edges or lib in order and any(lib.replace("margin_", "margin::") in v for v in edges.values()):
        print(f"{lib.replace('margin_', 'margin::'):20} -> {', '.join(sorted(edges.get(lib, []))) or '(nothing)'}")
PY
)
if [ "${2:-}" = "--check" ]; then
  doc=$(awk '/^## The dependency graph/{f=1} f && /^```$/{n++; next} f && n==1' "$root/docs/architecture.md")
  if [ "$doc" != "$graph" ]; then
    echo "deps-graph: docs/architecture.md's graph is not what CMake says; run scripts/deps-graph.sh $build and paste:"
    echo "$graph"; exit 1
  fi
  echo "deps-graph: docs/architecture.md's graph is current ($(echo "$graph" | wc -l) libraries)"
else
  echo "$graph"
fi
