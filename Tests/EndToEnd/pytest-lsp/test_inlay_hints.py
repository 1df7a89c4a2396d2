"""textDocument/inlayHint: facet labels before units, off unless turned on."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import Document, fixture_text, initialize

BASE = "file:///tmp/facet-e2e/inlay"


async def hints(client, doc: Document, rng: types.Range | None = None):
    return await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=doc.id, range=rng or doc.full_range())
    )


@pytest.mark.asyncio
async def test_inlay_hints_are_off_by_default(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/off.system.md", fixture_text("basic.system.md")).open()
    assert list(await hints(client, doc)) == []


@pytest.mark.asyncio
async def test_inlay_hints_on_via_settings(client):
    await initialize(client, options={"inlayHints": True})
    doc = Document(client, f"{BASE}/on.system.md", fixture_text("basic.system.md")).open()
    result = list(await hints(client, doc))
    assert [h.position for h in result] == [types.Position(line=n, character=0) for n in range(4)]
    labels = [h.label for h in result]
    assert labels[0] == "role:"
    assert labels[1] == "task:"
    for h in result:
        assert h.padding_right is True
        facets = h.label.rstrip(":").split("+")
        # The tooltip gives each facet of the label with its confidence.
        assert [part.split(" ")[0] for part in h.tooltip.split(", ")] == facets
        for part in h.tooltip.split(", "):
            assert 0.0 <= float(part.split(" ")[1]) <= 1.0


@pytest.mark.asyncio
async def test_inlay_hints_only_for_the_requested_range(client):
    await initialize(client, options={"inlayHints": True})
    doc = Document(client, f"{BASE}/range.system.md", fixture_text("outline.system.md")).open()
    everything = list(await hints(client, doc))
    assert len(everything) >= 3
    lines = [h.position.line for h in everything]
    assert 2 in lines  # "You are Quill ..."
    window = types.Range(start=types.Position(line=4, character=0), end=types.Position(line=8, character=0))
    part = list(await hints(client, doc, window))
    assert part and all(4 <= h.position.line <= 8 for h in part)
    assert [(h.position, h.label) for h in part] == [(h.position, h.label) for h in everything if 4 <= h.position.line < 8]


@pytest.mark.asyncio
async def test_inlay_hints_turned_on_by_a_configuration_change(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/later.system.md", fixture_text("basic.system.md")).open()
    assert list(await hints(client, doc)) == []
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"facet": {"inlayHints": True}}))
    assert len(list(await hints(client, doc))) == 4
