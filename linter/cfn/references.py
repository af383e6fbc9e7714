"""Find the resources a template value refers to (Ref, Fn::GetAtt, Fn::Sub).

Kept apart from the graph module so that rules can follow references without loading
networkx.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from samcheck.findings import NodePath

_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}")


def referenced(node: Any, names: set[str] | dict[str, Any]) -> Iterator[tuple[str, str, NodePath]]:
    """(logical ID, reference kind, path) for every reference to one of ``names`` in ``node``."""
    stack: list[tuple[Any, NodePath]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        if isinstance(current, dict):
            if len(current) == 1:
                ((key, argument),) = current.items()
                if key == "Ref" and isinstance(argument, str) and argument in names:
                    yield argument, "ref", path
                    continue
                if key == "Fn::GetAtt":
                    target = argument[0] if isinstance(argument, list) and argument else None
                    if isinstance(argument, str):
                        target = argument.split(".", 1)[0]
                    if isinstance(target, str) and target in names:
                        yield target, "getatt", path
                    continue
                if key == "Fn::Sub":
                    text = argument[0] if isinstance(argument, list) and argument else argument
                    if isinstance(text, str):
                        for name in _SUB_NAME.findall(text):
                            if name in names:
                                yield name, "sub", path
                    if isinstance(argument, list) and len(argument) == 2:
                        stack.append((argument[1], path))
                    continue
            stack.extend((value, (*path, key)) for key, value in current.items())
        elif isinstance(current, list):
            stack.extend((value, (*path, index)) for index, value in enumerate(current))
