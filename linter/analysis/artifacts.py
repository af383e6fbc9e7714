"""Local artifacts of functions and layers: where they are declared and how big they are.

SAM's ``CodeUri``/``ContentUri`` and ``aws cloudformation package``'s local ``Code``/``Content``
name folders or archives relative to the template. When ``sam build`` has already run, the built
package under ``.aws-sam/build/<LogicalId>`` is what gets deployed, so that is measured instead.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.packaging import PackageSize, measure
from samcheck.analysis.values import texts
from samcheck.cfn.document import get_path
from samcheck.cfn.local import inside_project, project_root, real, within
from samcheck.findings import NodePath
from samcheck.model.template import Location, Resource, Template
from samcheck.sam import ARTIFACT_PROPERTIES, NESTED_STACK_TEMPLATE, SAM_PREFIX

_CODE_PROPERTY = {"AWS::Lambda::Function": "Code", "AWS::Lambda::LayerVersion": "Content"}

# The files a Node.js or Python handler's module may be (TypeScript is compiled by sam build).
_MODULE_SUFFIXES = {"nodejs": (".js", ".mjs", ".cjs", ".ts"), "python": (".py",)}


class LocalArtifact(NamedTuple):
    resource: Resource
    declared: str  # the path as written in the template
    location: Location  # where it is written
    size: PackageSize | None  # None when the path does not exist
    built: bool  # measured from sam build's output rather than the source
    measurable: bool  # False when a build step (Metadata.BuildMethod) produces the package


@per_template
def package_size(template: Template, path: Path, project: Path) -> PackageSize | None:
    """The size of a local package inside the project, measured once per template however it is
    spelled (functions share code and layers): both paths are real."""
    return measure(path, project)


def local_artifact(template: Template, resource: Resource) -> LocalArtifact | None:
    return _local_artifact(template, resource.logical_id)


@per_template
def _local_artifact(template: Template, logical_id: str) -> LocalArtifact | None:
    """Once per resource of a template: several rules ask, and each answer follows links on disk."""
    resource = template.resources[logical_id]
    property_name = _CODE_PROPERTY.get(resource.type)
    if property_name is None or "Image" in template.property(resource, "PackageType").candidates:
        return None  # an image function in some deployment: no package is measured
    if resource.origin.source_type.startswith(SAM_PREFIX):
        declared = template.expansion.local_artifacts.get(resource.source_id)
    else:
        written = resource.properties.get(property_name)  # as written: the packager takes only a literal path
        declared = written if isinstance(written, str) and not written.startswith("s3://") else None
    if declared is None:
        return None
    folder = template.document.path.parent
    project = project_root(folder)
    built = real(folder / ".aws-sam" / "build" / resource.source_id)
    # sam build's output, unless a link leads it out of the project (a repository may hold one)
    path = built if os.path.exists(built) and project and within(built, project) else real(folder / declared)
    if project is None or not within(path, project):
        return None  # a path as written outside the project is SC0016's: neither measured nor looked at
    metadata_path = ("Resources", resource.source_id, "Metadata", "BuildMethod")
    build_method = get_path(template.source, metadata_path)  # as written: sam build reads Metadata unresolved
    return LocalArtifact(
        resource,
        declared,
        template.locate(resource, (property_name,)),
        package_size(template, path, project),
        built=path == built,
        measurable=build_method is None or path == built,
    )


def measured_artifact(template: Template, resource: Resource) -> tuple[LocalArtifact, PackageSize] | None:
    """The resource's local package and its size, when the size is known from disk (the package
    exists, and no build step makes it from the source)."""
    artifact = local_artifact(template, resource)
    if artifact is None or artifact.size is None or not artifact.measurable:
        return None
    return artifact, artifact.size


# Where each resource SAM generates from an artifact property keeps the uploaded artifact.
_ARTIFACT_PROPERTY = {
    a.generated_type: a.generated_property for a in ARTIFACT_PROPERTIES if a.generated_type and a.generated_property
}


class UrlArtifact(NamedTuple):
    resource: Resource
    url: str  # as written, e.g. https://example.com/code.zip
    location: Location


def url_artifacts(template: Template) -> list[UrlArtifact]:
    """SAM artifact properties (CodeUri, ContentUri, DefinitionUri) written as a URL that is neither
    a local path nor ``s3://bucket/key``: neither ``sam build`` nor the transform takes one."""
    urls = template.expansion.url_artifacts
    return [
        UrlArtifact(resource, urls[resource.source_id], template.locate(resource, (_ARTIFACT_PROPERTY[resource.type],)))
        for resource in template.resources.values()
        if resource.source_id in urls and resource.type in _ARTIFACT_PROPERTY and not resource.origin.event
    ]


def built_image(template: Template, resource: Resource) -> bool:
    """Whether a SAM function is an image function written without ImageUri (sam build must build it)."""
    return resource.type == "AWS::Lambda::Function" and resource.source_id in template.expansion.built_images


def handler_file_missing(template: Template, function: Resource, folder: Path) -> bool:
    """Whether a SAM zip function has neither CodeUri nor InlineCode (nor a Globals CodeUri), so that
    sam build packages the template's folder for it, and no deployment of it as a Node.js or Python
    function finds its handler's module there (a handler that is no path, as Java's, or one known
    only at deploy time, is not judged)."""
    if function.type != "AWS::Lambda::Function" or function.source_id not in template.expansion.folder_code:
        return False
    runtimes = [runtime for runtime, _ in texts(template.property(function, "Runtime"))]
    handlers = [handler for handler, _ in texts(template.property(function, "Handler"))]
    if not runtimes or not handlers:
        return False
    for runtime, handler in itertools.product(runtimes, handlers):
        suffixes = next((found for family, found in _MODULE_SUFFIXES.items() if runtime.startswith(family)), None)
        if suffixes is None or "." not in handler:
            return False
        module = folder / handler.rsplit(".", 1)[0]
        if not inside_project(module, folder):
            return False
        if any(module.with_name(module.name + suffix).is_file() for suffix in suffixes):
            return False
    return True


class LocalReference(NamedTuple):
    """A local file a template names: where, by which property, as written."""

    resource: str | None  # logical ID in the source template; None for Globals
    property: str  # CodeUri, DefinitionUri, AWS::Include Location, TemplateURL…
    path: str  # as written
    location: Location
    code: bool  # names code (measured, never parsed) rather than a file samcheck reads


def outside_references(template: Template) -> list[LocalReference]:
    """Local files and code a template names outside its project (see ``samcheck.cfn.local``):
    neither read nor measured."""
    folder = template.document.path.parent
    found: list[tuple[NodePath, str, str]] = [*template.expansion.outside_references]
    found += [
        (("Resources", logical_id, "Properties", name), name, path)
        for logical_id, name, path in _packaged_paths(template, _PACKAGED_PROPERTY)
        if not inside_project(folder / path, folder)
    ]
    return [_reference(template, *written) for written in found]


# SAM resources whose local file is a definition or a template, by the property naming it.
_LOCAL_FILE_PROPERTY = {a.sam_type: a.sam_property for a in ARTIFACT_PROPERTIES if a.kind != "package"}
_STACK_TYPE, _STACK_PROPERTY = NESTED_STACK_TEMPLATE
# Plain CloudFormation properties that name a local path, as ``aws cloudformation package`` takes it.
_PACKAGED_PROPERTY = {**_CODE_PROPERTY, _STACK_TYPE: _STACK_PROPERTY}
_CODE_PROPERTIES = frozenset(
    [*(a.sam_property for a in ARTIFACT_PROPERTIES if a.kind == "package"), *_CODE_PROPERTY.values()]
)


def missing_local_files(template: Template) -> list[LocalReference]:
    """Definitions and nested templates named by a local path that does not exist (inside the
    project; one outside it is never looked at, see ``outside_references``)."""
    folder = template.document.path.parent
    local = template.expansion.local_artifacts  # SAM's, inside the project only
    written = [
        (logical_id, name, local[logical_id])
        for logical_id, resource in template.source_resources.items()
        if (name := _LOCAL_FILE_PROPERTY.get(str(resource.get("Type")))) is not None and logical_id in local
    ]
    written += [
        (logical_id, name, url)
        for logical_id, name, url in _packaged_paths(template, {_STACK_TYPE: _STACK_PROPERTY})
        if "${" not in url and inside_project(folder / url, folder)
    ]
    return [
        _reference(template, ("Resources", logical_id, "Properties", name), name, path)
        for logical_id, name, path in written
        if not os.path.exists(folder / path)  # False, unlike Path's test, for a name too long to be a file's
    ]


def _packaged_paths(template: Template, properties: dict[str, str]) -> list[tuple[str, str, str]]:
    """(logical ID, property, path) of each plain resource whose property of ``properties`` (by type)
    is a local path (before ``aws cloudformation package``)."""
    found = []
    for logical_id, resource in template.source_resources.items():
        name = properties.get(str(resource.get("Type")))
        path = get_path(resource, ("Properties", name)) if name else None  # as written: literal paths only
        if name and isinstance(path, str) and "://" not in path:
            found.append((logical_id, name, path))
    return found


def _reference(template: Template, at: NodePath, name: str, path: str) -> LocalReference:
    """A local reference located at the property that names it (``at``, or its nearest ancestor)."""
    span = template.document.source_map.nearest(at)[1]
    resource = str(at[1]) if at[0] == "Resources" else None
    return LocalReference(resource, name, path, Location(span, at[:2]), name in _CODE_PROPERTIES)
