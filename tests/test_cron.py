"""Schedules run on the days crontab would run them, and are put in words honestly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.cron import crontab_fields, crontab_trigger, describe_schedule, next_run

# Wednesday 4 November 2026, noon UTC: no day of the week is "today" in the cases below.
WEDNESDAY = datetime(2026, 11, 4, 12, 0, tzinfo=timezone.utc)


def fire_times(expr: str, count: int, start: datetime = WEDNESDAY, zone: str = "UTC") -> list[datetime]:
    """The next `count` times the trigger for `expr` fires, as APScheduler would run them."""
    trigger = crontab_trigger(expr, zone)
    times: list[datetime] = []
    previous = None
    now = start
    for _ in range(count):
        fired = trigger.get_next_fire_time(previous, now)
        times.append(fired)
        previous, now = fired, fired + timedelta(seconds=1)
    return times


def test_every_six_hours_on_monday_fires_on_mondays_only() -> None:
    # APScheduler's own from_crontab reads day 1 as Tuesday; crontab means Monday.
    times = fire_times("0 */6 * * 1", 8)
    assert {moment.strftime("%A") for moment in times} == {"Monday"}
    assert [moment.hour for moment in times[:4]] == [0, 6, 12, 18]
    assert times[0] == datetime(2026, 11, 9, 0, 0, tzinfo=timezone.utc)
    assert times[4].date() == datetime(2026, 11, 16).date()


@pytest.mark.parametrize("expr", ["0 8 * * 0", "0 8 * * 7", "0 8 * * sun", "0 8 * * SUN"])
def test_day_zero_seven_and_sun_are_sunday(expr: str) -> None:
    times = fire_times(expr, 3)
    assert [moment.strftime("%a %H:%M") for moment in times] == ["Sun 08:00"] * 3
    assert times[0] == datetime(2026, 11, 8, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("day_of_week", "days"),
    [
        ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("mon-fri", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("5-7", ["Fri", "Sat", "Sun"]),  # a range may end on 7, Sunday
        ("*/2", ["Sun", "Tue", "Thu", "Sat"]),  # crontab steps from 0, Sunday
        ("1,3,5", ["Mon", "Wed", "Fri"]),
        ("0,6", ["Sat", "Sun"]),
    ],
)
def test_day_of_week_lists_ranges_and_steps_mean_crontabs_days(day_of_week: str, days: list[str]) -> None:
    times = fire_times(f"0 8 * * {day_of_week}", 14)
    assert sorted({moment.strftime("%a") for moment in times}) == sorted(days)


def test_both_day_fields_set_fire_on_days_matching_either_as_cron_does() -> None:
    # "0 8 1 * 1": the first of the month, and every Monday (man 5 crontab).
    times = fire_times("0 8 1 * 1", 6)
    assert [moment.strftime("%a %d %b") for moment in times] == [
        "Mon 09 Nov", "Mon 16 Nov", "Mon 23 Nov", "Mon 30 Nov", "Tue 01 Dec", "Mon 07 Dec",
    ]
    # A day field starting with * does not count as set: then a day must match both.
    assert {moment.strftime("%a") for moment in fire_times("0 8 */2 * 1", 4)} == {"Mon"}


def test_the_schedule_is_read_in_the_time_zone_given() -> None:
    shanghai = next_run("0 8 * * *", WEDNESDAY, "Asia/Shanghai")
    assert shanghai.astimezone(timezone.utc) == datetime(2026, 11, 5, 0, 0, tzinfo=timezone.utc)


def test_shorthands_expand_to_their_five_fields() -> None:
    assert crontab_fields("@daily") == ["0", "0", "*", "*", "*"]
    assert fire_times("@weekly", 1)[0] == datetime(2026, 11, 8, 0, 0, tzinfo=timezone.utc)  # Sunday midnight


@pytest.mark.parametrize(
    ("expr", "problem"),
    [
        ("0 */6 * *", "4 field(s) where crontab has five"),
        ("60 * * * *", "minute '60': 60 is outside 0-59"),
        ("0 8 * * 8", "day of week '8': 8 is outside 0-7"),
        ("0 8 * * fri-mon", "runs backwards; crontab ranges do not wrap"),
        ("0 8 * * funday", "'funday' is not a number, a name"),
        ("0 8 0 * *", "day of month '0': 0 is outside 1-31"),
        ("0 8 * * */0", "a step must be at least 1"),
        ("0 8 last * *", "day of month 'last'"),  # APScheduler would take it, crontab would not
        ("@reboot", "not a crontab shorthand"),
    ],
)
def test_what_crontab_would_refuse_is_refused_saying_which_field(expr: str, problem: str) -> None:
    with pytest.raises(ValueError, match=None) as caught:
        crontab_trigger(expr, "UTC")
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("* * * * *", "every minute"),
        ("*/10 * * * *", "every 10 minutes"),
        ("0 * * * *", "every hour"),
        ("0 */6 * * *", "every 6 hours"),
        ("30 */6 * * *", "every 6 hours at minute 30"),
        ("0 */6 * * 1", "every 6 hours on Mondays"),
        ("0 8 * * *", "at 08:00 every day"),
        ("0 8 * * 1", "at 08:00 on Mondays"),
        ("0 8 * * 7", "at 08:00 on Sundays"),
        ("15 6,18 * * 1,4", "at 06:15 and 18:15 on Mondays and Thursdays"),
        ("0 9 * * mon-fri", "at 09:00 on weekdays"),
        ("0 9 * * 6,0", "at 09:00 on Saturdays and Sundays"),
        ("0 3 1,15 * *", "at 03:00 on days 1 and 15 of each month"),
        ("@daily", "at 00:00 every day"),
        # Forms the describer does not know are shown as they are, never guessed at.
        ("0 8 * 1-6 *", "0 8 * 1-6 *"),
        ("0 8-18/2 * * *", "0 8-18/2 * * *"),
        ("0 8 1 * 1", "0 8 1 * 1"),
    ],
)
def test_common_schedules_are_put_in_words(expr: str, words: str) -> None:
    assert describe_schedule(expr) == words
