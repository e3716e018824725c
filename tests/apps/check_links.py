#!/usr/bin/env python3
"""Links of the documents a newcomer reads first (README.md, docs/performance.md, docs/cli.md): every
relative link resolves to a file or folder inside the repository; none points outside it (the
shared data directory beside the repository is named in prose, never linked); no "see below"
and no "in progress" left over. Usage: check_links.py REPO_ROOT [FILE...]; exit 1 on a failure."""
import os
import re
import sys

root = os.path.realpath(sys.argv[1])
files = sys.argv[2:] or ["README.md", "docs/performance.md", "docs/cli.md"]
link = re.compile(r"\]\(([^)\s]+)\)")
failures = []
for name in files:
    path = os.path.join(root, name)
    text = open(path, encoding="utf-8").read()
    if "../shared" in text:
        failures.append(f"{name}: mentions ../shared (a path outside the repository)")
    for phrase in ("see below", "in progress"):
        if phrase in text.lower():
            failures.append(f"{name}: says \"{phrase}\"")
    n = 0
    for m in link.finditer(text):
        target = m.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # absolute URLs and anchors
        n += 1
        resolved = os.path.realpath(os.path.join(os.path.dirname(path), target.split("#")[0]))
        if not (resolved == root or resolved.startswith(root + os.sep)):
            failures.append(f"{name}: link {target} leaves the repository")
        elif not os.path.exists(resolved):
            failures.append(f"{name}: link {target} does not resolve")
    if n == 0:
        failures.append(f"{name}: no relative link found (is the pattern still right?)")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
