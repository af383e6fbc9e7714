from collections.abc import Iterator
from typing import Any

from samcheck.analysis.cfnlint_data import reserved_environment_variables
from samcheck.analysis.values import ALWAYS, Candidate, When, mappings, qualifier, texts
from samcheck.rule import Finding, NodePath, Property, Rule, RuleContext, Severity, intrinsic_name, substitute


class LambdaEnvSize(Rule):
    """A function's environment variables may total at most 4 KB (keys plus values, as Lambda
    counts them), and some names are reserved for the runtime (``AWS_REGION``, ``_HANDLER``,
    ``AWS_LAMBDA_FUNCTION_NAME``, ``LAMBDA_TASK_ROOT``…): setting them fails the deploy. Values
    that cannot be resolved statically (an ARN from ``!GetAtt``) count at the length of their
    literal text, so the total is then a lower bound; each allowed value of a parameter and each
    branch of an undecided ``Fn::If`` is judged, and a finding names which. The reserved names come
    from the data that ships with cfn-lint.

    **Anti-pattern**

    ```yaml
    Environment:
      Variables:
        AWS_REGION: eu-west-1
        CONFIG: '{"…": "a 5 KB JSON document"}'
    ```

    **Best practice**

    ```yaml
    Environment:
      Variables:
        CONFIG_PARAMETER: /app/config  # read the document from SSM or AppConfig at start-up
    ```
    """

    id = "SC1004"
    name = "lambda-env-size"
    severity = Severity.ERROR
    summary = "Environment variables over 4 KB in total, or a reserved variable name"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html"
    tags = ("lambda", "limit")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limit = context.limit("lambda-environment-max")
        reserved = reserved_environment_variables()
        path: NodePath = ("Environment", "Variables")
        for function in context.of_type("AWS::Lambda::Function"):
            branches = context.branches(function, path)
            written = [
                (node, where, when)
                for node, where, when in zip(branches.nodes, branches.paths, branches.whens, strict=True)
                if isinstance(node, dict)
            ]
            # A reserved name in every branch is reported once; one in some branches, per branch.
            everywhere = reserved.intersection(*(node for node, _, _ in written)) if written else frozenset()
            reported = [(name, written[0][1], ALWAYS) for name in sorted(everywhere)]
            reported += [
                (name, where, when)
                for node, where, when in written
                for name in sorted(reserved.intersection(node) - everywhere)
            ]
            for name, where, when in reported:
                yield context.report(
                    context.locate(function, (*where, name)),
                    f"environment variable {name} is reserved by the Lambda runtime and cannot be set"
                    f"{qualifier(when)}; rename it",
                    resource=function.source_id,
                    related=context.when_related(when),
                )
            for variables, when in _judged(context.property(function, path), written):
                size, exact = _size(context, variables)
                if size > limit:
                    bound = "" if exact else "at least "
                    yield context.report(
                        context.locate(function, path),
                        f"environment variables total {bound}{size:,} bytes (keys plus values) > {limit:,.0f} "
                        f"bytes allowed{qualifier(when)}; move large values to SSM Parameter Store, Secrets "
                        "Manager or AppConfig",
                        resource=function.source_id,
                        related=context.when_related(when),
                    )


def _judged(resolved: Property, written: list[tuple[dict[str, Any], NodePath, When]]) -> list[Candidate]:
    """The variables to measure: each resolved candidate when every value is known, else each
    branch as written (its unknown values measured by what surely is in them)."""
    known = mappings(resolved)
    if known and len(known) == len(resolved.value.cases):
        return known
    return [Candidate(node, when) for node, _, when in written]


def _size(context: RuleContext, variables: dict[str, Any]) -> tuple[int, bool]:
    """Total bytes of keys and values, and whether every value was known: a value that is one of
    several counts at its shortest, one known only at deploy time at its literal text, and one
    that an ``Fn::If`` may leave out not at all."""
    total, exact = 0, True
    for key, value in variables.items():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            total += _bytes(key) + _bytes(str(value))
            continue
        exact = False
        resolved = context.resolve(value)
        shown = texts(resolved)
        if shown and len(shown) == len(resolved.cases):
            total += _bytes(key) + min(_bytes(case.value) for case in shown)
        elif intrinsic_name(value) != "Fn::If":
            total += _bytes(key) + _literal_length(value)
    return total, exact


def _literal_length(value: Any) -> int:
    """The bytes of a value's literal text that will surely be in the result."""
    if isinstance(value, str):
        return _bytes(value)
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        text = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
        return _bytes(substitute(text, lambda variable: "")) if isinstance(text, str) else 0
    return 0


def _bytes(text: str) -> int:
    """Its UTF-8 length; a lone surrogate (a JSON escape such as \\ud800) counts its three bytes."""
    return len(text.encode("utf-8", "surrogatepass"))
