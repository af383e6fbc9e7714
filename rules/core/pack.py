"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.core.sc0000_internal_error import InternalError
from samcheck.rules.core.sc0001_template_parse_error import TemplateParseError
from samcheck.rules.core.sc0002_duplicate_key import DuplicateKey
from samcheck.rules.core.sc0003_sam_transform_error import SamTransformError
from samcheck.rules.core.sc0004_serverless_without_transform import ServerlessWithoutTransform
from samcheck.rules.core.sc0005_empty_section import EmptySection
from samcheck.rules.core.sc0006_unresolved_reference import UnresolvedReference
from samcheck.rules.core.sc0007_template_quotas import TemplateQuotas
from samcheck.rules.core.sc0008_unused_suppression import UnusedSuppression
from samcheck.rules.core.sc0009_expired_suppression import ExpiredSuppression
from samcheck.rules.core.sc0010_preprocessor_template import PreprocessorTemplate
from samcheck.rules.core.sc0011_logical_id_invalid import LogicalIdInvalid
from samcheck.rules.core.sc0012_serverless_application_location import ServerlessApplicationLocation
from samcheck.rules.core.sc0013_parameter_override_invalid import ParameterOverrideInvalid
from samcheck.rules.core.sc0014_template_sections import TemplateSections
from samcheck.rules.core.sc0015_invalid_suppression import InvalidSuppression
from samcheck.rules.core.sc0016_reference_outside_project import ReferenceOutsideProject
from samcheck.rules.core.sc0017_embedded_document_parse_error import EmbeddedDocumentParseError
from samcheck.rules.core.sc0018_property_type import PropertyType
from samcheck.rules.core.sc0019_service_constraint import ServiceConstraint
from samcheck.rules.core.sc0020_reference_kind import ReferenceKind
from samcheck.rules.core.sc0021_property_combination import PropertyCombination
from samcheck.rules.core.sc0022_dependency_cycle import DependencyCycle
from samcheck.rules.core.sc0023_physical_name_collision import PhysicalNameCollision
from samcheck.rules.core.sc0024_creation_race import CreationRace
from samcheck.rules.core.sc0025_property_item_count import PropertyItemCount

RULES: list[type[Rule]] = [
    InternalError,
    TemplateParseError,
    DuplicateKey,
    SamTransformError,
    ServerlessWithoutTransform,
    EmptySection,
    UnresolvedReference,
    TemplateQuotas,
    UnusedSuppression,
    ExpiredSuppression,
    PreprocessorTemplate,
    LogicalIdInvalid,
    ServerlessApplicationLocation,
    ParameterOverrideInvalid,
    TemplateSections,
    InvalidSuppression,
    ReferenceOutsideProject,
    EmbeddedDocumentParseError,
    PropertyType,
    ServiceConstraint,
    ReferenceKind,
    PropertyCombination,
    DependencyCycle,
    PhysicalNameCollision,
    CreationRace,
    PropertyItemCount,
]
