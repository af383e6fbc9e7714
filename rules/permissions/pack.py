"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.permissions.sc8001_invoke_permission_missing import InvokePermissionMissing
from samcheck.rules.permissions.sc8002_delivery_policy_missing import DeliveryPolicyMissing
from samcheck.rules.permissions.sc8003_function_url_permissions import FunctionUrlPermissions
from samcheck.rules.permissions.sc8004_execution_role_trust import ExecutionRoleTrust
from samcheck.rules.permissions.sc8005_execution_role_grants import ExecutionRoleGrants
from samcheck.rules.permissions.sc8006_policy_template_argument import PolicyTemplateArgument
from samcheck.rules.permissions.sc8007_cognito_authorizer_arn import CognitoAuthorizerArn
from samcheck.rules.permissions.sc8008_s3_recursive_trigger import S3RecursiveTrigger
from samcheck.rules.permissions.sc8009_delivery_key_policy import DeliveryKeyPolicy
from samcheck.rules.permissions.sc8010_log_delivery_grant import LogDeliveryGrant

RULES: list[type[Rule]] = [
    InvokePermissionMissing,
    DeliveryPolicyMissing,
    FunctionUrlPermissions,
    ExecutionRoleTrust,
    ExecutionRoleGrants,
    PolicyTemplateArgument,
    CognitoAuthorizerArn,
    S3RecursiveTrigger,
    DeliveryKeyPolicy,
    LogDeliveryGrant,
]
