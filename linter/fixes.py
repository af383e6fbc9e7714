"""Safe fixes: small edits of a template's text that cannot change what the stack means beyond
the finding they fix.

An edit sets a value at a path of the source document (``("Resources", "Queue", "Properties",
"VisibilityTimeout")``). It is applied to the text at the exact position the source map records:
the value is replaced, or a ``key: value`` line is inserted at the indentation of its siblings
(a flow mapping gets ``, key: value``; JSON gets ``"key": value,``). Nothing else in the file is
touched, so comments, key order, quoting, indentation and flow style of every other line stay
byte-identical. The result is read back with ruamel's round-trip loader and samcheck's own; an
edit whose result does not hold the new value is refused, and the file is left as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from samcheck.cfn.document import Document, get_path, parse_document
from samcheck.findings import Edit, FileResult, Finding, Fix, LineReplacement, NodePath


class FixError(Exception):
    """The edit cannot be made safely; the file is left alone."""


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9._/-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "~"}


def _scalar(value: Any, json_style: bool, quote: str = "") -> str:
    """A value as YAML or JSON text, in the quoting style of the value it replaces."""
    if json_style or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    if quote == "" and _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text)


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(text) for text in lines[: line - 1]) + column - 1


def _apply_one(text: str, document: Document, edit: Edit) -> str:
    json_style = document.path.suffix.lower() == ".json" or text.lstrip().startswith("{")  # also *.template
    newline = "\r\n" if "\r\n" in text else "\n"  # inserted lines end like the file's own
    lines = text.splitlines(keepends=True)
    source_map = document.source_map
    value_span = source_map.values.get(edit.path)
    if value_span is not None:  # replace an existing scalar
        current = get_path(document.data, edit.path)
        if isinstance(current, (dict, list)):
            raise FixError(f"{'.'.join(map(str, edit.path))} is not a plain value")
        start = _offset(lines, value_span.line, value_span.column)
        end = _offset(lines, value_span.end_line, value_span.end_column)
        quote = text[start] if text[start : start + 1] in ("'", '"') else ""
        return text[:start] + _scalar(edit.value, json_style, quote) + text[end:]
    # insert: find the deepest existing mapping on the way
    for depth in range(len(edit.path) - 1, -1, -1):
        parent = edit.path[:depth]
        if isinstance(get_path(document.data, parent), dict) and parent in source_map.values:
            break
    else:
        raise FixError("no mapping to insert into")
    rest = edit.path[depth:]
    parent_span = source_map.values[parent]
    node = get_path(document.data, parent)
    first_line = lines[parent_span.line - 1] if parent_span.line <= len(lines) else ""
    flow = json_style or first_line[parent_span.column - 1 : parent_span.column] == "{"
    if flow:  # right after the "{": {key: value, ...}
        opening = _offset(lines, parent_span.line, parent_span.column)
        key = json.dumps(rest[0]) if json_style else str(rest[0])
        entry = f"{key}: {_flow_value(rest[1:], edit.value, json_style)}" + (", " if node else "")
        return text[: opening + 1] + entry + text[opening + 1 :]
    if not node:
        raise FixError("cannot insert into an empty block mapping")
    children = [(*parent, key) for key in node]
    first_key = min((source_map.keys[c] for c in children if c in source_map.keys), key=lambda s: (s.line, s.column))
    # After the last child's value: a block value ends at column 1 of the line that follows it.
    last = max(
        (source_map.values[c] for c in children if c in source_map.values), key=lambda s: (s.end_line, s.end_column)
    )
    insert_after = last.end_line - 1 if last.end_column == 1 else last.end_line
    indent = " " * (first_key.column - 1)
    step = " " * max(2, _indent_step(lines, first_key.line, first_key.column))
    position = sum(len(t) for t in lines[:insert_after])
    block = _block(rest, edit.value, indent, step).replace("\n", newline)
    if position == 0 or text[position - 1] == "\n":
        return text[:position] + block + text[position:]
    # After a last line without a line break: the file keeps ending without one.
    return text[:position] + newline + block.removesuffix(newline) + text[position:]


def _indent_step(lines: list[str], line: int, column: int) -> int:
    """How much the template indents a nested mapping, judged from the line above a key."""
    for previous in range(line - 2, -1, -1):
        stripped = lines[previous].lstrip(" ")
        if stripped.strip() and not stripped.startswith("#"):
            return column - 1 - (len(lines[previous]) - len(stripped))
    return 2


def _block(rest: NodePath, value: Any, indent: str, step: str) -> str:
    if len(rest) == 1:
        return f"{indent}{rest[0]}: {_scalar(value, False)}\n"
    return f"{indent}{rest[0]}:\n" + _block(rest[1:], value, indent + step, step)


def _flow_value(rest: NodePath, value: Any, json_style: bool) -> str:
    if not rest:
        return _scalar(value, json_style)
    key = json.dumps(rest[0]) if json_style else str(rest[0])
    return "{" + f"{key}: {_flow_value(rest[1:], value, json_style)}" + "}"


def apply_fixes(path: Path, text: str, edits: list[Edit]) -> str:
    """The text with every edit made, checked; raises FixError if any cannot be made safely."""
    for edit in edits:
        document = parse_document(path, text.encode())
        if document.data is None:
            raise FixError("the template cannot be read")
        if get_path(document.data, edit.path) == edit.value:
            continue  # already so (two findings, one fix)
        text = _apply_one(text, document, edit)
    _verify(path, text, edits)
    return text


def _verify(path: Path, text: str, edits: list[Edit]) -> None:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    document = parse_document(path, text.encode())
    if document.data is None or any(p.kind == "parse-error" for p in document.problems):
        raise FixError("the edited template would not parse")
    try:
        YAML(typ="rt").load(text)
    except YAMLError as error:
        raise FixError(f"the edited template would not round-trip: {error}") from None
    for edit in edits:
        if get_path(document.data, edit.path) != edit.value:
            raise FixError(f"{'.'.join(map(str, edit.path))} did not take the new value")


def merged_edits(fixes: list[Fix]) -> list[Edit]:
    """One edit per path: two findings wanting a larger number at one place take the larger one."""
    by_path: dict[NodePath, Edit] = {}
    for fix in fixes:
        for edit in fix.edits:
            known = by_path.get(edit.path)
            if known is None or (_is_number(edit.value) and _is_number(known.value) and edit.value > known.value):
                by_path[edit.path] = edit
    return list(by_path.values())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_exactly(path: Path) -> str:
    """A template's text with its line breaks as they are (CRLF stays CRLF)."""
    return path.read_bytes().decode("utf-8")


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step (a temporary file renamed over it), keeping its mode. A symlink
    is followed: its target is what gets fixed, and the link stays a link. A file its owner made
    read-only is refused (OSError), and no temporary file is ever left behind."""
    import os
    import tempfile

    target = path.resolve()
    info = target.stat()
    if not os.access(target, os.W_OK) or not info.st_mode & 0o200:
        raise PermissionError(f"{path} is read-only")
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".samcheck.tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, info.st_mode & 0o7777)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):  # failed (or interrupted) before the rename
            os.unlink(temporary)


def unified_diff(path: Path, before: str, after: str) -> str:
    """A diff ``git apply`` and ``patch -p1`` take: ``a/``/``b/`` headers with the path relative to the
    current folder (as written when it is outside it), and the marker for a last line without a
    line break."""
    import difflib
    import os

    name = path.as_posix() if not path.is_absolute() else Path(os.path.relpath(path)).as_posix()
    if name.startswith("../") or Path(name).is_absolute():
        name = path.as_posix().lstrip("/")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def line_replacement(before: str, after: str) -> LineReplacement:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return LineReplacement(head + 1, len(old) - tail + 1, "".join(new[head : len(new) - tail]))


def with_replacements(results: Sequence[FileResult]) -> list[FileResult]:
    """The results with each fix's line replacement filled in (what SARIF reports as a fix); a fix
    that cannot be made safely, or whose file cannot be read, keeps none."""
    described = []
    for result in results:
        if not any(finding.fix for finding in result.findings):
            described.append(result)
            continue
        try:
            before: str | None = read_exactly(result.path)
        except (OSError, UnicodeDecodeError):
            before = None
        findings = [_described(finding, before) for finding in result.findings]
        described.append(FileResult(result.path, findings, result.lines, result.rules))
    return described


def _described(finding: Finding, before: str | None) -> Finding:
    if finding.fix is None or before is None:
        return finding
    try:
        after = apply_fixes(Path(finding.file), before, list(finding.fix.edits))
    except FixError:
        return finding
    return replace(finding, fix=replace(finding.fix, replacement=line_replacement(before, after)))
