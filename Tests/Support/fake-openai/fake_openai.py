#!/usr/bin/env python3
r"""Fake OpenAI-compatible chat-completions server for Facet's tests.

Python 3.11 standard library only. It streams the way OpenAI, vLLM and
llama.cpp do (HTTP/1.1 chunked ``text/event-stream``, one ``data: <json>``
event per HTTP chunk, flushed immediately, ``data: [DONE]`` last) and can
inject faults chosen by the request's model name.

Usage
-----
    python3 fake_openai.py [--host 127.0.0.1] [--port 0] [--api-key VALUE]
                           [--exit-on-stdin-eof]

The server binds (port 0 picks a free port), prints exactly one line
``PORT <number>`` to stdout, flushes, and serves until killed. SIGTERM and
SIGINT exit quietly with status 0. With ``--exit-on-stdin-eof`` it also exits
when stdin reaches end of file, so a parent that dies takes it down (keep a
pipe to its stdin open for as long as you need it). Nothing else is printed
and requests are not logged.

``--api-key VALUE``: every ``/v1/`` request must carry
``Authorization: Bearer VALUE``, otherwise 401 with
``{"error":{"message":"Incorrect API key provided.",
"type":"invalid_request_error","code":"invalid_api_key"}}``.
The key and the Authorization header are never printed, logged or recorded.

POST /v1/chat/completions
-------------------------
Request JSON: ``model``, ``messages`` (list of ``{role, content}``; content may
be a string or a list of ``{"type":"text","text":...}`` parts), ``stream``,
optional ``temperature``, ``max_tokens``, ``stream_options.include_usage``.
A body that is not JSON, not an object, or whose ``messages`` is not a list
gets 400 with an OpenAI-style error. Every request is recorded (/__requests).

The reply text is ``"Echo: " + <content of the last user message>`` (or
``"Echo: (no user message)"``). Tokens are ``re.findall(r"\S+\s*", text)``:
each word with its trailing whitespace, so joined they give the exact text.
If ``max_tokens`` is smaller than the token count only that many tokens are
sent and finish_reason is ``"length"`` (streaming and non-streaming alike).

Usage numbers: prompt_tokens = whitespace-separated words over all request
messages, completion_tokens = content tokens sent.

Streaming (``"stream": true``): 200, ``Content-Type: text/event-stream``,
``Cache-Control: no-cache``, ``Transfer-Encoding: chunked``. Events:

1. ``{"id":"chatcmpl-fake-N","object":"chat.completion.chunk","created":T,
   "model":M,"choices":[{"index":0,"delta":{"role":"assistant","content":""},
   "finish_reason":null}]}``
2. one chunk per token, ``"delta":{"content":<token>}``
3. ``"delta":{}`` with ``"finish_reason":"stop"`` (or ``"length"``)
4. only with ``stream_options.include_usage``: ``"choices":[]`` and
   ``"usage":{"prompt_tokens":P,"completion_tokens":C,"total_tokens":P+C}``
5. ``data: [DONE]``, then the terminating chunk ``0\r\n\r\n``.

Non-streaming: 200 ``application/json`` with Content-Length,
``{"id":..,"object":"chat.completion","created":..,"model":..,"choices":[{
"index":0,"message":{"role":"assistant","content":..},"finish_reason":..}],
"usage":{..}}``.

Modes, chosen by the exact model name (N, D are decimal integers)
-----------------------------------------------------------------
========================  ==========================================  ===================================
model                     stream: true                                stream: false / absent
========================  ==========================================  ===================================
anything else             normal stream                               normal JSON
``slow-D``                D ms pause between content chunks           JSON after D ms x token count
``missing-model``         404 ``model_not_found`` error JSON          same
``fault-401``             401 ``invalid_api_key`` error JSON          same
``fault-403``             403 ``permission_denied`` error JSON        same
``fault-429-N``           first N requests with this exact name       same
                          (since start or /__reset) get 429 with
                          ``Retry-After: 1``; later ones are normal
``fault-429-always``      always 429 with ``Retry-After: 1``          same
``fault-429-noheader``    always 429 without Retry-After              same
``fault-429-after-V``     always 429 with ``Retry-After: V``, V any   same
                          text (a huge number, ``inf``, ``nan``)
``fault-500``             500 ``{"error":{"message":"internal         same
                          boom","type":"server_error"}}``
``fault-503``             503 with ``Retry-After: 1``, error JSON     same
``fault-redirect``        307 to ``/v1/chat/completions`` (this        same
                          server again: a client that follows it
                          sends the request twice, or loops)
``fault-redirect-bare``   302 with no ``Location`` header             same
``fault-echo-headers``    400 whose error message repeats every       same
                          ``X-`` request header (as a gateway that
                          reports a bad header does)
``fault-malformed``       role chunk, ``"Echo: "`` chunk, then the    200 JSON whose body is truncated,
                          raw event ``data: {"choices":[{"delta":     invalid JSON (right Content-Length)
                          {"content":"oops"`` (invalid JSON), then
                          the remaining tokens, finish, [DONE]
``fault-cut``             role chunk + first 2 tokens, then a clean   headers + half the body, then the
                          end of body (``0\r\n\r\n``): no finish      socket is shut down and closed
                          chunk, no [DONE]
``fault-cut-abrupt``      role chunk + first 2 tokens, then socket    same as fault-cut
                          shutdown + close, no terminating chunk
``fault-stall``           role chunk + first token, then silence      200 headers (Content-Length), no
                          for 60 s (stops early if the client         body, silence for 60 s
                          leaves), then the socket is closed
``fault-hang``            no status line at all for 60 s (stops       same
                          early if the client leaves), then close
``gated``                 role chunk + first token, then waits (max   waits the same way, then normal
                          30 s) for ``POST /__release``, then the     JSON
                          rest, finish, [DONE]
``endless``               role chunk, then ``"tick "`` every 20 ms    like fault-hang
                          until a write fails
``fault-pings``           role chunk + first token, then only         like fault-stall
                          ``: keep-alive`` comments every 50 ms
                          until the client leaves (or 60 s)
``fault-pings-only``      ``: keep-alive`` comments every 50 ms from  like fault-hang
                          the start: the answer never starts
``fault-drop-reused``     like fault-hang on a connection that has    same
                          already served a request (a proxy that
                          drops kept-alive connections silently);
                          normal on a new connection
``flood``                 64 KiB content events as fast as they can   like fault-hang
                          be written, until a write fails (an
                          endpoint that ignores max_tokens)
``no-stream-support``     ignores ``stream``: always normal JSON      normal JSON
``bench-N-D``             N chunks D ms apart, content                normal JSON
                          ``"<seq>:<time.monotonic_ns()> "`` (seq
                          from 0), then finish, [DONE]
========================  ==========================================  ===================================

Answer quality and judging (the reply text changes; streaming is normal)
------------------------------------------------------------------------
``quality-SPEC``: a model of known quality. SPEC is one entry per answered
turn, comma-separated, the last repeating; an entry is a score Q (1-5),
optionally followed by ``+NAME=N`` for a criterion that scores differently.
The reply is ``"Echo: <last user message> [quality Q] [NAME N]..."``; the
turn is the number of user messages in the request. Examples: ``quality-5``,
``quality-2+format=1``, ``quality-5,5,2`` (the third answer drops to 2).

``silent``: an answer with no text (role chunk, then finish ``stop``; the
non-streaming reply's content is ``""``), as a model that stops at once.

``judge``: a judge. For a request whose system message starts ``You write
evaluation rubrics`` it replies with a fenced JSON array of two valid rubrics
(ids ``format`` and ``tone``). Otherwise it reads the text between
``###Response to evaluate:`` and the next ``###`` heading, and the rubric
between ``###Score Rubrics:`` and ``Score 1:``; a ``[NAME N]`` marker in the
response whose NAME occurs in the rubric gives the score N, else its
``[quality Q]`` marker gives Q, else 3. It replies
``"Feedback: The response meets the rubric at level N. [RESULT] N"``.
``judge-colon`` ends ``Score: N/5`` instead; ``judge-noisy`` gives N the
first time it sees a conversation and N-1 (at least 1) the second, and so on
alternately (counted per identical message list, cleared by /__reset); ``judge-malformed`` replies
``"I am unable to grade this response."`` and, asked for rubrics,
``"Here are the rubrics you asked for."`` (no JSON).

``/__release`` releases every gated request that has started at that moment
(a gated request takes its ticket before it sends anything, so once a client
has seen the first token, a following /__release is guaranteed to free it).
Later gated requests wait for the next /__release.

bench: the timestamp is taken with ``time.monotonic_ns()`` right before the
chunk is written (after the previous one was flushed), and (seq, ns) is
appended to /__stats ``sent`` (last 10000 kept). On Linux this is
CLOCK_MONOTONIC; on macOS it is mach_absolute_time in ns, the clock behind
Swift's ``DispatchTime.now().uptimeNanoseconds``.

``disconnects`` counts chat responses the client abandoned: a write that
failed (any streaming mode, e.g. ``endless``) or a client seen to close
while fault-stall / fault-hang / gated were waiting.

Other routes
------------
- ``GET /v1/models``: ``{"object":"list","data":[{"id":"fake","object":"model",
  "owned_by":"facet-tests"}]}`` (subject to --api-key).
- ``GET /__requests``: recorded chat requests, oldest first: ``{"path","model",
  "stream","temperature","max_tokens","messages","headers":{lowercased name:
  value, except authorization},"authorized":bool}``.
- ``GET /__stats``: ``{"requests":n,"disconnects":n,"sent":[[seq,ns],...]}``.
- ``POST /__reset``: clears recorded requests, counters (including the
  chatcmpl-fake-N numbering), the sent list and the fault-429-N counters.
- ``POST /__release``: see ``gated``.
- anything else: 404 ``text/plain`` ``Not Found``.
"""

from __future__ import annotations

import argparse
import collections
import hmac
import itertools
import json
import re
import select
import signal
import socket
import socketserver
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CHAT_PATH = "/v1/chat/completions"
STALL_SECONDS = 60.0
GATE_SECONDS = 30.0
ENDLESS_INTERVAL = 0.02
POLL_SECONDS = 0.05
SENT_LIMIT = 10000

INVALID_API_KEY = {"error": {
    "message": "Incorrect API key provided.",
    "type": "invalid_request_error",
    "code": "invalid_api_key"}}
RATE_LIMITED = {"error": {
    "message": "Rate limit reached",
    "type": "requests",
    "code": "rate_limit_exceeded"}}
RETRY_AFTER = {"Retry-After": "1"}

# model name -> (status, body, extra headers)
ERROR_MODES = {
    "missing-model": (404, {"error": {
        "message": "The model `missing-model` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found"}}, {}),
    "fault-401": (401, INVALID_API_KEY, {}),
    "fault-403": (403, {"error": {
        "message": "You are not allowed to use this model",
        "type": "invalid_request_error",
        "code": "permission_denied"}}, {}),
    "fault-429-always": (429, RATE_LIMITED, RETRY_AFTER),
    "fault-429-noheader": (429, RATE_LIMITED, {}),
    "fault-500": (500, {"error": {
        "message": "internal boom",
        "type": "server_error"}}, {}),
    "fault-503": (503, {"error": {
        "message": "The server is overloaded or not ready yet.",
        "type": "server_error",
        "code": "service_unavailable"}}, RETRY_AFTER),
    "fault-redirect": (307, {"error": {"message": "moved", "type": "redirect"}},
                       {"Location": "/v1/chat/completions"}),
    "fault-redirect-bare": (302, {"error": {"message": "moved", "type": "redirect"}}, {}),
}

# mode name -> pattern; the integer groups become arguments of the mode.
PATTERN_MODES = (
    ("slow", re.compile(r"slow-(\d+)")),
    ("rate-limit", re.compile(r"fault-429-(\d+)")),
    ("bench", re.compile(r"bench-(\d+)-(\d+)")),
)
NAMED_MODES = frozenset({
    "fault-echo-headers", "fault-malformed", "fault-cut", "fault-cut-abrupt", "fault-stall",
    "fault-hang", "gated", "endless", "no-stream-support", "fault-pings", "fault-pings-only", "flood",
    "fault-drop-reused",
})

MALFORMED_EVENT = b'data: {"choices":[{"delta":{"content":"oops"\n\n'


# ---------------------------------------------------------------- helpers

def to_json(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def openai_error(message: str, code: str | None = None) -> dict:
    return {"error": {"message": message, "type": "invalid_request_error",
                      "param": None, "code": code}}


RETRY_AFTER_MODEL = re.compile(r"fault-429-after-(.+)")


def parse_mode(model: str) -> tuple[str, tuple[int, ...]]:
    """Map a model name to (mode, integer arguments)."""
    if model in ERROR_MODES:
        return "error", ()
    if RETRY_AFTER_MODEL.fullmatch(model):
        return "retry-after", ()
    for name, pattern in PATTERN_MODES:
        match = pattern.fullmatch(model)
        if match:
            return name, tuple(int(group) for group in match.groups())
    if model in NAMED_MODES:
        return model, ()
    return "normal", ()


def content_text(content) -> str:
    """Text of a message's content: a string or a list of text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [part.get("text") for part in content if isinstance(part, dict)]
        return "\n".join(part for part in parts if isinstance(part, str))
    return ""


def tokenize(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text)


def reply_text(messages: list) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return "Echo: " + content_text(message.get("content"))
    return "Echo: (no user message)"


QUALITY_MODEL = re.compile(r"quality-(.+)")
MARKER = re.compile(r"\[([A-Za-z_:-]+) ([1-5])\]")
JUDGE_MODELS = frozenset({"judge", "judge-colon", "judge-noisy", "judge-malformed"})
WRITTEN_RUBRICS = [
    {"id": "format", "criteria": "Does the reply follow the requested format?",
     "score_descriptions": {str(n): f"Format level {n}." for n in range(1, 6)}},
    {"id": "tone", "criteria": "Does the reply keep the requested tone?",
     "score_descriptions": {str(n): f"Tone level {n}." for n in range(1, 6)}},
]


def quality_text(spec: str, messages: list) -> str:
    """The reply of a quality-SPEC model: the echo plus its markers for this turn."""
    entries = spec.split(",")
    turn = sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "user")
    entry = entries[min(max(turn, 1), len(entries)) - 1]
    parts = entry.split("+")
    markers = [f"[quality {parts[0]}]"]
    for extra in parts[1:]:
        name, _, value = extra.partition("=")
        markers.append(f"[{name} {value}]")
    return reply_text(messages) + " " + " ".join(markers)


def judge_text(model: str, messages: list, seen_before: int) -> str:
    """The reply of a judge model (see the module docs)."""
    system = next((content_text(m.get("content")) for m in messages
                   if isinstance(m, dict) and m.get("role") == "system"), "")
    prompt = next((content_text(m.get("content")) for m in reversed(messages)
                   if isinstance(m, dict) and m.get("role") == "user"), "")
    if system.startswith("You write evaluation rubrics"):
        if model == "judge-malformed":
            return "Here are the rubrics you asked for."
        return "```json\n" + json.dumps(WRITTEN_RUBRICS) + "\n```"
    if model == "judge-malformed":
        return "I am unable to grade this response."
    response = prompt.split("###Response to evaluate:")[-1].split("###")[0]
    rubric = prompt.split("###Score Rubrics:")[-1].split("Score 1:")[0].lower()
    markers = dict(MARKER.findall(response))
    score = 3
    named = [int(v) for k, v in markers.items() if k != "quality" and k.lower() in rubric]
    if named:
        score = named[0]
    elif "quality" in markers:
        score = int(markers["quality"])
    if model == "judge-noisy" and seen_before % 2 == 1:
        score = max(1, score - 1)
    if model == "judge-colon":
        return f"Feedback: The response meets the rubric at level {score}. Score: {score}/5"
    return f"Feedback: The response meets the rubric at level {score}. [RESULT] {score}"


def model_reply_text(model: str, messages: list, seen_before: int) -> str:
    match = QUALITY_MODEL.fullmatch(model)
    if match:
        return quality_text(match.group(1), messages)
    if model in JUDGE_MODELS:
        return judge_text(model, messages, seen_before)
    if model == "silent":
        return ""
    return reply_text(messages)


def count_prompt_tokens(messages: list) -> int:
    return sum(len(content_text(m.get("content")).split())
               for m in messages if isinstance(m, dict))


# ---------------------------------------------------------------- state

class State:
    """Everything shared between request threads, guarded by one lock."""

    def __init__(self, api_key: str | None):
        self.api_key = api_key
        self.lock = threading.Lock()
        self.reset()
        self.release_event = threading.Event()

    def reset(self) -> None:
        with self.lock:
            self.requests: list[dict] = []
            self.disconnects = 0
            self.sent: collections.deque = collections.deque(maxlen=SENT_LIMIT)
            self.rate_limit_counts: dict[str, int] = {}
            self.completion_numbers = itertools.count(1)
            self.seen: dict[str, int] = {}

    def record(self, entry: dict) -> None:
        with self.lock:
            self.requests.append(entry)

    def count_seen(self, key: str) -> int:
        """How many times these messages were sent before (judge-noisy alternates on it)."""
        with self.lock:
            count = self.seen.get(key, 0)
            self.seen[key] = count + 1
            return count

    def next_completion_id(self) -> str:
        with self.lock:
            return f"chatcmpl-fake-{next(self.completion_numbers)}"

    def count_disconnect(self) -> None:
        with self.lock:
            self.disconnects += 1

    def record_sent(self, seq: int, ns: int) -> None:
        with self.lock:
            self.sent.append((seq, ns))

    def take_rate_limit(self, model: str, limit: int) -> bool:
        """True while `model` has been rate limited fewer than `limit` times."""
        with self.lock:
            used = self.rate_limit_counts.get(model, 0)
            if used >= limit:
                return False
            self.rate_limit_counts[model] = used + 1
            return True

    def gate_ticket(self) -> threading.Event:
        with self.lock:
            return self.release_event

    def release_gates(self) -> None:
        with self.lock:
            self.release_event.set()
            self.release_event = threading.Event()

    def snapshot_requests(self) -> list[dict]:
        with self.lock:
            return list(self.requests)

    def snapshot_stats(self) -> dict:
        with self.lock:
            return {"requests": len(self.requests),
                    "disconnects": self.disconnects,
                    "sent": [list(item) for item in self.sent]}


# ---------------------------------------------------------------- replies

@dataclass
class Reply:
    """One completion: ids, the tokens to send and how it ends."""
    id: str
    created: int
    model: str
    tokens: list[str]
    finish_reason: str
    prompt_tokens: int
    include_usage: bool

    @classmethod
    def from_request(cls, body: dict, completion_id: str, seen_before: int = 0) -> "Reply":
        messages = body["messages"]
        model = body.get("model")
        tokens = tokenize(model_reply_text(model if isinstance(model, str) else "", messages, seen_before))
        finish_reason = "stop"
        max_tokens = body.get("max_tokens")
        if (isinstance(max_tokens, int) and not isinstance(max_tokens, bool)
                and 0 <= max_tokens < len(tokens)):
            tokens, finish_reason = tokens[:max_tokens], "length"
        stream_options = body.get("stream_options")
        include_usage = (isinstance(stream_options, dict)
                         and stream_options.get("include_usage") is True)
        return cls(id=completion_id, created=int(time.time()),
                   model=model if isinstance(model, str) else "",
                   tokens=tokens, finish_reason=finish_reason,
                   prompt_tokens=count_prompt_tokens(messages),
                   include_usage=include_usage)

    def usage(self, completion_tokens: int) -> dict:
        return {"prompt_tokens": self.prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": self.prompt_tokens + completion_tokens}

    def _envelope(self, obj_type: str, choices: list) -> dict:
        return {"id": self.id, "object": obj_type, "created": self.created,
                "model": self.model, "choices": choices}

    def chunk(self, delta: dict, finish_reason: str | None = None) -> dict:
        return self._envelope("chat.completion.chunk", [
            {"index": 0, "delta": delta, "finish_reason": finish_reason}])

    def usage_chunk(self, completion_tokens: int) -> dict:
        obj = self._envelope("chat.completion.chunk", [])
        obj["usage"] = self.usage(completion_tokens)
        return obj

    def completion(self) -> dict:
        obj = self._envelope("chat.completion", [{
            "index": 0,
            "message": {"role": "assistant", "content": "".join(self.tokens)},
            "finish_reason": self.finish_reason}])
        obj["usage"] = self.usage(len(self.tokens))
        return obj


# ---------------------------------------------------------------- server

class FakeOpenAIServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address, state: State):
        self.state = state
        super().__init__(address, Handler)

    def server_bind(self):
        # Skip HTTPServer's socket.getfqdn(), which can stall on DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def get_request(self):
        sock, address = super().get_request()
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        return sock, address

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the client went away; nothing to report
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-openai/1.0"

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - base-class signature
        pass

    @property
    def state(self) -> State:
        return self.server.state

    # -- routing

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_OPTIONS(self):
        self._dispatch("OPTIONS")

    # Requests this connection served before the current one (the handler lives as long as its connection).
    served = 0

    def _dispatch(self, method: str) -> None:
        try:
            self._route(method)
        finally:
            self.served += 1

    def _route(self, method: str) -> None:
        path = urlsplit(self.path).path
        is_chat = method == "POST" and path == CHAT_PATH
        try:
            try:
                body = self._read_body()
            except ValueError:
                self.close_connection = True
                self._send_json(400, openai_error("Could not read the request body."))
                return
            if is_chat:
                self._chat(body)
            elif path.startswith("/v1/") and not self._authorized():
                self._send_json(401, INVALID_API_KEY)
            elif method == "GET" and path == "/v1/models":
                self._send_json(200, {"object": "list", "data": [
                    {"id": "fake", "object": "model", "owned_by": "facet-tests"}]})
            elif method == "GET" and path == "/__requests":
                self._send_json(200, self.state.snapshot_requests())
            elif method == "GET" and path == "/__stats":
                self._send_json(200, self.state.snapshot_stats())
            elif method == "POST" and path == "/__reset":
                self.state.reset()
                self._send_json(200, {"ok": True})
            elif method == "POST" and path == "/__release":
                self.state.release_gates()
                self._send_json(200, {"ok": True})
            else:
                self._send_bytes(404, "text/plain", b"Not Found")
        except ConnectionError:
            self.close_connection = True
            if is_chat:
                self.state.count_disconnect()

    # -- request reading

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked_body()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length)

    def _read_chunked_body(self) -> bytes:
        data = bytearray()
        while True:
            size = int(self.rfile.readline(65537).split(b";")[0].strip(), 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return bytes(data)
            data += self.rfile.read(size)
            self.rfile.readline()

    def _authorized(self) -> bool:
        key = self.state.api_key
        if key is None:
            return True
        given = self.headers.get("Authorization", "").encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, ("Bearer " + key).encode("utf-8"))

    def _recorded_headers(self) -> dict:
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            name = name.lower()
            if name != "authorization":
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return headers

    # -- plain responses

    def _send_bytes(self, status: int, content_type: str, data: bytes,
                    headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _send_json(self, status: int, obj, headers: dict | None = None) -> None:
        self._send_bytes(status, "application/json", to_json(obj), headers)

    def _send_completion(self, reply: Reply) -> None:
        self._send_json(200, reply.completion())

    # -- streaming primitives

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%X\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _send_event(self, obj: dict) -> None:
        self._write_chunk(b"data: " + to_json(obj) + b"\n\n")

    def _send_tokens(self, reply: Reply, tokens: list[str], delay: float = 0.0) -> None:
        for index, token in enumerate(tokens):
            if index and delay:
                time.sleep(delay)
            self._send_event(reply.chunk({"content": token}))

    def _send_role(self, reply: Reply) -> None:
        self._send_event(reply.chunk({"role": "assistant", "content": ""}))

    def _finish_stream(self, reply: Reply, completion_tokens: int,
                       finish_reason: str | None = None) -> None:
        self._send_event(reply.chunk({}, finish_reason or reply.finish_reason))
        if reply.include_usage:
            self._send_event(reply.usage_chunk(completion_tokens))
        self._write_chunk(b"data: [DONE]\n\n")
        self._end_body()

    def _end_body(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _abort_connection(self) -> None:
        """Shut the socket down and close it, whatever was sent so far."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()

    # -- waiting while watching the client

    def _peer_closed(self, timeout: float) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], timeout)
            if not readable:
                return False
            data = self.connection.recv(1, socket.MSG_PEEK | getattr(socket, "MSG_DONTWAIT", 0))
        except BlockingIOError:
            return False
        except (OSError, ValueError):
            return True
        if data:  # the client sent more (pipelining): not a close
            time.sleep(timeout)
            return False
        return True

    def _wait(self, seconds: float, event: threading.Event | None = None) -> str:
        """Wait until `event` is set, `seconds` pass or the client leaves.

        Returns "released", "timeout" or "gone"; "gone" is counted as a
        disconnect and marks the connection for closing.
        """
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            step = min(remaining, POLL_SECONDS)
            if event is not None:
                if event.wait(step):
                    return "released"
                gone = self._peer_closed(0)
            else:
                gone = self._peer_closed(step)
            if gone:
                self.state.count_disconnect()
                self.close_connection = True
                return "gone"

    # -- chat completions

    def _chat(self, raw: bytes) -> None:
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            body = None
        authorized = self._authorized()
        self._record(body, authorized)
        if not authorized:
            self._send_json(401, INVALID_API_KEY)
        elif not isinstance(body, dict):
            self._send_json(400, openai_error(
                "We could not parse the JSON body of your request. (HINT: This likely "
                "means you aren't using your HTTP library correctly.)"))
        elif not isinstance(body.get("messages"), list):
            self._send_json(400, openai_error(
                "Missing required parameter: 'messages'.", "missing_required_parameter"))
        else:
            seen_before = self.state.count_seen(json.dumps(body["messages"], sort_keys=True))
            reply = Reply.from_request(body, self.state.next_completion_id(), seen_before)
            self._run_mode(reply, body.get("stream") is True)

    def _record(self, body, authorized: bool) -> None:
        fields = body if isinstance(body, dict) else {}
        self.state.record({
            "path": self.path,
            "model": fields.get("model"),
            "stream": fields.get("stream"),
            "temperature": fields.get("temperature"),
            "max_tokens": fields.get("max_tokens"),
            "messages": fields.get("messages"),
            "headers": self._recorded_headers(),
            "authorized": authorized,
        })

    def _run_mode(self, reply: Reply, stream: bool) -> None:
        mode, args = parse_mode(reply.model)
        if mode == "error":
            status, body, headers = ERROR_MODES[reply.model]
            self._send_json(status, body, headers)
        elif mode == "fault-echo-headers":
            sent = "; ".join(f"{name}: {value}" for name, value in sorted(self._recorded_headers().items())
                             if name.startswith("x-"))
            self._send_json(400, openai_error(f"bad request headers ({sent})"))
        elif mode == "retry-after":
            value = RETRY_AFTER_MODEL.fullmatch(reply.model).group(1)
            self._send_json(429, RATE_LIMITED, {"Retry-After": value})
        elif mode == "rate-limit":
            if self.state.take_rate_limit(reply.model, args[0]):
                self._send_json(429, RATE_LIMITED, RETRY_AFTER)
            else:
                self._mode_normal(reply, stream)
        else:
            getattr(self, "_mode_" + mode.replace("-", "_"))(reply, stream, *args)

    def _mode_normal(self, reply: Reply, stream: bool, delay_ms: int = 0) -> None:
        delay = delay_ms / 1000.0
        if not stream:
            time.sleep(delay * len(reply.tokens))
            self._send_completion(reply)
            return
        self._start_stream()
        self._send_role(reply)
        self._send_tokens(reply, reply.tokens, delay)
        self._finish_stream(reply, len(reply.tokens))

    def _mode_slow(self, reply: Reply, stream: bool, delay_ms: int) -> None:
        self._mode_normal(reply, stream, delay_ms)

    def _mode_no_stream_support(self, reply: Reply, stream: bool) -> None:
        self._send_completion(reply)

    def _mode_fault_malformed(self, reply: Reply, stream: bool) -> None:
        if not stream:
            data = to_json(reply.completion())
            self._send_bytes(200, "application/json", data[:len(data) // 2])
            return
        self._start_stream()
        self._send_role(reply)
        self._send_tokens(reply, reply.tokens[:1])
        self._write_chunk(MALFORMED_EVENT)
        self._send_tokens(reply, reply.tokens[1:])
        self._finish_stream(reply, len(reply.tokens))

    def _send_half_completion_then_close(self, reply: Reply) -> None:
        data = to_json(reply.completion())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[:len(data) // 2])
        self.wfile.flush()
        self._abort_connection()

    def _mode_fault_cut(self, reply: Reply, stream: bool) -> None:
        self._cut_after_two_tokens(reply, stream, self._end_body)

    def _mode_fault_cut_abrupt(self, reply: Reply, stream: bool) -> None:
        self._cut_after_two_tokens(reply, stream, self._abort_connection)

    def _cut_after_two_tokens(self, reply: Reply, stream: bool, finish) -> None:
        """Two tokens of a stream, then `finish` (a clean end of the body, or a reset) without [DONE]."""
        if not stream:
            self._send_half_completion_then_close(reply)
            return
        self._start_stream()
        self._send_role(reply)
        self._send_tokens(reply, reply.tokens[:2])
        finish()

    def _mode_fault_stall(self, reply: Reply, stream: bool) -> None:
        if stream:
            self._start_stream()
            self._send_role(reply)
            self._send_tokens(reply, reply.tokens[:1])
        else:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(to_json(reply.completion()))))
            self.end_headers()
            self.wfile.flush()
        if self._wait(STALL_SECONDS) == "timeout":
            self._abort_connection()

    def _mode_fault_hang(self, reply: Reply, stream: bool) -> None:
        if self._wait(STALL_SECONDS) == "timeout":
            self._abort_connection()

    def _mode_fault_drop_reused(self, reply: Reply, stream: bool) -> None:
        if self.served:
            self._mode_fault_hang(reply, stream)
        else:
            self._mode_normal(reply, stream)

    def _mode_gated(self, reply: Reply, stream: bool) -> None:
        ticket = self.state.gate_ticket()  # taken before anything is sent
        if not stream:
            if self._wait(GATE_SECONDS, ticket) != "gone":
                self._send_completion(reply)
            return
        self._start_stream()
        self._send_role(reply)
        self._send_tokens(reply, reply.tokens[:1])
        if self._wait(GATE_SECONDS, ticket) == "gone":
            return
        self._send_tokens(reply, reply.tokens[1:])
        self._finish_stream(reply, len(reply.tokens))

    def _mode_endless(self, reply: Reply, stream: bool) -> None:
        self._stream_forever(reply, stream, "tick ", ENDLESS_INTERVAL)

    def _mode_fault_pings(self, reply: Reply, stream: bool) -> None:
        if not stream:
            self._mode_fault_stall(reply, stream)
            return
        self._start_stream()
        self._send_role(reply)
        self._send_tokens(reply, reply.tokens[:1])
        self._ping_until_gone()

    def _mode_fault_pings_only(self, reply: Reply, stream: bool) -> None:
        if not stream:
            self._mode_fault_hang(reply, stream)
            return
        self._start_stream()
        self._ping_until_gone()

    def _ping_until_gone(self) -> None:
        deadline = time.monotonic() + STALL_SECONDS
        while time.monotonic() < deadline:  # a failed write ends it with ConnectionError
            self._write_chunk(b": keep-alive\n\n")
            if self._wait(ENDLESS_INTERVAL * 2.5) == "gone":
                return
        self._abort_connection()

    def _mode_flood(self, reply: Reply, stream: bool) -> None:
        self._stream_forever(reply, stream, "flood " * (65536 // 6), 0.0)

    def _stream_forever(self, reply: Reply, stream: bool, text: str, interval: float) -> None:
        """`text` as content events `interval` s apart until a write fails; a non-streamed request hangs."""
        if not stream:
            self._mode_fault_hang(reply, stream)
            return
        self._start_stream()
        self._send_role(reply)
        while True:  # ends with ConnectionError, counted by _dispatch
            self._send_event(reply.chunk({"content": text}))
            if interval:
                time.sleep(interval)

    def _mode_bench(self, reply: Reply, stream: bool, count: int, delay_ms: int) -> None:
        if not stream:
            self._send_completion(reply)
            return
        self._start_stream()
        self._send_role(reply)
        for seq in range(count):
            if seq and delay_ms:
                time.sleep(delay_ms / 1000.0)
            ns = time.monotonic_ns()
            self._send_event(reply.chunk({"content": f"{seq}:{ns} "}))
            self.state.record_sent(seq, ns)
        self._finish_stream(reply, count, "stop")


# ---------------------------------------------------------------- main

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Fake OpenAI-compatible chat-completions server (see module docstring).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", default=None,
                        help="require 'Authorization: Bearer VALUE' on /v1/ routes")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin reaches end of file")
    return parser.parse_args(argv)


def make_server(host: str, port: int, state: State) -> FakeOpenAIServer:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("FakeOpenAIServer", (FakeOpenAIServer,), {"address_family": family})
    return server_class((host, port), state)


def _exit_quietly(signum, frame):
    raise SystemExit(0)


def watch_stdin(server: FakeOpenAIServer) -> None:
    def run():
        try:
            while sys.stdin is not None and sys.stdin.buffer.read1(65536):
                pass
        except (OSError, ValueError):
            pass
        server.shutdown()

    threading.Thread(target=run, name="stdin-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_quietly)
    signal.signal(signal.SIGINT, _exit_quietly)
    server = make_server(args.host, args.port, State(args.api_key))
    try:
        print(f"PORT {server.server_address[1]}", flush=True)
        if args.exit_on_stdin_eof:
            watch_stdin(server)
        server.serve_forever(poll_interval=0.2)
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
