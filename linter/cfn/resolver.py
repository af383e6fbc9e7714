"""Evaluate CloudFormation intrinsic functions where their value is statically known.

A value is one of three things:

- **known**: one candidate, with the position of the node it was read from;
- **one of a known set**: several candidates, each of which may be deployed, so rules judge
  each: a parameter's ``AllowedValues`` (without an override), both branches of an ``Fn::If``
  whose condition cannot be decided here, the entries of a mapping;
- **unknown**: no candidate, and ``unknown_because`` says why (a parameter without a
  ``Default``, a resource's physical ID or attribute, an ``Fn::ImportValue``, a nested stack's
  output). Rules never report an error about an unknown value, and never guess its type.
"""

from __future__ import annotations

import base64
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from samcheck.cfn.references import SubVariable, intrinsic_name, sub_variables, substitute

if TYPE_CHECKING:
    from samcheck.findings import NodePath

# Beyond this many combinations of multi-valued parameters a value counts as unresolved.
MAX_CANDIDATES = 64
ACCOUNT_ID_PLACEHOLDER = "123456789012"
STACK_NAME_PLACEHOLDER = "samcheck-stack"


class _NoValue:
    """``Ref: AWS::NoValue``: the property is treated as absent."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
_NO_VALUE_REF = {"Ref": "AWS::NoValue"}


class UnresolvedError(Exception):
    """Raised inside the resolver when a value cannot be known statically; the text says why."""


class _InvalidConditionError(UnresolvedError):
    """A condition that does not exist or refers to itself: no branch can be judged."""


@dataclass(frozen=True)
class Value:
    """The statically known candidates of one template value."""

    candidates: tuple[Any, ...]
    # The parameter whose AllowedValues produced several candidates, for messages.
    parameter: str | None = None
    # The Fn::If condition whose two branches both count, for messages.
    condition: str | None = None
    # Why there is no candidate, e.g. "parameter Memory has no Default"; "" when known.
    unknown_because: str = ""

    @property
    def known(self) -> bool:
        return bool(self.candidates)

    @property
    def single(self) -> Any:
        """The value when exactly one candidate is known, else None."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    def describe(self, offending: list[Any], unit: str = "") -> str:
        """How to name the offending candidates in a message, e.g. "1800 s (allowed by parameter T)"."""
        shown = ", ".join(_show(item) for item in offending) + (f" {unit}" if unit else "")
        if self.parameter and len(self.candidates) > 1:
            return f"{shown} (allowed by parameter {self.parameter})"
        if self.condition:
            return f"{shown} (in one branch of condition {self.condition})"
        return shown


UNKNOWN = Value(())


class Branches(NamedTuple):
    """The nodes a property may be written as, one per deployable ``Fn::If`` branch."""

    nodes: tuple[Any, ...]
    paths: tuple[NodePath, ...]  # where each node is written, below the node the walk started at
    condition: str | None  # the Fn::If condition whose branches both count
    sometimes_absent: bool = False  # some branch leaves it out (AWS::NoValue)

    @property
    def qualifier(self) -> str:
        """For messages: " (in one branch of condition X)" when a condition splits the property."""
        return f" (in one branch of condition {self.condition})" if self.condition and len(self.nodes) > 1 else ""


def _show(item: Any) -> str:
    if isinstance(item, float) and item.is_integer():
        return str(int(item))
    return str(item)


def partition_for(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def url_suffix_for(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


@dataclass
class _Context:
    parameters_used: set[str] = field(default_factory=set)
    conditions_open: list[str] = field(default_factory=list)  # Fn::If conditions taken both ways


class Resolver:
    """Evaluates intrinsics against one template's parameters, conditions and mappings."""

    def __init__(self, template: Mapping[str, Any], overrides: Mapping[str, str], region: str) -> None:
        self._template = template
        self._overrides = overrides
        self._pseudo: dict[str, Any] = {
            "AWS::Region": region,
            "AWS::Partition": partition_for(region),
            "AWS::AccountId": ACCOUNT_ID_PLACEHOLDER,
            "AWS::URLSuffix": url_suffix_for(region),
            "AWS::StackName": STACK_NAME_PLACEHOLDER,
            "AWS::NoValue": NO_VALUE,
        }
        self._parameter_cache: dict[str, tuple[Any, ...]] = {}
        self._condition_cache: dict[str, set[bool] | None] = {}  # None: cannot be known
        self._condition_stack: set[str] = set()

    @property
    def region(self) -> str:
        return str(self._pseudo["AWS::Region"])

    # -- public -----------------------------------------------------------------------

    def resolve(self, node: Any) -> Value:
        """All statically known candidates of ``node``; unknown (no candidate) when it cannot be known."""
        context = _Context()
        try:
            candidates = self._eval(node, context)
        except UnresolvedError as error:
            return Value((), unknown_because=str(error))
        except RecursionError:
            return Value((), unknown_because="the value is nested too deeply to evaluate")
        return self._value(candidates, context)

    def resolve_path(self, node: Any, path: NodePath) -> tuple[Value, bool]:
        """The candidates of the node at ``path`` below ``node``, and whether it is written at all.

        Steps through ``Fn::If`` (every branch that may be deployed) and other intrinsics that
        return objects or lists (``Fn::FindInMap``, ``Fn::Select``); a branch without the node
        contributes ``NO_VALUE`` (the default applies there)."""
        context = _Context()
        try:
            leaves = [leaf for leaf, _ in self._walk(node, path, context)]
            candidates: list[Any] = []
            for leaf in leaves:
                candidates += [NO_VALUE] if leaf is NO_VALUE else self._eval(leaf, context)
            candidates = _cap(candidates)
        except UnresolvedError as error:
            return Value((), unknown_because=str(error)), True
        except RecursionError:
            return Value((), unknown_because="the value is nested too deeply to evaluate"), True
        if all(leaf is NO_VALUE for leaf in leaves):
            return UNKNOWN, False
        return self._value(candidates, context), True

    def branches(self, node: Any, path: NodePath) -> Branches:
        """The nodes, as written, at ``path`` below ``node``: one for each ``Fn::If`` branch that may
        be deployed and writes it (none when the path cannot be followed), each with where it is
        written (``Fn::If`` steps included)."""
        context = _Context()
        try:
            leaves = self._walk(node, path, context)
        except (UnresolvedError, RecursionError):
            return Branches((), (), None, False)
        written = [(leaf, where) for leaf, where in leaves if leaf is not NO_VALUE]
        return Branches(
            tuple(leaf for leaf, _ in written),
            tuple(where for _, where in written),
            context.conditions_open[0] if context.conditions_open else None,
            len(written) < len(leaves),
        )

    def settle(self, node: Any) -> Any:
        """``node`` with each ``Fn::If`` replaced by its branch where only one may be deployed (its
        condition is decided here) or both are the same; one whose branches differ stays as written.
        What holds no Fn::If or AWS::NoValue is returned as it is, not copied."""
        if isinstance(node, dict):
            if len(node) == 1 and "Fn::If" in node:
                branches = self.branches(node, ())
                if branches.condition is None and branches.sometimes_absent:
                    return _NO_VALUE_REF  # the one deployed branch leaves the property out
                one = len(branches.nodes) == 1 or (len(branches.nodes) == 2 and branches.nodes[0] == branches.nodes[1])
                return self.settle(branches.nodes[0]) if one and not branches.sometimes_absent else node
            settled = {key: self.settle(value) for key, value in node.items()}
            unchanged = all(settled[key] is value for key, value in node.items())
            if unchanged and _NO_VALUE_REF not in settled.values():
                return node
            return {key: value for key, value in settled.items() if value != _NO_VALUE_REF}
        if isinstance(node, list):
            items = [self.settle(item) for item in node]
            if all(new is old for new, old in zip(items, node, strict=True)) and _NO_VALUE_REF not in items:
                return node
            return [item for item in items if item != _NO_VALUE_REF]
        return node

    def _value(self, candidates: list[Any], context: _Context) -> Value:
        multi = [name for name in context.parameters_used if len(self.parameter_values(name)) > 1]
        condition = context.conditions_open[0] if context.conditions_open else None
        return Value(tuple(candidates), multi[0] if multi else None, condition)

    def _walk(self, node: Any, path: NodePath, context: _Context) -> list[tuple[Any, NodePath]]:
        """The raw nodes at ``path`` with where each is written, one per way the template may be
        deployed (NO_VALUE: absent there)."""
        nodes: list[tuple[Any, NodePath]] = [(node, ())]
        for step in path:
            following: list[tuple[Any, NodePath]] = []
            for current, where in nodes:
                for branch, branch_path in self._branches(current, where, context):
                    if _is_function(branch):  # an object or list an intrinsic returns: positions end here
                        following += [(_step(value, step), branch_path) for value in self._eval(branch, context)]
                    else:
                        following.append((_step(branch, step), (*branch_path, step)))
            nodes = _cap_nodes(following)
        leaves: list[tuple[Any, NodePath]] = []
        for current, where in nodes:
            leaves += self._branches(current, where, context)
        return leaves

    def _branches(self, node: Any, where: NodePath, context: _Context) -> list[tuple[Any, NodePath]]:
        """The raw nodes an ``Fn::If`` may stand for, with their paths (the node itself when it is none)."""
        if not (isinstance(node, dict) and len(node) == 1 and "Fn::If" in node):
            return [(node, where)]
        argument = node["Fn::If"]
        if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
            raise UnresolvedError("an Fn::If that is not [condition, value if true, value if false]")
        branches: list[tuple[Any, NodePath]] = []
        for truth in sorted(self._truths(argument[0], context), reverse=True):
            index = 1 if truth else 2
            chosen = argument[index]
            if chosen == {"Ref": "AWS::NoValue"}:
                branches.append((NO_VALUE, where))
            else:
                branches += self._branches(chosen, (*where, "Fn::If", index), context)
        return branches

    def _truths(self, condition: str, context: _Context) -> set[bool]:
        """The truth values an Fn::If condition may take: both when it cannot be decided here."""
        truths = self.condition(condition)
        if len(truths) > 1 and condition not in context.conditions_open:
            context.conditions_open.append(condition)
        return truths

    def parameter_values(self, name: str) -> tuple[Any, ...]:
        """The values a parameter can take: its override, else its AllowedValues, else its Default."""
        if name in self._parameter_cache:
            return self._parameter_cache[name]
        parameters = self._template.get("Parameters")
        definition = parameters.get(name) if isinstance(parameters, dict) else None
        values: tuple[Any, ...] = ()
        if isinstance(definition, dict):
            kind = str(definition.get("Type", "String"))
            if name in self._overrides:
                values = (_typed(self._overrides[name], kind),)
            elif isinstance(definition.get("AllowedValues"), list) and definition["AllowedValues"]:
                values = tuple(_typed(item, kind) for item in definition["AllowedValues"])
            elif "Default" in definition:
                values = (_typed(definition["Default"], kind),)
            # An SSM parameter type holds a name to look up at deploy time, not the value.
            if kind.startswith("AWS::SSM::Parameter::"):
                values = ()
        self._parameter_cache[name] = values
        return values

    def is_parameter(self, name: str) -> bool:
        parameters = self._template.get("Parameters")
        return isinstance(parameters, dict) and name in parameters

    def condition(self, name: str) -> set[bool]:
        """The truth values a named condition can take: both when it depends on a value that cannot
        be known here; raises UnresolvedError for a condition that is missing or part of a loop.

        Each condition is judged once: conditions built from the two before them would otherwise
        be judged a Fibonacci number of times (40 such conditions took over 10 minutes)."""
        if name not in self._condition_cache:
            self._condition_cache[name] = self._judge_condition(name)
        truths = self._condition_cache[name]
        if truths is None:
            raise _InvalidConditionError(f"condition {name} is missing or refers to itself")
        return truths

    def _judge_condition(self, name: str) -> set[bool] | None:
        conditions = self._template.get("Conditions")
        if not isinstance(conditions, dict) or name not in conditions or name in self._condition_stack:
            return None  # missing, or part of a loop (which CloudFormation rejects)
        self._condition_stack.add(name)
        try:
            return self._truth(conditions[name], _Context())
        except (_InvalidConditionError, RecursionError):
            return None
        except UnresolvedError:
            return {True, False}  # it depends on a value known only at deploy time
        finally:
            self._condition_stack.discard(name)

    # -- evaluation ---------------------------------------------------------------------

    def _eval(self, node: Any, context: _Context) -> list[Any]:
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, argument),) = node.items()
                handler = _FUNCTIONS.get(key)
                if handler is not None:
                    return _cap(handler(self, argument, context))
                if key.startswith("Fn::"):
                    raise UnresolvedError(_unknown_function(key, argument))
            return _cap(self._eval_mapping(node, context))
        if isinstance(node, list):
            combos = _product(self._eval(item, context) for item in node)
            return _cap([[item for item in combo if item is not NO_VALUE] for combo in combos])
        return [_text_value(node)]

    def _eval_mapping(self, node: dict[str, Any], context: _Context) -> list[Any]:
        keys = list(node)
        combos = _product(self._eval(node[key], context) for key in keys)
        return [{k: v for k, v in zip(keys, combo, strict=True) if v is not NO_VALUE} for combo in combos]

    def _ref(self, name: Any, context: _Context) -> list[Any]:
        if not isinstance(name, str):
            raise UnresolvedError("a Ref to something other than a name")
        if name in self._pseudo:
            return [self._pseudo[name]]
        if self.is_parameter(name):
            values = self.parameter_values(name)
            if not values:
                raise UnresolvedError(_unknown_parameter(self._template, name))
            context.parameters_used.add(name)
            return list(values)
        raise UnresolvedError(f"the physical ID of {name} is known only once deployed")

    def _sub(self, argument: Any, context: _Context) -> list[Any]:
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            template_text, variables = argument
        else:
            template_text, variables = argument, {}
        texts = self._eval(template_text, context)
        if not all(isinstance(text, str) for text in texts):
            raise UnresolvedError("Fn::Sub")
        names = sorted({v.name for text in texts for v in sub_variables(text) if not v.literal})
        choices: dict[str, list[Any]] = {}
        for name in names:
            if name in variables:
                choices[name] = self._eval(variables[name], context)
            elif "." in name:
                raise UnresolvedError(f"${{{name}}} is known only once deployed")
            else:
                choices[name] = self._ref(name, context)
        results = []
        for text in texts:
            for combo in _product(list(choices.values())):
                bound = dict(zip(choices, combo, strict=True))
                results.append(_text_value(substitute(text, partial(_bound_text, bound))))
        return results

    def _join(self, argument: Any, context: _Context) -> list[Any]:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise UnresolvedError("Fn::Join")
        results = []
        for delimiter, items in _product([self._eval(argument[0], context), self._eval(argument[1], context)]):
            if not isinstance(items, list) or not isinstance(delimiter, str):
                raise UnresolvedError("Fn::Join")
            results.append(_text_value(delimiter.join(_text(item) for item in items if item is not NO_VALUE)))
        return results

    def _if(self, argument: Any, context: _Context) -> list[Any]:
        results: list[Any] = []
        for branch, _ in self._branches({"Fn::If": argument}, (), context):
            results.extend([NO_VALUE] if branch is NO_VALUE else self._eval(branch, context))
        return results

    def _find_in_map(self, argument: Any, context: _Context) -> list[Any]:
        mappings = self._template.get("Mappings")
        if not (isinstance(argument, list) and len(argument) >= 3 and isinstance(mappings, dict)):
            raise UnresolvedError("Fn::FindInMap")
        results = []
        for map_name, top, second in _product(self._eval(item, context) for item in argument[:3]):
            try:
                results.append(mappings[map_name][top][second])
            except (KeyError, TypeError):
                raise UnresolvedError(f"Fn::FindInMap finds no entry {map_name}.{top}.{second}") from None
        return results

    def _select(self, argument: Any, context: _Context) -> list[Any]:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise UnresolvedError("Fn::Select")
        results = []
        for index, items in _product([self._eval(argument[0], context), self._eval(argument[1], context)]):
            try:
                results.append(items[int(index)])
            except (ValueError, TypeError, IndexError, KeyError):
                raise UnresolvedError("Fn::Select") from None
        return results

    def _split(self, argument: Any, context: _Context) -> list[Any]:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise UnresolvedError("Fn::Split")
        results = []
        for delimiter, text in _product([self._eval(argument[0], context), self._eval(argument[1], context)]):
            if not (isinstance(delimiter, str) and isinstance(text, str) and delimiter):
                raise UnresolvedError("Fn::Split")
            results.append(text.split(delimiter))
        return results

    def _base64(self, argument: Any, context: _Context) -> list[Any]:
        return [
            base64.b64encode(_text(v).encode("utf-8", "surrogatepass")).decode() for v in self._eval(argument, context)
        ]

    # -- conditions -----------------------------------------------------------------------

    def _truth(self, node: Any, context: _Context) -> set[bool]:
        if isinstance(node, bool):
            return {node}
        if isinstance(node, dict) and len(node) == 1:
            ((key, argument),) = node.items()
            if key == "Condition" and isinstance(argument, str):
                return self.condition(argument)
            if key == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
                pairs = _product([self._eval(argument[0], context), self._eval(argument[1], context)])
                return {_text(left) == _text(right) for left, right in pairs}
            if key == "Fn::Not" and isinstance(argument, list) and len(argument) == 1:
                return {not truth for truth in self._truth(argument[0], context)}
            if key in ("Fn::And", "Fn::Or") and isinstance(argument, list) and argument:
                # Folded one operand at a time: a product over all of them grows as 2^n.
                combine = operator.and_ if key == "Fn::And" else operator.or_
                truths = self._truth(argument[0], context)
                for item in argument[1:]:
                    options = self._truth(item, context)
                    truths = {combine(left, right) for left in truths for right in options}
                return truths
        raise UnresolvedError("condition")


_DYNAMIC_REFERENCE = "{{resolve:"


def _text_value(value: Any) -> Any:
    """A value as it is, unless it is text with a dynamic reference that CloudFormation resolves
    from SSM or Secrets Manager at deploy time."""
    if isinstance(value, str) and _DYNAMIC_REFERENCE in value:
        raise UnresolvedError(f"{value[:60]} is a dynamic reference, read at deploy time")
    return value


def _unknown_parameter(template: Mapping[str, Any], name: str) -> str:
    parameters = template.get("Parameters")
    definition = parameters.get(name) if isinstance(parameters, dict) else None
    kind = definition.get("Type") if isinstance(definition, dict) else None
    if isinstance(kind, str) and kind.startswith("AWS::SSM::Parameter::"):
        return f"parameter {name} is read from SSM Parameter Store at deploy time"
    return f"parameter {name} has no Default; give one, or pass a value with --parameter-overrides"


def _unknown_function(key: str, argument: Any) -> str:
    if key == "Fn::GetAtt":
        target = ".".join(map(str, argument)) if isinstance(argument, list) else str(argument)
        if ".Outputs." in target:
            return f"{target} is an output of another stack, known only once deployed"
        return f"Fn::GetAtt {target} is known only once deployed"
    if key == "Fn::ImportValue":
        return "Fn::ImportValue reads another stack's export at deploy time"
    if key == "Ref":
        return f"Ref {argument} is known only once deployed"
    return f"{key} is not evaluated by samcheck"


def _is_function(node: Any) -> bool:
    """An intrinsic the resolver evaluates."""
    return intrinsic_name(node) in _FUNCTIONS


def _step(node: Any, step: str | int) -> Any:
    """One step into a node: NO_VALUE when there is nothing there."""
    function = intrinsic_name(node)
    if function is not None:  # one the resolver cannot evaluate: what it returns is unknown
        raise UnresolvedError(_unknown_function(function, node[function]))
    if isinstance(node, dict) and isinstance(step, str):
        value = node.get(step)
        return NO_VALUE if value is None else value
    if isinstance(node, list) and isinstance(step, int) and -len(node) <= step < len(node):
        return node[step]
    return NO_VALUE


def _cap_nodes(nodes: list[tuple[Any, NodePath]]) -> list[tuple[Any, NodePath]]:
    if len(nodes) > MAX_CANDIDATES:
        raise UnresolvedError("too many combinations")
    return nodes


def _bound_text(bound: dict[str, Any], variable: SubVariable) -> str:
    return _text(bound[variable.name])


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    raise UnresolvedError("non-scalar in text")


def _typed(value: Any, kind: str) -> Any:
    """Parameter values arrive as text; a Number parameter is a number to the rules."""
    if kind == "Number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    if (kind == "CommaDelimitedList" or kind.startswith("List<")) and isinstance(value, str):
        return [item.strip() for item in value.split(",")]
    return value


def _product(options: Iterable[list[Any]]) -> list[tuple[Any, ...]]:
    combos: list[tuple[Any, ...]] = [()]
    for choice in options:
        combos = [(*combo, item) for combo in combos for item in choice]
        if len(combos) > MAX_CANDIDATES:
            raise UnresolvedError("too many combinations")
    return combos


def _cap(values: list[Any]) -> list[Any]:
    if len(values) > MAX_CANDIDATES:
        raise UnresolvedError("too many combinations")
    unique: list[Any] = []
    for value in values:
        if value not in unique:
            unique.append(value)
    return unique


_FUNCTIONS = {
    "Ref": Resolver._ref,
    "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join,
    "Fn::If": Resolver._if,
    "Fn::FindInMap": Resolver._find_in_map,
    "Fn::Select": Resolver._select,
    "Fn::Split": Resolver._split,
    "Fn::Base64": Resolver._base64,
}
