import difflib
from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity, Span

# The top-level sections CloudFormation knows (Globals is SAM's, Hooks CodeDeploy's blue/green).
SECTIONS = (
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Globals",
    "Hooks",
)


class TemplateSections(Rule):
    """A top-level key CloudFormation does not know (``Resource:``, ``Output:``, ``Parameter:``) is
    rejected ("Invalid template property or properties"), and a template without ``Resources`` is
    not a template at all ("At least one Resources member must be defined"): both would otherwise
    pass quietly, since nothing in them is checked. The message suggests the section meant.

    **Anti-pattern**

    ```yaml
    Resource:
      Queue:
        Type: AWS::SQS::Queue
    ```

    **Best practice**

    ```yaml
    Resources:
      Queue:
        Type: AWS::SQS::Queue
    ```
    """

    id = "SC0014"
    name = "template-sections"
    severity = Severity.ERROR
    summary = "An unknown top-level section (did you mean Resources?), or no Resources section at all"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
    tags = ("template",)
    needs_template = False

    def check(self, context: RuleContext) -> Iterator[Finding]:
        document = context.document
        data = document.data
        if data is None:
            return  # not readable: SC0001 says why
        for key in data:
            if key in SECTIONS or key in document.preprocessor_sections:  # Rain's: SC0010 says so
                continue
            near = difflib.get_close_matches(key, SECTIONS, 1, 0.6)
            hint = f"did you mean {near[0]}?" if near else f"the sections are {', '.join(SECTIONS)}"
            yield context.report(
                document.source_map.keys.get((key,), Span.point()),
                f"'{key}' is not a template section, so CloudFormation rejects the template; {hint}",
            )
        if "Resources" not in data:
            yield context.report(
                Span.point(),
                "the file has no Resources section, so it is not a template CloudFormation can deploy; add "
                "Resources, or leave the file out of the lint",
            )
