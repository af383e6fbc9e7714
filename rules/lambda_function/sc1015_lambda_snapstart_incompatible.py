import re
from collections.abc import Iterator

from samcheck.analysis.values import Candidate, When, numbers, qualifier, texts, together
from samcheck.analysis.wiring import function_behind, reaches
from samcheck.rule import Finding, Rule, RuleContext, Severity

# The oldest version of each runtime family that supports SnapStart (Lambda SnapStart docs).
SNAPSTART_MINIMUM_VERSION = {"java": (11,), "python": (3, 12), "dotnet": (8,)}
_RUNTIME = re.compile(r"^(java|python|dotnet)(\d+)(?:\.(\d+))?$")


class LambdaSnapstartIncompatible(Rule):
    """SnapStart works on Java 11+, Python 3.12+ and .NET 8+, and not together with provisioned
    concurrency, an EFS file system, or ephemeral storage above 512 MB. Any of these makes the
    version publish fail. Each allowed value of a parameter and each branch of an undecided ``Fn::If``
    is judged; a finding names the deployments it holds in.

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.11
        AutoPublishAlias: live
        SnapStart:
          ApplyOn: PublishedVersions
        EphemeralStorage:
          Size: 2048
    ```

    **Best practice**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.13
        AutoPublishAlias: live
        SnapStart:
          ApplyOn: PublishedVersions
    ```
    """

    id = "SC1015"
    name = "lambda-snapstart-incompatible"
    severity = Severity.ERROR
    summary = "SnapStart on an unsupported runtime, or with provisioned concurrency, EFS or large /tmp"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html"
    tags = ("lambda", "snapstart")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        provisioned = _provisioned(context)
        storage_max = context.limit("lambda-snapstart-ephemeral-storage-max")
        for function in context.of_type("AWS::Lambda::Function"):
            apply_on = context.property(function, ("SnapStart", "ApplyOn"))
            published = [case for case in texts(apply_on) if case.value == "PublishedVersions"]
            if not published:
                continue
            problems = [
                Candidate(f"runtime {case.value} (SnapStart needs Java 11+, Python 3.12+ or .NET 8+)", case.when)
                for case in texts(context.property(function, "Runtime"))
                if not _supports_snapstart(case.value)
            ]
            problems += [
                Candidate("provisioned concurrency", when) for when in provisioned.get(function.logical_id, [])
            ]
            mounts = context.branches(function, "FileSystemConfigs")
            problems += [
                Candidate("an EFS file system (FileSystemConfigs)", when)
                for node, when in zip(mounts.nodes, mounts.whens, strict=True)
                if node
            ]
            problems += [
                Candidate(f"ephemeral storage above {storage_max:g} MB", case.when)
                for case in numbers(context.property(function, ("EphemeralStorage", "Size")))
                if case.value > storage_max
            ]
            # One finding per way of deploying: the problems that hold together, named once.
            grouped: dict[When, list[str]] = {}
            for (_, problem), when in together(published, problems):
                grouped.setdefault(when, [])
                if problem not in grouped[when]:
                    grouped[when].append(problem)
            for when, found in grouped.items():
                yield context.report(
                    apply_on.location,
                    f"SnapStart cannot be used with {' and '.join(found)}{qualifier(when)}; remove SnapStart or "
                    "the conflicting setting",
                    resource=function.source_id,
                    related=context.when_related(when),
                )


def _provisioned(context: RuleContext) -> dict[str, list[When]]:
    """The functions an alias or version provisions concurrency for (logical IDs), with when."""
    template = context.template
    found: dict[str, list[When]] = {}
    for holder in context.of_type("AWS::Lambda::Alias", "AWS::Lambda::Version"):
        config = context.branches(holder, "ProvisionedConcurrencyConfig")
        configured = [Candidate(holder, when) for when in config.whens]
        for reach in reaches(template, holder, "FunctionName"):
            function = function_behind(template, reach.target)
            if function is not None:
                found.setdefault(function.logical_id, []).extend(
                    when for _, when in together(configured, [Candidate(function, reach.when)])
                )
    return found


def _supports_snapstart(runtime: str) -> bool:
    match = _RUNTIME.match(runtime)
    if not match:
        return False
    family, major, minor = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    return (major, minor) >= (*SNAPSTART_MINIMUM_VERSION[family], 0)[:2]
