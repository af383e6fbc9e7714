"""DynamoDB tables as CloudFormation creates them: key schema, attribute definitions, secondary
indexes and billing, each with where it is written.

Only values known as one literal are read: a key schema with a parameter without default, or with an
``Fn::If`` whose branches differ, gives ``None`` and no rule judges it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

TABLE_TYPE = "AWS::DynamoDB::Table"
INDEX_LISTS = {"global": "GlobalSecondaryIndexes", "local": "LocalSecondaryIndexes"}


@dataclass(frozen=True)
class KeyElement:
    attribute: str
    key_type: str  # HASH (partition key) or RANGE (sort key)
    path: NodePath  # where its AttributeName is written


@dataclass(frozen=True)
class SecondaryIndex:
    kind: str  # "global" or "local"
    name: str
    keys: tuple[KeyElement, ...]
    path: NodePath  # the index's entry
    throughput: dict[str, Any] | None  # its ProvisionedThroughput, if written


@dataclass(frozen=True)
class TableKeys:
    keys: tuple[KeyElement, ...]
    definitions: dict[str, NodePath]  # attribute name → where AttributeDefinitions defines it
    indexes: tuple[SecondaryIndex, ...]

    def partition_key(self, keys: tuple[KeyElement, ...] | None = None) -> str | None:
        return next((key.attribute for key in (keys or self.keys) if key.key_type == "HASH"), None)

    def sort_key(self) -> str | None:
        return next((key.attribute for key in self.keys if key.key_type == "RANGE"), None)


def _known(template: Template, table: Resource, name: str) -> tuple[bool, Any]:
    """(known, value): a property's one known value; (True, None) when it is absent."""
    prop = template.property(table, name)
    if not prop.present:
        return True, None
    value = prop.value.single
    return value is not None, value


def _key_elements(schema: Any, base: NodePath) -> tuple[KeyElement, ...] | None:
    if not isinstance(schema, list):
        return None
    elements = []
    for position, element in enumerate(schema):
        if not isinstance(element, dict):
            return None
        name, key_type = element.get("AttributeName"), element.get("KeyType")
        if not isinstance(name, str) or key_type not in ("HASH", "RANGE"):
            return None
        elements.append(KeyElement(name, key_type, (*base, position, "AttributeName")))
    return tuple(elements)


def table_keys(template: Template, table: Resource) -> TableKeys | None:
    """The table's keys, attribute definitions and indexes; None when any of them is not known."""
    known, schema = _known(template, table, "KeySchema")
    keys = _key_elements(schema, ("KeySchema",)) if known else None
    known, definitions = _known(template, table, "AttributeDefinitions")
    if keys is None or not known:
        return None
    defined: dict[str, NodePath] = {}
    for position, definition in enumerate(definitions or []):
        name = definition.get("AttributeName") if isinstance(definition, dict) else None
        if not isinstance(name, str):
            return None
        defined.setdefault(name, ("AttributeDefinitions", position, "AttributeName"))
    indexes: list[SecondaryIndex] = []
    for kind, list_name in INDEX_LISTS.items():
        known, entries = _known(template, table, list_name)
        if not known or not isinstance(entries or [], list):
            return None
        for position, entry in enumerate(entries or []):
            base: NodePath = (list_name, position)
            index_keys = (
                _key_elements(entry.get("KeySchema"), (*base, "KeySchema")) if isinstance(entry, dict) else None
            )
            if index_keys is None:
                return None
            throughput = entry.get("ProvisionedThroughput")
            name = entry.get("IndexName")
            indexes.append(
                SecondaryIndex(
                    kind,
                    name if isinstance(name, str) else f"#{position}",
                    index_keys,
                    base,
                    throughput if isinstance(throughput, dict) else None,
                )
            )
    return TableKeys(keys, defined, tuple(indexes))
