"""The rule API: the one module a rule author imports (with ``samcheck.analysis``).

A rule is a small unit that reads the expanded template through its :class:`RuleContext`
(resources by type, resolved properties with their positions, the resource graph, limits) and
yields findings. A rule's docstring is its documentation (``samcheck explain``): the rationale,
then an ``Anti-pattern`` and a ``Best practice`` section, each with a fenced YAML snippet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from samcheck.cfn.document import LOGICAL_ID_SECTIONS, Document, get_path, preprocessor_tag
from samcheck.cfn.references import (
    SubVariable,
    intrinsic_name,
    referenced,
    single_variable,
    sub_variables,
    substitute,
)
from samcheck.cfn.resolver import NO_VALUE, Branches, Value, When
from samcheck.config import Settings
from samcheck.decide.directives import Directive, read_directives
from samcheck.decide.selectors import unknown_selector
from samcheck.findings import Edit, Finding, Fix, NodePath, Related, Severity, Span, property_name, shortened
from samcheck.limits import Limits
from samcheck.model.ordering import created_before
from samcheck.model.template import Location, Property, Resource, Template
from samcheck.sam import SAM_PREFIX, SAM_TEMPLATE_WIDE_NAMES, SAM_TRANSFORM, declares_sam
from samcheck.sam.translate import TransformError

if TYPE_CHECKING:
    from samcheck.model.graph import ResourceGraph

__all__ = [
    "LOGICAL_ID_SECTIONS",
    "NO_VALUE",
    "SAM_PREFIX",
    "SAM_TEMPLATE_WIDE_NAMES",
    "SAM_TRANSFORM",
    "Branches",
    "Directive",
    "Edit",
    "Finding",
    "Fix",
    "Location",
    "NodePath",
    "Property",
    "Related",
    "Resource",
    "Rule",
    "RuleContext",
    "Severity",
    "Span",
    "SubVariable",
    "Template",
    "TransformError",
    "Value",
    "When",
    "declares_sam",
    "get_path",
    "intrinsic_name",
    "preprocessor_tag",
    "property_name",
    "read_directives",
    "referenced",
    "shortened",
    "single_variable",
    "sub_variables",
    "substitute",
]


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
    # True for rules about suppression comments: the policy stage runs them, after suppressing.
    reviews_suppressions: ClassVar[bool] = False
    # True for rules whose findings may carry a safe fix (``--fix``, ``--diff``, SARIF fixes).
    fixable: ClassVar[bool] = False
    # The resource types without one of which the rule has nothing to say (in the template as
    # written or as expanded); empty: every template. A run imports and runs only the rules a
    # template can need, so a type missing here is a finding lost: when unsure, leave it empty.
    resource_types: ClassVar[frozenset[str]] = frozenset()

    def check(self, context: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError

    # A run-wide rule (one account's budgets over every template of a run) overrides both: ``collect``
    # takes one file's facts when the file is checked (picklable: they cross process boundaries and
    # are cached with its findings unless the rule reads the disk; None when it has none), and
    # ``judge`` reports from every file's facts, in the run's order, once all are checked.
    def collect(self, context: RuleContext) -> object | None:
        return None

    def judge(self, collected: Sequence[Any]) -> Iterable[Finding]:
        return ()


@dataclass
class RuleContext:
    """What one rule sees of one template, and how it reports.

    Rules read resources, properties and positions through the context (``context.of_type``,
    ``context.property``, ``context.locate``); analyses in ``samcheck.analysis`` take
    ``context.template``.
    """

    rule: Rule
    document: Document
    expanded: Template | None  # None when the file could not be read as a template
    limits: Limits
    transform_errors: list[TransformError]
    graph_factory: Callable[[], ResourceGraph]  # built once per template, on first use
    today: date  # for date-based rules; --as-of makes runs reproducible
    directives: list[Directive] = field(default_factory=list)  # suppression comments, once applied
    settings: Settings = field(default_factory=Settings)  # region, parameters, scope
    known_rules: tuple[tuple[str, str], ...] = ()  # (id, slug) of every registered rule
    # cfn-lint's (id, slug), listed on first use (it is slow); None when they cannot be listed.
    cfn_lint_rules: Callable[[], Iterable[tuple[str, str]] | None] = lambda: None

    @property
    def file(self) -> str:
        return str(self.document.path)

    @property
    def region(self) -> str:
        """The Region the template is deployed to (``--region``, configuration or environment)."""
        return self.settings.effective_region

    @property
    def graph(self) -> ResourceGraph:
        return self.graph_factory()

    def created_before(self, logical_id: str) -> frozenset[str]:
        """Every resource CloudFormation creates before this one (``samcheck.model.ordering``):
        answered from the references alone, without building the resource graph."""
        return created_before(self.template, logical_id)

    @property
    def template(self) -> Template:
        assert self.expanded is not None, "a rule that needs a template ran without one"
        return self.expanded

    @property
    def resources(self) -> dict[str, Resource]:
        """The expanded template's resources by logical ID."""
        return self.template.resources

    def of_type(self, *types: str) -> Iterator[Resource]:
        return self.template.of_type(*types)

    def property(self, resource: Resource, path: NodePath | str, default: Any = None) -> Property:
        """A resolved property with where a user edits it; ``default`` when it is absent."""
        return self.template.property(resource, path, default)

    def branches(self, resource: Resource, path: NodePath | str) -> Branches:
        """A property as written (intrinsics kept, for ``analysis.wiring.target_of``), once per
        ``Fn::If`` branch that may be deployed; no node where it is absent or cannot be followed."""
        return self.template.branches(resource, path)

    def locate(self, resource: Resource, path: NodePath = ()) -> Location:
        """Where a user edits a resource's property (the SAM property, Events entry or Globals key)."""
        return self.template.locate(resource, path)

    def globals_related(self, resource: Resource, path: NodePath) -> tuple[Related, ...]:
        return self.template.globals_related(resource, path)

    def parameter_related(self, value: Value) -> tuple[Related, ...]:
        """Where the parameters and conditions that a value's candidates depend on are defined."""
        return self.template.parameter_related(value)

    def when_related(self, when: When) -> tuple[Related, ...]:
        """Where the parameters and conditions a finding's assumptions name are defined."""
        return self.template.when_related(when)

    def unknown_selector(self, selector: str) -> str | None:
        """Why a rule selector (an id, id prefix or slug) names no registered rule nor cfn-lint's;
        None if it names some, or when the registered rules are not known here."""
        if not self.known_rules:
            return None
        return unknown_selector(selector, self.known_rules, self.cfn_lint_rules)

    def settle(self, node: Any) -> Any:
        """A node as written, with each ``Fn::If`` that can be decided here replaced by its branch."""
        return self.template.resolver.settle(node)

    def resolve(self, node: Any) -> Value:
        """The statically known candidates of a template value."""
        return self.template.resolver.resolve(node)

    def limit(self, name: str) -> float:
        return self.limits[name]

    def report_unknown(
        self, where: Location | Span, subject: str, value: Value, unchecked: str, *, resource: str | None = None
    ) -> Finding:
        """An info that a value is known only at deploy time, so a check was not made: a rule whose
        documentation says so reports this instead of guessing (never an error)."""
        because = value.unknown_because or "it is known only at deploy time"
        return self.report(
            where,
            f"{subject} is not known before deploying ({because}), so {unchecked} is not checked",
            resource=resource,
            severity=Severity.INFO,
        )

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
