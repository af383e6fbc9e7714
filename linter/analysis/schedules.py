"""Schedule expressions of EventBridge rules and EventBridge Scheduler: what is wrong with one.

``rate(value unit)``: a positive whole number and minute(s), hour(s) or day(s); EventBridge rules
(not Scheduler, which takes ``rate(5 minute)``) want the singular exactly when the value is 1.
``cron(...)``: six fields (minutes, hours, day of month, month, day of week, year), one of day of
month and day of week ``?``; each field a list of its values (numbers within its range, JAN-DEC for
the month, SUN-SAT for the day of week, in either case), ranges and steps of them, ``*``, and the day
fields' own wildcards: ``L``, ``L-n``, ``LW`` and ``nW`` for the day of month, ``L``, ``nL`` and
``n#k`` (k 1-5) for the day of week. Both day fields ``?`` is not judged (the docs do not say).
``at(yyyy-mm-ddThh:mm:ss)``: a one-time schedule, which only EventBridge Scheduler runs.
Only what the services are known to reject is reported: PutRule takes fields separated by ", "
(boto/boto3#2876), so a trailing comma is not judged.
Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html and
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html (read 2026-11-30).
"""

from __future__ import annotations

import re
from typing import NamedTuple

_RATE = re.compile(r"^rate\((.*)\)$", re.DOTALL)
_CRON = re.compile(r"^cron\((.*)\)$", re.DOTALL)
_AT = re.compile(r"^at\((.*)\)$", re.DOTALL)
_AT_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
_UNITS = {"minute": "minutes", "hour": "hours", "day": "days"}


class _CronField(NamedTuple):
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # JAN-DEC or SUN-SAT, numbered from ``low``
    takes: str = ""  # for messages: the values and the field's own wildcards


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_CRON_FIELDS = (
    _CronField("minutes", 0, 59, takes="0-59"),
    _CronField("hours", 0, 23, takes="0-23"),
    _CronField("day-of-month", 1, 31, takes="1-31, L (last), W (weekday) or ?"),
    _CronField("month", 1, 12, _MONTHS, takes="1-12 or JAN-DEC"),
    _CronField("day-of-week", 1, 7, _DAYS, takes="1-7 or SUN-SAT, L (last), # (nth) or ?"),
    _CronField("year", 1970, 2199, takes="1970-2199"),
)
_NUMBER = re.compile(r"\d+")
# A value, a range of values or *, optionally stepped: 5, MON-FRI, */10, 0/15, 1-31/2.
_STEPPED = re.compile(r"^(?:\*|(?P<first>\w+)(?:-(?P<last>\w+))?)(?:/(?P<step>\d+))?$")
_DAY_OF_MONTH_SPECIAL = re.compile(r"^(?:L(?:-\d+|W)?|\d+W)$")  # L, L-3, LW, 15W
_NTH_WEEKDAY = re.compile(r"^(?P<day>\w+?)(?:L|#(?P<nth>\d+))$")  # 6L, FRIL, 2#1


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
    for field, written in zip(_CRON_FIELDS, fields, strict=True):
        if problem := _cron_field_problem(field, written.upper()):
            return problem
    return None


def _cron_field_problem(field: _CronField, written: str) -> str | None:
    """Why a field's text is not a value of it, or a list of values, ranges, steps and its own
    wildcards; the numbers it names are checked against the field's range."""
    if written == "?" and field.name in ("day-of-month", "day-of-week"):
        return None
    for item in written.split(","):
        if not _cron_item_fits(field, item):
            return (
                f"{field.name} {item or '(empty)'} is not a value of that field: it takes {field.takes}, "
                "as one value, a range (a-b), a step (a/n, */n) or a list (a,b)"
            )
        nth = _NTH_WEEKDAY.match(item)
        if nth and nth["nth"] is not None and not 1 <= int(nth["nth"]) <= 5:
            return f"day-of-week {item}: # names the 1st to 5th such weekday of a month, e.g. MON#1"
        for number in _NUMBER.findall(item.split("#")[0].split("/")[0].removeprefix("L-")):
            if not field.low <= int(number) <= field.high:
                return f"{field.name} {number} is outside {field.low}-{field.high}"
    return None


def _cron_item_fits(field: _CronField, item: str) -> bool:
    stepped = _STEPPED.match(item)
    if stepped and all(
        value is None or _cron_value_fits(field, value) for value in (stepped["first"], stepped["last"])
    ):
        return True
    if field.name == "day-of-month":
        return bool(_DAY_OF_MONTH_SPECIAL.match(item))
    if field.name == "day-of-week":
        nth = _NTH_WEEKDAY.match(item)
        return item == "L" or (nth is not None and _cron_value_fits(field, nth["day"]))
    return False


def _cron_value_fits(field: _CronField, value: str) -> bool:
    return value.isdigit() or value in field.names
