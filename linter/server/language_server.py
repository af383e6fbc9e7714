"""``samcheck server``: findings as the editor types, the fix one keystroke away, rule docs on hover.

A buffer is linted when it opens or is saved, and 300 ms after the last change (``debounceMs`` in
the ``samcheck`` settings). What is linted is the buffer's text, as the file it is (its folder's
configuration and relative paths apply). Findings in files the template pulls in (a state
machine's ``DefinitionUri``, an OpenAPI include) are published for those files, and stay when the
user opens one (a file's diagnostics are those of every template that reported on it); saving one,
or its change on disk, re-lints the templates that read it. Configuration changes (the client's
settings, or a config file saved or changed on disk) re-lint every open template; a broken
configuration is said once until its files change.

Code actions are cheap to ask for (an editor asks whenever the cursor lands on a diagnostic): a
fix is computed when the client resolves the action, or, for a client that does not resolve, one
finding's fix at a time and "fix all" only when asked for by kind; each computed fix is kept for
the document's version.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from samcheck import __version__
from samcheck.config import CONFIG_NAMES, SAMCONFIG_NAMES
from samcheck.findings import Finding
from samcheck.server.linting import Fixed, Linter
from samcheck.server.protocol import SOURCE, diagnostic, path_of, span_range, uri_of, whole_text_edit

DEBOUNCE_SECONDS = 0.3
EXPLAIN_COMMAND = "samcheck.explain"
FIX_ALL = types.CodeActionKind.SourceFixAll + ".samcheck"
_CONFIG_FILES = tuple(f"**/{name}" for name in (*CONFIG_NAMES, *SAMCONFIG_NAMES))
_READS = "samcheck-reads"  # the registration that watches the files templates read


class SamcheckServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("samcheck", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.linter = Linter()
        self.debounce = DEBOUNCE_SECONDS
        self.pending: dict[str, asyncio.Task[None]] = {}  # uri -> the lint waiting for its debounce
        self.findings: dict[str, list[Finding]] = {}  # template uri -> its findings, for actions and hover
        # linted uri -> file uri -> the diagnostics it gives that file (its own, and files it pulls in)
        self.diagnostics: dict[str, dict[str, list[types.Diagnostic]]] = {}
        # template uri -> the other files it read or reported on, once, while it is open
        self.reads: dict[str, set[Path]] = {}
        self.watched: frozenset[Path] = frozenset()  # the files the client watches for them
        # (uri, version, fingerprints or None: all) -> the buffer fixed, until the buffer changes
        self.fixed: dict[tuple[str, int, frozenset[str] | None], Fixed | None] = {}
        self.noticed: set[tuple[str, tuple[tuple[str, int, int], ...]]] = set()  # broken configurations said

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
            self.notice(path, str(error))
            return
        folders = [folder for item in self.workspace.folders.values() if (folder := path_of(item.uri)) is not None]
        result = await self.linter.lint(job, self.linter.neighbours(job, folders))
        if self.workspace.get_text_document(uri).version != document.version:
            return  # the buffer changed meanwhile: its own lint is on the way
        self.reads.setdefault(uri, set()).update(Path(file) for file in result.read)
        self.publish(uri, result.findings, {str(path): _buffer_lines(document)})

    def notice(self, path: Path, error: str) -> None:
        """Say a configuration error once per state of the configuration files it may come from."""
        key = (error, _configuration_state(path.parent))
        if key not in self.noticed:
            self.noticed.add(key)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"samcheck: {error}"))

    def publish(self, uri: str, findings: list[Finding], lines_of: dict[str, list[str]]) -> None:
        """Publish ``uri``'s findings, by the file each is in; every file gets the diagnostics of
        every linted document that reported on it."""
        self.findings[uri] = findings
        by_file: dict[str, list[Finding]] = {}
        for finding in findings:
            by_file.setdefault(uri_of(finding.file), []).append(finding)
        read = {finding.file for finding in findings} | {
            item.file for finding in findings for item in finding.related if item.file
        }
        lines_of |= {file: _lines(file) for file in read if file not in lines_of}
        own = path_of(uri)
        self.reads.setdefault(uri, set()).update(Path(file) for file in read if Path(file) != own)
        before = self.diagnostics.get(uri, {})
        self.diagnostics[uri] = {
            target: [diagnostic(finding, lines_of) for finding in found] for target, found in by_file.items()
        }
        for target in {uri, *before, *by_file}:
            every = [item for given in self.diagnostics.values() for item in given.get(target, [])]
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(target, every))
        self.watch_reads()

    def forget(self, uri: str) -> None:
        """A closed document: its diagnostics go (those of the files it pulls in too), the fixes kept
        for it and what it read."""
        self.publish(uri, [], {})
        self.findings.pop(uri, None)
        self.diagnostics.pop(uri, None)
        self.reads.pop(uri, None)
        self.forget_fixes(uri)

    def forget_fixes(self, uri: str) -> None:
        for key in [key for key in self.fixed if key[0] == uri]:
            del self.fixed[key]

    def readers(self, path: Path) -> list[str]:
        """The templates that read ``path``."""
        return [uri for uri, read in self.reads.items() if path in read]

    def watch_reads(self) -> None:
        """Ask the client to tell of changes on disk to the files the templates read (when it can)."""
        watched = self.client_capabilities.workspace and self.client_capabilities.workspace.did_change_watched_files
        reads = frozenset(path for read in self.reads.values() for path in read)
        if not (watched and watched.dynamic_registration) or reads == self.watched:
            return
        if self.watched:
            gone = types.Unregistration(_READS, types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
            self.client_unregister_capability(types.UnregistrationParams([gone]))
        self.watched = reads
        if reads:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                [types.FileSystemWatcher(glob_pattern=str(path)) for path in sorted(reads)]
            )
            registration = types.Registration(_READS, types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)
            self.client_register_capability(types.RegistrationParams([registration]))

    async def fix(self, uri: str, fingerprints: frozenset[str] | None) -> Fixed | None:
        """The buffer of ``uri`` with those fixes (all, with None), computed once per version."""
        document = self.workspace.get_text_document(uri)
        key = (uri, document.version or 0, fingerprints)
        if key not in self.fixed:
            from samcheck.api import UsageError

            path = path_of(uri)
            try:
                job = None if path is None else self.linter.job(path, document.source)
            except UsageError:  # a broken configuration: lint() has said so already
                job = None
            fixed = None if job is None else await self.linter.fix(job, fingerprints)
            if self.workspace.get_text_document(uri).version != document.version:
                return None  # the buffer changed meanwhile: this fix is of a text that is gone
            self.fixed[key] = fixed
        return self.fixed[key]

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
            first, last = max(0, finding.span.line - 1), max(0, finding.span.line - 1, finding.span.end_line - 1)
            if not first <= position.line <= last or uri_of(finding.file) != uri:
                continue  # the line test first: thousands of findings are asked about on every cursor move
            span = span_range(finding.span, lines)
            if _holds(span, position):
                found.append(finding)
        return found


def _configuration_state(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Size and change time of each configuration file at or above ``folder``: what a
    configuration error may come from."""
    found = []
    for directory in (folder, *folder.parents):
        for name in (*CONFIG_NAMES, *SAMCONFIG_NAMES):
            try:
                status = os.stat(directory / name)
            except OSError:
                continue
            found.append((str(directory / name), status.st_size, status.st_mtime_ns))
    return tuple(found)


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
        ls.forget_fixes(params.text_document.uri)
        ls.schedule(params.text_document.uri, ls.debounce)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: SamcheckServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.linter.forget_templates()
        path = path_of(params.text_document.uri)
        if path is not None and _is_config(path):
            ls.relint_all()
            return
        ls.schedule(params.text_document.uri, 0)
        for uri in ls.readers(path) if path is not None else []:
            ls.schedule(uri, 0)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SamcheckServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.forget(uri)

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: SamcheckServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings.get("samcheck", {}) if isinstance(params.settings, dict) else {}
        ls.linter.config_env = str(settings.get("configEnv", "default"))
        ls.debounce = float(settings.get("debounceMs", DEBOUNCE_SECONDS * 1000)) / 1000
        ls.relint_all()

    @ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: SamcheckServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = [path for change in params.changes if (path := path_of(change.uri)) is not None]
        if any(_is_config(path) for path in paths):
            ls.relint_all()
            return
        for uri in {uri for path in paths for uri in ls.readers(path)}:
            ls.schedule(uri, 0)

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
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True),
    )
    async def code_action(ls: SamcheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return await _code_actions(ls, params)

    @ls.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: SamcheckServer, action: types.CodeAction) -> types.CodeAction:
        return await _resolved(ls, action)

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
    if path is None:
        return []
    asked = {(d.code, d.range.start.line) for d in params.context.diagnostics if d.source == SOURCE}
    chosen = [
        finding
        for finding in ls.findings.get(uri, [])
        # its diagnostic's line (the range starts there), tested first: there may be thousands
        if (finding.rule, max(0, finding.span.line - 1)) in asked and uri_of(finding.file) == uri
    ]
    actions: list[types.CodeAction] = []
    only = params.context.only or []
    resolves = _resolves_edits(ls)
    if not only or types.CodeActionKind.QuickFix in only:
        for finding in chosen:
            if finding.fix is not None:
                title = f"samcheck: {finding.fix.description}"
                fingerprints = frozenset({finding.fingerprint})
                if resolves:
                    actions.append(_unresolved(title, uri, document.version, fingerprints))
                else:
                    actions += _fix_action(title, uri, document.source, await ls.fix(uri, fingerprints))
            actions += _suppressions(uri, path, document.source, finding)
            actions.append(
                types.CodeAction(
                    f"samcheck: explain {finding.rule}",
                    kind=types.CodeActionKind.QuickFix,
                    command=types.Command(f"Explain {finding.rule}", EXPLAIN_COMMAND, arguments=[finding.rule]),
                )
            )
    asked_fix_all = any(kind.startswith(types.CodeActionKind.SourceFixAll) for kind in only)
    if (asked_fix_all or (not only and resolves)) and any(f.fix is not None for f in ls.findings.get(uri, [])):
        if asked_fix_all:  # the client applies it now (on save): made now
            fixed = await ls.fix(uri, None)
            if fixed is not None and fixed.text != document.source:
                actions.append(_edit_action("samcheck: fix all", uri, document.source, fixed.text, kind=FIX_ALL))
        else:
            actions.append(_unresolved("samcheck: fix all", uri, document.version, None))
    return actions


def _resolves_edits(ls: SamcheckServer) -> bool:
    """Whether the client asks for an action's edit when the user picks it (codeAction/resolve)."""
    text_document = ls.client_capabilities.text_document
    code_action = text_document.code_action if text_document else None
    support = code_action.resolve_support if code_action else None
    return support is not None and "edit" in support.properties


def _unresolved(title: str, uri: str, version: int | None, fingerprints: frozenset[str] | None) -> types.CodeAction:
    """A fix whose edit is made when the client resolves it."""
    kind = types.CodeActionKind.QuickFix if fingerprints is not None else FIX_ALL
    data = {"uri": uri, "version": version, "fingerprints": None if fingerprints is None else sorted(fingerprints)}
    return types.CodeAction(title, kind=kind, is_preferred=fingerprints is not None or None, data=data)


async def _resolved(ls: SamcheckServer, action: types.CodeAction) -> types.CodeAction:
    """The action with its edit, when it is one of ours and its buffer is still the one it was
    offered for; a fix that would bring a new error is said instead."""
    data: Any = action.data
    if not isinstance(data, dict) or not isinstance(data.get("uri"), str):
        return action
    uri, fingerprints = data["uri"], data.get("fingerprints")
    document = ls.workspace.get_text_document(uri)
    if document.version != data.get("version"):
        return action
    fixed = await ls.fix(uri, None if fingerprints is None else frozenset(map(str, fingerprints)))
    if fixed is not None and fixed.text != document.source:
        action.edit = types.WorkspaceEdit(changes={uri: [whole_text_edit(document.source, fixed.text)]})
    elif fixed is not None and fixed.refused:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"samcheck: {fixed.refused[0]}"))
    return action


def _fix_action(title: str, uri: str, before: str, fixed: Fixed | None) -> list[types.CodeAction]:
    """One finding's fix, made: its edit, or shown greyed out with why it is not made."""
    if fixed is not None and fixed.text != before:
        return [_edit_action(title, uri, before, fixed.text, preferred=True)]
    if fixed is not None and fixed.refused:
        reason = types.CodeActionDisabled(fixed.refused[0])
        return [types.CodeAction(title, kind=types.CodeActionKind.QuickFix, disabled=reason)]
    return []


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
    JSON has no comments. Within a block scalar a comment would be text: it goes on the line that
    starts the scalar, which covers the scalar (the first line is never within one)."""
    from samcheck.decide.directives import block_scalars

    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return []
    lines = text.splitlines(keepends=True)
    scalars = block_scalars([line.rstrip("\r\n") for line in lines])
    starts = [start for start, scalar in scalars.items() if finding.span.line in scalar]
    number = (starts[0] if starts else finding.span.line) - 1
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
