"""The rows downstream tools get: one column list, one way to read them, streamed in batches.

`dangan export` (every format) and the change feed (`storage.change_feed`)
hand out rows with the columns of `EXPORT_COLUMNS`, in that order; file
writers and the read API take the names and kinds from there. Times are
aware datetimes in UTC (written out in ISO 8601 with their offset).

`export_rows` reads the archive in batches of `EXPORT_BATCH` rows, each in a
short transaction of its own, keyed on (document id, version number): memory
stays flat however large the store, and a long export never holds a
snapshot open (which on SQLite keeps the WAL from being checkpointed and on
PostgreSQL holds back the change feed and vacuum).

Example, a page recorded on 1 May:
    >>> from core.article import Article
    >>> from storage.versions import PageRecord, VersionStore
    >>> _ = VersionStore(db).record(PageRecord(url="http://www.gov.cn/a.htm", source="gov",
    ...     capture_id=None, seen_at=datetime(2024, 5, 1, 8), article=Article(title="通知", text="全文。"),
    ...     text_sha256="1" * 64, extractor_version="zh-4"))
    >>> [row] = export_rows(db, source="gov")
    >>> row["url"], row["version"], row["first_seen"].isoformat()
    ('http://www.gov.cn/a.htm', 1, '2024-05-01T08:00:00+00:00')
    >>> list(export_rows(db, since=datetime(2024, 5, 2)))
    []
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, RowMapping, Select, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from core.article import ARTICLE_FIELDS
from storage.database import Database
from storage.models import Capture, Document, Family, Version
from storage.times import as_stored, as_utc

#: Rows read per transaction.
EXPORT_BATCH = 500


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export row: its name and the Python type of its values (None allowed).

    A column of kind `list` holds a list of dicts, each with `fields`.
    """

    name: str
    kind: type
    fields: tuple["ExportColumn", ...] = ()


#: The fields of each entry of the `captures` column: every capture that
#: showed the version, oldest first, revisit records (a 304, or the same bytes
#: again; `revisit` says which) included.
CAPTURE_FIELDS: tuple[ExportColumn, ...] = (
    ExportColumn("fetched_at", datetime),
    ExportColumn("status_code", int),
    ExportColumn("warc_file", str),
    ExportColumn("warc_record_id", str),
    ExportColumn("payload_sha256", str),
    ExportColumn("revisit", str),
)

#: The columns of every export and feed row, in order. `first_seen` and
#: `last_seen` are the version's when every version is exported, the
#: document's (first archived, last seen) when only the latest is. The
#: provenance of the version: `reason` (new, changed, reprocess), why its text
#: is empty when no article text could be found (`empty_reason`), the rules
#: that made it (`extractor_version`), how its bytes were decoded and why,
#: the capture it was made from (when fetched, which WARC file and
#: record, the payload's SHA-256), and every capture that showed it.
#: `family_id` is the version's family of copies (`storage.families`; None
#: for a version recorded before families existed) and `canonical_url` the
#: URL of that family's canonical copy.
EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("url", str),
    ExportColumn("source", str),
    *(ExportColumn(name, str) for name in ARTICLE_FIELDS),
    ExportColumn("version", int),
    ExportColumn("text_sha256", str),
    ExportColumn("first_seen", datetime),
    ExportColumn("last_seen", datetime),
    ExportColumn("status", str),
    ExportColumn("gone_at", datetime),
    ExportColumn("duplicate_of", str),
    ExportColumn("family_id", int),
    ExportColumn("canonical_url", str),
    ExportColumn("reason", str),
    ExportColumn("empty_reason", str),
    ExportColumn("extractor_version", str),
    ExportColumn("encoding", str),
    ExportColumn("encoding_reason", str),
    ExportColumn("fetched_at", datetime),
    ExportColumn("warc_file", str),
    ExportColumn("warc_record_id", str),
    ExportColumn("payload_sha256", str),
    ExportColumn("captures", list, CAPTURE_FIELDS),
)

_TIME_COLUMNS = frozenset(column.name for column in EXPORT_COLUMNS if column.kind is datetime)
_SCALAR_COLUMNS = tuple(column.name for column in EXPORT_COLUMNS if column.kind is not list)

_original = aliased(Document)
_canonical_version = aliased(Version)
_canonical_document = aliased(Document)
_CAPTURES = select(
    Capture.id, Capture.version_id, *(getattr(Capture, column.name) for column in CAPTURE_FIELDS)
).order_by(Capture.fetched_at, Capture.id)
# Ids per IN list: well under every backend's limit on bound parameters.
_IN_CHUNK = 500


def row_columns(*, per_version: bool) -> list[ColumnElement]:
    """The SELECT list of an export row, labelled with `EXPORT_COLUMNS`' names, in their order.

    The query must have `Document` and `Version` in its FROM and pass through
    `with_row_tables`, which joins the original (of a duplicate), the family's
    canonical copy and the capture.
    """
    span = Version if per_version else Document
    by_name: dict[str, ColumnElement] = {
        "url": Document.url,
        "source": Document.source,
        **{name: getattr(Version, name) for name in ARTICLE_FIELDS},
        "version": Version.number,
        "text_sha256": Version.text_sha256,
        "first_seen": span.first_seen,
        "last_seen": span.last_seen,
        "status": Document.status,
        "gone_at": Document.gone_at,
        "duplicate_of": _original.url,
        "family_id": Version.family_id,
        "canonical_url": _canonical_document.url,
        "reason": Version.reason,
        "empty_reason": Version.empty_reason,
        "extractor_version": Version.extractor_version,
        "encoding": Version.encoding,
        "encoding_reason": Version.encoding_reason,
        "fetched_at": Capture.fetched_at,
        "warc_file": Capture.warc_file,
        "warc_record_id": Capture.warc_record_id,
        "payload_sha256": Capture.payload_sha256,
    }
    # The ids the `captures` column is looked up by (`rows_from`), after the row's own columns.
    keys = [Document.id.label("document_id_"), Version.id.label("version_id_"), Version.capture_id.label("capture_id_")]
    return [by_name[name].label(name) for name in _SCALAR_COLUMNS] + keys


def with_row_tables(query: Select) -> Select:
    """`query`, which already has `Document` and `Version` in its FROM, with the rest `row_columns` reads."""
    query = query.outerjoin(_original, _original.id == Document.duplicate_of_id)
    query = query.outerjoin(Family, Family.id == Version.family_id)
    query = query.outerjoin(_canonical_version, _canonical_version.id == Family.canonical_version_id)
    query = query.outerjoin(_canonical_document, _canonical_document.id == _canonical_version.document_id)
    return query.outerjoin(Capture, Capture.id == Version.capture_id)


def rows_from(session: Session, batch: Sequence[RowMapping]) -> list[dict]:
    """Export rows from a batch of result rows of `row_columns`, with their `captures` looked up at once.

    Times are made aware (UTC) and keys put in column order. The captures
    that showed a version are those processing linked to it, and the one it
    was made from (a reprocess links that capture to the newer version, but
    it showed the older one too).
    """
    made_from: dict[int, list[int]] = {}
    for values in batch:
        if values["capture_id_"] is not None:
            made_from.setdefault(values["capture_id_"], []).append(values["version_id_"])
    shown: dict[int, dict[int, dict]] = {values["version_id_"]: {} for values in batch if values["version_id_"]}
    documents = sorted({values["document_id_"] for values in batch if values["version_id_"]})
    for start in range(0, len(documents), _IN_CHUNK):
        found = session.execute(_CAPTURES.where(or_(
            Capture.document_id.in_(documents[start:start + _IN_CHUNK]), Capture.id.in_(list(made_from))
        ))).mappings()
        for capture in found:
            entry = {column.name: capture[column.name] for column in CAPTURE_FIELDS}
            entry["fetched_at"] = as_utc(entry["fetched_at"])
            for version_id in {capture["version_id"], *made_from.get(capture["id"], ())}:
                if version_id in shown:
                    shown[version_id][capture["id"]] = entry
    return [_row(values, shown) for values in batch]


def _row(values: RowMapping, shown: dict[int, dict[int, dict]]) -> dict:
    row = {
        name: (as_utc(values[name]) if name in _TIME_COLUMNS and values[name] is not None else values[name])
        for name in _SCALAR_COLUMNS
    }
    by_id = shown.get(values["version_id_"])
    row["captures"] = None if by_id is None else [by_id[key] for key in sorted(by_id)]
    return {column.name: row[column.name] for column in EXPORT_COLUMNS}


def export_rows(
    db: Database,
    *,
    all_versions: bool = False,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    batch: int = EXPORT_BATCH,
) -> Iterator[dict]:
    """Stream the archive as rows of `EXPORT_COLUMNS`: each document's latest version, or every version.

    `source` keeps one source. `since` and `until` (aware, or naive UTC) keep
    the versions seen in that window: last seen at or after `since` (or the
    document went gone then), first seen before `until`.
    """
    query = (
        select(*row_columns(per_version=all_versions))
        .select_from(Document)
        .join(Version, Version.document_id == Document.id)
    )
    query = with_row_tables(query)
    if not all_versions:
        newest = select(func.max(Version.number)).where(Version.document_id == Document.id).correlate(Document)
        query = query.where(Version.number == newest.scalar_subquery())
    if source is not None:
        query = query.where(Document.source == source)
    if since is not None:
        cutoff = as_stored(since)
        query = query.where(or_(Version.last_seen >= cutoff, Document.gone_at >= cutoff))
    if until is not None:
        query = query.where(Version.first_seen < as_stored(until))
    query = query.order_by(Document.id, Version.number).limit(batch)
    last: tuple[int, int] | None = None
    while True:
        page = query if last is None else query.where(tuple_(Document.id, Version.number) > tuple_(*last))
        with db.session() as session:
            rows = session.execute(page).mappings().all()
            found = rows_from(session, rows)
        yield from found
        if len(rows) < batch:
            return
        last = (rows[-1]["document_id_"], rows[-1]["version"])
