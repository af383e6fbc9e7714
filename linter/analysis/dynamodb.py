"""DynamoDB tables as CloudFormation creates them: key schema, attribute definitions, secondary
indexes and billing, each with where it is written.

Every way a table may be deployed is read (each value a parameter allows, each branch of an
``Fn::If``), with the assumptions it holds under; a key schema known only at deploy time (a parameter
without a default) gives none, and no rule judges it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from samcheck.analysis.values import Candidate, When, together
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

TABLE_TYPE = "AWS::DynamoDB::Table"
INDEX_LISTS = {"global": "GlobalSecondaryIndexes", "local": "LocalSecondaryIndexes"}


class KeyElement(NamedTuple):
    attribute: str
    key_type: str  # HASH (partition key) or RANGE (sort key)
    path: NodePath  # where its AttributeName is written


class SecondaryIndex(NamedTuple):
    kind: str  # "global" or "local"
    name: str
    keys: tuple[KeyElement, ...]
    path: NodePath  # the index's entry


class TableKeys(NamedTuple):
    keys: tuple[KeyElement, ...]
    definitions: dict[str, NodePath]  # attribute name → where AttributeDefinitions defines it
    indexes: tuple[SecondaryIndex, ...]

    def partition_key(self, keys: tuple[KeyElement, ...] | None = None) -> str | None:
        return next((key.attribute for key in (keys or self.keys) if key.key_type == "HASH"), None)

    def sort_key(self) -> str | None:
        return next((key.attribute for key in self.keys if key.key_type == "RANGE"), None)


def _cases(template: Template, table: Resource, name: str, default: Any = None) -> list[Candidate]:
    """A property's candidates with when each is deployed (``default`` where it is left out); none
    when it is not known."""
    prop = template.property(table, name, default)
    return list(prop.value.cases) if prop.present else [Candidate(default)]


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


def table_keys(template: Template, table: Resource) -> list[tuple[TableKeys, When]]:
    """The table's keys, attribute definitions and indexes in each way it may be deployed, with the
    assumptions of each; none where any of them is not known."""
    reads = [
        _cases(template, table, "KeySchema"),
        _cases(template, table, "AttributeDefinitions"),
        *(_cases(template, table, list_name, []) for list_name in INDEX_LISTS.values()),
    ]
    found = []
    for (schema, definitions, *index_lists), when in together(*reads):
        keys = _table_keys(schema, definitions, dict(zip(INDEX_LISTS, index_lists, strict=True)))
        if keys is not None:
            found.append((keys, when))
    return found


def _table_keys(schema: Any, definitions: Any, index_lists: dict[str, Any]) -> TableKeys | None:
    """One deployment's keys, attribute definitions and indexes; None when they cannot be read."""
    keys = _key_elements(schema, ("KeySchema",))
    if keys is None or not isinstance(definitions or [], list):
        return None
    defined: dict[str, NodePath] = {}
    for position, definition in enumerate(definitions or []):
        name = definition.get("AttributeName") if isinstance(definition, dict) else None
        if not isinstance(name, str):
            return None
        defined.setdefault(name, ("AttributeDefinitions", position, "AttributeName"))
    indexes: list[SecondaryIndex] = []
    for kind, list_name in INDEX_LISTS.items():
        entries = index_lists[kind]
        if not isinstance(entries, list):
            return None
        for position, entry in enumerate(entries):
            base: NodePath = (list_name, position)
            index_keys = (
                _key_elements(entry.get("KeySchema"), (*base, "KeySchema")) if isinstance(entry, dict) else None
            )
            if index_keys is None:
                return None
            name = entry.get("IndexName")
            indexes.append(SecondaryIndex(kind, name if isinstance(name, str) else f"#{position}", index_keys, base))
    return TableKeys(keys, defined, tuple(indexes))
