"""``dangan verify``: prove that what the store holds is what the servers sent, and that no text was altered.

Two checks, over every capture and every version of a store (or of one source):

- each capture's WARC record (responses and revisit records alike) is read
  back from its file at its offset and length, decompressed, and its block
  digest and payload digest recomputed (`storage.warc_records.verify_capture`):
  a missing file, a record cut short, bytes that are not gzip, or a digest that
  differs is a `Problem`;
- each version's stored text is hashed again (`pipeline.fingerprint.text_sha256`,
  the hash versioning made) and compared with its `text_sha256`.

Every problem names the document and version it touches, so an archivist
knows which part of the history can no longer be proved. Nothing is written:
the store is read in batches, each in its own short transaction.

Example, on an empty store:
    >>> verify_store(Store.open(None, "dangan-data"))
    VerifyReport(captures=0, versions=0, problems=())
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select

from core.errors import WarcIntegrityError
from pipeline.fingerprint import text_sha256
from storage.models import Capture, Document, Version
from storage.store import Store
from storage.warc_records import verify_capture

log = logging.getLogger(__name__)

_BATCH = 500


@dataclass(frozen=True)
class Problem:
    """One thing that failed verification.

    `kind` is ``capture`` (a WARC record missing, unreadable or altered) or
    ``text`` (a stored text whose hash is not the one recorded). `url` and
    `version` say which document and version it touches (None for a capture
    no version came from, such as a listing page).
    """

    kind: str
    url: str | None
    version: int | None
    capture_id: int | None
    detail: str

    def describe(self) -> str:
        """One line for a person: what, where, and what is wrong."""
        where = self.url or "no document"
        if self.version is not None:
            where += f" v{self.version}"
        if self.kind == "capture":
            return f"capture {self.capture_id} ({where}): {self.detail}"
        return f"text of {where}: {self.detail}"


@dataclass(frozen=True)
class VerifyReport:
    """How many captures and versions were checked, and what failed."""

    captures: int
    versions: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """The summary line ``dangan verify`` ends with."""
        damaged = sum(1 for p in self.problems if p.kind == "capture")
        altered = sum(1 for p in self.problems if p.kind == "text")
        verdict = "all intact" if self.ok else f"{damaged} damaged captures, {altered} altered texts"
        return f"verified {self.captures} captures and {self.versions} versions: {verdict}"


def count_items(store: Store, source: str | None = None) -> int:
    """How many captures and versions `verify_store` will check (for a progress bar)."""
    with store.db.session() as session:
        captures = select(func.count(Capture.id))
        versions = select(func.count(Version.id)).join(Document, Document.id == Version.document_id)
        if source is not None:
            captures = captures.where(Capture.source == source)
            versions = versions.where(Document.source == source)
        return session.scalar(captures) + session.scalar(versions)


def verify_store(
    store: Store, *, source: str | None = None, on_item: Callable[[Problem | None], None] | None = None
) -> VerifyReport:
    """Check every capture's WARC record and every version's text hash (of `source`, or all).

    `on_item` is called once per capture or version checked, with its
    `Problem` or None, so a caller can draw progress and report as it goes.
    """
    problems: list[Problem] = []
    counts = {"captures": 0, "versions": 0}

    def note(problem: Problem | None, kind: str) -> None:
        counts[kind] += 1
        if problem is not None:
            log.warning("verify: %s", problem.describe())
            problems.append(problem)
        if on_item is not None:
            on_item(problem)

    for problem in _check_captures(store, source):
        note(problem, "captures")
    for problem in _check_texts(store, source):
        note(problem, "versions")
    return VerifyReport(counts["captures"], counts["versions"], tuple(problems))


def _check_captures(store: Store, source: str | None) -> Iterator[Problem | None]:
    last_id = 0
    while True:
        query = (
            select(Capture, Document.url, Version.number)
            .outerjoin(Document, Document.id == Capture.document_id)
            .outerjoin(Version, Version.id == Capture.version_id)
            .where(Capture.id > last_id)
            .order_by(Capture.id)
            .limit(_BATCH)
        )
        if source is not None:
            query = query.where(Capture.source == source)
        with store.db.session() as session:
            rows = session.execute(query).all()
        for capture, url, number in rows:
            try:
                verify_capture(store.data_dir, capture.warc_file, capture.warc_offset, capture.warc_length,
                               capture.payload_sha256)
            except WarcIntegrityError as exc:
                yield Problem("capture", url or capture.url, number, capture.id, str(exc))
            else:
                yield None
        if len(rows) < _BATCH:
            return
        last_id = rows[-1][0].id


def _check_texts(store: Store, source: str | None) -> Iterator[Problem | None]:
    last_id = 0
    while True:
        query = (
            select(Version.id, Version.number, Version.text, Version.text_sha256, Version.capture_id, Document.url)
            .join(Document, Document.id == Version.document_id)
            .where(Version.id > last_id)
            .order_by(Version.id)
            .limit(_BATCH)
        )
        if source is not None:
            query = query.where(Document.source == source)
        with store.db.session() as session:
            rows = session.execute(query).all()
        for row in rows:
            actual = text_sha256(row.text)
            if actual != row.text_sha256:
                yield Problem(
                    "text", row.url, row.number, row.capture_id,
                    f"the stored text hashes to {actual}, the version records {row.text_sha256}; "
                    "it was changed after it was stored. `dangan reprocess` can rebuild it from its capture.",
                )
            else:
                yield None
        if len(rows) < _BATCH:
            return
        last_id = rows[-1].id
