import difflib
from collections.abc import Iterator

from samcheck.analysis import reference_kinds, service_constraints
from samcheck.analysis.service_constraints import Constraint
from samcheck.analysis.values import Candidate, entry_indices, mappings, numbers, qualifier, texts
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity, property_name, shortened

# Where a value is read: the property path with list indices and mapping keys filled in, and
# whether the value is a mapping's key (named as such in messages).
_Read = tuple[NodePath, bool, Candidate]


class ServiceConstraint(Rule):
    """A property's value must satisfy what the service's own API accepts for it: the pattern,
    length, numeric range and enum in the service model (botocore's ``service-2.json``, installed
    with the SAM translator). The CloudFormation schema often lets such a value through, and the
    service refuses it at deploy time: a ``Handler`` with a space, an alias ``Name`` of digits only, a
    ``Schedule`` ``MaximumWindowInMinutes`` of 2,000, an environment variable named ``1ST``. Which
    properties become which API members is the table ``schemas/service_constraints.json`` (with the
    rows whose rule the model leaves out, such as a queue's name, and the properties other rules
    already judge). Every candidate of a known set is judged, at the SAM or CloudFormation line
    written (or at the function, with its ``Globals`` key); an unknown value, one built from unknown
    parts, a pattern Python cannot read as Java does, and an enum botocore may lag behind on
    (runtimes) are not judged.

    **Anti-pattern**

    ```yaml
    Handler: app handler
    Environment:
      Variables:
        1ST_RUN: "true"
    ```

    **Best practice**

    ```yaml
    Handler: app.handler
    Environment:
      Variables:
        FIRST_RUN: "true"
    ```
    """

    id = "SC0019"
    name = "service-constraint"
    severity = Severity.ERROR
    summary = "A value the service's API refuses: its pattern, length, range or enum (from botocore's models)"
    url = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"
    tags = ("template", "limit")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for resource in context.resources.values():
            if not service_constraints.covered(resource.type):
                continue
            for constraint in service_constraints.constraints(resource.type):
                shown: list[tuple[NodePath, bool, Candidate, tuple[str, str, str]]] = []
                more = 0
                for path, key, case in _reads(context, resource, constraint, (), 0):
                    problem = _problem(constraint, case.value)
                    if not problem or _reference_kind_reports(context, resource, path, key, case.value):
                        continue
                    if not context.template.user_wrote(resource, path):
                        continue
                    if len(shown) < MOST_SHOWN:
                        shown.append((path, key, case, problem))
                    else:
                        more += 1
                for index, (path, key, case, problem) in enumerate(shown, 1):
                    left = more if index == len(shown) else 0
                    yield _finding(context, resource, path, key, case, constraint, problem, left)


# Beyond this many entries of one property that break one rule (list items, mapping keys), the
# rest are counted in the last finding: a list of 300,000 wrong layers is one mistake, not 300,000.
MOST_SHOWN = 10


def _reference_kind_reports(context: RuleContext, resource: Resource, path: NodePath, key: bool, value: object) -> bool:
    """A quoted intrinsic or a bare logical ID where a reference is taken: SC0020 names the fix."""
    if key or not isinstance(value, str):
        return False
    return reference_kinds.judges_text(context.template, resource.type, path, value)


def _reads(
    context: RuleContext, resource: Resource, constraint: Constraint, prefix: NodePath, step: int
) -> Iterator[_Read]:
    """Every candidate at the constraint's path, list items and mapping keys spelled out."""
    if step == len(constraint.path):
        read = context.property(resource, prefix)
        for case in numbers(read) if constraint.numeric else texts(read):
            yield prefix, False, case
        return
    name = constraint.path[step]
    if name == "[]":
        for index in entry_indices(context.template, resource, prefix):
            yield from _reads(context, resource, constraint, (*prefix, index), step + 1)
    elif name == "{}":
        for case in mappings(context.property(resource, prefix)):
            for key in case.value:
                yield (*prefix, key), True, Candidate(key, case.when)
    else:
        yield from _reads(context, resource, constraint, (*prefix, name), step + 1)


def _problem(constraint: Constraint, value: object) -> tuple[str, str, str] | None:
    """What the API's rule says, what the value does against it, and the fix; None when accepted."""
    if constraint.numeric and isinstance(value, (int, float)):
        shown = f"{value:g}"
        if constraint.low is not None and value < constraint.low:
            return f"be at least {constraint.low:g}", f"{shown} is below", f"set {constraint.low:g} or more"
        if constraint.high is not None and value > constraint.high:
            return f"be at most {constraint.high:g}", f"{shown} is above", f"set {constraint.high:g} or less"
        return None
    text = str(value)
    shown = f"'{shortened(text)}'"
    if constraint.enum and text not in constraint.enum:
        near = difflib.get_close_matches(text, constraint.enum, n=1)
        fix = f"did you mean {near[0]}?" if near else "write one of them"
        return f"be one of {', '.join(constraint.enum)}", f"{shown} is none of them", fix
    if constraint.high is not None and len(text) > constraint.high:
        return (
            f"be at most {constraint.high:g} characters long",
            f"{shown} has {len(text):,}",
            f"shorten it to {constraint.high:g}",
        )
    if constraint.low is not None and len(text) < constraint.low:
        return f"be at least {constraint.low:g} characters long", f"{shown} has {len(text)}", "lengthen it"
    pattern = constraint.pattern
    if pattern is not None and pattern.fullmatch(text) is None:
        if any(character.isspace() for character in text) and pattern.fullmatch("".join(text.split())):
            return f"match {pattern.pattern}", f"{shown} has a space", "remove it"
        return f"match {pattern.pattern}", f"{shown} does not", "write a value that does"
    return None


def _finding(
    context: RuleContext,
    resource: Resource,
    path: NodePath,
    key: bool,
    case: Candidate,
    constraint: Constraint,
    problem: tuple[str, str, str],
    more: int,
) -> Finding:
    steps = path[:-1] if key else path
    name = property_name(steps)
    must, why, fix = problem
    others = f" ({more:,} more entries of this property break the same rule)" if more else ""
    return context.report(
        context.locate(resource, path),
        f"{f'a key of {name}' if key else name} must {must} ({constraint.source}), "
        f"and {why}{qualifier(case.when)}: {fix}{others}",
        resource=resource.source_id,
        related=context.when_related(case.when),
    )
