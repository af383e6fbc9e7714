"""The rule API: a small unit that reads the template and its graph and yields findings.

A rule's docstring is its documentation (``samcheck explain``): the rationale, then an
``Anti-pattern`` and a ``Best practice`` section, each with a fenced YAML snippet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from samcheck.findings import Finding, Severity
from samcheck.fixes import Fix
from samcheck.limits import Limits
from samcheck.loading import Document
from samcheck.source_map import Span
from samcheck.template import Location, Property, Related, Resource, Template

if TYPE_CHECKING:
    from samcheck.config import Settings
    from samcheck.expansion import TransformError
    from samcheck.graph import ResourceGraph
    from samcheck.suppression import Directive


def _default_settings() -> Settings:
    from samcheck.config import Settings

    return Settings()


class Rule:
    id: ClassVar[str]  # "SC" + 4 digits
    name: ClassVar[str]  # slug, e.g. "lambda-timeout-range"
    severity: ClassVar[Severity]
    summary: ClassVar[str]  # one line
    url: ClassVar[str]  # AWS documentation of the limit or behaviour
    tags: ClassVar[tuple[str, ...]] = ()
    # False for rules about the file itself, which also run when it could not be parsed.
    needs_template: ClassVar[bool] = True
    # True for rules that look beyond the template (package sizes): never served from the cache.
    reads_disk: ClassVar[bool] = False
    # True for rules about suppression comments: they run after the others, on what was suppressed.
    reviews_suppressions: ClassVar[bool] = False

    def check(self, context: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError


@dataclass
class RuleContext:
    """What one rule sees of one template, and how it reports."""

    rule: Rule
    document: Document
    expanded: Template | None  # None when the file could not be read as a template
    limits: Limits
    transform_errors: list[TransformError]
    graph_factory: Callable[[], ResourceGraph]  # built once per template, on first use
    today: date  # for date-based rules; --as-of makes runs reproducible
    directives: list[Directive] = field(default_factory=list)  # suppression comments, once applied
    settings: Settings = field(default_factory=lambda: _default_settings())  # region, parameters, scope

    @property
    def file(self) -> str:
        return str(self.document.path)

    @property
    def graph(self) -> ResourceGraph:
        return self.graph_factory()

    @property
    def template(self) -> Template:
        assert self.expanded is not None, "a rule that needs a template ran without one"
        return self.expanded

    def of_type(self, *types: str) -> Iterator[Resource]:
        return self.template.of_type(*types)

    def property(self, resource: Resource, path: tuple[str | int, ...] | str, default: Any = None) -> Property:
        return self.template.property(resource, path, default)

    def limit(self, name: str) -> float:
        return self.limits[name]

    def report(
        self,
        where: Location | Span,
        message: str,
        *,
        resource: str | None = None,
        related: Iterable[Related] = (),
        severity: Severity | None = None,
        fix: Fix | None = None,
        file: str | None = None,
    ) -> Finding:
        location = where if isinstance(where, Location) else Location(where, ())
        return Finding(
            self.rule.id,
            self.rule.name,
            severity or self.rule.severity,
            message,
            file or self.file,
            location.span,
            resource,
            (*location.related, *related),
            fix,
        )
