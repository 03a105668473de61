"""The `dangan` command line: thin commands over the library.

Each command parses its arguments, calls one library function, and turns a
`DanganError` into a message on stderr and exit code 1. The work itself lives
in `crawler`, `pipeline` and `storage`, where it can be used and tested
without the command line.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from core import settings as defaults
from core.errors import DanganError
from dangan.export_files import ExportFormat

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="dangan (档案): crawl, archive and clean Chinese government and media pages.",
)
sources_app = typer.Typer(no_args_is_help=True, help="Inspect the sources file.")
app.add_typer(sources_app, name="sources")

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", envvar="DANGAN_DB", help="SQLAlchemy URL of the store. Default: sqlite in the data folder."),
]
DataDirOption = Annotated[
    Path,
    typer.Option("--data-dir", envvar="DANGAN_DATA_DIR", help="Folder for WARC files and the default SQLite store."),
]
ConfigOption = Annotated[
    Path,
    typer.Option("--config", "-c", envvar="DANGAN_SOURCES_FILE", help="The sources file (TOML)."),
]

DEFAULT_DATA_DIR = Path(defaults.DANGAN_DATA_DIR)
DEFAULT_SOURCES_FILE = Path(defaults.DANGAN_SOURCES_FILE)


class RunTrigger(str, Enum):
    """What started a crawl (`storage.runs.RUN_TRIGGERS`)."""

    manual = "manual"
    schedule = "schedule"


def _fail(error: Exception) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def _open_store(db: str | None, data_dir: Path):
    from storage.store import Store

    return Store.open(db, data_dir)


def _open_existing_store(db: str | None, data_dir: Path):
    """The store, opened for reading only: the reading commands never create one (see storage.readonly)."""
    from storage.store import Store

    return Store.open_existing(db, data_dir)


def _parse_at(value: str | None) -> datetime | None:
    """A moment for --at, naive UTC; a bare date means the end of that day (the version live that day)."""
    if value is None:
        return None
    moment = _parse_since(value)
    if moment is not None and len(value.strip()) == 10:
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    return moment


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO time; write it like 2026-11-01 or 2026-11-01T08:00")
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _parse_settings(pairs: list[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"{pair!r} is not NAME=VALUE, e.g. --set DOWNLOAD_DELAY=2")
        settings[name.strip()] = value.strip()
    return settings


@app.callback()
def _configure(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what the library does.")] = False,
) -> None:
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    # The level goes on the handler too: Scrapy sets its own loggers to DEBUG
    # when a crawl starts, and records from a logger set lower than the root
    # reach the root's handler all the same (its "Scrapy started" and
    # versions lines were printed over the progress display).
    for handler in logging.root.handlers:
        handler.setLevel(level)


@app.command()
def crawl(
    names: Annotated[Optional[list[str]], typer.Argument(help="Source names from the sources file.")] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="Crawl every source in the file.")] = False,
    config: ConfigOption = DEFAULT_SOURCES_FILE,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
    overrides: Annotated[
        Optional[list[str]],
        typer.Option("--set", "-s", help="A Scrapy or DANGAN_* setting for this crawl, as NAME=VALUE (repeatable)."),
    ] = None,
    trigger: Annotated[
        RunTrigger, typer.Option("--trigger", help="What started this crawl, kept on its run record.")
    ] = RunTrigger.manual,
    no_process: Annotated[
        bool, typer.Option("--no-process", help="Only capture: leave the article pages for `dangan process`.")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Crawl processes to start on this machine, sharing each "
                          "source's frontier through Redis (needs DANGAN_REDIS_URL when more than 1).")
    ] = 1,
    redis: Annotated[
        Optional[str],
        typer.Option("--redis", envvar="DANGAN_REDIS_URL", help="Redis URL of the shared frontier "
                     "(redis://host:6379/0): this crawl joins each source's crawl there. Default: none, "
                     "a frontier of this process's own."),
    ] = None,
    summary_json: Annotated[
        Optional[Path], typer.Option("--summary-json", hidden=True, help="Also write the summaries here, as JSON.")
    ] = None,
) -> None:
    """Crawl sources: capture every page to WARC, then extract and version the articles.

    Exits with 1 if any source's crawl failed (no page got an answer); `dangan runs --failed` says why.
    With --no-process (or --set DANGAN_PROCESS_LOCALLY=false) the articles are captured only,
    and `dangan process`, here or on another machine, extracts and versions them.

    Example: dangan crawl xiangtan-gov --set CONCURRENT_REQUESTS_PER_DOMAIN=2

    Example: DANGAN_REDIS_URL=redis://127.0.0.1:6379/0 dangan crawl xiangtan-gov --workers 4
    """
    from dangan.crawl_process import stop_once_on_hangup

    # SIGHUP (a scheduler that died, a closed terminal) stops the crawl cleanly, as Ctrl-C does.
    stop_once_on_hangup()

    # The processing workers' server is started by the crawl itself, only when
    # it has pages to process (crawler.processing.ProcessingPipeline.open_spider).
    from dangan.crawl_display import crawl_with_progress
    from core.sources import find_source, load_sources

    try:
        sources = load_sources(config)
        if all_sources:
            chosen = sources
        elif names:
            chosen = [find_source(sources, name) for name in names]
        else:
            raise typer.BadParameter("name at least one source, or pass --all")
        settings = _parse_settings(overrides or [])
        if no_process:
            settings["DANGAN_PROCESS_LOCALLY"] = "false"
        redis_url = settings.pop("DANGAN_REDIS_URL", None) or redis
        if workers > 1:
            summaries = _crawl_with_workers(
                [source.name for source in chosen], count=workers, config=config, db_url=defaults.database_url(db, data_dir),
                data_dir=data_dir, redis_url=redis_url, settings=settings, trigger=trigger.value,
            )
        else:
            if redis_url:
                settings["DANGAN_REDIS_URL"] = redis_url
            summaries = crawl_with_progress(
                chosen, db_url=defaults.database_url(db, data_dir), data_dir=data_dir, console=console,
                settings=settings, trigger=trigger.value,
            )
    except DanganError as error:
        raise _fail(error)
    if summary_json is not None:  # for the `--workers` process that started this one
        from dangan.crawl_workers import summary_rows

        summary_json.write_text(json.dumps(summary_rows(summaries)), encoding="utf-8")
    failed = [summary for summary in summaries if summary.failed]
    if failed:
        names = ", ".join(summary.source for summary in failed)
        # A full disk says what to do itself; the reachability hint would mislead.
        hint = "" if (failed[0].reason or "").startswith("disk full") else (
            " Check the start URLs can be reached from this machine;")
        raise _fail(DanganError(
            f"the crawl of {names} failed: {failed[0].reason}.{hint} "
            "`dangan runs --failed` lists failed runs."
        ))
    if any(summary.errors for summary in summaries):
        err_console.print(
            "Some pages could not be fetched or processed; `dangan --verbose crawl …` logs why, "
            "and the captures are kept for `dangan reprocess`."
        )


def _crawl_with_workers(names: list[str], *, count: int, config: Path, db_url: str, data_dir: Path,
                        redis_url: str | None, settings: dict[str, str], trigger: str):
    """`dangan crawl --workers N`: start the workers, print one combined summary per source, and any worker that died."""
    from dangan.crawl_display import summary_line
    from dangan.crawl_workers import run_crawl_workers

    console.print(f"Crawling {', '.join(names)} with {count} worker processes sharing the frontier in Redis; "
                  f"their logs are in {data_dir / 'logs'}.", highlight=False, soft_wrap=True)
    summaries, ends = run_crawl_workers(
        names, count=count, config=config, db_url=db_url, data_dir=data_dir, redis_url=redis_url,
        settings=settings, trigger=trigger,
    )
    for summary in summaries:
        console.print(summary_line(summary), highlight=False, soft_wrap=True)
        if summary.reason:
            style = "bold red" if summary.failed else "yellow"
            console.print(f"  [{style}]{summary.outcome}:[/] {escape(summary.reason)}", highlight=False, soft_wrap=True)
    lost = [end for end in ends if not end.summaries]
    for end in lost:
        err_console.print(
            f"worker {end.number} (pid {end.pid}) ended with exit code {end.returncode} and no summary; "
            f"the requests it held went back to the frontier. Its log: {end.log_path}",
            highlight=False, soft_wrap=True,
        )
    if lost and not any(summary.failed for summary in summaries):
        raise DanganError(f"{len(lost)} of {count} crawl workers ended without finishing; see their logs.")
    return summaries


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="HTML files or http(s) URLs.")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per input.")] = False,
) -> None:
    """Decode and extract pages as a crawl would, without storing anything.

    Example: dangan extract --jsonl page.html http://www.example.gov.cn/art/2022/3/25/art_1.html
    """
    from dangan.page_input import read_and_extract
    from dangan.terminal_text import for_terminal

    failed = False
    for item in inputs:
        try:
            result = read_and_extract(item)
        except DanganError as error:
            err_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
            failed = True
            continue
        if jsonl:
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            console.rule(escape(for_terminal(result["title"] or item)))
            for field, value in result.items():
                if field not in ("title", "text"):  # the title heads the output, the text ends it
                    console.print(f"[bold]{field}:[/] {escape(for_terminal(str(value)))}", highlight=False)
            console.print()
            console.print(for_terminal(result["text"]), highlight=False, markup=False)
        if not result["text"]:
            # Shown all the same (its metadata may be what the user is checking), but a crawl would not store it.
            err_console.print(
                f"[yellow]note:[/] {escape(item)}: no article text found; a crawl stores this page as an empty version",
                highlight=False, soft_wrap=True,
            )
    if failed:
        raise typer.Exit(code=1)


WarcRootOption = Annotated[
    Optional[Path],
    typer.Option("--warc-root", envvar="DANGAN_WARC_ROOT",
                 help="Folder the WARC records are read from (the one holding warc/). Default: the data folder."),
]


@app.command()
def process(
    source: Annotated[Optional[str], typer.Option("--source", help="Only this source's captures.")] = None,
    workers: Annotated[
        Optional[int], typer.Option("--workers", min=1, help="Worker processes. Default: one per core.")
    ] = None,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep waiting for new captures until stopped (SIGTERM, Ctrl-C).")
    ] = False,
    lease: Annotated[
        float, typer.Option("--lease", envvar="DANGAN_PROCESS_LEASE", min=1.0,
                            help="Seconds a claim on a capture lasts unless renewed.")
    ] = defaults.DANGAN_PROCESS_LEASE,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
    warc_root: WarcRootOption = None,
) -> None:
    """Extract and version the captures no one has processed yet, on this machine or any other.

    Runs next to crawls started with `dangan crawl --no-process`, on any machine that reaches
    the store (--db) and reads the WARC files (--warc-root). Each capture is claimed by one
    processor; a processor that was killed has its captures taken over once its lease lapses.
    SIGTERM or Ctrl-C: no new captures are taken, those in hand are finished, then it exits.

    Example: dangan process --db postgresql+psycopg://archive@db/dangan --warc-root /mnt/dangan --follow
    """
    import signal
    import threading

    from pipeline.capture_processing import process_captures
    from storage.store import Store

    stop = threading.Event()

    def stop_cleanly(signum: int, _frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: stop at once
        logging.getLogger("dangan.process").warning(
            "%s: finishing the captures in hand, then stopping", signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop_cleanly)
    try:
        store = Store.open(db, data_dir, warc_root)
        try:
            summary = process_captures(store, source=source, workers=workers, follow=follow, stop=stop, lease=lease)
        finally:
            store.close()
    except DanganError as error:
        raise _fail(error)
    console.print(
        f"processed {summary.captures} captures: {summary.new_documents} new documents, "
        f"{summary.new_versions} new versions, {summary.unchanged} unchanged, {summary.duplicates} duplicates, "
        f"{summary.empty} empty, {summary.errors} errors",
        highlight=False,
    )
    if summary.errors:
        err_console.print(
            "Some captures could not be processed; `dangan --verbose process …` logs why, "
            "and `dangan reprocess` tries them again."
        )


@app.command()
def reprocess(
    source: Annotated[Optional[str], typer.Option("--source", help="Only this source's captures.")] = None,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
    warc_root: WarcRootOption = None,
) -> None:
    """Run decode, extract and versioning again over stored captures (after the rules improve).

    A changed text becomes a new version marked "reprocess"; the same text changes nothing.
    Each capture's WARC record is checked against its digest first: one that fails is
    reported, never used, and makes the command exit with 1.

    Example: dangan reprocess --source xiangtan-gov
    """
    from dangan.crawl_display import reprocess_with_progress
    from storage.store import Store

    try:
        summary = reprocess_with_progress(Store.open(db, data_dir, warc_root), source=source, console=console)
    except DanganError as error:
        raise _fail(error)
    if summary.damaged:
        raise _fail(DanganError(
            f"{len(summary.damaged)} capture(s) failed their digest check and were not used; "
            "their WARC records changed since they were written. `dangan verify` lists every damaged record."
        ))


@app.command()
def verify(
    source: Annotated[Optional[str], typer.Option("--source", help="Only this source's captures and versions.")] = None,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Re-read every WARC record the store points at and re-hash every stored text; exit 1 if any fails.

    Each missing, unreadable or altered record or text is listed with its document and version.

    Example: dangan verify --source xiangtan-gov
    """
    from dangan.verify_display import verify_with_progress

    try:
        store = _open_existing_store(db, data_dir)
        _check_source(store.versions, source)
        report = verify_with_progress(store, source=source, console=console, err_console=err_console)
    except DanganError as error:
        raise _fail(error)
    if not report.ok:
        raise typer.Exit(code=1)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl, csv or parquet.")] = ExportFormat.jsonl,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Every version, not only the latest.")] = False,
    source: Annotated[Optional[str], typer.Option("--source", help="Only this source.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Only versions seen at or after this ISO time (UTC unless it says).")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Only versions first seen before this ISO time.")] = None,
    after: Annotated[Optional[str], typer.Option("--after", help="The change feed: what was recorded after this cursor (0: from the start).")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="With --after: at most this many changes.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Write the cleaned texts with their provenance, or the changes after a cursor (--after).

    Example: dangan export --format parquet --source xiangtan-gov --since 2026-11-01 -o notices.parquet
    """
    from dangan.export_files import write_file, write_rows
    from storage.change_feed import FEED_COLUMNS, iter_changes
    from storage.export_rows import EXPORT_COLUMNS, export_rows

    if after is not None and (all_versions or since or until):
        raise typer.BadParameter("--after reads the change feed; --all-versions, --since and --until do not apply to it")
    if limit is not None and after is None:
        raise typer.BadParameter("--limit applies to the change feed: use it with --after")
    if fmt is ExportFormat.parquet and output is None:
        raise typer.BadParameter("Parquet is a binary file: give --output PATH")
    window = {"since": _parse_since(since), "until": _parse_since(until)}
    try:
        store = _open_existing_store(db, data_dir)
        _check_source(store.versions, source)
        if after is not None:
            rows = feed = iter_changes(store.db, after, source=source, limit=limit)
            columns = FEED_COLUMNS
        else:
            rows = export_rows(store.db, all_versions=all_versions, source=source, **window)
            columns = EXPORT_COLUMNS
        if output is not None:
            count = write_file(rows, columns, fmt, output)
        else:
            count = write_rows(rows, columns, fmt, sys.stdout)
            sys.stdout.flush()
    except DanganError as error:
        raise _fail(error)
    if output is not None:
        err_console.print(f"{count} records written to {output}", highlight=False)
    if after is not None:
        # Only now, with every row written: a tool that keeps this cursor has all before it.
        if output is not None:
            sys.stdout.write(feed.next_cursor + "\n")
        else:
            err_console.print(f"next cursor: {feed.next_cursor}", highlight=False)


def _check_source(versions, source: str | None) -> None:
    """A --source that names nothing in the store is a mistake to say, not an empty answer."""
    if source is None:
        return
    known = versions.sources()
    if source not in known:
        raise DanganError(
            f"the store holds no source named {source!r}; it holds: {', '.join(known) or 'nothing yet'}."
        )


@app.command()
def history(
    url: Annotated[str, typer.Argument(help="The document's URL (canonicalised as the crawl does).")],
    at: Annotated[Optional[str], typer.Option("--at", help="Mark the version live at this ISO date or time (UTC).")] = None,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """List a document's status and versions: when each was seen, why it was made, and the captures behind it.

    Example: dangan history http://www.example.gov.cn/art/2022/3/25/art_1.html --at 2026-11-20
    """
    from dangan.history_view import history_lines

    moment = _parse_at(at)
    try:
        found = _open_existing_store(db, data_dir).versions.document_history(url)
        live = found.live_at(moment).number if moment is not None else None
    except DanganError as error:
        raise _fail(error)
    sys.stdout.write("\n".join(history_lines(found, live_at=(moment, live) if live else None)) + "\n")


@app.command()
def show(
    url: Annotated[str, typer.Argument(help="The document's URL (canonicalised as the crawl does).")],
    version: Annotated[Optional[int], typer.Option("--version", "-n", help="Version number; the latest by default.")] = None,
    at: Annotated[Optional[str], typer.Option("--at", help="The version live at this ISO date or time (UTC).")] = None,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Print the text of one version of a document: the latest, a number, or the one live on a day.

    Example: dangan show http://www.example.gov.cn/art/2022/3/25/art_1.html --at 2026-11-20
    """
    from dangan.terminal_text import for_terminal

    if version is not None and at is not None:
        raise _fail(DanganError("give --version or --at, not both"))
    try:
        detail = _open_existing_store(db, data_dir).versions.show(url, version, at=_parse_at(at))
    except DanganError as error:
        raise _fail(error)
    sys.stdout.write(for_terminal(detail.article.text) + "\n")


@app.command()
def diff(
    url: Annotated[str, typer.Argument(help="The document's URL (canonicalised as the crawl does).")],
    a: Annotated[Optional[int], typer.Argument(help="Older version number (alone: against the latest).")] = None,
    b: Annotated[Optional[int], typer.Argument(help="Newer version number.")] = None,
    side_by_side: Annotated[bool, typer.Option("--side-by-side", "-y", help="The two versions in two columns.")] = False,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Show what changed between two versions of a document (the last two by default), inside lines too.

    Example: dangan diff http://www.example.gov.cn/art/2022/3/25/art_1.html 1 2 --side-by-side
    """
    from dangan.diff_view import print_diff

    try:
        found = _open_existing_store(db, data_dir).versions.diff(url, a, b)
    except DanganError as error:
        raise _fail(error)
    print_diff(console, found, side_by_side=side_by_side)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="Port to listen on.")] = 8700,
    access_log: Annotated[bool, typer.Option("--access-log", help="Log every request.")] = False,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Serve the archive read-only: the JSON API under /api (schema at /openapi.json) and the web view at /.

    Example: dangan serve --data-dir /srv/dangan --port 8700
    """
    from web.server import serve as run_server

    try:
        store = _open_existing_store(db, data_dir)
    except DanganError as error:
        raise _fail(error)
    err_console.print(f"Serving the archive on http://{host}:{port}/ (Ctrl-C stops it)")
    run_server(store, host, port, access_log=access_log)


@app.command()
def family(
    url: Annotated[str, typer.Argument(help="The document's URL.")],
    diffs: Annotated[bool, typer.Option("--diff/--no-diff", help="Show each copy's diff against the canonical one.")] = True,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """List the copies of a document's text (reposts, other scripts) with their similarity and diffs.

    Example: dangan family http://www.example.gov.cn/art/2022/3/25/art_1.html --no-diff
    """
    from dangan.family_report import print_family

    try:
        view = _open_existing_store(db, data_dir).versions.family(url)
    except DanganError as error:
        raise _fail(error)
    print_family(console, view, diffs=diffs)


@app.command()
def runs(
    source: Annotated[Optional[str], typer.Option("--source", help="Only this source's runs.")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Only failed runs.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many runs, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, for tools.")] = False,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """List crawl runs, newest first: trigger, start and end, outcome, counts, and why a run failed.

    Example: dangan runs --source xiangtan-gov --failed --limit 5
    """
    from dangan.run_status import runs_lines
    from storage.runs import run_as_dict

    try:
        found = _open_store(db, data_dir).run_log.runs(source=source, failed_only=failed, limit=limit)
    except DanganError as error:
        raise _fail(error)
    if as_json:
        sys.stdout.write(json.dumps([run_as_dict(run) for run in found], ensure_ascii=False, indent=2) + "\n")
    elif found:
        sys.stdout.write("\n".join(runs_lines(found)) + "\n")
    else:
        err_console.print("No runs recorded" + (" that match" if source or failed else "") + ".")


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, for tools.")] = False,
    config: ConfigOption = DEFAULT_SOURCES_FILE,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
    overrides: Annotated[
        Optional[list[str]],
        typer.Option(
            "--set", "-s",
            help="A DANGAN_SCHEDULE_* setting to work next runs out with, over the scheduler's, as NAME=VALUE (repeatable).",
        ),
    ] = None,
) -> None:
    """Show each source of the sources file: its schedule, in words too, next run, last run and its outcome.

    Next runs and backoffs are worked out with the settings the data folder's
    scheduler runs with (it records them when it starts; the defaults if none
    has run), or with the DANGAN_SCHEDULE_* settings given with --set.
    Schedules are read in the machine's local time, as cron reads them (or in
    DANGAN_SCHEDULE_TIMEZONE); times are shown in UTC.

    Example: dangan status --config sources.toml --set DANGAN_SCHEDULE_BACKOFF_BASE=600
    """
    from core.sources import load_sources
    from dangan.run_status import SchedulerView, source_status, status_lines
    from dangan.schedule_record import recorded_settings
    from dangan.schedule_settings import SCHEDULE_SETTINGS
    from storage.empty_pages import empty_counts

    try:
        given = _parse_settings(overrides or [])
        others = sorted(set(given) - set(SCHEDULE_SETTINGS))
        if others:
            raise typer.BadParameter(
                f"status takes only the scheduler's settings ({', '.join(SCHEDULE_SETTINGS)}), not {', '.join(others)}",
                param_hint="--set",
            )
        scheduler = SchedulerView.of(recorded_settings(data_dir), given)
        sources = load_sources(config)
        store = _open_store(db, data_dir)
        statuses = source_status(
            sources, store.run_log, now=datetime.now(timezone.utc),
            empty_pages=empty_counts(store.db), scheduler=scheduler,
        )
    except DanganError as error:
        raise _fail(error)
    if as_json:
        sys.stdout.write(json.dumps([item.as_dict() for item in statuses], ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(status_lines(statuses)) + "\n")


@app.command()
def empty(
    source: Annotated[Optional[str], typer.Option("--source", help="Only this source's pages.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, for tools.")] = False,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """List article pages stored without text (no article text could be found), and why.

    `dangan reprocess` fills them in once the extraction rules find their text.

    Example: dangan empty --source xiangtan-gov
    """
    from dangan.empty_report import empty_lines
    from storage.empty_pages import empty_pages

    try:
        found = empty_pages(_open_store(db, data_dir).db, source)
    except DanganError as error:
        raise _fail(error)
    if as_json:
        sys.stdout.write(json.dumps([page.as_dict() for page in found], ensure_ascii=False, indent=2) + "\n")
    elif found:
        sys.stdout.write("\n".join(empty_lines(found)) + "\n")
    else:
        err_console.print("No article page is stored without text" + (f" for {source}" if source else "") + ".")


@app.command()
def schedule(
    config: ConfigOption = DEFAULT_SOURCES_FILE,
    db: DbOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
    reload: Annotated[
        bool,
        typer.Option("--reload", help="Have the scheduler running for this data folder re-read the sources file, then exit."),
    ] = False,
    overrides: Annotated[
        Optional[list[str]],
        typer.Option(
            "--set", "-s",
            help="A DANGAN_SCHEDULE_* setting, or a setting for every crawl, as NAME=VALUE (repeatable).",
        ),
    ] = None,
) -> None:
    """Run each source's crawl on its schedule (a crontab line in the sources file) until stopped.

    Each crawl is a `dangan crawl` process of its own; the jobs are kept in the
    store's database, so a restart keeps them. SIGHUP or `dangan schedule
    --reload` re-reads the sources file; SIGTERM or Ctrl-C stops running
    crawls cleanly, then the scheduler.

    Example: dangan schedule --config sources.toml --data-dir /srv/dangan --set DANGAN_SCHEDULE_MAX_CRAWLS=3
    """
    from dangan.schedule_settings import ScheduleSettings
    from dangan.scheduler import CrawlScheduler
    from dangan.scheduler_lock import reload_scheduler

    try:
        if reload:
            pid = reload_scheduler(data_dir)
            console.print(f"Sent SIGHUP to the scheduler (pid {pid}): it re-reads its sources file now.", highlight=False)
            return
        settings, crawl_settings = ScheduleSettings.from_overrides(_parse_settings(overrides or []))
        if logging.root.level > logging.INFO:
            # A scheduler is a service: what it starts, skips and why is its output,
            # without --verbose. APScheduler's and Alembic's own lines stay for --verbose.
            for chatty in ("apscheduler", "alembic"):
                logging.getLogger(chatty).setLevel(logging.WARNING)
            logging.root.setLevel(logging.INFO)
            for handler in logging.root.handlers:
                handler.setLevel(logging.INFO)
        with _open_store(db, data_dir) as store:
            CrawlScheduler(config=config, store=store, settings=settings, crawl_settings=crawl_settings).run()
    except DanganError as error:
        raise _fail(error)


@sources_app.command("list")
def sources_list(config: ConfigOption = DEFAULT_SOURCES_FILE) -> None:
    """Check the sources file and list its sources.

    Example: dangan sources list --config sources.toml
    """
    from rich.table import Table

    from core.sources import load_sources

    try:
        sources = load_sources(config)
    except DanganError as error:
        raise _fail(error)
    table = Table("name", "start urls", "article urls", "max pages", "schedule")
    for source in sources:
        table.add_row(
            source.name,
            "\n".join(source.start_urls),
            "\n".join(pattern.pattern for pattern in source.article_urls),
            str(source.max_pages or ""),
            source.schedule or "",
        )
    console.print(table)


@app.command()
def demo(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where the demo store goes.")] = Path("dangan-demo"),
) -> None:
    """Serve a small bundled site on 127.0.0.1, crawl it into a fresh SQLite store, and say where it went.

    Needs no internet. Example: dangan demo --data-dir /tmp/dangan-demo
    """
    from dangan.demo import run_demo

    try:
        run_demo(data_dir, console=console)
    except DanganError as error:
        raise _fail(error)


def main() -> None:
    # Scrapy's and Twisted's own logging go through `logging` too; keep the console quiet by default.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    try:
        app()
    finally:
        # The process ends next. Interpreter shutdown runs full garbage collections
        # over every module and object still alive, a quarter to half a second after
        # a crawl (bench.recrawl_bench): frozen, they are skipped, and the operating
        # system frees the memory as it would anyway.
        gc.freeze()


if __name__ == "__main__":
    main()
