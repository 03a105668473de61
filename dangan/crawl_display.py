"""Rich progress displays around the crawl and reprocess library calls.

A crawl does not know how many pages it will fetch: the site tells it as it
goes. So the crawl's bar is measured against the requests queued so far
(Scrapy's ``scheduler/enqueued``), which grows while links are found, and
done means taken from that queue (``scheduler/dequeued``); next to it, the
pages fetched per second over the last few seconds. (Measured against
``max_pages`` instead, a 441-page crawl sat near 22% of 2,000 and then
jumped to done.)
"""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from core.sources import Source
from dangan.terminal_text import for_terminal

#: Seconds of history the displayed rate is averaged over: long enough to be
#: steady through a slow page, short enough to show a site slowing down.
RATE_WINDOW = 10.0


class PageRate:
    """Pages per second over the last `window` seconds, from running totals.

    >>> rate = PageRate(window=10.0)
    >>> rate.update(0.0, 0), rate.update(2.0, 10), rate.update(4.0, 30)
    (0.0, 5.0, 7.5)
    >>> rate.update(14.0, 40)   # the samples from before 4.0 are out of the window
    1.0
    """

    def __init__(self, window: float = RATE_WINDOW) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def update(self, now: float, pages: int) -> float:
        """Note `pages` fetched in all at time `now` (seconds, any monotonic clock); return the rate."""
        self._samples.append((now, pages))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window:
            self._samples.popleft()
        first_time, first_pages = self._samples[0]
        elapsed = now - first_time
        return (pages - first_pages) / elapsed if elapsed > 0 else 0.0


def progress_line(stats: dict[str, int], rate: float) -> str:
    """The live line of one crawl: queue, rate and counts (the summary line has them all at the end).

    >>> progress_line({"scheduler/enqueued": 120, "scheduler/dequeued": 80, "dangan/captured": 75,
    ...                "dangan/new_document": 30, "dangan/fetch_failed": 1}, 6.25)
    '80/120 queued · 6.2 pages/s · 75 fetched · 30 new · 0 changed · 1 errors'
    """
    return (
        f"{stats.get('scheduler/dequeued', 0)}/{stats.get('scheduler/enqueued', 0)} queued · "
        f"{rate:.1f} pages/s · "
        f"{stats.get('dangan/captured', 0)} fetched · "
        f"{stats.get('dangan/new_document', 0)} new · "
        f"{stats.get('dangan/new_version', 0)} changed · "
        f"{stats.get('dangan/errors', 0) + stats.get('dangan/fetch_failed', 0)} errors"
    )


def summary_line(summary) -> str:
    """The line a crawl ends with, e.g. ``xiangtan-gov: ok: 12 pages fetched, 0 not modified, 9 new documents, …``."""
    return (
        f"{summary.source}: {summary.outcome}: {summary.pages_fetched} pages fetched, "
        f"{summary.not_modified} not modified, {summary.new_documents} new documents, "
        f"{summary.new_versions} new versions, {summary.unchanged} unchanged, {summary.duplicates} duplicates, "
        f"{summary.gone} gone, {summary.empty} empty, {summary.errors} errors, {summary.not_html} not HTML"
        # Said only when there are some: a crawl that processes its own pages leaves none.
        + (f", {summary.left_for_processing} left for `dangan process`" if summary.left_for_processing else "")
    )


def crawl_with_progress(
    sources: list[Source], *, db_url: str, data_dir: Path, console: Console,
    settings: dict | None = None, trigger: str = "manual",
):
    """Run `crawler.run.run_crawls` with a live progress line per source; print the summaries.

    A source whose crawl failed gets its reason printed under its summary.
    """
    from crawler.run import run_crawls

    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=20),
        TextColumn("{task.fields[line]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    tasks = {
        source.name: progress.add_task(source.name, total=None, line="starting")
        for source in sources
    }
    rates = {source.name: PageRate() for source in sources}

    def on_progress(name: str, stats: dict[str, int]) -> None:
        task = tasks.get(name)
        if task is None:
            return
        queued = stats.get("scheduler/enqueued", 0)
        rate = rates[name].update(time.monotonic(), stats.get("dangan/captured", 0))
        progress.update(
            task, total=queued or None, completed=stats.get("scheduler/dequeued", 0), line=progress_line(stats, rate)
        )

    with progress:
        summaries = run_crawls(
            sources, db_url=db_url, data_dir=data_dir, settings=settings, on_progress=on_progress, trigger=trigger
        )
        for summary in summaries:
            # Done is done, whatever was still queued when max_pages stopped the crawl.
            task = tasks[summary.source]
            total = next(shown.total for shown in progress.tasks if shown.id == task) or 1
            progress.update(task, total=total, completed=total)
    for summary in summaries:
        console.print(summary_line(summary), highlight=False, soft_wrap=True)
        if summary.reason:
            style = "bold red" if summary.failed else "yellow"
            console.print(f"  [{style}]{summary.outcome}:[/] {escape(summary.reason)}", highlight=False, soft_wrap=True)
    return summaries


def reprocess_with_progress(store, *, source: str | None, console: Console):
    """Run `pipeline.reprocess.reprocess_captures` with a progress bar; print the summary."""
    from pipeline.reprocess import reprocess_captures

    progress = Progress(
        SpinnerColumn(), TextColumn("[bold]reprocess"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=console,
    )
    task = progress.add_task("reprocess", total=None)
    with progress:
        summary = reprocess_captures(
            store,
            source=source,
            on_start=lambda total: progress.update(task, total=total),
            on_result=lambda _result: progress.advance(task),
        )
    console.print(
        f"reprocessed {summary.captures} captures: {summary.new_versions} new versions, "
        f"{summary.unchanged} unchanged, {summary.new_documents} new documents, "
        f"{summary.duplicates} duplicates, {summary.filled} empty versions filled in, "
        f"{summary.empty} still empty, {summary.errors} errors",
        highlight=False,
    )
    if summary.display_restored or summary.display_kept:
        console.print(
            f"older versions given their display text: {summary.display_restored}"
            + (f" ({summary.display_kept} kept as stored: today's rules read other words in their capture)"
               if summary.display_kept else ""),
            highlight=False,
        )
    for failure in summary.failures:
        label = "damaged" if failure.damaged else "failed"
        console.print(f"  {label}: capture {failure.capture_id}: {for_terminal(failure.error or '')}",
                      highlight=False, markup=False, soft_wrap=True)
    return summary
