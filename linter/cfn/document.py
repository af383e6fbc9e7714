"""Load a YAML or JSON template into plain data plus a source map.

The translator and the rules want plain ``dict``/``list``/scalars, so positions are kept
apart in a :class:`SourceMap`. CloudFormation short-form tags become their long form
(``!Ref X`` → ``{"Ref": "X"}``, ``!GetAtt A.B`` → ``{"Fn::GetAtt": ["A", "B"]}``).
Nothing is constructed from tags but those, so no arbitrary objects can appear; a tag CloudFormation
does not know (a pre-processor's) is read the same way and stands for an unknown value
(``preprocessor_tag``). A file a text renderer turns into a template (``{{ cookiecutter.x }}``,
``{% if %}``) is not read at all (``samcheck.cfn.renderer``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from samcheck.cfn.local import NotRegularFileError, OutsideProjectError, read_named, read_regular
from samcheck.cfn.renderer import Placeholder, placeholder, unquoted_value
from samcheck.cfn.source_map import SourceMap
from samcheck.findings import NodePath, Span

# A template's nodes, aliases expanded: a 1 MB template (CloudFormation's limit) has about 200,000.
# Past this the file is refused as a parse error before anything is built.
MAX_NODES = 1_000_000
# Aliases let a few bytes stand for a big tree ("billion laughs"); they may add this many nodes, what a
# 500 KB template holds (a template that reuses a 100-node block a thousand times stays far below).
MAX_ALIAS_NODES = 100_000
# Each node's position is kept under its path from the root, so reading costs the nodes' depths added
# up, not their number: 800 KB of lists nested 990 deep are 400,000 nodes 500 deep on average, 200
# million steps and 2 GB. Templates have half a step per byte at most (500,000 for 1 MB).
MAX_PATH_STEPS = 10_000_000
# CloudFormation takes at most a 1 MB template body; a file ten times that is refused once that much
# is read, which bounds parse time and memory for hostile input.
MAX_FILE_BYTES = 10 * 1024 * 1024
# Deeper collections than any template has; far deeper ones crash the C composer (a segfault at
# ~27,000 levels) or exhaust recursion later. The event stream is measured before composing, and
# the tree once aliases are expanded.
MAX_DEPTH = 1000
RECURSION_LIMIT = 20 * MAX_DEPTH  # enough Python frames for every stage to walk MAX_DEPTH levels

_SHORT_FORMS = {"Ref": "Ref", "Condition": "Condition"}
# The short forms CloudFormation knows, the Rules section's own functions included (its documentation
# writes them as tags: !EachMemberIn, !ValueOfAll…); any other tag is for a pre-processor (Rain's
# !Rain::Module…).
_CLOUDFORMATION_TAGS = frozenset(
    {
        "Ref", "Condition", "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select",
        "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString",
        "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll",
    }
)  # fmt: skip
_YAML_TAG = "tag:yaml.org,2002:"
# Top-level sections a pre-processor reads and removes: Rain's holds constants (``Rain: Constants:``).
_PREPROCESSOR_SECTIONS = ("Rain",)
_LANGUAGE_EXTENSIONS_LOOP = "Fn::ForEach::"  # a key CloudFormation's own LanguageExtensions transform reads
# Sections whose keys are logical IDs (names other parts of the template refer to).
LOGICAL_ID_SECTIONS = ("Resources", "Parameters", "Outputs", "Conditions", "Mappings")


class LoadProblem(NamedTuple):
    """Something wrong with the file itself, turned into a finding by an SC000x rule."""

    # "parse-error" | "duplicate-key" | "unknown-tag" | "non-string-key" | "outside-project" | "renderer-input"
    kind: str
    message: str
    span: Span
    related: tuple[tuple[str, Span], ...] = ()
    path: NodePath = ()  # where in the document, when known


@dataclass
class Document:
    path: Path
    text: str
    data: dict[str, Any] | None  # None when the file could not be read as a template
    source_map: SourceMap
    problems: list[LoadProblem] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def preprocessor_tags(self) -> list[LoadProblem]:
        """Tags CloudFormation does not know: the file is the input of a pre-processor (Rain…),
        whose output, not this file, is what gets deployed."""
        return [problem for problem in self.problems if problem.kind == "unknown-tag"]

    @property
    def preprocessor_sections(self) -> list[str]:
        """Top-level sections of a pre-processor (Rain's constants), which its output no longer has."""
        return [name for name in _PREPROCESSOR_SECTIONS if isinstance(self.data, dict) and name in self.data]


def preprocessor_tag(node: Any) -> str | None:
    """The tag (``!Rain::S3``) when ``node`` is what a tag CloudFormation does not know was read as:
    its value is whatever the pre-processor writes there, so it is unknown here, and its argument is
    the pre-processor's input, never a value of the template."""
    if not (isinstance(node, dict) and len(node) == 1):
        return None
    key = next(iter(node))
    if not isinstance(key, str) or not key.startswith("Fn::") or key.startswith(_LANGUAGE_EXTENSIONS_LOOP):
        return None
    function = key.removeprefix("Fn::")
    return None if function in _CLOUDFORMATION_TAGS else f"!{function}"


def get_path(data: Any, path: NodePath) -> Any:
    """The node at ``path``, or None when any step is missing."""
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and -len(data) <= step < len(data):
            data = data[step]
        else:
            return None
    return data


class _RefusedError(Exception):
    """The text is past one of the bounds, or an alias contains itself: why, and where."""

    def __init__(self, message: str, span: Span) -> None:
        super().__init__(message)
        self.span = span


_TOO_DEEP = f"collections nest more than {MAX_DEPTH:,} levels deep, far beyond any template"
_TOO_MANY_STEPS = (
    f"nodes nest deep so often that their depths add up to more than {MAX_PATH_STEPS:,}, far beyond any template"
)


def _check_aliases(root: Any) -> None:
    """Raise _RefusedError for a tree that, once its aliases are expanded, nests deeper than
    MAX_DEPTH, has more than MAX_NODES nodes or more than MAX_ALIAS_NODES of them through aliases,
    or holds a node that contains itself; without expanding anything.

    Sizes and heights are memoised per node object, so a shared (aliased) node is measured in one
    step however often it is used; each reuse adds its size to the nodes aliases add.
    """
    measured: dict[int, tuple[int, int]] = {}  # per node: its expanded size and collection height
    in_progress: set[int] = set()
    added = 0

    def measure(node: Any, level: int) -> tuple[int, int]:
        """``level``: how many collections hold the node."""
        nonlocal added
        key = id(node)
        if key in measured:
            size, height = measured[key]
            added += size
            if level + height > MAX_DEPTH:
                raise _RefusedError(f"{_TOO_DEEP}, through the aliases of this node", _start(node))
            if added > MAX_ALIAS_NODES:
                message = f"aliases add more than {MAX_ALIAS_NODES:,} nodes to the template, through this node"
                raise _RefusedError(f"{message} (a YAML alias bomb?)", _start(node))
            return size, height
        if key in in_progress:
            raise _RefusedError("an alias refers to a node that contains it", _start(node))
        if node.id == "scalar":
            measured[key] = (1, 0)
            return 1, 0
        if level >= MAX_DEPTH:
            raise _RefusedError(_TOO_DEEP, _start(node))
        in_progress.add(key)
        children = [child for pair in node.value for child in pair] if node.id == "mapping" else node.value
        size, height = 1, 0
        for child in children:
            child_size, child_height = measure(child, level + 1)
            size, height = size + child_size, max(height, child_height)
        in_progress.discard(key)
        measured[key] = (size, height + 1)
        if size > MAX_NODES:
            raise _RefusedError(f"template expands to more than {MAX_NODES:,} nodes (a YAML alias bomb?)", _start(node))
        return measured[key]

    measure(root, 0)


class _Builder:
    """Turns a ruamel node tree into plain data, recording spans and duplicate keys."""

    def __init__(self) -> None:
        self.source_map = SourceMap()
        self.problems: list[LoadProblem] = []
        self.steps = 0  # the lengths of the paths positions are kept under, added up
        self.collection_keys: list[int] = []  # the lines of keys that are mappings or lists ({{ var }})

    def _count(self, node: Any, path: NodePath) -> None:
        self.steps += len(path)
        if self.steps > MAX_PATH_STEPS:
            raise _RefusedError(_TOO_MANY_STEPS, _start(node))

    def build(self, node: Any, path: NodePath) -> Any:
        self._count(node, path)
        self.source_map.values[path] = _span(node)
        tag: str = node.tag or ""  # computed by ruamel on each access: read once per node
        if tag.startswith("!"):
            return self._short_form(tag[1:], node, path)
        return self._plain(node, tag, path)

    def _plain(self, node: Any, tag: str, path: NodePath) -> Any:
        if node.id == "mapping":
            return self._mapping(node, path)
        if node.id == "sequence":
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return _scalar(node, tag)

    def _mapping(self, node: Any, path: NodePath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _key(key_node)
            if key_node.id != "scalar":
                self.collection_keys.append(key_node.start_mark.line + 1)
            child = (*path, key)
            if key in result:
                first = self.source_map.keys[child]
                self.problems.append(
                    LoadProblem(
                        "duplicate-key",
                        f"duplicate key '{key}': this later value replaces the one on line {first.line}",
                        _span(key_node),
                        (("first defined here", first),),
                        child,
                    )
                )
            self._count(key_node, child)
            self.source_map.keys[child] = _span(key_node)
            if len(child) == 2 and child[0] in LOGICAL_ID_SECTIONS and _is_typed_scalar(key_node):
                self.problems.append(LoadProblem("non-string-key", key, _span(key_node), (), child))
            result[key] = self.build(value_node, child)
        return result

    def _short_form(self, function: str, node: Any, path: NodePath) -> dict[str, Any]:
        if function not in _CLOUDFORMATION_TAGS:
            self.problems.append(LoadProblem("unknown-tag", f"!{function}", _span(node), (), path))
        name = _SHORT_FORMS.get(function, f"Fn::{function}")
        inner: NodePath = (*path, name)
        value = self._plain(node, "", inner)
        # The long form's inner value starts where the tagged node does.
        self.source_map.values[inner] = _span(node)
        if function == "GetAtt" and isinstance(value, str):
            resource, _, attribute = value.partition(".")
            value = [resource, attribute]
        return {name: value}


def _is_typed_scalar(node: Any) -> bool:
    """A plain scalar YAML reads as a number, boolean or null (``0:``, ``yes:``), not as text."""
    tag: str = node.tag or ""
    return node.id == "scalar" and not node.style and tag[len(_YAML_TAG) :] in ("int", "float", "bool", "null")


def _span(node: Any) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _start(node: Any) -> Span:
    """Where a node or event starts: a bound is passed there (its span may be the whole file)."""
    return Span.point(node.start_mark.line + 1, node.start_mark.column + 1)


def _key(node: Any) -> str:
    if node.id != "scalar":
        # CloudFormation keys are strings; a complex key is kept readable, not constructed.
        return f"<{node.id} key at line {node.start_mark.line + 1}>"
    return str(node.value)


def _scalar(node: Any, tag: str) -> Any:
    text: str = node.value
    if not tag.startswith(_YAML_TAG) or node.style:  # quoted or explicit string
        return text
    kind = tag[len(_YAML_TAG) :]
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        return _int(text)
    if kind == "float":
        return _float(text)
    # timestamps and everything else stay text: CloudFormation reads "2010-09-09" as a string
    return text


def _int(text: str) -> int | str:
    """The integer, or the text when it is none: also when no float can hold it (a 5,000-digit hex
    number), which no setting is and which rules could neither compare as a float nor print
    (Python prints no integer of more than 4,300 digits, and reads no such decimal one)."""
    cleaned = text.replace("_", "")
    base = {"0x": 16, "0o": 8}.get(cleaned.lower().lstrip("+-")[:2], 10)
    try:
        number = int(cleaned, base)
        float(number)
    except (ValueError, OverflowError):
        return text
    return number


def _float(text: str) -> float | str:
    lowered = text.lower()
    if lowered in (".inf", "+.inf"):
        return math.inf
    if lowered == "-.inf":
        return -math.inf
    if lowered == ".nan":
        return math.nan
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return text


def _parse_error(path: Path, text: str, message: str, span: Span) -> Document:
    return Document(path, text, None, SourceMap(), [LoadProblem("parse-error", message, span)])


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8")


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-32 or UTF-16 when ``raw`` opens with that encoding's byte-order mark (as Windows editors
    save "Unicode"); UTF-32's little-endian mark opens with UTF-16's, so it is asked first."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    return None


def read_source(path: Path) -> bytes | Document:
    """The bytes of a file a template names (inside its project: the caller checked), or a document
    holding the reason it cannot be read."""
    return _read(path, read_regular)


def read_template(path: Path) -> bytes | Document:
    """The bytes of a template named to be linted, as ``read_source`` reads them, unless a link leads
    it outside its project: then it is not opened, and SC0016 says so."""
    return _read(path, read_named)


def _read(path: Path, reader: Callable[[Path, int], bytes]) -> bytes | Document:
    try:
        raw = reader(path, MAX_FILE_BYTES + 1)
    except OutsideProjectError as error:
        return Document(path, "", None, SourceMap(), [LoadProblem("outside-project", str(error), Span.point())])
    except NotRegularFileError:  # a pipe would block the read forever, a device never end it
        return _parse_error(path, "", "not a regular file, so not a template", Span.point())
    except OSError as error:
        return _parse_error(path, "", f"cannot read file: {error.strerror or error}", Span.point())
    except ValueError:  # a name no file can have (a NUL, a lone surrogate), as a template may write
        return _parse_error(path, "", "cannot read file: no file has such a name", Span.point())
    return _too_large(path) if len(raw) > MAX_FILE_BYTES else raw


def load_document(path: Path) -> Document:
    """Read and parse a file a template names (inside its project). Never raises for bad content:
    problems are recorded."""
    raw = read_source(path)
    return raw if isinstance(raw, Document) else parse_document(path, raw)


def load_template(path: Path) -> Document:
    """Read and parse a template named to be linted, as ``read_template`` reads it."""
    raw = read_template(path)
    return raw if isinstance(raw, Document) else parse_document(path, raw)


def _too_large(path: Path) -> Document:
    message = f"file is larger than {MAX_FILE_BYTES:,} bytes, far beyond a deployable template (1 MB)"
    return _parse_error(path, "", message, Span.point())


def parse_document(path: Path, raw: bytes) -> Document:
    """Parse a template's bytes, whatever gave them (a file, standard input, an editor's buffer, a
    fix's candidate): each has the file's bounds. Never raises for bad content."""
    if len(raw) > MAX_FILE_BYTES:
        return _too_large(path)
    encoding = _wide_encoding(raw)
    if encoding:  # before the NUL bytes: every other byte of an English UTF-16 text is one
        message = f"the file is {encoding} (byte-order mark); a template must be UTF-8 - save it as UTF-8"
        return _parse_error(path, "", message, Span.point())
    if b"\x00" in raw:
        return _parse_error(path, "", "file is binary (contains NUL bytes), not a template", Span.point())
    try:
        text = _decode(raw)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return _parse_error(path, "", f"file is not valid UTF-8 (byte {error.start})", Span.point(line))
    return _parse_text(path, text)


def _check_events(text: str) -> None:
    """Raise _RefusedError for a text past MAX_DEPTH, MAX_NODES or MAX_PATH_STEPS as written (keys
    are nodes too), measured on libyaml's event stream, which keeps its own stack, unlike the
    composer, and builds no node (composing 10 MB of ``[a,a,…`` took 100 s and 1.8 GB).

    Most texts pass neither of the first two and are not parsed twice (the builder counts their
    steps): a node takes a character at least; a block collection nested in another starts at least
    one column further right every two levels (a sequence may sit at its key's column), so block
    nesting is bounded by twice the longest line, and each flow collection needs its own bracket."""
    longest_line = max(map(len, text.splitlines()), default=0)
    if len(text) < MAX_NODES and 2 * (longest_line + 1) + text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    depth = nodes = steps = 0  # steps: each node's depth (the collections that hold it), added up
    try:
        for event in YAML(typ="safe").parse(text):
            name = type(event).__name__
            if name in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
                continue
            if name not in ("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent"):
                continue
            nodes, steps = nodes + 1, steps + depth
            if name in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
            if depth > MAX_DEPTH:
                raise _RefusedError(_TOO_DEEP, _start(event))
            if nodes > MAX_NODES:
                message = f"template has more than {MAX_NODES:,} nodes, far beyond any template (1 MB holds 200,000)"
                raise _RefusedError(message, _start(event))
            if steps > MAX_PATH_STEPS:
                raise _RefusedError(_TOO_MANY_STEPS, _start(event))
    except YAMLError:
        return  # a syntax error: the composer reports it where it is


def _compose(text: str) -> Any:
    """The node tree, from the C parser when it can read the text.

    libyaml follows YAML 1.1 in places where the pure parser (YAML 1.2, like CloudFormation)
    is more lenient, e.g. ``{Name: AWS::Include}``; a text it rejects is read again by the
    pure parser, whose error is the one reported.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="safe")
    yaml.Resolver = _c_parser_resolver()
    try:
        return yaml.compose(text)
    except YAMLError:
        return YAML(typ="safe", pure=True).compose(text)


@cache
def _c_parser_resolver() -> type:
    """ruamel's resolver, choosing the implicit tags of a YAML version once per document: it does at
    every scalar, asking for the version through two AttributeErrors on the C parser (a third of
    composing). On the C parser the version never changes (ruamel reads no ``%YAML`` there: always
    1.2); the pure parser's scanner asks for it while scanning, so it keeps ruamel's own."""
    from ruamel.yaml.resolver import VersionedResolver

    class OnceVersionedResolver(VersionedResolver):
        @property
        def versioned_resolver(self) -> Any:
            if "_samcheck_resolvers" not in self.__dict__:
                self._samcheck_resolvers = super().versioned_resolver
            return self._samcheck_resolvers

    return OnceVersionedResolver


def _renderer_input(path: Path, text: str, sign: Placeholder) -> Document:
    """A file a renderer turns into a template: not read as one (SC0010 says so)."""
    span = Span(sign.line, sign.column, sign.line, sign.column + len(sign.text))
    problem = LoadProblem("renderer-input", f"'{sign.text}' is {sign.renderer} syntax", span)
    return Document(path, text, None, SourceMap(), [problem])


def _parse_text(path: Path, text: str) -> Document:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    sign = placeholder(text)
    if sign is not None:
        return _renderer_input(path, text, sign)
    builder = _Builder()
    try:
        _check_events(text)
        root = _compose(text)
        if root is not None and "&" in text:  # an anchor: aliases may make the tree another than written
            _check_aliases(root)
        data = builder.build(root, ()) if root is not None else None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        span = Span.point(mark.line + 1, mark.column + 1) if mark else Span.point()
        problem = " ".join(part for part in (error.context, error.problem) if part)
        # A {{ var }} value stops the reader on its line or the next.
        sign = unquoted_value(text, (span.line - 1, span.line))
        if sign is not None:
            return _renderer_input(path, text, sign)
        return _parse_error(path, text, f"syntax error: {problem or error}", span)
    except YAMLError as error:
        return _parse_error(path, text, f"syntax error: {error}", Span.point())
    except _RefusedError as refused:
        return _parse_error(path, text, str(refused), refused.span)
    except RecursionError:
        return _parse_error(path, text, "template nests too deeply to be read", Span.point())
    sign = unquoted_value(text, builder.collection_keys)  # YAML reads a {{ var }} value as a mapping key
    if sign is not None:
        return _renderer_input(path, text, sign)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        message = f"top level of a template must be a mapping, but the file is {kind}"
        return _parse_error(path, text, message, Span.point())
    return Document(path, text, data, builder.source_map, builder.problems)
