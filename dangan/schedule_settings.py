"""The scheduler's settings, ``DANGAN_SCHEDULE_*``, from ``dangan schedule --set NAME=VALUE``.

Their defaults are in `core.settings`, with every other ``DANGAN_*`` default;
this module only reads them, checks them, and tells them apart from the
settings meant for the crawls the scheduler starts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core import settings as defaults
from core.errors import SchedulerError

#: The settings `ScheduleSettings` reads; any other ``--set`` goes to every crawl.
SCHEDULE_SETTINGS = (
    "DANGAN_SCHEDULE_MAX_CRAWLS",
    "DANGAN_SCHEDULE_MISFIRE_GRACE",
    "DANGAN_SCHEDULE_BACKOFF_BASE",
    "DANGAN_SCHEDULE_BACKOFF_MAX",
    "DANGAN_SCHEDULE_STOP_WAIT",
    "DANGAN_SCHEDULE_TIMEZONE",
    "DANGAN_SCHEDULE_TEST_INTERVAL",
    "DANGAN_SCHEDULE_LOCK_CHECK",
)


@dataclass(frozen=True)
class ScheduleSettings:
    """The scheduler's ``DANGAN_SCHEDULE_*`` settings (defaults in `core.settings`).

    >>> ScheduleSettings.from_overrides({"DANGAN_SCHEDULE_MAX_CRAWLS": "4", "DOWNLOAD_DELAY": "2"})
    (ScheduleSettings(max_crawls=4, misfire_grace=None, backoff_base=3600.0, backoff_max=86400.0, stop_wait=60.0, timezone=None, test_interval=None, lock_check=30.0), {'DOWNLOAD_DELAY': '2'})
    """

    max_crawls: int = defaults.DANGAN_SCHEDULE_MAX_CRAWLS
    misfire_grace: float | None = defaults.DANGAN_SCHEDULE_MISFIRE_GRACE
    backoff_base: float = defaults.DANGAN_SCHEDULE_BACKOFF_BASE
    backoff_max: float = defaults.DANGAN_SCHEDULE_BACKOFF_MAX
    stop_wait: float = defaults.DANGAN_SCHEDULE_STOP_WAIT
    timezone: str | None = defaults.DANGAN_SCHEDULE_TIMEZONE
    test_interval: float | None = defaults.DANGAN_SCHEDULE_TEST_INTERVAL
    lock_check: float = defaults.DANGAN_SCHEDULE_LOCK_CHECK

    @classmethod
    def from_overrides(
        cls, overrides: dict[str, str], *, base: "ScheduleSettings | None" = None
    ) -> tuple["ScheduleSettings", dict[str, str]]:
        """The scheduler's settings from ``NAME=VALUE`` strings, and the rest (for the crawls).

        Settings not named keep their value in `base` (default: the defaults).
        """
        values: dict[str, object] = {}
        for name, text in overrides.items():
            if name not in SCHEDULE_SETTINGS:
                continue
            attribute = name.removeprefix("DANGAN_SCHEDULE_").lower()
            if attribute == "timezone":
                values[attribute] = text or None
            elif attribute == "max_crawls":
                values[attribute] = _number(name, text, int, minimum=1)
            elif attribute in ("misfire_grace", "test_interval") and text.lower() in ("", "none"):
                values[attribute] = None
            else:
                values[attribute] = _number(name, text, float, minimum=0)
        rest = {name: text for name, text in overrides.items() if name not in SCHEDULE_SETTINGS}
        return replace(base or cls(), **values), rest  # type: ignore[arg-type]


def _number(name: str, text: str, kind: type, *, minimum: float) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise SchedulerError(f"{name}={text!r} is not a {'whole ' if kind is int else ''}number") from None
    if value < minimum:
        raise SchedulerError(f"{name} must be at least {minimum}, got {text}")
    return value
