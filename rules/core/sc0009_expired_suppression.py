from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity


class ExpiredSuppression(Rule):
    """A ``# samcheck: ignore[...] until=YYYY-MM-DD`` comment past its date: it no longer silences
    anything, so the findings it covered are reported again, and this says why.

    **Anti-pattern**

    ```yaml
    Runtime: python3.9  # samcheck: ignore[SC1006] until=2025-12-31 migration planned
    ```

    **Best practice**

    ```yaml
    Runtime: python3.13
    ```
    """

    id = "SC0009"
    name = "expired-suppression"
    severity = Severity.WARNING
    summary = "A samcheck ignore comment whose until= date has passed"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
    tags = ("suppression",)
    needs_template = False
    reviews_suppressions = True

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for directive in context.directives:
            if directive.expired and directive.until is not None:
                reason = f" ({directive.reason})" if directive.reason else ""
                yield context.report(
                    directive.span,
                    f"suppression of {', '.join(directive.selectors)} expired on "
                    f"{directive.until.isoformat()}{reason}; "
                    "fix the finding or move the date",
                )
