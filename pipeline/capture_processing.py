"""`dangan process`: process the store's unprocessed captures, on any machine that reaches it.

A crawl run with ``--no-process`` (``DANGAN_PROCESS_LOCALLY=false``) only
captures: its article pages wait in the store, unprocessed. `process_captures`
is what takes them, from this machine or any other that can reach the
database and read the WARC root (`storage.warc_archive`):

- it claims a batch of unprocessed captures (`storage.capture_claims`: one
  processor per capture; a killed processor's claims lapse after
  ``DANGAN_PROCESS_LEASE`` and are taken over), never more than its
  `pipeline.workers.WorkerPool` has room for, so what it holds is what it is
  working on;
- its workers read each record by name from their own WARC archive and run
  the one processing path a crawl runs (`pipeline.workers.process_and_record`:
  `pipeline.process.process_page`, then `storage.versions.VersionStore.record`);
- it renews its claims every third of a lease while it works;
- when nothing is left it returns, or, with `follow`, waits
  ``DANGAN_PROCESS_FOLLOW_INTERVAL`` seconds and asks again until `stop` is set.

When `stop` is set (SIGTERM, Ctrl-C) it claims nothing more, lets its
workers finish and record what they hold, gives back any claim left, and
returns its summary: nothing is lost, nothing waits for a lease to lapse.

Example:
    >>> summary = process_captures(Store.open(None, "dangan-data"), workers=1)
    >>> summary.captures
    0
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from core import settings as defaults
from pipeline.workers import CaptureJob, JobResult, WorkerPool
from storage.capture_claims import PROCESS_ROLE, CaptureClaims, Claimant
from storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessSummary:
    """What one `process_captures` call did: captures processed, by outcome, and who did it."""

    processor: str
    captures: int
    new_documents: int
    new_versions: int
    unchanged: int
    duplicates: int
    empty: int
    errors: int
    stopped: bool = False


def process_captures(
    store: Store,
    *,
    source: str | None = None,
    workers: int | None = None,
    follow: bool = False,
    stop: threading.Event | None = None,
    lease: float = defaults.DANGAN_PROCESS_LEASE,
    follow_interval: float = defaults.DANGAN_PROCESS_FOLLOW_INTERVAL,
    queue_per_worker: int | None = None,
    on_result: Callable[[JobResult], None] | None = None,
) -> ProcessSummary:
    """Claim and process unprocessed captures (of `source`, or all) until none is left, or until `stop` with `follow`.

    Records read from `store.warc_root`; every result is recorded by the
    workers as a crawl's are, and `on_result` is called after each.
    """
    stop = stop or threading.Event()
    claims = CaptureClaims(store.db, Claimant.for_this_process(PROCESS_ROLE), lease=lease)
    renew_every = lease / 3
    log.info("%s: processing captures%s from %s", claims.claimant.name,
             f" of {source}" if source else "", store.warc_root)
    claimed = 0
    with WorkerPool(store.db, warc_root=store.warc_root, workers=workers, queue_per_worker=queue_per_worker,
                    on_result=on_result) as pool:
        renewed = time.monotonic()
        try:
            while not stop.is_set():
                room = pool.max_in_flight - pool.in_flight
                batch = claims.claim(room, source) if room > 0 else []
                for capture in batch:
                    # Never blocks: we claimed no more than there is room for.
                    pool.submit(CaptureJob.from_capture(capture))
                claimed += len(batch)
                if time.monotonic() - renewed >= renew_every:
                    claims.renew()
                    renewed = time.monotonic()
                if batch:
                    pool.collect(timeout=0)
                elif pool.in_flight:
                    # Wake for a finished job, or in time to renew the lease.
                    pool.collect(timeout=min(renew_every, 1.0))
                elif follow:
                    stop.wait(follow_interval)
                else:
                    break
            pool.drain()
        finally:
            # On a clean stop nothing is held; after an error, what was held goes back at once.
            claims.release()
        counts = pool.counts
    summary = ProcessSummary(
        processor=claims.claimant.name,
        captures=claimed,
        new_documents=counts["new_document"],
        new_versions=counts["new_version"],
        unchanged=counts["unchanged"],
        duplicates=counts["duplicate"],
        empty=counts["empty"],
        errors=counts["errors"],
        stopped=stop.is_set(),
    )
    log.info("%s: %s", claims.claimant.name, summary)
    return summary
