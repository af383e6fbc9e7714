import re
from collections.abc import Iterator
from functools import cache

from samcheck.analysis.cfnlint_data import allowed_values, runtime_lifecycle
from samcheck.analysis.values import qualifier, texts
from samcheck.rule import Finding, Rule, RuleContext, Severity

# Every Lambda runtime identifier is lower case letters, digits, dots and hyphens (python3.13,
# nodejs22.x, provided.al2023, nodejs4.3-edge): anything else is none, whatever AWS adds next.
_IDENTIFIER = re.compile(r"^[a-z0-9.\-]+$")
_FAMILY = re.compile(r"^([a-z]+)(.*)$")
# Family names people write for the ones Lambda uses.
_FAMILY_ALIASES = {"node": "nodejs", "py": "python", "golang": "go", ".net": "dotnet", "net": "dotnet"}


class LambdaRuntimeIdentifier(Rule):
    """``Runtime`` takes a runtime identifier (``python3.13``, ``nodejs22.x``), not its display name:
    ``Python 3.13``, ``nodejs 20`` or ``Java21`` fail the deploy (identifiers are lower case, without
    spaces), and so does a family Lambda does not name that way (``node20`` for ``nodejs20.x``). The
    likely identifier is suggested from the runtime tables that ship with cfn-lint. The list of valid
    runtimes is not judged (it grows faster than any table): a well-formed identifier samcheck does
    not know, and one known only at deploy time, are left alone; every runtime a parameter allows or
    a condition chooses is judged.

    **Anti-pattern**

    ```yaml
    Runtime: Python 3.13
    ```

    **Best practice**

    ```yaml
    Runtime: python3.13
    ```
    """

    id = "SC1020"
    name = "lambda-runtime-identifier"
    severity = Severity.ERROR
    summary = "A runtime written as a display name or alias (Python 3.13, node20) instead of its identifier"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"
    tags = ("lambda", "runtime")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        known = _known_runtimes(context.region)
        for function in context.of_type("AWS::Lambda::Function"):
            runtime = context.property(function, "Runtime")
            for name, when in texts(runtime):
                if name in known:
                    continue
                likely = _likely_identifier(name, known)
                if _IDENTIFIER.match(name) and likely is None:
                    continue  # well formed: a runtime newer than the table, or one Lambda refuses by name
                why = (
                    "Lambda names no runtime that way"
                    if _IDENTIFIER.match(name)
                    else "identifiers are lower case, without spaces"
                )
                advice = f"; write {likely}" if likely else ", e.g. python3.13 or nodejs22.x"
                yield context.report(
                    runtime.location,
                    f"runtime {name!r}{qualifier(when)} is not a runtime identifier: {why}{advice}",
                    resource=function.source_id,
                    related=context.when_related(when),
                )


@cache
def _known_runtimes(region: str) -> frozenset[str]:
    """The identifiers cfn-lint knows: its resource schema's and its lifecycle table's."""
    return frozenset(runtime_lifecycle()) | frozenset(allowed_values("AWS::Lambda::Function", "Runtime", region))


def _likely_identifier(name: str, known: frozenset[str]) -> str | None:
    """The known identifier a display name or alias stands for ("Python 3.13" -> python3.13,
    "node20" -> nodejs20.x); None when there is none."""
    compact = re.sub(r"[\s_]+", "", name.lower())
    for alias, family in _FAMILY_ALIASES.items():
        if compact.startswith(alias) and not compact.startswith(family):
            compact = family + compact.removeprefix(alias)
            break
    match = _FAMILY.match(compact)
    if match is None:
        return None
    family, version = match.groups()
    for guess in (f"{family}{version}", f"{family}{version}.x"):
        if guess in known and guess != name:
            return guess
    return None
