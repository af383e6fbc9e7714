"""Lambda function rules (SC1xxx)."""

from samcheck.rule import Rule
from samcheck.rules.lambda_function.sc1001_lambda_timeout_range import LambdaTimeoutRange
from samcheck.rules.lambda_function.sc1002_lambda_memory_range import LambdaMemoryRange

RULES: list[type[Rule]] = [LambdaTimeoutRange, LambdaMemoryRange]
