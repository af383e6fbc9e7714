"""Functions on Lambda Managed Instances (with ``CapacityProviderConfig``) have larger maximums."""

from samcheck.rule import Resource, RuleContext


def maximum(context: RuleContext, function: Resource, limit: str) -> tuple[float, str]:
    """The maximum named ``limit`` for ``function`` (its ``-managed-instances`` entry on Managed
    Instances), and how a message names which of the two applies."""
    # A branch that leaves it out cannot be told apart (its assumptions are not known), so written
    # in some branch counts: the larger maximum, never a false error.
    if "CapacityProviderConfig" in function.properties:  # as written: present in some Fn::If branch
        return context.limit(f"{limit}-managed-instances"), "on Lambda Managed Instances"
    return context.limit(limit), "for a function without CapacityProviderConfig"
