"""The change feed: every version recorded and every document gone (or back), each read exactly once.

A tool keeps a cursor. `read_changes(db, cursor)` returns the changes
recorded after it, oldest first, and the cursor to pass next time; reading
again and again while crawls write returns each change once, with no gaps
and no repeats. ``dangan export --after CURSOR`` and the read API's feed both
call it. A row is an export row (`storage.export_rows.EXPORT_COLUMNS`, the
version's own first and last seen) after three columns of its own,
`FEED_COLUMNS`: its ``cursor``, the ``change`` (``version``, ``gone`` or
``live``) and ``changed_at`` (when the site showed it).

How no change is skipped. Database triggers (migration 0007) add a row to
``changes`` in the same transaction as each new version or status change, so
a change is in the feed exactly when it is committed. The order to read in
must be one in which nothing can later appear *behind* a cursor:

- On SQLite one writer holds the database at a time, so ids are handed out
  and committed in the same order; reading by id is enough.
- On PostgreSQL ids come from a sequence when the row is inserted, and the
  transactions commit in any order: id 41 may become visible after id 42 has
  been read, and a reader that moved its cursor past 42 would never see 41.
  So each row also records its transaction's id (``pg_current_xact_id()``),
  the reader first asks PostgreSQL for the oldest transaction still running
  (the xmin of its snapshot), and reads only rows of transactions older than
  that, in (transaction id, id) order. Every such transaction has finished,
  and any transaction still to commit has a transaction id at or above that
  horizon, so its rows sort after every cursor handed out so far. A change
  therefore shows up a moment after its commit once every transaction that
  started before it has ended too; a session left idle in a transaction
  holds the feed back (never loses it) until it ends.

Example (SQLite; cursors on PostgreSQL carry the transaction id first):
    >>> from core.article import Article
    >>> from storage.versions import PageRecord, VersionStore
    >>> def record(text, day):
    ...     VersionStore(db).record(PageRecord(url="http://www.gov.cn/a.htm", source="gov",
    ...         capture_id=None, seen_at=datetime(2024, 5, day), article=Article(title="通知", text=text),
    ...         text_sha256=str(day) * 64, extractor_version="zh-4"))
    >>> record("初稿。", 1)
    >>> first = read_changes(db)
    >>> [(row["change"], row["version"]) for row in first.rows], first.next_cursor
    ([('version', 1)], '0-1')
    >>> record("定稿。", 2)
    >>> second = read_changes(db, first.next_cursor)
    >>> [(row["change"], row["version"]) for row in second.rows], second.next_cursor
    ([('version', 2)], '0-2')
    >>> read_changes(db, second.next_cursor).rows
    []
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import RowMapping, Select, select, text, tuple_
from sqlalchemy.orm import Session

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

_CURSOR = re.compile(r"(\d{1,19})-(\d{1,19})")
# The oldest transaction still running anywhere in the cluster (ours is
# read-only and has none); every transaction id below it has ended.
_HORIZON = text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


@dataclass(frozen=True, order=True)
class FeedCursor:
    """A place in the feed: after the change with this transaction id and id.

    >>> FeedCursor.parse("0"), str(FeedCursor.parse("7312-88"))
    (FeedCursor(txid=0, position=0), '7312-88')
    """

    txid: int
    position: int

    @classmethod
    def parse(cls, cursor: "str | FeedCursor | None") -> "FeedCursor":
        """The cursor written as `cursor`; None, "" and "0" are the start of the feed.

        Raises FeedCursorError for anything a feed read did not hand out.
        """
        if isinstance(cursor, FeedCursor):
            return cursor
        if cursor is None or cursor.strip() in ("", "0"):
            return START
        found = _CURSOR.fullmatch(cursor.strip())
        if found is None:
            raise FeedCursorError(
                f"{cursor!r} is not a change-feed cursor. Pass the next cursor an earlier read printed "
                "(two numbers joined by '-', like 0-1520), or 0 to read from the beginning."
            )
        return cls(int(found[1]), int(found[2]))

    def __str__(self) -> str:
        return f"{self.txid}-{self.position}"


START = FeedCursor(0, 0)


@dataclass(frozen=True)
class FeedPage:
    """Changes after a cursor, oldest first, and the cursor to read from next.

    `more` is True when the page was cut at the limit: read again at once.
    """

    rows: list[dict]
    next_cursor: str
    more: bool


def read_changes(
    db: Database, after: "str | FeedCursor | None" = None, *, source: str | None = None, limit: int = FEED_PAGE
) -> FeedPage:
    """The changes recorded after the cursor `after` (the start of the feed when None), at most `limit`.

    With `source`, only that source's changes are returned, but the cursor
    still moves past the others', so reading one source never rereads them.
    Raises FeedCursorError for a malformed cursor.
    """
    cursor = FeedCursor.parse(after)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    with db.session() as session:
        # On SQLite this one read transaction is one snapshot for both queries below.
        horizon = _horizon(session)
        query = _rows_after(cursor, horizon)
        if source is not None:
            query = query.where(Document.source == source)
        rows = session.execute(query.limit(limit)).mappings().all()
        found = [_feed_row(values, row) for values, row in zip(rows, rows_from(session, rows))]
        if len(rows) == limit:
            last = rows[-1]
            return FeedPage(found, str(FeedCursor(last["txid_"], last["id_"])), True)
        end = cursor
        if rows:
            end = FeedCursor(rows[-1]["txid_"], rows[-1]["id_"])
        if source is not None:
            # Everything after the cursor below the horizon has been looked at:
            # other sources' changes need not be looked at again.
            passed = session.execute(_newest_key(horizon)).first()
            if passed is not None and FeedCursor(*passed) > end:
                end = FeedCursor(*passed)
        return FeedPage(found, str(end), False)


def iter_changes(
    db: Database, after: "str | FeedCursor | None" = None, *, source: str | None = None,
    limit: int | None = None, page: int = FEED_PAGE,
) -> "ChangeStream":
    """Every change after `after` (at most `limit`), read `page` at a time; its `next_cursor` is set as it goes."""
    return ChangeStream(db, FeedCursor.parse(after), source, limit, page)


class ChangeStream:
    """An iterable over the changes after a cursor, page by page, up to those committed by now.

    After (or during) iteration `next_cursor` is the cursor that follows the
    last row yielded, or the last page read.
    """

    def __init__(self, db: Database, after: FeedCursor, source: str | None, limit: int | None, page: int) -> None:
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


def _horizon(session: Session) -> int | None:
    if session.get_bind().dialect.name != "postgresql":
        return None
    return session.execute(_HORIZON).scalar_one()


def _rows_after(cursor: FeedCursor, horizon: int | None) -> Select:
    query = (
        select(
            Change.id.label("id_"), Change.txid.label("txid_"), Change.kind, Change.changed_at,
            *row_columns(per_version=True),
        )
        .select_from(Change)
        .join(Document, Document.id == Change.document_id)
        .outerjoin(Version, Version.id == Change.version_id)
    )
    query = with_row_tables(query).where(tuple_(Change.txid, Change.id) > tuple_(cursor.txid, cursor.position))
    if horizon is not None:
        query = query.where(Change.txid < horizon)
    return query.order_by(Change.txid, Change.id)


def _newest_key(horizon: int | None) -> Select:
    query = select(Change.txid, Change.id)
    if horizon is not None:
        query = query.where(Change.txid < horizon)
    return query.order_by(Change.txid.desc(), Change.id.desc()).limit(1)


def _feed_row(values: RowMapping, row: dict) -> dict:
    return {
        "cursor": str(FeedCursor(values["txid_"], values["id_"])),
        "change": values["kind"],
        "changed_at": as_utc(values["changed_at"]),
        **row,
    }
