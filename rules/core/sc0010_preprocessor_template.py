from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity


class PreprocessorTemplate(Rule):
    """The file uses YAML tags CloudFormation does not know (``!Rain::Module``, ``!Rain::S3``…): it
    is the input of a pre-processor such as Rain, not a template CloudFormation can deploy. The
    pre-processor adds resources and names samcheck cannot see, so names it would define are not
    reported as unresolved (SC0006) and the SAM transform's complaints about its tags are not
    reported either (SC0003); the rest is checked as usual. Lint the processed template (``rain
    pkg template.yaml > packaged.yaml``) for a complete check.

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
    summary = "The file is the input of a pre-processor (Rain tags): what it generates is not checked"
    url = "https://aws-cloudformation.github.io/rain/rain_pkg.html"
    tags = ("template",)
    needs_template = False

    def check(self, context: RuleContext) -> Iterator[Finding]:
        tags = context.document.preprocessor_tags
        if not tags:
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
