"""Pushed diagnostics: on open, after incremental changes (only for the newest
version), debounced, cleared on close; the fields of each diagnostic."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from helpers import (
    REPO,
    Document,
    apply_edits,
    codes,
    fixture_text,
    initialize,
    published_for,
    range_text,
    wait_for_diagnostics,
    wait_for_log,
    wait_until,
)

BASE = "file:///tmp/facet-e2e/push"


def fix_edit(raw: dict) -> types.TextEdit:
    r = raw["range"]
    return types.TextEdit(
        range=types.Range(
            start=types.Position(line=r["start"]["line"], character=r["start"]["character"]),
            end=types.Position(line=r["end"]["line"], character=r["end"]["character"]),
        ),
        new_text=raw["newText"],
    )


def by_code(diagnostics, code):
    found = [d for d in diagnostics if d.code == code]
    assert found, f"no {code} in {codes(diagnostics)}"
    return found[0]


@pytest.mark.asyncio
async def test_open_publishes_findings_with_all_fields(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/basic.system.md", fixture_text("basic.system.md")).open()
    published = await wait_for_diagnostics(client, doc.uri)
    assert published.version == 1
    diagnostics = list(published.diagnostics)
    assert codes(diagnostics) == ["vague-quantifier", "weak-instruction"]

    weak = by_code(diagnostics, "weak-instruction")
    assert weak.source == "facet"
    assert weak.severity == types.DiagnosticSeverity.Information
    assert doc.text_at(weak.range) == "Try to"
    assert weak.code_description is not None
    assert weak.code_description.href.startswith("https://")
    assert weak.code_description.href.endswith("#weak-instruction")
    assert "try to" in weak.message.lower()
    fixes = weak.data["fixes"]
    assert len(fixes) == 1 and fixes[0]["title"]
    edits = [fix_edit(e) for e in fixes[0]["edits"]]
    fixed = apply_edits(doc.text, edits, "utf-16")
    assert "Confirm each booking in one message." in fixed
    assert "Try to" not in fixed

    vague = by_code(diagnostics, "vague-quantifier")
    assert doc.text_at(vague.range) == "a few"
    assert vague.code_description.href.endswith("#vague-quantifier")


@pytest.mark.asyncio
async def test_example_system_message(client):
    await initialize(client)
    text = (REPO / "examples" / "support-agent.system.md").read_text(encoding="utf-8")
    doc = Document(client, f"{BASE}/support-agent.system.md", text).open()
    diagnostics = await doc.diagnostics()
    found = codes(diagnostics)
    assert "weak-instruction" in found and "vague-quantifier" in found
    assert doc.text_at(by_code(diagnostics, "weak-instruction").range) == "Try to"
    assert doc.text_at(by_code(diagnostics, "vague-quantifier").range) == "a few"
    for d in diagnostics:
        assert d.source == "facet"
        assert d.code_description is not None and d.code_description.href.endswith(f"#{d.code}")


@pytest.mark.asyncio
async def test_conflicts_and_duplicates_point_at_the_other_instruction(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/conflict.system.md", fixture_text("conflict.system.md")).open()
    diagnostics = await doc.diagnostics()
    assert codes(diagnostics) == ["conflicting-instructions", "duplicate-instruction"]

    conflict = by_code(diagnostics, "conflicting-instructions")
    assert conflict.severity == types.DiagnosticSeverity.Warning
    assert doc.text_at(conflict.range) == "Explain every option in detail."
    [related] = conflict.related_information
    assert related.location.uri == doc.uri
    assert doc.text_at(related.location.range) == "Be brief."

    duplicate = by_code(diagnostics, "duplicate-instruction")
    assert duplicate.range.start.line == 5
    [related] = duplicate.related_information
    assert related.location.range.start.line == 2
    assert doc.text_at(related.location.range) == "Always answer in English."


@pytest.mark.asyncio
async def test_undefined_variable_and_missing_facet(client):
    await initialize(client)
    variables = Document(client, f"{BASE}/variables.system.md", fixture_text("variables.system.md")).open()
    no_role = Document(client, f"{BASE}/no-role.system.md", fixture_text("no-role.system.md")).open()

    [undefined] = await variables.diagnostics()
    assert undefined.code == "undefined-variable"
    assert undefined.severity == types.DiagnosticSeverity.Error
    assert variables.text_at(undefined.range) == "{{subject}}"

    [missing] = await no_role.diagnostics()
    assert missing.code == "missing-facet"
    assert missing.severity == types.DiagnosticSeverity.Warning
    assert "role" in missing.message


@pytest.mark.asyncio
async def test_typing_one_character_at_a_time(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/typing.system.md", fixture_text("clean.system.md")).open()
    assert await doc.diagnostics() == []

    start = doc.position("Confirm each booking")
    texts = {1: doc.text}
    for i, ch in enumerate("Try to "):
        doc.insert(types.Position(line=start.line, character=start.character + i), ch)
        texts[doc.version] = doc.text
    # Now "Try to Confirm ...": lower-case the verb with a one-character replacement.
    c = doc.position("Confirm each")
    doc.edit([types.TextEdit(range=types.Range(start=c, end=types.Position(line=c.line, character=c.character + 1)), new_text="c")])
    texts[doc.version] = doc.text
    assert "Try to confirm each booking in one message." in doc.text

    final = await doc.diagnostics()
    assert codes(final) == ["weak-instruction"]
    assert doc.text_at(final[0].range) == "Try to"

    # Give any stale publication time to arrive, then check the whole sequence.
    await asyncio.sleep(0.3)
    sequence = published_for(client, doc.uri)
    versions = [p.version for p in sequence]
    assert versions == sorted(versions), f"publications went back in time: {versions}"
    assert versions[-1] == doc.version
    for p in sequence:
        assert p.version in texts
        for d in p.diagnostics:
            # Every published range must make sense in the text of the version it was published for.
            assert d.code == "weak-instruction"
            assert range_text(texts[p.version], d.range, "utf-16").lower() == "try to"


@pytest.mark.asyncio
async def test_replacement_removes_and_adds_findings(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/replace.system.md", fixture_text("basic.system.md")).open()
    assert codes(await doc.diagnostics()) == ["vague-quantifier", "weak-instruction"]

    doc.replace("a few", "three")
    assert codes(await doc.diagnostics()) == ["weak-instruction"]

    # A multi-line replacement: the last two lines become one new line.
    start = doc.position("Try to")
    end = types.Position(line=start.line + 1, character=len(doc.text.splitlines()[start.line + 1]))
    doc.edit([types.TextEdit(range=types.Range(start=start, end=end), new_text="Confirm each booking, maybe by email.")])
    diagnostics = await doc.diagnostics()
    assert doc.text.splitlines()[-1] == "Confirm each booking, maybe by email."
    assert codes(diagnostics) == ["weak-instruction"]
    assert doc.text_at(diagnostics[0].range).lower() == "maybe"

    # Several changes in one notification apply in order.
    first = doc.position("maybe")
    doc.edit(
        [
            types.TextEdit(range=types.Range(start=first, end=types.Position(line=first.line, character=first.character + 5)), new_text="always"),
            types.TextEdit(range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)), new_text="# Orbit\n"),
        ]
    )
    assert doc.text.startswith("# Orbit\nYou are Orbit")
    assert await doc.diagnostics() == []

    # A whole-document change.
    doc.replace_all(fixture_text("basic.system.md"))
    assert codes(await doc.diagnostics()) == ["vague-quantifier", "weak-instruction"]


@pytest.mark.asyncio
async def test_debounced_burst_publishes_only_the_last_version(debounced_client):
    client = debounced_client
    await initialize(client)
    doc = Document(client, f"{BASE}/burst.system.md", fixture_text("clean.system.md")).open()
    assert await doc.diagnostics() == []  # didOpen publishes at once

    end = doc.position("taken.")
    for i, ch in enumerate(" Add a few notes."):
        doc.insert(types.Position(line=end.line, character=end.character + len("taken.") + i), ch)
    assert doc.version == 1 + len(" Add a few notes.")

    diagnostics = await doc.diagnostics()
    assert codes(diagnostics) == ["vague-quantifier"]
    await asyncio.sleep(0.3)
    assert [p.version for p in published_for(client, doc.uri)] == [1, doc.version]


@pytest.mark.asyncio
async def test_diagnostics_delay_setting_debounces(client):
    # The server was started with --diagnostics-delay 0; the setting takes over.
    await initialize(client, options={"diagnosticsDelay": 150})
    doc = Document(client, f"{BASE}/delay.system.md", fixture_text("clean.system.md")).open()
    await doc.diagnostics()
    first = doc.replace("three", "a")
    second = doc.replace("a free", "a few free")
    assert codes(await doc.diagnostics()) == ["vague-quantifier"]
    await asyncio.sleep(0.3)
    assert [p.version for p in published_for(client, doc.uri)] == [1, second]
    assert first not in [p.version for p in published_for(client, doc.uri)]


@pytest.mark.asyncio
async def test_close_clears_diagnostics(client):
    await initialize(client)
    doc = Document(client, f"{BASE}/close.system.md", fixture_text("basic.system.md")).open()
    assert len(await doc.diagnostics()) == 2
    doc.close()
    cleared = await wait_until(lambda: [p for p in published_for(client, doc.uri) if not p.diagnostics], what="empty diagnostics")
    assert list(cleared[-1].diagnostics) == []
    assert cleared[-1].version is None or cleared[-1].version == doc.version


@pytest.mark.asyncio
async def test_change_past_the_end_is_clamped_as_the_spec_says(client):
    """LSP: a character past the line's end stands for the line's end; a line
    past the last, for the document's end (as VS Code's text model reads it)."""
    await initialize(client)
    doc = Document(client, f"{BASE}/past-end.system.md", fixture_text("clean.system.md")).open()
    await doc.diagnostics()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
                    text="Try to be kind. ",
                ),
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=40, character=0), end=types.Position(line=40, character=3)),
                    text="Maybe add a table.\n",
                ),
            ],
        )
    )
    published = await wait_for_diagnostics(client, doc.uri, version=2)
    lines = sorted(d.range.start.line for d in published.diagnostics if d.code == "weak-instruction")
    # "Try to" on the first line, "Maybe" on the line appended after the last.
    assert lines == [0, len(fixture_text("clean.system.md").splitlines())]


@pytest.mark.asyncio
@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
async def test_other_line_endings_give_the_same_positions(client, newline):
    await initialize(client)
    lf = Document(client, f"{BASE}/lf.system.md", fixture_text("basic.system.md")).open()
    other = Document(client, f"{BASE}/other.system.md", fixture_text("basic.system.md").replace("\n", newline)).open()
    expected = [(d.code, d.range) for d in await lf.diagnostics()]
    assert [(d.code, d.range) for d in await other.diagnostics()] == expected

    # An edit addressed by line and column lands in the same place.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=other.uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=3, character=6), end=types.Position(line=3, character=11)),
                    text="three",
                )
            ],
        )
    )
    published = await wait_for_diagnostics(client, other.uri, 2)
    assert [(d.code, d.range) for d in published.diagnostics] == [e for e in expected if e[0] != "vague-quantifier"]


@pytest.mark.asyncio
async def test_too_large_document_is_reported_not_analysed(client):
    await initialize(client)
    text = "Try to help with a few things.\n" * 150_000  # about 4.5 MB, over the 4 MB limit
    doc = Document(client, f"{BASE}/huge.system.md", text).open()
    [diagnostic] = await doc.diagnostics(timeout=15)
    assert diagnostic.code == "too-large"
    assert diagnostic.range.start == types.Position(line=0, character=0)
    message = await wait_for_log(client, "analysis limit")
    assert message.type == types.MessageType.Warning
    # Shrinking it below the limit brings the findings back.
    doc.replace_all("You are Orbit.\nTry to help.\n")
    assert codes(await doc.diagnostics()) == ["weak-instruction"]
