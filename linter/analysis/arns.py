"""ARNs as a template writes them, so a policy's ``Resource`` or ``aws:SourceArn`` can be compared
with a resource of the template without knowing its physical name or the account.

A value becomes a *symbolic* string: literals stay, the Region and partition are filled in, and what
is known only at deploy time becomes a token: ``⟦Orders.Arn⟧`` for ``!GetAtt Orders.Arn``,
``⟦Orders.Ref⟧`` for ``!Ref Orders``, ``⟦AWS::AccountId⟧`` for the account. A resource is named by a
few symbolic spellings (``⟦Orders.Arn⟧``, ``arn:aws:sqs:us-east-1:⟦AWS::AccountId⟧:⟦Orders.QueueName⟧``);
a pattern names it when it glob-matches one of them. A value that cannot be written this way (a
parameter without default, an import, a condition that cannot be decided) is None: unknown.
"""

from __future__ import annotations

import fnmatch
import re
from enum import Enum
from typing import Any

from samcheck.analysis.wiring import opaque
from samcheck.cfn.document import get_path
from samcheck.cfn.references import SubVariable, intrinsic_name, substitute
from samcheck.cfn.resolver import partition_for
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

_OPEN, _CLOSE = "\u27e6", "\u27e7"
_TOKEN = re.compile(f"{_OPEN}([^{_CLOSE}]*){_CLOSE}")
ACCOUNT = f"{_OPEN}AWS::AccountId{_CLOSE}"
_PSEUDO_TOKENS = frozenset({"AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs"})


class Match(Enum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


def token(name: str) -> str:
    return f"{_OPEN}{name}{_CLOSE}"


def symbolic(template: Template, node: Any) -> str | None:
    """A string value with references kept as tokens; None when it cannot be written so."""
    node = template.resolver.settle(node)
    if isinstance(node, str):
        return node
    if isinstance(node, bool) or not isinstance(node, (int, float, dict)):
        return None
    if not isinstance(node, dict):
        return str(node)
    name = intrinsic_name(node)
    argument = node.get(name) if name else None
    if name == "Ref" and isinstance(argument, str):
        return _ref(template, argument)
    if name == "Fn::GetAtt":
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        # A malformed one ([[Fn, Arn], Arn]) names no resource.
        if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], str) and parts[0] in template.resources:
            if opaque(template.resources[parts[0]]):
                return None  # a nested stack's output or a custom resource's attribute: anything
            attribute = symbolic(template, parts[1])
            return token(f"{parts[0]}.{attribute}") if attribute is not None else None
        return None
    if name == "Fn::Sub":
        return _sub(template, argument)
    if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list):
        separator = argument[0] if isinstance(argument[0], str) else None
        pieces = [symbolic(template, piece) for piece in argument[1]]
        if separator is None or any(piece is None for piece in pieces):
            return None
        return separator.join(piece for piece in pieces if piece is not None)
    return None


def symbolic_property(template: Template, resource: Resource, path: NodePath | str) -> str | None:
    """A property of a resource as a symbolic string; None where it cannot be written so."""
    node = get_path(resource.properties, (path,) if isinstance(path, str) else path)  # as written: refs as tokens
    return symbolic(template, node)


def _ref(template: Template, name: str) -> str | None:
    if name in _PSEUDO_TOKENS:
        return token(name)
    if name in template.resources:
        return None if opaque(template.resources[name]) else token(f"{name}.Ref")
    # The Region, the partition, a parameter.
    value = template.resolver.resolve({"Ref": name}).single  # one value: a spelling is one text; several: unknown
    return value if isinstance(value, str) else None


def _sub(template: Template, argument: Any) -> str | None:
    if isinstance(argument, str):
        text, bound = argument, {}
    elif isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
        text, bound = argument[0], argument[1]
    else:
        return None
    if not isinstance(bound, dict):
        return None
    unknown = False

    def value_of(variable: SubVariable) -> str | None:
        nonlocal unknown
        if variable.name in bound:
            value = symbolic(template, bound[variable.name])
        elif variable.attribute is not None:
            value = symbolic(template, {"Fn::GetAtt": [variable.resource, variable.attribute]})
        else:
            value = _ref(template, variable.name)
        unknown = unknown or value is None
        return value

    result = substitute(text, value_of)
    return None if unknown else result


# The ARNs that name a resource of each type (the spellings a policy may use), with
# "{p}" partition, "{r}" Region, "{a}" account and "{x}" the logical ID.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "AWS::SQS::Queue": ("⟦{x}.Arn⟧", "arn:{p}:sqs:{r}:{a}:⟦{x}.QueueName⟧"),
    "AWS::SNS::Topic": ("⟦{x}.Ref⟧", "⟦{x}.TopicArn⟧", "arn:{p}:sns:{r}:{a}:⟦{x}.TopicName⟧"),
    "AWS::DynamoDB::Table": ("⟦{x}.Arn⟧", "arn:{p}:dynamodb:{r}:{a}:table/⟦{x}.Ref⟧"),
    "AWS::Kinesis::Stream": ("⟦{x}.Arn⟧", "arn:{p}:kinesis:{r}:{a}:stream/⟦{x}.Ref⟧"),
    "AWS::S3::Bucket": ("⟦{x}.Arn⟧", "arn:{p}:s3:::⟦{x}.Ref⟧"),
    "AWS::Lambda::Function": ("⟦{x}.Arn⟧", "arn:{p}:lambda:{r}:{a}:function:⟦{x}.Ref⟧"),
    "AWS::Events::Rule": ("⟦{x}.Arn⟧", "arn:{p}:events:{r}:{a}:rule/⟦{x}.Ref⟧"),
    "AWS::StepFunctions::StateMachine": ("⟦{x}.Ref⟧", "⟦{x}.Arn⟧", "arn:{p}:states:{r}:{a}:stateMachine:⟦{x}.Name⟧"),
    "AWS::KMS::Key": ("⟦{x}.Arn⟧", "arn:{p}:kms:{r}:{a}:key/⟦{x}.Ref⟧"),
    "AWS::CodeBuild::Project": ("⟦{x}.Arn⟧", "arn:{p}:codebuild:{r}:{a}:project/⟦{x}.Ref⟧"),
    # an API destination's ARN ends in an id CloudFormation gives no attribute for, after its name
    "AWS::Events::ApiDestination": ("⟦{x}.Arn⟧", "arn:{p}:events:{r}:{a}:api-destination/⟦{x}.Ref⟧/⟦{x}.Id⟧"),
}
# The property that names a resource of each type, when the template writes the name itself.
_NAME_PROPERTIES = {
    "AWS::SQS::Queue": ("QueueName", "arn:{p}:sqs:{r}:{a}:{n}"),
    "AWS::SNS::Topic": ("TopicName", "arn:{p}:sns:{r}:{a}:{n}"),
    "AWS::DynamoDB::Table": ("TableName", "arn:{p}:dynamodb:{r}:{a}:table/{n}"),
    "AWS::Kinesis::Stream": ("Name", "arn:{p}:kinesis:{r}:{a}:stream/{n}"),
    "AWS::S3::Bucket": ("BucketName", "arn:{p}:s3:::{n}"),
    "AWS::Lambda::Function": ("FunctionName", "arn:{p}:lambda:{r}:{a}:function:{n}"),
    "AWS::CodeBuild::Project": ("Name", "arn:{p}:codebuild:{r}:{a}:project/{n}"),
}
# What a stream of a table is named by, besides its own attribute.
_STREAM_LABEL = token("stream-label")


def spellings(template: Template, resource: Resource) -> tuple[str, ...]:
    """The symbolic ARNs of a resource; empty for a type samcheck does not spell."""
    region = template.resolver.region
    fill = {"p": partition_for(region), "r": region, "a": ACCOUNT, "x": resource.logical_id}
    found = [spelling.format(**fill) for spelling in _SPELLINGS.get(resource.type, ())]
    if resource.type in _NAME_PROPERTIES:
        name_property, pattern = _NAME_PROPERTIES[resource.type]
        name = symbolic_property(template, resource, name_property)
        if name is not None:
            found.append(pattern.format(n=name, **fill))
    return tuple(found)


def stream_spellings(template: Template, table: Resource) -> tuple[str, ...]:
    """The symbolic ARNs of a DynamoDB table's stream."""
    labelled = (f"{spelling}/stream/{_STREAM_LABEL}" for spelling in spellings(template, table))
    return (token(f"{table.logical_id}.StreamArn"), *labelled)


def network_interface(template: Template) -> str:
    """The symbolic ARN of a network interface Lambda creates in the template's Region."""
    region = template.resolver.region
    return f"arn:{partition_for(region)}:ec2:{region}:{ACCOUNT}:network-interface/{token('eni')}"


def split_token(text: str) -> tuple[str, str, str] | None:
    """(logical ID, attribute, what follows) for a text that starts with a resource's token:
    ``⟦Fn.Arn⟧:live`` gives ("Fn", "Arn", ":live"); None for any other text."""
    match = _TOKEN.match(text)
    if match is None or "." not in match.group(1) or match.group(1).startswith("AWS::"):
        return None
    logical_id, attribute = match.group(1).split(".", 1)
    return logical_id, attribute, text[match.end() :]


def has_tokens(text: str) -> bool:
    return _OPEN in text


def mentions(text: str, logical_id: str) -> bool:
    """Whether a symbolic value refers to a resource of the template (by any attribute)."""
    return f"{_OPEN}{logical_id}." in text


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def names(pattern: str, targets: tuple[str, ...], template: Template) -> Match:
    """Whether an ARN pattern (from a policy, with ``*`` and ``?``) names the resource spelled so."""
    if any(fnmatch.fnmatchcase(target, pattern) for target in targets):
        return Match.YES
    resources = [name for name in tokens(pattern) if name.split(".", 1)[0] in template.resources]
    if resources:
        return Match.NO  # it names a resource of the template by its attribute: that one, or garbage
    # When the template writes the resource's name, only the spellings with that name can be
    # compared with a literal: the others stand for the same name.
    named = [target for target in targets if set(tokens(target)) <= {"AWS::AccountId"}]
    candidates = named or list(targets)
    if not any(has_tokens(target) for target in candidates):
        return Match.NO
    if named and set(tokens(pattern)) == {"AWS::AccountId"}:
        return Match.NO  # the pattern writes the account as the stack's too: the glob was exact
    return Match.MAYBE if any(_compatible(pattern, target) for target in candidates) else Match.NO


def _compatible(pattern: str, target: str) -> bool:
    """Whether a literal pattern could name the target once its unknown parts are known: the ARN
    fields (partition, service, Region, account, resource) agree wherever both are written."""
    if target.startswith(_OPEN):
        return False  # an attribute: the resource's long spelling decides
    unknown = "\ue000"  # a token stands for any text; pseudo parameter names hold colons
    pattern_fields, target_fields = pattern.split(":", 5), _TOKEN.sub(unknown, target).split(":", 5)
    if len(pattern_fields) < 3 or len(target_fields) < 3:
        return False
    for mine, theirs in zip(pattern_fields, target_fields, strict=False):
        if unknown in theirs or any(char in mine for char in "*?"):
            continue
        if mine != theirs:
            return False
    return len(pattern_fields) == len(target_fields)
