"""Crontab schedules as cron means them: checked, turned into APScheduler triggers, put in words.

Operators write the ``schedule`` of a source in crontab's five fields,
``minute hour day-of-month month day-of-week``. APScheduler 3 reads nearly
the same syntax with two differences that would silently run a crawl on the
wrong day:

- it numbers the days of the week from Monday (0 = Monday, 6 = Sunday),
  where crontab counts from Sunday (0 and 7 = Sunday, 1 = Monday), so
  ``CronTrigger.from_crontab("0 */6 * * 1")`` fires on Tuesdays;
- when both day-of-month and day-of-week are restricted, crontab runs on
  days matching *either* (``0 8 1 * 1``: the 1st, and every Monday);
  APScheduler only on days matching both.

`crontab_trigger` is the one place that translates: the scheduler and
``dangan status`` both build their triggers with it, and the sources file
checks schedules with it, so what is accepted is what runs.

Example:
    >>> after = datetime(2026, 11, 4, 12, 0, tzinfo=timezone.utc)   # a Wednesday
    >>> next_run("0 */6 * * 1", after, "UTC").strftime("%A %H:%M")
    'Monday 00:00'
    >>> describe_schedule("0 */6 * * *"), describe_schedule("0 8 * * mon")
    ('every 6 hours', 'at 08:00 on Mondays')
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo  # noqa: F401 - timezone: the examples
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apscheduler.triggers.base import BaseTrigger

#: Crontab's day names, at crontab's numbers (Sunday is 0, and 7 too).
CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
#: APScheduler 3's order of the same names (Monday is 0).
_APSCHEDULER_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: The shorthands crontab accepts for a whole line (``@reboot`` has no time, so it is not one of them).
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

_FIELDS = ("minute", "hour", "day of month", "month", "day of week")
# (lowest, highest) number, and the names allowed, per field, as crontab(5) gives them.
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_NAMES: tuple[tuple[str, ...], ...] = ((), (), (), _MONTHS, CRONTAB_DAYS)
# One element of a comma list: *, a number or name, or a range; then an optional /step.
_ELEMENT = re.compile(r"^(?:(?P<star>\*)|(?P<first>[0-9]+|[a-z]{3})(?:-(?P<last>[0-9]+|[a-z]{3}))?)(?:/(?P<step>[0-9]+))?$")

#: An IANA zone name ("Asia/Shanghai"), a tzinfo, or None for the machine's local time.
TimeZone = str | tzinfo | None


def crontab_fields(expr: str) -> list[str]:
    """The five fields of a crontab expression, each checked against crontab's syntax.

    Raises ValueError saying which field is wrong and how. ``@daily`` and the
    other shorthands are expanded.

    >>> crontab_fields("@weekly")
    ['0', '0', '*', '*', '0']
    >>> crontab_fields("0 25 * * *")
    Traceback (most recent call last):
    ...
    ValueError: hour '25': 25 is outside 0-23
    """
    text = expr.strip().lower()
    if text.startswith("@"):
        if text not in MACROS:
            raise ValueError(f"{expr.strip()!r} is not a crontab shorthand; use one of {', '.join(MACROS)}")
        text = MACROS[text]
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(
            f"{len(fields)} field(s) where crontab has five: minute hour day-of-month month day-of-week"
        )
    for index, field in enumerate(fields):
        _field_values(index, field)  # raises on anything crontab would refuse
    return fields


def crontab_trigger(expr: str, timezone: TimeZone = None) -> "BaseTrigger":
    """An APScheduler 3 trigger that fires when crontab would run `expr`.

    `timezone` is an IANA name or tzinfo; None means the machine's local
    time, as cron itself uses. Day-of-week numbers and names are crontab's
    (0 or 7 is Sunday); when both day fields are restricted the trigger fires
    on days matching either, as cron does. ValueError for an expression
    crontab would refuse.

    >>> after = datetime(2026, 11, 4, 12, 0, tzinfo=timezone.utc)   # a Wednesday
    >>> [next_run(expr, after, "UTC").strftime("%a %d") for expr in ("0 8 * * 0", "0 8 * * 7", "0 8 * * 1-5")]
    ['Sun 08', 'Sun 08', 'Thu 05']
    """
    # Imported here: checking a sources file needs only crontab_fields, not APScheduler.
    from apscheduler.triggers.combining import OrTrigger
    from apscheduler.triggers.cron import CronTrigger

    minute, hour, day, month, day_of_week = crontab_fields(expr)
    weekdays = _apscheduler_weekdays(day_of_week)
    common = dict(minute=minute, hour=hour, month=month, timezone=timezone)
    # Vixie cron: a day field that starts with "*" counts as unrestricted, and
    # only when neither is does a day match either field rather than both.
    if day.startswith("*") or day_of_week.startswith("*"):
        return CronTrigger(day=day, day_of_week=weekdays, **common)
    return OrTrigger([CronTrigger(day=day, day_of_week="*", **common), CronTrigger(day="*", day_of_week=weekdays, **common)])


def next_run(expr: str, after: datetime, timezone: TimeZone = None) -> datetime | None:
    """When `expr` next fires at or after `after` (an aware datetime), in the trigger's time zone; None if never."""
    return crontab_trigger(expr, timezone).get_next_fire_time(None, after)


def describe_schedule(expr: str) -> str:
    """`expr` in words for the common forms ("every 6 hours", "at 08:00 on Mondays"); else `expr` itself.

    Only forms it fully understands are put in words, so a description is
    never wrong, at worst just the cron string.

    >>> describe_schedule("*/15 * * * *"), describe_schedule("30 * * * *")
    ('every 15 minutes', 'every hour at minute 30')
    >>> describe_schedule("0 8,20 * * 1-5"), describe_schedule("0 3 1 * *")
    ('at 08:00 and 20:00 on weekdays', 'at 03:00 on day 1 of each month')
    >>> describe_schedule("7 3 */2 * *")
    '7 3 */2 * *'
    """
    try:
        minute, hour, day, month, day_of_week = crontab_fields(expr)
    except ValueError:
        return expr
    if month != "*":
        return expr.strip()
    when = _time_of_day(minute, hour)
    days = _days_in_words(day, day_of_week)
    if when is None or days is None:
        return expr.strip()
    if not days and when.startswith("at "):
        days = "every day"
    return f"{when} {days}".strip()


# -- translation ---------------------------------------------------------------------


def _field_values(index: int, field: str) -> set[int]:
    """The numbers a crontab field selects (day of week: 0-7 as written); ValueError if crontab would refuse it."""
    name, (low, high), names = _FIELDS[index], _RANGES[index], _NAMES[index]
    values: set[int] = set()
    for element in field.split(","):
        match = _ELEMENT.match(element)
        if match is None:
            raise ValueError(f"{name} {field!r}: {element!r} is not a number, a name, a range a-b, * or a step /n")
        step = int(match["step"]) if match["step"] else 1
        if step < 1:
            raise ValueError(f"{name} {field!r}: a step must be at least 1")
        if match["star"]:
            first, last = low, high if index != 4 else 6
        else:
            first = _number(name, field, match["first"], low, high, names)
            last = _number(name, field, match["last"], low, high, names) if match["last"] else None
            if last is None:
                if match["step"]:
                    raise ValueError(f"{name} {field!r}: a step needs a range or *, e.g. */{step} or 1-10/{step}")
                last = first
            if first > last:
                raise ValueError(f"{name} {field!r}: the range {element} runs backwards; crontab ranges do not wrap")
        values.update(range(first, last + 1, step))
    return values


def _number(name: str, field: str, token: str, low: int, high: int, names: tuple[str, ...]) -> int:
    if token.isdigit():
        value = int(token)
        if not low <= value <= high:
            raise ValueError(f"{name} {field!r}: {value} is outside {low}-{high}")
        return value
    if token in names:
        return names.index(token) + (1 if names is _MONTHS else 0)
    raise ValueError(f"{name} {field!r}: {token!r} is not a {name} name")


def _apscheduler_weekdays(day_of_week: str) -> str:
    """A crontab day-of-week field as APScheduler 3 day names, e.g. ``"1-5"`` → ``"mon,tue,wed,thu,fri"``.

    Names, not numbers, so APScheduler's Monday-first numbering never comes in.
    """
    if day_of_week == "*":
        return "*"
    days = {value % 7 for value in _field_values(4, day_of_week)}  # 7 is Sunday too
    return ",".join(name for name in _APSCHEDULER_DAYS if CRONTAB_DAYS.index(name) in days)


# -- description -----------------------------------------------------------------------

_DAY_PLURALS = ("Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays")


def _time_of_day(minute: str, hour: str) -> str | None:
    if minute == "*" and hour == "*":
        return "every minute"
    every_minutes = re.fullmatch(r"\*/(\d+)", minute)
    if every_minutes and hour == "*":
        return f"every {every_minutes[1]} minutes"
    if not minute.isdigit():
        return None
    at_minute = "" if int(minute) == 0 else f" at minute {int(minute)}"
    if hour == "*":
        return f"every hour{at_minute}"
    every_hours = re.fullmatch(r"\*/(\d+)", hour)
    if every_hours:
        return f"every {every_hours[1]} hours{at_minute}"
    if re.fullmatch(r"\d+(,\d+)*", hour):
        times = [f"{int(h):02d}:{int(minute):02d}" for h in hour.split(",")]
        return "at " + _joined(times)
    return None


def _days_in_words(day: str, day_of_week: str) -> str | None:
    if day == "*" and day_of_week == "*":
        return ""
    if day == "*":
        days = sorted({value % 7 for value in _field_values(4, day_of_week)}, key=lambda d: (d + 6) % 7)
        if days == [1, 2, 3, 4, 5]:
            return "on weekdays"
        return "on " + _joined([_DAY_PLURALS[d] for d in days])
    if day_of_week == "*" and re.fullmatch(r"\d+(,\d+)*", day):
        numbers = [str(int(d)) for d in day.split(",")]
        return f"on day{'s' if len(numbers) > 1 else ''} {_joined(numbers)} of each month"
    return None


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
