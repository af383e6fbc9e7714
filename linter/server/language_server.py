"""``samcheck server``: findings as the editor types, the fix one keystroke away, rule docs on hover.

A buffer is linted when it opens or is saved, and 300 ms after the last change (``debounceMs`` in
the ``samcheck`` settings). What is linted is the buffer's text, as the file it is (its folder's
configuration and relative paths apply). Findings in files the template pulls in (a state
machine's ``DefinitionUri``, an OpenAPI include) are published for those files. Configuration
changes (the client's settings, or a config file saved or changed on disk) re-lint every open
template.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from samcheck import __version__
from samcheck.config import CONFIG_NAMES, SAMCONFIG_NAMES
from samcheck.findings import Finding
from samcheck.server.linting import Linter
from samcheck.server.protocol import SOURCE, diagnostic, path_of, span_range, uri_of, whole_text_edit

DEBOUNCE_SECONDS = 0.3
EXPLAIN_COMMAND = "samcheck.explain"
FIX_ALL = types.CodeActionKind.SourceFixAll + ".samcheck"
_CONFIG_FILES = tuple(f"**/{name}" for name in (*CONFIG_NAMES, *SAMCONFIG_NAMES))


class SamcheckServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("samcheck", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.linter = Linter()
        self.debounce = DEBOUNCE_SECONDS
        self.pending: dict[str, asyncio.Task[None]] = {}  # uri -> the lint waiting for its debounce
        self.findings: dict[str, list[Finding]] = {}  # template uri -> its findings, for actions and hover
        self.published: dict[str, set[str]] = {}  # template uri -> the other files it published for

    # -- linting ------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        await self.lint(uri)

    async def lint(self, uri: str) -> None:
        from samcheck.api import UsageError
        from samcheck.discovery import is_template

        document = self.workspace.get_text_document(uri)
        path = path_of(uri)
        if path is None or not is_template(path, document.source.encode("utf-8", "surrogatepass")):
            self.publish(uri, [], {})
            return
        try:
            job = self.linter.job(path, document.source)
        except UsageError as error:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"samcheck: {error}"))
            return
        folders = [folder for item in self.workspace.folders.values() if (folder := path_of(item.uri)) is not None]
        result = await self.linter.lint(job, self.linter.neighbours(job, folders))
        if self.workspace.get_text_document(uri).version != document.version:
            return  # the buffer changed meanwhile: its own lint is on the way
        self.publish(uri, result.findings, {str(path): _buffer_lines(document)})

    def publish(self, uri: str, findings: list[Finding], lines_of: dict[str, list[str]]) -> None:
        self.findings[uri] = findings
        by_file: dict[str, list[Finding]] = {}
        for finding in findings:
            by_file.setdefault(uri_of(finding.file), []).append(finding)
        lines_of |= {finding.file: _lines(finding.file) for finding in findings if finding.file not in lines_of}
        for item in (related for finding in findings for related in finding.related):
            if item.file and item.file not in lines_of:
                lines_of[item.file] = _lines(item.file)
        others = set(by_file) - {uri}
        for gone in self.published.get(uri, set()) - others:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(gone, []))
        self.published[uri] = others
        for target in {uri, *others}:
            diagnostics = [diagnostic(finding, lines_of) for finding in by_file.get(target, [])]
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(target, diagnostics))

    def relint_all(self) -> None:
        self.linter.forget_settings()
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    def at(self, uri: str, position: types.Position) -> list[Finding]:
        """The findings of ``uri`` whose range holds ``position``."""
        document = self.workspace.get_text_document(uri)
        lines = _buffer_lines(document)
        found = []
        for finding in self.findings.get(uri, []):
            if uri_of(finding.file) != uri:
                continue
            span = span_range(finding.span, lines)
            if _holds(span, position):
                found.append(finding)
        return found


def _lines(file: str) -> list[str]:
    try:
        return Path(file).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _holds(span: types.Range, position: types.Position) -> bool:
    start, end = (span.start.line, span.start.character), (span.end.line, span.end.character)
    return start <= (position.line, position.character) <= end


def _buffer_lines(document: TextDocument) -> list[str]:
    return [line.rstrip("\r\n") for line in document.lines]


def build() -> SamcheckServer:
    """The server with its handlers."""
    ls = SamcheckServer()

    @ls.feature(types.INITIALIZED)
    def initialized(ls: SamcheckServer, params: types.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                [types.FileSystemWatcher(glob_pattern=pattern) for pattern in _CONFIG_FILES]
            )
            registration = types.Registration("samcheck-config", types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)
            ls.client_register_capability(types.RegistrationParams([registration]))

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: SamcheckServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: SamcheckServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: SamcheckServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.linter.forget_templates()
        path = path_of(params.text_document.uri)
        if path is not None and _is_config(path):
            ls.relint_all()
        else:
            ls.schedule(params.text_document.uri, 0)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SamcheckServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.publish(uri, [], {})
        ls.findings.pop(uri, None)

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: SamcheckServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings.get("samcheck", {}) if isinstance(params.settings, dict) else {}
        ls.linter.config_env = str(settings.get("configEnv", "default"))
        ls.debounce = float(settings.get("debounceMs", DEBOUNCE_SECONDS * 1000)) / 1000
        ls.relint_all()

    @ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: SamcheckServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(_is_config(path) for change in params.changes if (path := path_of(change.uri)) is not None):
            ls.relint_all()

    @ls.feature(types.SHUTDOWN)
    def shutdown(ls: SamcheckServer, params: None) -> None:
        ls.linter.close()

    @ls.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: SamcheckServer, params: types.HoverParams) -> types.Hover | None:
        from samcheck.docs import rule_markdown
        from samcheck.registry import find_rule

        rules = {finding.rule: find_rule(finding.rule) for finding in ls.at(params.text_document.uri, params.position)}
        pages = [rule_markdown(rule) for rule in rules.values() if rule is not None]
        if not pages:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(pages)))

    @ls.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )
    async def code_action(ls: SamcheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return await _code_actions(ls, params)

    @ls.command(EXPLAIN_COMMAND)
    def explain(ls: SamcheckServer, rule_id: str) -> str | None:
        # pygls hands each of the command's arguments to a parameter of its own
        from samcheck.docs import rule_markdown
        from samcheck.registry import find_rule

        rule = find_rule(rule_id)
        if rule is None:
            return None
        page = rule_markdown(rule)
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, page))
        return page

    return ls


def _is_config(path: Path) -> bool:
    return path.name in (*CONFIG_NAMES, *SAMCONFIG_NAMES)


async def _code_actions(ls: SamcheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    path = path_of(uri)
    asked = {(d.code, d.range.start.line) for d in params.context.diagnostics if d.source == SOURCE}
    lines = _buffer_lines(document)
    chosen = [
        finding
        for finding in ls.findings.get(uri, [])
        if uri_of(finding.file) == uri and (finding.rule, span_range(finding.span, lines).start.line) in asked
    ]
    actions: list[types.CodeAction] = []
    only = params.context.only
    if path is None:
        return actions
    from samcheck.api import UsageError

    try:
        job = ls.linter.job(path, document.source)
    except UsageError:  # a broken configuration: lint() has said so already
        return actions
    wants_quick_fixes = not only or types.CodeActionKind.QuickFix in only
    if wants_quick_fixes:
        for finding in chosen:
            if finding.fix is not None:
                fixed = await ls.linter.fix(job, frozenset({finding.fingerprint}))
                title = f"samcheck: {finding.fix.description}"
                if fixed is not None and fixed.text != document.source:
                    actions.append(_edit_action(title, uri, document.source, fixed.text, preferred=True))
                elif fixed is not None and fixed.refused:  # shown greyed out, with why
                    reason = types.CodeActionDisabled(fixed.refused[0])
                    actions.append(types.CodeAction(title, kind=types.CodeActionKind.QuickFix, disabled=reason))
            actions += _suppressions(uri, path, document.source, finding)
            actions.append(
                types.CodeAction(
                    f"samcheck: explain {finding.rule}",
                    kind=types.CodeActionKind.QuickFix,
                    command=types.Command(f"Explain {finding.rule}", EXPLAIN_COMMAND, arguments=[finding.rule]),
                )
            )
    if (not only or any(kind.startswith(types.CodeActionKind.SourceFixAll) for kind in only)) and any(
        finding.fix is not None for finding in ls.findings.get(uri, [])
    ):
        fixed = await ls.linter.fix(job, None)
        if fixed is not None and fixed.text != document.source:
            actions.append(_edit_action("samcheck: fix all", uri, document.source, fixed.text, kind=FIX_ALL))
    return actions


def _edit_action(
    title: str, uri: str, before: str, after: str, preferred: bool = False, kind: str = types.CodeActionKind.QuickFix
) -> types.CodeAction:
    return types.CodeAction(
        title,
        kind=kind,
        is_preferred=preferred or None,
        edit=types.WorkspaceEdit(changes={uri: [whole_text_edit(before, after)]}),
    )


def _suppressions(uri: str, path: Path, text: str, finding: Finding) -> list[types.CodeAction]:
    """ "Ignore on this line" (a comment at its end) and "for this file" (a first line); YAML only,
    JSON has no comments."""
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return []
    lines = text.splitlines(keepends=True)
    number = finding.span.line - 1
    if not 0 <= number < len(lines):
        return []
    line = lines[number]
    body = line.rstrip("\r\n")
    end = types.Position(number, len(body.encode("utf-16-le")) // 2)
    edit_line = types.TextEdit(types.Range(end, end), f"  # samcheck: ignore[{finding.rule}]")
    newline = "\r\n" if line.endswith("\r\n") else "\n"
    edit_file = types.TextEdit(
        types.Range(types.Position(0, 0), types.Position(0, 0)), f"# samcheck: ignore-file[{finding.rule}]{newline}"
    )
    return [
        types.CodeAction(
            f"samcheck: ignore {finding.rule} on this line",
            kind=types.CodeActionKind.QuickFix,
            edit=types.WorkspaceEdit(changes={uri: [edit_line]}),
        ),
        types.CodeAction(
            f"samcheck: ignore {finding.rule} in this file",
            kind=types.CodeActionKind.QuickFix,
            edit=types.WorkspaceEdit(changes={uri: [edit_file]}),
        ),
    ]


def run() -> None:
    """Serve over standard input and output until the client says exit."""
    ls = build()
    try:
        ls.start_io()
    finally:
        ls.linter.close()
