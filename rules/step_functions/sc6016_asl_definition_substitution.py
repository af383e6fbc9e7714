import difflib
from collections.abc import Iterator
from typing import Any

from samcheck.analysis.statemachines import state_machines
from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity, get_path, intrinsic_name, sub_variables


class AslDefinitionSubstitution(Rule):
    """A ``${Name}`` in a state machine definition is replaced only by its ``DefinitionSubstitutions``
    entry (or, in a ``DefinitionString`` written with ``!Sub``, by CloudFormation); without one the
    machine is created with the text ``${Name}`` itself. CloudFormation does not substitute
    parameters or resources in an inline ``Definition`` or a ``DefinitionUri`` file, so a
    ``${Name}`` naming one of the template's parameters or resources, one that misspells a
    substitution, or a Task ``Resource`` that is a ``${Name}`` alone, has lost its value. Other
    ``${…}`` (a shell variable in a container command) may be meant as text and are left alone.

    **Anti-pattern**

    ```yaml
    DefinitionUri: statemachine/flow.asl.json   # "Resource": "${ProcessFunctionArn}"
    DefinitionSubstitutions:
      ProcesFunctionArn: !GetAtt ProcessFunction.Arn
    ```

    **Best practice**

    ```yaml
    DefinitionSubstitutions:
      ProcessFunctionArn: !GetAtt ProcessFunction.Arn
    ```
    """

    id = "SC6016"
    name = "asl-definition-substitution"
    severity = Severity.ERROR
    summary = "A ${Name} in the definition that no DefinitionSubstitutions entry replaces"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html#cfn-stepfunctions-statemachine-definitionsubstitutions"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        parameters = template.source.get("Parameters")
        named = set(parameters if isinstance(parameters, dict) else ()) | set(template.source_resources)
        for machine in state_machines(template):
            definition = template.source_resources.get(machine.resource.source_id)
            source = definition.get("Properties") if isinstance(definition, dict) else None
            written = source.get("DefinitionSubstitutions", {}) if isinstance(source, dict) else {}
            if not isinstance(written, dict):
                continue  # which names it has is known only at deploy time
            keys = sorted({*written, *machine.substitutions})
            # an Fn::If decided here (or the same both ways) is its branch, as CloudFormation reads it
            inline = context.settle(source.get("Definition")) if isinstance(source, dict) else None
            for path, text, in_resource in _texts(machine.definition, ()):
                if isinstance(inline, dict) and _in_intrinsic(inline, path):
                    continue  # CloudFormation substitutes a !Sub written in an inline definition
                for variable in sub_variables(text):
                    name = variable.name
                    if variable.literal or name in keys:
                        continue
                    close = difflib.get_close_matches(name, keys, n=1, cutoff=0.8)
                    alone = in_resource and text.strip() == text[variable.start : variable.end]
                    if not (close or alone or variable.resource in named or name.startswith("AWS::")):
                        continue
                    fix = f"did you mean ${{{close[0]}}}?" if close else _add(name)
                    yield context.report(
                        machine.span(path),
                        f"${{{name}}} has no DefinitionSubstitutions entry, so the state machine is created with "
                        f"the text ${{{name}}}; {fix}",
                        resource=machine.resource.source_id,
                        file=machine.file,
                    )


def _add(name: str) -> str:
    """The DefinitionSubstitutions entry that gives ``${name}`` the value the author meant."""
    if "." not in name or name.startswith("AWS::"):
        return f"add {name.replace('AWS::', '')}: !Ref {name} to DefinitionSubstitutions"
    key = name.replace(".", "")
    return f"add {key}: !GetAtt {name} to DefinitionSubstitutions and write ${{{key}}}"


def _in_intrinsic(written: Any, path: NodePath) -> bool:
    """Whether the text at ``path`` of an inline definition is written in an intrinsic function."""
    for step in path:
        if isinstance(written, dict) and intrinsic_name(written) is not None:
            return True
        written = get_path(written, (step,))
    return isinstance(written, dict) and intrinsic_name(written) is not None


def _texts(node: Any, path: NodePath, in_resource: bool = False) -> Iterator[tuple[NodePath, str, bool]]:
    """Every text of a definition (keys too) with ``${`` in it, and whether it is a Task's Resource."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and "${" in key:
                yield (*path, key), key, False
            yield from _texts(value, (*path, key), key == "Resource")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _texts(item, (*path, index))
    elif isinstance(node, str) and "${" in node:
        yield path, node, in_resource
