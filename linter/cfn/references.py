"""What a template value refers to: ``Ref``, ``Fn::GetAtt`` and the ``${}`` variables of ``Fn::Sub``.

This module holds samcheck's one parser of ``${}`` variables (``sub_variables``), used wherever a
text is substituted: by the resolver for ``Fn::Sub``, for references between resources, and for
Step Functions definition substitutions (which share the syntax). Like CloudFormation, it trims the
spaces around a name (``${ Queue.Arn }``) and writes ``${!Literal}`` as ``${Literal}``. Kept apart
from the graph module so that rules can follow references without loading networkx.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # the translator child imports this module: keep it off findings' dataclasses
    from samcheck.findings import NodePath

_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class SubVariable(NamedTuple):
    """One ``${...}`` in a text."""

    start: int  # where ``${`` starts in the text
    end: int  # just past the ``}``
    name: str  # trimmed: "Queue.Arn", "AWS::Region"; for a literal, the text after "!"
    literal: bool  # ``${!Name}``: not a variable, written as ``${Name}``

    @property
    def resource(self) -> str:
        """The resource or parameter a variable names: "Queue" of "Queue.Arn" (pseudo parameters whole)."""
        return self.name if self.name.startswith("AWS::") else self.name.split(".", 1)[0]

    @property
    def attribute(self) -> str | None:
        """The attribute of ``${Resource.Attribute}``, else None."""
        if self.name.startswith("AWS::") or "." not in self.name:
            return None
        return self.name.split(".", 1)[1]


def sub_variables(text: str) -> list[SubVariable]:
    variables = []
    for match in _VARIABLE.finditer(text):
        inner = match.group(1)
        literal = inner.startswith("!")
        name = inner[1:] if literal else inner.strip()
        variables.append(SubVariable(match.start(), match.end(), name, literal))
    return variables


class TooLongError(ValueError):
    """A substitution's result would be longer than its caller takes."""


def substitute(text: str, value_of: Callable[[SubVariable], str | None], longest: int | None = None) -> str:
    """The text with each variable replaced by ``value_of(variable)``; a variable it gives no value
    (None) stays as written, and a literal ``${!Name}`` becomes ``${Name}``. A result longer than
    ``longest`` characters raises TooLongError before it is built: one long value used many times
    makes a short text a huge one."""
    parts, last = [], 0
    for variable in sub_variables(text):
        value = "${" + variable.name + "}" if variable.literal else value_of(variable)
        parts += [text[last : variable.start], text[variable.start : variable.end] if value is None else value]
        last = variable.end
    parts.append(text[last:])
    if longest is not None and sum(map(len, parts)) > longest:
        raise TooLongError(f"the substituted text is longer than {longest:,} characters")
    return "".join(parts)


def intrinsic_name(node: Any) -> str | None:
    """``Ref`` or ``Fn::…`` when ``node`` is an intrinsic function (a one-key mapping), else None."""
    if isinstance(node, dict) and len(node) == 1:
        key = next(iter(node))
        if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
            return key
    return None


def single_variable(text: str) -> SubVariable | None:
    """The variable when the whole text is one ``${...}`` (e.g. a state's ``Resource: ${FnArn}``)."""
    variables = sub_variables(text)
    if len(variables) == 1 and not variables[0].literal and (variables[0].start, variables[0].end) == (0, len(text)):
        return variables[0]
    return None


def referenced(node: Any, names: set[str] | dict[str, Any]) -> Iterator[tuple[str, str, NodePath]]:
    """(logical ID, reference kind, path) for every reference to one of ``names`` in ``node``."""
    stack: list[tuple[Any, NodePath]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        if isinstance(current, dict):
            if len(current) == 1:
                ((key, argument),) = current.items()
                if key == "Ref" and isinstance(argument, str) and argument in names:
                    yield argument, "ref", path
                    continue
                if key == "Fn::GetAtt":
                    target = argument[0] if isinstance(argument, list) and argument else None
                    if isinstance(argument, str):
                        target = argument.split(".", 1)[0]
                    if isinstance(target, str) and target in names:
                        yield target, "getatt", path
                    continue
                if key == "Fn::Sub":
                    text = argument[0] if isinstance(argument, list) and argument else argument
                    bound = argument[1] if isinstance(argument, list) and len(argument) == 2 else None
                    if isinstance(text, str):
                        for variable in sub_variables(text):
                            # a variable the map defines names that value, not the resource
                            if isinstance(bound, dict) and variable.name in bound:
                                continue
                            if not variable.literal and variable.resource in names:
                                yield variable.resource, "sub", path
                    if isinstance(argument, list) and len(argument) == 2:
                        stack.append((argument[1], (*path, key, 1)))
                    continue
            stack.extend((value, (*path, key)) for key, value in current.items())
        elif isinstance(current, list):
            stack.extend((value, (*path, index)) for index, value in enumerate(current))
