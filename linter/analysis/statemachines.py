"""State machine definitions, wherever a template keeps them, with positions.

SAM ``Definition`` (inline) and ``DefinitionUri`` (a local file, reported in that file),
``AWS::StepFunctions::StateMachine`` ``Definition`` and ``DefinitionString`` (JSON text, also inside
``!Sub``: each line of the JSON maps back to its line in the template). A definition on S3 is not
read.

Substitutions are applied the way the service applies them: ``DefinitionSubstitutions`` replace
``${name}`` in the text before it is parsed (so ``Seconds: ${Wait}`` in a definition file is a
number), ``Fn::Sub`` variables in a ``DefinitionString`` likewise. A value that stays unknown (a
resource's ARN, a parameter without a default, a value that is one of several: the definition is
one text) or an intrinsic function in an inline definition is *any value*: ``StateMachine.is_unknown``
says where, and no rule reports a type there. A definition that does not parse (JSON text, as
``analysis.embedded.parse_json`` reads it, or a file) is an ``UnparsedDocument``, each branch of an
``Fn::If`` judged; one that may parse once its unknown values are in is not read. The machine's
type, and the function a Task invokes, are read per candidate, each with when it holds.
Substitution may write a long value many times: a definition it would make longer than a template
may be (MAX_FILE_BYTES) is not read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.embedded import Unparsed, UnparsedDocument, number_parameters, parse_json, unparsed_file
from samcheck.analysis.values import Candidate, When, texts
from samcheck.analysis.wiring import function_behind, reaches_of
from samcheck.cfn.document import MAX_FILE_BYTES, Document, get_path, parse_document, read_source
from samcheck.cfn.references import (
    SubVariable,
    TooLongError,
    intrinsic_name,
    single_variable,
    sub_variables,
    substitute,
)
from samcheck.cfn.resolver import Branches, Value, merge
from samcheck.cfn.source_map import SourceMap
from samcheck.findings import NodePath, Span
from samcheck.model.template import Location, Resource, Template
from samcheck.sam import SAM_PREFIX

_BLOCK_INDICATOR = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")


@dataclass
class StateMachine:
    resource: Resource  # the expanded AWS::StepFunctions::StateMachine
    definition: dict[str, Any]
    types: tuple[Candidate, ...]  # STANDARD or EXPRESS, each with when; none when known only at deploy time
    file: str  # the file that holds the definition
    substitutions: dict[str, Any]  # DefinitionSubstitutions, as written
    size: int  # bytes of the definition as JSON, after substitutions
    # More paths whose value counts as unknown (see _retyped), besides ${} left and intrinsics.
    uncertain: frozenset[NodePath] = frozenset()
    _source_map: SourceMap = field(repr=False, default_factory=SourceMap)
    _base: NodePath = ()  # where the definition starts in that source map
    _line_offset: int | None = None  # JSON text in the template: template line of the JSON's line 1 - 1
    _column_offset: int = 0  # JSON text in a block scalar: the block's indentation
    _fallback: Span = field(default_factory=Span.point)
    _text: str | None = field(repr=False, default=None)  # JSON text whose positions are read on demand

    @property
    def express(self) -> list[Candidate]:
        """The type's candidates that are EXPRESS (empty: it never is, or its type is unknown)."""
        return [kind for kind in self.types if kind.value == "EXPRESS"]

    def is_unknown(self, path: NodePath) -> bool:
        """Whether the value at ``path`` (or what holds it) is known only at deploy time: an
        intrinsic function, a text with a ``${}`` left in it, or an uncertain substitution. Read
        along the path, since a large definition holds thousands of such values."""
        node: Any = self.definition
        for length in range(len(path) + 1):
            if path[:length] in self.uncertain or _is_unknown_value(node):
                return True
            if length == len(path):
                return False
            node = get_path(node, path[length : length + 1])
        return False

    def span(self, path: NodePath) -> Span:
        """Where a node of the definition is, in ``file``."""
        if self._text is not None:  # positions cost a full parse: only when a finding needs one
            self._source_map = parse_document(
                Path("definition.json"), self._text.encode("utf-8", "backslashreplace")
            ).source_map
            self._text = None
        found, span = self._source_map.nearest((*self._base, *path))
        if not found[len(self._base) :] and not path:
            return self._fallback if self._line_offset is not None else span
        if self._line_offset is None:
            return span
        line, column = span.line + self._line_offset, span.column + self._column_offset
        return Span(line, column, line, column)


# DefinitionSubstitutions as written, and the machine's types.
_Settings = tuple[dict[str, Any], tuple[Candidate, ...]]


def _settings(template: Template, resource: Resource, written: dict[str, Any]) -> _Settings:
    """``written``: the properties as written (substitutions replace text in the definition, as the
    service does, their intrinsics kept for what a Task invokes)."""
    substitutions = template.resolver.settle(written.get("DefinitionSubstitutions"))
    types = tuple(texts(template.property(resource, "StateMachineType", "STANDARD")))
    return (substitutions if isinstance(substitutions, dict) else {}), types


def _from_document(
    resource: Resource,
    definition: Any,
    document: Document,
    base: NodePath,
    settings: _Settings,
    uncertain: frozenset[NodePath] = frozenset(),
) -> StateMachine | None:
    """A definition that stands as YAML/JSON in a document (the template or a DefinitionUri file);
    ``uncertain`` are more paths whose value counts as unknown."""
    if not isinstance(definition, dict):
        return None
    substitutions, types = settings
    return StateMachine(
        resource,
        definition,
        types,
        str(document.path),
        substitutions,
        _size(definition),
        uncertain,
        document.source_map,
        base,
    )


def _sam_source(template: Template, resource: Resource) -> StateMachine | UnparsedDocument | None:
    source = template.source_resources.get(resource.source_id, {}).get("Properties")
    written = source if isinstance(source, dict) else {}  # as written: the definition, at its positions
    settings = _settings(template, resource, written)
    if isinstance(written.get("Definition"), dict):
        base: NodePath = ("Resources", resource.source_id, "Properties", "Definition")
        return _inline(template, resource, written["Definition"], base, settings)
    local = template.expansion.local_artifacts.get(resource.source_id)
    if local is not None:
        path = template.document.path.parent / local
        raw = read_source(path)
        if isinstance(raw, Document):
            return None  # missing or unreadable: SC7005 and friends say so
        text = raw.decode("utf-8", errors="replace")
        value_of = partial(_substitution, template, settings[0], definition_substitutions=True)
        try:
            substituted = substitute(text, value_of, longest=MAX_FILE_BYTES)
        except TooLongError:
            return None
        document = parse_document(path, substituted.encode("utf-8", "backslashreplace"))
        if document.data is None:
            return unparsed_file(template, resource.source_id, "DefinitionUri", document, "Step Functions")
        return _from_document(resource, document.data, document, (), settings)
    return None


def _substituted(template: Template, node: Any, substitutions: dict[str, Any]) -> Any:
    """An inline definition with its known DefinitionSubstitutions applied to every text in it;
    TooLongError when the texts they write add up to more than MAX_FILE_BYTES."""
    value_of = partial(_substitution, template, substitutions, definition_substitutions=True)
    left = MAX_FILE_BYTES

    def applied(node: Any) -> Any:
        nonlocal left
        if isinstance(node, dict):
            return {key: applied(value) for key, value in node.items()}
        if isinstance(node, list):
            return [applied(item) for item in node]
        if isinstance(node, str) and "${" in node:
            text = substitute(node, value_of, longest=left)
            left -= len(text)
            return text
        return node

    return applied(node)


def _inline(
    template: Template, resource: Resource, written: Any, base: NodePath, settings: _Settings
) -> StateMachine | None:
    """A definition written in the template: Fn::If settled, then substituted as the service does."""
    settled = template.resolver.settle(written)
    try:
        definition = _substituted(template, settled, settings[0])
    except TooLongError:
        return None
    return _from_document(resource, definition, template.document, base, settings, _retyped(settled, settings[0]))


def _retyped(node: Any, substitutions: dict[str, Any], path: NodePath = ()) -> frozenset[NodePath]:
    """Where an inline definition's text is one whole ``${name}`` of a substitution that may not be
    text: the service substitutes the JSON text, where ``"${Wait}"`` stays a quoted string, and
    whether the value is then read as a number is not samcheck's to guess."""
    if isinstance(node, dict):
        return frozenset().union(*(_retyped(value, substitutions, (*path, key)) for key, value in node.items()))
    if isinstance(node, list):
        return frozenset().union(*(_retyped(item, substitutions, (*path, i)) for i, item in enumerate(node)))
    variable = single_variable(node) if isinstance(node, str) else None
    if variable is not None and not isinstance(substitutions.get(variable.name), str):
        return frozenset({path})
    return frozenset()


def _is_unknown_value(node: Any) -> bool:
    if isinstance(node, dict):
        return intrinsic_name(node) is not None
    return isinstance(node, str) and "${" in node and any(not v.literal for v in sub_variables(node))


def _cloudformation(template: Template, resource: Resource) -> Iterator[StateMachine | UnparsedDocument]:
    written = resource.properties  # as written: the definition, at its positions, its ${} and intrinsics kept
    settings = _settings(template, resource, written)
    substitutions, types = settings
    base: NodePath = ("Resources", resource.source_id, "Properties")
    if isinstance(written.get("Definition"), dict):
        machine = _inline(template, resource, written["Definition"], (*base, "Definition"), settings)
        yield from [machine] if machine is not None else []
        return
    raw = written.get("DefinitionString")
    sub = isinstance(raw, dict) and "Fn::Sub" in raw
    argument = raw.get("Fn::Sub") if isinstance(raw, dict) else None
    text, variables = raw, {}
    if isinstance(argument, list) and len(argument) == 2:
        text, variables = argument
    elif sub:
        text = argument
    elif isinstance(raw, dict):
        value = template.resolver.resolve(raw)
        text = value.single  # one value: one text is parsed; several are judged each, not read
        if text is None:
            yield from _unparsed_candidates(template, resource, value)
            return
    if not isinstance(text, str) or not isinstance(variables, dict):
        return
    written_variables = variables
    if sub:
        # ${Fn} and ${Fn.Arn} name template resources: kept as references, for what a Task invokes.
        for variable in sub_variables(text):
            if not variable.literal:
                variables = {variable.name: {"Fn::Sub": "${" + variable.name + "}"}, **variables}
    # CloudFormation's Fn::Sub first, then the service's DefinitionSubstitutions, both on the text.
    try:
        substituted = substitute(text, partial(_substitution, template, variables), longest=MAX_FILE_BYTES)
        if substitutions:
            value_of = partial(_substitution, template, substitutions, definition_substitutions=True)
            substituted = substitute(substituted, value_of, longest=MAX_FILE_BYTES)
    except TooLongError:
        return  # longer than a template: nothing to judge
    value_path = (*base, "DefinitionString") + (("Fn::Sub",) if sub else ())
    if sub and isinstance(argument, list):
        value_path = (*value_path, 0)
    value_span = (
        template.document.source_map.values.get(value_path) or template.locate(resource, ("DefinitionString",)).span
    )
    # A block scalar (| or >, after any tag) starts on the line after its indicator.
    block = bool(_BLOCK_INDICATOR.search(template.document.lines[value_span.line - 1]))
    offset = value_span.line if block else value_span.line - 1
    # A Number parameter Fn::Sub writes is a number, unless the Sub or DefinitionSubstitutions name it too.
    numbers = number_parameters(template) - written_variables.keys() - substitutions.keys() if sub else frozenset()
    outcome = parse_json(substituted, numbers)
    if isinstance(outcome, Unparsed):
        # In a block, the error's own place; elsewhere the text's lines are not the template's.
        span = _in_block(template, offset, outcome) if block else value_span
        location = Location(span, value_path)
        yield UnparsedDocument(resource.source_id, "DefinitionString", location, outcome, "Step Functions")
    if outcome is None or isinstance(outcome, Unparsed) or not isinstance(outcome.value, dict):
        return  # unknown ${} values left in it, or no definition: nothing to judge
    yield StateMachine(
        resource,
        outcome.value,
        types,
        template.file,
        {**variables, **substitutions},
        len(substituted.encode("utf-8", "surrogatepass")),
        frozenset(),
        SourceMap(),
        (),
        offset,
        _block_indent(template, offset) if block else 0,
        value_span,
        substituted,
    )


def _in_block(template: Template, offset: int, problem: Unparsed) -> Span:
    """Where a parse error in a block scalar (whose first line is ``offset + 1``) is in the template."""
    return Span.point(problem.line + offset, problem.column + _block_indent(template, offset))


def _block_indent(template: Template, offset: int) -> int:
    """The indentation of a block scalar whose first line is ``offset + 1``."""
    lines = template.document.lines
    first = lines[offset] if offset < len(lines) else ""
    return len(first) - len(first.lstrip(" "))


def _unparsed_candidates(template: Template, resource: Resource, value: Value) -> Iterator[UnparsedDocument]:
    """The candidate texts of a DefinitionString that is one of several (an ``Fn::If``) that do not parse."""
    location = template.locate(resource, ("DefinitionString",))
    for candidate in texts(value):
        outcome = parse_json(candidate.value)
        if isinstance(outcome, Unparsed):
            yield UnparsedDocument(
                resource.source_id, "DefinitionString", location, outcome, "Step Functions", candidate.when
            )


def _substitution(
    template: Template, variables: dict[str, Any], variable: SubVariable, *, definition_substitutions: bool = False
) -> str | None:
    """A variable's value where statically known (None: it stays as written).

    ``Fn::Sub`` also reads parameters and pseudo parameters by name; DefinitionSubstitutions only
    its own keys."""
    if variable.name in variables:
        node = variables[variable.name]
    elif variable.attribute is None and not definition_substitutions:
        node = {"Ref": variable.name}
    else:
        return None
    value = template.resolver.resolve(node).single  # one value: several stay ${name}, any value to rules
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, (str, int, float)) else None


def _size(definition: dict[str, Any]) -> int:
    return len(json.dumps(definition, separators=(",", ":"), default=str).encode("utf-8", "surrogatepass"))


def state_machines(template: Template) -> list[StateMachine]:
    """The template's state machines whose definitions can be read; read once per template."""
    return [machine for machine in _definitions(template) if isinstance(machine, StateMachine)]


def unparsed_definitions(template: Template) -> list[UnparsedDocument]:
    """The template's state machine definitions that do not parse (see ``_definitions``)."""
    return [definition for definition in _definitions(template) if isinstance(definition, UnparsedDocument)]


@per_template
def _definitions(template: Template) -> list[StateMachine | UnparsedDocument]:
    """Every definition the template's state machines have, read once per template: a machine, or
    why it does not parse."""
    found: list[StateMachine | UnparsedDocument] = []
    for resource in template.of_type("AWS::StepFunctions::StateMachine"):
        if resource.origin.source_type.startswith(SAM_PREFIX):
            found += [read] if (read := _sam_source(template, resource)) is not None else []
        else:
            found += _cloudformation(template, resource)
    return found


class State(NamedTuple):
    name: str
    body: dict[str, Any]
    path: NodePath  # from the definition's root
    scope: NodePath  # the machine (root, branch, item processor) the state belongs to


def walk_states(definition: dict[str, Any], scope: NodePath = ()) -> list[State]:
    """Every state, with those of Parallel branches and Map processors (each its own scope)."""
    states = get_path(definition, (*scope, "States"))
    found: list[State] = []
    for name, body in states.items() if isinstance(states, dict) and intrinsic_name(states) is None else []:
        if not isinstance(body, dict) or intrinsic_name(body) is not None:
            continue  # a state known only at deploy time (an Fn::If whose branches differ)
        path = (*scope, "States", name)
        found.append(State(name, body, path, scope))
        branches = body.get("Branches")
        for index, branch in enumerate(branches if isinstance(branches, list) else []):
            if isinstance(branch, dict):
                found += walk_states(definition, (*path, "Branches", index))
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(body.get(key), dict):
                found += walk_states(definition, (*path, key))
    return found


def asl_schema() -> dict[str, Any]:
    """The JSON Schema of the Amazon States Language that ships in ``schemas/asl.schema.json``."""
    from samcheck.datafiles import load_json

    schema: dict[str, Any] = load_json("asl.schema.json")
    return schema


class StateFields(NamedTuple):
    """What ``schemas/asl-fields.json`` says each state type, retrier and catcher takes."""

    common: frozenset[str]
    states: dict[str, frozenset[str]]
    query_language_only: dict[str, frozenset[str]]  # "JSONPath" or "JSONata" -> its own fields
    choice_rule: dict[str, frozenset[str]]  # "JSONPath" or "JSONata" -> the fields of its Choice rules
    retrier: frozenset[str]
    catcher: frozenset[str]


def state_fields() -> StateFields:
    from samcheck.datafiles import load_json

    table = load_json("asl-fields.json")
    return StateFields(
        frozenset(table["common"]),
        {kind: frozenset(fields) for kind, fields in table["states"].items()},
        {language: frozenset(fields) for language, fields in table["queryLanguageOnly"].items()},
        {language: frozenset(fields) for language, fields in table["choiceRule"].items()},
        frozenset(table["retrier"]),
        frozenset(table["catcher"]),
    )


def query_language(definition: dict[str, Any], state: State) -> str | None:
    """The query language a state's fields are read in: its own ``QueryLanguage``, else the
    top-level one (a Parallel branch or Map processor does not set its own), else JSONPath; None
    when the value is not a name Step Functions knows (the schema reports that)."""
    language = state.body.get("QueryLanguage", definition.get("QueryLanguage", "JSONPath"))
    return language if language in ("JSONPath", "JSONata") else None


def predefined_errors() -> frozenset[str]:
    """The ``States.*`` error names Step Functions defines (a list in the ASL schema, with its source)."""
    return frozenset(asl_schema()["$defs"]["predefinedError"]["enum"])


INVOKE = "arn:aws:states:::lambda:invoke"


class TaskFunction(NamedTuple):
    """A function of this template a Task state invokes, in the deployments ``when`` names."""

    function: Resource
    written: Any  # the reference as the template writes it: the substitution's value, the intrinsic, or the text
    when: When


def task_functions(template: Template, machine: StateMachine, state: State) -> list[TaskFunction]:
    """The functions of this template a Task invokes, named by an ARN, a function name, a ``${}``
    substitution or an intrinsic (``!GetAtt Fn.Arn`` in an inline definition): one per ``Fn::If``
    branch and per known candidate of a name, each with when it is the one invoked."""
    if state.body.get("Type") != "Task":
        return []
    resource = state.body.get("Resource")
    if isinstance(resource, str) and resource.startswith(INVOKE):
        reference = get_path(state.body, ("Parameters", "FunctionName")) or get_path(
            state.body, ("Arguments", "FunctionName")
        )
    elif isinstance(resource, dict) or (isinstance(resource, str) and (":lambda:" in resource or "${" in resource)):
        reference = resource
    else:
        return []
    found: list[TaskFunction] = []
    branches = template.resolver.branches(_written(machine, reference), ())
    for node, path, when in zip(branches.nodes, branches.paths, branches.whens, strict=True):
        functions = [
            (function, reach.when)
            for reach in reaches_of(template, Branches((node,), (path,), (when,)))
            if (function := function_behind(template, reach.target)) is not None
        ]
        for function, function_when in functions or _named(template, node, when):
            found.append(TaskFunction(function, node, function_when))
    return found


def _written(machine: StateMachine, reference: Any) -> Any:
    """A ``${Name}`` substitution replaced by the value DefinitionSubstitutions gives it, as written."""
    variable = single_variable(reference) if isinstance(reference, str) else None
    if variable and variable.name in machine.substitutions:
        return machine.substitutions[variable.name]
    return reference


def _named(template: Template, reference: Any, when: When) -> list[tuple[Resource, When]]:
    """The functions of this template whose FunctionName is the name (or in the ARN) a reference
    gives, with when the two agree."""
    found = []
    for text in texts(template.resolver.resolve(reference)):
        parts = text.value.split(":")
        name = parts[6] if text.value.startswith("arn:") and len(parts) > 6 else text.value
        for function in template.of_type("AWS::Lambda::Function"):
            for candidate in texts(template.property(function, "FunctionName")):
                agreed = merge(when, text.when, candidate.when)
                if candidate.value == name and agreed is not None:
                    found.append((function, agreed))
    return found
