from collections.abc import Iterator
from typing import Any

from samcheck.rule import (
    SAM_PREFIX,
    SAM_TEMPLATE_WIDE_NAMES,
    Finding,
    NodePath,
    Rule,
    RuleContext,
    Severity,
    preprocessor_tag,
    sub_variables,
)

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)

# The sections whose entries a Ref, GetAtt or Sub variable may name.
_NAMED_SECTIONS = ("Resources", "Parameters")


class UnresolvedReference(Rule):
    """A ``Ref``, ``Fn::GetAtt`` or ``${}`` in ``Fn::Sub`` names something that is neither a
    resource, a parameter nor a pseudo parameter. CloudFormation rejects the template
    ("Unresolved resource dependencies"). Resources that SAM generates (``FnRole``,
    ``ServerlessRestApi``, ``Fn.Alias``…) count as defined.

    **Anti-pattern**

    ```yaml
    Resources:
      Queue:
        Type: AWS::SQS::Queue
    Outputs:
      QueueUrl:
        Value: !Ref Queeu
    ```

    **Best practice**

    ```yaml
    Resources:
      Queue:
        Type: AWS::SQS::Queue
    Outputs:
      QueueUrl:
        Value: !Ref Queue
    ```
    """

    id = "SC0006"
    name = "unresolved-reference"
    severity = Severity.ERROR
    summary = "Ref, GetAtt or Sub names a resource or parameter that does not exist"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html"
    tags = ("template",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        source = template.source
        transform = source.get("Transform")
        if "AWS::LanguageExtensions" in (transform if isinstance(transform, list) else [transform]):
            return  # Fn::ForEach introduces names that only exist inside its loop
        tagged = [problem.path for problem in context.document.preprocessor_tags]
        if any(len(path) < 2 or (len(path) == 2 and path[0] in _NAMED_SECTIONS) for path in tagged):
            return  # a pre-processor writes a section, resource or parameter: any name may be defined (SC0010)
        # A module (Type: !Rain::Module) becomes resources named after it: SiteBucket for Site.
        modules = tuple(str(path[1]) for path in tagged if path[0] == "Resources" and path[2:] == ("Type",))
        # Rain writes the constants of its own section into Sub texts (${Rain::Prefix}).
        rain_input = bool(tagged or context.document.preprocessor_sections)
        resources = template.source_resources
        parameters = _mapping(source.get("Parameters"))
        sam_resources = {
            logical_id
            for logical_id, resource in resources.items()
            if str(resource.get("Type", "")).startswith(SAM_PREFIX)
        }
        expansion = template.expansion
        defined = set(resources) | set(parameters) | PSEUDO_PARAMETERS | set(expansion.resources)
        # SAM resources the translator could not expand: what they generate is unknown.
        unexpanded = sam_resources - {origin.resource for origin in expansion.origins.values()}

        def known(name: str) -> bool:
            if name in defined or name.split(".", 1)[0] in sam_resources:  # SAM's Fn.Alias, Api.Stage
                return True
            if expansion.may_name(name.split(".", 1)[0]):  # FnAlias<a parameter's value>
                return True
            if name.startswith(modules) or (rain_input and name.startswith("Rain::")):
                return True
            # ...and so is what SAM names for the whole template (ServerlessRestApi, ...).
            return bool(unexpanded) and (
                name.startswith(SAM_TEMPLATE_WIDE_NAMES)
                or any(name.startswith(logical_id) for logical_id in unexpanded)
            )

        for section in ("Resources", "Outputs", "Globals", "Conditions"):
            for name, kind, path in _references(source.get(section), (section,)):
                if not known(name):
                    _, span = context.document.source_map.nearest(path)
                    resource = path[1] if section == "Resources" and len(path) > 1 else None
                    yield context.report(
                        span,
                        f"{kind} to '{name}', which is not a resource, parameter or pseudo parameter "
                        "of this template; fix the name or define it",
                        resource=str(resource) if resource is not None else None,
                    )


def _mapping(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


def _references(node: Any, path: NodePath) -> Iterator[tuple[str, str, NodePath]]:
    """(name, kind, path) for each Ref, GetAtt target and Sub variable below ``node``."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _references(item, (*path, index))
        return
    if not isinstance(node, dict) or preprocessor_tag(node) is not None:
        return  # the pre-processor's input: what it refers to is the pre-processor's business
    if len(node) == 1:
        ((key, argument),) = node.items()
        if key == "Ref" and isinstance(argument, str):
            yield argument, "Ref", path
            return
        if key == "Fn::GetAtt":
            target = argument.split(".", 1)[0] if isinstance(argument, str) else None
            if isinstance(argument, list) and argument and isinstance(argument[0], str):
                target = argument[0]
            if target is not None:
                yield target, "Fn::GetAtt", path
            return
        if key == "Fn::Sub":
            yield from _sub_references(argument, path)
            return
    for key, value in node.items():
        if key != "Metadata":
            yield from _references(value, (*path, key))


def _sub_references(argument: Any, path: NodePath) -> Iterator[tuple[str, str, NodePath]]:
    text, variables = argument, {}
    if isinstance(argument, list) and len(argument) == 2:
        text, variables = argument
        yield from _references(variables, (*path, "Fn::Sub", 1))
    if not isinstance(text, str) or not isinstance(variables, dict):
        return
    for variable in sub_variables(text):
        if not variable.literal and variable.name not in variables and variable.resource not in variables:
            yield variable.resource, "Fn::Sub variable", path
