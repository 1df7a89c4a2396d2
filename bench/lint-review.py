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

Review files named forge-*.jsonl point into the prompts of the second source
(bench/prompt-forge.py fetches them) instead, with "source" relative to its
folder; every prompt there is checked (`*.md` and `*.txt`), and each source
gets a table of its own.

    swift build -c release
    python3 bench/lint-review.py [--corpus ../shared/corpus] [--forge DIR] [--bin .build/release/facet]
"""
import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def findings(binary, root, relative_to):
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names if f.endswith((".md", ".txt")))
    # Exit 1 means some finding is an error; the report is still whole. The second
    # source's 2,592 paths would overflow one command line, so files go 500 a run.
    reports = []
    for first in range(0, len(files), 500):
        run = subprocess.run([binary, "check", "--format", "json", *files[first:first + 500]], capture_output=True, text=True)
        if run.returncode not in (0, 1):
            sys.exit(f"facet check failed ({run.returncode}): {run.stderr.strip()}")
        reports += json.loads(run.stdout)["files"]
    found = set()
    # A block said twice is one finding over the block (its related range the first
    # copy): a reviewed finding on one sentence of it is kept inside that finding.
    blocks = collections.defaultdict(list)
    counts = collections.Counter()
    for report in reports:
        source = os.path.relpath(report["path"], relative_to)
        for finding in report.get("findings", []):
            counts[finding["rule"]] += 1
            related = finding["related"][0]["range"]["start"] if finding["related"] else None
            if finding["related"]:
                blocks[(source, finding["rule"])].append((finding["range"], finding["related"][0]["range"]))
            for message in (finding["message"], None):
                found.add((source, finding["rule"], finding["range"]["start"], related, message))
                found.add((source, finding["rule"], finding["range"]["start"], None, message))
    return found, blocks, counts, len(files)


def inside(key, blocks):
    """Whether a reviewed finding on one sentence of a block now sits inside the block's finding."""
    source, rule, start, related, _ = key
    return related is not None and any(r["start"] <= start < r["end"] and rr["start"] <= related < rr["end"]
                                       for r, rr in blocks.get((source, rule), ()))


def table(title, binary, root, relative_to, reviews):
    found, blocks, counts, files = findings(binary, root, relative_to)
    reviewed = collections.defaultdict(collections.Counter)
    for path in reviews:
        for line in open(path):
            if not line.strip():
                continue
            r = json.loads(line)
            key = (r["source"], r["rule"], r["start"], r.get("related"), r.get("message"))
            kept = "kept" if key in found or inside(key, blocks) else "dropped"
            reviewed[r["rule"]][(r["verdict"], kept)] += 1
            if r.get("unsure") and kept == "kept":
                reviewed[r["rule"]]["unsure kept"] += 1
    print(f"{files} files of {title}")
    print(f"{'rule':26} {'findings':>8}  {'reviewed':>8}  {'right kept':>10}  {'right dropped':>13}  {'wrong kept':>10}  {'wrong dropped':>13}  {'unsure kept':>11}  precision of kept")
    for rule in sorted(set(counts) | set(reviewed)):
        c = reviewed[rule]
        total = sum(v for k, v in c.items() if k != "unsure kept")
        rk, rd, wk, wd = c[("right", "kept")], c[("right", "dropped")], c[("wrong", "kept")], c[("wrong", "dropped")]
        precision = f"{rk / (rk + wk):.2f} ({rk}/{rk + wk})" if rk + wk else "-"
        print(f"{rule:26} {counts[rule]:>8}  {total:>8}  {rk:>10}  {rd:>13}  {wk:>10}  {wd:>13}  {c['unsure kept']:>11}  {precision}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus"))
    parser.add_argument("--forge", help="the second source's prompts folder (default: fetched by bench/prompt-forge.py)")
    parser.add_argument("--bin", default=os.path.join(REPO, ".build", "release", "facet"))
    args = parser.parse_args()
    folder = os.path.join(HERE, "lint-review")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".jsonl"))
    corpus_reviews = [os.path.join(folder, n) for n in names if not n.startswith("forge-")]
    forge_reviews = [os.path.join(folder, n) for n in names if n.startswith("forge-")]
    if os.path.isdir(os.path.join(args.corpus, "system-prompts")):
        table(f"{args.corpus}/system-prompts", args.bin, os.path.join(args.corpus, "system-prompts"), args.corpus, corpus_reviews)
    else:
        print(f"no corpus at {args.corpus}: skipped the reviews that point into its system-prompts folder")
    if forge_reviews:
        forge = args.forge
        if not forge:
            sys.path.insert(0, HERE)
            forge = __import__("prompt-forge").prompts_folder()
        print()
        table(forge, args.bin, forge, forge, forge_reviews)


if __name__ == "__main__":
    main()
