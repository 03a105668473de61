"""How the archive stores time: naive UTC, one form for SQLite and PostgreSQL.

SQLite keeps no time zone and PostgreSQL's ``timestamp without time zone``
drops it too, so every time crosses into the database as a naive datetime in
UTC. Callers may hand in aware datetimes (any zone) or naive ones (taken to be
UTC already); `as_stored` turns both into the stored form.

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> as_stored(datetime(2024, 5, 1, 8, 0, tzinfo=timezone(timedelta(hours=8))))
    datetime.datetime(2024, 5, 1, 0, 0)
"""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    """The current time in the stored form (naive UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def as_stored(moment: datetime) -> datetime:
    """Convert `moment` to naive UTC; a naive input is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def as_utc(moment: datetime) -> datetime:
    """Convert `moment` to an aware UTC datetime; a naive input is taken to be UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
