"""initialize (capabilities, server info), shutdown and exit."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from helpers import FACET_BIN, LEGEND, initialize, wait_until
from raw_client import RawServer


@pytest.mark.asyncio
async def test_initialize_advertises_every_feature(client):
    result = await initialize(client)
    caps = result.capabilities

    assert result.server_info is not None and result.server_info.name == "facet"
    assert result.server_info.version

    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.open_close is True
    assert sync.change == types.TextDocumentSyncKind.Incremental

    assert caps.hover_provider is True
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert list(caps.code_action_provider.code_action_kinds) == [types.CodeActionKind.QuickFix, types.CodeActionKind.Refactor]
    assert caps.completion_provider is not None
    assert caps.code_lens_provider is not None
    assert caps.document_symbol_provider is True
    assert caps.folding_range_provider is True
    assert caps.inlay_hint_provider is True

    tokens = caps.semantic_tokens_provider
    assert isinstance(tokens, types.SemanticTokensOptions)
    assert list(tokens.legend.token_types) == LEGEND
    assert tokens.full is True and tokens.range is True

    assert isinstance(caps.diagnostic_provider, types.DiagnosticOptions)
    assert caps.diagnostic_provider.inter_file_dependencies is False
    assert caps.diagnostic_provider.workspace_diagnostics is False

    assert caps.execute_command_provider is not None
    assert list(caps.execute_command_provider.commands) == ["facet.showCoverage", "facet.similarMessages", "facet.preview", "facet.evaluate"]


@pytest.mark.asyncio
async def test_position_encoding_is_utf16_when_the_client_offers_nothing(client):
    result = await initialize(client)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16


@pytest.mark.asyncio
async def test_position_encoding_is_utf8_when_offered(client):
    result = await initialize(client, encodings=["utf-16", "utf-8"])
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8


@pytest.mark.asyncio
async def test_position_encoding_falls_back_to_utf16_without_utf8(client):
    result = await initialize(client, encodings=["utf-32", "utf-16"])
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16


@pytest.mark.asyncio
async def test_second_initialize_is_an_invalid_request(client):
    await initialize(client)
    with pytest.raises(JsonRpcException) as error:
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    assert error.value.code == -32600


@pytest.mark.asyncio
async def test_shutdown_then_exit_ends_with_code_0(client):
    await initialize(client)
    result = await client.shutdown_async(None)
    assert result is None
    client.exit(None)
    code = await asyncio.wait_for(client._server.wait(), 5)
    assert code == 0


@pytest.mark.asyncio
async def test_exit_without_shutdown_ends_with_code_1(client):
    await initialize(client)
    client.exit(None)
    code = await asyncio.wait_for(client._server.wait(), 5)
    assert code == 1


def test_exit_before_initialize_ends_with_code_1():
    server = RawServer(FACET_BIN)
    try:
        server.notify("exit")
        assert server.wait() == 1
    finally:
        server.kill()


def test_requests_after_shutdown_are_invalid_requests():
    server = RawServer(FACET_BIN, "--diagnostics-delay", "0")
    try:
        server.initialize()
        assert server.call("shutdown") == {"jsonrpc": "2.0", "id": 2, "result": None}
        reply = server.call("textDocument/foldingRange", {"textDocument": {"uri": "file:///tmp/x.system.md"}})
        assert reply["error"]["code"] == -32600
        server.notify("exit")
        assert server.wait() == 0
    finally:
        server.kill()


def test_end_of_input_after_shutdown_ends_with_code_0():
    server = RawServer(FACET_BIN)
    try:
        server.initialize()
        server.call("shutdown")
        server.close_stdin()
        assert server.wait() == 0
    finally:
        server.kill()


def test_end_of_input_without_shutdown_ends_with_code_1():
    server = RawServer(FACET_BIN)
    try:
        server.initialize()
        server.close_stdin()
        assert server.wait() == 1
    finally:
        server.kill()


@pytest.mark.asyncio
async def test_trace_messages_until_set_trace_off(client):
    await client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities(), trace=types.TraceValue.Messages))
    await wait_until(lambda: any("initialized" in t.message for t in client.traces), what="a trace of initialized")
    with pytest.raises(JsonRpcException):
        await client.protocol.send_request_async("facet/traced", {})
    assert any("facet/traced" in t.message for t in client.traces)

    client.set_trace(types.SetTraceParams(value=types.TraceValue.Off))
    with pytest.raises(JsonRpcException):
        await client.protocol.send_request_async("facet/untraced", {})
    assert not any("facet/untraced" in t.message for t in client.traces)
