"""The template as CloudFormation will see it after the SAM transform, each resource traced to
its origin: prepare, translate, trace."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samcheck.cfn.references import referenced
from samcheck.sam import SAM_PREFIX, declares_sam
from samcheck.sam.placeholders import named_after_placeholders, placeholders, restore
from samcheck.sam.prepare import Include, Outside, prepare
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
    # logical ID -> an artifact URI that is neither a local path nor s3:// (an https:// URL)
    url_artifacts: dict[str, str] = field(default_factory=dict)
    # image functions without ImageUri: sam build must build them (from Metadata.Dockerfile)
    built_images: list[str] = field(default_factory=list)
    # zip functions without CodeUri or InlineCode: sam build packages the template's folder for them
    folder_code: list[str] = field(default_factory=list)
    # local references outside the project, which are not read
    outside_references: list[Outside] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)  # local AWS::Include files read
    transformed: bool = False

    def may_name(self, logical_id: str) -> bool:
        """Whether a resource the translator makes may be named ``logical_id`` once a parameter known
        only at deploy time has its value (an alias named after ``AutoPublishAlias: !Ref P``)."""
        return any(pattern.fullmatch(logical_id) for pattern in named_after_placeholders(self.resources))


# Each round drops the resources the translator named; a resource that refers to a dropped one
# fails in the next round.
_RETRY_ROUNDS = 3


def expand(
    template: dict[str, Any],
    parameter_values: dict[str, Any],
    region: str,
    folder: Path,
    unknown_parameters: dict[str, str] | None = None,
) -> Expansion:
    """The template as CloudFormation will see it, each resource traced to its origin.

    ``unknown_parameters`` (name -> type) have no value here; they get placeholders only when the
    translator fails without them, and its errors count only if they persist with them.
    """
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not declares_sam(template) or not resources:
        return _unexpanded(template)
    prepared = copy.deepcopy(template)
    preparation = prepare(prepared, folder)
    errors: list[TransformError] = []
    expanded = translate(prepared, parameter_values, region, errors)
    if expanded is None and unknown_parameters and not any(error.gave_up for error in errors):
        stand_ins = placeholders(unknown_parameters)
        with_stand_ins: list[TransformError] = []
        expanded = translate(prepared, {**stand_ins, **parameter_values}, region, with_stand_ins)
        if expanded is not None:
            expanded = restore(expanded, stand_ins)
        persisting = {error.message for error in with_stand_ins}
        errors = [error for error in errors if error.message in persisting] or with_stand_ins
    errors = [attribute(error, template["Resources"]) for error in errors]
    failed = {error.resource for error in errors}
    retry = prepared
    for _ in range(_RETRY_ROUNDS):
        # Expand what can be expanded: drop the resources the translator named and retry.
        if expanded is not None or None in failed:
            break
        retry = copy.deepcopy(retry)
        for logical_id in failed | _apis_fed_by(retry["Resources"], failed):
            retry["Resources"].pop(logical_id, None)
        found: list[TransformError] = []
        expanded = translate(retry, parameter_values, region, found)
        failed = {attribute(error, template["Resources"]).resource for error in found}
    if expanded is None:
        result = _unexpanded(template, sam_skipped=True)
        result.errors = errors
        result.local_artifacts, result.url_artifacts, result.built_images, result.outside_references = (
            preparation.local,
            preparation.urls,
            preparation.built_images,
            preparation.outside,  # not read whether or not the transform succeeds
        )
        result.includes = preparation.includes
        return result
    traced = origins(template, expanded)
    return Expansion(
        expanded["Resources"],
        traced,
        expanded,
        errors,
        local_artifacts=preparation.local,
        url_artifacts=preparation.urls,
        built_images=preparation.built_images,
        folder_code=preparation.folder_code,
        outside_references=preparation.outside,
        includes=preparation.includes,
        transformed=True,
    )


# SAM events that add a path to the API their RestApiId/ApiId names.
_API_EVENTS = {"Api": "RestApiId", "HttpApi": "ApiId"}


def _apis_fed_by(resources: dict[str, Any], dropped: set[str | None]) -> set[str]:
    """The SAM APIs of the template that a dropped resource's events add paths to: without them the
    API would be judged without its methods (and the resource policy SAM writes onto them), so it
    is dropped too rather than judged as something no deploy makes."""
    fed = set()
    for logical_id in dropped:
        resource = resources.get(logical_id) if logical_id else None
        properties = resource.get("Properties") if isinstance(resource, dict) else None
        events = properties.get("Events") if isinstance(properties, dict) else None
        for event in events.values() if isinstance(events, dict) else ():
            kind = event.get("Type") if isinstance(event, dict) else None
            if not isinstance(kind, str) or kind not in _API_EVENTS:
                continue
            event_properties = event.get("Properties")
            named = event_properties.get(_API_EVENTS[kind]) if isinstance(event_properties, dict) else None
            fed |= {name for name, _, _ in referenced(named, resources)}
    return fed


def _unexpanded(template: dict[str, Any], sam_skipped: bool = False) -> Expansion:
    resources = template.get("Resources")
    kept = {
        logical_id: resource
        for logical_id, resource in (resources.items() if isinstance(resources, dict) else [])
        if isinstance(resource, dict) and not (sam_skipped and str(resource.get("Type", "")).startswith(SAM_PREFIX))
    }
    origins = {logical_id: Origin(logical_id, str(r.get("Type", ""))) for logical_id, r in kept.items()}
    return Expansion(kept, origins, template)
