"""Quantities as people read them in messages: sizes, durations, and the units AWS mixes."""

from __future__ import annotations

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
