import re
from collections.abc import Iterator

from samcheck.analysis.values import as_number
from samcheck.rule import Finding, Rule, RuleContext, Severity, referenced

# The oldest version of each runtime family that supports SnapStart (Lambda SnapStart docs).
SNAPSTART_MINIMUM_VERSION = {"java": (11,), "python": (3, 12), "dotnet": (8,)}
_RUNTIME = re.compile(r"^(java|python|dotnet)(\d+)(?:\.(\d+))?$")


class LambdaSnapstartIncompatible(Rule):
    """SnapStart works on Java 11+, Python 3.12+ and .NET 8+, and not together with provisioned
    concurrency, an EFS file system, or ephemeral storage above 512 MB. Any of these makes the
    version publish fail.

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        functions = {f.logical_id: f for f in context.of_type("AWS::Lambda::Function")}
        provisioned = {
            name
            for holder in context.of_type("AWS::Lambda::Alias", "AWS::Lambda::Version")
            if "ProvisionedConcurrencyConfig" in holder.properties
            for name, _, _ in referenced(holder.properties.get("FunctionName"), functions)
        }
        storage_max = context.limit("lambda-snapstart-ephemeral-storage-max")
        for function in functions.values():
            apply_on = context.property(function, ("SnapStart", "ApplyOn"))
            if "PublishedVersions" not in apply_on.candidates:
                continue
            problems = []
            for runtime in context.property(function, "Runtime").candidates:
                if isinstance(runtime, str) and not _supports_snapstart(runtime):
                    problems.append(f"runtime {runtime} (SnapStart needs Java 11+, Python 3.12+ or .NET 8+)")
            if function.logical_id in provisioned:
                problems.append("provisioned concurrency")
            if function.properties.get("FileSystemConfigs"):
                problems.append("an EFS file system (FileSystemConfigs)")
            sizes = [as_number(s) for s in context.property(function, ("EphemeralStorage", "Size")).candidates]
            if any(size is not None and size > storage_max for size in sizes):
                problems.append(f"ephemeral storage above {storage_max:g} MB")
            if problems:
                yield context.report(
                    apply_on.location,
                    f"SnapStart cannot be used with {' and '.join(problems)}; remove SnapStart or "
                    "the conflicting setting",
                    resource=function.source_id,
                )


def _supports_snapstart(runtime: str) -> bool:
    match = _RUNTIME.match(runtime)
    if not match:
        return False
    family, major, minor = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    return (major, minor) >= (*SNAPSTART_MINIMUM_VERSION[family], 0)[:2]
