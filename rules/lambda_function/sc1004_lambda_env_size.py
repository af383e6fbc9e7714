from collections.abc import Iterator
from typing import Any

from samcheck.analysis.cfnlint_data import reserved_environment_variables
from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity, substitute


class LambdaEnvSize(Rule):
    """A function's environment variables may total at most 4 KB (keys plus values, as Lambda
    counts them), and some names are reserved for the runtime (``AWS_REGION``, ``_HANDLER``,
    ``AWS_LAMBDA_FUNCTION_NAME``, ``LAMBDA_TASK_ROOT``…): setting them fails the deploy. Values
    that cannot be resolved statically (an ARN from ``!GetAtt``) count at the length of their
    literal text, so the total is then a lower bound. The reserved names come from the data that
    ships with cfn-lint.

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limit = context.limit("lambda-environment-max")
        reserved = reserved_environment_variables()
        for function in context.of_type("AWS::Lambda::Function"):
            path: NodePath = ("Environment", "Variables")
            variables = context.resolve(function.properties.get("Environment"))
            raw = function.properties.get("Environment")
            raw_variables = raw.get("Variables") if isinstance(raw, dict) else None
            if not isinstance(raw_variables, dict):
                continue
            for name in raw_variables:
                if name in reserved:
                    yield context.report(
                        context.locate(function, (*path, name)),
                        f"environment variable {name} is reserved by the Lambda runtime and cannot be set; rename it",
                        resource=function.source_id,
                    )
            size, exact = _size(raw_variables, variables.single)
            if size > limit:
                bound = "" if exact else "at least "
                yield context.report(
                    context.locate(function, path),
                    f"environment variables total {bound}{size:,} bytes (keys plus values) > {limit:,.0f} "
                    "bytes allowed; move large values to SSM Parameter Store, Secrets Manager or AppConfig",
                    resource=function.source_id,
                )


def _size(raw: dict[str, Any], resolved_environment: Any) -> tuple[int, bool]:
    """Total bytes of keys and values, and whether every value was known."""
    resolved = resolved_environment.get("Variables") if isinstance(resolved_environment, dict) else None
    total, exact = 0, True
    for key, value in raw.items():
        total += len(key.encode())
        known = resolved.get(key) if isinstance(resolved, dict) else None
        if isinstance(known, (str, int, float)) and not isinstance(known, bool):
            total += len(str(known).encode())
        else:
            exact = False
            total += _literal_length(value)
    return total, exact


def _literal_length(value: Any) -> int:
    """The bytes of a value's literal text that will surely be in the result."""
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        text = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
        return len(substitute(text, lambda variable: "").encode()) if isinstance(text, str) else 0
    return 0
