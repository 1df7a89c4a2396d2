#!/usr/bin/env python3
"""Writes a fixed sample of the system messages held inside the corpus's CSV,
JSON and JSONL files (role prompts, chat datasets) out as one text file each,
so that they can be labelled and scored like the corpus's prompt files.

    python3 bench/extract-records.py --corpus ../shared/corpus --out /tmp/facet-records
    facet score-facets --labels bench/labels/records-1.jsonl --root /tmp/facet-records

The sample is the same on every run (fixed seed, sorted input), so label
files can point into it by path and byte offset. bench/train-facets.py runs
this itself. The text is copied byte for byte; nothing is written into the
repository.
"""
import argparse, csv, json, os, random

ROLE_PROMPTS = "role-prompts/f_awesome-chatgpt-prompts/prompts.csv"
INJECTION = "chat-datasets/meta-llama_PurpleLlama/prompt_injection.json"
JUDGE = "chat-datasets/lm-sys_FastChat/judge_prompts.jsonl"
FINE_TUNING = "chat-datasets/openai_openai-node/fine-tuning-data.jsonl"


def distinct(texts):
    """Each text once, in first-seen order."""
    return list(dict.fromkeys(t for t in texts if t and t.strip()))


def records(corpus):
    """(folder, texts) per source, the texts in a fixed order."""
    rng = random.Random(7)
    csv.field_size_limit(1 << 30)
    with open(os.path.join(corpus, ROLE_PROMPTS), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # Most rows are one paragraph; the structured ones are longer (kept under 6,000 characters).
    text = [r["prompt"] for r in rows if r["type"] == "TEXT" and len(r["prompt"]) < 4000]
    structured = [r["prompt"] for r in rows if r["type"] == "STRUCTURED" and len(r["prompt"]) < 6000]
    first = rng.sample(distinct(text), 100)
    yield "role-prompts", first + rng.sample(distinct(structured), 20)
    with open(os.path.join(corpus, INJECTION), encoding="utf-8") as f:
        injection = distinct(r["test_case_prompt"] for r in json.load(f))
    yield "prompt-injection", rng.sample(injection, 40)
    with open(os.path.join(corpus, JUDGE), encoding="utf-8") as f:
        yield "judge-prompts", distinct(json.loads(line)["system_prompt"] for line in f if line.strip())
    with open(os.path.join(corpus, FINE_TUNING), encoding="utf-8") as f:
        yield "fine-tuning", distinct(json.loads(line)["messages"][0]["content"] for line in f if line.strip())
    # A second sample (records-2), drawn after the first so the first stays as it was.
    taken = set(first)
    yield "role-prompts-2", rng.sample([t for t in distinct(text) if t not in taken], 150)


def extract(corpus, out):
    count = 0
    for folder, texts in records(corpus):
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        for index, text in enumerate(texts):
            with open(os.path.join(out, folder, f"{index:03d}.md"), "w", encoding="utf-8", newline="") as f:
                f.write(text)
            count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--corpus", default=os.path.join(here, "../../shared/corpus"))
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    print(f"wrote {extract(args.corpus, args.out)} messages to {args.out}")


if __name__ == "__main__":
    main()
