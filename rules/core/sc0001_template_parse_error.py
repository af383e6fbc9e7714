from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity


class TemplateParseError(Rule):
    """The file cannot be read as a template: it is unreadable, not UTF-8, not valid YAML or
    JSON, or its top level is not a mapping. CloudFormation rejects it before looking at any
    resource, so nothing else in it can be checked.

    **Anti-pattern**

    ```yaml
    Resources:
      Queue:
        Type: AWS::SQS::Queue
         Properties: {}
    ```

    **Best practice**

    ```yaml
    Resources:
      Queue:
        Type: AWS::SQS::Queue
        Properties: {}
    ```
    """

    id = "SC0001"
    name = "template-parse-error"
    severity = Severity.ERROR
    summary = "The file is not a readable YAML or JSON template"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html"
    tags = ("template",)
    needs_template = False

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for problem in context.document.problems:
            if problem.kind == "parse-error":
                yield context.report(problem.span, f"{problem.message}; fix it so the template can be read")
