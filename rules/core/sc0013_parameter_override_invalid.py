import re
from collections.abc import Iterator
from typing import Any

from samcheck.rule import Finding, Rule, RuleContext, Severity, Span


class ParameterOverrideInvalid(Rule):
    """A parameter value given with ``--parameter-overrides`` (or ``samconfig.toml``) that
    CloudFormation would reject: outside the parameter's ``AllowedValues``, not matching its
    ``AllowedPattern``, outside ``MinValue``/``MaxValue`` or ``MinLength``/``MaxLength``, or not a
    number for a ``Number`` parameter (error). A value for a parameter the template does not declare
    is a warning: CloudFormation rejects it ("Parameters: [X] do not exist in the template"), but the
    same overrides may be meant for several templates of one run.

    **Anti-pattern**

    ```yaml
    # samcheck --parameter-overrides Stage=production
    Parameters:
      Stage:
        Type: String
        AllowedValues: [dev, prod]
    ```

    **Best practice**

    ```yaml
    # samcheck --parameter-overrides Stage=prod
    ```
    """

    id = "SC0013"
    name = "parameter-override-invalid"
    severity = Severity.ERROR
    summary = "A parameter override CloudFormation would reject, or one for a parameter the template lacks"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html"
    tags = ("template", "parameters")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        source = context.template.source
        parameters = source.get("Parameters")
        parameters = parameters if isinstance(parameters, dict) else {}
        source_map = context.document.source_map
        for name, value in context.settings.parameter_overrides:
            definition = parameters.get(name)
            if not isinstance(definition, dict):
                where = source_map.nearest(("Parameters",))[1] if parameters else Span.point()
                yield context.report(
                    where,
                    f"parameter override {name}={value} names no parameter of this template, and CloudFormation "
                    "rejects parameters a template does not declare; fix the name or drop it for this template",
                    severity=Severity.WARNING,
                )
                continue
            problem = _problem(definition, value)
            if problem:
                yield context.report(
                    source_map.nearest(("Parameters", name))[1],
                    f"parameter override {name}={value} {problem}, so CloudFormation rejects it; pass a valid value",
                )


def _problem(definition: dict[str, Any], value: str) -> str | None:
    kind = str(definition.get("Type", "String"))
    items = (
        [item.strip() for item in value.split(",")] if kind.startswith("List<") or "CommaDelimited" in kind else [value]
    )
    allowed = definition.get("AllowedValues")
    for item in items:
        if isinstance(allowed, list) and allowed and item not in [str(option) for option in allowed]:
            return f"is not one of its AllowedValues ({', '.join(map(str, allowed))})"
        pattern = definition.get("AllowedPattern")
        if isinstance(pattern, str) and _invalid_pattern(pattern, item):
            return f"does not match its AllowedPattern {pattern}"
    if kind == "Number":
        try:
            number = float(value)
        except ValueError:
            return "is not a number, and the parameter's Type is Number"
        for key, compare, words in (("MinValue", float.__lt__, "below"), ("MaxValue", float.__gt__, "above")):
            bound = _number(definition.get(key))
            if bound is not None and compare(number, bound):
                return f"is {words} its {key} {bound:g}"
    for key, too, words in (("MinLength", int.__lt__, "shorter than"), ("MaxLength", int.__gt__, "longer than")):
        bound = _number(definition.get(key))
        if kind == "String" and bound is not None and too(len(value), int(bound)):
            return f"is {words} its {key} {bound:g}"
    return None


def _invalid_pattern(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value) is None
    except re.error:
        return False  # a pattern Python reads otherwise than CloudFormation: not judged


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None
