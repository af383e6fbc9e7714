"""Build the model rules read from a parsed document: expand SAM, then resolve against the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samcheck.cfn.document import Document
from samcheck.cfn.resolver import Resolver
from samcheck.model.template import Template
from samcheck.sam.expand import Expansion, expand

if TYPE_CHECKING:
    from samcheck.config import Settings


def _parameter_values(resolver: Resolver, template: dict[str, object]) -> dict[str, object]:
    """One value per parameter for the translator: the override, else the first candidate."""
    parameters = template.get("Parameters")
    values: dict[str, object] = {}
    for name in parameters if isinstance(parameters, dict) else {}:
        candidates = resolver.parameter_values(name)
        if candidates:
            values[name] = candidates[0]
    return values


def expand_document(document: Document, settings: Settings) -> Expansion | None:
    """The document's SAM expansion (its resources as they are without the transform)."""
    if document.data is None:
        return None
    resolver = Resolver(document.data, dict(settings.parameter_overrides), settings.effective_region)
    values = _parameter_values(resolver, document.data)
    return expand(document.data, values, settings.effective_region, document.path.parent)


def assemble(document: Document, expansion: Expansion | None, settings: Settings) -> Template | None:
    if expansion is None:
        return None
    # Resolve against the expanded template: SAM adds Conditions and keeps the Parameters.
    resolver = Resolver(expansion.template, dict(settings.parameter_overrides), settings.effective_region)
    return Template(document, expansion, resolver)


def build_template(document: Document, settings: Settings) -> Template | None:
    return assemble(document, expand_document(document, settings), settings)
