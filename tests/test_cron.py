"""Schedules fire when crontab would run them: Sunday is 0 and 7, Monday is 1, either day counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.cron import crontab_trigger

# A Sunday, at midnight UTC.
SUNDAY = datetime(2026, 11, 1, tzinfo=timezone.utc)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY_ = range(7)  # datetime.weekday()


def fire_times(expr: str, count: int, *, zone: str = "UTC", start: datetime = SUNDAY) -> list[datetime]:
    """The first `count` times `expr` fires from `start`, as the scheduler asks its trigger."""
    trigger = crontab_trigger(expr, zone)
    times: list[datetime] = []
    previous = None
    now = start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        times.append(fire)
        previous, now = fire, fire + timedelta(seconds=1)
    return times


def test_day_1_is_monday_as_in_crontab():
    times = fire_times("0 */6 * * 1", 12)  # three weeks of Mondays, four times a day
    assert {t.weekday() for t in times} == {MONDAY}
    assert sorted({t.hour for t in times}) == [0, 6, 12, 18] and {t.minute for t in times} == {0}
    assert times[0] == datetime(2026, 11, 2, 0, 0, tzinfo=timezone.utc)
    assert times[-1] == datetime(2026, 11, 16, 18, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("day", ["0", "7", "sun", "SUN"])
def test_0_and_7_are_sunday(day):
    times = fire_times(f"0 8 * * {day}", 3)
    assert times == [datetime(2026, 11, d, 8, 0, tzinfo=timezone.utc) for d in (1, 8, 15)]
    assert {t.weekday() for t in times} == {SUNDAY_}


@pytest.mark.parametrize("days", ["mon-fri", "1-5", "Mon,Tue,wed,4,FRI", "1-3,4-5"])
def test_working_days_by_name_or_number(days):
    times = fire_times(f"30 9 * * {days}", 10)
    assert [t.weekday() for t in times] == [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY] * 2
    assert {(t.hour, t.minute) for t in times} == {(9, 30)}


def test_a_step_over_the_week_counts_from_sunday():
    # Crontab's */2 is 0,2,4,6: Sunday, Tuesday, Thursday, Saturday.
    times = fire_times("0 0 * * */2", 4)
    assert [t.weekday() for t in times] == [SUNDAY_, TUESDAY, THURSDAY, SATURDAY]
    assert [t.weekday() for t in fire_times("0 0 * * 1-5/2", 3)] == [MONDAY, WEDNESDAY, FRIDAY]


def test_ranges_steps_and_lists_in_the_other_fields():
    times = fire_times("*/15 9-17/4 * * *", 12)
    assert [(t.hour, t.minute) for t in times] == [(h, m) for h in (9, 13, 17) for m in (0, 15, 30, 45)]
    monthly = fire_times("0 6 1,15 jan-mar *", 4, start=datetime(2026, 12, 20, tzinfo=timezone.utc))
    assert [(t.month, t.day) for t in monthly] == [(1, 1), (1, 15), (2, 1), (2, 15)]


def test_day_of_month_and_day_of_week_together_mean_either_as_in_crontab():
    # The 1st of the month and every Monday, not "a 1st that is a Monday".
    times = fire_times("0 8 1 * 1", 8)
    assert [(t.month, t.day) for t in times] == [(11, 1), (11, 2), (11, 9), (11, 16), (11, 23), (11, 30), (12, 1), (12, 7)]
    # A field that starts with * does not restrict, in crontab: then both must match.
    assert {t.weekday() for t in fire_times("0 8 */2 * 1", 4)} == {MONDAY}


def test_macros_are_crontabs():
    assert fire_times("@weekly", 2) == [SUNDAY, SUNDAY + timedelta(days=7)]
    assert fire_times("@daily", 2, start=SUNDAY + timedelta(hours=1)) == [SUNDAY + timedelta(days=1), SUNDAY + timedelta(days=2)]
    assert fire_times("@hourly", 1, start=SUNDAY + timedelta(minutes=1)) == [SUNDAY + timedelta(hours=1)]


def test_the_time_zone_is_the_schedules():
    (first,) = fire_times("0 8 * * 0", 1, zone="Asia/Shanghai")
    assert first.astimezone(timezone.utc) == datetime(2026, 11, 1, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("0 8 * * 8", "8 is not a day; crontab numbers them 0-7, 0 and 7 being Sunday"),
        ("0 8 * * fri-mon", "a range must run forwards"),
        ("0 8 * * mon/0", "a step must be at least 1"),
        ("0 8 * * someday", "'someday' is not a day"),
        ("0 8 * *", "4 field(s) where crontab has five"),
        ("@reboot", "not a schedule macro"),
        ("61 * * * *", "maximum value (59)"),
    ],
)
def test_what_crontab_would_refuse_is_refused_saying_why(line, says):
    with pytest.raises(ValueError) as caught:
        crontab_trigger(line, "UTC")
    assert says in str(caught.value)
