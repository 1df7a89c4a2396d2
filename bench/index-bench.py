#!/usr/bin/env python3
"""Benchmark Facet's preference index at the size of the Multifaceted Collection.

    python3 bench/index-bench.py [--bin PATH] [--rows 200000] [--seed 1] [--keep-index] [--json]

1. import: makes (or reuses) a synthetic collection of --rows rows in /tmp with
   bench/make-collection.py, imports it into a fresh temporary index with
   `facet index import FILE --index PATH`, and reports rows/s and wall time
   (target: at least 20,000 rows/s), plus the importer's CPU time and peak RSS;
2. size: `facet index stats --format json` (bytesOnDisk) and the sizes of the
   database, -wal and -shm files;
3. CLI latency, end to end (process start included): `facet index search`
   over --queries varied word queries and `facet suggest --format json` over
   --suggest-docs system prompts from the corpus (../shared/corpus/system-prompts);
   median, p90, p99, max. `facet --version` is timed too, as the floor that
   process start-up alone costs;
4. in-server latency: starts `facet lsp --index PATH --diagnostics-delay 0`,
   opens documents (corpus prompts and synthetic system messages), waits for
   their diagnostics, then times `textDocument/completion` on an empty line
   (the suggest path) and `textDocument/hover` on a prose sentence (a search
   for the closest preferences), --lsp-requests of each; median and p99
   (targets: median < 2 ms, p99 < 10 ms). The first request, which opens the
   index, is reported on its own and not counted;
5. server memory: VmRSS and VmHWM from /proc/PID/status after initialize and
   after those requests.

Steps 3 to 5 run twice: on the imported index and, as a baseline, on a fresh
index that holds only the embedded collection (--no-baseline skips it).
Every index lives in a temporary folder, never in ~/.cache; the folder is
deleted at the end unless --keep-index is given.

Python 3 standard library only; the binary is the real one, nothing is mocked.
"""

import argparse
import importlib.util
import json
import math
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_BIN = os.path.join(REPO, ".build", "release", "facet")
CORPUS_CANDIDATES = [os.path.join(os.path.dirname(REPO), "shared", "corpus", "system-prompts"),
                     "/work/shared/corpus/system-prompts"]

TARGET_IMPORT_ROWS_PER_S = 20000
TARGET_MEDIAN_MS = 2.0
TARGET_P99_MS = 10.0


# ---------------------------------------------------------------------------
# Helpers


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2.0


def summary_ms(seconds):
    if not seconds:
        return None
    ms = [s * 1000.0 for s in seconds]
    return {"count": len(ms), "median_ms": round(median(ms), 3), "p90_ms": round(percentile(ms, 90), 3),
            "p99_ms": round(percentile(ms, 99), 3), "max_ms": round(max(ms), 3), "min_ms": round(min(ms), 3)}


def fmt(s):
    if not s:
        return "n/a"
    return f"median {s['median_ms']:.2f} ms, p90 {s['p90_ms']:.2f}, p99 {s['p99_ms']:.2f}, max {s['max_ms']:.2f} (n={s['count']})"


def verdict(ok):
    return "PASS" if ok else "MISS"


def load_generator():
    sys.dont_write_bytecode = True  # no __pycache__ in bench/
    spec = importlib.util.spec_from_file_location("make_collection", os.path.join(HERE, "make-collection.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def proc_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0]) / 1024.0  # MiB
    except OSError:
        pass
    return out


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def corpus_files(corpus, count):
    """`count` prompt files spread evenly over the corpus sorted by size (deterministic)."""
    files = []
    for root, _, names in os.walk(corpus):
        for name in names:
            if name.endswith((".md", ".txt", ".xml")):
                path = os.path.join(root, name)
                if file_size(path) > 0:
                    files.append(path)
    files.sort(key=lambda p: (file_size(p), p))
    if len(files) <= count:
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def env_for(index):
    env = dict(os.environ)
    env["FACET_INDEX"] = index  # belt and braces: every call also gets --index
    return env


# ---------------------------------------------------------------------------
# 1-2. Import and size


def ensure_collection(args):
    path = args.collection or f"/tmp/facet-bench-{args.rows}-s{args.seed}.jsonl"
    if os.path.exists(path):
        print(f"collection: reusing {path} ({file_size(path) / 1e6:.0f} MB)")
        return path
    print(f"collection: generating {path} ({args.rows} rows) ...", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, os.path.join(HERE, "make-collection.py"), "--rows", str(args.rows),
                    "--out", path, "--seed", str(args.seed)], check=True)
    print(f"collection: generated in {time.perf_counter() - started:.1f} s")
    return path


def run_import(binary, collection, index, rows):
    argv = [binary, "index", "import", collection, "--index", index]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for(index))
    out_chunks, err_chunks = [], []
    t_out = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))
    t_err = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()))
    t_out.start()
    t_err.start()
    peak = {"wal": 0, "db": 0}
    done = threading.Event()

    def watch():  # the -wal file only exists while the importer runs; sample its size
        while not done.wait(0.25):
            peak["wal"] = max(peak["wal"], file_size(index + "-wal"))
            peak["db"] = max(peak["db"], file_size(index))
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    watcher.join()
    t_out.join()
    t_err.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = b"".join(out_chunks).decode("utf-8", "replace").strip()
    stderr = b"".join(err_chunks).decode("utf-8", "replace").strip()
    return {
        "argv": " ".join(argv), "exit": proc.returncode, "wall_s": round(wall, 2),
        "rows_per_s": round(rows / wall) if wall > 0 else None,
        "user_s": round(usage.ru_utime, 2), "sys_s": round(usage.ru_stime, 2),
        "max_rss_mib": round(usage.ru_maxrss / 1024.0, 1),
        "peak_wal_bytes_during_import": peak["wal"],
        "stdout": stdout, "stderr_tail": stderr.splitlines()[-3:],
    }


def index_size(binary, index):
    proc = subprocess.run([binary, "index", "stats", "--format", "json", "--index", index],
                          capture_output=True, text=True, env=env_for(index))
    stats = json.loads(proc.stdout) if proc.returncode == 0 else {"error": proc.stderr.strip()}
    return {
        "stats": stats,
        "db_bytes": file_size(index), "wal_bytes": file_size(index + "-wal"), "shm_bytes": file_size(index + "-shm"),
    }


# ---------------------------------------------------------------------------
# 3. CLI latency


def search_queries(count, seed=7):
    gen = load_generator()
    rng = random.Random(seed)
    topic_words = [kw for _, kws in gen.TOPICS for kw in kws]
    quality = [q for spec in gen.SPEC.values() for q in spec["q"]]
    phrases = ["concise answers", "safety warnings", "beginner friendly", "cite sources", "step by step",
               "expert audience", "plain language", "privacy of personal data", "empathetic tone",
               "practical examples", "neutral and unbiased", "vivid storytelling"]
    queries = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            queries.append(rng.choice(topic_words).split())
        elif kind == 1:
            queries.append([rng.choice(quality)] + rng.choice(topic_words).split())
        elif kind == 2:
            queries.append(rng.choice(phrases).split())
        else:
            queries.append([rng.choice(quality), rng.choice(gen.AUDIENCES).split()[-1], rng.choice(topic_words).split()[0]])
    return queries


def time_cli(argv, env):
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, env=env)
    return time.perf_counter() - started, proc


def cli_latency(binary, index, queries, docs):
    env = env_for(index)
    result = {"problems": []}
    # Warm the page cache and open the index once (not timed).
    subprocess.run([binary, "index", "search", "warm", "--index", index], capture_output=True, env=env)
    floor = [time_cli([binary, "--version"], env)[0] for _ in range(20)]
    result["process_floor"] = summary_ms(floor)

    times, hits = [], 0
    for words in queries:
        elapsed, proc = time_cli([binary, "index", "search", *words, "--index", index, "--limit", "10", "--format", "json"], env)
        times.append(elapsed)
        if proc.returncode != 0:
            result["problems"].append(f"search {words}: exit {proc.returncode}: {proc.stderr.decode()[:200]}")
            continue
        try:
            hits += len(json.loads(proc.stdout)) > 0
        except ValueError:
            result["problems"].append(f"search {words}: output is not JSON")
    result["search"] = summary_ms(times)
    result["search_with_results"] = hits

    times, nonempty = [], 0
    for path in docs:
        elapsed, proc = time_cli([binary, "suggest", path, "--index", index, "--format", "json", "--limit", "8"], env)
        times.append(elapsed)
        if proc.returncode != 0:
            result["problems"].append(f"suggest {path}: exit {proc.returncode}: {proc.stderr.decode()[:200]}")
            continue
        try:
            nonempty += len(json.loads(proc.stdout)) > 0
        except ValueError:
            result["problems"].append(f"suggest {path}: output is not JSON")
        if proc.stderr.strip():
            result["problems"].append(f"suggest {os.path.basename(path)}: stderr: {proc.stderr.decode()[:200]}")
    result["suggest"] = summary_ms(times)
    result["suggest_nonempty"] = nonempty
    return result


# ---------------------------------------------------------------------------
# 4-5. In-server latency and memory


class Lsp:
    """`facet lsp` over pipes; a reader thread timestamps each message as its last byte arrives."""

    def __init__(self, argv, env):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     bufsize=0, env=env)
        self.queue = queue.Queue()
        self.next_id = 1
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: [self.stderr.append(l.decode("utf-8", "replace").rstrip())
                                         for l in iter(self.proc.stderr.readline, b"")], daemon=True).start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        buf = bytearray()
        expected = None
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                self.queue.put((time.perf_counter(), None))
                return
            buf += chunk
            while True:
                if expected is None:
                    end = buf.find(b"\r\n\r\n")
                    if end < 0:
                        break
                    header = bytes(buf[:end]).decode("ascii", "replace")
                    del buf[:end + 4]
                    for line in header.split("\r\n"):
                        name, _, value = line.partition(":")
                        if name.strip().lower() == "content-length":
                            expected = int(value)
                if expected is None or len(buf) < expected:
                    break
                body = bytes(buf[:expected])
                del buf[:expected]
                expected = None
                self.queue.put((time.perf_counter(), json.loads(body)))

    def send(self, message):
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        sent = time.perf_counter()
        view = memoryview(data)
        while view:
            view = view[os.write(self.proc.stdin.fileno(), view):]
        return sent

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=30):
        """Sends a request and waits for its response: (seconds, result, error)."""
        rid = self.next_id
        self.next_id += 1
        sent = self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            arrived, msg = self.queue.get(timeout=timeout)
            if msg is None:
                raise RuntimeError("server exited: " + " | ".join(self.stderr[-5:]))
            if msg.get("id") == rid and "method" not in msg:
                return arrived - sent, msg.get("result"), msg.get("error")
            self._other(msg)

    def wait_diagnostics(self, uri, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            arrived, msg = self.queue.get(timeout=timeout)
            if msg is None:
                raise RuntimeError("server exited: " + " | ".join(self.stderr[-5:]))
            if msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
                return
            self._other(msg)
        raise TimeoutError(uri)

    def _other(self, msg):
        # Server-to-client requests (configuration, registration, refresh) get an empty answer.
        if "id" in msg and "method" in msg:
            result = [None] * len(msg.get("params", {}).get("items", [])) if msg["method"] == "workspace/configuration" else None
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def close(self):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


def hover_positions(text, rng, count=2):
    """Positions on prose lines (several words, not headings, fences or tables), a few characters in."""
    lines = text.split("\n")
    candidates = []
    in_fence = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence or not stripped or stripped[0] in "#|<>{[" or len(stripped.split()) < 6:
            continue
        candidates.append(i)
    if not candidates:
        candidates = [i for i, l in enumerate(lines) if l.strip()] or [0]
    chosen = [candidates[int(k * len(candidates) / count)] for k in range(count)] if len(candidates) >= count else \
        [rng.choice(candidates) for _ in range(count)]
    out = []
    for i in chosen:
        line = lines[i]
        words = [j for j in range(1, len(line)) if line[j - 1] == " " and line[j] != " "]
        col = words[min(2, len(words) - 1)] + 1 if words else 0
        out.append({"line": i, "character": utf16_len(line[:col])})
    return out


def completion_positions(text, count=2):
    """The empty last line (the document gets a blank line appended) and a blank line in the middle, if any."""
    lines = text.split("\n")
    last = len(lines) - 1
    blanks = [i for i, l in enumerate(lines[:-1]) if not l.strip()]
    middle = blanks[len(blanks) // 2] if blanks else last
    return [{"line": last, "character": 0}, {"line": middle, "character": 0}][:count]


def lsp_latency(binary, index, documents, requests):
    argv = [binary, "lsp", "--index", index, "--diagnostics-delay", "0"]
    lsp = Lsp(argv, env_for(index))
    rng = random.Random(11)
    out = {"problems": []}
    lsp.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {
        "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]},
                         "completion": {"completionItem": {"documentationFormat": ["markdown"]}}}},
        "initializationOptions": {"diagnosticsDelay": 0}})
    lsp.notify("initialized", {})
    out["memory_after_initialize"] = proc_status(lsp.proc.pid)

    per_doc = max(1, math.ceil(requests / max(len(documents), 1)))
    completion, hover = [], []
    items_total = completions_empty = hovers_with_closest = 0
    first = None
    for n, (name, text) in enumerate(documents):
        text = text.rstrip("\n") + "\n\n"
        uri = f"file:///bench/doc{n}.system.md"
        lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        lsp.wait_diagnostics(uri)
        if first is None:
            # The first preference request opens the index: timed on its own.
            t, _, _ = lsp.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": completion_positions(text)[0]})
            first = t
        for pos in completion_positions(text, per_doc):
            if len(completion) >= requests:
                break
            t, result, error = lsp.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos})
            if error:
                out["problems"].append(f"completion {name}: {error}")
                continue
            completion.append(t)
            items = (result or {}).get("items", []) if isinstance(result, dict) else (result or [])
            items_total += len(items)
            completions_empty += not items
        for pos in hover_positions(text, rng, per_doc):
            if len(hover) >= requests:
                break
            t, result, error = lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
            if error:
                out["problems"].append(f"hover {name}: {error}")
                continue
            hover.append(t)
            value = ((result or {}).get("contents") or {}).get("value", "") if isinstance(result, dict) else ""
            hovers_with_closest += "Closest preferences" in value
    out["first_request_ms"] = round(first * 1000, 2) if first is not None else None
    out["completion"] = summary_ms(completion)
    out["completion_mean_items"] = round(items_total / max(len(completion), 1), 1)
    out["completion_empty"] = completions_empty
    out["hover"] = summary_ms(hover)
    out["hover_with_closest_preferences"] = hovers_with_closest
    out["memory_after_requests"] = proc_status(lsp.proc.pid)
    out["documents"] = len(documents)
    code = lsp.close()
    if code != 0:
        out["problems"].append(f"server exit code {code}")
    warnings = [l for l in lsp.stderr if l.strip()]
    if warnings:
        out["problems"].append("server stderr: " + " | ".join(warnings[:5]))
    return out


def lsp_documents(corpus_docs, collection, count, seed=5):
    """Half corpus prompts, half synthetic system messages from the collection."""
    docs = []
    half = count // 2
    for path in corpus_docs[:half]:
        with open(path, encoding="utf-8", errors="replace") as f:
            docs.append((os.path.basename(path), f.read()))
    rng = random.Random(seed)
    messages = []
    with open(collection, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= 3000:
                break
            messages.append(json.loads(line)["system"])
    for i, text in enumerate(rng.sample(messages, min(count - len(docs), len(messages)))):
        # Split the one-paragraph message into a few paragraphs, as people write them.
        sentences = text.split(". ")
        paragraphs = [". ".join(sentences[j:j + 2]) for j in range(0, len(sentences), 2)]
        docs.append((f"synthetic-{i}", "\n\n".join(p if p.endswith(".") else p + "." for p in paragraphs)))
    return docs


# ---------------------------------------------------------------------------


def measure_queries(label, binary, index, queries, suggest_docs, documents, requests):
    print(f"\n== {label}: {index}")
    cli = cli_latency(binary, index, queries, suggest_docs)
    print(f"CLI process floor (`facet --version`): {fmt(cli['process_floor'])}")
    print(f"CLI `facet index search` ({cli['search_with_results']}/{len(queries)} with results): {fmt(cli['search'])}")
    print(f"CLI `facet suggest` ({cli['suggest_nonempty']}/{len(suggest_docs)} non-empty): {fmt(cli['suggest'])}")
    server = lsp_latency(binary, index, documents, requests)
    c, h = server["completion"], server["hover"]
    print(f"server: first preference request (opens the index) {server['first_request_ms']} ms")
    print(f"server completion, empty line ({server['completion_mean_items']} items on average, {server['completion_empty']} empty): {fmt(c)}")
    print(f"server hover ({server['hover_with_closest_preferences']}/{h['count'] if h else 0} showed closest preferences): {fmt(h)}")
    mem0, mem1 = server["memory_after_initialize"], server["memory_after_requests"]
    print(f"server memory: after initialize VmRSS {mem0.get('VmRSS', 0):.1f} MiB; after requests "
          f"VmRSS {mem1.get('VmRSS', 0):.1f} MiB, VmHWM {mem1.get('VmHWM', 0):.1f} MiB")
    for p in cli["problems"][:10] + server["problems"][:10]:
        print(f"  problem: {p}")
    return {"cli": cli, "server": server}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--collection", help="use this collection file instead of generating one")
    ap.add_argument("--corpus", default=next((c for c in CORPUS_CANDIDATES if os.path.isdir(c)), CORPUS_CANDIDATES[-1]))
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--suggest-docs", type=int, default=100)
    ap.add_argument("--lsp-docs", type=int, default=100)
    ap.add_argument("--lsp-requests", type=int, default=200)
    ap.add_argument("--no-baseline", action="store_true", help="skip the embedded-only baseline")
    ap.add_argument("--keep-index", action="store_true", help="keep the temporary index folder and print its path")
    ap.add_argument("--json", metavar="FILE", help="also write every figure to FILE as JSON")
    args = ap.parse_args()

    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no facet binary at {binary}; build with `swift build -c release` or pass --bin")
    load = os.getloadavg()
    print(f"facet index benchmark: {binary}; {os.cpu_count()} CPUs, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    report = {"binary": binary, "rows": args.rows, "loadavg": load}
    collection = ensure_collection(args)
    workdir = tempfile.mkdtemp(prefix="facet-index-bench-")
    index = os.path.join(workdir, "index.sqlite")
    try:
        print(f"\n== import into {index}", flush=True)
        imp = run_import(binary, collection, index, args.rows)
        report["import"] = imp
        print(imp["stdout"])
        if imp["exit"] != 0:
            print(f"import failed (exit {imp['exit']}): {imp['stderr_tail']}")
        print(f"import: {args.rows} rows in {imp['wall_s']:.1f} s = {imp['rows_per_s']} rows/s "
              f"(CPU user {imp['user_s']} s, sys {imp['sys_s']} s, peak RSS {imp['max_rss_mib']} MiB)  "
              f"[{verdict((imp['rows_per_s'] or 0) >= TARGET_IMPORT_ROWS_PER_S)} target >= {TARGET_IMPORT_ROWS_PER_S} rows/s]")
        size = index_size(binary, index)
        report["size"] = size
        st = size["stats"]
        print(f"size: bytesOnDisk {st.get('bytesOnDisk', 0) / 1e6:.1f} MB (stats); files: db {size['db_bytes'] / 1e6:.1f} MB + "
              f"wal {size['wal_bytes'] / 1e6:.1f} MB + shm {size['shm_bytes'] / 1e6:.2f} MB; collection file "
              f"{file_size(collection) / 1e6:.1f} MB")
        print(f"the -wal file peaked at {imp['peak_wal_bytes_during_import'] / 1e6:.1f} MB during the import "
              f"(SQLite checkpoints and removes it when the importer closes the index)")
        print(f"index holds {st.get('preferences')} preferences in {st.get('subdimensions')} subdimensions, "
              f"{st.get('systemMessages')} system messages, {st.get('links')} links")

        docs = corpus_files(args.corpus, max(args.suggest_docs, args.lsp_docs // 2))
        suggest_docs = docs[:args.suggest_docs]
        documents = lsp_documents(docs, collection, args.lsp_docs)
        queries = search_queries(args.queries)
        runs = [("imported index", index)]
        if not args.no_baseline:
            base = os.path.join(workdir, "embedded-only.sqlite")
            runs.append(("baseline: embedded collection only", base))
        for label, path in runs:
            report[label] = measure_queries(label, binary, path, queries, suggest_docs, documents, args.lsp_requests)

        main_run = report["imported index"]["server"]
        print("\n== verdicts (imported index)")
        print(f"import rate: {imp['rows_per_s']} rows/s  {verdict((imp['rows_per_s'] or 0) >= TARGET_IMPORT_ROWS_PER_S)} (target >= {TARGET_IMPORT_ROWS_PER_S})")
        for name in ("completion", "hover"):
            s = main_run[name]
            if not s:
                continue
            print(f"server {name}: median {s['median_ms']:.2f} ms {verdict(s['median_ms'] < TARGET_MEDIAN_MS)} (< {TARGET_MEDIAN_MS}), "
                  f"p99 {s['p99_ms']:.2f} ms {verdict(s['p99_ms'] < TARGET_P99_MS)} (< {TARGET_P99_MS})")
        mem = main_run["memory_after_requests"]
        print(f"server memory with the {args.rows}-row index: VmRSS {mem.get('VmRSS', 0):.1f} MiB, VmHWM {mem.get('VmHWM', 0):.1f} MiB")
    finally:
        if args.keep_index:
            print(f"\nkept the index folder: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2, default=str)
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
