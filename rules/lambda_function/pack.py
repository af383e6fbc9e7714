"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.lambda_function.sc1001_lambda_timeout_range import LambdaTimeoutRange
from samcheck.rules.lambda_function.sc1002_lambda_memory_range import LambdaMemoryRange
from samcheck.rules.lambda_function.sc1003_lambda_layers_count import LambdaLayersCount
from samcheck.rules.lambda_function.sc1004_lambda_env_size import LambdaEnvSize
from samcheck.rules.lambda_function.sc1005_lambda_ephemeral_storage_range import LambdaEphemeralStorageRange
from samcheck.rules.lambda_function.sc1006_lambda_runtime_deprecated import LambdaRuntimeDeprecated
from samcheck.rules.lambda_function.sc1007_lambda_inline_code_runtime import LambdaInlineCodeRuntime
from samcheck.rules.lambda_function.sc1008_lambda_reserved_concurrency_range import LambdaReservedConcurrencyRange
from samcheck.rules.lambda_function.sc1009_lambda_provisioned_exceeds_reserved import LambdaProvisionedExceedsReserved
from samcheck.rules.lambda_function.sc1010_lambda_alias_required import LambdaAliasRequired
from samcheck.rules.lambda_function.sc1011_lambda_vpc_config_incomplete import LambdaVpcConfigIncomplete
from samcheck.rules.lambda_function.sc1012_lambda_tracing_permissions import LambdaTracingPermissions
from samcheck.rules.lambda_function.sc1013_lambda_async_config_range import LambdaAsyncConfigRange
from samcheck.rules.lambda_function.sc1014_lambda_function_url_public import LambdaFunctionUrlPublic
from samcheck.rules.lambda_function.sc1015_lambda_snapstart_incompatible import LambdaSnapstartIncompatible
from samcheck.rules.lambda_function.sc1016_lambda_image_without_source import LambdaImageWithoutSource
from samcheck.rules.lambda_function.sc1017_log_group_retention import LogGroupRetention
from samcheck.rules.lambda_function.sc1018_codedeploy_hook_name import CodedeployHookName
from samcheck.rules.lambda_function.sc1019_lambda_efs_wiring import LambdaEfsWiring
from samcheck.rules.lambda_function.sc1020_lambda_runtime_identifier import LambdaRuntimeIdentifier

RULES: list[type[Rule]] = [
    LambdaTimeoutRange,
    LambdaMemoryRange,
    LambdaLayersCount,
    LambdaEnvSize,
    LambdaEphemeralStorageRange,
    LambdaRuntimeDeprecated,
    LambdaInlineCodeRuntime,
    LambdaReservedConcurrencyRange,
    LambdaProvisionedExceedsReserved,
    LambdaAliasRequired,
    LambdaVpcConfigIncomplete,
    LambdaTracingPermissions,
    LambdaAsyncConfigRange,
    LambdaFunctionUrlPublic,
    LambdaSnapstartIncompatible,
    LambdaImageWithoutSource,
    LogGroupRetention,
    CodedeployHookName,
    LambdaEfsWiring,
    LambdaRuntimeIdentifier,
]
