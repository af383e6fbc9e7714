"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.data_stores.sc9001_dynamodb_index_count import DynamodbIndexCount
from samcheck.rules.data_stores.sc9002_dynamodb_key_schema import DynamodbKeySchema
from samcheck.rules.data_stores.sc9003_dynamodb_billing_mode import DynamodbBillingMode
from samcheck.rules.data_stores.sc9004_dynamodb_stream_wiring import DynamodbStreamWiring

RULES: list[type[Rule]] = [
    DynamodbIndexCount,
    DynamodbKeySchema,
    DynamodbBillingMode,
    DynamodbStreamWiring,
]
