"""What ``dangan runs`` and ``dangan status`` show: the run log, and each source's schedule and last run.

`source_status` puts together, for each source of the sources file, its
schedule (as written and in words, `core.cron.describe_schedule`), when the
schedule fires next (`core.cron.next_run`, crontab's meaning) and its last
run (`storage.runs.RunLog.last_run`). `runs_lines` and `status_lines` lay the
two out as plain aligned lines: times and reasons are never cut or wrapped,
and the output can be grepped. Each has a JSON form for tools
(`storage.runs.run_as_dict`, `SourceStatus.as_dict`).

Example:
    >>> from core.sources import Source
    >>> gov = Source("gov", ("http://www.gov.cn/",), ("gov.cn",), (), schedule="0 */6 * * *")
    >>> run = store.run_log.start_run("gov", datetime(2026, 11, 2, 8, 0))
    >>> store.run_log.finish_run(run, datetime(2026, 11, 2, 8, 5), "ok", {"pages_fetched": 40})
    >>> [status] = source_status([gov], store.run_log, now=datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc),
    ...                          timezone="UTC")
    >>> status.in_words, status.next_run.isoformat(), status.last_run.outcome
    ('every 6 hours', '2026-11-02T12:00:00+00:00', 'ok')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from core import settings as defaults
from core.cron import TimeZone, describe_schedule, next_run
from core.sources import Source
from storage.models import CrawlRun
from dangan.schedule_record import RecordedSchedule
from dangan.schedule_settings import ScheduleSettings
from dangan.source_backoff import SourceBackoff
from storage.runs import RUN_COUNTS, RunLog, run_as_dict

# `source_status` has a parameter named timezone (the schedules' zone).
_UTC = timezone.utc

# Short column heads for the counts, in `RUN_COUNTS` order.
_COUNT_HEADS = {
    "pages_fetched": "fetched", "not_modified": "304", "new_documents": "new", "new_versions": "changed",
    "unchanged": "unchanged", "duplicates": "dup", "gone": "gone", "empty": "empty",
    "errors": "errors", "not_html": "not html", "left_for_processing": "left",
}


@dataclass(frozen=True)
class SchedulerView:
    """The scheduler settings `dangan status` works next runs and backoffs out with, and where they come from.

    `settings_from` is "running scheduler" (the data folder's scheduler,
    running now, recorded them), "last scheduler" (the one that ran last
    recorded them; none runs now), "defaults" (no scheduler has run for the
    data folder) or "--set" (given to status, over any recorded).
    """

    settings: ScheduleSettings
    settings_from: str
    pid: int | None = None
    started_at: datetime | None = None  # naive UTC

    @classmethod
    def of(cls, recorded: RecordedSchedule | None, overrides: dict[str, str]) -> "SchedulerView":
        """The settings a scheduler `recorded` ran with (or the defaults), with `overrides` (``--set``) over them."""
        base = recorded.settings if recorded is not None else ScheduleSettings()
        pid = recorded.pid if recorded is not None else None
        started_at = recorded.started_at if recorded is not None else None
        if overrides:
            settings, _ = ScheduleSettings.from_overrides(overrides, base=base)
            return cls(settings, "--set", pid, started_at)
        if recorded is None:
            return cls(base, "defaults")
        return cls(base, "running scheduler" if recorded.running else "last scheduler", pid, started_at)

    def as_dict(self) -> dict[str, Any]:
        return {
            "settings_from": self.settings_from,
            "pid": self.pid,
            "started_at": _iso(self.started_at.replace(tzinfo=_UTC)) if self.started_at else None,
            "backoff_base": self.settings.backoff_base,
            "backoff_max": self.settings.backoff_max,
            "timezone": self.settings.timezone,
        }

    def line(self) -> str:
        """One line saying which settings status used, e.g. ``scheduler: running (pid 12, …); backoff …``."""
        settings = self.settings
        used = (f"backoff {settings.backoff_base:g} s after a failed crawl, doubled for each further one, "
                f"at most {settings.backoff_max:g} s; schedules read in {settings.timezone or 'local time'}")
        started = f"pid {self.pid}, started {_shown(self.started_at)} UTC"
        if self.settings_from == "running scheduler":
            return f"scheduler: running ({started}): {used}"
        if self.settings_from == "last scheduler":
            return f"scheduler: not running; as the last one ran ({started}): {used}"
        if self.settings_from == "--set":
            return f"scheduler: as given with --set: {used}"
        return f"scheduler: none has run for this data folder; the defaults: {used}"


@dataclass(frozen=True)
class SourceStatus:
    """One source as ``dangan status`` shows it."""

    source: str
    schedule: str | None
    in_words: str | None
    next_run: datetime | None  # aware; None without a schedule
    last_run: CrawlRun | None
    running: CrawlRun | None = None  # a crawl going on now, when a later skip is the last run
    empty_pages: int = 0  # documents whose latest version has no text (storage.empty_pages)
    # Set while failed crawls hold the source back: the scheduler skips its times until then,
    # and next_run is the first scheduled time after it.
    backoff: SourceBackoff | None = None
    # Every run of the last run's shared frontier (crawler.frontier), itself included, when
    # it was one of several workers: their counts are shown added up.
    frontier_runs: tuple[CrawlRun, ...] = ()
    # The settings the next run and the backoff were worked out with.
    scheduler: SchedulerView | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values; times in ISO form, UTC."""
        return {
            "source": self.source,
            "schedule": self.schedule,
            "schedule_in_words": self.in_words,
            "next_run": _iso(self.next_run),
            "last_run": run_as_dict(self.last_run) if self.last_run is not None else None,
            "running": run_as_dict(self.running) if self.running is not None else None,
            "empty_pages": self.empty_pages,
            "frontier_runs": [run.id for run in self.frontier_runs],
            "backing_off_until": (
                _iso(self.backoff.until.replace(tzinfo=timezone.utc)) if self.backoff and self.backoff.until else None
            ),
            "scheduler": self.scheduler.as_dict() if self.scheduler is not None else None,
        }


def source_status(
    sources: list[Source], runs: RunLog, *, now: datetime, timezone: TimeZone = None,
    empty_pages: dict[str, int] | None = None,
    backoff_base: float = defaults.DANGAN_SCHEDULE_BACKOFF_BASE,
    backoff_max: float = defaults.DANGAN_SCHEDULE_BACKOFF_MAX,
    scheduler: SchedulerView | None = None,
) -> list[SourceStatus]:
    """Each source's schedule, next run after `now` (aware) and last run, in the sources file's order.

    `timezone` is the zone the schedules are read in (None: the machine's
    local time, as cron and the scheduler use). `empty_pages` counts each
    source's documents stored without text (`storage.empty_pages.empty_counts`).
    A scheduled source whose latest crawls failed is backed off as the
    scheduler backs it off (`SourceBackoff.from_runs`, with `backoff_base`
    and `backoff_max`): its next run is the first scheduled time after that.
    A `scheduler` (the settings a scheduler recorded, `SchedulerView`) gives
    the time zone and the backoff in their place, and is shown with each source.
    """
    if scheduler is not None:
        timezone = scheduler.settings.timezone
        backoff_base, backoff_max = scheduler.settings.backoff_base, scheduler.settings.backoff_max
    statuses = []
    for source in sources:
        last = runs.last_run(source.name)
        running = runs.running_run(source.name) if last is not None and last.outcome != "running" else None
        fellows = tuple(runs.frontier_runs(last.frontier)) if last is not None and last.frontier else ()
        backoff = _backoff(source, runs, now, backoff_base, backoff_max)
        after = max(now, backoff.until.replace(tzinfo=_UTC)) if backoff is not None else now
        statuses.append(SourceStatus(
            source=source.name,
            schedule=source.schedule,
            in_words=describe_schedule(source.schedule) if source.schedule else None,
            next_run=next_run(source.schedule, after, timezone) if source.schedule else None,
            backoff=backoff,
            last_run=last,
            running=running,
            empty_pages=(empty_pages or {}).get(source.name, 0),
            frontier_runs=fellows if len(fellows) > 1 else (),
            scheduler=scheduler,
        ))
    return statuses


def _backoff(source: Source, runs: RunLog, now: datetime, base: float, cap: float) -> SourceBackoff | None:
    """The source's backoff if it still holds at `now` (aware), else None."""
    if not source.schedule:
        return None
    backoff = SourceBackoff.from_runs(runs.finished_runs(source.name), base=base, cap=cap)
    if backoff.until is None or backoff.until.replace(tzinfo=timezone.utc) <= now:
        return None
    return backoff


def runs_lines(runs: list[CrawlRun]) -> list[str]:
    """The run log as aligned lines, a reason on its own line under its run.

    >>> run = CrawlRun(id=3, source="gov", trigger="schedule", outcome="failed", started_at=datetime(2026, 11, 2, 8, 0),
    ...                finished_at=datetime(2026, 11, 2, 8, 1), reason="no response from the site: timed out (4 attempts)",
    ...                **{name: 0 for name in RUN_COUNTS})
    >>> print("\\n".join(runs_lines([run])))  # doctest: +NORMALIZE_WHITESPACE
    id   source  trigger   started (UTC)        finished (UTC)       outcome      fetched  304  new  changed  unchanged  dup  gone  empty  errors  not html  left
    3    gov     schedule  2026-11-02 08:00:00  2026-11-02 08:01:00  failed             0    0    0        0          0    0     0      0       0         0     0
         reason: no response from the site: timed out (4 attempts)
    """
    width = max([len("source"), *(len(run.source) for run in runs)])
    counts_head = "  ".join(_COUNT_HEADS[name] for name in RUN_COUNTS)
    lines = [f"{'id':<4} {'source':<{width}}  {'trigger':<8}  {'started (UTC)':<19}  {'finished (UTC)':<19}  {'outcome':<11}  {counts_head}"]
    for run in runs:
        counts = "  ".join(f"{getattr(run, name) or 0:>{len(_COUNT_HEADS[name])}}" for name in RUN_COUNTS)
        lines.append(
            f"{run.id:<4} {run.source:<{width}}  {run.trigger:<8}  {_shown(run.started_at):<19}  "
            f"{_shown(run.finished_at):<19}  {run.outcome:<11}  {counts}"
        )
        if run.reason:
            lines.append(f"{'':<4} reason: {run.reason}")
        if run.frontier:
            lines.append(f"{'':<4} worker of frontier run {run.frontier}")
    return lines


def status_lines(statuses: list[SourceStatus]) -> list[str]:
    """Each source's block: its schedule, in words, next run, last run and outcome.

    >>> print("\\n".join(status_lines([SourceStatus("gov", None, None, None, None)])))
    gov
      schedule:  none (crawled only by hand)
      last run:  never
    """
    lines: list[str] = []
    if statuses and statuses[0].scheduler is not None:
        lines.append(statuses[0].scheduler.line())
    for status in statuses:
        lines.append(status.source)
        if status.schedule:
            lines.append(f"  schedule:  {status.schedule} ({status.in_words})")
            lines.append(f"  next run:  {_shown(status.next_run) + ' UTC' if status.next_run else 'never'}")
            if status.backoff is not None:
                lines.append(
                    f"  backoff:   {status.backoff.failures} failed crawl(s) in a row; scheduled times before "
                    f"{_shown(status.backoff.until)} UTC are skipped"
                )
        else:
            lines.append("  schedule:  none (crawled only by hand)")
        run = status.last_run
        if run is None:
            lines.append("  last run:  never")
            continue
        ended = f", finished {_shown(run.finished_at)} UTC" if run.finished_at and run.outcome != "skipped" else ""
        lines.append(f"  last run:  {run.id}, {run.trigger}, started {_shown(run.started_at)} UTC{ended}: {run.outcome}")
        if run.reason:
            lines.append(f"  reason:    {run.reason}")
        if status.running is not None:
            lines.append(f"  running:   {status.running.id}, started {_shown(status.running.started_at)} UTC")
        if status.frontier_runs:
            workers = status.frontier_runs
            lines.append(
                f"  workers:   {len(workers)} runs share frontier run {run.frontier} "
                f"({', '.join(f'{worker.id} {worker.outcome}' for worker in workers)}); counts are theirs added up"
            )
        if run.outcome != "skipped":
            shown = status.frontier_runs or (run,)

            def total(name: str) -> int:
                return sum(getattr(worker, name) or 0 for worker in shown)

            lines.append(
                f"  counts:    {total('pages_fetched')} fetched, {total('not_modified')} not modified, "
                f"{total('new_documents')} new, {total('new_versions')} changed, {total('empty')} empty, "
                f"{total('errors')} errors, {total('not_html')} not HTML"
            )
        if status.empty_pages:
            lines.append(
                f"  no text:   {status.empty_pages} page(s) stored without article text; "
                f"`dangan empty --source {status.source}` lists them"
            )
    return lines


def _shown(moment: datetime | None) -> str:
    """A time as shown in the tables: UTC to the second, ``-`` for none."""
    if moment is None:
        return "-"
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="seconds")


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
