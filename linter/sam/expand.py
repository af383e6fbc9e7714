"""The template as CloudFormation will see it after the SAM transform, each resource traced to
its origin: prepare, translate, trace."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samcheck.sam import SAM_PREFIX, declares_sam
from samcheck.sam.prepare import prepare
from samcheck.sam.provenance import Origin, attribute, origins
from samcheck.sam.translate import TransformError, translate


@dataclass
class Expansion:
    resources: dict[str, dict[str, Any]]
    origins: dict[str, Origin]
    template: dict[str, Any]  # the expanded template (or the source one, without the transform)
    errors: list[TransformError] = field(default_factory=list)
    # logical ID -> the local path a SAM artifact property names (relative to the template)
    local_artifacts: dict[str, str] = field(default_factory=dict)
    transformed: bool = False
    inputs: list[str] = field(default_factory=list)  # other files read (local AWS::Include)


def expand(template: dict[str, Any], parameter_values: dict[str, Any], region: str, folder: Path) -> Expansion:
    """The template as CloudFormation will see it, each resource traced to its origin."""
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not declares_sam(template) or not resources:
        return _unexpanded(template)
    prepared = copy.deepcopy(template)
    inputs: list[str] = []
    local_artifacts = prepare(prepared, folder, inputs)
    errors: list[TransformError] = []
    expanded = translate(prepared, parameter_values, region, errors)
    errors = [attribute(error, template["Resources"]) for error in errors]
    if expanded is None:
        # Expand what can be expanded: drop the resources the translator named and retry once.
        failed = {error.resource for error in errors}
        if None not in failed:
            retry = copy.deepcopy(prepared)
            for logical_id in failed:
                retry["Resources"].pop(logical_id, None)
            expanded = translate(retry, parameter_values, region, [])
    if expanded is None:
        result = _unexpanded(template, sam_skipped=True)
        result.errors = errors
        result.local_artifacts = local_artifacts
        result.inputs = inputs
        return result
    traced = origins(template, expanded)
    return Expansion(expanded["Resources"], traced, expanded, errors, local_artifacts, True, inputs)


def _unexpanded(template: dict[str, Any], sam_skipped: bool = False) -> Expansion:
    resources = template.get("Resources")
    kept = {
        logical_id: resource
        for logical_id, resource in (resources.items() if isinstance(resources, dict) else [])
        if isinstance(resource, dict) and not (sam_skipped and str(resource.get("Type", "")).startswith(SAM_PREFIX))
    }
    origins = {logical_id: Origin(logical_id, str(r.get("Type", ""))) for logical_id, r in kept.items()}
    return Expansion(kept, origins, template)
