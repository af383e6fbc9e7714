"""Where each node of a template sits in its file.

Positions are 1-based lines and columns. A node path is the tuple of keys and indexes
from the document root, e.g. ``("Resources", "Fn", "Properties", "Timeout")``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samcheck.findings import NodePath, Span


@dataclass
class SourceMap:
    """Spans of the values and of the mapping keys of one parsed document."""

    values: dict[NodePath, Span] = field(default_factory=dict)
    keys: dict[NodePath, Span] = field(default_factory=dict)

    def entry(self, path: NodePath) -> Span | None:
        """The span of a mapping entry: key through a value on the key's line, else the key alone.

        A block mapping or list below a key would otherwise make the span cover many lines,
        when the line to edit is the key's. List items have no key: their value span.
        """
        value = self.values.get(path)
        key = self.keys.get(path)
        if key and value:
            return key.cover(value) if value.line == key.end_line else key
        return value or key

    def nearest(self, path: NodePath) -> tuple[NodePath, Span]:
        """The deepest existing ancestor of ``path`` (itself included) and its entry span."""
        for depth in range(len(path), -1, -1):
            prefix = path[:depth]
            span = self.entry(prefix)
            if span is not None:
                return prefix, span
        return (), Span.point()

    def has(self, path: NodePath) -> bool:
        return path in self.values
