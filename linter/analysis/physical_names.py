"""Physical names: what each resource of the template is called in its service, per deployment, and
the properties that name a resource of the template by that name (or its ARN or URL) instead of
referring to it. Read from ``schemas/physical_names.json``; which forms a property takes (a name, an
ARN, a URL) from ``schemas/reference_kinds.json``.

A name is spelled as ``samcheck.analysis.arns`` spells values: literals stay, what is known only at
deploy time is a token (``⟦AWS::StackName⟧``, ``⟦Table.Ref⟧``). Two names built from the same
``Sub`` with the same unknown parts are then equal, and a name with a token never equals a literal.
Each choice of a known set (a parameter's ``AllowedValues``, an undecided ``Fn::If``) gives one
spelling with when it is deployed (``Resolver.variants``); what cannot be spelled (a parameter
without default, an import, past ``MAX_VARIANTS`` choices) is unknown and never compared.

Names are compared within a namespace: the resource type (or what several types create: an API
Gateway ``Deployment``'s ``StageName`` creates a stage) and a scope where names are unique within a
parent (stages per API, aliases per function, rules per event bus). The expanded template holds the
names SAM generates: the ``Stage`` stage of an ``AWS::Serverless::Api`` without ``OpenApiVersion``
is its deployment's ``StageName``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.arns import ACCOUNT, symbolic, tokens
from samcheck.analysis.reference_kinds import accepts, arn_kind, takes
from samcheck.analysis.values import ALWAYS, Candidate, When, merge, together, written_paths
from samcheck.cfn.resolver import partition_for
from samcheck.datafiles import load_json
from samcheck.findings import NodePath
from samcheck.model.ordering import deployed
from samcheck.model.template import Resource, Template

# An account ID written as a literal in an ARN or a queue URL: the deploying account's is not known
# here, so a literal one stands for it (a name and Region that match are what tell the resource).
_LITERAL_ACCOUNT = re.compile(r"(?<=:)\d{12}(?=:)|(?<=\.amazonaws\.com/)\d{12}(?=/)")


class NameRow(NamedTuple):
    type: str
    property: str
    label: str  # what the name is of, for messages: "queue", "stage"
    namespace: str  # names in one namespace (and scope) must differ
    scope: str | None  # the property naming the parent names are unique within
    scope_default: str | None
    case_insensitive: bool
    arn: str | None  # the ARN, with {partition}, {region}, {account} and {name}
    url: str | None
    arn_unless: str | None  # a property that, written, changes the ARN (an IAM role's Path)
    reuses_existing: bool  # given a name that exists, it takes that one over instead of failing


class Named(NamedTuple):
    """One name a resource is created with, in the deployments ``when`` holds in."""

    resource: Resource
    row: NameRow
    name: str  # spelled
    scope: str  # spelled; "" for a namespace without scope
    when: When

    @property
    def key(self) -> tuple[str, str, str]:
        """What two names must share to collide."""
        name = self.name.lower() if self.row.case_insensitive else self.name
        return self.row.namespace, self.scope, name

    @property
    def path(self) -> NodePath:
        return (self.row.property,)


class Naming(NamedTuple):
    """A property that names a resource of the template by its physical name, ARN or URL."""

    holder: Resource
    path: NodePath  # in the holder's properties (list indices filled in)
    named: Named
    form: str  # "name", "ARN" or "URL"
    kinds: tuple[str, ...]  # what the property takes (reference_kinds)
    when: When


@cache
def name_rows() -> tuple[NameRow, ...]:
    return tuple(
        NameRow(
            row["type"],
            row["property"],
            row["label"],
            row.get("namespace", row["type"]),
            row.get("scope"),
            row.get("scope_default"),
            row.get("case_insensitive", False),
            row.get("arn"),
            row.get("url"),
            row.get("arn_unless"),
            row.get("reuses_existing", False),
        )
        for row in load_json("physical_names.json")["names"]
    )


@cache
def _rows_by_type() -> dict[str, tuple[NameRow, ...]]:
    found: dict[str, tuple[NameRow, ...]] = {}
    for row in name_rows():
        found[row.type] = (*found.get(row.type, ()), row)
    return found


@cache
def named_by_rows() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """(holder type, property path, type of the resource it names)."""
    return tuple(
        (row["type"], tuple(row["property"].split(".")), row["names"])
        for row in load_json("physical_names.json")["named_by"]
    )


def spelled(template: Template, node: Any) -> list[Candidate]:
    """Every spelling of a value, with when it is deployed; none where it is unknown."""
    found = []
    for variant, when in template.resolver.variants(node):
        text = symbolic(template, variant)
        if text is not None and text != "":
            found.append(Candidate(text, when))
    return found


def written_spellings(template: Template, resource: Resource, path: NodePath) -> list[Candidate]:
    """Every spelling of a property, each ``Fn::If`` branch that writes it and each choice of a
    known set judged; none where it is left out or unknown."""
    branches = template.branches(resource, path)
    found = []
    for node, branch in zip(branches.nodes, branches.whens, strict=True):
        for spelling in spelled(template, node):
            when = merge(branch, spelling.when)
            if when is not None:
                found.append(Candidate(spelling.value, when))
    return found


def shown(spelling: str) -> str:
    """A spelling as a user writes it: tokens back as ``${...}``."""
    for name in tokens(spelling):
        written = name[: -len(".Ref")] if name.endswith(".Ref") else name
        spelling = spelling.replace(f"\u27e6{name}\u27e7", f"${{{written}}}")
    return spelling


@per_template
def physical_names(template: Template) -> tuple[Named, ...]:
    """Every name the template's resources are created with, in template order."""
    found: list[Named] = []
    for resource in template.resources.values():
        for row in _rows_by_type().get(resource.type, ()):
            # Where the name is left out, CloudFormation generates a unique one.
            names = written_spellings(template, resource, (row.property,))
            created = [Candidate(None, when) for when in deployed(template, resource)]
            scopes = [Candidate("", ALWAYS)] if row.scope is None else _scopes(template, resource, row)
            for (_, name, scope), when in together(created, names, scopes):
                found.append(Named(resource, row, name, scope, when))
    return tuple(found)


def _scopes(template: Template, resource: Resource, row: NameRow) -> list[Candidate]:
    assert row.scope is not None
    branches = template.branches(resource, row.scope)
    left_out = branches.absent or (() if branches.nodes else (ALWAYS,))
    defaults = [Candidate(row.scope_default, when) for when in left_out] if row.scope_default is not None else []
    return [*written_spellings(template, resource, (row.scope,)), *defaults]


def spellings(template: Template, named: Named) -> list[tuple[str, str, str]]:
    """(form, spelling, kind) a resource's name may be written in elsewhere: the name, its ARN, its URL."""
    row = named.row
    region = template.resolver.region
    fill = {"partition": partition_for(region), "region": region, "account": ACCOUNT, "name": named.name}
    found = [("name", named.name, "name")]
    arn_changed = row.arn_unless is not None and any(
        node != "/" for node in template.branches(named.resource, row.arn_unless).nodes
    )
    if row.arn is not None and not arn_changed:
        # The kind from a literal spelling: a token's "::" would split the ARN's fields.
        kind = arn_kind(row.arn.format(**{**fill, "account": "123456789012", "name": "name"}))
        if kind is not None:
            found.append(("ARN", row.arn.format(**fill), kind[0]))
    if row.url is not None:
        found.append(("URL", row.url.format(**fill), "url"))
    return found


def _as_compared(spelling: str) -> str:
    return _LITERAL_ACCOUNT.sub(ACCOUNT, spelling)


@per_template
def namings(template: Template) -> tuple[Naming, ...]:
    """Every property (of the ``named_by`` rows) whose value is the name, ARN or URL of a resource
    of the template of the type the property names, in a deployment both are in."""
    by_spelling: dict[tuple[str, str], list[tuple[str, str, Named]]] = {}
    for named in physical_names(template):
        for form, spelling, kind in spellings(template, named):
            by_spelling.setdefault((named.resource.type, spelling), []).append((form, kind, named))
    if not by_spelling:
        return ()
    found: list[Naming] = []
    for holder_type, pattern, target_type in named_by_rows():
        kinds = tuple(kind for row in takes(holder_type) if row.path == pattern for kind in row.kinds)
        for holder in template.of_type(holder_type):
            created = [Candidate(None, when) for when in deployed(template, holder)]
            for path in written_paths(template, holder, pattern):
                for (_, value), when in together(created, written_spellings(template, holder, path)):
                    for form, kind, named in by_spelling.get((target_type, _as_compared(value)), ()):
                        if named.resource is holder or not accepts(kinds, kind):
                            continue
                        holds = together([Candidate(None, when)], [Candidate(None, named.when)])
                        found += [Naming(holder, path, named, form, kinds, both) for _, both in holds]
    return tuple(found)
