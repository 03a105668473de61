"""The change feed: every version recorded and every document gone (or back), each read exactly once.

A tool keeps a cursor. `read_changes(db, cursor)` returns the changes
recorded after it, oldest first, and the cursor to pass next time; reading
again and again while crawls write returns each change once, with no gaps
and no repeats. ``dangan export --after CURSOR`` and the read API's feed both
call it. A row is an export row (`storage.export_rows.EXPORT_COLUMNS`, the
version's own first and last seen) after three columns of its own,
`FEED_COLUMNS`: its ``cursor``, the ``change`` (``version``, ``gone`` or
``live``) and ``changed_at`` (when the site showed it).

How no change is skipped. Database triggers (migrations 0007 and 0009) add
a row to ``changes`` in the same transaction as each new version or status
change, so a change is in the feed exactly when it is committed. Each row's
``position`` must then be such that nothing can later appear *behind* a
cursor already handed out:

- On SQLite one writer holds the database at a time, so row ids are handed
  out and committed in the same order; the position is the id.
- On PostgreSQL transactions commit in any order: numbers from a sequence,
  taken when the row is inserted, can become visible out of order (41 after
  42 was read, and a reader past 42 would never see 41). So the position is
  given at commit instead: a deferred trigger takes the next number from the
  one-row table ``change_clock`` and holds that row's lock until the commit
  has completed, so the next transaction's numbers come after this one is
  visible. Whoever sees position N committed therefore sees every position
  below it too. Only writers that recorded a change wait, and only for each
  other's commit; nothing else on the server (a long transaction, another
  database) holds a reader back.

A read first asks for the highest position committed, then reads the rows
after the cursor up to it: nothing below that ceiling can still appear.

Example:
    >>> from core.article import Article
    >>> from storage.versions import PageRecord, VersionStore
    >>> def record(text, day):
    ...     VersionStore(db).record(PageRecord(url="http://www.gov.cn/a.htm", source="gov",
    ...         capture_id=None, seen_at=datetime(2024, 5, day), article=Article(title="通知", text=text),
    ...         text_sha256=str(day) * 64, extractor_version="zh-4"))
    >>> record("初稿。", 1)
    >>> first = read_changes(db)
    >>> [(row["change"], row["version"]) for row in first.rows], first.next_cursor
    ([('version', 1)], '1')
    >>> record("定稿。", 2)
    >>> second = read_changes(db, first.next_cursor)
    >>> [(row["change"], row["version"]) for row in second.rows], second.next_cursor
    ([('version', 2)], '2')
    >>> read_changes(db, second.next_cursor).rows
    []
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import RowMapping, Select, func, select

from core.errors import FeedCursorError
from storage.database import Database
from storage.export_rows import EXPORT_COLUMNS, ExportColumn, row_columns, rows_from, with_row_tables
from storage.models import Change, Document, Version
from storage.times import as_utc

#: Changes returned by one `read_changes` call unless asked otherwise.
FEED_PAGE = 1000

#: The feed's own columns, then the export row's.
FEED_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("cursor", str),
    ExportColumn("change", str),
    ExportColumn("changed_at", datetime),
    *EXPORT_COLUMNS,
)

#: What a cursor looks like (a position; 0 is the start), for callers that check input first (the read API).
CURSOR_PATTERN = r"^[0-9]{1,18}$"
_CURSOR = re.compile(CURSOR_PATTERN)


def parse_cursor(cursor: str | int | None) -> int:
    """The position a cursor stands for; None, "" and "0" are the start of the feed.

    Raises FeedCursorError for anything a feed read did not hand out.

    >>> parse_cursor(None), parse_cursor(" 1520 ")
    (0, 1520)
    """
    if cursor is None:
        return 0
    if isinstance(cursor, int) and cursor >= 0:
        return cursor
    if isinstance(cursor, str) and _CURSOR.match(cursor.strip() or "0"):
        return int(cursor.strip() or "0")
    raise FeedCursorError(
        f"{cursor!r} is not a change-feed cursor. Pass the next cursor an earlier read printed "
        "(a number, like 1520), or 0 to read from the beginning."
    )


@dataclass(frozen=True)
class FeedPage:
    """Changes after a cursor, oldest first, and the cursor to read from next.

    `more` is True when the page was cut at the limit: read again at once.
    """

    rows: list[dict]
    next_cursor: str
    more: bool


def read_changes(
    db: Database, after: str | int | None = None, *, source: str | None = None, limit: int = FEED_PAGE
) -> FeedPage:
    """The changes recorded after the cursor `after` (the start of the feed when None), at most `limit`.

    With `source`, only that source's changes are returned, but the cursor
    still moves past the others', so reading one source never rereads them.
    Raises FeedCursorError for a malformed cursor.
    """
    cursor = parse_cursor(after)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    with db.session() as session:
        # First the ceiling, then the rows up to it: every position at or below
        # the highest committed one is committed, so none can turn up later.
        ceiling = session.execute(_CEILING).scalar() or 0
        query = _rows_after(cursor, ceiling)
        if source is not None:
            query = query.where(Document.source == source)
        rows = session.execute(query.limit(limit)).mappings().all()
        found = [_feed_row(values, row) for values, row in zip(rows, rows_from(session, rows))]
    if len(rows) == limit:
        return FeedPage(found, str(rows[-1]["position_"]), True)
    return FeedPage(found, str(max(cursor, ceiling)), False)


def iter_changes(
    db: Database, after: str | int | None = None, *, source: str | None = None,
    limit: int | None = None, page: int = FEED_PAGE,
) -> "ChangeStream":
    """Every change after `after` (at most `limit`), read `page` at a time; its `next_cursor` is set as it goes."""
    return ChangeStream(db, parse_cursor(after), source, limit, page)


class ChangeStream:
    """An iterable over the changes after a cursor, page by page, up to those committed by now.

    After (or during) iteration `next_cursor` is the cursor that follows the
    last row yielded, or the last page read.
    """

    def __init__(self, db: Database, after: int, source: str | None, limit: int | None, page: int) -> None:
        if limit is not None and limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        self._db = db
        self._source = source
        self._left = limit
        self._page = page
        self.next_cursor = str(after)

    def __iter__(self) -> Iterator[dict]:
        while self._left is None or self._left > 0:
            size = self._page if self._left is None else min(self._page, self._left)
            found = read_changes(self._db, self.next_cursor, source=self._source, limit=size)
            yield from found.rows
            # Set once the page's rows were taken: a reader that stops early keeps the older cursor.
            self.next_cursor = found.next_cursor
            if self._left is not None:
                self._left -= len(found.rows)
            if not found.more:
                return


_CEILING = select(func.max(Change.position))


def _rows_after(cursor: int, ceiling: int) -> Select:
    query = (
        select(Change.position.label("position_"), Change.kind, Change.changed_at, *row_columns(per_version=True))
        .select_from(Change)
        .join(Document, Document.id == Change.document_id)
        .outerjoin(Version, Version.id == Change.version_id)
    )
    query = with_row_tables(query).where(Change.position > cursor, Change.position <= ceiling)
    return query.order_by(Change.position)


def _feed_row(values: RowMapping, row: dict) -> dict:
    return {
        "cursor": str(values["position_"]),
        "change": values["kind"],
        "changed_at": as_utc(values["changed_at"]),
        **row,
    }
