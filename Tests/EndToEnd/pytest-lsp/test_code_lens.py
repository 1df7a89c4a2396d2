"""textDocument/codeLens and the facet.showCoverage command it runs. (The
"▶ Preview" lenses beside it are covered in test_preview.py.)"""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import Document, fixture_text, initialize, wait_until

BASE = "file:///tmp/facet-e2e/lens"
FACETS = ["role", "task", "background", "format", "style", "tool", "guardrail"]


async def coverage_lens(client, doc: Document) -> types.CodeLens:
    """The one coverage lens among the document's lenses."""
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc.id))
    [lens] = [lens for lens in lenses if lens.command is not None and lens.command.command == "facet.showCoverage"]
    return lens


def coverage(title: str) -> dict[str, bool]:
    parts = title.split(" ")
    assert len(parts) == 2 * len(FACETS), title
    result = {}
    for name, mark in zip(parts[::2], parts[1::2]):
        assert mark in ("✓", "✗"), title
        result[name] = mark == "✓"
    assert list(result) == FACETS
    return result


@pytest.mark.asyncio
async def test_code_lens_shows_facet_coverage_at_the_top(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/basic.system.md", fixture_text("basic.system.md")).open()
    lens = await coverage_lens(client, doc)
    assert lens.range.start == types.Position(line=0, character=0)
    assert lens.command is not None
    assert lens.command.command == "facet.showCoverage"
    assert list(lens.command.arguments) == [doc.uri]
    covered = coverage(lens.command.title)
    assert covered["role"] and covered["task"]
    assert not covered["guardrail"]


@pytest.mark.asyncio
async def test_code_lens_shows_a_missing_role(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/no-role.system.md", fixture_text("no-role.system.md")).open()
    lens = await coverage_lens(client, doc)
    covered = coverage(lens.command.title)
    assert covered["role"] is False
    assert covered["task"] and covered["format"]


@pytest.mark.asyncio
async def test_running_the_lens_command_reports_unit_counts(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/run.system.md", fixture_text("basic.system.md")).open()
    lens = await coverage_lens(client, doc)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=lens.command.command, arguments=lens.command.arguments)
    )
    assert isinstance(result, str)
    assert result.startswith("Facet coverage")
    counts = dict(part.split(": ") for part in result.split("): ", 1)[1].split(", "))
    assert list(counts) == FACETS
    assert int(counts["role"]) == 1
    assert int(counts["task"]) >= 3
    # The covered facets are the ones the lens marks.
    covered = coverage(lens.command.title)
    assert {f for f in FACETS if int(counts[f]) > 0} == {f for f, on in covered.items() if on}
    shown = await wait_until(lambda: client.messages, what="window/showMessage")
    assert shown[-1].message == result
