from collections.abc import Iterator
from typing import Any

from samcheck.analysis.values import texts
from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity, Span, intrinsic_name, sub_variables

_APPLICATION = "AWS::Serverless::Application"
_KEYS = ("ApplicationId", "SemanticVersion")
# The intrinsics the translator resolves in a Location before it calls the repository.
_RESOLVED_BY_SAM = ("Ref", "Fn::FindInMap", "Fn::Sub")


class ServerlessApplicationLocation(Rule):
    """An ``AWS::Serverless::Application`` from the Serverless Application Repository (``Location``
    with ``ApplicationId`` and ``SemanticVersion``) is checked as the SAM translator checks it before
    it calls the repository: both keys present, each a string (``SemanticVersion: 1.0`` is a number
    to YAML), no ``{{resolve:ssm:…}}`` in ``ApplicationId``, and no intrinsic function but a ``Ref``
    to a parameter, an ``Fn::FindInMap`` of three arguments or an ``Fn::Sub`` of parameters (the
    translator resolves nothing else, and ``sam deploy`` fails). Whether the application and version exist and are
    shared with the account needs the network: samcheck says so once, as info, and never guesses.

    **Anti-pattern**

    ```yaml
    Location:
      ApplicationId: !GetAtt Registry.ApplicationArn
      SemanticVersion: 1.0
    ```

    **Best practice**

    ```yaml
    Location:
      ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/shared-dlq
      SemanticVersion: "1.0.0"
    ```
    """

    id = "SC0012"
    name = "serverless-application-location"
    severity = Severity.ERROR
    summary = "A repository application whose ApplicationId or SemanticVersion the translator rejects"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-application.html"
    tags = ("sam", "template")
    resource_types = frozenset({"AWS::Serverless::Application"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        parameters = template.source.get("Parameters")
        names = set(parameters) if isinstance(parameters, dict) else set()
        for logical_id, resource in template.source_resources.items():
            properties = resource.get("Properties")
            written = properties.get("Location") if isinstance(properties, dict) else None  # as written: SAM's input
            location = context.settle(written)
            if resource.get("Type") != _APPLICATION or not isinstance(location, dict):
                continue
            if intrinsic_name(location):
                continue  # an intrinsic function: where it points is known only at deploy time
            base: NodePath = ("Resources", logical_id, "Properties", "Location")
            problems = [
                (key, problem) for key in _KEYS if (problem := _problem(key, location.get(key), names)) is not None
            ]
            for key, problem in problems:
                path = (*base, key) if key in location else base
                yield context.report(self._span(context, path), problem, resource=logical_id)
            if not problems:
                version = context.resolve(location["SemanticVersion"])
                versions = list(dict.fromkeys(case.value for case in texts(version)))
                shown = f" version {version.describe(versions)}" if versions else ""
                yield context.report(
                    self._span(context, base),
                    f"{logical_id} comes from the Serverless Application Repository: whether the application"
                    f"{shown} exists and is shared with the deploying account is checked only by sam deploy, "
                    "not offline",
                    resource=logical_id,
                    severity=Severity.INFO,
                )

    @staticmethod
    def _span(context: RuleContext, path: NodePath) -> Span:
        return context.document.source_map.nearest(path)[1]


def _problem(key: str, value: Any, parameters: set[str]) -> str | None:
    """What the translator says of one Location key, or None when it accepts it."""
    if value is None:
        return f"Location has no {key}; the SAM translator requires ApplicationId and SemanticVersion"
    if isinstance(value, dict):
        function = next(iter(value)) if len(value) == 1 else None
        arguments = value.get("Fn::FindInMap")
        if function == "Fn::FindInMap" and not (isinstance(arguments, list) and len(arguments) == 3):
            count = f"{len(arguments)} arguments" if isinstance(arguments, list) else "a single value"
            return (
                f"Location.{key} gives Fn::FindInMap {count}; it takes exactly three (map name, top-level key, "
                "second-level key), and the SAM translator rejects any other"
            )
        if function not in _RESOLVED_BY_SAM or not _resolvable(function, value[function], parameters):
            return (
                f"Location.{key} uses {function or 'an object'}, which the SAM translator cannot resolve (it "
                "resolves only a Ref to a parameter, Fn::FindInMap and an Fn::Sub of parameters); write the "
                "value, or pass it as a parameter"
            )
        return None
    if not isinstance(value, str):
        shown = f"{value!r}" if not isinstance(value, bool) else str(value).lower()
        return f'Location.{key} is {shown}, not a string; quote it ("{value}") so the SAM translator accepts it'
    if key == "ApplicationId" and "{{resolve:ssm:" in value:
        return (
            "Location.ApplicationId is a dynamic reference, which the Serverless Application Repository does not take"
        )
    if not value.strip():
        return f"Location.{key} is blank; the SAM translator requires a value"
    return None


def _resolvable(function: str | None, argument: Any, parameters: set[str]) -> bool:
    """Whether the translator resolves it: Refs to parameters or pseudo parameters, maps, Subs of those."""
    if function == "Ref":
        return isinstance(argument, str) and (argument in parameters or argument.startswith("AWS::"))
    if function == "Fn::Sub":
        text = argument[0] if isinstance(argument, list) and argument else argument
        variables = argument[1] if isinstance(argument, list) and len(argument) == 2 else {}
        if variables:
            return True  # a variables map: what it resolves to is not judged
        if not isinstance(text, str):
            return False
        return all(v.literal or v.name in parameters or v.name.startswith("AWS::") for v in sub_variables(text))
    return function == "Fn::FindInMap"
