from collections.abc import Iterator
from pathlib import Path

from samcheck.analysis.embedded import Unparsed, json_texts, unparsed_api_definitions, unparsed_includes
from samcheck.analysis.statemachines import unparsed_definitions
from samcheck.analysis.values import qualifier
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity, Span


class EmbeddedDocumentParseError(Rule):
    """A document the template holds as text, or names as a local file, that does not parse: a state
    machine's ``DefinitionString`` (also inside ``!Sub``) or ``DefinitionUri`` file, a SAM API's
    ``DefinitionUri`` OpenAPI file or an ``AWS::Include`` file, a policy document
    given as a string (``PolicyDocument``, ``AssumeRolePolicyDocument``), an ``EventPattern``, a
    ``FilterPolicy``, a Lambda filter's ``Pattern``. The service rejects it when the stack deploys, and
    no other check can read it. A value known only at deploy time (a ``${}`` left in a ``!Sub``) is
    taken as any value: an error it alone may cause is not reported; each branch of an ``Fn::If`` is
    judged.

    **Anti-pattern**

    ```yaml
    DefinitionString: |
      {
        "StartAt": "Done",
        "States": {"Done": {"Type": "Succeed"},}
      }
    ```

    **Best practice**

    ```yaml
    DefinitionString: |
      {
        "StartAt": "Done",
        "States": {"Done": {"Type": "Succeed"}}
      }
    ```
    """

    id = "SC0017"
    name = "embedded-document-parse-error"
    severity = Severity.ERROR
    summary = "A definition, policy, event pattern or filter written as text (or in a local file) that does not parse"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html"
    tags = ("template",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        unparsed = [
            *unparsed_definitions(context.template),
            *unparsed_api_definitions(context.template),
            *unparsed_includes(context.template),
        ]
        for definition in unparsed:
            related = context.when_related(definition.when)
            if definition.file is None:
                what = f"{definition.property} is not valid JSON"
                where = f"{definition.problem}"
            else:
                name = Path(definition.file).name
                what = f"{definition.property} file {name} is not valid JSON or YAML"
                where = f"{definition.problem} of the file"
                span = Span.point(definition.problem.line, definition.problem.column)
                related = (Related("the parse error", span, definition.file), *related)
            yield context.report(
                definition.location,
                f"{what}{qualifier(definition.when)}: {where}, so {definition.service} rejects it and nothing "
                "in it is checked; fix the definition",
                resource=definition.resource,
                related=related,
            )
        for text in json_texts(context.template):
            if isinstance(text.outcome, Unparsed):
                yield context.report(
                    context.locate(text.resource, text.path),
                    f"{text.path[-1]} is not valid JSON{qualifier(text.when)}: {text.outcome}, so the deployment "
                    "fails; fix the JSON",
                    resource=text.resource.source_id,
                    related=context.when_related(text.when),
                )
