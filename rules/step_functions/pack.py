"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.step_functions.sc6001_asl_invalid import AslInvalid
from samcheck.rules.step_functions.sc6002_asl_fail_state_fields import AslFailStateFields
from samcheck.rules.step_functions.sc6003_express_unsupported_integration import ExpressUnsupportedIntegration
from samcheck.rules.step_functions.sc6004_asl_states_all_position import AslStatesAllPosition
from samcheck.rules.step_functions.sc6005_asl_heartbeat_timeout import AslHeartbeatTimeout
from samcheck.rules.step_functions.sc6006_asl_task_timeout_vs_lambda import AslTaskTimeoutVsLambda
from samcheck.rules.step_functions.sc6007_asl_retry_range import AslRetryRange
from samcheck.rules.step_functions.sc6008_asl_duration_limits import AslDurationLimits
from samcheck.rules.step_functions.sc6009_asl_definition_size import AslDefinitionSize
from samcheck.rules.step_functions.sc6010_asl_unknown_states_error import AslUnknownStatesError
from samcheck.rules.step_functions.sc6011_express_function_timeout import ExpressFunctionTimeout
from samcheck.rules.step_functions.sc6012_asl_state_fields import AslStateFields
from samcheck.rules.step_functions.sc6013_asl_path import AslPath
from samcheck.rules.step_functions.sc6014_asl_intrinsic_function import AslIntrinsicFunction
from samcheck.rules.step_functions.sc6015_asl_literal_text import AslLiteralText
from samcheck.rules.step_functions.sc6016_asl_definition_substitution import AslDefinitionSubstitution
from samcheck.rules.step_functions.sc6017_asl_jsonata import AslJsonata

RULES: list[type[Rule]] = [
    AslInvalid,
    AslFailStateFields,
    ExpressUnsupportedIntegration,
    AslStatesAllPosition,
    AslHeartbeatTimeout,
    AslTaskTimeoutVsLambda,
    AslRetryRange,
    AslDurationLimits,
    AslDefinitionSize,
    AslUnknownStatesError,
    ExpressFunctionTimeout,
    AslStateFields,
    AslPath,
    AslIntrinsicFunction,
    AslLiteralText,
    AslDefinitionSubstitution,
    AslJsonata,
]
