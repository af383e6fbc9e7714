from collections.abc import Iterator

from samcheck.analysis.artifacts import outside_references
from samcheck.rule import Finding, Rule, RuleContext, Severity


class ReferenceOutsideProject(Rule):
    """A local path a template names (``CodeUri``, ``DefinitionUri``, ``ContentUri``, an application's
    ``Location``, an ``AWS::Include`` location, a nested stack's ``TemplateURL``, a function's or
    layer's ``Code``/``Content``) that leads outside the project: the repository the template is in
    (the nearest folder with ``.git``), else the template's folder; never ``/`` or the home folder.
    samcheck does not read it (nor measure a code folder there), so nothing from a file outside the
    project is ever quoted in a report, and the checks that would need it are not made. Set
    ``SAMCHECK_PROJECT_ROOT`` to a wider folder when the layout is meant.

    A template that is itself a link leading outside the project (or lies in a linked folder of the
    repository that does) is not read at all: an error at its first line, as for a file that cannot
    be read (SC0001), since nothing in it is checked.

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
    needs_template = False

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for problem in context.document.problems:
            if problem.kind == "outside-project":
                yield context.report(
                    problem.span,
                    f"{problem.message}, so samcheck does not read this template (nor check anything in it); "
                    "replace the link by the file, or set SAMCHECK_PROJECT_ROOT",
                    severity=Severity.ERROR,
                )
        for reference in outside_references(context.template) if context.expanded is not None else ():
            unread, what = (
                ("measure it (nor check its size)", "code")
                if reference.code
                else ("read it (nor check what it holds)", "file")
            )
            yield context.report(
                reference.location,
                f"{reference.property} {reference.path} leads outside the project, so samcheck does not {unread}; "
                f"keep the {what} inside the project, or set SAMCHECK_PROJECT_ROOT",
                resource=reference.resource,
            )
