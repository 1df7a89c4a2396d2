#!/usr/bin/env python3
"""How well two annotators agree: micro-F1 over the units both label files share.

    python3 bench/agreement.py bench/labels/test-2.jsonl bench/labels/agreement-test-2.jsonl

Units are matched by source and byte range. Prints micro-F1, per-facet F1 and
the share of units labelled identically; a classifier's score on the same
labels (`facet score-facets`) reads against these figures.
"""
import json, sys
from collections import Counter

FACETS = ["role", "task", "background", "format", "style", "tool", "guardrail"]


def load(path):
    return {(r["source"], r["start"], r["end"]): set(r["facets"]) for r in map(json.loads, open(path)) if r}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    a, b = load(sys.argv[1]), load(sys.argv[2])
    shared = sorted(a.keys() & b.keys())
    if not shared:
        sys.exit("the two files share no units")
    counts = Counter()
    for key in shared:
        x, y = a[key], b[key]
        counts["tp"] += len(x & y); counts["fp"] += len(y - x); counts["fn"] += len(x - y)
        counts["same"] += x == y
        for f in FACETS:
            counts[f, "tp"] += f in x and f in y
            counts[f, "n"] += (f in x) + (f in y)
    micro = 2 * counts["tp"] / max(1, 2 * counts["tp"] + counts["fp"] + counts["fn"])
    print(f"{len(shared)} shared units ({len(a) - len(shared)} only in the first file, {len(b) - len(shared)} only in the second)")
    print(f"micro-F1 {micro:.3f}, identical labels on {counts['same'] / len(shared):.1%} of units")
    print("  ".join(f"{f} {2 * counts[f, 'tp'] / max(1, counts[f, 'n']):.2f}" for f in FACETS))


if __name__ == "__main__":
    main()
