"""Expand the ``AWS::Serverless-2016-10-31`` transform offline, keeping provenance.

The official aws-sam-translator runs with its bundled managed-policy map and a
region-only boto3 session: no AWS call, no credentials, no network. Local artifact
paths are swapped for placeholders first (and remembered), and every SAM resource is
tagged so that each resource it generates can be traced back to it.
"""

from __future__ import annotations

import copy
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path as FsPath
from typing import Any

from samcheck.resolving import ACCOUNT_ID_PLACEHOLDER, partition_for

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
SAM_PREFIX = "AWS::Serverless::"
_ORIGIN_MARKER = "SamcheckOrigin"
_PLACEHOLDER_BUCKET = "samcheck-local-artifact"
# Properties that may name a local path, which `sam build`/`sam package` would upload.
LOCAL_ARTIFACT_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::Application": "Location",
}
_PLACEHOLDER_DEFINITIONS: dict[str, dict[str, Any]] = {
    "AWS::Serverless::Api": {"swagger": "2.0", "info": {"title": "samcheck", "version": "1.0"}, "paths": {}},
    "AWS::Serverless::HttpApi": {
        "openapi": "3.0.1",
        "info": {"title": "samcheck", "version": "1.0"},
        "paths": {},
    },
}
IMPLICIT_APIS = {"ServerlessRestApi": "Api", "ServerlessHttpApi": "HttpApi"}
# The translator copies the whole OpenAPI document for every API event, so its time grows with
# the square of their number (250 events: 6 s, 1,000: 2 minutes); past this it is stopped.
TRANSLATE_SECONDS = 30.0
_RESOURCE_ID = re.compile(r"Resource with id \[([^\]]+)\]")
_EVENT_ID = re.compile(r"Event with id \[([^\]]+)\]")


@dataclass(frozen=True)
class Origin:
    """Where an expanded resource comes from in the source template."""

    resource: str  # logical ID in the source template
    source_type: str  # its type there, e.g. AWS::Serverless::Function
    event: str | None = None  # the Events entry that generated it
    generated: bool = False  # False when the resource stands in the source as it is


@dataclass(frozen=True)
class TransformError:
    message: str
    resource: str | None
    event: str | None
    property_path: tuple[str, ...] = ()
    gave_up: bool = False  # samcheck stopped the translator: the template is not known to be wrong


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


def declares_sam(template: dict[str, Any]) -> bool:
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names


def expand(template: dict[str, Any], parameter_values: dict[str, Any], region: str, folder: FsPath) -> Expansion:
    """The template as CloudFormation will see it, each resource traced to its origin."""
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not declares_sam(template) or not resources:
        return _unexpanded(template)
    prepared = copy.deepcopy(template)
    inputs: list[str] = []
    local_artifacts = _prepare(prepared, folder, inputs)
    errors: list[TransformError] = []
    expanded = _translate(prepared, parameter_values, region, errors)
    errors = [_attribute(error, template["Resources"]) for error in errors]
    if expanded is None:
        # Expand what can be expanded: drop the resources the translator named and retry once.
        failed = {error.resource for error in errors}
        if None not in failed:
            retry = copy.deepcopy(prepared)
            for logical_id in failed:
                retry["Resources"].pop(logical_id, None)
            expanded = _translate(retry, parameter_values, region, [])
    if expanded is None:
        result = _unexpanded(template, sam_skipped=True)
        result.errors = errors
        result.local_artifacts = local_artifacts
        result.inputs = inputs
        return result
    origins = _origins(template, expanded)
    return Expansion(expanded["Resources"], origins, expanded, errors, local_artifacts, True, inputs)


def _unexpanded(template: dict[str, Any], sam_skipped: bool = False) -> Expansion:
    resources = template.get("Resources")
    kept = {
        logical_id: resource
        for logical_id, resource in (resources.items() if isinstance(resources, dict) else [])
        if isinstance(resource, dict) and not (sam_skipped and str(resource.get("Type", "")).startswith(SAM_PREFIX))
    }
    origins = {logical_id: Origin(logical_id, str(r.get("Type", ""))) for logical_id, r in kept.items()}
    return Expansion(kept, origins, template)


def _prepare(template: dict[str, Any], folder: FsPath, inputs: list[str]) -> dict[str, str]:
    """Make the template what the translator sees after ``sam build`` and ``sam package``.

    Tags each SAM resource with its logical ID, swaps local artifact paths for S3
    placeholders (returning them), fills in what ``sam build`` fills in, and inlines local
    ``AWS::Include`` files as CloudFormation does before the SAM transform.
    """
    local: dict[str, str] = {}
    globals_section = template.get("Globals")
    function_globals = globals_section.get("Function") if isinstance(globals_section, dict) else None
    function_globals = function_globals if isinstance(function_globals, dict) else {}
    global_code_uri = function_globals.get("CodeUri")
    for logical_id, resource in template["Resources"].items():
        if not isinstance(resource, dict):
            continue
        resource_type = str(resource.get("Type", ""))
        if not resource_type.startswith(SAM_PREFIX):
            continue
        metadata = resource.get("Metadata")
        resource["Metadata"] = {
            **(metadata if isinstance(metadata, dict) else {}),
            _ORIGIN_MARKER: logical_id,
        }
        if resource.get("Properties") is None:
            resource["Properties"] = {}  # everything may come from Globals
        properties = resource["Properties"]
        if not isinstance(properties, dict):
            continue
        _inline_includes(properties, folder, _PLACEHOLDER_DEFINITIONS.get(resource_type), inputs)
        if resource_type == "AWS::Serverless::Function":
            _fill_build_defaults(properties, function_globals)
        name = LOCAL_ARTIFACT_PROPERTIES.get(resource_type)
        value = properties.get(name) if name else None
        if name is None:
            continue
        if resource_type == "AWS::Serverless::Application":
            if isinstance(value, dict):  # a SAR application: the translator would call SAR
                properties[name] = f"https://{_PLACEHOLDER_BUCKET}.s3.amazonaws.com/{logical_id}.yaml"
            elif isinstance(value, str) and not value.startswith(("s3://", "https://")):
                local[logical_id] = value
                properties[name] = f"https://{_PLACEHOLDER_BUCKET}.s3.amazonaws.com/{logical_id}.yaml"
        elif isinstance(value, str) and not value.startswith("s3://"):
            local[logical_id] = value
            properties[name] = f"s3://{_PLACEHOLDER_BUCKET}/{logical_id}"
        elif value is None and resource_type == "AWS::Serverless::Function" and isinstance(global_code_uri, str):
            local[logical_id] = global_code_uri
    if isinstance(global_code_uri, str) and not global_code_uri.startswith("s3://"):
        function_globals["CodeUri"] = f"s3://{_PLACEHOLDER_BUCKET}/globals"
    return local


def _fill_build_defaults(properties: dict[str, Any], function_globals: dict[str, Any]) -> None:
    """What ``sam build`` supplies: code from the template's folder for a zip function without
    CodeUri, and the image URI of an image function it builds from a Dockerfile."""
    package_type = properties.get("PackageType", function_globals.get("PackageType", "Zip"))
    if package_type == "Image":
        if "ImageUri" not in properties and "ImageUri" not in function_globals:
            properties["ImageUri"] = f"{ACCOUNT_ID_PLACEHOLDER}.dkr.ecr.us-east-1.amazonaws.com/samcheck:latest"
    elif not any(key in properties for key in ("CodeUri", "InlineCode")) and "CodeUri" not in function_globals:
        # sam build packages the template's folder; that folder is not measured as a package.
        properties["CodeUri"] = f"s3://{_PLACEHOLDER_BUCKET}/default"


def _inline_includes(node: Any, folder: FsPath, placeholder: dict[str, Any] | None, inputs: list[str]) -> None:
    """Replace ``Fn::Transform: AWS::Include`` of a local file by the file's content.

    An API definition that cannot be read here (on S3, or missing) becomes an empty one,
    so that the translator can still add what the SAM properties ask for.
    """
    from samcheck.loading import load_document

    stack = [node]
    while stack:
        current = stack.pop()
        items = (
            current.items() if isinstance(current, dict) else enumerate(current) if isinstance(current, list) else ()
        )
        for key, value in list(items):
            transform = value.get("Fn::Transform") if isinstance(value, dict) and len(value) == 1 else None
            location = _include_location(transform)
            if location is not None:
                included = None
                if not location.startswith("s3://"):
                    inputs.append(str(folder / location))
                    included = load_document(folder / location).data
                if included is None and key == "DefinitionBody":
                    included = copy.deepcopy(placeholder)
                if included is not None:
                    current[key] = included
                    continue
            stack.append(value)


def _include_location(transform: Any) -> str | None:
    if not isinstance(transform, dict) or transform.get("Name") != "AWS::Include":
        return None
    parameters = transform.get("Parameters")
    location = parameters.get("Location") if isinstance(parameters, dict) else None
    return location if isinstance(location, str) else None


@cache
def _session(region: str) -> Any:
    """One boto3 session per region: building one registers hundreds of handlers (~15 ms).
    It only tells the translator the region; nothing calls AWS."""
    import boto3

    return boto3.session.Session(region_name=region)


Translation = tuple[dict[str, Any] | None, list[TransformError]]


def _translate(
    template: dict[str, Any], parameter_values: dict[str, Any], region: str, errors: list[TransformError]
) -> dict[str, Any] | None:
    from samcheck import translator_process

    translation = translator_process.call(translate_here, template, parameter_values, region)
    expanded, found = translation if translation is not None else translate_here(template, parameter_values, region)
    errors.extend(found)
    return expanded


def translate_here(template: dict[str, Any], parameter_values: dict[str, Any], region: str) -> Translation:
    """Run the translator in this process: the expanded template, or None and the errors."""
    import logging

    from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    # The translator logs feature-toggle lookups as warnings; they say nothing to a user.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    partition = partition_for(region)
    values = {
        "AWS::Region": region,
        "AWS::Partition": partition,
        "AWS::AccountId": ACCOUNT_ID_PLACEHOLDER,
        **parameter_values,
    }
    policies = get_bundled_managed_policy_map(partition) or get_bundled_managed_policy_map("aws") or {}
    # Metrics go to the dummy publisher; publishing empties the cache, which the translator's
    # Metrics destructor would otherwise complain about on stderr.
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(None, Parser(), boto_session=_session(region), metrics=metrics)
    try:
        with _time_limit(TRANSLATE_SECONDS):
            result: dict[str, Any] = translator.translate(
                copy.deepcopy(template),
                parameter_values=values,
                passthrough_metadata=True,
                get_managed_policy_map=lambda: policies,
            )
    except _OutOfTimeError:
        message = (
            f"the SAM translator was stopped after {TRANSLATE_SECONDS:g} s (its time grows with the square of the "
            "number of API events), so the SAM resources were not checked; splitting the API into several "
            "makes each expansion quicker"
        )
        return None, [TransformError(message, None, None, gave_up=True)]
    except InvalidDocumentException as document_error:
        return None, [_transform_error(cause) for cause in document_error.causes]
    except Exception as error:  # the translator has bugs on odd input; report, don't crash
        return None, [TransformError(f"SAM translator failed: {type(error).__name__}: {error}", None, None)]
    finally:
        metrics.publish()
    return result, []


class _OutOfTimeError(BaseException):
    """Raised inside the translator when its time is up; not an Exception, so that the
    translator's own ``except Exception`` handlers cannot swallow it."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds``: in the main thread where SIGALRM exists, and when no
    one else (a program embedding samcheck, a test timeout) has a timer running; else no limit."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _OutOfTimeError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _transform_error(cause: Any) -> TransformError:
    message = str(getattr(cause, "message", cause))
    resource = _RESOURCE_ID.search(message)
    event = _EVENT_ID.search(message)
    key_path = getattr(cause, "key_path", "")
    return TransformError(
        message,
        resource.group(1) if resource else None,
        event.group(1) if event else None,
        tuple(key_path.split(".")) if isinstance(key_path, str) and key_path else (),
    )


def _attribute(error: TransformError, sources: dict[str, Any]) -> TransformError:
    """Name the source resource, event and property an error is about.

    The translator sometimes names a generated ID (``<Function><Event>``); the property is
    the first of the resource's properties that the message names.
    """
    if error.resource is None:
        return error
    origin = _generated_origin(error.resource, error.resource if error.resource in sources else None, sources)
    event = error.event or origin.event
    property_path = error.property_path
    properties = _mapping_at(sources.get(origin.resource), "Properties")
    if not property_path and event is None:
        named = [name for name in properties if re.search(rf"\b{re.escape(name)}\b", error.message)]
        property_path = (named[0],) if named else ()
    return TransformError(error.message, origin.resource, event, property_path)


def _mapping_at(node: Any, key: str) -> dict[str, Any]:
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, dict) else {}


def _origins(source: dict[str, Any], expanded: dict[str, Any]) -> dict[str, Origin]:
    source_resources: dict[str, Any] = source["Resources"]
    origins: dict[str, Origin] = {}
    for logical_id, resource in expanded["Resources"].items():
        marker = None
        metadata = resource.get("Metadata")
        if isinstance(metadata, dict):
            marker = metadata.pop(_ORIGIN_MARKER, None)
            if not metadata:
                del resource["Metadata"]
        source_resource = source_resources.get(logical_id)
        unchanged = isinstance(source_resource, dict) and source_resource.get("Type") == resource.get("Type")
        if marker is None and unchanged:
            origins[logical_id] = Origin(logical_id, str(resource.get("Type")))
            continue
        origins[logical_id] = _generated_origin(logical_id, marker, source_resources)
    return origins


def _generated_origin(logical_id: str, marker: str | None, sources: dict[str, Any]) -> Origin:
    if marker is None:
        for api_id, event_type in IMPLICIT_APIS.items():
            if logical_id.startswith(api_id):
                return _implicit_api_origin(event_type, sources) or Origin(api_id, SAM_PREFIX + event_type, None, True)
        # Resources the translator adds for the whole template (e.g. the CodeDeploy application).
        marker = next((name for name in sorted(sources, key=len, reverse=True) if logical_id.startswith(name)), None)
        if marker is None:
            return Origin(logical_id, "", None, True)
    source = sources.get(marker)
    source_type = str(source.get("Type", "")) if isinstance(source, dict) else ""
    return Origin(marker, source_type, _event_name(logical_id, marker, source), True)


def _events(source: Any) -> dict[str, Any]:
    return _mapping_at(_mapping_at(source, "Properties"), "Events")


def _event_name(logical_id: str, origin: str, source: Any) -> str | None:
    """The Events entry whose name the generated ID carries (translator naming: <Function><Event>…)."""
    rest = logical_id[len(origin) :]
    matches = [name for name in _events(source) if rest.startswith(name)]
    return max(matches, key=len) if matches else None


def _implicit_api_origin(event_type: str, sources: dict[str, Any]) -> Origin | None:
    """The implicit API belongs to the first function event that uses it without naming an API."""
    api_key = "RestApiId" if event_type == "Api" else "ApiId"
    for logical_id, source in sources.items():
        for name, event in _events(source).items():
            if not isinstance(event, dict) or event.get("Type") != event_type:
                continue
            properties = event.get("Properties")
            if not (isinstance(properties, dict) and api_key in properties):
                return Origin(logical_id, str(source.get("Type")), name, True)
    return None
