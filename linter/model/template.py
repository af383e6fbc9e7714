"""The expanded template as rules see it: resources, resolved properties, positions.

A generated resource's property is located where a user would edit it: the SAM
resource's property (under another name where SAM renames it), its ``Events`` entry, or
the resource itself with the ``Globals`` key as a related location.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from typing import Any, NamedTuple, TypeVar, cast

from samcheck.cfn.document import Document, get_path
from samcheck.cfn.resolver import NO_VALUE, UNKNOWN, Branches, Candidate, Resolver, Value, When, known
from samcheck.findings import NodePath, Related, Span
from samcheck.sam import ARTIFACT_PROPERTIES, SAM_PREFIX
from samcheck.sam.expand import Expansion
from samcheck.sam.provenance import Origin

# SAM property names for what the expanded resource calls otherwise (CFN path -> SAM path).
_SAM_RENAMES: dict[tuple[str, str], dict[NodePath, NodePath]] = {
    ("AWS::Serverless::Function", "AWS::Lambda::Function"): {
        ("TracingConfig", "Mode"): ("Tracing",),
        ("Code", "ZipFile"): ("InlineCode",),
        ("Code", "ImageUri"): ("ImageUri",),
        ("DeadLetterConfig",): ("DeadLetterQueue",),
    },
    ("AWS::Serverless::Function", "AWS::Lambda::EventInvokeConfig"): {(): ("EventInvokeConfig",)},
    # A Schedule or EventBridgeRule event's rule: the expression is the event's Schedule property,
    # the pattern its Pattern, and the rule's one target carries the event's DeadLetterConfig.
    ("AWS::Serverless::Function", "AWS::Events::Rule"): {
        ("ScheduleExpression",): ("Schedule",),
        ("EventPattern",): ("Pattern",),
        ("Targets", 0, "DeadLetterConfig"): ("DeadLetterConfig",),
    },
    ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"): {("LoggingConfiguration",): ("Logging",)},
    ("AWS::Serverless::StateMachine", "AWS::Events::Rule"): {
        ("ScheduleExpression",): ("Schedule",),
        ("EventPattern",): ("Pattern",),
        ("Targets", 0, "DeadLetterConfig"): ("DeadLetterConfig",),
    },
    # A ScheduleV2 event's schedule: its one target carries the event's DeadLetterConfig and RetryPolicy.
    ("AWS::Serverless::Function", "AWS::Scheduler::Schedule"): {
        ("Target", "DeadLetterConfig"): ("DeadLetterConfig",),
        ("Target", "RetryPolicy"): ("RetryPolicy",),
    },
    ("AWS::Serverless::StateMachine", "AWS::Scheduler::Schedule"): {
        ("Target", "DeadLetterConfig"): ("DeadLetterConfig",),
        ("Target", "RetryPolicy"): ("RetryPolicy",),
    },
    ("AWS::Serverless::Function", "AWS::Lambda::Url"): {(): ("FunctionUrlConfig",)},
    # An SNS event's subscription names the event's Topic.
    ("AWS::Serverless::Function", "AWS::SNS::Subscription"): {("TopicArn",): ("Topic",)},
    ("AWS::Serverless::Api", "AWS::ApiGateway::RestApi"): {("Body",): ("DefinitionBody",)},
    # An HttpApi's CorsConfiguration is written into the OpenAPI definition it makes.
    ("AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api"): {
        ("Body",): ("DefinitionBody",),
        ("Body", "x-amazon-apigateway-cors", "allowCredentials"): ("CorsConfiguration", "AllowCredentials"),
        ("Body", "x-amazon-apigateway-cors", "allowOrigins"): ("CorsConfiguration", "AllowOrigins"),
    },
    ("AWS::Serverless::Function", "AWS::CodeDeploy::Application"): {(): ("DeploymentPreference",)},
    ("AWS::Serverless::Function", "AWS::CodeDeploy::DeploymentGroup"): {(): ("DeploymentPreference",)},
    ("AWS::Serverless::Api", "AWS::ApiGateway::DomainName"): {
        (): ("Domain",),
        ("RegionalCertificateArn",): ("Domain", "CertificateArn"),
    },
    ("AWS::Serverless::Api", "AWS::ApiGateway::BasePathMapping"): {(): ("Domain",)},
    ("AWS::Serverless::Api", "AWS::Route53::RecordSetGroup"): {(): ("Domain", "Route53")},
    ("AWS::Serverless::Api", "AWS::ApiGateway::UsagePlan"): {(): ("Auth", "UsagePlan")},
    ("AWS::Serverless::Api", "AWS::ApiGateway::ApiKey"): {(): ("Auth", "UsagePlan")},
    ("AWS::Serverless::Api", "AWS::ApiGateway::UsagePlanKey"): {(): ("Auth", "UsagePlan")},
    ("AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::DomainName"): {
        (): ("Domain",),
        ("DomainNameConfigurations", 0, "CertificateArn"): ("Domain", "CertificateArn"),
        ("DomainNameConfigurations", 0, "EndpointType"): ("Domain", "EndpointConfiguration"),
    },
    ("AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::ApiMapping"): {(): ("Domain",)},
    ("AWS::Serverless::HttpApi", "AWS::Route53::RecordSetGroup"): {(): ("Domain", "Route53")},
}


def _artifact_renames() -> None:
    """Where SAM keeps an uploaded artifact is edited at the property that names the file."""
    for artifact in ARTIFACT_PROPERTIES:
        if artifact.generated_type and artifact.generated_property:
            renames = _SAM_RENAMES.setdefault((artifact.sam_type, artifact.generated_type), {})
            renames[(artifact.generated_property,)] = (artifact.sam_property,)


_artifact_renames()
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


class Location(NamedTuple):
    span: Span
    source_path: NodePath  # the path of the node in the source template
    related: tuple[Related, ...] = ()


class Property:
    """A resolved property of an expanded resource and where a user edits it. The location is
    found when first asked for: most properties are read and never reported."""

    __slots__ = ("_locate", "_location", "present", "value")

    def __init__(self, value: Value, locate: Callable[[], Location], present: bool) -> None:
        self.value = value
        self.present = present  # False when the default applies
        self._locate = locate
        self._location: Location | None = None

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = self._locate()
        return self._location

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


Computed = TypeVar("Computed")


class Memo:
    """What analyses computed for one template, by key; see ``samcheck.analysis.per_template``."""

    def __init__(self) -> None:
        self._values: dict[Hashable, object] = {}

    def get(self, key: Hashable, compute: Callable[[], Computed]) -> Computed:
        if key not in self._values:
            self._values[key] = compute()
        return cast(Computed, self._values[key])


@dataclass
class Template:
    document: Document
    expansion: Expansion
    resolver: Resolver
    _locations: dict[tuple[str, NodePath], Location] = field(default_factory=dict)
    _resolved: dict[tuple[str, NodePath], tuple[Value, bool]] = field(default_factory=dict)
    # Analyses several rules share (samcheck.analysis), computed once per template.
    memo: Memo = field(default_factory=Memo)

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
    def resource_types(self) -> frozenset[str]:
        """The types of the resources as written and as expanded: which rules the template can need."""
        written = [resource.get("Type") for resource in self.source_resources.values()]
        expanded = [definition.get("Type") for definition in self.expansion.resources.values()]
        return frozenset(kind for kind in written + expanded if isinstance(kind, str))

    @cached_property
    def resources(self) -> dict[str, Resource]:
        """The expanded resources, each ``Fn::If`` in their properties settled where only one branch
        may be deployed (or both are the same): rules reading an object see the deployed one."""
        return {
            logical_id: Resource(logical_id, str(definition.get("Type", "")), self._settled(definition), origin)
            for logical_id, definition in self.expansion.resources.items()
            if isinstance(definition, dict)
            for origin in [self.expansion.origins[logical_id]]
        }

    def _settled(self, definition: dict[str, Any]) -> dict[str, Any]:
        properties = definition.get("Properties")
        if not isinstance(properties, dict):
            return definition
        return {**definition, "Properties": self.resolver.settle(properties)}

    @cached_property
    def _by_type(self) -> dict[str, list[Resource]]:
        found: dict[str, list[Resource]] = {}
        for resource in self.resources.values():
            found.setdefault(resource.type, []).append(resource)
        return found

    def of_type(self, *types: str) -> Iterator[Resource]:
        """The resources of these types, in template order."""
        if len(types) == 1:
            return iter(self._by_type.get(types[0], []))
        return (resource for resource in self.resources.values() if resource.type in types)

    def property(self, resource: Resource, path: NodePath | str, default: Any = None) -> Property:
        """The resolved value of a property with its location; ``default`` where it is absent.

        The path is followed through ``Fn::If`` (each branch that may be deployed) and through
        intrinsics that return objects; a branch that leaves the property out gets ``default``."""
        path = (path,) if isinstance(path, str) else path
        key = (resource.logical_id, path)
        if key not in self._resolved:  # several rules read the same properties
            self._resolved[key] = self.resolver.resolve_path(resource.properties, path)
        value, present = self._resolved[key]
        location = partial(self.locate, resource, path)
        if not present:
            return Property(known(default) if default is not None else UNKNOWN, location, present=False)
        if any(case.value is NO_VALUE for case in value.cases):
            # A branch that leaves the property out deploys the default there.
            cases = [
                case if case.value is not NO_VALUE else Candidate(default, case.when)
                for case in value.cases
                if case.value is not NO_VALUE or default is not None
            ]
            value = replace(value, cases=tuple(cases))
        return Property(value, location, present=True)

    def branches(self, resource: Resource, path: NodePath | str) -> Branches:
        """A property as written (intrinsics kept), once per ``Fn::If`` branch that may be deployed."""
        return self.resolver.branches(resource.properties, (path,) if isinstance(path, str) else path)

    # -- positions ------------------------------------------------------------------------

    def resource_location(self, logical_id: str) -> Location:
        path = ("Resources", logical_id)
        _, span = self.document.source_map.nearest(path)
        return Location(span, path)

    def locate(self, resource: Resource, path: NodePath = ()) -> Location:
        key = (resource.logical_id, path)
        if key not in self._locations:
            self._locations[key] = self._locate(resource, path)
        return self._locations[key]

    def _locate(self, resource: Resource, path: NodePath) -> Location:
        source_map = self.document.source_map
        origin = resource.origin
        base: NodePath = ("Resources", origin.resource, "Properties")
        if not origin.generated or not origin.source_type.startswith(SAM_PREFIX):
            found, span = source_map.nearest((*base, *path))
            return Location(span, found)
        sam_path = _sam_path(origin, resource.type, path, self.source)
        if origin.event is not None:
            event_path: NodePath = (*base, "Events", origin.event)
            found, span = source_map.nearest((*event_path, "Properties", *sam_path))
            if len(found) <= len(event_path) + 1:  # not even the property's first step is written
                found, span = source_map.nearest(event_path)
            return Location(span, found)
        full = (*base, *sam_path)
        resource_path: NodePath = ("Resources", origin.resource)
        if sam_path and source_map.has(full):
            return Location(source_map.entry(full) or Span.point(), full)
        _, resource_span = source_map.nearest(resource_path)
        inherited = self.globals_related(resource, path)
        if inherited:
            return Location(resource_span, resource_path, inherited)
        found, span = source_map.nearest(full)
        if len(found) <= len(base):  # not even the property's first step is written
            found, span = resource_path, resource_span
        return Location(span, found)

    def user_wrote(self, resource: Resource, path: NodePath) -> bool:
        """Whether a user wrote the property at ``path``: always for a resource of the source
        template; for one SAM generates, where its SAM property, Events entry or Globals key is
        written (else the translator made the value up)."""
        origin = resource.origin
        if not origin.generated or not origin.source_type.startswith(SAM_PREFIX):
            return True
        sam_path = _sam_path(origin, resource.type, path, self.source)
        base: NodePath = ("Resources", origin.resource, "Properties")
        if origin.event is not None:
            return self.document.source_map.has((*base, "Events", origin.event, "Properties", *sam_path))
        section = _GLOBALS_SECTIONS.get(origin.source_type)
        written = [(*base, *sam_path)] + ([("Globals", section, *sam_path)] if section else [])
        return any(self.document.source_map.has(where) for where in written)

    def parameter_related(self, value: Value) -> tuple[Related, ...]:
        """Where the parameters and conditions that a value's candidates depend on are defined."""
        if len(value.cases) < 2:
            return ()
        return self._defined_here(
            [("parameter", name, "allows these values") for name in value.parameters]
            + [("condition", name, "is not decided before deploying") for name in value.conditions]
        )

    def when_related(self, when: When) -> tuple[Related, ...]:
        """Where the parameters and conditions of a candidate's assumptions are defined."""
        return self._defined_here(
            [
                (a.kind, a.name, f"allows {a.shown}" if a.kind == "parameter" else "is not decided before deploying")
                for a in sorted(when)
            ]
        )

    def _defined_here(self, named: list[tuple[str, str, str]]) -> tuple[Related, ...]:
        source_map = self.document.source_map
        related = []
        for kind, name, says in named:
            path = ("Parameters", name, "AllowedValues") if kind == "parameter" else ("Conditions", name)
            _, span = source_map.nearest(path)
            # In the template, also for a finding in another file (a DefinitionUri state machine).
            related.append(Related(f"{kind} {name} {says} here", span, self.file))
        return tuple(related)

    def globals_related(self, resource: Resource, path: NodePath) -> tuple[Related, ...]:
        """The Globals entry a SAM resource's property comes from (or is merged with)."""
        origin = resource.origin
        section = _GLOBALS_SECTIONS.get(origin.source_type)
        if section is None or origin.event is not None:
            return ()
        sam_path = _sam_path(origin, resource.type, path, self.source)
        if not sam_path:
            return ()
        globals_path: NodePath = ("Globals", section, *sam_path)
        span = self.document.source_map.entry(globals_path)
        if span is None:
            return ()
        return (Related(f"value inherited from Globals.{section}.{'.'.join(map(str, sam_path))} here", span),)


def _sam_path(origin: Origin, generated_type: str, path: NodePath, source: dict[str, Any]) -> NodePath:
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
