"""Functions on Lambda Managed Instances (with ``CapacityProviderConfig``) have larger maximums."""

from samcheck.rule import Resource, RuleContext


def maximum(context: RuleContext, function: Resource, limit: str) -> tuple[float, str]:
    """The maximum named ``limit`` for ``function`` (its ``-managed-instances`` entry on Managed
    Instances), and how a message names which of the two applies."""
    if "CapacityProviderConfig" in function.properties:
        return context.limit(f"{limit}-managed-instances"), "on Lambda Managed Instances"
    return context.limit(limit), "for a function without CapacityProviderConfig"
