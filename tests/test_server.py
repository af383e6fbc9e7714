"""``samcheck server`` end to end, driven by a real LSP client (pytest-lsp) over standard I/O."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import SQS_CONSUMER as TEMPLATE
from tests.test_account_scope import TEMPLATE as ACCOUNT

pytestmark = pytest.mark.slow

# A plugin whose rule raises, installed where only the server's Python finds it.
PLUGIN_SITE = Path(tempfile.mkdtemp(prefix="samcheck-server-plugin-"))
(PLUGIN_SITE / "raisingpack").mkdir()
(PLUGIN_SITE / "raisingpack" / "__init__.py").write_text(
    "from samcheck.rule import Rule, Severity\n\n\n"
    "class Raising(Rule):\n"
    '    """Raises."""\n\n'
    '    id = "SC9201"\n    name = "raising-plugin-rule"\n    severity = Severity.ERROR\n'
    '    summary = "Raises"\n    url = "https://example.com"\n    needs_template = False\n\n'
    "    def check(self, context):\n        raise RuntimeError('boom')\n\n\n"
    "RULES = [Raising]\n"
)
INFO = PLUGIN_SITE / "raisingpack-1.0.dist-info"
INFO.mkdir()
(INFO / "METADATA").write_text("Metadata-Version: 2.1\nName: raisingpack\nVersion: 1.0\n")
(INFO / "entry_points.txt").write_text("[samcheck.rules]\nraising = raisingpack:RULES\n")
SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "samcheck", "server"],
    server_env={
        **os.environ,
        "PYTHONPATH": str(PLUGIN_SITE),
        # never the user's cache or its secret (the autouse fixture sets these only per test)
        "SAMCHECK_CACHE_DIR": str(PLUGIN_SITE / "cache"),
        "XDG_CONFIG_HOME": str(PLUGIN_SITE / "config"),
    },
)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(tmp_path.as_uri(), "project")],
        )
    )
    lsp_client.workspace_folder = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def _open(client: LanguageClient, path: Path, text: str) -> list[types.Diagnostic]:
    path.write_text(text)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(path.as_uri(), "yaml", 1, text))
    )
    return await _next_diagnostics(client, path.as_uri())


async def _next_diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    while True:
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri:
            return list(params.diagnostics)


def _change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _by_code(diagnostics: list[types.Diagnostic]) -> dict[str, types.Diagnostic]:
    return {str(diagnostic.code): diagnostic for diagnostic in diagnostics}


@pytest.mark.asyncio
async def test_diagnostics_on_open_carry_code_docs_and_related_places(client: LanguageClient) -> None:
    path = client.workspace_folder / "template.yaml"  # type: ignore[attr-defined]
    diagnostics = _by_code(await _open(client, path, TEMPLATE))
    queue = diagnostics["SC3001"]
    assert queue.severity == types.DiagnosticSeverity.Error and queue.source == "samcheck"
    assert queue.range.start == types.Position(14, 8)  # the SQS event, where the user edits
    assert queue.code_description is not None and queue.code_description.href.startswith("https://docs.aws.amazon.com")
    assert "10" in queue.message and "60" in queue.message
    related = queue.related_information or []
    assert any(item.location.range.start.line == 12 and item.location.uri == path.as_uri() for item in related)
    assert "SC0000" in diagnostics  # the plugin rule that raised is contained to itself
    assert "SC9201" in diagnostics["SC0000"].message


@pytest.mark.asyncio
async def test_edits_relint_the_unsaved_buffer(client: LanguageClient) -> None:
    path = client.workspace_folder / "template.yaml"  # type: ignore[attr-defined]
    assert "SC3001" in _by_code(await _open(client, path, TEMPLATE))
    _change(client, path.as_uri(), 2, TEMPLATE.replace("VisibilityTimeout: 10", "VisibilityTimeout: 400"))
    assert "SC3001" not in _by_code(await _next_diagnostics(client, path.as_uri()))
    assert "VisibilityTimeout: 10" in path.read_text()  # the buffer was linted, not the file on disk


@pytest.mark.asyncio
async def test_a_quick_fix_removes_its_diagnostic(client: LanguageClient) -> None:
    path = client.workspace_folder / "template.yaml"  # type: ignore[attr-defined]
    text = TEMPLATE.replace("VisibilityTimeout: 10", "VisibilityTimeout: 10\n      DelaySeconds: 0")
    diagnostic = _by_code(await _open(client, path, text))["SC3001"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(path.as_uri()),
            diagnostic.range,
            types.CodeActionContext([diagnostic], only=[types.CodeActionKind.QuickFix]),
        )
    )
    titles = [action.title for action in actions or []]
    assert "samcheck: ignore SC3001 on this line" in titles and "samcheck: explain SC3001" in titles
    (fix,) = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.is_preferred]
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[path.as_uri()]
    lines = text.splitlines(keepends=True)
    fixed = "".join(lines[: edit.range.start.line]) + edit.new_text + "".join(lines[edit.range.end.line :])
    assert "VisibilityTimeout: 360" in fixed
    _change(client, path.as_uri(), 2, fixed)
    assert "SC3001" not in _by_code(await _next_diagnostics(client, path.as_uri()))


@pytest.mark.asyncio
async def test_hover_shows_the_rule_page(client: LanguageClient) -> None:
    path = client.workspace_folder / "template.yaml"  # type: ignore[attr-defined]
    diagnostic = _by_code(await _open(client, path, TEMPLATE))["SC3001"]
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), diagnostic.range.start)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "SC3001" in hover.contents.value and "**Anti-pattern**" in hover.contents.value


@pytest.mark.asyncio
async def test_a_document_that_is_not_a_template_gets_no_diagnostics(client: LanguageClient) -> None:
    path = client.workspace_folder / "docker-compose.yaml"  # type: ignore[attr-defined]
    assert await _open(client, path, "services:\n  web:\n    image: nginx\n") == []


@pytest.mark.asyncio
async def test_account_scope_adds_up_the_workspace_templates(client: LanguageClient) -> None:
    folder: Path = client.workspace_folder  # type: ignore[attr-defined]
    (folder / ".samcheck.yaml").write_text("account-scope: true\n")
    (folder / "billing").mkdir()
    (folder / "billing" / "template.yaml").write_text(ACCOUNT.format(name="Billing", amount=450))
    (folder / "orders").mkdir()
    orders = folder / "orders" / "template.yaml"
    diagnostics = _by_code(await _open(client, orders, ACCOUNT.format(name="Orders", amount=500)))
    budget = diagnostics["SC2001"]
    assert budget.message.startswith("500 + 450 = 950 reserved in the account in us-east-1 > 900 available")
    related = budget.related_information or []
    assert [item.location.uri for item in related] == [(folder / "billing" / "template.yaml").as_uri()]
    _change(client, orders.as_uri(), 2, ACCOUNT.format(name="Orders", amount=400))
    assert "SC2001" not in _by_code(await _next_diagnostics(client, orders.as_uri()))


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("name", "text"), [(".samcheck.yaml", "ignore: [SC3001]\n"), (".samcheck.toml", 'ignore = ["SC3001"]\n')]
)
async def test_a_changed_configuration_file_relints_open_templates(
    client: LanguageClient, name: str, text: str
) -> None:
    folder: Path = client.workspace_folder  # type: ignore[attr-defined]
    path = folder / "template.yaml"
    assert "SC3001" in _by_code(await _open(client, path, TEMPLATE))
    config = folder / name
    config.write_text(text)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams([types.FileEvent(config.as_uri(), types.FileChangeType.Created)])
    )
    assert "SC3001" not in _by_code(await _next_diagnostics(client, path.as_uri()))


@pytest.mark.asyncio
async def test_the_explain_command_returns_the_rule_page(client: LanguageClient) -> None:
    page = await client.workspace_execute_command_async(types.ExecuteCommandParams("samcheck.explain", ["SC3001"]))
    assert isinstance(page, str) and "SC3001" in page and "**Anti-pattern**" in page


# -- files the template pulls in ----------------------------------------------------------

MACHINE = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Machine:\n    Type: AWS::Serverless::StateMachine\n"
MACHINE += "    Properties:\n      Type: EXPRESS\n      DefinitionUri: machine.asl.json\n"


async def _published(client: LanguageClient, uri: str, seconds: float = 30) -> list[types.Diagnostic]:
    """The diagnostics published for ``uri`` since the test forgot them (``client.diagnostics.pop``),
    or a failed test. (Two publications in a row can both go before a waiter is back for the second.)"""
    import asyncio

    for _ in range(int(seconds / 0.05)):
        if uri in client.diagnostics:
            return list(client.diagnostics[uri])
        await asyncio.sleep(0.05)
    raise AssertionError(f"no diagnostics for {uri} in {seconds:g} s")


async def _open_with_machine(client: LanguageClient) -> tuple[Path, Path, list[types.Diagnostic]]:
    """A template whose state machine is in machine.asl.json; the machine's diagnostics."""
    from tests.test_step_functions import DEFINITION

    folder: Path = client.workspace_folder  # type: ignore[attr-defined]
    machine = folder / "machine.asl.json"
    machine.write_text(DEFINITION)
    template = folder / "template.yaml"
    template.write_text(MACHINE)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(template.as_uri(), "yaml", 1, MACHINE))
    )
    diagnostics = await _published(client, machine.as_uri())
    assert "SC6001" in _by_code(diagnostics)
    return template, machine, diagnostics


@pytest.mark.asyncio
async def test_opening_or_changing_an_included_file_keeps_its_diagnostics(client: LanguageClient) -> None:
    _, machine, diagnostics = await _open_with_machine(client)
    text = machine.read_text()
    client.diagnostics.pop(machine.as_uri())
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(machine.as_uri(), "json", 1, text))
    )
    assert await _published(client, machine.as_uri()) == diagnostics
    client.diagnostics.pop(machine.as_uri())
    _change(client, machine.as_uri(), 2, text + "\n")
    assert await _published(client, machine.as_uri()) == diagnostics


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["saved", "changed on disk"])
async def test_an_included_file_saved_or_changed_relints_its_template(client: LanguageClient, how: str) -> None:
    template, machine, _ = await _open_with_machine(client)
    machine.write_text('{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}\n')
    client.diagnostics.clear()
    if how == "saved":
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(machine.as_uri())))
    else:
        change = types.FileEvent(machine.as_uri(), types.FileChangeType.Changed)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([change]))
    assert set(_by_code(await _published(client, template.as_uri()))) == {"SC0000"}  # linted again (the plugin)
    assert await _published(client, machine.as_uri()) == []


@pytest.mark.asyncio
async def test_an_included_file_without_findings_saved_relints_its_template(client: LanguageClient) -> None:
    # the template read the machine although nothing was found in it: a save with a mistake is seen
    import asyncio

    from tests.test_step_functions import DEFINITION

    folder: Path = client.workspace_folder  # type: ignore[attr-defined]
    machine = folder / "machine.asl.json"
    machine.write_text('{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}\n')
    template = folder / "template.yaml"
    await _open(client, template, MACHINE)
    machine.write_text(DEFINITION)
    client.diagnostics.clear()
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(machine.as_uri())))
    for _ in range(600):  # the machine's own (empty) publication may come first
        if "SC6001" in _by_code(client.diagnostics.get(machine.as_uri(), [])):
            break
        await asyncio.sleep(0.05)
    assert "SC6001" in _by_code(client.diagnostics.get(machine.as_uri(), []))


# -- suppression comments in a block scalar ---------------------------------------------


@pytest.mark.asyncio
async def test_ignore_on_this_line_inside_a_block_scalar_goes_on_the_line_that_starts_it(
    client: LanguageClient,
) -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "rules" / "SC6001" / "definition-string-sub.yaml"
    text = fixture.read_text()
    path = client.workspace_folder / "template.yaml"  # type: ignore[attr-defined]
    diagnostic = _by_code(await _open(client, path, text))["SC6001"]
    assert diagnostic.range.start.line == 11  # the JSON line, inside `DefinitionString: !Sub |`
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(path.as_uri()),
            diagnostic.range,
            types.CodeActionContext([diagnostic], only=[types.CodeActionKind.QuickFix]),
        )
    )
    (ignore,) = [a for a in actions or [] if a.title == "samcheck: ignore SC6001 on this line"]
    assert isinstance(ignore, types.CodeAction) and ignore.edit is not None and ignore.edit.changes is not None
    (edit,) = ignore.edit.changes[path.as_uri()]
    assert edit.range.start.line == 6  # `      DefinitionString: !Sub |`
    lines = text.splitlines(keepends=True)
    line = lines[6]
    character = edit.range.start.character
    lines[6] = line[:character] + edit.new_text + line[character:]
    assert lines[6].startswith("      DefinitionString: !Sub |  # samcheck: ignore[SC6001]")
    _change(client, path.as_uri(), 2, "".join(lines))
    assert "SC6001" not in _by_code(await _next_diagnostics(client, path.as_uri()))


# -- code actions -------------------------------------------------------------------------

RESOLVING = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        code_action=types.CodeActionClientCapabilities(
            data_support=True, resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
        )
    )
)


@pytest_lsp.fixture(config=SERVER)
async def resolving_client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A client that resolves code actions (VS Code, Neovim)."""
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=RESOLVING, workspace_folders=[types.WorkspaceFolder(tmp_path.as_uri(), "project")]
        )
    )
    lsp_client.workspace_folder = tmp_path  # type: ignore[attr-defined]
    lsp_client.capabilities_offered = result.capabilities  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _applied(text: str, edit: types.WorkspaceEdit, uri: str) -> str:
    assert edit.changes is not None
    (change,) = edit.changes[uri]
    lines = text.splitlines(keepends=True)
    return "".join(lines[: change.range.start.line]) + change.new_text + "".join(lines[change.range.end.line :])


@pytest.mark.asyncio
async def test_fixes_are_made_when_the_client_resolves_them(resolving_client: LanguageClient) -> None:
    client = resolving_client
    offered = client.capabilities_offered.code_action_provider  # type: ignore[attr-defined]
    assert isinstance(offered, types.CodeActionOptions) and offered.resolve_provider
    path = client.workspace_folder / "template.yaml"  # type: ignore[attr-defined]
    diagnostic = _by_code(await _open(client, path, TEMPLATE))["SC3001"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(path.as_uri()), diagnostic.range, types.CodeActionContext([diagnostic])
        )
    )
    by_title = {action.title: action for action in actions or [] if isinstance(action, types.CodeAction)}
    fix_all, quick = by_title["samcheck: fix all"], by_title["samcheck: set VisibilityTimeout of Jobs to 360"]
    assert fix_all.edit is None and quick.edit is None  # the cursor landed on it: nothing is fixed yet
    for action in (quick, fix_all):
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None
        assert "VisibilityTimeout: 360" in _applied(TEMPLATE, resolved.edit, path.as_uri())


@pytest.mark.asyncio
async def test_fix_all_is_made_only_when_asked_for_by_a_client_that_does_not_resolve(client: LanguageClient) -> None:
    path = client.workspace_folder / "template.yaml"  # type: ignore[attr-defined]
    diagnostic = _by_code(await _open(client, path, TEMPLATE))["SC3001"]

    async def titles(only: list[str] | None) -> dict[str, types.CodeAction]:
        context = types.CodeActionContext([diagnostic], only=only)
        found = await client.text_document_code_action_async(
            types.CodeActionParams(types.TextDocumentIdentifier(path.as_uri()), diagnostic.range, context)
        )
        return {action.title: action for action in found or [] if isinstance(action, types.CodeAction)}

    assert "samcheck: fix all" not in await titles(None)
    fix_all = (await titles([types.CodeActionKind.SourceFixAll]))["samcheck: fix all"]
    assert fix_all.edit is not None and "VisibilityTimeout: 360" in _applied(TEMPLATE, fix_all.edit, path.as_uri())


# -- notices --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_broken_configuration_is_said_once_until_it_changes(client: LanguageClient) -> None:
    import asyncio

    folder: Path = client.workspace_folder  # type: ignore[attr-defined]
    config = folder / ".samcheck.yaml"
    config.write_text("fail-level: sometimes\n")
    path = folder / "template.yaml"
    path.write_text(TEMPLATE)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(path.as_uri(), "yaml", 1, TEMPLATE))
    )
    for version in range(2, 5):  # keystrokes
        await asyncio.sleep(0.5)
        _change(client, path.as_uri(), version, TEMPLATE + f"# {version}\n")
    await asyncio.sleep(1.5)
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and ".samcheck.yaml" in errors[0].message
    config.write_text("fail-level: often\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams([types.FileEvent(config.as_uri(), types.FileChangeType.Changed)])
    )
    await asyncio.sleep(1.5)
    assert len([m for m in client.messages if m.type == types.MessageType.Error]) == 2
