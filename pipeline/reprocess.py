"""`dangan reprocess`: run processing again over stored captures after the rules improve.

The bytes come back from the WARC files (read by the workers), go through the
same decode → extract → normalise → fingerprint stages as during a crawl, and
are recorded with ``reprocessed=True``: a text that changed becomes a new
version whose reason is "reprocess" (the rules changed, not the site), and a
text that did not change adds nothing (a version stored before display texts
were kept gets its display text, see migration 0004). A document stored as an
empty version (no text could be found) has that version filled in when the
new rules find its text (``filled``); ``empty`` counts pages still without text.

Each record is checked against the length and payload digest its capture row
holds before it is used: a record edited since it was written is reported
(`ReprocessSummary.failures`, with ``damaged`` set) and never versioned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from pipeline.workers import CaptureJob, JobResult, WorkerPool
from storage.display_texts import versions_in_comparison_form
from storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReprocessSummary:
    """The counts of a reprocess run, and the captures that failed (`JobResult`s with their error)."""

    captures: int
    new_documents: int
    new_versions: int
    unchanged: int
    duplicates: int
    filled: int
    empty: int
    errors: int
    failures: tuple[JobResult, ...] = ()
    #: Older versions (schema before 0004) given their display text back from their own capture,
    #: and those left in the comparison form because today's rules read different words there.
    display_restored: int = 0
    display_kept: int = 0

    @property
    def damaged(self) -> tuple[JobResult, ...]:
        """The failures whose WARC record did not match its stored digest."""
        return tuple(result for result in self.failures if result.damaged)


def reprocess_captures(
    store: Store,
    *,
    source: str | None = None,
    workers: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[JobResult], None] | None = None,
) -> ReprocessSummary:
    """Process again the newest capture of every document (of one source, or all).

    `on_start(total)` is called once the captures are chosen, `on_result` after
    each one is recorded, so a caller can draw progress.

    On a store with nothing captured yet for that source:

    >>> reprocess_captures(Store.open(None, "dangan-data"), source="xiangtan-gov", workers=1)
    ReprocessSummary(captures=0, new_documents=0, new_versions=0, unchanged=0, duplicates=0, filled=0, empty=0, errors=0, failures=(), display_restored=0, display_kept=0)
    """
    captures = store.captures.for_reprocess(source)
    if on_start is not None:
        on_start(len(captures))
    log.info("reprocessing %d captures%s", len(captures), f" of {source}" if source else "")
    failures: list[JobResult] = []

    def collect(result: JobResult) -> None:
        if result.error is not None:
            failures.append(result)
            log.warning("capture %d: %s", result.capture_id, result.error)
        if on_result is not None:
            on_result(result)

    with WorkerPool(store.db, warc_root=store.warc_root, workers=workers, on_result=collect) as pool:
        for capture in captures:
            pool.submit(CaptureJob.from_capture(capture, reprocessed=True))
        pool.drain()
        counts = pool.counts
    # Then the older versions of a store from before display texts (the pass above
    # restored the latest ones): each from the capture it was made from.
    restored: list[bool] = []

    def collect_restore(result: JobResult) -> None:
        if result.error is None:
            restored.append(result.restored)
        collect(result)

    remaining = versions_in_comparison_form(store.db, source)
    if remaining:
        log.info("giving %d older versions their display text", len(remaining))
        with WorkerPool(store.db, warc_root=store.warc_root, workers=workers, on_result=collect_restore) as pool:
            for version_id, capture in remaining:
                job = CaptureJob.from_capture(capture, reprocessed=True)
                pool.submit(replace(job, restore_version_id=version_id))
            pool.drain()
            counts["errors"] += pool.counts["errors"]
    return ReprocessSummary(
        captures=len(captures),
        new_documents=counts["new_document"],
        new_versions=counts["new_version"],
        unchanged=counts["unchanged"],
        duplicates=counts["duplicate"],
        filled=counts["filled"],
        empty=counts["empty"],
        errors=counts["errors"],
        failures=tuple(sorted(failures, key=lambda result: result.capture_id)),
        display_restored=sum(restored),
        display_kept=len(restored) - sum(restored),
    )
