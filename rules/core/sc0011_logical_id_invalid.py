import re
from collections.abc import Iterator

from samcheck.rule import LOGICAL_ID_SECTIONS, Finding, Rule, RuleContext, Severity

_ALPHANUMERIC = re.compile(r"[A-Za-z0-9]+")


class LogicalIdInvalid(Rule):
    """A logical ID (a key of ``Resources``, ``Parameters``, ``Outputs``, ``Conditions`` or
    ``Mappings``) must be alphanumeric (``A-Za-z0-9``) and at most 255 characters: CloudFormation
    rejects the template ("Resource name my-function is non alphanumeric"), and the SAM transform
    too. A key YAML reads as a number or boolean (``0:``, ``yes:``) is not a name at all; quote it,
    or better, give it a name.

    **Anti-pattern**

    ```yaml
    Resources:
      order-handler:
        Type: AWS::SQS::Queue
    ```

    **Best practice**

    ```yaml
    Resources:
      OrderHandler:
        Type: AWS::SQS::Queue
    ```
    """

    id = "SC0011"
    name = "logical-id-invalid"
    severity = Severity.ERROR
    summary = "A logical ID that is not alphanumeric, longer than 255 characters, or a YAML number"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html"
    tags = ("template",)
    needs_template = False

    def check(self, context: RuleContext) -> Iterator[Finding]:
        document = context.document
        typed = {problem.path for problem in document.problems if problem.kind == "non-string-key"}
        data = document.data or {}
        for section in LOGICAL_ID_SECTIONS:
            names = data.get(section)
            for name in names if isinstance(names, dict) else ():
                path = (section, name)
                span = document.source_map.keys.get(path)
                if span is None:
                    continue
                resource = name if section == "Resources" else None
                if path in typed:
                    yield context.report(
                        span,
                        f"{section} key {name} is read by YAML as a {'number' if name[:1].isdigit() else 'value'}, "
                        "not a name; give it an alphanumeric name that starts with a letter",
                        resource=resource,
                    )
                elif not _ALPHANUMERIC.fullmatch(name):
                    yield context.report(
                        span,
                        f"{section} key '{name}' is not alphanumeric (A-Za-z0-9 only), so CloudFormation rejects "
                        f"the template; rename it, e.g. '{_suggestion(name)}'",
                        resource=resource,
                    )
                elif len(name) > context.limit("cfn-logical-id-length-max"):
                    yield context.report(
                        span,
                        f"{section} key {name[:20]}… is {len(name)} characters, more than "
                        f"{context.limit('cfn-logical-id-length-max'):.0f}; shorten it",
                        resource=resource,
                    )


def _suggestion(name: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", name)
    return "".join(word[:1].upper() + word[1:] for word in words if word) or "Resource"
