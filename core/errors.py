"""Every error dangan raises on purpose derives from `DanganError`.

The tree lives in `core`, which no layer owns, so the store does not have to
know the crawler's or the extractor's failures to share one base class with
them. The command line turns any `DanganError` into its message and exit
code 1. Each message says what went wrong and, where there is one, what to
do about it.

A failure about one page is raised as ``PageError(url, reason)`` (or a
subclass): the URL is put in front of the message once, here, however many
layers the error passes through.

Example:
    >>> str(ExtractionError("http://www.gov.cn/a.htm", "the page holds no article text"))
    'http://www.gov.cn/a.htm: the page holds no article text'
"""

from __future__ import annotations


class DanganError(Exception):
    """Base class: the command line turns these into a message and exit code 1."""


class SourceConfigError(DanganError):
    """The sources file is missing, unreadable, or describes a source wrongly."""


class CrawlSetupError(DanganError):
    """The crawl's Scrapy components are set up wrongly: a missing extension, a spider with no source."""


class FrontierError(DanganError):
    """The shared crawl frontier (Redis, ``DANGAN_REDIS_URL``) cannot be reached or used."""


class UnknownSourceError(DanganError):
    """A source name was asked for that the sources file does not define."""


class SchedulerError(DanganError):
    """`dangan schedule` cannot start (another scheduler runs for the data folder or the store) or cannot be reached."""


class PageError(DanganError):
    """Something went wrong with one page; `url` names it and prefixes the message.

    `reason` is the message without the URL, for callers that show the URL
    in a column of their own.
    """

    def __init__(self, url: str | None, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}" if url else reason)


class DecodeError(PageError):
    """Bytes could not be turned into text by any candidate encoding."""


class NotHtmlError(PageError):
    """A body served as a web page is binary (a PDF, an image, an archive): kept, never versioned."""


class ExtractionError(PageError):
    """A page could not be parsed, or held no article text."""


class PageInputError(PageError):
    """A file given to `dangan extract` could not be read, or a URL could not be fetched."""


class StoreError(DanganError):
    """The database could not be opened, migrated or written."""


class WriteConflictError(StoreError):
    """Other writers kept colliding with a write (the same row, a deadlock) until its retries ran out."""


class RunInProgressError(StoreError):
    """A crawl of the source is running now (its run record is alive): a second one is refused."""


class DiskFullError(StoreError):
    """The disk holding the data folder (or the database) has no room left: nothing more can be kept."""


class DocumentNotFound(DanganError):
    """No document is stored under the URL asked for."""


class VersionNotFound(DanganError):
    """The document exists but has no version with the number asked for."""


class WarcIntegrityError(DanganError):
    """A stored WARC record is missing, truncated, or its digest does not match."""


class DemoFolderInUse(DanganError):
    """`dangan demo` was pointed at a folder that holds something other than an earlier demo."""


class FeedCursorError(DanganError):
    """A change-feed cursor that no feed read handed out (mistyped, or cut short)."""


class ExportOutputError(DanganError):
    """An export cannot be written where it was asked to go."""


class CaptureNotFound(DanganError):
    """No capture is stored under the id asked for."""
