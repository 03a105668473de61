"""The settings the scheduler of a data folder runs with, kept beside its pidfile for `dangan status`.

`dangan status` says when each source runs next and how long a failing one
is left alone. Worked out with the default ``DANGAN_SCHEDULE_*`` values, it
was wrong for a scheduler started with ``--set DANGAN_SCHEDULE_BACKOFF_BASE=600``
(or another time zone): status promised a run the scheduler would skip. So
the scheduler writes the settings it runs with, when it starts, to
``dangan-schedule.json`` in the data folder, beside ``dangan-schedule.pid``
(one scheduler per data folder, `dangan.scheduler_lock`), and status reads
them from there. The file stays when the scheduler stops: it describes what
the next scheduler started the same way will do, and status says whether the
one that wrote it is still running.

Example:
    >>> record_settings(data_dir, ScheduleSettings(backoff_base=600.0), started_at=datetime(2026, 11, 2, 8, 0))
    >>> recorded = recorded_settings(data_dir)
    >>> recorded.settings.backoff_base, recorded.started_at.isoformat()
    (600.0, '2026-11-02T08:00:00')
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path

from dangan.schedule_settings import ScheduleSettings
from core.processes import process_exists
from dangan.scheduler_lock import PIDFILE_NAME

log = logging.getLogger(__name__)

#: The record's name in the data folder.
RECORD_NAME = "dangan-schedule.json"


@dataclass(frozen=True)
class RecordedSchedule:
    """What a scheduler of the data folder recorded when it started: its settings, pid and start time."""

    settings: ScheduleSettings
    pid: int
    started_at: datetime  # naive UTC
    running: bool  # whether that scheduler still holds the data folder's pidfile


def record_settings(data_dir: str | Path, settings: ScheduleSettings, *, started_at: datetime) -> None:
    """Write `settings` as this process's, the data folder's scheduler, started at `started_at` (naive UTC).

    Written to a temporary file and renamed, so a reader never sees half of it.
    """
    path = Path(data_dir) / RECORD_NAME
    record = {"pid": os.getpid(), "started_at": started_at.isoformat(), "settings": asdict(settings)}
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def recorded_settings(data_dir: str | Path) -> RecordedSchedule | None:
    """The settings the data folder's last scheduler recorded, or None if none has (or the file is unreadable)."""
    path = Path(data_dir) / RECORD_NAME
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        known = {field.name for field in fields(ScheduleSettings)}
        settings = ScheduleSettings(**{name: value for name, value in record["settings"].items() if name in known})
        pid, started_at = int(record["pid"]), datetime.fromisoformat(record["started_at"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s is unreadable (%s); the default scheduler settings are shown", path, exc)
        return None
    return RecordedSchedule(settings=settings, pid=pid, started_at=started_at, running=_still_running(data_dir, pid))


def _still_running(data_dir: str | Path, pid: int) -> bool:
    """Whether scheduler `pid` still runs for the data folder: its pidfile names it and it is alive.

    Read without taking the pidfile's lock, which a scheduler starting at that
    moment would find held. A scheduler that stops empties its pidfile.
    """
    try:
        held = (Path(data_dir) / PIDFILE_NAME).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return held == str(pid) and process_exists(pid)
