"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.concurrency.sc2001_account_reserved_concurrency_budget import AccountReservedConcurrencyBudget
from samcheck.rules.concurrency.sc2002_esm_max_concurrency_exceeds_reserved import EsmMaxConcurrencyExceedsReserved
from samcheck.rules.concurrency.sc2003_stream_concurrency_exceeds_reserved import StreamConcurrencyExceedsReserved
from samcheck.rules.concurrency.sc2004_api_throttle_vs_concurrency import ApiThrottleVsConcurrency
from samcheck.rules.concurrency.sc2005_provisioned_concurrency_budget import ProvisionedConcurrencyBudget
from samcheck.rules.concurrency.sc2006_api_throttle_exceeds_account import ApiThrottleExceedsAccount

RULES: list[type[Rule]] = [
    AccountReservedConcurrencyBudget,
    EsmMaxConcurrencyExceedsReserved,
    StreamConcurrencyExceedsReserved,
    ApiThrottleVsConcurrency,
    ProvisionedConcurrencyBudget,
    ApiThrottleExceedsAccount,
]
