#!/usr/bin/env python3
"""Relevance of `facet suggest`: remove a preference from a system message, see if Facet suggests it back.

    python3 bench/relevance.py [--bin PATH] [--index PATH] [--synthetic N] [--index-rows N] [--json FILE]

The measure (from the issue): "on the Janus records in ../shared/data/janus
(and on records you build the same way), remove the sentences of a system
message that express one of its preferences, and check that the removed
preference's dimension is suggested and that its subdimension appears among
the top 5".

Records
  - Janus: every object in ../shared/data/janus/*.json that has a system
    message (`system` or `system_prompt`) and a preference list
    (`preference_set` or `preference`). Objects with a system message but no
    preference list (the README's rubric-only Bench example) are listed as
    skipped; the sunburst chart's preferences have no system message.
  - synthetic: --synthetic records from bench/make-collection.py (seed
    --test-seed), whose system messages state each preference in one or two
    sentences; the generator also says which sentences (`_truth`), which is
    used only to check the removal heuristic below, never to remove.

Removal heuristic (the same for both kinds of record)
  Split the system message into sentences (at . ! ? followed by a space and a
  capital, and at line breaks). Words: lower-case runs of letters of three or
  more, minus stop words, with a crude stem (-ing, -ed, -ly, -es, -s cut).
  Each word of the record's preferences weighs 1/k, k = how many of the
  record's four preferences use it (topic words shared by all four count a
  quarter). score(sentence, p) = weighted overlap / sqrt(weight of sentence
  words x weight of p's words) (a weighted cosine over word sets; p's words
  are its name and description). A sentence states p when p is its
  best-scoring preference and the score is >= --threshold (0.12). If no
  sentence qualifies, p's single best sentence is removed. The opening role
  sentence is removed like any other if it qualifies. A test is skipped if
  nothing would remain.

Each test writes the remaining sentences to a temporary `.system.md` file and runs
  facet facets FILE                         -> which dimensions Facet sees as missing
  facet suggest FILE --format json --limit 5 --index I
for two indexes:
  - embedded: a fresh temporary index (holds only Facet's embedded collection);
  - indexed: --index PATH if given, else a temporary index into which are
    imported: --index-rows synthetic rows (seed --index-seed, so no test
    record is in it; the generator's shared preference pool is, as in the
    real data), the Janus sunburst chart's 101 example preferences (as
    team-format rows whose description is their label), and the other real
    Janus records (none of them the record under test).

Scores per removed preference (p = the removed preference)
  flagged missing   p's dimension is among the dimensions `facet facets` reports
                    missing after the removal (newly: it was not missing before)
  dim@1 / dim@5     p's dimension is the top suggestion's / among the top 5's dimensions
  top missing       among the suggestions that fill a missing dimension, the first
                    one has p's dimension
  sub@5 strict      some top-5 suggestion has p's dimension and exactly p's subdimension
  sub@5 lenient     ... or a subdimension that LENIENT (below) maps p's onto
A control runs the same scoring on the whole, unedited message (nothing
removed), so the numbers can be read against what Facet suggests anyway.

Python 3 standard library only.
"""

import argparse
import concurrent.futures
import glob
import importlib.util
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_BIN = os.path.join(REPO, ".build", "release", "facet")
JANUS_CANDIDATES = [os.path.join(os.path.dirname(REPO), "shared", "data", "janus"), "/work/shared/data/janus"]
DIMENSIONS = ["style", "background_knowledge", "informativeness", "harmlessness"]

# Janus / generator subdimension -> Facet embedded-collection subdimensions of the
# same dimension that mean about the same thing (used only for "sub@5 lenient").
# Facet's embedded subdimensions: style: clarity conciseness formatting register
# structure tone vividness; background_knowledge: cultural_context domain_jargon
# expert intermediate novice prerequisites; informativeness: creativity depth
# efficiency examples practicality relevance sources; harmlessness: accuracy
# fairness privacy safety scope sensitivity trustworthiness.
LENIENT = {
    ("style", "format"): {"formatting", "structure"},
    ("style", "formality"): {"register", "tone"},
    ("style", "tone"): {"tone", "register"},
    ("style", "vividness"): {"vividness"},
    ("style", "clarity"): {"clarity"},
    ("style", "conciseness"): {"conciseness"},
    ("background_knowledge", "basic"): {"novice", "prerequisites"},
    ("background_knowledge", "novice"): {"novice", "prerequisites"},
    ("background_knowledge", "intermediate"): {"intermediate"},
    ("background_knowledge", "advanced"): {"expert", "domain_jargon", "intermediate"},
    ("background_knowledge", "expert"): {"expert", "domain_jargon"},
    ("informativeness", "comprehensiveness"): {"depth"},
    ("informativeness", "depth"): {"depth"},
    ("informativeness", "practicality"): {"practicality", "examples"},
    ("informativeness", "relevance"): {"relevance"},
    ("informativeness", "creativity"): {"creativity"},
    ("informativeness", "efficiency"): {"efficiency"},
    ("harmlessness", "objectivity"): {"fairness", "trustworthiness"},
    ("harmlessness", "morality"): {"fairness", "safety"},
    ("harmlessness", "inclusivity"): {"fairness", "sensitivity"},
    ("harmlessness", "trustworthiness"): {"trustworthiness", "accuracy"},
    ("harmlessness", "accuracy"): {"accuracy"},
    ("harmlessness", "safety"): {"safety"},
    ("harmlessness", "sensitivity"): {"sensitivity"},
    ("harmlessness", "privacy"): {"privacy"},
}

STOP = set("""
the and for are but not you your yours with this that these those from into onto than then them they their there
what when where which while who whom whose why how all any each every both few more most other some such only own
same can could should would will shall may might must have has had having been being was were does did doing its
our ours out over under about above below again further once here very just also too nor off upon always never
user users response responses answer answers preference preferences ensure ensuring make makes way ways like who
one two three well even yet whether without within toward towards through throughout while his her him she
""".split())

METRICS = ["flagged", "newly_flagged", "dim1", "dim5", "top_missing", "sub5_strict", "sub5_lenient"]
METRIC_NAMES = {"flagged": "flagged missing", "newly_flagged": "newly flagged", "dim1": "dim@1", "dim5": "dim@5",
                "top_missing": "top missing", "sub5_strict": "sub@5 strict", "sub5_lenient": "sub@5 lenient"}


# ---------------------------------------------------------------------------
# Text


def stem(word):
    for suffix in ("ing", "ed", "ly", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words(text):
    return {stem(w) for w in re.findall(r"[a-z]+", text.lower().replace("'", "")) if len(w) >= 3 and w not in STOP}


SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])|\n+")


def sentences(text):
    return [s.strip() for s in SENTENCE_SPLIT.split(text) if s and s.strip()]


def removal(sents, prefs, threshold):
    """For each preference, the indices of the sentences that state it (see the module docstring)."""
    pw = [words(p.get("preference", "") + " " + p.get("description", "")) for p in prefs]
    k = {}
    for ws in pw:
        for w in ws:
            k[w] = k.get(w, 0) + 1
    weight = lambda w: 1.0 / k.get(w, 1)
    pnorm = [sum(weight(w) for w in ws) or 1e-9 for ws in pw]
    scores = []
    for s in sents:
        sw = words(s)
        snorm = sum(weight(w) for w in sw) or 1e-9
        scores.append([sum(weight(w) for w in sw & ws) / math.sqrt(snorm * pn) for ws, pn in zip(pw, pnorm)])
    out = []
    for i in range(len(prefs)):
        chosen = [j for j, row in enumerate(scores)
                  if row[i] >= threshold and row[i] == max(row)]
        forced = False
        if not chosen and scores:
            chosen = [max(range(len(sents)), key=lambda j: scores[j][i])]
            forced = True
        out.append((chosen, forced, [round(r[i], 3) for r in scores]))
    return out


# ---------------------------------------------------------------------------
# Records


def find_records(node, path, out, skipped):
    if isinstance(node, dict):
        system = node.get("system") or node.get("system_prompt")
        prefs = node.get("preference_set") or node.get("preference")
        if isinstance(system, str) and system.strip():
            if isinstance(prefs, list) and prefs and all(isinstance(p, dict) and p.get("dimension") for p in prefs):
                out.append({"name": path, "system": system, "preferences": prefs, "raw": node})
            else:
                skipped.append(f"{path}: system message but no preference_set (fields: {', '.join(sorted(node))})")
            return
        for key, value in node.items():
            if key != "_provenance":
                find_records(value, f"{path}/{key}", out, skipped)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            find_records(value, f"{path}[{i}]", out, skipped)


def janus_records(folder):
    records, skipped, extra_prefs = [], [], []
    for path in sorted(glob.glob(os.path.join(folder, "*.json")) + glob.glob(os.path.join(folder, "*.jsonl"))):
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            docs = [json.loads(text)]
        except ValueError:
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        for doc in docs:
            find_records(doc, name, records, skipped)
            hierarchy = doc.get("hierarchy") if isinstance(doc, dict) else None
            if isinstance(hierarchy, dict):  # the sunburst chart: dimension -> subdimension -> [preference]
                for dim, subs in hierarchy.items():
                    for sub, leaves in subs.items():
                        for leaf in leaves:
                            extra_prefs.append({"dimension": dim.lower().replace(" ", "_"), "subdimension": sub.lower(),
                                                "preference": leaf, "description": leaf, "source": "janus-sunburst"})
    return records, skipped, extra_prefs


def load_generator():
    sys.dont_write_bytecode = True  # no __pycache__ in bench/
    spec = importlib.util.spec_from_file_location("make_collection", os.path.join(HERE, "make-collection.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_records(count, seed):
    gen = load_generator().Generator(seed)
    out = []
    while len(out) < count:
        for row, truth, _ in gen.group(min(3, count - len(out))):
            out.append({"name": f"synthetic-{len(out)}", "system": row["system"], "preferences": row["preference_set"],
                        "truth": truth, "raw": row})
    return out


# ---------------------------------------------------------------------------
# Facet


def run(argv, index=None):
    env = dict(os.environ)
    if index:
        env["FACET_INDEX"] = index
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    return proc


def missing_dimensions(binary, path):
    """Dimensions `facet facets` marks with ✗ on its `preference dimensions:` line."""
    proc = run([binary, "facets", path])
    for line in proc.stdout.splitlines():
        if line.startswith("preference dimensions:"):
            return {m.group(1) for m in re.finditer(r"(\w+) ✗", line)}
    raise RuntimeError(f"facet facets {path}: no 'preference dimensions:' line (exit {proc.returncode}): {proc.stderr[:200]}")


def suggest(binary, path, index):
    proc = run([binary, "suggest", path, "--format", "json", "--limit", "5", "--index", index], index)
    if proc.returncode != 0:
        raise RuntimeError(f"facet suggest {path}: exit {proc.returncode}: {proc.stderr[:300]}")
    return json.loads(proc.stdout)


def score(pref, missing_before, missing_after, suggestions):
    dim = pref["dimension"].strip().lower()
    sub = (pref.get("subdimension") or "").strip().lower()
    top5 = suggestions[:5]
    dims = [s["dimension"] for s in top5]
    subs5 = {(s["dimension"], s["subdimension"]) for s in top5}
    lenient = LENIENT.get((dim, sub), set())
    first_missing = next((s["dimension"] for s in suggestions if s["dimension"] in missing_after), None)
    return {
        "flagged": dim in missing_after,
        "newly_flagged": dim in missing_after and dim not in missing_before,
        "dim1": bool(dims) and dims[0] == dim,
        "dim5": dim in dims,
        "top_missing": first_missing == dim,
        "sub5_strict": (dim, sub) in subs5,
        "sub5_lenient": (dim, sub) in subs5 or any(d == dim and s in lenient for d, s in subs5),
    }


def evaluate(record, binary, indexes, workdir, threshold):
    """All tests of one record: control (nothing removed) and one per preference."""
    sents = sentences(record["system"])
    prefs = record["preferences"]
    base = os.path.join(workdir, re.sub(r"[^A-Za-z0-9]+", "_", record["name"]))
    full_path = base + ".full.system.md"
    with open(full_path, "w", encoding="utf-8") as f:
        f.write(" ".join(sents) + "\n")
    missing_full = missing_dimensions(binary, full_path)
    control_sugs = {name: suggest(binary, full_path, idx) for name, idx in indexes(record).items()}
    results = []
    for i, (chosen, forced, row_scores) in enumerate(removal(sents, prefs, threshold)):
        p = prefs[i]
        kept = [s for j, s in enumerate(sents) if j not in chosen]
        test = {"record": record["name"], "dimension": p["dimension"], "subdimension": p.get("subdimension", ""),
                "preference": p.get("preference", ""), "removed": chosen, "forced": forced, "sentences": len(sents),
                "scores": row_scores}
        if "truth" in record:
            truth = set(record["truth"][i])
            test["truth"] = sorted(truth)
            test["removal_exact"] = set(chosen) == truth
            test["removal_tp"] = len(set(chosen) & truth)
            test["removal_fp"] = len(set(chosen) - truth)
            test["removal_fn"] = len(truth - set(chosen))
        if not kept:
            test["skipped"] = "nothing would remain"
            results.append(test)
            continue
        path = f"{base}.without{i}.system.md"
        with open(path, "w", encoding="utf-8") as f:
            f.write(" ".join(kept) + "\n")
        missing_after = missing_dimensions(binary, path)
        test["missing_before"] = sorted(missing_full)
        test["missing_after"] = sorted(missing_after)
        test["configs"] = {}
        for name, idx in indexes(record).items():
            sugs = suggest(binary, path, idx)
            test["configs"][name] = {
                "top5": [f"{s['dimension']}/{s['subdimension']}" for s in sugs[:5]],
                "scores": score(p, missing_full, missing_after, sugs),
                "control": score(p, missing_full, missing_full, control_sugs[name]),
            }
        results.append(test)
    return results


# ---------------------------------------------------------------------------
# Indexes


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def import_files(binary, index, files):
    for path in files:
        started = time.perf_counter()
        proc = run([binary, "index", "import", path, "--index", index], index)
        if proc.returncode != 0:
            raise RuntimeError(f"import {path}: exit {proc.returncode}: {proc.stderr[-400:]}")
        print(f"  imported {os.path.basename(path)} in {time.perf_counter() - started:.1f} s: {proc.stdout.strip()}")


# ---------------------------------------------------------------------------
# Report


def aggregate(tests, config, key="scores"):
    rows = [t["configs"][config][key] for t in tests if "configs" in t]
    n = len(rows)
    return n, {m: sum(r[m] for r in rows) for m in METRICS}


def pct(k, n):
    return f"{k}/{n} ({100.0 * k / n:.0f}%)" if n else "n/a"


def print_table(title, tests, configs):
    n_all = len(tests)
    skipped = sum(1 for t in tests if "skipped" in t)
    print(f"\n{title}: {n_all} removal tests ({skipped} skipped)")
    header = f"{'metric':16s}" + "".join(f"{c + ' removed':>22s}{c + ' control':>22s}" for c in configs)
    print(header)
    aggs = {c: (aggregate(tests, c), aggregate(tests, c, "control")) for c in configs}
    for m in METRICS:
        line = f"{METRIC_NAMES[m]:16s}"
        for c in configs:
            (n, a), (nc, ac) = aggs[c]
            ctrl = "-" if m in ("flagged", "newly_flagged") else pct(ac[m], nc)
            if m in ("flagged", "newly_flagged") and c != configs[0]:
                line += f"{'(same)':>22s}{'':>22s}"
                continue
            line += f"{pct(a[m], n):>22s}{ctrl:>22s}"
        print(line)
    return {c: {"removed": aggs[c][0][1], "control": aggs[c][1][1], "n": aggs[c][0][0]} for c in configs}


def per_dimension(tests, configs):
    print("\n  by removed dimension (removed-sentence tests):")
    cols = ["flagged"] + [f"{c} {m}" for c in configs for m in ("dim@5", "sub@5 strict", "sub@5 lenient")]
    print(f"  {'dimension':22s}{'n':>5s}" + "".join(f"{c:>24s}" for c in cols))
    for dim in DIMENSIONS:
        sel = [t for t in tests if t["dimension"] == dim and "configs" in t]
        if not sel:
            continue
        n = len(sel)
        cells = [pct(sum(t["configs"][configs[0]]["scores"]["flagged"] for t in sel), n)]
        for c in configs:
            s = [t["configs"][c]["scores"] for t in sel]
            cells += [pct(sum(x[m] for x in s), n) for m in ("dim5", "sub5_strict", "sub5_lenient")]
        print(f"  {dim:22s}{n:5d}" + "".join(f"{x:>24s}" for x in cells))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--index", help="index with other records imported (default: build a temporary one)")
    ap.add_argument("--janus", default=next((c for c in JANUS_CANDIDATES if os.path.isdir(c)), JANUS_CANDIDATES[-1]))
    ap.add_argument("--synthetic", type=int, default=150, help="synthetic test records (4 tests each)")
    ap.add_argument("--test-seed", type=int, default=9001)
    ap.add_argument("--index-rows", type=int, default=20000, help="synthetic rows in the temporary index")
    ap.add_argument("--index-seed", type=int, default=2)
    ap.add_argument("--threshold", type=float, default=0.12)
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--json", metavar="FILE", help="write every test (sentences removed, top 5, hits) to FILE")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()

    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no facet binary at {binary}; build with `swift build -c release` or pass --bin")
    started = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="facet-relevance-")
    try:
        real, skipped, sunburst = janus_records(args.janus)
        print(f"Janus records with a system message and preferences in {args.janus}: {len(real)}")
        for r in real:
            print(f"  {r['name']}: {len(sentences(r['system']))} sentences, preferences " +
                  ", ".join(f"{p['dimension']}/{p.get('subdimension')}" for p in r["preferences"]))
        for s in skipped:
            print(f"  skipped {s}")
        synth = synthetic_records(args.synthetic, args.test_seed)
        print(f"synthetic test records: {len(synth)} (make-collection.py seed {args.test_seed})")

        embedded = os.path.join(workdir, "embedded.sqlite")
        run([binary, "index", "stats", "--index", embedded], embedded)  # creates it with the embedded collection
        if args.index:
            base_index = os.path.abspath(args.index)
            print(f"indexed: using {base_index} as given")
        else:
            base_index = os.path.join(workdir, "indexed.sqlite")
            print(f"indexed: building {base_index}")
            files = []
            if args.index_rows > 0:
                rows_path = os.path.join(workdir, f"synthetic-{args.index_rows}-s{args.index_seed}.jsonl")
                subprocess.run([sys.executable, os.path.join(HERE, "make-collection.py"), "--rows", str(args.index_rows),
                                "--out", rows_path, "--seed", str(args.index_seed)], check=True, capture_output=True)
                files.append(rows_path)
            if sunburst:
                path = os.path.join(workdir, "janus-sunburst.jsonl")
                write_jsonl(path, sunburst)
                files.append(path)
            import_files(binary, base_index, files)
        # Real Janus records: the index holds the other real records, never the one under test.
        per_record = {}
        if not args.index and len(real) > 1:
            for n, r in enumerate(real):
                path = os.path.join(workdir, f"indexed-without-{n}.sqlite")
                shutil.copy(base_index, path)
                others = os.path.join(workdir, f"janus-others-{n}.jsonl")
                write_jsonl(others, [{"system": o["system"], "preference_set": o["preferences"], "prompt": "",
                                      "original_source": "janus-example"} for o in real if o is not r])
                import_files(binary, path, [others])
                per_record[r["name"]] = path
        stats = json.loads(run([binary, "index", "stats", "--format", "json", "--index", base_index], base_index).stdout or "{}")
        print(f"indexed index: {stats.get('preferences')} preferences, {stats.get('systemMessages')} system messages")

        def indexes(record):
            return {"embedded": embedded, "indexed": per_record.get(record["name"], base_index)}

        configs = ["embedded", "indexed"]
        all_tests = {}
        for label, records in (("janus", real), ("synthetic", synth)):
            tests = []
            with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
                for result in pool.map(lambda r: evaluate(r, binary, indexes, workdir, args.threshold), records):
                    tests.extend(result)
            all_tests[label] = tests

        print("\nJanus tests, one per preference:")
        for t in all_tests["janus"]:
            print(f"- {t['record']}: removed {t['dimension']}/{t['subdimension']} \"{t['preference']}\": sentences "
                  f"{t['removed']} of {t['sentences']}{' (forced: none over the threshold)' if t['forced'] else ''}; "
                  f"missing before {t.get('missing_before')}, after {t.get('missing_after')}")
            for c in configs:
                if "configs" not in t:
                    continue
                r = t["configs"][c]
                hits = ", ".join(m for m in METRICS if r["scores"][m] and m not in ("flagged", "newly_flagged")) or "none"
                print(f"    {c:9s} top 5: {', '.join(r['top5'])}  -> hits: {hits}")

        summary = {}
        summary["janus"] = print_table("Janus records", all_tests["janus"], configs)
        summary["synthetic"] = print_table("Synthetic records (built the same way)", all_tests["synthetic"], configs)
        per_dimension(all_tests["synthetic"], configs)
        syn = [t for t in all_tests["synthetic"] if "truth" in t]
        if syn:
            tp = sum(t["removal_tp"] for t in syn)
            fp = sum(t["removal_fp"] for t in syn)
            fn = sum(t["removal_fn"] for t in syn)
            exact = sum(t["removal_exact"] for t in syn)
            forced = sum(t["forced"] for t in syn)
            print(f"\nremoval heuristic vs the generator's truth (synthetic): exact sentence set {pct(exact, len(syn))}, "
                  f"precision {tp / max(tp + fp, 1):.2f}, recall {tp / max(tp + fn, 1):.2f}, forced {forced}")
            summary["removal_check"] = {"exact": exact, "n": len(syn), "tp": tp, "fp": fp, "fn": fn, "forced": forced}
        print(f"\ndone in {time.perf_counter() - started:.0f} s")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"summary": summary, "tests": all_tests, "skipped_records": skipped}, f, indent=1)
            print(f"wrote {args.json}")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
