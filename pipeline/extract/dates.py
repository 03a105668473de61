"""Read and normalise the dates Chinese pages print.

`parse_date` turns the first date in a string into ISO form, keeping the time
when the string shows one: 2022年3月25日, 2022-03-25 09:12, 2022/03/25,
2022.03.25, 20220325, 7/5/2005 9:23:57 PM (ASP's US format) and ISO stamps
with an offset, which are moved to China time because that is what the page
itself shows beside the headline.

`pick_published` chooses the publication date among the candidates
`page_metadata` gathers (meta tags, labelled byline and disclosure-table
values, bare dates in short lines), and lends it a time that another place
on the page shows for the same day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

# One separator throughout (2022-03-25, 2022/03/25, 2022.03.25) or the
# 年/月/日 form; mixed separators are ranges and sidebar archives, not dates.
_DATE_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})(?!\d)\s*日?"
    r"|([/.\-])\s*(\d{1,2})\s*\4\s*(\d{1,2})(?!\d))"
    r"(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:：时]\s*(\d{2})(?!\d))?"
)
# Month first, as ASP pages print DateTime.Now: 9/17/2004 5:54:13 AM.
_US_DATE_RE = re.compile(
    r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])"
    r"(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?(?:\s*([AaPp][Mm]))?)?"
)
_COMPACT_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2}))?(?!\d)")
_ISO_OFFSET_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})"
)
_CHINA = timezone(timedelta(hours=8))


def _iso(year: int, month: int, day: int, hour: str | None, minute: str | None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    if hour is None or minute is None:
        return iso
    h, m = int(hour), int(minute)
    # A time of exactly 00:00 is a CMS filling in a date-only field, not a time.
    if h < 24 and m < 60 and (h or m):
        iso += f"T{h:02d}:{m:02d}"
    return iso


def _from_offset_stamp(value: str) -> str | None:
    """An ISO stamp with a zone, shown as the China-time wall clock the page prints."""
    match = _ISO_OFFSET_RE.search(value)
    if not match:
        return None
    day, clock, zone = match.groups()
    zone = "+00:00" if zone == "Z" else zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    try:
        stamp = datetime.fromisoformat(f"{day}T{clock}{zone}").astimezone(_CHINA)
    except ValueError:
        return None
    return _iso(stamp.year, stamp.month, stamp.day, str(stamp.hour), str(stamp.minute))


def parse_date(value: str) -> str | None:
    """Normalise the first date in `value` to ISO: "2022-03-25" or "2022-03-25T09:12"."""
    if "19" not in value and "20" not in value:
        return None  # every form we read has a year of 19xx or 20xx
    stamped = _from_offset_stamp(value)
    if stamped:
        return stamped
    match = _DATE_RE.search(value)
    if match:
        year, m1, d1, _sep, m2, d2, hour, minute = match.groups()
        return _iso(int(year), int(m1 or m2), int(d1 or d2), hour, minute)
    match = _US_DATE_RE.search(value)
    if match:
        first, second, year, hour, minute, half = match.groups()
        month, day = int(first), int(second)
        if month > 12:  # only day-first reading makes sense
            month, day = day, month
        if hour is not None and half:
            hour = str(int(hour) % 12 + (12 if half.lower() == "pm" else 0))
        return _iso(int(year), month, day, hour, minute)
    match = _COMPACT_DATE_RE.search(value)
    if match:
        year, month, day, hour, minute = match.groups()
        return _iso(int(year), int(month), int(day), hour, minute)
    return None


def has_date(value: str) -> bool:
    """Whether `value` holds a separated date (not a bare run of digits)."""
    # Most lines hold no year at all; a substring test rules them out quickly.
    if "19" not in value and "20" not in value:
        return False
    return bool(_DATE_RE.search(value) or _US_DATE_RE.search(value))


def pick_published(ranked: Iterable[str | None], with_time: Iterable[str | None]) -> str | None:
    """The first date among `ranked`, given a time from `with_time` when one shows the same day.

    `ranked` holds parsed candidates, most trusted first: meta tags, then the
    publication labels, then the document's own date labels, then bare dates.
    A meta tag or a disclosure-table cell often carries the day alone while
    the byline above the article shows the minute, so a date-only winner
    borrows the time of any candidate in `with_time` that falls on its day.
    """
    best = next((date for date in ranked if date), None)
    if best is None or "T" in best:
        return best
    for date in with_time:
        if date and "T" in date and date.startswith(best):
            return date
    return best
