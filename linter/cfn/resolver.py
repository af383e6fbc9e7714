"""Evaluate CloudFormation intrinsic functions where their value is statically known.

A value is one of three things:

- **known**: one candidate, with the position of the node it was read from;
- **one of a known set**: several candidates, each of which may be deployed, so rules judge
  each: a parameter's ``AllowedValues`` (without an override), both branches of an ``Fn::If``
  whose condition cannot be decided here, the entries of a mapping;
- **unknown**: no candidate, and ``unknown_because`` says why (a parameter without a
  ``Default``, a resource's physical ID or attribute, an ``Fn::ImportValue``, a nested stack's
  output). Rules never report an error about an unknown value, and never guess its type.

Each candidate carries *when* it is deployed: the values of the parameters with several allowed
values and the truths of the undecided conditions it was computed under. Two candidates read
together (a queue's visibility and a function's timeout from one parameter) are compared only
where their assumptions agree, and a finding names the assumptions it holds under.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from samcheck.cfn.document import preprocessor_tag
from samcheck.cfn.references import SubVariable, TooLongError, intrinsic_name, sub_variables, substitute

if TYPE_CHECKING:
    from samcheck.findings import NodePath

# Beyond this many combinations of multi-valued parameters a value counts as unresolved.
MAX_CANDIDATES = 64
# Beyond this many ways to deploy a document (a policy, a definition) it is read once, as written.
MAX_VARIANTS = 16
# What Fn::Join, Fn::Sub, Fn::Base64 and Fn::Split may build while one template is checked, in
# characters (a list item of Split's counts as SPLIT_ITEM of them: its slot and its object). Nested,
# these functions multiply: a 2 KB Join of Joins spells 500 million characters, sixty Base64s grow
# the text 4/3 each. A result past what is left is unknown; the corpus's templates build 2,000 at most.
MAX_BUILT = 64 * 1024 * 1024
SPLIT_ITEM = 64
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


class Assumption(NamedTuple):
    """One choice a deployment makes: a parameter's value among its AllowedValues, or an undecided
    condition's truth."""

    kind: str  # "parameter" or "condition"
    name: str
    shown: str  # the parameter's value as text, or "true"/"false"

    def __str__(self) -> str:
        return f"{self.kind} {self.name} is {self.shown}"


When = frozenset[Assumption]
ALWAYS: When = frozenset()


def merge(*whens: When) -> When | None:
    """The assumptions of values read together; None when two of them contradict each other."""
    merged: dict[tuple[str, str], str] = {}
    for when in whens:
        for assumption in when:
            key = (assumption.kind, assumption.name)
            if merged.setdefault(key, assumption.shown) != assumption.shown:
                return None
    if len(merged) == sum(len(when) for when in whens):
        return frozenset().union(*whens)
    return frozenset(Assumption(kind, name, shown) for (kind, name), shown in merged.items())


def describe_when(when: When) -> str:
    """For messages: "when parameter ApiType is PRIVATE and condition IsProd is false" ("" always)."""
    return "when " + " and ".join(map(str, sorted(when))) if when else ""


class Candidate(NamedTuple):
    """One value a template value may take, and the assumptions under which it does."""

    value: Any
    when: When = ALWAYS

    @property
    def qualifier(self) -> str:
        """For messages: " (when parameter T is 900)", or "" when the value holds in every deployment."""
        return f" ({describe_when(self.when)})" if self.when else ""


@dataclass(frozen=True)
class Value:
    """The statically known candidates of one template value, each with when it is deployed."""

    cases: tuple[Candidate, ...]
    # Why there is no candidate, e.g. "parameter Memory has no Default"; "" when known.
    unknown_because: str = ""

    @property
    def candidates(self) -> tuple[Any, ...]:
        """The distinct values, whatever they depend on."""
        distinct: list[Any] = []
        for case in self.cases:
            if case.value not in distinct:
                distinct.append(case.value)
        return tuple(distinct)

    @property
    def known(self) -> bool:
        return bool(self.cases)

    @property
    def single(self) -> Any:
        """The value when exactly one candidate is known, else None (unknown, or one of several)."""
        candidates = self.candidates
        return candidates[0] if len(candidates) == 1 else None

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.cases)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters whose AllowedValues this value depends on."""
        return tuple(sorted({a.name for case in self.cases for a in case.when if a.kind == "parameter"}))

    @property
    def conditions(self) -> tuple[str, ...]:
        """The undecided conditions whose branches this value depends on."""
        return tuple(sorted({a.name for case in self.cases for a in case.when if a.kind == "condition"}))

    @property
    def parameter(self) -> str | None:
        parameters = self.parameters
        return parameters[0] if parameters else None

    @property
    def condition(self) -> str | None:
        conditions = self.conditions
        return conditions[0] if conditions else None

    def where(self, offending: Iterable[Any]) -> str:
        """When the offending candidates are deployed, for a message: " (when parameter T is 900)"."""
        wanted = list(offending)
        whens = [case.when for case in self.cases if case.value in wanted]
        if not whens or not all(whens) or len(self.cases) < 2:
            return ""
        return " (" + "; or ".join(describe_when(when) for when in _distinct(whens)) + ")"

    def describe(self, offending: list[Any], unit: str = "") -> str:
        """How to name the offending candidates in a message, e.g. "1800 s (when parameter T is 1800)"."""
        shown = ", ".join(_show(item) for item in offending) + (f" {unit}" if unit else "")
        return shown + self.where(offending)


def known(value: Any) -> Value:
    """A value that holds in every deployment."""
    return Value((Candidate(value),))


UNKNOWN = Value(())


def _distinct(whens: list[When]) -> list[When]:
    return sorted(set(whens), key=lambda when: sorted(when))


class Branches(NamedTuple):
    """The nodes a property may be written as, one per deployable ``Fn::If`` branch."""

    nodes: tuple[Any, ...]
    paths: tuple[NodePath, ...]  # where each node is written, below the node the walk started at
    whens: tuple[When, ...]  # the assumptions each node is deployed under
    absent: tuple[When, ...] = ()  # the assumptions of each branch that leaves it out (AWS::NoValue)

    @property
    def sometimes_absent(self) -> bool:
        """Some deployable branch leaves the property out."""
        return bool(self.absent)


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


# A raw node as written, where it is written, and the assumptions under which it is deployed.
_Leaf = tuple[Any, "NodePath", When]


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
        self._condition_cache: dict[str, list[tuple[bool, When]] | None] = {}  # None: cannot be known
        self._condition_stack: set[str] = set()
        self._unbuilt = MAX_BUILT  # what the intrinsics may still build (see MAX_BUILT)

    @property
    def region(self) -> str:
        return str(self._pseudo["AWS::Region"])

    # -- public -----------------------------------------------------------------------

    def resolve(self, node: Any) -> Value:
        """All statically known candidates of ``node``; unknown (no candidate) when it cannot be known."""
        try:
            return Value(tuple(self._eval(node)))
        except UnresolvedError as error:
            return Value((), unknown_because=str(error))
        except RecursionError:
            return Value((), unknown_because="the value is nested too deeply to evaluate")

    def resolve_path(self, node: Any, path: NodePath) -> tuple[Value, bool]:
        """The candidates of the node at ``path`` below ``node``, and whether it is written at all.

        Steps through ``Fn::If`` (every branch that may be deployed) and other intrinsics that
        return objects or lists (``Fn::FindInMap``, ``Fn::Select``); a branch without the node
        contributes ``NO_VALUE`` (the default applies there)."""
        try:
            leaves = self._walk(node, path)
            candidates: list[Candidate] = []
            for leaf, _, when in leaves:
                if leaf is NO_VALUE:
                    candidates.append(Candidate(NO_VALUE, when))
                else:
                    candidates += _under(when, self._eval(leaf))
            candidates = _cap(candidates)
        except UnresolvedError as error:
            return Value((), unknown_because=str(error)), True
        except RecursionError:
            return Value((), unknown_because="the value is nested too deeply to evaluate"), True
        if all(leaf is NO_VALUE for leaf, _, _ in leaves):
            return UNKNOWN, False
        return Value(tuple(candidates)), True

    def branches(self, node: Any, path: NodePath) -> Branches:
        """The nodes, as written, at ``path`` below ``node``: one for each ``Fn::If`` branch that may
        be deployed and writes it (none when the path cannot be followed), each with where it is
        written (``Fn::If`` steps included) and when it is deployed."""
        plain = _plain_branches(node, path)
        if plain is not None:
            return plain
        try:
            leaves = self._walk(node, path)
        except (UnresolvedError, RecursionError):
            return Branches((), (), ())
        written = [leaf for leaf in leaves if leaf[0] is not NO_VALUE]
        return Branches(
            tuple(leaf for leaf, _, _ in written),
            tuple(where for _, where, _ in written),
            tuple(when for _, _, when in written),
            tuple(when for leaf, _, when in leaves if leaf is NO_VALUE),
        )

    def settle(self, node: Any) -> Any:
        """``node`` with each ``Fn::If`` replaced by its branch where only one may be deployed (its
        condition is decided here) or both are the same; one whose branches differ stays as written.
        What holds no Fn::If or AWS::NoValue is returned as it is, not copied."""
        if isinstance(node, dict):
            if len(node) == 1 and "Fn::If" in node:
                branches = self.branches(node, ())
                undecided = any(branches.whens)
                if not undecided and branches.sometimes_absent:
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

    def variants(self, node: Any) -> list[tuple[Any, When]]:
        """``node`` as written once per way the template may be deployed, with every choice of a known
        set fixed in it: a ``Ref`` to a parameter with several allowed values replaced by one of them
        (also inside ``Fn::Sub``), each undecided ``Fn::If`` by one branch; with when each is deployed.
        For readers of languages inside templates (policies, definitions), which read a document as
        written: each variant is one document. The node itself (always) when it holds no such choice,
        or when the choices are more than MAX_VARIANTS (what varies then stays unknown to the reader)."""
        domains: dict[tuple[str, str], set[str]] = {}
        try:
            self._choices(node, domains)
        except (UnresolvedError, RecursionError):
            return [(node, ALWAYS)]
        if not domains:
            return [(node, ALWAYS)]
        keys = sorted(domains)
        count = 1
        for key in keys:
            count *= len(domains[key])
        if count > MAX_VARIANTS:
            return [(node, ALWAYS)]
        found = []
        for shown in _cartesian([sorted(domains[key]) for key in keys]):
            when = frozenset(Assumption(kind, name, value) for (kind, name), value in zip(keys, shown, strict=True))
            found.append((self._fixed(node, when), when))
        return found

    def _choices(self, node: Any, domains: dict[tuple[str, str], set[str]]) -> None:
        """The parameters with several allowed values and the undecided conditions ``node`` depends on."""
        if isinstance(node, list):
            for item in node:
                self._choices(item, domains)
            return
        if not isinstance(node, dict):
            return
        if len(node) == 1:
            ((key, argument),) = node.items()
            if key == "Ref" and isinstance(argument, str):
                self._parameter_choice(argument, domains)
                return
            if key == "Fn::Sub":
                text = argument[0] if isinstance(argument, list) and argument else argument
                bound = argument[1] if isinstance(argument, list) and len(argument) == 2 else {}
                for variable in sub_variables(text) if isinstance(text, str) else ():
                    if not variable.literal and not (isinstance(bound, dict) and variable.name in bound):
                        self._parameter_choice(variable.name, domains)
                self._choices(bound, domains)
                return
            if key == "Fn::If" and isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str):
                for _, when in self.condition_cases(argument[0]):
                    for assumption in when:
                        if assumption.kind == "parameter":
                            self._parameter_choice(assumption.name, domains)
                        else:
                            domains[("condition", assumption.name)] = {"true", "false"}
                self._choices(argument[1:], domains)
                return
        for value in node.values():
            self._choices(value, domains)

    def _parameter_choice(self, name: str, domains: dict[tuple[str, str], set[str]]) -> None:
        values = self.parameter_values(name) if self.is_parameter(name) else ()
        if len(values) > 1:
            domains[("parameter", name)] = {_shown(value) for value in values}

    def _fixed(self, node: Any, when: When) -> Any:
        """``node`` with the choices ``when`` makes written in."""
        chosen = {assumption.name: assumption.shown for assumption in when if assumption.kind == "parameter"}
        if isinstance(node, list):
            return [self._fixed(item, when) for item in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, argument),) = node.items()
            if key == "Ref" and isinstance(argument, str) and argument in chosen:
                return next(v for v in self.parameter_values(argument) if _shown(v) == chosen[argument])
            if key == "Fn::Sub" and isinstance(argument, (str, list)):
                text = argument[0] if isinstance(argument, list) and argument else argument
                bound = argument[1] if isinstance(argument, list) and len(argument) == 2 else {}
                if isinstance(text, str):
                    text = _written_in(text, chosen, bound if isinstance(bound, dict) else {})
                return {"Fn::Sub": [text, self._fixed(bound, when)] if isinstance(argument, list) else text}
            if key == "Fn::If" and isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str):
                truths = {truth for truth, case in self.condition_cases(argument[0]) if merge(case, when) is not None}
                if len(truths) == 1:
                    return self._fixed(argument[1] if truths.pop() else argument[2], when)
        return {key: self._fixed(value, when) for key, value in node.items()}

    def _walk(self, node: Any, path: NodePath) -> list[_Leaf]:
        """The raw nodes at ``path`` with where each is written and when, one per way the template
        may be deployed (NO_VALUE: absent there)."""
        nodes: list[_Leaf] = [(node, (), ALWAYS)]
        for step in path:
            following: list[_Leaf] = []
            for current, where, when in nodes:
                for branch, branch_path, branch_when in self._branches(current, where, when):
                    if _is_function(branch):  # an object or list an intrinsic returns: positions end here
                        following += [
                            (_step(case.value, step), branch_path, case.when)
                            for case in _under(branch_when, self._eval(branch))
                        ]
                    else:
                        following.append((_step(branch, step), (*branch_path, step), branch_when))
            nodes = _cap_nodes(following)
        leaves: list[_Leaf] = []
        for current, where, when in nodes:
            leaves += self._branches(current, where, when)
        return leaves

    def _branches(self, node: Any, where: NodePath, when: When) -> list[_Leaf]:
        """The raw nodes an ``Fn::If`` may stand for, with their paths and assumptions (the node
        itself when it is none); a branch that contradicts ``when`` is never deployed with it."""
        if not (isinstance(node, dict) and len(node) == 1 and "Fn::If" in node):
            return [(node, where, when)]
        argument = node["Fn::If"]
        if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
            raise UnresolvedError("an Fn::If that is not [condition, value if true, value if false]")
        branches: list[_Leaf] = []
        for truth, truth_when in sorted(self.condition_cases(argument[0]), key=lambda case: not case[0]):
            both = merge(when, truth_when)
            if both is None:
                continue
            index = 1 if truth else 2
            chosen = argument[index]
            if chosen == _NO_VALUE_REF:
                branches.append((NO_VALUE, where, both))
            else:
                branches += self._branches(chosen, (*where, "Fn::If", index), both)
        return branches

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

    def parameter_type(self, name: str) -> str | None:
        """A parameter's declared ``Type`` (``String`` when left out); None for no parameter."""
        parameters = self._template.get("Parameters")
        definition = parameters.get(name) if isinstance(parameters, dict) else None
        return str(definition.get("Type", "String")) if isinstance(definition, dict) else None

    def is_parameter(self, name: str) -> bool:
        parameters = self._template.get("Parameters")
        return isinstance(parameters, dict) and name in parameters

    def condition(self, name: str) -> set[bool]:
        """The truth values a named condition can take: both when it depends on a value that cannot
        be known here or on a parameter with several allowed values; raises UnresolvedError for a
        condition that is missing or part of a loop."""
        return {truth for truth, _ in self.condition_cases(name)}

    def condition_cases(self, name: str) -> list[tuple[bool, When]]:
        """The truth values a named condition can take, each with the assumptions it holds under:
        the parameter values that decide it, or the condition itself when nothing here can.

        Each condition is judged once: conditions built from the two before them would otherwise
        be judged a Fibonacci number of times (40 such conditions took over 10 minutes)."""
        if name not in self._condition_cache:
            self._condition_cache[name] = self._judge_condition(name)
        cases = self._condition_cache[name]
        if cases is None:
            raise _InvalidConditionError(f"condition {name} is missing or refers to itself")
        return cases

    def _judge_condition(self, name: str) -> list[tuple[bool, When]] | None:
        conditions = self._template.get("Conditions")
        if not isinstance(conditions, dict) or name not in conditions or name in self._condition_stack:
            return None  # missing, or part of a loop (which CloudFormation rejects)
        self._condition_stack.add(name)
        undecided = [(truth, frozenset({Assumption("condition", name, _text(truth))})) for truth in (True, False)]
        try:
            cases = self._truth(conditions[name])
        except (_InvalidConditionError, RecursionError):
            return None
        except UnresolvedError:
            return undecided  # it depends on a value known only at deploy time
        finally:
            self._condition_stack.discard(name)
        if len({truth for truth, _ in cases}) == 1:
            return [(cases[0][0], ALWAYS)]  # decided here, whatever the parameters
        return cases

    # -- evaluation ---------------------------------------------------------------------

    def _eval(self, node: Any) -> list[Candidate]:
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, argument),) = node.items()
                handler = _FUNCTIONS.get(key)
                if handler is not None:
                    return _cap(handler(self, argument))
                if key.startswith("Fn::"):
                    raise UnresolvedError(_unknown_function(key, argument))
            return _cap(self._eval_mapping(node))
        if isinstance(node, list):
            combos = _product(self._eval(item) for item in node)
            return _cap([Candidate([item for item in combo if item is not NO_VALUE], when) for combo, when in combos])
        return [Candidate(_text_value(node))]

    def _eval_mapping(self, node: dict[str, Any]) -> list[Candidate]:
        keys = list(node)
        combos = _product(self._eval(node[key]) for key in keys)
        return [
            Candidate({k: v for k, v in zip(keys, combo, strict=True) if v is not NO_VALUE}, when)
            for combo, when in combos
        ]

    def _ref(self, name: Any) -> list[Candidate]:
        if not isinstance(name, str):
            raise UnresolvedError("a Ref to something other than a name")
        if name in self._pseudo:
            return [Candidate(self._pseudo[name])]
        if self.is_parameter(name):
            values = self.parameter_values(name)
            if not values:
                raise UnresolvedError(_unknown_parameter(self._template, name))
            if len(values) == 1:
                return [Candidate(values[0])]
            return [Candidate(value, frozenset({Assumption("parameter", name, _shown(value))})) for value in values]
        raise UnresolvedError(f"the physical ID of {name} is known only once deployed")

    def _build(self, size: int, function: str) -> None:
        """Count a result of ``size`` characters against MAX_BUILT before it is built; past what is
        left, the value is unknown."""
        if size > self._unbuilt:
            raise _built_too_much(function)
        self._unbuilt -= size

    def _sub(self, argument: Any) -> list[Candidate]:
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            template_text, variables = argument
        else:
            template_text, variables = argument, {}
        texts = self._eval(template_text)
        if not all(isinstance(text.value, str) for text in texts):
            raise UnresolvedError("Fn::Sub")
        names = sorted({v.name for text in texts for v in sub_variables(text.value) if not v.literal})
        choices: list[list[Candidate]] = []
        for name in names:
            if name in variables:
                choices.append(self._eval(variables[name]))
            elif "." in name:
                raise UnresolvedError(f"${{{name}}} is known only once deployed")
            else:
                choices.append(self._ref(name))
        results = []
        for (text, *combo), when in _product([texts, *choices]):
            bound = dict(zip(names, combo, strict=True))
            try:
                substituted = substitute(text, partial(_bound_text, bound), longest=self._unbuilt)
            except TooLongError:
                raise _built_too_much("Fn::Sub") from None
            self._build(len(substituted), "Fn::Sub")
            results.append(Candidate(_text_value(substituted), when))
        return results

    def _join(self, argument: Any) -> list[Candidate]:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise UnresolvedError("Fn::Join")
        results = []
        for (delimiter, items), when in _product([self._eval(argument[0]), self._eval(argument[1])]):
            if not isinstance(items, list) or not isinstance(delimiter, str):
                raise UnresolvedError("Fn::Join")
            texts = [_text(item) for item in items if item is not NO_VALUE]
            self._build(sum(map(len, texts)) + len(delimiter) * max(len(texts) - 1, 0), "Fn::Join")
            results.append(Candidate(_text_value(delimiter.join(texts)), when))
        return results

    def _if(self, argument: Any) -> list[Candidate]:
        results: list[Candidate] = []
        for branch, _, when in self._branches({"Fn::If": argument}, (), ALWAYS):
            results += [Candidate(NO_VALUE, when)] if branch is NO_VALUE else _under(when, self._eval(branch))
        return results

    def _find_in_map(self, argument: Any) -> list[Candidate]:
        mappings = self._template.get("Mappings")
        if not (isinstance(argument, list) and len(argument) >= 3 and isinstance(mappings, dict)):
            raise UnresolvedError("Fn::FindInMap")
        results = []
        for (map_name, top, second), when in _product(self._eval(item) for item in argument[:3]):
            try:
                results.append(Candidate(mappings[map_name][top][second], when))
            except (KeyError, TypeError):
                raise UnresolvedError(f"Fn::FindInMap finds no entry {map_name}.{top}.{second}") from None
        return results

    def _select(self, argument: Any) -> list[Candidate]:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise UnresolvedError("Fn::Select")
        results = []
        for (index, items), when in _product([self._eval(argument[0]), self._eval(argument[1])]):
            try:
                results.append(Candidate(items[int(index)], when))
            except (ValueError, TypeError, IndexError, KeyError):
                raise UnresolvedError("Fn::Select") from None
        return results

    def _split(self, argument: Any) -> list[Candidate]:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise UnresolvedError("Fn::Split")
        results = []
        for (delimiter, text), when in _product([self._eval(argument[0]), self._eval(argument[1])]):
            if not (isinstance(delimiter, str) and isinstance(text, str) and delimiter):
                raise UnresolvedError("Fn::Split")
            self._build(len(text) + SPLIT_ITEM * (text.count(delimiter) + 1), "Fn::Split")
            results.append(Candidate(text.split(delimiter), when))
        return results

    def _base64(self, argument: Any) -> list[Candidate]:
        results = []
        for case in self._eval(argument):
            raw = _text(case.value).encode("utf-8", "surrogatepass")
            self._build(4 * -(-len(raw) // 3), "Fn::Base64")
            results.append(Candidate(base64.b64encode(raw).decode(), case.when))
        return results

    # -- conditions -----------------------------------------------------------------------

    def _truth(self, node: Any) -> list[tuple[bool, When]]:
        if isinstance(node, bool):
            return [(node, ALWAYS)]
        if isinstance(node, dict) and len(node) == 1:
            ((key, argument),) = node.items()
            if key == "Condition" and isinstance(argument, str):
                return self.condition_cases(argument)
            if key == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
                pairs = _product([self._eval(argument[0]), self._eval(argument[1])])
                return _truths([(_text(left) == _text(right), when) for (left, right), when in pairs])
            if key == "Fn::Not" and isinstance(argument, list) and len(argument) == 1:
                return [(not truth, when) for truth, when in self._truth(argument[0])]
            if key in ("Fn::And", "Fn::Or") and isinstance(argument, list) and argument:
                # Folded one operand at a time, merging equal outcomes: a product over all of them
                # grows as 2^n.
                conjunction = key == "Fn::And"
                cases = self._truth(argument[0])
                for item in argument[1:]:
                    options = self._truth(item)
                    combined = []
                    for left, left_when in cases:
                        for right, right_when in options:
                            both = merge(left_when, right_when)
                            if both is not None:
                                combined.append(((left and right) if conjunction else (left or right), both))
                    cases = _truths(combined)
                return cases
        raise UnresolvedError("condition")


def _cartesian(domains: list[list[str]]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for domain in domains:
        combos = [(*combo, value) for combo in combos for value in domain]
    return combos


def _written_in(text: str, chosen: dict[str, str], bound: dict[str, Any]) -> str:
    """A ``Fn::Sub`` text with the chosen parameters' values written in (other variables, literals
    ``${!Name}`` and bound names kept as written)."""
    parts, last = [], 0
    for variable in sub_variables(text):
        keep = variable.literal or variable.name in bound or variable.name not in chosen
        parts += [text[last : variable.start], text[variable.start : variable.end] if keep else chosen[variable.name]]
        last = variable.end
    return "".join([*parts, text[last:]])


def _truths(cases: list[tuple[bool, When]]) -> list[tuple[bool, When]]:
    """Truth cases without repeats; past MAX_CANDIDATES the assumptions are too many to follow."""
    unique = list(dict.fromkeys(cases))
    if len(unique) > MAX_CANDIDATES:
        raise UnresolvedError("too many combinations")
    if len({truth for truth, _ in unique}) == 1:
        return [(unique[0][0], ALWAYS)]
    return unique


def _under(when: When, candidates: list[Candidate]) -> list[Candidate]:
    """Candidates computed inside a branch deployed under ``when``, without contradicting ones."""
    if not when:
        return candidates
    kept = []
    for case in candidates:
        both = merge(when, case.when)
        if both is not None:
            kept.append(Candidate(case.value, both))
    return kept


_DYNAMIC_REFERENCE = "{{resolve:"


def _text_value(value: Any) -> Any:
    """A value as it is, unless it is text with a dynamic reference that CloudFormation resolves
    from SSM or Secrets Manager at deploy time."""
    if isinstance(value, str) and _DYNAMIC_REFERENCE in value:
        raise UnresolvedError(f"{value[:60]} is a dynamic reference, read at deploy time")
    return value


def _built_too_much(function: str) -> UnresolvedError:
    return UnresolvedError(f"{function} builds more text than samcheck computes for one template")


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
    tag = preprocessor_tag({key: argument})
    if tag is not None:
        return f"{tag} is filled in by a pre-processor such as Rain"
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


def _plain_branches(node: Any, path: NodePath) -> Branches | None:
    """``Resolver.branches`` where the walk meets no intrinsic function on its way and no ``Fn::If``
    at its end, as most properties are written (rules ask ~100,000 times per corpus run); None
    where it does, for the full walk."""
    for step in path:
        if node is NO_VALUE:
            break
        if intrinsic_name(node) is not None:
            return None
        node = _step(node, step)
    if node is NO_VALUE:
        return Branches((), (), (), (ALWAYS,))
    if intrinsic_name(node) == "Fn::If":
        return None
    return Branches((node,), (tuple(path),), (ALWAYS,))


def _cap_nodes(nodes: list[_Leaf]) -> list[_Leaf]:
    if len(nodes) > MAX_CANDIDATES:
        raise UnresolvedError("too many combinations")
    return nodes


def _bound_text(bound: dict[str, Any], variable: SubVariable) -> str:
    return _text(bound[variable.name])


def _shown(value: Any) -> str:
    """A parameter value as text, for an assumption ("a,b" for a list parameter; "" for the empty
    text, which would otherwise read as nothing in "when parameter P is ")."""
    if isinstance(value, list):
        return ",".join(map(_text, value))
    return _text(value) or '""'


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


def _product(options: Iterable[list[Candidate]]) -> list[tuple[tuple[Any, ...], When]]:
    """Every consistent combination of one candidate per option, with its merged assumptions.

    A combination grows as a chain (its last value, the chain before) and is written out once at the
    end: extending tuples one option at a time costs the square of the options (a list of 200,000
    items took 50 s)."""
    chains: list[tuple[Any, When]] = [(None, ALWAYS)]  # None: the empty chain
    for choice in options:
        following = []
        for chain, when in chains:
            for case in choice:
                both = merge(when, case.when) if case.when else when
                if both is not None:
                    following.append(((case.value, chain), both))
        chains = following
        if len(chains) > MAX_CANDIDATES:
            raise UnresolvedError("too many combinations")
    combos = []
    for chain, when in chains:
        values = []
        while chain is not None:
            value, chain = chain
            values.append(value)
        combos.append((tuple(reversed(values)), when))
    return combos


def _cap(candidates: list[Candidate]) -> list[Candidate]:
    if len(candidates) > MAX_CANDIDATES:
        raise UnresolvedError("too many combinations")
    unique: list[Candidate] = []
    for case in candidates:
        if not any(case.when == seen.when and case.value == seen.value for seen in unique):
            unique.append(case)
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
