"""What a JSONPath state of a state machine evaluates: paths, intrinsic function calls, and where
they are written.

Step Functions reads a value as a path (``$.order.id``, ``$$.Execution.Id``, ``$`` alone, a
variable ``$total``) in the path fields (``InputPath``, ``ResultPath``, ``ItemsPath``, the
``…Path`` fields, a Choice rule's ``Variable``) and in the keys of a payload template
(``Parameters``, ``ResultSelector``, ``ItemSelector``, ``Assign``, …) whose names end in ``.$``,
where an intrinsic function call (``States.Format('{}', $.id)``) may stand instead. Anything else
in a payload template is passed on as written. ``expressions`` lists the evaluated values,
``literals`` the texts passed on as written; ``path_problem`` and ``call_problems`` say why a value
is not one Step Functions accepts. The function names, their numbers of arguments and the Context
object's fields are data (``schemas/asl-expressions.json``, with their sources).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

from samcheck.analysis.statemachines import State
from samcheck.findings import NodePath

# Fields that hold a path; None: the field also takes null; "reference": a Reference Path (one node:
# no filter, wildcard, slice or list); "call": an intrinsic function call may stand instead.
_PATH_FIELDS: dict[str, frozenset[str]] = {
    "InputPath": frozenset({"null"}),
    "OutputPath": frozenset({"null"}),
    "ResultPath": frozenset({"null", "reference"}),
    "ItemsPath": frozenset({"reference"}),
    "TimeoutSecondsPath": frozenset({"reference"}),
    "HeartbeatSecondsPath": frozenset({"reference"}),
    "SecondsPath": frozenset({"reference"}),
    "TimestampPath": frozenset({"reference"}),
    "MaxConcurrencyPath": frozenset({"reference"}),
    "ToleratedFailurePercentagePath": frozenset({"reference"}),
    "ToleratedFailureCountPath": frozenset({"reference"}),
    "ErrorPath": frozenset({"call"}),
    "CausePath": frozenset({"call"}),
}
# Payload templates of a state, as paths from the state.
_PAYLOADS: tuple[NodePath, ...] = (
    ("Parameters",),
    ("ResultSelector",),
    ("ItemSelector",),
    ("Credentials",),
    ("Assign",),
    ("ItemReader", "Parameters"),
    ("ResultWriter", "Parameters"),
    ("ItemBatcher", "BatchInput"),
)
# Fields that hold the states of a machine of their own (walk_states visits those states).
NESTED_MACHINES = frozenset({"Branches", "ItemProcessor", "Iterator"})
EVALUATED = ".$"
_CALL = re.compile(r"\s*[A-Za-z_][\w.]*\s*\(")
_VARIABLE = re.compile(r"\$[^\W\d]\w*")
_LITERAL_PATH = re.compile(r"\$\$?(\.[^\W\d]|\[)")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


class Expression(NamedTuple):
    """A value Step Functions evaluates: ``field`` is the key it is written under."""

    path: NodePath  # from the definition's root
    field: str
    value: Any
    kinds: frozenset[str]  # of _PATH_FIELDS' markers; a ``.$`` key's value may be a path or a call


def expressions(state: State) -> Iterator[Expression]:
    """The values a JSONPath state evaluates as paths or intrinsic function calls."""
    for field, kinds in _PATH_FIELDS.items():
        if field in state.body:
            yield Expression((*state.path, field), field, state.body[field], kinds)
    catchers = state.body.get("Catch")
    for index, catcher in enumerate(catchers if isinstance(catchers, list) else []):
        if isinstance(catcher, dict) and "ResultPath" in catcher:
            path = (*state.path, "Catch", index, "ResultPath")
            yield Expression(path, "ResultPath", catcher["ResultPath"], _PATH_FIELDS["ResultPath"])
    choices = state.body.get("Choices")
    for index, rule in enumerate(choices if isinstance(choices, list) else []):
        yield from _choice_rule(rule, (*state.path, "Choices", index))
    for path, key, value in _payload_entries(state):
        if key.endswith(EVALUATED):
            yield Expression(path, key, value, frozenset({"call"}))


def literals(state: State) -> Iterator[tuple[NodePath, str, str]]:
    """The texts a JSONPath state's payload templates pass on as written, with their keys."""
    for path, key, value in _payload_entries(state):
        if not key.endswith(EVALUATED) and isinstance(value, str):
            yield path, key, value


def _choice_rule(rule: Any, path: NodePath) -> Iterator[Expression]:
    if not isinstance(rule, dict):
        return
    for key, value in rule.items():
        if key == "Variable" or (key.endswith("Path") and key != "ResultPath"):
            yield Expression((*path, key), key, value, frozenset())
        elif key in ("And", "Or") and isinstance(value, list):
            for index, inner in enumerate(value):
                yield from _choice_rule(inner, (*path, key, index))
        elif key == "Not":
            yield from _choice_rule(value, (*path, key))


def _payload_entries(state: State) -> Iterator[tuple[NodePath, str, Any]]:
    """Every key of every payload template of a state (nested objects and arrays included)."""
    templates = [((*state.path, *steps), _get(state.body, steps)) for steps in _PAYLOADS]
    for handler in ("Catch", "Choices"):
        entries = state.body.get(handler)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and "Assign" in entry:
                templates.append(((*state.path, handler, index, "Assign"), entry["Assign"]))
    for path, template in templates:
        yield from _entries(template, path)


def _entries(node: Any, path: NodePath) -> Iterator[tuple[NodePath, str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield (*path, key), key, value
                if not key.endswith(EVALUATED):
                    yield from _entries(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, (dict, list)):
                yield from _entries(item, (*path, index))


def _get(node: Any, steps: NodePath) -> Any:
    for step in steps:
        node = node.get(step) if isinstance(node, dict) else None
    return node


def looks_like_path(text: str) -> bool:
    """Whether a text reads as a path into the input or Context object; ``$`` alone, a variable
    name (``$LATEST``) or a price (``$.99``) may well be meant as text."""
    return _LITERAL_PATH.match(text) is not None


def looks_like_call(text: str) -> bool:
    return _CALL.match(text) is not None


class _Data(NamedTuple):
    intrinsics: dict[str, tuple[int, int | None]]
    context: dict[str, frozenset[str]]


@cache
def _data() -> _Data:
    from samcheck.datafiles import load_json

    table = load_json("asl-expressions.json")
    return _Data(
        {name: (arity["min"], arity["max"]) for name, arity in table["intrinsics"].items()},
        {node: frozenset(fields) for node, fields in table["context"].items()},
    )


def intrinsic_names() -> list[str]:
    return sorted(_data().intrinsics)


def path_problem(text: str, reference: bool = False) -> str | None:
    """Why ``text`` is not a path Step Functions accepts (None: it is one); ``reference``: it must
    name one node."""
    if not text.startswith("$"):
        return "a path starts with $"
    bare = _unquoted(text)
    if bare is None:
        return "a quoted name in it is not closed"
    for opening, closing in ("[]", "()"):
        depth = 0
        for character in bare:
            depth += (character == opening) - (character == closing)
            if depth < 0:
                return f"it closes a {opening} it did not open"
        if depth:
            return f"a {opening} in it is not closed"
    if bare.endswith("."):
        return "it ends with ."
    if bare.startswith("$$"):
        problem = _context_problem(bare[2:])
        if problem:
            return problem
    elif len(bare) > 1 and bare[1] not in ".[" and not _VARIABLE.match(bare):
        return "after $ comes ., [ or a variable name"
    if reference and (any(operator in bare for operator in "@,:?*") or ".." in bare):
        return "it must name one node (no filter, wildcard, slice, list or ..)"
    return None


def _unquoted(text: str) -> str | None:
    """``text`` with the contents of its quoted names removed; None when a quote is not closed."""
    kept, quote, escaped = [], "", False
    for character in text:
        if quote:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == quote:
                quote = ""
                kept.append(character)
            continue
        if character in "'\"":
            quote = character
        kept.append(character)
    return None if quote else "".join(kept)


def _context_problem(rest: str) -> str | None:
    """Why ``$$`` followed by ``rest`` names no field of the Context object."""
    if not rest or rest.startswith("["):
        return None
    if not rest.startswith("."):
        return "after $$ comes . and a field of the Context object"
    names = re.match(r"\.(\w+)(?:\.(\w+))?", rest)
    if names is None:
        return None
    node, field = names.groups()
    context = _data().context
    if node not in context:
        return f"the Context object has no {node} (it has {', '.join(sorted(context))})"
    if field is not None and field not in context[node]:
        return f"the Context object's {node} has no {field} (it has {', '.join(sorted(context[node]))})"
    return None


class _MalformedError(Exception):
    pass


def call_problems(text: str) -> list[str]:
    """Why ``text`` is not an intrinsic function call Step Functions accepts (empty: it is one)."""
    parser = _CallParser(text)
    try:
        parser.call()
        parser.blanks()
        if parser.at < len(text):
            raise _MalformedError(f"{text[parser.at :]!r} follows the call")
    except _MalformedError as error:
        return [*parser.problems, f"the call does not parse: {error}"]
    return parser.problems


class _CallParser:
    """A recursive reading of ``States.Name(argument, …)``: arguments are quoted texts, numbers,
    true/false/null, paths and calls."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0
        self.problems: list[str] = []

    def blanks(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def call(self) -> None:
        self.blanks()
        name = re.compile(r"[A-Za-z_][\w.]*").match(self.text, self.at)
        if name is None:
            raise _MalformedError(f"a function name was expected at character {self.at + 1}")
        self.at = name.end()
        self.blanks()
        self.expect("(")
        count = 0
        self.blanks()
        if self.peek() == ")":
            self.at += 1
        else:
            while True:
                self.argument()
                count += 1
                self.blanks()
                if self.peek() == ")":
                    self.at += 1
                    break
                if self.peek() != ",":  # between arguments either may come
                    found = repr(self.peek()) if self.peek() else "the end"
                    raise _MalformedError(f"',' or ')' was expected at character {self.at + 1}, not {found}")
                self.at += 1
        self.judge(name.group(), count)

    def judge(self, name: str, count: int) -> None:
        import difflib

        arity = _data().intrinsics.get(name)
        if arity is None:
            close = difflib.get_close_matches(name, intrinsic_names(), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"the functions are {', '.join(intrinsic_names())}"
            self.problems.append(f"{name} is not an intrinsic function; {hint}")
            return
        least, most = arity
        if count < least or (most is not None and count > most):
            wanted = str(least) if least == most else f"{least} or more" if most is None else f"{least} to {most}"
            self.problems.append(f"{name} takes {wanted} argument{'s' * (wanted != '1')}, not {count}")

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def expect(self, character: str) -> None:
        if self.peek() != character:
            found = repr(self.peek()) if self.peek() else "the end"
            raise _MalformedError(f"{character!r} was expected at character {self.at + 1}, not {found}")
        self.at += 1

    def argument(self) -> None:
        self.blanks()
        character = self.peek()
        if character == "'":
            self.quoted()
        elif character == "$":
            self.path()
        elif number := _NUMBER.match(self.text, self.at):
            self.at = number.end()
        elif keyword := re.compile(r"(true|false|null)\b").match(self.text, self.at):
            self.at = keyword.end()
        elif looks_like_call(self.text[self.at :]):
            self.call()
        else:
            found = repr(character) if character else "the end"
            raise _MalformedError(f"an argument was expected at character {self.at + 1}, not {found}")

    def quoted(self) -> None:
        self.at += 1
        while self.at < len(self.text):
            character = self.text[self.at]
            self.at += 2 if character == "\\" else 1
            if character == "'":
                return
        raise _MalformedError("a quoted text is not closed")

    def path(self) -> None:
        start, depth, quote = self.at, 0, ""
        while self.at < len(self.text):
            character = self.text[self.at]
            if quote:
                quote = "" if character == quote else quote
            elif character in "'\"" and depth:
                quote = character
            elif character in "[(":
                depth += 1
            elif character in "])":
                if depth == 0:
                    break
                depth -= 1
            elif character == "," and depth == 0:
                break
            self.at += 1
        path = self.text[start : self.at].strip()
        problem = path_problem(path)
        if problem:
            self.problems.append(f"the argument {path} is not a path: {problem}")
