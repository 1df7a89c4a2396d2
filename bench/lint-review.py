#!/usr/bin/env python3
"""How often the lint rules are right on system prompts written by others.

bench/lint-review/*.jsonl hold verdicts on findings that `facet check` once
gave on the system prompts of the reference corpus: {"source", "rule", "start"
(the finding's byte offset), optionally "related" (its related range's offset),
"verdict": "right" | "wrong", "unsure"}, judged blind by reviewers who read each
finding in its prompt; "unsure" marks a verdict the reviewer leaned to. A
"message" is kept where the offset alone does not tell findings apart (two
missing facets reported on the same unit). Offsets and verdicts only: the
prompts' text stays in the corpus.

This runs the current binary over the same files and prints, per rule, how
many findings it gives now, and how many of the reviewed ones it still gives,
right and wrong. A finding the review never saw is not judged; the figure to
watch is how many right ones are kept and wrong ones dropped.

    swift build -c release
    python3 bench/lint-review.py [--corpus ../shared/corpus] [--bin .build/release/facet]
"""
import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def findings(binary, corpus):
    root = os.path.join(corpus, "system-prompts")
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names if f.endswith((".md", ".txt")))
    # Exit 1 means some finding is an error; the report is still whole.
    run = subprocess.run([binary, "check", "--format", "json", *files], capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"facet check failed ({run.returncode}): {run.stderr.strip()}")
    found = set()
    counts = collections.Counter()
    for report in json.loads(run.stdout)["files"]:
        source = os.path.relpath(report["path"], corpus)
        for finding in report.get("findings", []):
            counts[finding["rule"]] += 1
            related = finding["related"][0]["range"]["start"] if finding["related"] else None
            for message in (finding["message"], None):
                found.add((source, finding["rule"], finding["range"]["start"], related, message))
                found.add((source, finding["rule"], finding["range"]["start"], None, message))
    return found, counts, len(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus"))
    parser.add_argument("--bin", default=os.path.join(REPO, ".build", "release", "facet"))
    args = parser.parse_args()
    if not os.path.isdir(os.path.join(args.corpus, "system-prompts")):
        sys.exit(f"no corpus at {args.corpus}: the reviewed findings point into its system-prompts folder")
    found, counts, files = findings(args.bin, args.corpus)
    reviewed = collections.defaultdict(collections.Counter)
    folder = os.path.join(HERE, "lint-review")
    for name in sorted(os.listdir(folder)):
        for line in open(os.path.join(folder, name)):
            if not line.strip():
                continue
            r = json.loads(line)
            key = (r["source"], r["rule"], r["start"], r.get("related"), r.get("message"))
            kept = "kept" if key in found else "dropped"
            reviewed[r["rule"]][(r["verdict"], kept)] += 1
            if r.get("unsure") and kept == "kept":
                reviewed[r["rule"]]["unsure kept"] += 1
    print(f"{files} files of {args.corpus}/system-prompts")
    print(f"{'rule':26} {'findings':>8}  {'reviewed':>8}  {'right kept':>10}  {'right dropped':>13}  {'wrong kept':>10}  {'wrong dropped':>13}  {'unsure kept':>11}  precision of kept")
    for rule in sorted(set(counts) | set(reviewed)):
        c = reviewed[rule]
        total = sum(v for k, v in c.items() if k != "unsure kept")
        rk, rd, wk, wd = c[("right", "kept")], c[("right", "dropped")], c[("wrong", "kept")], c[("wrong", "dropped")]
        precision = f"{rk / (rk + wk):.2f} ({rk}/{rk + wk})" if rk + wk else "-"
        print(f"{rule:26} {counts[rule]:>8}  {total:>8}  {rk:>10}  {rd:>13}  {wk:>10}  {wd:>13}  {c['unsure kept']:>11}  {precision}")


if __name__ == "__main__":
    main()
