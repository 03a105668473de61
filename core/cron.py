"""Crontab lines as crontab reads them, turned into APScheduler 3 triggers.

Operators write the ``schedule`` of a source as they would a crontab line,
and expect it to run when cron would. APScheduler 3's own parser
(``CronTrigger.from_crontab``) disagrees with cron in two places, both silent:

- day-of-week numbers: cron counts from Sunday (0 and 7 are Sunday, 1 is
  Monday); APScheduler 3 counts from Monday (0 is Monday, 6 Sunday, 7 an
  error). ``0 */6 * * 1`` would run on Tuesdays, ``*/2`` on the wrong half
  of the week. `crontab_trigger` expands the field into day *names*, which
  both read the same way.
- a line that restricts both the day of the month and the day of the week
  (``0 8 1 * mon``): cron runs when *either* matches (the 1st, and every
  Monday), APScheduler when both do. `crontab_trigger` returns an
  ``OrTrigger`` of the two halves there, as cron means it. Cron's rule
  is that a field starting with ``*`` does not count as restricted
  (``*/2``), and so here.

Also accepted, as in cron: month and weekday names (``jan``, ``mon-fri``),
ranges, lists and steps (``1-5``, ``*/15``, ``0-6/2``), and the macros
``@hourly``, ``@daily`` (``@midnight``), ``@weekly``, ``@monthly``,
``@yearly`` (``@annually``). ``@reboot`` is not a schedule and is refused.

Example:
    >>> from datetime import datetime, timezone
    >>> trigger = crontab_trigger("0 */6 * * 1", "UTC")
    >>> sunday = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
    >>> trigger.get_next_fire_time(None, sunday).strftime("%A %H:%M")
    'Monday 00:00'
    >>> crontab_trigger("0 8 * * 7", "UTC").get_next_fire_time(None, sunday).strftime("%A %d %H:%M")
    'Sunday 08 08:00'
"""

from __future__ import annotations

from datetime import tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

#: Cron's weekday numbers are the positions here; 7 is Sunday again.
WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

#: Vixie cron's macros, as the five fields they stand for.
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

FIELDS = "minute hour day-of-month month day-of-week"


def crontab_trigger(expr: str, timezone: tzinfo | str | None) -> BaseTrigger:
    """The APScheduler 3 trigger that fires when crontab would run `expr`, in `timezone`.

    A ``CronTrigger``, or an ``OrTrigger`` of two when the line restricts both
    the day of the month and the day of the week (see the module docstring).
    Raises ValueError, saying what is wrong, for a line cron would not take.

    >>> crontab_trigger("30 9 * * mon-fri", "UTC")
    <CronTrigger (month='*', day='*', day_of_week='mon,tue,wed,thu,fri', hour='9', minute='30', timezone='UTC')>
    >>> str(crontab_trigger("0 8 * * 0,7", "UTC").fields[4])
    'sun'
    """
    text = expr.strip()
    if text.startswith("@"):
        if text.lower() not in MACROS:
            raise ValueError(f"{text!r} is not a schedule macro dangan knows; use one of {', '.join(MACROS)}")
        text = MACROS[text.lower()]
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(f"{len(fields)} field(s) where crontab has five: {FIELDS}")
    minute, hour, day, month, day_of_week = fields
    weekdays = crontab_weekdays(day_of_week)
    common = dict(minute=minute, hour=hour, month=month, timezone=timezone)
    if not day.startswith("*") and not day_of_week.startswith("*"):
        # Cron runs on either day: the day of the month, or the day of the week.
        return OrTrigger([CronTrigger(day=day, **common), CronTrigger(day_of_week=weekdays, **common)])
    return CronTrigger(day=day, day_of_week=weekdays, **common)


def crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field as the day names it means, Monday first, or ``*`` for every day.

    Names are what APScheduler 3 and cron agree on; numbers they do not.

    >>> crontab_weekdays("1-5"), crontab_weekdays("0"), crontab_weekdays("7"), crontab_weekdays("*/2")
    ('mon,tue,wed,thu,fri', 'sun', 'sun', 'tue,thu,sat,sun')
    >>> crontab_weekdays("*"), crontab_weekdays("SAT,Sun"), crontab_weekdays("fri-sun")
    ('*', 'sat,sun', 'fri,sat,sun')
    """
    if field == "*":
        return "*"
    days: set[int] = set()
    for item in field.split(","):
        span, slash, step_text = item.partition("/")
        step = _whole_number(step_text, "step", item) if slash else 1
        if step < 1:
            raise ValueError(f"day-of-week {item!r}: a step must be at least 1")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            start, _, end = span.partition("-")
            first, last = _weekday(start, item), _weekday(end, item)
            if last == 0 and first > 0:
                last = 7  # "fri-sun": Sunday closes the week here, as 7 does
            if last < first:
                raise ValueError(f"day-of-week {item!r}: a range must run forwards, e.g. mon-fri or 1-5")
        else:
            first = _weekday(span, item)
            last = 7 if slash else first  # "1/2": from Monday to the week's end, every other day
        days.update(day % 7 for day in range(first, last + 1, step))
    # Monday first, Sunday last, as APScheduler and people list a week.
    return ",".join(WEEKDAY_NAMES[day] for day in sorted(days, key=lambda day: (day - 1) % 7))


def _weekday(text: str, item: str) -> int:
    name = text.strip().lower()
    if name in WEEKDAY_NAMES:
        return WEEKDAY_NAMES.index(name)
    number = _whole_number(name, "day", item)
    if not 0 <= number <= 7:
        raise ValueError(f"day-of-week {item!r}: {number} is not a day; crontab numbers them 0-7, 0 and 7 being Sunday")
    return number


def _whole_number(text: str, what: str, item: str) -> int:
    if not text.isdigit():
        raise ValueError(
            f"day-of-week {item!r}: {text!r} is not a {what}; use 0-7 (0 and 7 are Sunday) or names such as mon-fri"
        )
    return int(text)
