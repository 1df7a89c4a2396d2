"""Shared helpers for the Facet end-to-end tests: starting a session, documents
kept in sync with the server, waiting for notifications, text edits, and
decoding semantic tokens."""

from __future__ import annotations

import asyncio
import os
import pathlib
from typing import Any, Callable, Iterable, Sequence

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[2]
FIXTURES = HERE / "fixtures"
FACET_BIN = os.environ.get("FACET_BIN") or str(REPO / ".build" / "debug" / "facet")

LEGEND = ["role", "task", "background", "format", "style", "tool", "guardrail", "variable"]


# --------------------------------------------------------------------------- client


def make_client() -> LanguageClient:
    """A pytest-lsp client that also records every publishDiagnostics (with its
    version), every request the server sends, and answers client/registerCapability."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    client.server_requests = []  # type: ignore[attr-defined]
    client.traces = []  # type: ignore[attr-defined]

    features = dict(DEFAULT_CLIENT_FEATURES)

    def publish_diagnostics(ls: LanguageClient, params: types.PublishDiagnosticsParams):
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append(params)  # type: ignore[attr-defined]

    default_configuration = DEFAULT_CLIENT_FEATURES[types.WORKSPACE_CONFIGURATION]

    def configuration(ls: LanguageClient, params: types.ConfigurationParams):
        ls.server_requests.append((types.WORKSPACE_CONFIGURATION, params))  # type: ignore[attr-defined]
        return default_configuration(ls, params)

    def register_capability(ls: LanguageClient, params: types.RegistrationParams):
        ls.server_requests.append((types.CLIENT_REGISTER_CAPABILITY, params))  # type: ignore[attr-defined]
        return None

    def log_trace(ls: LanguageClient, params: types.LogTraceParams):
        ls.traces.append(params)  # type: ignore[attr-defined]

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish_diagnostics
    features[types.LOG_TRACE] = log_trace
    features[types.WORKSPACE_CONFIGURATION] = configuration
    features[types.CLIENT_REGISTER_CAPABILITY] = register_capability
    register_lsp_features(client, features)
    return client


def server_command(*flags: str) -> list[str]:
    return [FACET_BIN, "lsp", *flags]


async def initialize(
    client: LanguageClient,
    *,
    capabilities: types.ClientCapabilities | None = None,
    encodings: Sequence[str] | None = None,
    options: Any = None,
) -> types.InitializeResult:
    """initialize + initialized. ``encodings`` sets general.positionEncodings."""
    if capabilities is None:
        capabilities = types.ClientCapabilities()
    if encodings is not None:
        capabilities.general = types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind(e) for e in encodings]
        )
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            initialization_options=options,
            client_info=types.ClientInfo(name="facet-e2e", version="1"),
        )
    )
    encoding = result.capabilities.position_encoding
    client.position_encoding = getattr(encoding, "value", encoding)  # type: ignore[attr-defined]
    return result


async def finish(client: LanguageClient) -> None:
    """Teardown: shut the server down if a test left it running, so
    ``client.stop()`` never waits on a live process."""
    server = client._server
    if server is None or server.returncode is not None:
        return
    try:
        if client.capabilities is not None and client.error is None:
            await asyncio.wait_for(client.shutdown_session(), 5)
    except Exception:
        pass
    if server.returncode is None:
        server.kill()
        await server.wait()


# --------------------------------------------------------------------------- waiting


async def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, what: str = "a condition") -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


def published_for(client: LanguageClient, uri: str) -> list[types.PublishDiagnosticsParams]:
    return [p for p in client.published if p.uri == uri]  # type: ignore[attr-defined]


async def wait_for_diagnostics(
    client: LanguageClient, uri: str, version: int | None = None, timeout: float = 5.0
) -> types.PublishDiagnosticsParams:
    """The first publishDiagnostics for ``uri`` (with ``version``, when given)."""

    def find():
        for p in published_for(client, uri):
            if version is None or p.version == version:
                return p
        return None

    return await wait_until(find, timeout, f"publishDiagnostics for {uri} version {version}")


async def wait_for_log(client: LanguageClient, contains: str, timeout: float = 5.0) -> types.LogMessageParams:
    def find():
        for m in client.log_messages:
            if contains in m.message:
                return m
        return None

    return await wait_until(find, timeout, f"a window/logMessage containing {contains!r}")


def codes(diagnostics: Iterable[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


# --------------------------------------------------------------------------- text


def line_offsets(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def column_units(s: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(s.encode("utf-8"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le")) // 2
    return len(s)


def offset_at(text: str, position: types.Position, encoding: str) -> int:
    """Index into ``text`` (a Python str) of an LSP position in ``encoding``."""
    starts = line_offsets(text)
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    end = text.find("\n", start)
    if end < 0:
        end = len(text)
    units = 0
    i = start
    while i < end and units < position.character:
        units += column_units(text[i], encoding)
        i += 1
    assert units == position.character or i == end, f"position {position} is inside a character"
    return i


def position_of(text: str, index: int, encoding: str) -> types.Position:
    starts = line_offsets(text)
    line = max(i for i, s in enumerate(starts) if s <= index)
    return types.Position(line=line, character=column_units(text[starts[line]:index], encoding))


def find_position(text: str, needle: str, encoding: str = "utf-16", occurrence: int = 0) -> types.Position:
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    return position_of(text, index, encoding)


def range_text(text: str, range_: types.Range, encoding: str) -> str:
    return text[offset_at(text, range_.start, encoding):offset_at(text, range_.end, encoding)]


def apply_edits(text: str, edits: Sequence[types.TextEdit], encoding: str) -> str:
    """Applies LSP text edits (all relative to ``text``), last first."""
    spans = sorted(
        ((offset_at(text, e.range.start, encoding), offset_at(text, e.range.end, encoding), e.new_text) for e in edits),
        key=lambda s: (s[0], s[1]),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


# --------------------------------------------------------------------------- documents


class Document:
    """A document open in the server, with the client's copy of its text."""

    def __init__(self, client: LanguageClient, uri: str, text: str, encoding: str = "utf-16"):
        self.client = client
        self.uri = uri
        self.text = text
        self.version = 1
        self.encoding = encoding

    @property
    def id(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)

    def open(self) -> "Document":
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=self.uri, language_id="markdown", version=self.version, text=self.text)
            )
        )
        return self

    def edit(self, edits: Sequence[types.TextEdit]) -> int:
        """Sends one didChange with these edits (each relative to the text left by the previous one)."""
        changes = []
        for e in edits:
            self.text = apply_edits(self.text, [e], self.encoding)
            changes.append(types.TextDocumentContentChangePartial(range=e.range, text=e.new_text))
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=changes,
            )
        )
        return self.version

    def insert(self, position: types.Position, new_text: str) -> int:
        return self.edit([types.TextEdit(range=types.Range(start=position, end=position), new_text=new_text)])

    def replace(self, needle: str, new_text: str) -> int:
        index = self.text.index(needle)
        start = position_of(self.text, index, self.encoding)
        end = position_of(self.text, index + len(needle), self.encoding)
        return self.edit([types.TextEdit(range=types.Range(start=start, end=end), new_text=new_text)])

    def replace_all(self, new_text: str) -> int:
        self.text = new_text
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)],
            )
        )
        return self.version

    def apply_workspace_edit(self, edit: types.WorkspaceEdit) -> int:
        """Applies a WorkspaceEdit's changes for this document locally and sends them
        as one didChange (last edit first, so each range is still valid when applied)."""
        assert edit.changes is not None and list(edit.changes) == [self.uri], edit
        expected = apply_edits(self.text, edit.changes[self.uri], self.encoding)
        ordered = sorted(
            edit.changes[self.uri],
            key=lambda e: (e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character),
            reverse=True,
        )
        version = self.edit(ordered)
        assert self.text == expected
        return version

    def close(self) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=self.id))

    def position(self, needle: str, occurrence: int = 0) -> types.Position:
        return find_position(self.text, needle, self.encoding, occurrence)

    def full_range(self) -> types.Range:
        return types.Range(start=types.Position(line=0, character=0), end=position_of(self.text, len(self.text), self.encoding))

    def text_at(self, range_: types.Range) -> str:
        return range_text(self.text, range_, self.encoding)

    async def diagnostics(self, timeout: float = 5.0) -> list[types.Diagnostic]:
        """Diagnostics published for the current version."""
        published = await wait_for_diagnostics(self.client, self.uri, self.version, timeout)
        return list(published.diagnostics)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def file_uri(path: pathlib.Path) -> str:
    return path.resolve().as_uri()


# --------------------------------------------------------------------------- semantic tokens


def decode_tokens(data: Sequence[int], text: str, encoding: str, legend: Sequence[str] = LEGEND) -> list[dict[str, Any]]:
    """LSP's relative 5-integer encoding to absolute tokens with their text."""
    assert len(data) % 5 == 0, f"token data length {len(data)} is not a multiple of 5"
    tokens = []
    line = start = 0
    for i in range(0, len(data), 5):
        d_line, d_start, length, type_index, modifiers = data[i:i + 5]
        if d_line:
            line += d_line
            start = d_start
        else:
            start += d_start
        rng = types.Range(start=types.Position(line=line, character=start), end=types.Position(line=line, character=start + length))
        tokens.append(
            {
                "line": line,
                "start": start,
                "length": length,
                "type": legend[type_index],
                "modifiers": modifiers,
                "text": range_text(text, rng, encoding),
            }
        )
    return tokens
