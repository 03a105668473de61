"""The read API's JSON shapes, as pydantic models: what ``/openapi.json`` publishes.

Each model is made from the plain value `storage.catalog` returns
(`from_value`), so the API's field names are decided here and nowhere in the
store. Times are ISO 8601 with their UTC offset (``2026-12-02T08:00:01Z``
form, written ``+00:00``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, create_model

from core.article import METADATA_FIELDS

from storage import history
from storage.change_feed import FEED_COLUMNS
from storage.catalog import CaptureSummary, DocumentSummary, SourceSummary, VersionEntry, VersionText
from storage.times import as_utc


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


class Problem(BaseModel):
    """What a 4xx answer carries: what was wrong, in words."""

    detail: str


class Source(BaseModel):
    name: str
    documents: int
    live: int
    gone: int
    versions: int
    first_seen: datetime
    last_seen: datetime

    @classmethod
    def from_value(cls, value: SourceSummary) -> "Source":
        return cls(name=value.name, documents=value.documents, live=value.live, gone=value.gone,
                   versions=value.versions, first_seen=_utc(value.first_seen), last_seen=_utc(value.last_seen))


class Document(BaseModel):
    id: int
    url: str
    source: str
    status: Literal["live", "gone"]
    first_seen: datetime
    last_seen: datetime
    gone_at: datetime | None
    duplicate_of: str | None = Field(description="URL of the document whose text this one repeats")
    versions: int = Field(description="how many versions (the latest's number)")
    title: str | None = Field(description="the latest version's title")
    family_id: int | None = Field(description="the latest version's family of copies (reposts, other scripts)")
    canonical_url: str | None = Field(description="URL of the family's canonical copy: the earliest published")

    @classmethod
    def from_value(cls, value: DocumentSummary) -> "Document":
        return cls(id=value.id, url=value.url, source=value.source, status=value.status,
                   first_seen=_utc(value.first_seen), last_seen=_utc(value.last_seen), gone_at=_utc(value.gone_at),
                   duplicate_of=value.duplicate_of, versions=value.versions, title=value.title,
                   family_id=value.family_id, canonical_url=value.canonical_url)


class Capture(BaseModel):
    id: int
    url: str = Field(description="the URL as fetched")
    status_code: int
    content_type: str | None
    fetched_at: datetime
    warc_file: str = Field(description="relative to the data folder")
    warc_offset: int
    warc_record_id: str
    payload_sha256: str
    revisit: str | None = Field(description="server-not-modified or identical-payload-digest for a revisit record")

    @classmethod
    def from_value(cls, value: CaptureSummary) -> "Capture":
        return cls(id=value.id, url=value.url, status_code=value.status_code, content_type=value.content_type,
                   fetched_at=_utc(value.fetched_at), warc_file=value.warc_file, warc_offset=value.warc_offset,
                   warc_record_id=value.warc_record_id, payload_sha256=value.payload_sha256, revisit=value.revisit)


class Version(BaseModel):
    document_id: int
    number: int
    title: str | None
    text_sha256: str
    reason: str = Field(description="new (first seen), changed (on the site) or reprocess (our rules changed)")
    extractor_version: str
    encoding: str | None
    encoding_reason: str | None
    first_seen: datetime
    last_seen: datetime
    captures: list[Capture]

    @classmethod
    def from_value(cls, value: VersionEntry) -> "Version":
        return cls(document_id=value.document_id, number=value.number, title=value.title,
                   text_sha256=value.text_sha256, reason=value.reason, extractor_version=value.extractor_version,
                   encoding=value.encoding, encoding_reason=value.encoding_reason,
                   first_seen=_utc(value.first_seen), last_seen=_utc(value.last_seen),
                   captures=[Capture.from_value(c) for c in value.captures])


# The article's fields are named once, in core.article; the model follows them.
Article = create_model(
    "Article",
    __doc__="The article: its metadata fields (null where not found) and its text.",
    **{name: (str | None, ...) for name in METADATA_FIELDS},
    text=(str, ...),
)


class VersionWithText(BaseModel):
    url: str
    source: str
    status: Literal["live", "gone"]
    version: Version
    article: Article  # type: ignore[valid-type]
    version_numbers: list[int]

    @classmethod
    def from_value(cls, value: VersionText) -> "VersionWithText":
        return cls(url=value.url, source=value.source, status=value.status, version=Version.from_value(value.entry),
                   article=Article(**value.article.as_dict()), version_numbers=list(value.version_numbers))


class ListPage(BaseModel):
    offset: int
    limit: int
    next_offset: int | None = Field(description="pass as offset for the next page; null on the last")


class SourcePage(ListPage):
    items: list[Source]


class DocumentPage(ListPage):
    items: list[Document]


class VersionPage(ListPage):
    items: list[Version]


class Segment(BaseModel):
    kind: Literal["equal", "delete", "insert"]
    text: str


class DiffLine(BaseModel):
    """One line of the diff: equal, deleted, inserted, or changed in place (with its changed characters marked)."""

    kind: Literal["equal", "delete", "insert", "change"]
    old_number: int | None
    new_number: int | None
    old: list[Segment]
    new: list[Segment]


class DiffSide(BaseModel):
    number: int
    first_seen: datetime


class VersionDiff(BaseModel):
    """What changed between two versions: every line of both, changed characters marked inside lines."""

    document_id: int
    url: str
    older: DiffSide
    newer: DiffSide
    changed: bool
    inserted_chars: int
    deleted_chars: int
    lines: list[DiffLine]

    @classmethod
    def from_value(cls, document_id: int, value: history.VersionDiff) -> "VersionDiff":
        def side(pair: tuple[int, datetime]) -> DiffSide:
            return DiffSide(number=pair[0], first_seen=_utc(pair[1]))

        return cls(
            document_id=document_id, url=value.url, older=side(value.older), newer=side(value.newer),
            changed=value.text.changed, inserted_chars=value.text.inserted_chars,
            deleted_chars=value.text.deleted_chars,
            lines=[DiffLine(kind=line.kind, old_number=line.old_number, new_number=line.new_number,
                            old=[Segment(kind=s.kind, text=s.text) for s in line.old],
                            new=[Segment(kind=s.kind, text=s.text) for s in line.new])
                   for line in value.text.lines],
        )


# A change's fields are the feed's (`storage.change_feed.FEED_COLUMNS`): named there once.
Change = create_model(
    "Change",
    __doc__="One change: a version recorded, or a document gone or back; the version's export row.",
    **{column.name: (column.kind | None, None) for column in FEED_COLUMNS},
)


class ChangePage(BaseModel):
    """Changes after a cursor, oldest first; read again from `next_cursor` (at once while `more`)."""

    items: list[Change]  # type: ignore[valid-type]
    next_cursor: str
    more: bool
