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
