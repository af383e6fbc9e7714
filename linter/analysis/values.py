"""Helpers shared by rules that compare resolved values with limits."""

from __future__ import annotations

import math
from typing import Any

from samcheck.cfn.resolver import Value
from samcheck.findings import Related
from samcheck.model.template import Template


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


def parameter_related(template: Template, value: Value) -> tuple[Related, ...]:
    """Where the parameter whose AllowedValues produced the candidates is defined."""
    if value.parameter is None or len(value.candidates) < 2:
        return ()
    path = ("Parameters", value.parameter, "AllowedValues")
    _, span = template.document.source_map.nearest(path)
    return (Related(f"parameter {value.parameter} allows these values here", span),)


_MEGABYTE = 1024 * 1024


def megabytes(size: float) -> str:
    """A byte count as people read it in messages, e.g. "250.0 MB"."""
    return f"{size / _MEGABYTE:,.1f} MB"


_DAY, _HOUR = 86400, 3600


def duration(seconds: float) -> str:
    """Seconds as people read them in messages: "345,600 s (4 days)", "7,200 s (2 h)", "30 s"."""
    text = f"{seconds:,.0f} s" if float(seconds).is_integer() else f"{seconds:,g} s"
    if seconds >= _DAY and seconds % _DAY == 0:
        days = int(seconds // _DAY)
        return f"{text} ({days} day{'s' if days != 1 else ''})"
    if seconds >= _HOUR and seconds % _HOUR == 0:
        return f"{text} ({int(seconds // _HOUR)} h)"
    return text


def milliseconds(seconds: float) -> float:
    return seconds * 1000


def seconds(milliseconds: float) -> float:
    return milliseconds / 1000
