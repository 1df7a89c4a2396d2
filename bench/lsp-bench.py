#!/usr/bin/env python3
"""Benchmark `facet lsp` as an external client over the real binary's pipes.

    python3 bench/lsp-bench.py [--bin PATH] [--runs N] [--keystrokes K] [--doc FILE]... [--json]

Measures, against the targets of this project:

1. start-up: process start -> `initialize` response (median, p99 over --runs spawns);
2. typing: `textDocument/didChange` (one character, incremental, UTF-16 positions)
   -> `textDocument/publishDiagnostics` for that version, on an about-4 KB and an
   about-40 KB system message (plus any --doc files), with the debounce disabled;
3. memory: VmHWM / VmRSS of the server with 50 documents open, after hover and
   semanticTokens/full on each.

Python 3 standard library only. The server is the real binary; nothing is mocked.
Build it first with `swift build -c release` (the default --bin is
<repo>/.build/release/facet).
"""

import argparse
import json
import math
import os
import platform
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import atexit

BENCH_SCRATCH = tempfile.mkdtemp(prefix="facet-lsp-bench-")
atexit.register(shutil.rmtree, BENCH_SCRATCH, True)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BIN = os.path.join(REPO, ".build", "release", "facet")
CORPUS_CANDIDATES = [
    os.path.join(os.path.dirname(REPO), "shared", "corpus", "system-prompts"),
    "/work/shared/corpus/system-prompts",
]
FALLBACK_DOC = os.path.join(REPO, "examples", "support-agent.system.md")
CORPUS_EXTENSIONS = (".md", ".txt", ".xml")

TARGET_KEYSTROKE_P99_MS = 5.0    # 4 KB document, p99
TARGET_INITIALIZE_MS = 50.0      # median
TARGET_RSS_MB = 40.0             # 50 documents open

INITIALIZE_PARAMS = {
    "processId": None,
    "rootUri": None,
    "capabilities": {},
    "initializationOptions": {"diagnosticsDelay": 0},
}

# What gets typed, one character per didChange. Plain prose with a few
# non-ASCII characters (em dash, curly quotes, é) so UTF-16 columns matter.
TYPED_TEXT = (
    " When a customer asks about a refund, first confirm the order number and the"
    " purchase date \u2014 never guess them \u2014 then explain the \u201cthirty-day\u201d"
    " policy in two short sentences. If the caf\u00e9 order was paid by gift card,"
    " offer store credit instead, and always end by asking whether anything else"
    " needs attention today. Keep every answer under one hundred and twenty words."
)


class ServerDied(Exception):
    pass


# ---------------------------------------------------------------------------
# Statistics


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0


def summary_ms(seconds):
    ms = [s * 1000.0 for s in seconds]
    return {
        "count": len(ms),
        "median_ms": round(median(ms), 3),
        "p90_ms": round(percentile(ms, 90), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3),
        "min_ms": round(min(ms), 3),
    }


# ---------------------------------------------------------------------------
# A minimal LSP client over the server's pipes


class LspClient:
    """Spawns `facet lsp` and talks JSON-RPC with Content-Length framing.

    A reader thread reads stdout into a queue, stamping each message with the
    time its last byte arrived, so the measuring thread never blocks on pipe
    buffering and latencies do not include JSON decoding on our side. Another
    thread drains stderr.
    """

    def __init__(self, binary, server_args=(), problems=None):
        self.problems = problems if problems is not None else []
        self.queue = queue.Queue()
        self.stderr_lines = []
        self.next_id = 1
        self.responses = {}
        self.publishes = {}        # uri -> [(time, version, n_diagnostics, body_bytes)]
        self.latest_sent = {}      # uri -> last version sent
        self.log_messages = []
        self.closed = False
        self.argv = [binary, "lsp"] + list(server_args)
        self.spawn_time = time.perf_counter()
        # A throw-away preference index: a benchmark never writes to the user's cache.
        env = dict(os.environ, FACET_INDEX=os.path.join(BENCH_SCRATCH, "index.sqlite"))
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, bufsize=0, close_fds=True, env=env)
        self.pid = self.proc.pid
        self._stdin = self.proc.stdin.fileno()
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        self._err_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._err_reader.start()

    # -- threads

    def _read_stdout(self):
        fd = self.proc.stdout.fileno()
        buffer = bytearray()
        expected = None
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self.queue.put((time.perf_counter(), None, 0))
                return
            buffer += chunk
            while True:
                if expected is None:
                    end = buffer.find(b"\r\n\r\n")
                    if end < 0:
                        break
                    header = bytes(buffer[:end]).decode("ascii", "replace")
                    del buffer[:end + 4]
                    length = None
                    for line in header.split("\r\n"):
                        name, _, value = line.partition(":")
                        if name.strip().lower() == "content-length":
                            length = int(value.strip())
                    if length is None:
                        self.queue.put((time.perf_counter(), {"__framing_error__": header}, 0))
                        continue
                    expected = length
                if len(buffer) < expected:
                    break
                body = bytes(buffer[:expected])
                del buffer[:expected]
                expected = None
                self.queue.put((time.perf_counter(), body, len(body)))

    def _read_stderr(self):
        for raw in iter(self.proc.stderr.readline, b""):
            self.stderr_lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    # -- sending

    def send(self, message):
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        sent_at = time.perf_counter()
        view = memoryview(data)
        try:
            while view:
                n = os.write(self._stdin, view)
                view = view[n:]
        except BrokenPipeError:
            raise ServerDied(self._death_note("its stdin closed"))
        return sent_at

    def notify(self, method, params):
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        sent_at = self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid, sent_at

    # -- receiving

    def _dispatch(self, received_at, body, size):
        if body is None:
            self.closed = True
            raise ServerDied(self._death_note("stdout closed"))
        if isinstance(body, dict):
            self.problems.append("framing error from the server: header %r" % body["__framing_error__"])
            return None
        try:
            msg = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            self.problems.append("unparseable message from the server (%s): %r" % (error, body[:120]))
            return None
        method = msg.get("method")
        if method is not None and "id" in msg:
            # A request from the server: answer null (we announced no capabilities).
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            self.problems.append("server sent request %s although the client has no capabilities" % method)
        elif method == "textDocument/publishDiagnostics":
            params = msg.get("params") or {}
            uri, version = params.get("uri"), params.get("version")
            record = (received_at, version, len(params.get("diagnostics") or []), size)
            history = self.publishes.setdefault(uri, [])
            if version is None:
                self.problems.append("publishDiagnostics without a version for %s" % uri)
            elif history and history[-1][1] is not None and version < history[-1][1]:
                self.problems.append("stale publishDiagnostics for %s: version %s after %s" % (uri, version, history[-1][1]))
            elif history and history[-1][1] == version:
                self.problems.append("publishDiagnostics for %s version %s published twice" % (uri, version))
            sent = self.latest_sent.get(uri)
            if sent is not None and version is not None and version > sent:
                self.problems.append("publishDiagnostics for %s has version %s, never sent (latest %s)" % (uri, version, sent))
            history.append(record)
        elif method == "window/logMessage" or method == "window/showMessage":
            text = (msg.get("params") or {}).get("message")
            self.log_messages.append(text)
            self.problems.append("server %s: %s" % (method, text))
        elif method is None and "id" in msg:
            self.responses[msg["id"]] = (received_at, msg)
        return (received_at, msg)

    def wait_for(self, predicate, timeout=30.0, what="a message"):
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("timed out after %.0f s waiting for %s" % (timeout, what))
            try:
                received_at, body, size = self.queue.get(timeout=remaining)
            except queue.Empty:
                continue
            item = self._dispatch(received_at, body, size)
            if item is not None and predicate(item[1]):
                return item

    def wait_response(self, rid, timeout=30.0):
        if rid in self.responses:
            return self.responses.pop(rid)
        item = self.wait_for(lambda m: m.get("id") == rid and "method" not in m, timeout, "the response to request %s" % rid)
        self.responses.pop(rid, None)
        return item

    def call(self, method, params, timeout=30.0):
        rid, sent_at = self.request(method, params)
        received_at, msg = self.wait_response(rid, timeout)
        if "error" in msg:
            self.problems.append("%s failed: %s" % (method, msg["error"]))
        return received_at - sent_at, msg

    def wait_publish(self, uri, version, timeout=30.0):
        def matches(m):
            p = m.get("params") or {}
            return m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri and p.get("version") == version
        return self.wait_for(matches, timeout, "publishDiagnostics of %s version %s" % (uri, version))

    # -- document helpers

    def open_document(self, uri, text, version=1):
        self.latest_sent[uri] = version
        sent_at = self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": version, "text": text}})
        received_at, msg = self.wait_publish(uri, version)
        return received_at - sent_at, msg

    def initialize(self):
        rid, _ = self.request("initialize", INITIALIZE_PARAMS)
        received_at, msg = self.wait_response(rid)
        if "error" in msg:
            raise RuntimeError("initialize failed: %s" % msg["error"])
        self.notify("initialized", {})
        return received_at - self.spawn_time, msg

    def shutdown(self, timeout=10.0):
        """shutdown + exit; returns the exit code (None if it had to be killed)."""
        try:
            rid, _ = self.request("shutdown", None)
            _, msg = self.wait_response(rid, timeout)
            if "error" in msg:
                self.problems.append("shutdown failed: %s" % msg["error"])
            self.notify("exit", None)
        except (ServerDied, TimeoutError, OSError) as error:
            self.problems.append("shutdown: %s" % error)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.problems.append("server did not exit within %.0f s after exit; killed it" % timeout)
            self.proc.kill()
            self.proc.wait()
            code = None
        self._reader.join(timeout=2)
        self._err_reader.join(timeout=2)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
        if code != 0:
            self.problems.append("server exited with code %s (expected 0)" % code)
        # Logs at info/debug (with --log-level) are expected; warnings and errors are problems.
        bad = [line for line in self.stderr_lines if "[info]" not in line and "[debug]" not in line]
        if bad:
            self.problems.append("server stderr (%d lines), first: %s" % (len(bad), bad[0]))
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def proc_status(self):
        """VmHWM and VmRSS of the server in MiB, from /proc/<pid>/status."""
        values = {}
        try:
            with open("/proc/%d/status" % self.pid) as status:
                for line in status:
                    key, _, value = line.partition(":")
                    if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile", "VmSize", "Threads"):
                        parts = value.split()
                        values[key] = int(parts[0]) / 1024.0 if key != "Threads" else int(parts[0])
        except OSError as error:
            values["error"] = str(error)
        return values

    def _death_note(self, what):
        code = self.proc.poll()
        tail = " | ".join(self.stderr_lines[-5:])
        return "the server died (%s; exit code %s)%s" % (what, code, (": " + tail) if tail else "")


# ---------------------------------------------------------------------------
# Documents


def split_lines(text):
    """Lines as LSP counts them: \\r\\n, \\r and \\n end a line."""
    return re.split(r"\r\n|\r|\n", text)


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def find_corpus(explicit):
    if explicit:
        return explicit if os.path.isdir(explicit) else None
    for candidate in CORPUS_CANDIDATES:
        if os.path.isdir(candidate):
            return candidate
    return None


def corpus_files(corpus):
    found = []
    for root, dirs, files in os.walk(corpus):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(CORPUS_EXTENSIONS):
                path = os.path.join(root, name)
                found.append((os.path.getsize(path), os.path.relpath(path, corpus), path))
    found.sort()
    return found


def prose_fraction(text):
    """Share of the bytes in prose lines (outside code fences, mostly letters and
    spaces, not markup or JSON): keeps a tool's JSON schema from standing in for
    a system message."""
    fence, prose = False, 0
    for line in split_lines(text):
        s = line.strip()
        if s.startswith("```") or s.startswith("~~~"):
            fence = not fence
            continue
        if fence or not s or s.startswith(("<", "{", '"')):
            continue
        if sum(c.isalpha() or c == " " for c in s) >= 0.8 * len(s):
            prose += len(line.encode("utf-8"))
    return prose / max(1, len(text.encode("utf-8")))


def document_near(files, target):
    """The corpus prompt nearest `target` bytes among those within 20% of it that
    are mostly prose; else a concatenation of prose prompts, in size order from
    near target/4, until it reaches the target. Returns (text, source description)."""
    prose = [f for f in files if prose_fraction(read_text(f[2])) >= 0.5] or files
    nearest = min(prose, key=lambda f: abs(f[0] - target))
    if abs(nearest[0] - target) <= 0.2 * target:
        return read_text(nearest[2]), "corpus file %s (%d bytes)" % (nearest[1], nearest[0])
    files = prose
    start = min(range(len(files)), key=lambda i: abs(files[i][0] - target / 4))
    parts, names, total = [], [], 0
    i = start
    while total < target and i < len(files) + start:
        size, rel, path = files[i % len(files)]
        parts.append(read_text(path).rstrip("\n"))
        names.append(rel)
        total += size
        i += 1
    text = "\n\n".join(parts) + "\n"
    return text, "concatenation of %d corpus files (%s)" % (len(names), ", ".join(names))


def repeated_fallback(target):
    base = read_text(FALLBACK_DOC).rstrip("\n") + "\n\n"
    copies = max(1, round(target / len(base.encode("utf-8"))))
    return base * copies, "%s repeated %d times" % (os.path.relpath(FALLBACK_DOC, REPO), copies)


def typing_position(text):
    """A prose line near the middle of the document (outside code fences), and
    the UTF-16 column of its end: where the typing happens."""
    lines = split_lines(text)
    in_fence = False
    candidates = []
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_fence = not in_fence
            continue
        if in_fence or len(stripped) < 30 or stripped[0] in "#|<>{[`" or stripped.endswith((">", "{", "[", ",")):
            continue
        if sum(c.isalpha() for c in stripped) < len(stripped) / 2:
            continue
        candidates.append(number)
    middle = len(lines) // 2
    line = min(candidates, key=lambda n: abs(n - middle)) if candidates else max(0, middle)
    return line, utf16_len(lines[line])


def apply_insert(lines, line, column16, char):
    """Mirror of the edit on our side (UTF-16 column -> Python index)."""
    current = lines[line]
    index, units = 0, 0
    while index < len(current) and units < column16:
        units += 2 if ord(current[index]) > 0xFFFF else 1
        index += 1
    lines[line] = current[:index] + char + current[index:]


# ---------------------------------------------------------------------------
# Benchmarks


def bench_initialize(binary, runs, problems):
    times, exit_codes, shutdown_times = [], [], []
    for _ in range(runs):
        client = LspClient(binary, problems=problems)
        try:
            elapsed, _ = client.initialize()
            times.append(elapsed)
            t0 = time.perf_counter()
            exit_codes.append(client.shutdown())
            shutdown_times.append(time.perf_counter() - t0)
        except Exception:
            client.kill()
            raise
    result = summary_ms(times)
    result["exit_codes"] = sorted(set(exit_codes), key=str)
    result["shutdown_to_exit"] = summary_ms(shutdown_times)
    result["target_ms"] = TARGET_INITIALIZE_MS
    result["pass"] = result["median_ms"] < TARGET_INITIALIZE_MS
    return result


def normalise_diagnostics(diagnostics):
    out = []
    for d in diagnostics:
        d = dict(d)
        for info in d.get("relatedInformation") or []:
            info.get("location", {}).pop("uri", None)
        out.append(json.dumps(d, sort_keys=True))
    return out


def bench_typing(binary, name, text, source, keystrokes, workdir, problems, log_level=None):
    args = ["--diagnostics-delay", "0"]
    if log_level:
        args += ["--log-level", log_level]
    client = LspClient(binary, args, problems=problems)
    try:
        client.initialize()
        path = os.path.join(workdir, "%s.system.md" % name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        uri = "file://" + path
        open_time, first = client.open_document(uri, text)
        line, column = typing_position(text)
        lines = split_lines(text)
        typed = (TYPED_TEXT * (keystrokes // len(TYPED_TEXT) + 1))[:keystrokes]
        latencies, version = [], 1
        for char in typed:
            version += 1
            client.latest_sent[uri] = version
            sent_at = client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": line, "character": column},
                              "end": {"line": line, "character": column}},
                    "rangeLength": 0,
                    "text": char,
                }],
            })
            received_at, _ = client.wait_publish(uri, version)
            latencies.append(received_at - sent_at)
            apply_insert(lines, line, column, char)
            column += utf16_len(char)
        history = client.publishes.get(uri, [])
        last = history[-1] if history else (0, None, 0, 0)

        # Check that the edits landed where we meant: the same text opened whole
        # must give the same diagnostics as the incrementally edited document.
        final_text = "\n".join(lines) if "\r" not in text else None
        consistent = None
        if final_text is not None:
            check_uri = "file://" + os.path.join(workdir, "%s-check.system.md" % name)
            _, whole = client.open_document(check_uri, final_text)
            rid, _ = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
            _, pulled = client.wait_response(rid)
            incremental = (pulled.get("result") or {}).get("items")
            if incremental is None:
                problems.append("textDocument/diagnostic for %s returned %s" % (name, pulled.get("error") or pulled.get("result")))
            else:
                consistent = normalise_diagnostics(incremental) == normalise_diagnostics(whole["params"]["diagnostics"])
                if not consistent:
                    problems.append("%s: diagnostics after %d incremental edits differ from the same text opened whole" % (name, keystrokes))
        code = client.shutdown()
    except Exception:
        client.kill()
        raise
    result = summary_ms(latencies)
    result.update({
        "document": name,
        "source": source,
        "bytes": len(text.encode("utf-8")),
        "lines": len(split_lines(text)),
        "typing_at": {"line": line, "start_character_utf16": column - utf16_len(typed)},
        "open_to_first_publish_ms": round(open_time * 1000.0, 3),
        "diagnostics_at_open": len(first["params"]["diagnostics"]),
        "diagnostics_at_end": last[2],
        "publish_bytes_at_end": last[3],
        "incremental_matches_whole_text": consistent,
        "exit_code": code,
        "latencies_ms": [round(s * 1000.0, 3) for s in latencies],
    })
    return result


def memory_documents(corpus, files, count):
    """`count` documents spread over the corpus by size (small to large)."""
    if corpus and files:
        n = len(files)
        picks = sorted({round(i * (n - 1) / max(1, count - 1)) for i in range(count)})
        extra = [i for i in range(n) if i not in picks]
        while len(picks) < min(count, n):
            picks.append(extra.pop(len(extra) // 2))
        docs = [(files[i][1], read_text(files[i][2])) for i in sorted(picks)]
        while len(docs) < count:  # a tiny corpus: reuse prompts under new names
            rel, text = docs[len(docs) % n]
            docs.append(("%s (copy %d)" % (rel, len(docs)), text))
        return docs, "%d corpus prompts spread over sizes %d..%d bytes" % (len(docs), files[0][0], files[-1][0])
    base = read_text(FALLBACK_DOC).rstrip("\n") + "\n\n"
    docs = [("support-agent x%d" % (i % 10 + 1), base * (i % 10 + 1)) for i in range(count)]
    return docs, "%s repeated 1..10 times" % os.path.relpath(FALLBACK_DOC, REPO)


def bench_memory(binary, docs, workdir, problems):
    client = LspClient(binary, problems=problems)
    try:
        client.initialize()
        stages = {"after_initialize": client.proc_status()}
        uris = []
        open_times = []
        for index, (rel, text) in enumerate(docs):
            safe = re.sub(r"[^A-Za-z0-9._-]+", "-", rel)[-80:]
            path = os.path.join(workdir, "mem-%02d-%s.system.md" % (index, safe))
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            uri = "file://" + path
            elapsed, _ = client.open_document(uri, text)
            open_times.append(elapsed)
            uris.append((uri, text))
        stages["after_open"] = client.proc_status()
        hover_times, token_times, failures = [], [], 0
        for uri, text in uris:
            lines = split_lines(text)
            line = len(lines) // 2
            character = len(lines[line]) - len(lines[line].lstrip())
            elapsed, msg = client.call("textDocument/hover", {"textDocument": {"uri": uri},
                                                               "position": {"line": line, "character": character}})
            hover_times.append(elapsed)
            failures += "error" in msg
            elapsed, msg = client.call("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})
            token_times.append(elapsed)
            failures += "error" in msg
        stages["after_requests"] = client.proc_status()
        code = client.shutdown()
    except Exception:
        client.kill()
        raise
    rss = stages["after_requests"].get("VmRSS", float("nan"))
    hwm = stages["after_requests"].get("VmHWM", float("nan"))
    return {
        "documents": len(docs),
        "bytes_open": sum(len(t.encode("utf-8")) for _, t in docs),
        "stages_mib": {k: {key: (round(v, 2) if isinstance(v, float) else v) for key, v in s.items()} for k, s in stages.items()},
        "vmrss_mib": round(rss, 2),
        "vmhwm_mib": round(hwm, 2),
        "target_mib": TARGET_RSS_MB,
        "pass": rss < TARGET_RSS_MB,
        "peak_pass": hwm < TARGET_RSS_MB,
        "open_to_publish": summary_ms(open_times),
        "hover": summary_ms(hover_times),
        "semantic_tokens_full": summary_ms(token_times),
        "request_errors": failures,
        "exit_code": code,
    }


# ---------------------------------------------------------------------------
# Report


def mark(ok):
    return "PASS" if ok else "MISS"


def print_report(report):
    env = report["environment"]
    print("facet lsp benchmark")
    print("  binary      %s" % report["binary"])
    print("  machine     %s, %s cores, load average %s at start, %s at end" % (
        env["cpu"], env["cores"], env["load_start"], env["load_end"]))
    print("  percentiles: nearest rank; with %d spawns p99 is the slowest spawn" % report["initialize"]["count"])
    print()

    init = report["initialize"]
    print("1. spawn -> initialize response (%d spawns, shutdown + exit after each)" % init["count"])
    print("   median %.2f ms   p99 %.2f ms   min %.2f ms   max %.2f ms" % (
        init["median_ms"], init["p99_ms"], init["min_ms"], init["max_ms"]))
    print("   target median < %.0f ms: %s    (p99 vs target: %s)" % (
        init["target_ms"], mark(init["pass"]), mark(init["p99_ms"] < init["target_ms"])))
    print("   exit codes: %s; shutdown -> process exit median %.2f ms" % (
        init["exit_codes"], init["shutdown_to_exit"]["median_ms"]))
    print()

    print("2. didChange -> publishDiagnostics, one character per change, server started with")
    print("   --diagnostics-delay 0 and initializationOptions.diagnosticsDelay 0 (debounce disabled),")
    print("   each change waits for the publication of its own version")
    print("   documents from: %s" % report["documents_from"])
    for t in report["typing"]:
        print("   %-8s %7d bytes %5d lines  %s" % (t["document"], t["bytes"], t["lines"], t["source"]))
        print("            typing %d chars at the end of line %d (UTF-16 column %d)" % (
            t["count"], t["typing_at"]["line"] + 1, t["typing_at"]["start_character_utf16"]))
        print("            median %.2f  p90 %.2f  p99 %.2f  max %.2f ms" % (
            t["median_ms"], t["p90_ms"], t["p99_ms"], t["max_ms"]))
        extra = ""
        if t["document"] == "4KB":
            extra = "   target p99 < %.0f ms: %s" % (TARGET_KEYSTROKE_P99_MS, mark(t["p99_ms"] < TARGET_KEYSTROKE_P99_MS))
        print("            didOpen -> first publish %.2f ms; %d -> %d diagnostics; last publish %d bytes%s" % (
            t["open_to_first_publish_ms"], t["diagnostics_at_open"], t["diagnostics_at_end"], t["publish_bytes_at_end"], extra))
        if t["incremental_matches_whole_text"] is not None:
            print("            incremental edits == same text opened whole: %s" % ("yes" if t["incremental_matches_whole_text"] else "NO"))
    print()

    mem = report["memory"]
    print("3. memory with %d documents open (%s, %.0f KB in all)" % (mem["documents"], report["memory_documents_from"], mem["bytes_open"] / 1024.0))
    for stage, values in mem["stages_mib"].items():
        print("   %-16s VmRSS %6.1f MiB  VmHWM %6.1f MiB  threads %s" % (stage, values.get("VmRSS", float("nan")),
                                                                        values.get("VmHWM", float("nan")), values.get("Threads", "?")))
    print("   after didOpen + hover + semanticTokens/full on each: VmRSS %.1f MiB, VmHWM (peak) %.1f MiB" % (
        mem["vmrss_mib"], mem["vmhwm_mib"]))
    print("   target VmRSS < %.0f MiB: %s    (peak VmHWM vs target: %s)" % (
        mem["target_mib"], mark(mem["pass"]), mark(mem["peak_pass"])))
    print("   didOpen -> publish median %.2f ms (max %.2f); hover median %.2f ms; semanticTokens/full median %.2f ms (max %.2f); request errors %d" % (
        mem["open_to_publish"]["median_ms"], mem["open_to_publish"]["max_ms"], mem["hover"]["median_ms"],
        mem["semantic_tokens_full"]["median_ms"], mem["semantic_tokens_full"]["max_ms"], mem["request_errors"]))
    print()

    problems = report["problems"]
    if problems:
        print("problems seen (%d):" % len(problems))
        seen = {}
        for p in problems:
            seen[p] = seen.get(p, 0) + 1
        for p, n in seen.items():
            print("  - %s%s" % (p, " (x%d)" % n if n > 1 else ""))
    else:
        print("problems seen: none (no errors, no log messages, no stale or duplicate publications, all exits 0)")


def main():
    parser = argparse.ArgumentParser(description="Benchmark `facet lsp` over its pipes (startup, typing latency, memory).")
    parser.add_argument("--bin", default=DEFAULT_BIN, help="the facet binary (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=20, help="spawns for the initialize measurement (default 20)")
    parser.add_argument("--keystrokes", type=int, default=300, help="characters typed per document (default 300)")
    parser.add_argument("--doc", action="append", default=[], metavar="FILE", help="also measure typing in FILE (repeatable)")
    parser.add_argument("--corpus", help="folder of system prompts (default: ../shared/corpus/system-prompts next to the repo)")
    parser.add_argument("--open-docs", type=int, default=50, help="documents open for the memory measurement (default 50)")
    parser.add_argument("--log-level", help="pass --log-level to the server in the typing runs (its stderr is collected)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    args = parser.parse_args()

    if not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        sys.stderr.write("error: no facet binary at %s\n"
                         "Build the release binary first:  (cd %s && swift build -c release)\n"
                         "or point at one with --bin PATH.\n" % (args.bin, REPO))
        return 2
    if args.runs < 1 or args.keystrokes < 1 or args.open_docs < 1:
        sys.stderr.write("error: --runs, --keystrokes and --open-docs must be at least 1\n")
        return 2
    for doc in args.doc:
        if not os.path.isfile(doc):
            sys.stderr.write("error: --doc %s: no such file\n" % doc)
            return 2

    corpus = find_corpus(args.corpus)
    if args.corpus and not corpus:
        sys.stderr.write("error: --corpus %s is not a folder\n" % args.corpus)
        return 2
    files = corpus_files(corpus) if corpus else []
    if files:
        documents_from = "corpus %s (%d prompts)" % (corpus, len(files))
        typing_docs = [("4KB",) + document_near(files, 4096), ("40KB",) + document_near(files, 40960)]
    else:
        documents_from = "fallback: no corpus found (looked in %s)" % ", ".join(CORPUS_CANDIDATES)
        typing_docs = [("4KB",) + repeated_fallback(4096), ("40KB",) + repeated_fallback(40960)]
    for doc in args.doc:
        typing_docs.append((os.path.basename(doc), read_text(doc), "--doc %s" % doc))

    problems = []
    workdir = tempfile.mkdtemp(prefix="facet-lsp-bench-")
    report = {
        "binary": os.path.abspath(args.bin),
        "command": " ".join([sys.executable] + sys.argv),
        "environment": {
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "load_start": " ".join("%.2f" % x for x in os.getloadavg()),
            "python": platform.python_version(),
        },
        "documents_from": documents_from,
    }
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    report["environment"]["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        report["initialize"] = bench_initialize(args.bin, args.runs, problems)
        report["typing"] = [bench_typing(args.bin, name, text, source, args.keystrokes, workdir, problems, args.log_level)
                            for name, text, source in typing_docs]
        docs, report["memory_documents_from"] = memory_documents(corpus, files, args.open_docs)
        report["memory"] = bench_memory(args.bin, docs, workdir, problems)
    except (ServerDied, TimeoutError, RuntimeError) as error:
        sys.stderr.write("error: %s\n" % error)
        if "Unexpected argument 'lsp'" in str(error):
            sys.stderr.write("This facet binary has no `lsp` subcommand: rebuild it with `swift build -c release`.\n")
        for p in problems:
            sys.stderr.write("  problem: %s\n" % p)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report["environment"]["load_end"] = " ".join("%.2f" % x for x in os.getloadavg())
    report["problems"] = problems
    report["targets"] = {
        "keystroke_4kb_p99_ms": {"target": TARGET_KEYSTROKE_P99_MS, "value": report["typing"][0]["p99_ms"],
                                 "pass": report["typing"][0]["p99_ms"] < TARGET_KEYSTROKE_P99_MS},
        "initialize_median_ms": {"target": TARGET_INITIALIZE_MS, "value": report["initialize"]["median_ms"],
                                 "pass": report["initialize"]["pass"]},
        "rss_50_docs_mib": {"target": TARGET_RSS_MB, "value": report["memory"]["vmrss_mib"], "pass": report["memory"]["pass"]},
    }

    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for t in report["typing"]:
            t.pop("latencies_ms", None)
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
