from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity


class UnusedSuppression(Rule):
    """A ``# samcheck: ignore[...]`` comment that silences nothing: the finding it was written for
    is gone (fixed, or moved to another line), so the comment only hides a future finding by
    accident. Judged only for the rules that ran.

    **Anti-pattern**

    ```yaml
    Timeout: 30  # samcheck: ignore[SC1001] long report runs
    ```

    **Best practice**

    ```yaml
    Timeout: 30
    ```
    """

    id = "SC0008"
    name = "unused-suppression"
    severity = Severity.INFO
    summary = "A samcheck ignore comment that suppresses nothing"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
    tags = ("suppression",)
    needs_template = False
    reviews_suppressions = True

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for directive in context.directives:
            if directive.used or directive.expired:
                continue
            if directive.judged:
                yield context.report(
                    directive.span,
                    f"this suppression of {', '.join(directive.selectors)} matches no finding; remove it",
                )
