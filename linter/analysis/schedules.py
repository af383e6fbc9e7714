"""Schedule expressions of EventBridge rules and EventBridge Scheduler: what is wrong with one.

``rate(value unit)``: a positive whole number and minute(s), hour(s) or day(s); EventBridge rules
(not Scheduler, which takes ``rate(5 minute)``) want the singular exactly when the value is 1.
``cron(...)``: six fields (minutes, hours, day of month, month, day of week, year), one of day of
month and day of week ``?``, plain numbers within each field's range.
``at(yyyy-mm-ddThh:mm:ss)``: a one-time schedule, which only EventBridge Scheduler runs.
Only what the services are known to reject is reported: PutRule takes fields separated by ", "
(boto/boto3#2876), so a trailing comma is not judged.
Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html and
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html (read 2026-11-30).
"""

from __future__ import annotations

import re

_RATE = re.compile(r"^rate\((.*)\)$", re.DOTALL)
_CRON = re.compile(r"^cron\((.*)\)$", re.DOTALL)
_AT = re.compile(r"^at\((.*)\)$", re.DOTALL)
_AT_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
_UNITS = {"minute": "minutes", "hour": "hours", "day": "days"}
# Field name and the plain numbers it takes (names like MON or JAN are left to the service).
_CRON_FIELDS = (
    ("minutes", 0, 59),
    ("hours", 0, 23),
    ("day-of-month", 1, 31),
    ("month", 1, 12),
    ("day-of-week", 1, 7),
    ("year", 1970, 2199),
)


def schedule_problem(expression: str, scheduler: bool) -> str | None:
    """Why EventBridge (``scheduler``: EventBridge Scheduler) rejects ``expression``; None if it
    does not. The reason ends in the fix."""
    text = expression.strip()
    if match := _RATE.match(text):
        return _rate_problem(match.group(1).strip(), singular_for_one=not scheduler)
    if match := _CRON.match(text):
        return _cron_problem(match.group(1).strip())
    if match := _AT.match(text):
        if not scheduler:
            return (
                "at() one-time schedules run only on EventBridge Scheduler; use a ScheduleV2 event or "
                "AWS::Scheduler::Schedule"
            )
        if not _AT_VALUE.match(match.group(1).strip()):
            return "at() takes a date and time as yyyy-mm-ddThh:mm:ss, e.g. at(2026-12-24T18:00:00)"
        return None
    kinds = "rate(), cron() or at()" if scheduler else "rate() or cron()"
    return f"a schedule expression is {kinds}, e.g. rate(5 minutes) or cron(0 12 * * ? *)"


def _rate_problem(inside: str, singular_for_one: bool) -> str | None:
    parts = inside.split()
    if len(parts) != 2 or not parts[0].isdigit():
        return "rate() takes a whole number and a unit, e.g. rate(5 minutes)"
    value, unit = int(parts[0]), parts[1]
    singular = next((one for one, many in _UNITS.items() if unit in (one, many)), None)
    if singular is None:
        return f"the unit {unit!r} is not one of minute(s), hour(s), day(s); e.g. rate({value} minutes)"
    if value == 0:
        return "a rate must be at least 1; the shortest schedule is rate(1 minute)"
    wanted = singular if value == 1 else _UNITS[singular]
    if singular_for_one and unit != wanted:
        return f"a rate of {value} takes the unit {wanted!r}; write rate({value} {wanted})"
    return None


def _cron_problem(inside: str) -> str | None:
    fields = [field.rstrip(",") for field in inside.split()]
    if len(fields) != len(_CRON_FIELDS):
        return (
            f"cron() has {len(fields)} fields, but takes 6 (minutes hours day-of-month month day-of-week "
            "year), e.g. cron(0 12 * * ? *)"
        )
    day_of_month, day_of_week = fields[2], fields[4]
    if day_of_month != "?" and day_of_week != "?":
        return (
            f"day-of-month ({day_of_month}) and day-of-week ({day_of_week}) are both given; one must be ?, "
            "e.g. cron(0 12 * * ? *)"
        )
    for (name, low, high), field in zip(_CRON_FIELDS, fields, strict=True):
        for number in re.findall(r"(?<![#/A-Za-z\d])\d+", field):
            if not low <= int(number) <= high:
                return f"{name} {number} is outside {low}-{high}"
    return None
