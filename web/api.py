"""The read API: JSON over ``/api``, every list a page, every bad parameter a 4xx with a message.

Routes (the schema with every parameter is at ``/openapi.json``):

- ``GET /api/sources``: the sources with their counts;
- ``GET /api/documents``: documents, filtered by ``source``, ``status``,
  ``seen_from``/``seen_to`` (a span of time) and ``q`` (text searched in the
  latest title and text, and in the URL), newest first; ``url`` finds one
  document by its URL (canonicalised as the crawl does);
- ``GET /api/documents/{id}``: one document;
- ``GET /api/documents/{id}/versions``: its versions with the captures behind each;
- ``GET /api/documents/{id}/versions/{number}``: one version's text and metadata;
- ``GET /api/documents/{id}/diff?from=&to=``: what changed between two versions;
- ``GET /api/changes?after=CURSOR``: the change feed (`storage.change_feed`).

Lists take ``offset`` and ``limit`` and answer ``next_offset`` (null on the
last page).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from datetime import time as dt_time
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BeforeValidator

from core.errors import DocumentNotFound, VersionNotFound
from core.urls import canonicalize_url
from storage import catalog, history
from storage.change_feed import CURSOR_PATTERN, FEED_PAGE, read_changes
from storage.store import Store
from web import schemas

#: The largest id or version number a parameter may carry: the columns are
#: PostgreSQL `integer`s (32-bit), and a larger number must be refused, not overflow.
MAX_ID = 2**31 - 1
#: The largest offset: SQL's OFFSET takes a 64-bit integer.
MAX_OFFSET = 2**62
#: The most items one page may hold.
MAX_LIMIT = 500
DEFAULT_LIMIT = 50

# NUL cannot be stored in PostgreSQL text, so no stored string has it; a
# parameter carrying it (or any other C0 control) is refused rather than sent
# to the database.
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"

NOT_FOUND = {404: {"model": schemas.Problem, "description": "no such document, version or capture"}}

router = APIRouter(prefix="/api", tags=["archive"])


def store_of(request: Request) -> Store:
    """The store the app was made over (see `web.app.create_app`)."""
    return request.app.state.store


StoreDep = Annotated[Store, Depends(store_of)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID)]
Text = Annotated[str | None, Query(min_length=1, max_length=500, pattern=PRINTABLE)]


def _iso_8601(value: object) -> object:
    # Pydantic would also take a bare number as seconds since 1970: a person
    # who typed seen_from=158 meant something else, so say how to write a time.
    if isinstance(value, str) and _ISO_START.match(value.strip()):
        return value.strip()
    raise ValueError("write a time in ISO 8601, like 2026-11-01 or 2026-11-01T08:00:00+08:00")


_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A date (the whole day) or a date and time (UTC when it has no offset).
Moment = Annotated[datetime | date | None, BeforeValidator(_iso_8601)]


def _start_of(moment: datetime | date | None) -> datetime | None:
    if moment is None or isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, dt_time.min)


def _end_of(moment: datetime | date | None) -> datetime | None:
    if moment is None or isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, dt_time.max)


def document_filter(
    source: Text = None,
    status: Literal["live", "gone"] | None = None,
    seen_from: Annotated[Moment, Query(description="seen at or after this time or day (ISO 8601; UTC if no offset)")] = None,
    seen_to: Annotated[Moment, Query(description="first seen at or before this time or day (ISO 8601)")] = None,
    q: Annotated[str | None, Query(max_length=500, pattern=PRINTABLE,
                                   description="text in the latest title or text, or in the URL")] = None,
) -> catalog.DocumentFilter:
    """The document list's filter from its query parameters (the web view's list uses it too)."""
    return catalog.DocumentFilter(source=source, status=status, seen_from=_start_of(seen_from),
                                  seen_to=_end_of(seen_to), text=q or None)


@router.get("/sources", response_model=schemas.SourcePage)
def sources(store: StoreDep, offset: Offset = 0, limit: Limit = DEFAULT_LIMIT) -> schemas.SourcePage:
    """The sources that have documents in the archive, by name."""
    page = catalog.list_sources(store.db, offset=offset, limit=limit)
    return schemas.SourcePage(items=[schemas.Source.from_value(s) for s in page.items],
                              offset=page.offset, limit=page.limit, next_offset=page.next_offset)


@router.get("/documents", response_model=schemas.DocumentPage, responses=NOT_FOUND)
def documents(
    store: StoreDep,
    where: Annotated[catalog.DocumentFilter, Depends(document_filter)],
    url: Annotated[str | None, Query(min_length=1, max_length=4000, pattern=PRINTABLE,
                                     description="one document by its URL (404 if not archived)")] = None,
    offset: Offset = 0,
    limit: Limit = DEFAULT_LIMIT,
) -> schemas.DocumentPage:
    """Documents matching the filters, the most recently archived first."""
    if url is not None:
        found = catalog.find_document(store.db, _canonical(url))
        return schemas.DocumentPage(items=[schemas.Document.from_value(found)], offset=0, limit=limit,
                                    next_offset=None)
    page = catalog.list_documents(store.db, where, offset=offset, limit=limit)
    return schemas.DocumentPage(items=[schemas.Document.from_value(d) for d in page.items],
                                offset=page.offset, limit=page.limit, next_offset=page.next_offset)


def _canonical(url: str) -> str:
    try:
        return canonicalize_url(url)
    except ValueError as error:
        raise DocumentNotFound(f"{url!r} is not a URL the archive could hold ({error}).") from error


@router.get("/documents/{document_id}", response_model=schemas.Document, responses=NOT_FOUND)
def document(store: StoreDep, document_id: DocumentId) -> schemas.Document:
    """One document: its URL, state, and how many versions it has."""
    return schemas.Document.from_value(catalog.get_document(store.db, document_id))


@router.get("/documents/{document_id}/versions", response_model=schemas.VersionPage, responses=NOT_FOUND)
def versions(store: StoreDep, document_id: DocumentId, offset: Offset = 0,
             limit: Limit = DEFAULT_LIMIT) -> schemas.VersionPage:
    """A document's versions, oldest first: when each was seen, why it was made, the captures behind it."""
    page = catalog.list_versions(store.db, document_id, offset=offset, limit=limit)
    return schemas.VersionPage(items=[schemas.Version.from_value(v) for v in page.items],
                               offset=page.offset, limit=page.limit, next_offset=page.next_offset)


@router.get("/documents/{document_id}/versions/{number}", response_model=schemas.VersionWithText,
            responses=NOT_FOUND)
def version(store: StoreDep, document_id: DocumentId,
            number: Annotated[int, Path(ge=1, le=MAX_ID)]) -> schemas.VersionWithText:
    """One version in full: its text, its article's metadata, and where it came from."""
    return schemas.VersionWithText.from_value(catalog.get_version(store.db, document_id, number))


def version_diff(store: Store, document_id: int, older: int | None, newer: int | None) -> history.VersionDiff:
    """The diff the API and the web view show: the last two versions, `older` against the latest,
    `newer` against the version before it (what that version changed), or the pair."""
    url = catalog.document_url(store.db, document_id)
    if older is None and newer is not None:
        if newer == 1:
            raise VersionNotFound(f"Version 1 of {url} is its first: there is nothing before it to compare.")
        older = newer - 1
    return history.diff(store.db, url, older, newer)


@router.get("/documents/{document_id}/diff", response_model=schemas.VersionDiff,
            responses=NOT_FOUND)
def diff(
    store: StoreDep,
    document_id: DocumentId,
    older: Annotated[int | None, Query(alias="from", ge=1, le=MAX_ID, description="the older version")] = None,
    newer: Annotated[int | None, Query(alias="to", ge=1, le=MAX_ID, description="the newer version")] = None,
) -> schemas.VersionDiff:
    """What changed between two versions, line by line and inside lines.

    Without numbers, the last two versions; with `from` alone, that version
    against the latest; with `to` alone, what version `to` changed (against
    the one before it). Each line carries its segments: `equal`, `delete`
    (on the old side) and `insert` (on the new side).
    """
    return schemas.VersionDiff.from_value(document_id, version_diff(store, document_id, older, newer))


@router.get("/changes", response_model=schemas.ChangePage)
def changes(
    store: StoreDep,
    after: Annotated[str, Query(pattern=CURSOR_PATTERN, description="the cursor the last read returned; 0 to start")] = "0",
    source: Text = None,
    limit: Annotated[int, Query(ge=1, le=FEED_PAGE, description="changes per page")] = 100,
) -> schemas.ChangePage:
    """The change feed: versions recorded and documents gone (or back) after the cursor, each exactly once.

    Pass the answer's `next_cursor` as `after` next time; when `more` is true
    read again at once, else later. With `source`, only that source's changes
    (the cursor still moves past the others').
    """
    page = read_changes(store.db, after, source=source, limit=limit)
    return schemas.ChangePage(items=page.rows, next_cursor=page.next_cursor, more=page.more)
