"""Safe fixes: small edits of a template's text that cannot change what the stack means beyond
the finding they fix.

An edit sets a value at a path of the source document (``("Resources", "Queue", "Properties",
"VisibilityTimeout")``). It is applied to the text at the exact position the source map records:
the value is replaced, or a ``key: value`` line is inserted at the indentation of its siblings
(a flow mapping gets ``, key: value``; JSON gets ``"key": value,``). Nothing else in the file is
touched, so comments, key order, quoting, indentation and flow style of every other line stay
byte-identical. The result is read back (on libyaml's event stream); an edit whose result does not
parse or does not hold the new value is refused, and the file is left as it was. ``--fix`` then
lints each candidate in full and keeps only fixes that bring no new error (``fixpoint``).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from samcheck.cfn.document import Document, get_path, parse_document
from samcheck.cfn.references import intrinsic_name
from samcheck.findings import Edit, Fix, NodePath


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


class Change(NamedTuple):
    """Text ``new`` in place of ``text[start:end]`` (an insertion when start == end)."""

    start: int
    end: int
    new: str


class Lines:
    """A text's lines (as the parser counts them) with the offset each starts at, made once per text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.starts = [0, *accumulate(len(line) for line in self.lines)]
        self.newline = "\r\n" if "\r\n" in text else "\n"  # inserted lines end like the file's own

    def offset(self, line: int, column: int) -> int:
        return self.starts[min(line, len(self.lines) + 1) - 1] + column - 1

    def line_at(self, offset: int) -> int:
        """The 1-based line an offset falls on."""
        return max(1, bisect_right(self.starts, offset))


def plan(text: str, lines: Lines, document: Document, edit: Edit) -> Change:
    """The change of the text that makes ``edit``, planned on one reading of it."""
    json_style = document.path.suffix.lower() == ".json" or text.lstrip().startswith("{")  # also *.template
    source_map = document.source_map
    value_span = source_map.values.get(edit.path)
    if value_span is not None:  # replace an existing scalar
        current = get_path(document.data, edit.path)
        if isinstance(current, (dict, list)):
            raise FixError(f"{'.'.join(map(str, edit.path))} is not a plain value")
        start = lines.offset(value_span.line, value_span.column)
        end = lines.offset(value_span.end_line, value_span.end_column)
        quote = text[start] if text[start : start + 1] in ("'", '"') else ""
        return Change(start, end, _scalar(edit.value, json_style, quote))
    # insert: find the deepest existing mapping on the way
    for depth in range(len(edit.path) - 1, -1, -1):
        parent = edit.path[:depth]
        if isinstance(get_path(document.data, parent), dict) and parent in source_map.values:
            break
    else:
        raise FixError("no mapping to insert into")
    node = get_path(document.data, parent)
    function = intrinsic_name(node)
    if function is not None:  # a key beside Fn::If would be a broken function, not a set value
        raise FixError(f"{'.'.join(map(str, parent))} is {function}, not a mapping of its own keys")
    rest = edit.path[depth:]
    parent_span = source_map.values[parent]
    first_line = lines.lines[parent_span.line - 1] if parent_span.line <= len(lines.lines) else ""
    flow = json_style or first_line[parent_span.column - 1 : parent_span.column] == "{"
    if flow:  # right after the "{": {key: value, ...}
        opening = lines.offset(parent_span.line, parent_span.column)
        key = json.dumps(rest[0]) if json_style else str(rest[0])
        entry = f"{key}: {_flow_value(rest[1:], edit.value, json_style)}" + (", " if node else "")
        return Change(opening + 1, opening + 1, entry)
    if not node:
        raise FixError("cannot insert into an empty block mapping")
    children = [(*parent, key) for key in node]
    keys = [source_map.keys[c] for c in children if c in source_map.keys]
    values = [source_map.values[c] for c in children if c in source_map.values]
    if not keys or not values:  # made by a tag (!Condition): no written key to line up with
        raise FixError(f"{'.'.join(map(str, parent))} has no keys written in the text")
    first_key = min(keys, key=lambda s: (s.line, s.column))
    # After the last child's value: a block value ends at column 1 of the line that follows it.
    last = max(values, key=lambda s: (s.end_line, s.end_column))
    insert_after = last.end_line - 1 if last.end_column == 1 else last.end_line
    indent = " " * (first_key.column - 1)
    step = " " * max(2, _indent_step(lines.lines, first_key.line, first_key.column))
    position = lines.starts[min(insert_after, len(lines.lines))]
    block = _block(rest, edit.value, indent, step).replace("\n", lines.newline)
    if position == 0 or text[position - 1] == "\n":
        return Change(position, position, block)
    # After a last line without a line break: the file keeps ending without one.
    return Change(position, position, lines.newline + block.removesuffix(lines.newline))


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


def apply_fixes(path: Path, text: str, edits: list[Edit], document: Document | None = None) -> str:
    """The text with every edit made, checked; raises FixError if any cannot be made safely.
    ``document`` is the text already read, if it is at hand.

    Each pass reads the text once and makes every edit whose change touches no other's; edits
    that touch (two insertions at one place) wait for the next pass, which reads the result."""
    pending = edits
    while pending:
        document = document or parse_document(path, text.encode())
        if document.data is None:
            raise FixError("the template cannot be read")
        text, pending = _apply_pass(text, document, pending)
        document = None
    _verify(path, text, edits)
    return text


def _apply_pass(text: str, document: Document, edits: list[Edit]) -> tuple[str, list[Edit]]:
    lines = Lines(text)
    planned = sorted(
        (
            (plan(text, lines, document, edit), index, edit)
            for index, edit in enumerate(edits)
            if needed(document, edit)
        ),
        key=lambda item: (item[0].start, item[0].end, item[1]),
    )
    made: list[Change] = []
    later: list[Edit] = []
    for change, _, edit in planned:
        if made and change.start <= made[-1].end:
            later.append(edit)
        else:
            made.append(change)
    return changed(text, made), later


def needed(document: Document, edit: Edit) -> bool:
    return bool(get_path(document.data, edit.path) != edit.value)  # else already so (two findings, one fix)


def changed(text: str, changes: list[Change]) -> str:
    """The text with changes made (sorted, none touching another)."""
    pieces, done = [], 0
    for change in changes:
        pieces += [text[done : change.start], change.new]
        done = change.end
    return "".join([*pieces, text[done:]])


def _verify(path: Path, text: str, edits: list[Edit]) -> None:
    """The edited text still parses, and each edited path holds the text of its new value: read on
    libyaml's event stream (no tree is built, so it costs a fraction of a full read and nesting is
    never a recursion limit). ``--fix`` reads each candidate in full afterwards (fixpoint)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    wanted = {edit.path: edit.value for edit in edits}
    seen: dict[NodePath, str] = {}
    try:
        for node_path, scalar in _scalars(YAML(typ="safe").parse(text)):
            if node_path in wanted:
                seen[node_path] = scalar
    except YAMLError as error:
        raise FixError(f"the edited template would not parse: {error}") from None
    for edit_path, value in wanted.items():
        if seen.get(edit_path) != _written(value):
            raise FixError(f"{'.'.join(map(str, edit_path))} did not take the new value")


def _written(value: Any) -> str:
    """How a value reads as a YAML scalar's text."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _scalars(events: Iterator[Any]) -> Iterator[tuple[NodePath, str]]:
    """(path, text) of every scalar in the first document, from parser events. A mapping's keys
    are the path steps (tagged nodes keep their place: an edit never sits under one)."""
    stack: list[list[Any]] = []  # per open collection: [is_mapping, next step, expecting a key]
    path: list[Any] = []

    def value_position() -> None:
        # A node in value position consumes the step the frame prepared.
        if stack:
            frame = stack[-1]
            if frame[0]:
                frame[2] = True
            else:
                frame[1] += 1

    for event in events:
        kind = type(event).__name__
        if kind == "ScalarEvent":
            frame = stack[-1] if stack else None
            if frame is not None and frame[0] and frame[2]:  # a key
                frame[1], frame[2] = event.value, False
                continue
            step = [] if frame is None else [frame[1]]
            yield tuple(path + step), event.value
            value_position()
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            frame = stack[-1] if stack else None
            if frame is not None:
                path.append(frame[1])
            stack.append([kind == "MappingStartEvent", 0 if kind == "SequenceStartEvent" else None, True])
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            stack.pop()
            if stack:
                path.pop()
                value_position()
        elif kind == "AliasEvent":
            value_position()
        elif kind == "DocumentEndEvent":
            return


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
