"""Every value a resource's properties are written with, beside the node of CloudFormation's
resource schema that says what it takes: the walk SC0018 (types) and SC0025 (list lengths) share."""

from collections.abc import Iterator
from typing import Any, NamedTuple

from samcheck.analysis import property_types
from samcheck.analysis.values import ALWAYS, When, merge
from samcheck.rule import NO_VALUE, NodePath, Resource, RuleContext, intrinsic_name


class SchemaValue(NamedTuple):
    path: NodePath  # below the resource's Properties
    value: Any  # as written, or one candidate of what an intrinsic resolves to
    shape: dict[str, Any]  # its schema node
    when: When


def schema_values(context: RuleContext, resource: Resource) -> Iterator[SchemaValue]:
    """The resource's values top-down, each deployable ``Fn::If`` branch and each candidate of an
    intrinsic apart; none inside a value of another type than its schema gives (nor for a custom
    resource or a type without a schema)."""
    root = property_types.schema(resource.type, context.region)
    if root is None:
        return
    for properties in context.branches(resource, ()).nodes:  # as written: intrinsics kept
        for name, node in properties.items() if isinstance(properties, dict) else ():
            shape = property_types.top_level(root, name)
            if shape is not None:
                yield from _values(context, root, shape, (name,), node, ALWAYS)


def _values(
    context: RuleContext, root: dict[str, Any], shape: dict[str, Any], path: NodePath, node: Any, when: When
) -> Iterator[SchemaValue]:
    branches = context.template.resolver.branches(node, ())
    for written, branch_when in zip(branches.nodes, branches.whens, strict=True):
        deployed = merge(when, branch_when)
        if deployed is None:
            continue
        if intrinsic_name(written) is None:
            yield from _written(context, root, shape, path, written, deployed)
            continue
        for case in context.resolve(written):
            resolved_when = merge(deployed, case.when)
            if resolved_when is not None and case.value is not NO_VALUE and intrinsic_name(case.value) is None:
                yield from _written(context, root, shape, path, case.value, resolved_when)


def _written(
    context: RuleContext, root: dict[str, Any], shape: dict[str, Any], path: NodePath, value: Any, when: When
) -> Iterator[SchemaValue]:
    yield SchemaValue(path, value, shape, when)
    kind = property_types.expected(shape)
    if kind is not None and not property_types.fits(value, kind):
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            inner_shape = property_types.member(root, shape, key)
            if inner_shape is not None:
                yield from _values(context, root, inner_shape, (*path, key), inner, when)
    elif isinstance(value, list):
        item_shape = property_types.item(root, shape)
        if item_shape is not None:
            for index, inner in enumerate(value):
                yield from _values(context, root, item_shape, (*path, index), inner, when)
