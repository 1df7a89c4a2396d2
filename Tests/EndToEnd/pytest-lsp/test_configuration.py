"""Settings from initializationOptions, workspace/configuration and
workspace/didChangeConfiguration, and .facet.toml read over them (the file wins)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import Document, codes, file_uri, fixture_text, initialize, published_for, wait_for_log, wait_until

BASE = "file:///tmp/facet-e2e/config"


def open_basic(client, name: str = "basic.system.md", fixture: str = "basic.system.md") -> Document:
    return Document(client, f"{BASE}/{name}", fixture_text(fixture)).open()


async def latest_matching(client, doc: Document, predicate, what: str):
    """Waits until the newest publication for the document satisfies ``predicate``."""

    def check():
        published = published_for(client, doc.uri)
        return published and predicate(list(published[-1].diagnostics)) and published[-1]

    return await wait_until(check, what=what)


def configuration_capabilities(watch: bool = False) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            configuration=True,
            did_change_configuration=types.DidChangeConfigurationClientCapabilities(dynamic_registration=False),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=watch) if watch else None,
        )
    )


# --------------------------------------------------------------------------- initializationOptions


@pytest.mark.asyncio
async def test_rule_turned_off(client):
    await initialize(client, options={"rules": {"weak-instruction": "off"}})
    doc = open_basic(client)
    assert codes(await doc.diagnostics()) == ["vague-quantifier"]


@pytest.mark.asyncio
async def test_rule_severity_changed(client):
    await initialize(client, options={"rules": {"vague-quantifier": "error"}})
    doc = open_basic(client)
    vague = [d for d in await doc.diagnostics() if d.code == "vague-quantifier"][0]
    assert vague.severity == types.DiagnosticSeverity.Error


@pytest.mark.asyncio
async def test_required_facets_and_token_budget(client):
    await initialize(client, options={"requiredFacets": ["role", "task", "format"], "tokenBudget": 10, "diagnosticsDelay": 0})
    doc = open_basic(client)
    diagnostics = await doc.diagnostics()
    assert codes(diagnostics) == ["missing-facet", "overlong", "vague-quantifier", "weak-instruction"]
    missing = [d for d in diagnostics if d.code == "missing-facet"][0]
    assert "format" in missing.message


@pytest.mark.asyncio
async def test_settings_may_be_nested_and_kebab_case(client):
    await initialize(client, options={"facet": {"rules": {"weak-instruction": "off"}, "required-facets": ["role", "task", "guardrail"]}})
    doc = open_basic(client)
    diagnostics = await doc.diagnostics()
    assert codes(diagnostics) == ["missing-facet", "vague-quantifier"]
    assert "guardrail" in [d for d in diagnostics if d.code == "missing-facet"][0].message


@pytest.mark.asyncio
async def test_bad_settings_are_reported_and_the_rest_applied(client):
    await initialize(client, options={"rules": {"weak-instruction": "off", "no-such-rule": "off"}, "tokenBudget": -5})
    message = await wait_for_log(client, "no-such-rule")
    assert message.type == types.MessageType.Warning
    await wait_for_log(client, "tokenBudget")
    doc = open_basic(client)
    assert codes(await doc.diagnostics()) == ["vague-quantifier"]


# --------------------------------------------------------------------------- workspace/configuration


@pytest.mark.asyncio
async def test_server_asks_for_the_facet_section(client):
    client.set_configuration({"rules": {"vague-quantifier": "off"}, "inlayHints": True}, section="facet")
    await initialize(client, capabilities=configuration_capabilities())
    method, params = await wait_until(lambda: client.server_requests and client.server_requests[0], what="workspace/configuration")
    assert method == types.WORKSPACE_CONFIGURATION
    assert [item.section for item in params.items] == ["facet"]

    doc = open_basic(client)
    await latest_matching(client, doc, lambda d: codes(d) == ["weak-instruction"], "findings without vague-quantifier")
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(text_document=doc.id, range=doc.full_range()))
    assert len(hints) == 4


@pytest.mark.asyncio
async def test_did_change_configuration_without_settings_pulls_them_again(client):
    client.set_configuration({}, section="facet")
    await initialize(client, capabilities=configuration_capabilities())
    await wait_until(lambda: len(client.server_requests) == 1, what="the first workspace/configuration")
    doc = open_basic(client)
    assert codes(await doc.diagnostics()) == ["vague-quantifier", "weak-instruction"]

    client.set_configuration({"rules": {"weak-instruction": "off"}}, section="facet")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_until(lambda: len(client.server_requests) == 2, what="a second workspace/configuration")
    published = await latest_matching(client, doc, lambda d: codes(d) == ["vague-quantifier"], "re-checked findings")
    assert published.version == doc.version


@pytest.mark.asyncio
async def test_did_change_configuration_with_settings_rechecks_open_documents(client):
    await initialize(client)
    first = open_basic(client, "one.system.md")
    second = open_basic(client, "two.system.md", "conflict.system.md")
    await first.diagnostics()
    await second.diagnostics()
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"facet": {"rules": {"vague-quantifier": "off", "duplicate-instruction": "off"}}})
    )
    await latest_matching(client, first, lambda d: codes(d) == ["weak-instruction"], "re-checked first document")
    await latest_matching(client, second, lambda d: codes(d) == ["conflicting-instructions"], "re-checked second document")


# --------------------------------------------------------------------------- .facet.toml


EDITOR_SETTINGS = {"rules": {"vague-quantifier": "error", "weak-instruction": "off"}, "inlayHints": False}


@pytest.mark.asyncio
async def test_facet_toml_wins_over_editor_settings(client, tmp_path):
    (tmp_path / ".facet.toml").write_text(
        'required-facets = ["role", "task", "format"]\ninlay-hints = true\n\n[rules]\nvague-quantifier = "off"\n',
        encoding="utf-8",
    )
    nested = tmp_path / "prompts" / "support"
    nested.mkdir(parents=True)
    path = nested / "basic.system.md"
    path.write_text(fixture_text("basic.system.md"), encoding="utf-8")

    await initialize(client, options=EDITOR_SETTINGS)
    doc = Document(client, file_uri(path), path.read_text(encoding="utf-8")).open()
    diagnostics = await doc.diagnostics()
    # vague-quantifier: the file says off (over the editor's "error");
    # weak-instruction: the file is silent, so the editor's "off" stands;
    # missing-facet format: from the file's required-facets.
    assert codes(diagnostics) == ["missing-facet"]
    assert "format" in diagnostics[0].message
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(text_document=doc.id, range=doc.full_range()))
    assert len(hints) == 4  # inlay-hints = true in the file over the editor's false


@pytest.mark.asyncio
async def test_facet_toml_elsewhere_does_not_apply(client, tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / ".facet.toml").write_text('[rules]\nweak-instruction = "off"\n', encoding="utf-8")
    (tmp_path / "prompts").mkdir()
    path = tmp_path / "prompts" / "basic.system.md"
    path.write_text(fixture_text("basic.system.md"), encoding="utf-8")
    await initialize(client)
    doc = Document(client, file_uri(path), path.read_text(encoding="utf-8")).open()
    assert codes(await doc.diagnostics()) == ["vague-quantifier", "weak-instruction"]


@pytest.mark.asyncio
async def test_broken_facet_toml_is_reported_and_editor_settings_used(client, tmp_path):
    (tmp_path / ".facet.toml").write_text('[rules]\nvague-quantifiers = "off"\n', encoding="utf-8")
    path = tmp_path / "basic.system.md"
    path.write_text(fixture_text("basic.system.md"), encoding="utf-8")
    await initialize(client, options={"rules": {"weak-instruction": "off"}})
    doc = Document(client, file_uri(path), path.read_text(encoding="utf-8")).open()
    assert codes(await doc.diagnostics()) == ["vague-quantifier"]
    message = await wait_for_log(client, ".facet.toml:2")
    assert message.type == types.MessageType.Error
    assert "vague-quantifiers" in message.message


@pytest.mark.asyncio
async def test_changed_facet_toml_is_read_again(client, tmp_path):
    config = tmp_path / ".facet.toml"
    config.write_text('[rules]\nvague-quantifier = "off"\n', encoding="utf-8")
    path = tmp_path / "basic.system.md"
    path.write_text(fixture_text("basic.system.md"), encoding="utf-8")

    await initialize(client, capabilities=configuration_capabilities(watch=True))
    registrations = await wait_until(
        lambda: [p for m, p in client.server_requests if m == types.CLIENT_REGISTER_CAPABILITY], what="client/registerCapability"
    )
    [registration] = registrations[0].registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    assert "**/.facet.toml" in str(registration.register_options)

    doc = Document(client, file_uri(path), path.read_text(encoding="utf-8")).open()
    assert codes(await doc.diagnostics()) == ["weak-instruction"]

    config.write_text('[rules]\nweak-instruction = "off"\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=file_uri(config), type=types.FileChangeType.Changed)])
    )
    await latest_matching(client, doc, lambda d: codes(d) == ["vague-quantifier"], "findings under the new .facet.toml")


@pytest.mark.asyncio
async def test_facet_toml_found_through_an_escaped_uri(client, tmp_path):
    folder = tmp_path / "my prompts" / "prömpts #1"
    folder.mkdir(parents=True)
    (tmp_path / "my prompts" / ".facet.toml").write_text('[rules]\nweak-instruction = "off"\n', encoding="utf-8")
    path = folder / "basic.system.md"
    path.write_text(fixture_text("basic.system.md"), encoding="utf-8")
    uri = file_uri(path)
    assert "%20" in uri and "%C3%B6" in uri and "%23" in uri
    await initialize(client)
    doc = Document(client, uri, path.read_text(encoding="utf-8")).open()
    assert codes(await doc.diagnostics()) == ["vague-quantifier"]
