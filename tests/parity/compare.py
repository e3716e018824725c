#!/usr/bin/env python3
"""Compare two evaluated corpora byte for byte, line by line.

    compare.py REFERENCE CANDIDATE [--label NAME]

Exit 0 only when both files have the same number of lines, every line is
identical, and no line was rejected as invalid. Mismatches are listed (the
first 10) with their line numbers, so a difference is located, not just seen.
"""
import argparse
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("candidate")
    ap.add_argument("--label", default="parity")
    a = ap.parse_args()
    ref = open(a.reference, "rb").read().split(b"\n")
    cand = open(a.candidate, "rb").read().split(b"\n")
    bad = []
    for i in range(max(len(ref), len(cand))):
        r = ref[i] if i < len(ref) else b"<missing>"
        c = cand[i] if i < len(cand) else b"<missing>"
        if r != c:
            bad.append((i + 1, r, c))
    invalid = sum(1 for line in ref if b'"invalid"' in line)
    vectors = sum(1 for line in ref if line)
    for n, r, c in bad[:10]:
        print(f"  line {n}:\n    {a.reference}: {r.decode(errors='replace')}\n    {a.candidate}: {c.decode(errors='replace')}")
    print(f"{a.label}: {vectors} vectors, {len(bad)} mismatches, {invalid} invalid")
    return 0 if not bad and not invalid and vectors > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
