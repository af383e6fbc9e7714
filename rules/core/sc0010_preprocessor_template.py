from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity, Span


class PreprocessorTemplate(Rule):
    """The file is the input of a pre-processor, not a template CloudFormation can deploy.

    It uses YAML tags CloudFormation does not know (``!Rain::Module``, ``!Rain::S3``…) or Rain's own
    ``Rain`` section: the values the tags stand for are unknown here, so they are never judged, and
    the rest is checked as usual. Names the pre-processor may define are not reported as unresolved
    (SC0006): the resources a module becomes (``SiteBucket`` for ``Site``), Rain's constants in
    ``Fn::Sub`` texts, and every name when it writes a whole section or resource. The SAM
    transform's complaints about resources with tags are not reported either (SC0003). Lint the
    processed template (``rain pkg template.yaml > packaged.yaml``) for a complete check.

    A file with ``{{ cookiecutter.x }}`` variables, Jinja statement lines (``{% if %}``) or values
    that start with an unquoted ``{{ var }}`` is the input of a text renderer: it is not read at all
    (its placeholders would be a cascade of syntax errors and false findings); render it and lint
    the output. A ``{{`` inside a text is CloudFormation's (``{{resolve:ssm:name}}``) or another
    service's (SSM documents, prompts, JSONata's ``{% %}``), and is not taken for one.

    **Anti-pattern**

    ```yaml
    Resources:
      Site:
        Type: !Rain::Module ./modules/static-site.yaml
    ```

    **Best practice**

    ```yaml
    # lint what the pre-processor produces
    # rain pkg template.yaml > packaged.yaml && samcheck packaged.yaml
    ```
    """

    id = "SC0010"
    name = "preprocessor-template"
    severity = Severity.INFO
    summary = "The file is the input of a pre-processor (Rain tags, Jinja, cookiecutter): its output is not checked"
    url = "https://aws-cloudformation.github.io/rain/rain_pkg.html"
    tags = ("template",)
    needs_template = False

    def check(self, context: RuleContext) -> Iterator[Finding]:
        document = context.document
        for problem in document.problems:
            if problem.kind == "renderer-input":
                yield context.report(
                    problem.span,
                    f"{problem.message}: this file is the input of a template renderer, not a template, so it "
                    "is not checked; render it and lint the output",
                )
        tags = document.preprocessor_tags
        if not tags:
            for section in document.preprocessor_sections:
                yield context.report(
                    document.source_map.keys.get((section,), Span.point()),
                    f"the {section} section (Rain's constants) makes this file the input of the Rain pre-processor, "
                    "so names it generates are not reported; lint its output (rain pkg) for a complete check",
                )
            return
        names = sorted({tag.message for tag in tags})
        shown = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        if len(names) > 3:
            shown = f"{', '.join(names[:3])} and {len(names) - 3} more"
        uses = f"{len(tags)} use{'s' if len(tags) != 1 else ''}"
        yield context.report(
            tags[0].span,
            f"{shown} ({uses}) {'is a tag' if len(names) == 1 else 'are tags'} CloudFormation does not know: this "
            "file is the input of a pre-processor such as Rain, so names it generates are not reported; lint its "
            "output (rain pkg) for a complete check",
        )
