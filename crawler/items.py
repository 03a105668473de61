"""The one item the spider yields: a fetched response, to be captured."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from storage.captures import LastCapture


def body_left_out(_body: bytes) -> None:
    """What a feed export shows of a body: nothing. The bytes are in the WARC file, named by `capture_id`.

    (Processing hands an article's body to a worker and drops it from the
    item, so by the time a feed exporter sees the item it may be gone.)
    """
    return None


def iso_utc(moment: datetime) -> str:
    """A naive UTC time as ISO 8601 with its offset, as a feed export shows it.

    >>> iso_utc(datetime(2026, 11, 2, 8, 30))
    '2026-11-02T08:30:00+00:00'
    """
    return moment.isoformat() + "+00:00"


@dataclass
class FetchedPage:
    """One HTTP response as the spider received it, for `crawler.capture.CapturePipeline`.

    Every response is one of these, listing pages and 404s included: the
    archive keeps what was fetched. `is_article` says whether it should also be
    processed into a document version. `headers` keeps repeated headers as
    separate pairs, in order. `fetched_at` is naive UTC.

    `last_capture` is what the archive held for this URL when the crawl
    started (set by `crawler.conditional.ConditionalRequestMiddleware`);
    `revisit` is set by the capture pipeline when the response only repeats it
    (``server-not-modified`` for a 304, ``identical-payload-digest`` for the
    same body), and such a page is kept as a revisit record, not processed.
    """

    url: str
    status: int
    headers: list[tuple[str, str]]
    # The serializers are for Scrapy's feed exports (`scrapy crawl source -O items.jsonl`).
    body: bytes = field(metadata={"serializer": body_left_out})
    fetched_at: datetime = field(metadata={"serializer": iso_utc})
    content_type: str | None = None
    is_article: bool = False
    last_capture: LastCapture | None = field(default=None, repr=False)
    revisit: str | None = None
    #: Why the body is not the whole page (`crawler.truncation.cut_short`), or None: a cut page is
    #: archived (its WARC record marked truncated) but never processed.
    cut_short: str | None = None
    # Set by CapturePipeline once the capture row is committed; only then may it be processed.
    capture_id: int | None = field(default=None, repr=False)

    @property
    def needs_processing(self) -> bool:
        """An article page that arrived whole (200) and new: its text is to become a document version."""
        return self.is_article and self.status == 200 and self.revisit is None and self.cut_short is None

    @classmethod
    def from_response(cls, response, fetched_at: datetime) -> "FetchedPage":
        """A Scrapy `Response` as received: status, headers (repeats kept apart, in order) and body."""
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, values in response.headers.items() for value in values
        ]
        content_type = response.headers.get("Content-Type")
        return cls(
            url=response.url, status=response.status, headers=headers, body=response.body,
            fetched_at=fetched_at, content_type=content_type.decode("latin-1") if content_type is not None else None,
        )

    def __repr__(self) -> str:  # Scrapy logs items; a whole body in a log line helps nobody
        revisit = f", revisit={self.revisit}" if self.revisit else ""
        return f"FetchedPage({self.status} {self.url}, {len(self.body)} bytes, article={self.is_article}{revisit})"

