"""Where every resource of the expanded template, and every translator error, comes from.

The prepare step tags each SAM resource with its logical ID in ``Metadata``; the translator passes
that metadata on to what it generates. Resources it generates for the whole template (the implicit
APIs, the CodeDeploy application) are attributed by their names.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from samcheck.cfn.references import referenced
from samcheck.sam import SAM_PREFIX, SAM_TEMPLATE_WIDE_NAMES
from samcheck.sam.translate import TransformError

ORIGIN_MARKER = "SamcheckOrigin"
IMPLICIT_APIS = {"ServerlessRestApi": "Api", "ServerlessHttpApi": "HttpApi"}


class Origin(NamedTuple):
    """Where an expanded resource comes from in the source template."""

    resource: str  # logical ID in the source template
    source_type: str  # its type there, e.g. AWS::Serverless::Function
    event: str | None = None  # the Events entry that generated it
    generated: bool = False  # False when the resource stands in the source as it is


def attribute(error: TransformError, sources: dict[str, Any]) -> TransformError:
    """Name the source resource, event and property an error is about.

    The translator sometimes names a generated ID (``<Function><Event>``); the property is
    the first of the resource's properties that the message names.
    """
    if error.resource is None:
        return _globals_property(error) or _named_property(error, sources)
    origin = _generated_origin(error.resource, error.resource if error.resource in sources else None, sources)
    event = error.event or origin.event
    property_path = error.property_path
    properties = _mapping_at(sources.get(origin.resource), "Properties")
    if not property_path and event is None:
        named = [name for name in properties if re.search(rf"\b{re.escape(name)}\b", error.message)]
        property_path = (named[0],) if named else ()
    return TransformError(error.message, origin.resource, event, property_path)


_GLOBALS_PROPERTY = re.compile(r"^'Globals' section is invalid\. '([^']+)' is not a supported property of '([^']+)'")


def _globals_property(error: TransformError) -> TransformError | None:
    """ "'Globals' section is invalid. 'InlineCode' is not a supported property of 'Function'": the key
    under Globals it names (its property path starts with "Globals"; it belongs to no resource)."""
    match = _GLOBALS_PROPERTY.match(error.message)
    if match is None:
        return None
    return TransformError(error.message, None, None, ("Globals", match.group(2), match.group(1)), error.gave_up)


def _named_property(error: TransformError, sources: dict[str, Any]) -> TransformError:
    """An error the translator gives for the whole template ("SourceVpcWhitelist must be a list of
    strings"): the first resource whose properties hold the key it names (the longest such key)."""
    best: tuple[int, str, tuple[str, ...]] | None = None
    for logical_id, resource in sources.items():
        stack: list[tuple[Any, tuple[str, ...]]] = [(_mapping_at(resource, "Properties"), ())]
        while stack:
            node, path = stack.pop()
            for key, value in node.items() if isinstance(node, dict) else ():
                if not isinstance(key, str) or key.startswith("Fn::"):
                    continue
                named = len(key) >= 6 and re.search(rf"\b{re.escape(key)}\b", error.message)
                if named and (best is None or len(key) > best[0]):
                    best = (len(key), logical_id, (*path, key))
                if len(path) < 6:
                    stack.append((value, (*path, key)))
    if best is None:
        return error
    return TransformError(error.message, best[1], None, best[2], error.gave_up)


def _mapping_at(node: Any, key: str) -> dict[str, Any]:
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, dict) else {}


def origins(source: dict[str, Any], expanded: dict[str, Any]) -> dict[str, Origin]:
    """The origin of every resource of the expanded template."""
    source_resources: dict[str, Any] = source["Resources"]
    resources: dict[str, Any] = expanded["Resources"]
    found: dict[str, Origin] = {}
    template_wide: list[str] = []
    for logical_id, resource in resources.items():
        marker = None
        metadata = resource.get("Metadata")
        if isinstance(metadata, dict):
            marker = metadata.pop(ORIGIN_MARKER, None)
            if not metadata:
                del resource["Metadata"]
        source_resource = source_resources.get(logical_id)
        unchanged = isinstance(source_resource, dict) and source_resource.get("Type") == resource.get("Type")
        if marker is None and unchanged:
            found[logical_id] = Origin(logical_id, str(resource.get("Type")))
        elif marker is None and logical_id.startswith(SAM_TEMPLATE_WIDE_NAMES) and not _implicit_api(logical_id):
            template_wide.append(logical_id)
        else:
            found[logical_id] = _generated_origin(logical_id, marker, source_resources)
    _attribute_by_references(template_wide, resources, found)
    for logical_id in template_wide:
        found.setdefault(logical_id, Origin(logical_id, "", None, True))
    return {logical_id: found[logical_id] for logical_id in resources}


def _attribute_by_references(pending: list[str], resources: dict[str, Any], found: dict[str, Origin]) -> None:
    """Give what the translator generates for the whole template (a custom domain and its DNS records,
    a shared usage plan, the CodeDeploy application) the origin of the resource it serves: the one it
    refers to (a usage plan names its API), else the first that refers to it (a base path mapping
    names its domain). Chains (record set -> domain -> mapping -> API) settle in a few rounds."""
    if not pending:
        return
    referrers: dict[str, list[str]] = {logical_id: [] for logical_id in pending}
    for logical_id, resource in resources.items():
        for name in _references(resource, referrers):
            referrers[name].append(logical_id)
    order = {logical_id: index for index, logical_id in enumerate(resources)}
    while pending:
        known = dict(found)  # each round reads the previous one's results: the nearest link wins
        for logical_id in pending:
            refers_to = sorted(_references(resources[logical_id], known), key=order.__getitem__)
            referred_by = [name for name in referrers[logical_id] if name in known]
            # What SAM generated comes first: a domain named after a nested stack's output belongs
            # to the API whose mapping names it, not to that stack.
            served = [name for name in (*refers_to, *referred_by) if known[name].generated] or refers_to + referred_by
            if served:
                origin = known[served[0]]
                found[logical_id] = Origin(origin.resource, origin.source_type, origin.event, True)
        if len(found) == len(known):
            return
        pending[:] = [logical_id for logical_id in pending if logical_id not in found]


def _references(resource: Any, names: dict[str, Any]) -> set[str]:
    named = {name for name, _, _ in referenced(resource, names)}
    depends_on = resource.get("DependsOn") if isinstance(resource, dict) else None
    for name in depends_on if isinstance(depends_on, list) else [depends_on]:
        if isinstance(name, str) and name in names:
            named.add(name)
    return named


def _implicit_api(logical_id: str) -> bool:
    return logical_id.startswith(tuple(IMPLICIT_APIS))


def _generated_origin(logical_id: str, marker: str | None, sources: dict[str, Any]) -> Origin:
    if marker is None:
        for api_id, event_type in IMPLICIT_APIS.items():
            if logical_id.startswith(api_id):
                return _implicit_api_origin(event_type, sources) or Origin(api_id, SAM_PREFIX + event_type, None, True)
        # Resources the translator adds for the whole template (e.g. the CodeDeploy application).
        marker = _longest_source_prefix(logical_id, sources)
        if marker is None:
            return Origin(logical_id, "", None, True)
    source = sources.get(marker)
    source_type = str(source.get("Type", "")) if isinstance(source, dict) else ""
    return Origin(marker, source_type, _event_name(logical_id, marker, source), True)


def _longest_source_prefix(logical_id: str, sources: dict[str, Any]) -> str | None:
    """The longest source logical ID that ``logical_id`` starts with: one lookup per prefix length
    (IDs are at most 255 characters), so the cost does not grow with the template."""
    for length in range(len(logical_id), 0, -1):
        if logical_id[:length] in sources:
            return logical_id[:length]
    return None


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
