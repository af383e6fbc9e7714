"""Documents a template writes as JSON text: whether they parse, and why not.

CloudFormation hands some properties to a service as text that must be JSON: a state machine's
``DefinitionString``, a policy document given as a string, an ``EventPattern``, a ``FilterPolicy``,
a Lambda filter's ``Pattern``. ``parse_json`` is the one parser of such text (the state machine
readers use it too); ``json_texts`` finds the texts of the other properties, once per way the
template may be deployed. A local file a SAM API names as its ``DefinitionUri`` is read as YAML
(and JSON), like a state machine's (``analysis.statemachines``): ``unparsed_file`` says why one
does not parse.

A ``${}`` left in the text (a value known only at deploy time) stands for any value: inside a
JSON string it is text, outside one a number-like token. The text is judged with those tokens in;
an error at or after a token outside quotes may be the token's doing (``{${Members}}``), so it is
not known, never reported, unless the token names a parameter of type Number: a number it is.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.cfn.document import Document, load_document
from samcheck.cfn.references import intrinsic_name, sub_variables
from samcheck.cfn.resolver import ALWAYS, When, merge
from samcheck.findings import NodePath
from samcheck.model.template import Location, Resource, Template

# Properties whose text CloudFormation passes on as JSON, wherever a resource has them.
_JSON_PROPERTIES: tuple[NodePath, ...] = (
    ("PolicyDocument",),
    ("AssumeRolePolicyDocument",),
    ("EventPattern",),
    ("FilterPolicy",),
)
_LISTED_JSON_PROPERTIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("Policies",), "PolicyDocument"),
    (("FilterCriteria", "Filters"), "Pattern"),
)
# JSON's own punctuation and blanks: text from a parse error up to one of these is a token of its own.
_TOKEN_ENDS = frozenset(',:{}[]" \t\r\n')


class Parsed(NamedTuple):
    value: Any


class Unparsed(NamedTuple):
    """Text that does not parse: the parser's reason, at a line and column of the text (from 1)."""

    reason: str
    line: int
    column: int
    hint: str = ""  # what the mistake likely is, for messages

    def __str__(self) -> str:
        return f"{self.reason} at line {self.line} column {self.column}{self.hint}"


def parse_json(text: str, numbers: Collection[str] = ()) -> Parsed | Unparsed | None:
    """The JSON value of ``text``, why it does not parse, or None when that is not known because of
    a ``${}`` left in it (``numbers``: names whose value is a number). Control characters in strings
    are let through, as lenient services do."""
    try:
        return Parsed(json.loads(text, strict=False))
    except json.JSONDecodeError as error:
        failure = error
    except (ValueError, RecursionError):  # nested past Python's stack: whether it parses is not known
        return None
    neutral = _neutral(text, numbers)
    if neutral is None:
        return None
    tokens, first_outside = neutral
    if "${" in text:
        try:
            json.loads(tokens, strict=False)
            return None  # it parses with any value in place: whether the real values do is not known
        except json.JSONDecodeError as error:
            failure = error
        except (ValueError, RecursionError):
            return None
    if first_outside is not None and not _TOKEN_ENDS & set(tokens[failure.pos : first_outside]):
        return None
    return Unparsed(failure.msg, failure.lineno, failure.colno, _hint(failure))


def parsed_text(template: Template, text: str, numbers: Collection[str] = ()) -> Parsed | Unparsed | None:
    """``parse_json`` of a text the template writes, once per template for all its readers (SC0017,
    the event pattern and policy readers); the value is shared: read it, never change it."""
    return _parsed_text(template, text, frozenset(numbers))  # one memo key however ``numbers`` is given


@per_template
def _parsed_text(template: Template, text: str, numbers: frozenset[str]) -> Parsed | Unparsed | None:
    return parse_json(text, numbers)


def _neutral(text: str, numbers: Collection[str]) -> tuple[str, int | None] | None:
    """``text`` with each ``${}`` replaced by a token of its length (text inside a JSON string, a
    number outside one) and where the first outside one starts; None when a ``${}`` spans quotes."""
    if "${" not in text:
        return text, None
    variables = {variable.start: variable for variable in sub_variables(text)}
    parts: list[str] = []
    first_outside = None
    in_string = escaped = False
    index = 0
    while index < len(text):
        character = text[index]
        variable = variables.get(index)
        if variable is not None and not escaped:
            end = variable.end
            if '"' in text[index:end] or "\\" in text[index:end]:
                return None
            if not in_string and first_outside is None and variable.name not in numbers:
                first_outside = index
            parts.append("_" * (end - index) if in_string else "0".ljust(end - index))
            index = end
            continue
        if escaped:
            escaped = False
        elif in_string and character == "\\":
            escaped = True
        elif character == '"':
            in_string = not in_string
        parts.append(character)
        index += 1
    return "".join(parts), first_outside


def _hint(error: json.JSONDecodeError) -> str:
    """ " (trailing comma?)" when a comma closes a list or object."""
    trailing = error.doc[: error.pos].rstrip().endswith(",") and error.doc[error.pos : error.pos + 1] in ("}", "]")
    return " (trailing comma?)" if trailing else ""


class JsonText(NamedTuple):
    """A property's JSON text in one way the template may be deployed (``when``), and how it parses."""

    resource: Resource
    path: NodePath  # of the property, in the resource as the template expands it
    outcome: Parsed | Unparsed | None
    when: When


@per_template
def json_texts(template: Template) -> list[JsonText]:
    """The JSON texts of every resource's policy documents, event patterns and filters."""
    found = []
    for resource in template.resources.values():
        for path, node, written_when in _json_properties(template, resource):
            for variant, variant_when in template.resolver.variants(node):
                when = merge(written_when, variant_when)
                text, numbers = _text(template, template.resolver.settle(variant))
                if when is not None and text is not None and text.strip():  # blank: taken for none, by some
                    found.append(JsonText(resource, path, parsed_text(template, text, numbers), when))
    return found


def _json_properties(template: Template, resource: Resource) -> Iterator[tuple[NodePath, Any, When]]:
    """Each JSON property as written, once per ``Fn::If`` branch that may be deployed."""
    for path in _JSON_PROPERTIES:
        branches = template.branches(resource, path)
        yield from ((path, node, when) for node, when in zip(branches.nodes, branches.whens, strict=True))
    for holder, key in _LISTED_JSON_PROPERTIES:
        branches = template.branches(resource, holder)
        for items, when in zip(branches.nodes, branches.whens, strict=True):
            for index, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict) and key in item:
                    yield (*holder, index, key), item[key], when


def _text(template: Template, node: Any) -> tuple[str | None, frozenset[str]]:
    """The JSON text a settled value writes: a text, or the text of an ``Fn::Sub`` (its ``${}``
    any value), with the names in it that are numbers; None for a mapping or what only the
    deployment knows."""
    if isinstance(node, str):
        return node, frozenset()
    if intrinsic_name(node) == "Fn::Sub":
        argument = node["Fn::Sub"]
        text, variables = argument if isinstance(argument, list) and len(argument) == 2 else (argument, {})
        named = variables.keys() if isinstance(variables, dict) else set()
        return (text if isinstance(text, str) else None), number_parameters(template) - named
    return None, frozenset()


def number_parameters(template: Template) -> frozenset[str]:
    """The template's parameters of type Number: whatever value one is given, ``${}`` writes a number."""
    parameters = template.source.get("Parameters")
    return frozenset(
        name
        for name, parameter in (parameters.items() if isinstance(parameters, dict) else ())
        if isinstance(parameter, dict) and parameter.get("Type") == "Number"
    )


class UnparsedDocument(NamedTuple):
    """A definition (text, or a local file) that does not parse, in the deployments ``when`` names."""

    resource: str  # logical ID, as written
    property: str  # DefinitionString, DefinitionUri
    location: Location  # where the user edits it: the property, or the line of the error in a block
    problem: Unparsed
    service: str  # the service that reads it: Step Functions, API Gateway
    when: When = ALWAYS
    file: str | None = None  # the local file, for DefinitionUri


def unparsed_file(
    template: Template, resource: str, property: str, document: Document, service: str, at: NodePath = ()
) -> UnparsedDocument | None:
    """A local file's syntax error, unless a ``${}`` left in it comes first: a value known only at
    deploy time may be what the parser stumbled on (``"Seconds": ${Wait}`` is no YAML until
    substituted). Not for an unreadable, binary or huge file: other rules say so, or it is no text."""
    syntax = [problem for problem in document.problems if problem.message.startswith("syntax error")]
    if not syntax:
        return None
    span = syntax[0].span
    left = sub_variables(document.text)
    if left and document.text.count("\n", 0, left[0].start) + 1 <= span.line:
        return None
    at = at or ("Resources", resource, "Properties", property)  # where the file is named
    location = Location(template.document.source_map.nearest(at)[1], at)
    problem = Unparsed(syntax[0].message.removeprefix("syntax error: "), span.line, span.column)
    return UnparsedDocument(resource, property, location, problem, service, file=str(document.path))


# SAM APIs whose DefinitionUri is a local OpenAPI file, which API Gateway reads as YAML or JSON.
_API_TYPES = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")


@per_template
def unparsed_api_definitions(template: Template) -> list[UnparsedDocument]:
    """The local OpenAPI files of the template's SAM APIs that do not parse (inside the project only:
    ``expansion.local_artifacts`` holds no other)."""
    found = []
    folder = template.document.path.parent
    for logical_id, local in template.expansion.local_artifacts.items():
        if template.source_resources.get(logical_id, {}).get("Type") in _API_TYPES:
            document = load_document(folder / local)
            unparsed = unparsed_file(template, logical_id, "DefinitionUri", document, "API Gateway")
            found += [unparsed] if unparsed is not None else []
    return found


@per_template
def unparsed_includes(template: Template) -> list[UnparsedDocument]:
    """The local ``AWS::Include`` files that do not parse: CloudFormation's include fails, and the
    translator was given nothing (or an empty API definition) in their place."""
    found = []
    for include in template.expansion.includes:
        resource = str(include.at[1])
        unparsed = unparsed_file(template, resource, "AWS::Include", include.document, "CloudFormation", include.at)
        found += [unparsed] if unparsed is not None else []
    return found
