"""Resolved values as rules compare them with limits: numbers, booleans, ranges."""

from __future__ import annotations

import math
from typing import Any

from samcheck.cfn.resolver import Value


def as_number(candidate: Any) -> float | None:
    """A candidate as a finite number; CloudFormation also accepts numbers written as text.

    NaN and infinity are never a setting anyone can deploy, so they count as unknown.
    """
    if isinstance(candidate, bool):
        return None
    number: float
    if isinstance(candidate, (int, float)):
        number = candidate
    elif isinstance(candidate, str):
        try:
            number = float(candidate)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def is_true(candidate: Any) -> bool:
    """A CloudFormation boolean: true, or the text "true"/"True"."""
    return candidate is True or candidate in ("true", "True")


def outside(value: Value, low: float | None, high: float | None) -> list[Any]:
    """The numeric candidates of ``value`` below ``low`` or above ``high``."""
    offending = []
    for candidate in value.candidates:
        number = as_number(candidate)
        if number is None:
            continue
        if (low is not None and number < low) or (high is not None and number > high):
            offending.append(candidate)
    return offending
