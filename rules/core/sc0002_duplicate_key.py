from collections.abc import Iterator

from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class DuplicateKey(Rule):
    """A mapping repeats a key. YAML parsers keep only one of the values, silently (which one
    depends on the tool), so a property or a whole resource disappears from what is deployed.

    **Anti-pattern**

    ```yaml
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Timeout: 30
          Timeout: 60
    ```

    **Best practice**

    ```yaml
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Timeout: 60
    ```
    """

    id = "SC0002"
    name = "duplicate-key"
    severity = Severity.ERROR
    summary = "A mapping repeats a key, so one of its values is silently lost"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
    tags = ("template",)
    needs_template = False

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for problem in context.document.problems:
            if problem.kind == "duplicate-key":
                related = [Related(message, span) for message, span in problem.related]
                path = problem.path
                resource = str(path[1]) if len(path) > 2 and path[0] == "Resources" else None
                yield context.report(
                    problem.span, f"{problem.message}; remove one of them", resource=resource, related=related
                )
