"""Facts several rules share, computed once per template.

Rules import these modules (and ``samcheck.rule``), never the loader or the expansion: values
(``values``) and units (``units``), what links resources (``wiring``, ``apis``, ``invocation``), who
may do what (``arns``, ``iam``, ``delivery``, ``keys``, ``policy_templates``), Lambda@Edge associations
(``edge``), DynamoDB tables (``dynamodb``), state machine definitions (``statemachines``), local
packages on disk (``artifacts``, ``packaging``), who uses the account's concurrency
(``concurrency``), and data other packages keep current (``cfnlint_data``, ``botocore_data``,
``iam_actions``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Concatenate, ParamSpec, TypeVar

from samcheck.model.template import Template

Arguments = ParamSpec("Arguments")
Computed = TypeVar("Computed")


def per_template(
    analysis: Callable[Concatenate[Template, Arguments], Computed],
) -> Callable[Concatenate[Template, Arguments], Computed]:
    """Compute ``analysis(template, *args)`` once per template and arguments (which must be hashable)."""

    def memoised(template: Template, /, *args: Arguments.args, **kwargs: Arguments.kwargs) -> Computed:
        key: Hashable = (analysis, args, tuple(sorted(kwargs.items())))
        return template.memo.get(key, lambda: analysis(template, *args, **kwargs))

    functools.update_wrapper(memoised, analysis)
    return memoised
