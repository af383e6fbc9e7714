"""Build the model rules read from a parsed document: expand SAM, then resolve against the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samcheck.cfn.document import Document
from samcheck.cfn.resolver import Resolver
from samcheck.model.template import Template
from samcheck.sam.expand import Expansion, expand

if TYPE_CHECKING:
    from samcheck.config import Settings


def _parameter_values(resolver: Resolver, template: dict[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    """One value per parameter for the translator (the override, else the first candidate), and
    the type of each parameter that has no value here."""
    parameters = template.get("Parameters")
    values: dict[str, object] = {}
    unknown: dict[str, str] = {}
    for name, definition in parameters.items() if isinstance(parameters, dict) else ():
        candidates = resolver.parameter_values(name)
        if candidates:
            values[name] = candidates[0]
        elif isinstance(name, str) and name.isalnum():
            kind = definition.get("Type") if isinstance(definition, dict) else None
            unknown[name] = kind if isinstance(kind, str) else "String"
    return values, unknown


def expand_document(document: Document, settings: Settings) -> Expansion | None:
    """The document's SAM expansion (its resources as they are without the transform)."""
    if document.data is None:
        return None
    resolver = Resolver(document.data, dict(settings.parameter_overrides), settings.effective_region)
    values, unknown = _parameter_values(resolver, document.data)
    return expand(document.data, values, settings.effective_region, document.path.parent, unknown)


def assemble(document: Document, expansion: Expansion | None, settings: Settings) -> Template | None:
    if expansion is None:
        return None
    # Resolve against the expanded template: SAM adds Conditions and keeps the Parameters.
    resolver = Resolver(expansion.template, dict(settings.parameter_overrides), settings.effective_region)
    return Template(document, expansion, resolver)


def build_template(document: Document, settings: Settings) -> Template | None:
    return assemble(document, expand_document(document, settings), settings)
