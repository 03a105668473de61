"""The one item the spider yields: a fetched response, to be captured."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class FetchedPage:
    """One HTTP response as the spider received it, for `crawler.capture.CapturePipeline`.

    Every response is one of these, listing pages and 404s included: the
    archive keeps what was fetched. `is_article` says whether it should also be
    processed into a document version. `headers` keeps repeated headers as
    separate pairs, in order. `fetched_at` is naive UTC.
    """

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    content_type: str | None = None
    is_article: bool = False
    # Set by CapturePipeline once the capture row is committed; only then may it be processed.
    capture_id: int | None = field(default=None, repr=False)

    @property
    def needs_processing(self) -> bool:
        """An article page that arrived whole (200): its text is to become a document version."""
        return self.is_article and self.status == 200

    def __repr__(self) -> str:  # Scrapy logs items; a whole body in a log line helps nobody
        return f"FetchedPage({self.status} {self.url}, {len(self.body)} bytes, article={self.is_article})"
