"""The archive's tables, as SQLAlchemy 2 typed models.

Four records carry the archive:

- `CrawlRun`: one crawl of one source (or one skipped by the scheduler): what
  started it, its outcome and why, and its counts.
- `Capture`: one HTTP response exactly as received, kept in a WARC file; the
  row says where (file and offset) and what its payload digest is. Captures are
  never changed after the fact except to note that processing has run. A
  recrawl's 304, or a body the archive already holds, is a *revisit*: a WARC
  revisit record pointing at the capture that holds the payload.
- `Document`: one canonical URL. It is live or gone, and may be a duplicate of
  an earlier document whose text it repeats.
- `Version`: one distinct article text of a document. A recrawl that finds the
  same text only moves `last_seen`; a changed text makes version N+1.
- `Family`: the copies of one text across documents and sites (reposts,
  script conversions, light edits), found by MinHash; each version belongs
  to one. Its signature and LSH band keys are one `FamilySignature` row
  (see `storage.families`).

Times are stored as naive UTC (`datetime.now(UTC).replace(tzinfo=None)`), the
one form SQLite and PostgreSQL both keep without surprises.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    LargeBinary,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    # What started it: "manual" (someone ran `dangan crawl`) or "schedule" (the scheduler).
    trigger: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # running, ok, failed, interrupted or skipped (see storage.runs.RUN_OUTCOMES);
    # a run left "running" by a killed process is marked "interrupted" by the
    # next run of the same source.
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    # Why it failed or was skipped, in words an operator can act on.
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    new_documents: Mapped[int] = mapped_column(Integer, default=0)
    new_versions: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    gone: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    errors: Mapped[int] = mapped_column(Integer, default=0)
    # Article pages stored as empty versions (no text could be found), see Version.empty_reason.
    empty: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Responses to article URLs whose body is not a web page (a PDF or image served as
    # text/html, see pipeline.sniff): archived, not versioned, not counted in errors.
    not_html: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Captures a crawl that did not process locally left for `dangan process` (0015).
    left_for_processing: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Where the crawl runs, and when it last said it was alive (storage.runs):
    # a second crawl of the source is refused while this run is alive.
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The shared frontier run (Redis, crawler/frontier.py) this crawl is a worker of; None
    # for a crawl with a frontier of its own. Live runs of one frontier do not refuse each other.
    frontier: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Capture(Base):
    __tablename__ = "captures"
    __table_args__ = (UniqueConstraint("warc_file", "warc_offset", name="uq_capture_location"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), nullable=True, index=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    url: Mapped[str] = mapped_column(Text)  # the URL as fetched (WARC-Target-URI)
    status_code: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200), nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    # Path of the WARC file relative to the data folder, so a data folder can move.
    warc_file: Mapped[str] = mapped_column(String(500))
    warc_offset: Mapped[int] = mapped_column(BigInteger)
    warc_length: Mapped[int] = mapped_column(BigInteger)
    warc_record_id: Mapped[str] = mapped_column(String(100), unique=True)
    payload_sha256: Mapped[str] = mapped_column(String(64), index=True)  # hex, of the HTTP body as received
    # Set once decode/extract/version has run over this capture (or failed, with the reason).
    processed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    process_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Which processor holds this capture, until when (storage.capture_claims): one
    # processor at a time, and a killed one's claims lapse back to the others.
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # What processing found: the document this capture is of, and which version it showed.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True, index=True)
    # captures -> versions -> captures is a cycle; use_alter lets PostgreSQL add
    # this key after both tables exist (the migration does the same).
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", use_alter=True, name="fk_captures_version_id"), nullable=True
    )
    # The validators the response carried (a 304 keeps the ones it answered), sent
    # back as If-None-Match / If-Modified-Since when the URL is fetched again.
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # A revisit ("server-not-modified" for a 304, "identical-payload-digest" for a
    # body already held) is a WARC revisit record with no payload of its own;
    # refers_to_id is the capture whose response record holds the payload.
    revisit: Mapped[str | None] = mapped_column(String(40), nullable=True)
    refers_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("captures.id", name="fk_captures_refers_to_id"), nullable=True
    )


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)  # canonical URL
    source: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(10), default="live")  # live or gone
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    gone_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)

    versions: Mapped[list["Version"]] = relationship(
        back_populates="document", order_by="Version.number", foreign_keys="Version.document_id"
    )
    duplicate_of: Mapped["Document | None"] = relationship(remote_side=[id])


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_version_number"),
        Index("ix_versions_text_sha256", "text_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per document
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"), nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    published: Mapped[str | None] = mapped_column(String(32), nullable=True)  # ISO date or date-time
    origin: Mapped[str | None] = mapped_column(Text, nullable=True)  # 来源 / 信息来源 / 发布机构
    author: Mapped[str | None] = mapped_column(Text, nullable=True)
    editor: Mapped[str | None] = mapped_column(Text, nullable=True)
    doc_number: Mapped[str | None] = mapped_column(Text, nullable=True)  # 发文字号
    text: Mapped[str] = mapped_column(Text)  # as a reader sees it: paragraphs, the spaces between fields
    text_sha256: Mapped[str] = mapped_column(String(64))  # of the normalised text, the form versions are compared in
    # "display" (the text as extracted) or "normalized" (a row from before 0004 that
    # holds the comparison form; `dangan reprocess` replaces it with the display text).
    text_form: Mapped[str] = mapped_column(String(12), default="display", server_default="display")
    encoding: Mapped[str | None] = mapped_column(String(40), nullable=True)
    encoding_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    extractor_version: Mapped[str] = mapped_column(String(40))
    # "new" (first version), "changed" (the site changed it), "reprocess" (our rules changed)
    reason: Mapped[str] = mapped_column(String(20), default="new")
    # Set when no article text could be found (text is then ""): why, for the
    # operator and for `dangan reprocess`, which fills the version in later.
    empty_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    # The family of copies this text belongs to (storage.families); None only for
    # versions recorded before families existed, until a reprocess run reaches them.
    # versions -> families -> versions is a cycle, hence use_alter (as for captures).
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("families.id", use_alter=True, name="fk_versions_family_id"), nullable=True, index=True
    )

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])


class Family(Base):
    """The copies of one text; its canonical member is the earliest published (then first seen)."""

    __tablename__ = "families"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)


class FamilySignature(Base):
    """A version's MinHash signature (pipeline.near_duplicates) and its LSH band keys.

    The keys are the persisted form of the index `storage.families` looks
    candidates up in (in memory, `storage.band_index`): one row per version,
    so recording a version is one insert at the end of the primary key.
    """

    __tablename__ = "family_signatures"

    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), primary_key=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    # One little-endian signed 64-bit integer per band, sorted (storage.families.band_keys).
    band_keys: Mapped[bytes] = mapped_column(LargeBinary)


class Change(Base):
    """One entry of the change feed: a version recorded, or a document gone or back.

    Rows are written by database triggers (migrations 0007 and 0009), never by
    Python, so every writer (crawl, reprocess, any future one) feeds it in the
    same transaction as the change itself. `position` is the change's place in
    the feed, given when its transaction commits (`storage.change_feed`
    explains how), so positions become visible in order.
    """

    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_position", "position", unique=True),
        # Ids are never reused, even after the newest row is deleted.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None only inside the writing transaction, before it commits.
    position: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # "version" (a version was recorded), "gone" (404/410), "live" (a gone document answered again)
    kind: Mapped[str] = mapped_column(String(10))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    # When it happened on the site: the version's first_seen, the document's gone_at or last_seen.
    changed_at: Mapped[datetime] = mapped_column(DateTime)


class ChangeClock(Base):
    """One row: the last position handed out in the change feed (PostgreSQL's commit-order counter)."""

    __tablename__ = "change_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_position: Mapped[int] = mapped_column(BigInteger)
