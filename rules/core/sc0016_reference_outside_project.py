from collections.abc import Iterator

from samcheck.analysis.artifacts import outside_references
from samcheck.rule import Finding, Rule, RuleContext, Severity


class ReferenceOutsideProject(Rule):
    """A local path a template names (``CodeUri``, ``DefinitionUri``, ``ContentUri``, an application's
    ``Location``, an ``AWS::Include`` location, a nested stack's ``TemplateURL``) that leads outside
    the project: the repository the template is in (the nearest folder with ``.git``), else the
    template's folder. samcheck does not read it, so nothing from a file outside the project is ever
    quoted in a report, and the checks that would need it are not made. Set
    ``SAMCHECK_PROJECT_ROOT`` to a wider folder when the layout is meant.

    **Anti-pattern**

    ```yaml
    DefinitionUri: ../../../../etc/definitions/orders.asl.json
    ```

    **Best practice**

    ```yaml
    DefinitionUri: statemachine/orders.asl.json
    ```
    """

    id = "SC0016"
    name = "reference-outside-project"
    severity = Severity.WARNING
    summary = "A local file reference that leads outside the project, which samcheck does not read"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-cli-command-reference-sam-build.html"
    tags = ("template", "security")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for reference in outside_references(context.template):
            yield context.report(
                reference.location,
                f"{reference.property} {reference.path} leads outside the project, so samcheck does not read it "
                "(nor check what it holds); keep the file inside the project, or set SAMCHECK_PROJECT_ROOT",
                resource=reference.resource,
            )
