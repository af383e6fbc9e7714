"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.api_gateway.sc4001_api_cache_ttl_range import ApiCacheTtlRange
from samcheck.rules.api_gateway.sc4002_api_cache_cluster_size import ApiCacheClusterSize
from samcheck.rules.api_gateway.sc4003_api_caching_without_cluster import ApiCachingWithoutCluster
from samcheck.rules.api_gateway.sc4004_api_timeout_vs_function import ApiTimeoutVsFunction
from samcheck.rules.api_gateway.sc4005_api_integration_timeout_range import ApiIntegrationTimeoutRange
from samcheck.rules.api_gateway.sc4006_api_key_without_usage_plan import ApiKeyWithoutUsagePlan
from samcheck.rules.api_gateway.sc4007_api_lambda_integration_method import ApiLambdaIntegrationMethod
from samcheck.rules.api_gateway.sc4008_websocket_route_selection import WebsocketRouteSelection
from samcheck.rules.api_gateway.sc4009_private_api_without_policy import PrivateApiWithoutPolicy
from samcheck.rules.api_gateway.sc4010_api_mapping_expression import ApiMappingExpression
from samcheck.rules.api_gateway.sc4011_deployment_before_methods import DeploymentBeforeMethods
from samcheck.rules.api_gateway.sc4012_cors_preflight_authorized import CorsPreflightAuthorized
from samcheck.rules.api_gateway.sc4013_api_logging_level import ApiLoggingLevel
from samcheck.rules.api_gateway.sc4014_base_path_mapping_before_stage import BasePathMappingBeforeStage
from samcheck.rules.api_gateway.sc4015_api_key_or_usage_plan_before_stage import ApiKeyOrUsagePlanBeforeStage

RULES: list[type[Rule]] = [
    ApiCacheTtlRange,
    ApiCacheClusterSize,
    ApiCachingWithoutCluster,
    ApiTimeoutVsFunction,
    ApiIntegrationTimeoutRange,
    ApiKeyWithoutUsagePlan,
    ApiLambdaIntegrationMethod,
    WebsocketRouteSelection,
    PrivateApiWithoutPolicy,
    ApiMappingExpression,
    DeploymentBeforeMethods,
    CorsPreflightAuthorized,
    ApiLoggingLevel,
    BasePathMappingBeforeStage,
    ApiKeyOrUsagePlanBeforeStage,
]
