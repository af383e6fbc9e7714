from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity


class EmptySection(Rule):
    """A ``Resources``, ``Parameters`` or ``Outputs`` section that is present but null, empty,
    or not a mapping. CloudFormation requires at least one resource; an empty ``Parameters:`` or
    ``Outputs:`` is a leftover that CloudFormation rejects as a null value. An empty mapping
    (``Outputs: {}``) is a valid empty section, as generators write it, and passes.

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
    summary = "Resources, Parameters or Outputs is present but empty, or not a mapping"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
    tags = ("template",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        source = context.template.source
        for section in ("Resources", "Parameters", "Outputs"):
            if section not in source:
                continue
            _, span = context.document.source_map.nearest((section,))
            value = source[section]
            if value is not None and not isinstance(value, dict):
                yield context.report(
                    span,
                    f"{section} must be a mapping of logical IDs, not a {type(value).__name__}; fix its layout",
                )
            elif not value and section == "Resources":
                yield context.report(span, "Resources is empty; a template needs at least one resource")
            elif value is None:
                yield context.report(
                    span,
                    f"{section} is present but empty; remove the '{section}:' line",
                    severity=Severity.WARNING,
                )
