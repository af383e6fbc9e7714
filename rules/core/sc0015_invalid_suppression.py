from collections.abc import Iterator
from typing import Any

from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity, read_directives


class InvalidSuppression(Rule):
    """A suppression that cannot work as written, and would otherwise be ignored in silence: a
    comment with a date that is not ``YYYY-MM-DD`` (``until=2027-3-31`` suppresses nothing), without
    rules in brackets (a bare ``# samcheck: ignore``), or naming a rule that does not exist (a
    misspelled id hides nothing); a ``Metadata`` ``samcheck: {ignore: …}`` that is not a list, or
    names a rule that does not exist.

    **Anti-pattern**

    ```yaml
    Timeout: 1200  # samcheck: ignore[SC1010] until=2027-3-31
    ```

    **Best practice**

    ```yaml
    Timeout: 1200  # samcheck: ignore[SC1001] until=2027-03-31 long batch job, ticket OPS-12
    ```
    """

    id = "SC0015"
    name = "invalid-suppression"
    severity = Severity.WARNING
    summary = "A suppression comment or Metadata ignore that cannot work as written"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
    tags = ("suppression",)
    needs_template = False

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for directive in read_directives(context.document.lines):
            for problem in directive.problems:
                yield context.report(directive.span, problem)
            for selector in directive.selectors:
                unknown = context.unknown_selector(selector)
                if unknown:
                    yield context.report(directive.span, f"{unknown}, so this comment hides nothing; fix the id")
        data = context.document.data or {}
        resources = data.get("Resources")
        places: list[tuple[NodePath, Any]] = [(("Metadata",), data.get("Metadata"))]
        for logical_id, resource in resources.items() if isinstance(resources, dict) else ():
            if isinstance(resource, dict):
                places.append((("Resources", logical_id, "Metadata"), resource.get("Metadata")))
        for path, metadata in places:
            section = metadata.get("samcheck") if isinstance(metadata, dict) else None
            if not isinstance(section, dict) or "ignore" not in section:
                continue
            where = context.document.source_map.nearest((*path, "samcheck", "ignore"))[1]
            entries = section["ignore"]
            if not isinstance(entries, list):
                yield context.report(
                    where,
                    f"samcheck ignore is {type(entries).__name__} {entries!r}, not a list, so it suppresses nothing; "
                    f"write ignore: [{entries}]",
                )
                continue
            for entry in entries:
                unknown = context.unknown_selector(str(entry))
                if unknown:
                    yield context.report(where, f"{unknown}, so this Metadata ignore hides nothing; fix the id")
