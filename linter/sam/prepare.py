"""What ``sam build`` and ``sam package`` leave behind, so that the translator can run offline.

Each SAM resource is tagged with its logical ID (for provenance), local artifact paths are swapped
for S3 placeholders (and remembered: rules measure and read those files), as are the artifacts a
pre-processor's tag names (``CodeUri: !Rain::S3 src``: it uploads them, nothing is read here),
what ``sam build`` fills in is filled in, and local ``AWS::Include`` files are inlined as
CloudFormation does before the transform.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from samcheck.cfn.document import Document, load_document, preprocessor_tag
from samcheck.cfn.local import inside_project
from samcheck.cfn.resolver import ACCOUNT_ID_PLACEHOLDER
from samcheck.findings import NodePath
from samcheck.sam import ARTIFACTS_BY_SAM_TYPE, SAM_PREFIX
from samcheck.sam.provenance import ORIGIN_MARKER

_PLACEHOLDER_BUCKET = "samcheck-local-artifact"
_PLACEHOLDER_DEFINITIONS: dict[str, dict[str, Any]] = {
    "AWS::Serverless::Api": {"swagger": "2.0", "info": {"title": "samcheck", "version": "1.0"}, "paths": {}},
    "AWS::Serverless::HttpApi": {
        "openapi": "3.0.1",
        "info": {"title": "samcheck", "version": "1.0"},
        "paths": {},
    },
}


class Outside(NamedTuple):
    """A local path the template names outside its project: never read, nor measured."""

    at: NodePath  # where it is written: ("Resources", id, "Properties", name) or ("Globals", "Function", "CodeUri")
    property: str
    path: str  # as written


class Include(NamedTuple):
    """A local ``AWS::Include`` file of the project, inlined where it parses."""

    at: NodePath  # where its Location is written
    path: str  # as written, relative to the template
    document: Document  # as read and parsed: SC0017 judges its syntax without reading it again


@dataclass
class Prepared:
    """What preparing the template found, by logical ID of the SAM resource."""

    local: dict[str, str] = field(default_factory=dict)  # artifact paths relative to the template
    urls: dict[str, str] = field(default_factory=dict)  # artifact URIs that are neither local nor s3://
    built_images: list[str] = field(default_factory=list)  # image functions sam build fills ImageUri in
    folder_code: list[str] = field(default_factory=list)  # zip functions sam build packages the folder for
    outside: list[Outside] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)  # local AWS::Include files read


def prepare(template: dict[str, Any], folder: Path) -> Prepared:
    """Make the template what the translator sees after ``sam build`` and ``sam package``.

    Tags each SAM resource with its logical ID, swaps local artifact paths for S3
    placeholders (returning them), fills in what ``sam build`` fills in, and inlines local
    ``AWS::Include`` files as CloudFormation does before the SAM transform.
    """
    prepared = Prepared()
    local = prepared.local
    globals_section = template.get("Globals")
    function_globals = globals_section.get("Function") if isinstance(globals_section, dict) else None
    function_globals = function_globals if isinstance(function_globals, dict) else {}
    global_code_uri = function_globals.get("CodeUri")
    global_outside = (
        isinstance(global_code_uri, str)
        and "://" not in global_code_uri
        and not inside_project(folder / global_code_uri, folder)
    )
    if global_outside:  # said once, where it is written, however many functions take it
        prepared.outside.append(Outside(("Globals", "Function", "CodeUri"), "CodeUri", str(global_code_uri)))
    for logical_id, resource in template["Resources"].items():
        if not isinstance(resource, dict):
            continue
        resource_type = str(resource.get("Type", ""))
        if not resource_type.startswith(SAM_PREFIX):
            continue
        metadata = resource.get("Metadata")
        resource["Metadata"] = {
            **(metadata if isinstance(metadata, dict) else {}),
            ORIGIN_MARKER: logical_id,
        }
        if resource.get("Properties") is None:
            resource["Properties"] = {}  # everything may come from Globals
        properties = resource["Properties"]
        if not isinstance(properties, dict):
            continue
        where = ("Resources", logical_id, "Properties")
        outside, included = _inline_includes(properties, folder, _PLACEHOLDER_DEFINITIONS.get(resource_type), where)
        for location in outside:
            prepared.outside.append(Outside((*where, "AWS::Include Location"), "AWS::Include Location", location))
        prepared.includes += included
        built = metadata if isinstance(metadata, dict) else {}
        filled = (
            _fill_build_defaults(properties, function_globals, built)
            if resource_type == "AWS::Serverless::Function"
            else None
        )
        if filled == "image":
            prepared.built_images.append(logical_id)
        elif filled == "folder":
            prepared.folder_code.append(logical_id)
        artifact = ARTIFACTS_BY_SAM_TYPE.get(resource_type)
        if artifact is None:
            continue
        name = artifact.sam_property
        value = properties.get(name)
        if resource_type == "AWS::Serverless::Application":
            if isinstance(value, dict):  # a SAR application: the translator would call SAR
                properties[name] = f"https://{_PLACEHOLDER_BUCKET}.s3.amazonaws.com/{logical_id}.yaml"
            elif isinstance(value, str) and not value.startswith(("s3://", "https://")):
                if inside_project(folder / value, folder):
                    local[logical_id] = value
                else:
                    prepared.outside.append(Outside((*where, name), name, value))
                properties[name] = f"https://{_PLACEHOLDER_BUCKET}.s3.amazonaws.com/{logical_id}.yaml"
        elif preprocessor_tag(value) is not None:
            properties[name] = f"s3://{_PLACEHOLDER_BUCKET}/{logical_id}"  # the pre-processor uploads it
        elif isinstance(value, str) and "://" in value and not value.startswith("s3://"):
            prepared.urls[logical_id] = value  # neither sam build nor the transform takes it
            properties[name] = f"s3://{_PLACEHOLDER_BUCKET}/{logical_id}"
        elif isinstance(value, str) and not value.startswith("s3://"):
            # A definition is parsed and quoted in reports; code is measured, which lists its folders
            # and reads samples of its files. Code outside is a finding (SC0016, a warning) rather
            # than silence: a size limit left unchecked should be known, and in a repository the
            # layout is rare and easily widened (SAMCHECK_PROJECT_ROOT).
            if inside_project(folder / value, folder):
                local[logical_id] = value
            else:
                prepared.outside.append(Outside((*where, name), name, value))
            properties[name] = f"s3://{_PLACEHOLDER_BUCKET}/{logical_id}"
        elif value is None and resource_type == "AWS::Serverless::Function" and isinstance(global_code_uri, str):
            if global_code_uri.startswith("s3://") or global_outside:
                continue  # already uploaded, or outside the project: nothing local to measure
            if "://" in global_code_uri:
                prepared.urls[logical_id] = global_code_uri
            else:
                local[logical_id] = global_code_uri
    tagged_global = preprocessor_tag(global_code_uri) is not None
    if tagged_global or (isinstance(global_code_uri, str) and not global_code_uri.startswith("s3://")):
        function_globals["CodeUri"] = f"s3://{_PLACEHOLDER_BUCKET}/globals"
    return prepared


def _fill_build_defaults(
    properties: dict[str, Any], function_globals: dict[str, Any], metadata: dict[str, Any]
) -> Literal["image", "folder"] | None:
    """What ``sam build`` supplies: code from the template's folder for a zip function without
    CodeUri ("folder"), and the image URI of an image function it builds ("image"): one without
    ImageUri, or with an empty one and the Metadata sam build builds it from."""
    package_type = properties.get("PackageType", function_globals.get("PackageType", "Zip"))
    if package_type == "Image":
        image_uri = properties.get("ImageUri", function_globals.get("ImageUri"))
        from_metadata = image_uri == "" and ("Dockerfile" in metadata or "DockerContext" in metadata)
        if image_uri is None or from_metadata:
            properties["ImageUri"] = f"{ACCOUNT_ID_PLACEHOLDER}.dkr.ecr.us-east-1.amazonaws.com/samcheck:latest"
            return "image"
    elif not any(key in properties for key in ("CodeUri", "InlineCode")) and "CodeUri" not in function_globals:
        # sam build packages the template's folder; that folder is not measured as a package.
        properties["CodeUri"] = f"s3://{_PLACEHOLDER_BUCKET}/default"
        return "folder"
    return None


def _inline_includes(
    node: Any, folder: Path, placeholder: dict[str, Any] | None, where: NodePath
) -> tuple[list[str], list[Include]]:
    """Replace ``Fn::Transform: AWS::Include`` of a local file by the file's content; the locations
    outside the project, which are not read, are returned, and the local files read.

    An API definition that cannot be read here (on S3, missing or outside the project) becomes an
    empty one, so that the translator can still add what the SAM properties ask for.
    """
    outside: list[str] = []
    local: list[Include] = []
    stack: list[tuple[Any, NodePath]] = [(node, where)]
    while stack:
        current, at = stack.pop()
        items = (
            current.items() if isinstance(current, dict) else enumerate(current) if isinstance(current, list) else ()
        )
        for key, value in list(items):
            transform = value.get("Fn::Transform") if isinstance(value, dict) and len(value) == 1 else None
            location = _include_location(transform)
            if location is not None:
                included = None
                if not location.startswith("s3://") and not inside_project(folder / location, folder):
                    outside.append(location)
                elif not location.startswith("s3://"):
                    document = load_document(folder / location)
                    included = document.data
                    local.append(Include((*at, key, "Fn::Transform", "Parameters", "Location"), location, document))
                if included is None and key == "DefinitionBody":
                    included = copy.deepcopy(placeholder)
                if included is not None:
                    current[key] = included
                    continue
            stack.append((value, (*at, key)))
    return outside, local


def _include_location(transform: Any) -> str | None:
    if not isinstance(transform, dict) or transform.get("Name") != "AWS::Include":
        return None
    parameters = transform.get("Parameters")
    location = parameters.get("Location") if isinstance(parameters, dict) else None
    return location if isinstance(location, str) else None
