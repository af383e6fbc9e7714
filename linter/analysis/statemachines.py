"""State machine definitions, wherever a template keeps them, with positions.

SAM ``Definition`` (inline) and ``DefinitionUri`` (a local file, reported in that file),
``AWS::StepFunctions::StateMachine`` ``Definition`` and ``DefinitionString`` (JSON text, also inside
``!Sub``: known ``${}`` values are substituted, and each line of the JSON maps back to its line in
the template). A definition on S3 is not read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from samcheck.analysis import per_template
from samcheck.cfn.document import Document, get_path, load_document, parse_document
from samcheck.cfn.references import SubVariable, substitute
from samcheck.cfn.source_map import SourceMap
from samcheck.findings import NodePath, Span
from samcheck.model.template import Resource, Template
from samcheck.sam import SAM_PREFIX

_BLOCK_INDICATOR = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")


@dataclass
class StateMachine:
    resource: Resource  # the expanded AWS::StepFunctions::StateMachine
    definition: dict[str, Any]
    express: bool
    file: str  # the file that holds the definition
    substitutions: dict[str, Any]  # DefinitionSubstitutions, as written
    size: int  # bytes of the definition as JSON, after substitutions
    _source_map: SourceMap = field(repr=False, default_factory=SourceMap)
    _base: NodePath = ()  # where the definition starts in that source map
    _line_offset: int | None = None  # JSON text in the template: template line of the JSON's line 1 - 1
    _fallback: Span = field(default_factory=Span.point)
    _text: str | None = field(repr=False, default=None)  # JSON text whose positions are read on demand

    def span(self, path: NodePath) -> Span:
        """Where a node of the definition is, in ``file``."""
        if self._text is not None:  # positions cost a full parse: only when a finding needs one
            self._source_map = parse_document(Path("definition.json"), self._text.encode()).source_map
            self._text = None
        found, span = self._source_map.nearest((*self._base, *path))
        if not found[len(self._base) :] and not path:
            return self._fallback if self._line_offset is not None else span
        if self._line_offset is None:
            return span
        line = span.line + self._line_offset
        return Span(line, span.column, line, span.column)


def _settings(template: Template, resource: Resource, properties: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    substitutions = properties.get("DefinitionSubstitutions")
    express = template.property(resource, "StateMachineType").value.single == "EXPRESS"
    return (substitutions if isinstance(substitutions, dict) else {}), express


def _from_document(
    resource: Resource, definition: Any, document: Document, base: NodePath, settings: tuple[dict[str, Any], bool]
) -> StateMachine | None:
    """A definition that stands as YAML/JSON in a document (the template or a DefinitionUri file)."""
    if not isinstance(definition, dict):
        return None
    substitutions, express = settings
    size = _size(definition)
    return StateMachine(
        resource, definition, express, str(document.path), substitutions, size, document.source_map, base
    )


def _sam_source(template: Template, resource: Resource) -> StateMachine | None:
    properties = template.source_resources.get(resource.source_id, {}).get("Properties")
    properties = properties if isinstance(properties, dict) else {}
    settings = _settings(template, resource, properties)
    if isinstance(properties.get("Definition"), dict):
        base: NodePath = ("Resources", resource.source_id, "Properties", "Definition")
        return _from_document(resource, properties["Definition"], template.document, base, settings)
    local = template.expansion.local_artifacts.get(resource.source_id)
    if local is not None:
        document = load_document(template.document.path.parent / local)
        return _from_document(resource, document.data, document, (), settings)
    return None


def _cloudformation(template: Template, resource: Resource) -> StateMachine | None:
    properties = resource.properties
    settings = _settings(template, resource, properties)
    substitutions, express = settings
    base: NodePath = ("Resources", resource.source_id, "Properties")
    if isinstance(properties.get("Definition"), dict):
        return _from_document(resource, properties["Definition"], template.document, (*base, "Definition"), settings)
    raw = properties.get("DefinitionString")
    text, variables = raw, {}
    if isinstance(raw, dict) and "Fn::Sub" in raw:
        sub = raw["Fn::Sub"]
        text, variables = (sub[0], sub[1]) if isinstance(sub, list) and len(sub) == 2 else (sub, {})
    elif isinstance(raw, dict):
        text = template.resolver.resolve(raw).single  # Fn::Join and friends, when known
    if not isinstance(text, str):
        return None
    substituted = substitute(text, partial(_substitution, template, variables))
    try:
        definition = json.loads(substituted)
    except ValueError:
        return None  # unknown ${} values left in it, or not JSON: nothing to judge
    if not isinstance(definition, dict):
        return None
    value_path = (*base, "DefinitionString") + (("Fn::Sub",) if isinstance(raw, dict) and "Fn::Sub" in raw else ())
    if isinstance(raw, dict) and "Fn::Sub" in raw and isinstance(raw["Fn::Sub"], list):
        value_path = (*value_path, 0)
    value_span = (
        template.document.source_map.values.get(value_path) or template.locate(resource, ("DefinitionString",)).span
    )
    # A block scalar (| or >, after any tag) starts on the line after its indicator.
    block = bool(_BLOCK_INDICATOR.search(template.document.lines[value_span.line - 1]))
    offset = value_span.line if block else value_span.line - 1
    return StateMachine(
        resource,
        definition,
        express,
        template.file,
        substitutions or variables,
        len(substituted.encode()),
        SourceMap(),
        (),
        offset,
        value_span,
        substituted,
    )


def _substitution(template: Template, variables: dict[str, Any], variable: SubVariable) -> str | None:
    """A variable's value where statically known (None: it stays as written)."""
    if variable.name in variables:
        value = template.resolver.resolve(variables[variable.name]).single
    elif variable.attribute is None:
        value = template.resolver.resolve({"Ref": variable.name}).single
    else:
        value = None
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _size(definition: dict[str, Any]) -> int:
    return len(json.dumps(definition, separators=(",", ":"), default=str).encode())


@per_template
def state_machines(template: Template) -> list[StateMachine]:
    """The template's state machines whose definitions can be read; read once per template."""
    machines = []
    for resource in template.of_type("AWS::StepFunctions::StateMachine"):
        if resource.origin.source_type.startswith(SAM_PREFIX):
            machine = _sam_source(template, resource)
        else:
            machine = _cloudformation(template, resource)
        if machine is not None:
            machines.append(machine)
    return machines


@dataclass(frozen=True)
class State:
    name: str
    body: dict[str, Any]
    path: NodePath  # from the definition's root
    scope: NodePath  # the machine (root, branch, item processor) the state belongs to


def walk_states(definition: dict[str, Any], scope: NodePath = ()) -> list[State]:
    """Every state, with those of Parallel branches and Map processors (each its own scope)."""
    states = get_path(definition, (*scope, "States"))
    found: list[State] = []
    for name, body in states.items() if isinstance(states, dict) else []:
        if not isinstance(body, dict):
            continue
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
