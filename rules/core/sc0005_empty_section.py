from collections.abc import Iterator

from samcheck.findings import Finding, Severity
from samcheck.rule import Rule, RuleContext


class EmptySection(Rule):
    """A ``Resources``, ``Parameters`` or ``Outputs`` section that is present but null or
    empty. CloudFormation requires at least one resource; an empty ``Parameters:`` or
    ``Outputs:`` is a leftover that CloudFormation rejects as a null value.

    **Anti-pattern**

    ```yaml
    Parameters:
    Resources:
      Topic:
        Type: AWS::SNS::Topic
    ```

    **Best practice**

    ```yaml
    Resources:
      Topic:
        Type: AWS::SNS::Topic
    ```
    """

    id = "SC0005"
    name = "empty-section"
    severity = Severity.ERROR
    summary = "Resources, Parameters or Outputs is present but empty"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
    tags = ("template",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        source = context.template.source
        for section in ("Resources", "Parameters", "Outputs"):
            if section in source and not source[section]:
                _, span = context.document.source_map.nearest((section,))
                if section == "Resources":
                    yield context.report(span, "Resources is empty; a template needs at least one resource")
                else:
                    yield context.report(
                        span,
                        f"{section} is present but empty; remove the '{section}:' line",
                        severity=Severity.WARNING,
                    )
