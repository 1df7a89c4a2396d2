"""textDocument/hover: a unit's facets, and over a finding the rule's explanation."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import Document, fixture_text, initialize

BASE = "file:///tmp/facet-e2e/hover"


async def hover(client, doc: Document, position: types.Position):
    return await client.text_document_hover_async(types.HoverParams(text_document=doc.id, position=position))


def inside(doc: Document, needle: str, offset: int = 1) -> types.Position:
    p = doc.position(needle)
    return types.Position(line=p.line, character=p.character + offset)


@pytest.mark.asyncio
async def test_hover_over_a_role_sentence(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/basic.system.md", fixture_text("basic.system.md")).open()
    result = await hover(client, doc, inside(doc, "Orbit"))
    assert result is not None
    assert result.contents.kind == types.MarkupKind.Markdown
    text = result.contents.value
    assert "**role**" in text
    assert "confidence" in text
    assert "you are" in text.lower()  # the evidence
    assert doc.text_at(result.range) == "You are Orbit, a scheduling assistant for a dental clinic."


@pytest.mark.asyncio
async def test_hover_over_a_finding_explains_the_rule(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/finding.system.md", fixture_text("basic.system.md")).open()
    result = await hover(client, doc, inside(doc, "Try to", 2))
    assert result is not None
    text = result.contents.value
    unit_part, finding_part = text.split("\n\n---\n\n", 1)
    assert "**task**" in unit_part
    assert finding_part.startswith("**weak-instruction**")
    assert "try to" in finding_part.lower()
    assert "optional" in finding_part  # the rule's summary / explanation
    assert doc.text_at(result.range) == "Try to confirm each booking in one message."

    # Elsewhere in the same sentence, away from the finding: the unit only.
    plain = await hover(client, doc, inside(doc, "one message"))
    assert plain is not None
    assert "**task**" in plain.contents.value
    assert "weak-instruction" not in plain.contents.value


@pytest.mark.asyncio
async def test_hover_on_headings_examples_and_empty_places(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/outline.system.md", fixture_text("outline.system.md")).open()

    heading = await hover(client, doc, inside(doc, "Assistant"))
    assert heading is not None and "heading" in heading.contents.value
    assert doc.text_at(heading.range) == "Assistant"

    example = await hover(client, doc, inside(doc, "teh cat"))
    assert example is not None
    assert "example" in example.contents.value and "not classified" in example.contents.value

    blank_line = types.Position(line=1, character=0)
    assert doc.text.splitlines()[1] == ""
    assert await hover(client, doc, blank_line) is None
    assert await hover(client, doc, inside(doc, "corrected text here")) is None  # code block
    past_end_of_line = types.Position(line=2, character=500)
    assert await hover(client, doc, past_end_of_line) is None
    assert await hover(client, doc, types.Position(line=500, character=0)) is None


@pytest.mark.asyncio
async def test_hover_is_plain_text_for_a_client_without_markdown(client):
    """A client that lists only plaintext in hover.contentFormat must not get markdown."""
    capabilities = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.PlainText])
        )
    )
    await initialize(client, capabilities=capabilities)
    doc = Document(client, f"{BASE}/plain.system.md", fixture_text("basic.system.md")).open()
    result = await hover(client, doc, inside(doc, "Try to"))
    assert result is not None
    assert result.contents.kind == types.MarkupKind.PlainText
    assert "**" not in result.contents.value


@pytest.mark.asyncio
async def test_hover_follows_edits(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/edited.system.md", fixture_text("clean.system.md")).open()
    await doc.diagnostics()
    before = await hover(client, doc, inside(doc, "Confirm"))
    assert "weak-instruction" not in before.contents.value
    doc.replace("Confirm", "Try to confirm")
    after = await hover(client, doc, inside(doc, "Try to"))
    assert "**weak-instruction**" in after.contents.value
