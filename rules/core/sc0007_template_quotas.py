import json
from collections.abc import Iterator

from samcheck.rule import Finding, Related, Rule, RuleContext, Severity, Span


class TemplateQuotas(Rule):
    """CloudFormation's per-template quotas, judged on the template **after** SAM expansion,
    which is what CloudFormation deploys: 500 resources, 200 parameters, 200 outputs,
    200 mappings, a 1 MB body. A SAM template with a hundred functions, each with a role,
    events and permissions, passes 500 resources long before its source looks large.
    A body over 51,200 bytes can only be deployed through S3 (info).

    **Anti-pattern**

    ```yaml
    # 130 AWS::Serverless::Function resources, each with an Api event and a role:
    # the expanded template has more than 500 resources.
    ```

    **Best practice**

    ```yaml
    # Split the application into nested stacks (AWS::Serverless::Application) that each
    # stay under the quotas.
    Resources:
      Orders:
        Type: AWS::Serverless::Application
        Properties:
          Location: orders/template.yaml
    ```
    """

    id = "SC0007"
    name = "template-quotas"
    severity = Severity.ERROR
    summary = "The expanded template exceeds a CloudFormation template quota"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html"
    tags = ("template", "quota")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        source_map = context.document.source_map
        expansion = template.expansion
        resource_count = len(expansion.resources)
        limit = context.limit("cfn-resources-max")
        if resource_count > limit:
            source_count = len(template.source_resources)
            detail = f" after SAM expansion ({source_count} in the source template)" if expansion.transformed else ""
            yield context.report(
                source_map.nearest(("Resources",))[1],
                f"{resource_count} resources{detail} > {limit:g} allowed in one stack; "
                "split the template into nested stacks",
            )
        for section, limit_name in (
            ("Parameters", "cfn-parameters-max"),
            ("Outputs", "cfn-outputs-max"),
            ("Mappings", "cfn-mappings-max"),
        ):
            entries = expansion.template.get(section)
            limit = context.limit(limit_name)
            if isinstance(entries, dict) and len(entries) > limit:
                yield context.report(
                    source_map.nearest((section,))[1],
                    f"{len(entries)} {section.lower()} > {limit:g} allowed in one template; "
                    "move some into nested stacks",
                )
        yield from self._body_size(context)

    def _body_size(self, context: RuleContext) -> Iterator[Finding]:
        # The sizes are related notes, not the message: every edit anywhere changes them, and the
        # message is the finding's identity (baselines, and --fix judging whether an error is new).
        expansion = context.template.expansion
        body = len(json.dumps(expansion.template, separators=(",", ":"), default=str).encode())
        limit = context.limit("cfn-template-body-max")
        top = Span.point()
        if body > limit:
            yield context.report(
                top,
                f"the expanded template is larger than the {limit:,.0f} bytes allowed; "
                "split it into nested stacks or shorten inline code and definitions",
                related=[Related(f"the expanded template: {body:,} bytes", top)],
            )
        source_bytes = len(context.document.text.encode())
        direct = context.limit("cfn-template-body-direct-max")
        if source_bytes > direct:
            yield context.report(
                top,
                f"the template is larger than the {direct:,.0f} bytes allowed in a direct CreateStack call; "
                "deploy it through S3 (sam deploy does, with --s3-bucket or --resolve-s3)",
                severity=Severity.INFO,
                related=[Related(f"the template: {source_bytes:,} bytes", top)],
            )
