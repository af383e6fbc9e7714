"""The expanded template as rules see it: resources, resolved properties, positions.

A generated resource's property is located where a user would edit it: the SAM
resource's property (under another name where SAM renames it), its ``Events`` entry, or
the resource itself with the ``Globals`` key as a related location.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from samcheck.expansion import SAM_PREFIX, Expansion, Origin
from samcheck.loading import Document
from samcheck.resolving import NO_VALUE, UNKNOWN, Resolver, Value
from samcheck.source_map import Path, Span

if TYPE_CHECKING:
    from samcheck.packaging import PackageSize

# SAM property names for what the expanded resource calls otherwise (CFN path -> SAM path).
_SAM_RENAMES: dict[tuple[str, str], dict[Path, Path]] = {
    ("AWS::Serverless::Function", "AWS::Lambda::Function"): {
        ("TracingConfig", "Mode"): ("Tracing",),
        ("Code", "ZipFile"): ("InlineCode",),
        ("Code",): ("CodeUri",),
        ("DeadLetterConfig",): ("DeadLetterQueue",),
    },
    ("AWS::Serverless::Function", "AWS::Lambda::EventInvokeConfig"): {(): ("EventInvokeConfig",)},
    ("AWS::Serverless::Function", "AWS::Lambda::Url"): {(): ("FunctionUrlConfig",)},
    ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"): {("Content",): ("ContentUri",)},
}
# The property of a SAM event that becomes the event source mapping's EventSourceArn.
_EVENT_SOURCE_PROPERTY = {"Kinesis": "Stream", "DynamoDB": "Stream", "SQS": "Queue", "MQ": "Broker"}
_GLOBALS_SECTIONS = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::StateMachine": "StateMachine",
    "AWS::Serverless::LayerVersion": "LayerVersion",
}


@dataclass(frozen=True)
class Related:
    message: str
    span: Span
    file: str | None = None  # None: the same file as the finding


@dataclass(frozen=True)
class Location:
    span: Span
    source_path: Path  # the path of the node in the source template
    related: tuple[Related, ...] = ()


@dataclass(frozen=True)
class Property:
    """A resolved property of an expanded resource and where a user edits it."""

    value: Value
    location: Location
    present: bool  # False when the default applies

    @property
    def candidates(self) -> tuple[Any, ...]:
        return self.value.candidates


@dataclass
class Resource:
    logical_id: str
    type: str
    definition: dict[str, Any]
    origin: Origin

    @property
    def properties(self) -> dict[str, Any]:
        properties = self.definition.get("Properties")
        return properties if isinstance(properties, dict) else {}

    @property
    def source_id(self) -> str:
        """The logical ID a user sees in the source template."""
        return self.origin.resource


def get_path(data: Any, path: Path) -> Any:
    """The node at ``path``, or None when any step is missing."""
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and -len(data) <= step < len(data):
            data = data[step]
        else:
            return None
    return data


@dataclass
class Template:
    document: Document
    expansion: Expansion
    resolver: Resolver
    _locations: dict[tuple[str, Path], Location] = field(default_factory=dict)
    _package_sizes: dict[FsPath, PackageSize | None] = field(default_factory=dict)
    # Analyses several rules share (e.g. state machine definitions), computed once per template.
    derived: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return str(self.document.path)

    @property
    def source(self) -> dict[str, Any]:
        return self.document.data or {}

    @property
    def source_resources(self) -> dict[str, dict[str, Any]]:
        """The source template's resources that are mappings (whatever the file holds)."""
        resources = self.source.get("Resources")
        if not isinstance(resources, dict):
            return {}
        return {logical_id: r for logical_id, r in resources.items() if isinstance(r, dict)}

    @cached_property
    def resources(self) -> dict[str, Resource]:
        return {
            logical_id: Resource(logical_id, str(definition.get("Type", "")), definition, origin)
            for logical_id, definition in self.expansion.resources.items()
            if isinstance(definition, dict)
            for origin in [self.expansion.origins[logical_id]]
        }

    def of_type(self, *types: str) -> Iterator[Resource]:
        return (resource for resource in self.resources.values() if resource.type in types)

    def property(self, resource: Resource, path: Path | str, default: Any = None) -> Property:
        """The resolved value of a property with its location; ``default`` when it is absent."""
        path = (path,) if isinstance(path, str) else path
        raw = get_path(resource.properties, path)
        location = self.locate(resource, path)
        if raw is None:
            value = Value((default,)) if default is not None else UNKNOWN
            return Property(value, location, present=False)
        value = self.resolver.resolve(raw)
        if NO_VALUE in value.candidates:
            # Fn::If with AWS::NoValue: the default applies in that branch.
            rest = tuple(c for c in value.candidates if c is not NO_VALUE)
            value = Value(rest + ((default,) if default is not None else ()), value.parameter)
        return Property(value, location, present=True)

    def package_size(self, path: FsPath) -> PackageSize | None:
        """A local package's size, measured once per template (functions share code and layers)."""
        from samcheck.packaging import measure

        key = path.absolute()
        if key not in self._package_sizes:
            self._package_sizes[key] = measure(key, self.document.path.parent.resolve())
        return self._package_sizes[key]

    # -- positions ------------------------------------------------------------------------

    def resource_location(self, logical_id: str) -> Location:
        path = ("Resources", logical_id)
        _, span = self.document.source_map.nearest(path)
        return Location(span, path)

    def locate(self, resource: Resource, path: Path = ()) -> Location:
        key = (resource.logical_id, path)
        if key not in self._locations:
            self._locations[key] = self._locate(resource, path)
        return self._locations[key]

    def _locate(self, resource: Resource, path: Path) -> Location:
        source_map = self.document.source_map
        origin = resource.origin
        base: Path = ("Resources", origin.resource, "Properties")
        if not origin.generated or not origin.source_type.startswith(SAM_PREFIX):
            found, span = source_map.nearest((*base, *path))
            return Location(span, found)
        sam_path = _sam_path(origin, resource.type, path, self.source)
        if origin.event is not None:
            event_path: Path = (*base, "Events", origin.event)
            found, span = source_map.nearest((*event_path, "Properties", *sam_path))
            if len(found) <= len(event_path) + 1:  # not even the property's first step is written
                found, span = source_map.nearest(event_path)
            return Location(span, found)
        full = (*base, *sam_path)
        resource_path: Path = ("Resources", origin.resource)
        if path and source_map.has(full):
            return Location(source_map.entry(full) or Span.point(), full)
        _, resource_span = source_map.nearest(resource_path)
        inherited = self.globals_related(resource, path)
        if inherited:
            return Location(resource_span, resource_path, inherited)
        found, span = source_map.nearest(full)
        if len(found) <= len(base):  # not even the property's first step is written
            found, span = resource_path, resource_span
        return Location(span, found)

    def globals_related(self, resource: Resource, path: Path) -> tuple[Related, ...]:
        """The Globals entry a SAM resource's property comes from (or is merged with)."""
        origin = resource.origin
        section = _GLOBALS_SECTIONS.get(origin.source_type)
        if not path or section is None or origin.event is not None:
            return ()
        sam_path = _sam_path(origin, resource.type, path, self.source)
        globals_path: Path = ("Globals", section, *sam_path)
        span = self.document.source_map.entry(globals_path)
        if span is None:
            return ()
        return (Related(f"value inherited from Globals.{section}.{'.'.join(map(str, sam_path))} here", span),)


def _sam_path(origin: Origin, generated_type: str, path: Path, source: dict[str, Any]) -> Path:
    """The SAM property path a generated resource's property path comes from."""
    renames = _SAM_RENAMES.get((origin.source_type, generated_type), {})
    if origin.event is not None and path[:1] == ("EventSourceArn",):
        event = get_path(source, ("Resources", origin.resource, "Properties", "Events", origin.event))
        event_type = event.get("Type") if isinstance(event, dict) else None
        return (_EVENT_SOURCE_PROPERTY.get(str(event_type), "Queue"),)
    for length in range(len(path), -1, -1):
        prefix = path[:length]
        if prefix in renames:
            return (*renames[prefix], *path[length:])
    return path
