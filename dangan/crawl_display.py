"""Rich progress displays around the crawl and reprocess library calls."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from core.sources import Source


def _counts_line(stats: dict[str, int]) -> str:
    return (
        f"{stats.get('dangan/captured', 0)} fetched · "
        f"{stats.get('dangan/new_document', 0)} new · "
        f"{stats.get('dangan/new_version', 0)} changed · "
        f"{stats.get('dangan/unchanged', 0)} unchanged · "
        f"{stats.get('dangan/errors', 0)} errors"
    )


def summary_line(summary) -> str:
    """The one line a crawl ends with, e.g. ``xiangtan-gov: 12 pages fetched, 9 new documents, …``."""
    return (
        f"{summary.source}: {summary.pages_fetched} pages fetched, {summary.new_documents} new documents, "
        f"{summary.new_versions} new versions, {summary.unchanged} unchanged, {summary.duplicates} duplicates, "
        f"{summary.gone} gone, {summary.errors} errors"
    )


def crawl_with_progress(sources: list[Source], *, db_url: str, data_dir: Path, console: Console, settings: dict | None = None):
    """Run `crawler.run.run_crawls` with a live progress line per source; print the summaries."""
    from crawler.run import run_crawls

    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    tasks = {
        source.name: progress.add_task(source.name, total=source.max_pages, counts=_counts_line({}))
        for source in sources
    }

    def on_progress(name: str, stats: dict[str, int]) -> None:
        task = tasks.get(name)
        if task is not None:
            progress.update(task, completed=stats.get("dangan/captured", 0), counts=_counts_line(stats))

    with progress:
        summaries = run_crawls(sources, db_url=db_url, data_dir=data_dir, settings=settings, on_progress=on_progress)
        for summary in summaries:
            task = tasks[summary.source]
            progress.update(task, total=summary.pages_fetched or 1, completed=summary.pages_fetched or 1)
    for summary in summaries:
        console.print(summary_line(summary), highlight=False, soft_wrap=True)
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
        f"{summary.duplicates} duplicates, {summary.errors} errors",
        highlight=False,
    )
    return summary
