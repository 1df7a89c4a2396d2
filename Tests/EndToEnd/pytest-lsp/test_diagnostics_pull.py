"""Pulled diagnostics (textDocument/diagnostic): result ids, unchanged reports,
and the push/pull choice."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from helpers import Document, codes, fixture_text, initialize, published_for, wait_for_diagnostics, wait_until

BASE = "file:///tmp/facet-e2e/pull"


def pull_capabilities(refresh: bool = False) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(diagnostic=types.DiagnosticClientCapabilities()),
        workspace=types.WorkspaceClientCapabilities(
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=refresh)
        ),
    )


async def pull(client, doc: Document, previous: str | None = None):
    return await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=doc.id, previous_result_id=previous)
    )


@pytest.mark.asyncio
async def test_pull_full_then_unchanged_then_full_after_a_change(client):
    await initialize(client, capabilities=pull_capabilities())
    doc = Document(client, f"{BASE}/basic.system.md", fixture_text("basic.system.md")).open()

    first = await pull(client, doc)
    assert first.kind == "full"
    assert first.result_id
    assert codes(first.items) == ["vague-quantifier", "weak-instruction"]
    weak = [d for d in first.items if d.code == "weak-instruction"][0]
    assert doc.text_at(weak.range) == "Try to"
    assert weak.data["fixes"]

    again = await pull(client, doc, first.result_id)
    assert again.kind == "unchanged"
    assert again.result_id == first.result_id

    doc.replace("a few", "three")
    after = await pull(client, doc, first.result_id)
    assert after.kind == "full"
    assert after.result_id != first.result_id
    assert codes(after.items) == ["weak-instruction"]

    assert (await pull(client, doc, after.result_id)).kind == "unchanged"
    # An id the server never gave gets a full report.
    assert (await pull(client, doc, "not-a-result-id")).kind == "full"


@pytest.mark.asyncio
async def test_pull_clients_are_not_pushed_to(client):
    await initialize(client, capabilities=pull_capabilities())
    doc = Document(client, f"{BASE}/no-push.system.md", fixture_text("basic.system.md")).open()
    doc.replace("a few", "three")
    report = await pull(client, doc)  # answered after both notifications were handled
    assert report.kind == "full"
    await asyncio.sleep(0.3)
    assert published_for(client, doc.uri) == []


@pytest.mark.asyncio
async def test_push_diagnostics_setting_pushes_to_a_pull_client(client):
    await initialize(client, capabilities=pull_capabilities(), options={"pushDiagnostics": True})
    doc = Document(client, f"{BASE}/forced-push.system.md", fixture_text("basic.system.md")).open()
    assert codes(await doc.diagnostics()) == ["vague-quantifier", "weak-instruction"]


@pytest.mark.asyncio
async def test_push_diagnostics_off_stops_pushing(client):
    await initialize(client, options={"pushDiagnostics": False})
    doc = Document(client, f"{BASE}/no-push-setting.system.md", fixture_text("basic.system.md")).open()
    report = await pull(client, doc)
    assert codes(report.items) == ["vague-quantifier", "weak-instruction"]
    await asyncio.sleep(0.3)
    assert published_for(client, doc.uri) == []


@pytest.mark.asyncio
async def test_settings_change_gives_a_new_result_id(client):
    await initialize(client, capabilities=pull_capabilities())
    doc = Document(client, f"{BASE}/settings.system.md", fixture_text("basic.system.md")).open()
    first = await pull(client, doc)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"facet": {"rules": {"vague-quantifier": "off"}}})
    )
    after = await pull(client, doc, first.result_id)
    assert after.kind == "full"
    assert codes(after.items) == ["weak-instruction"]


@pytest.mark.asyncio
async def test_settings_change_asks_pull_clients_to_refresh(client):
    """Push clients get new diagnostics when the settings change; a pull client
    that supports workspace/diagnostic/refresh must be told to pull again, or it
    keeps showing findings of rules that are now off."""
    await initialize(client, capabilities=pull_capabilities(refresh=True))
    doc = Document(client, f"{BASE}/refresh.system.md", fixture_text("basic.system.md")).open()
    await pull(client, doc)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"facet": {"rules": {"vague-quantifier": "off"}}})
    )
    await wait_until(lambda: client.diagnostic_refresh_count > 0, timeout=2, what="workspace/diagnostic/refresh")


@pytest.mark.asyncio
async def test_reopened_document_is_not_reported_unchanged(client):
    """A document closed and opened again starts at version 1 again (as editors
    do). A result id from before must not make the server answer "unchanged"
    for different text."""
    await initialize(client, capabilities=pull_capabilities())
    uri = f"{BASE}/reopen.system.md"
    first_doc = Document(client, uri, fixture_text("basic.system.md")).open()
    first = await pull(client, first_doc)
    assert codes(first.items) == ["vague-quantifier", "weak-instruction"]
    first_doc.close()

    second_doc = Document(client, uri, fixture_text("clean.system.md")).open()
    report = await pull(client, second_doc, first.result_id)
    assert report.kind == "full", "the server said the old findings still hold for new text"
    assert list(report.items) == []


@pytest.mark.asyncio
async def test_pull_and_push_agree(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/agree.system.md", fixture_text("conflict.system.md")).open()
    pushed = await wait_for_diagnostics(client, doc.uri, 1)
    pulled = await pull(client, doc)
    assert [(d.code, d.range, d.message) for d in pushed.diagnostics] == [(d.code, d.range, d.message) for d in pulled.items]
