"""Every error dangan raises on purpose derives from `DanganError`.

Storage is the bottom layer, so the error types live here and the pipeline,
the crawler and the command line all import them from one place. Each message
says what went wrong and, where there is one, what to do about it.
"""

from __future__ import annotations


class DanganError(Exception):
    """Base class: the command line turns these into a message and exit code 1."""


class SourceConfigError(DanganError):
    """The sources file is missing, unreadable, or describes a source wrongly."""


class UnknownSourceError(DanganError):
    """A source name was asked for that the sources file does not define."""


class DecodeError(DanganError):
    """Bytes could not be turned into text by any candidate encoding."""


class ExtractionError(DanganError):
    """A page could not be parsed, or held no article text."""


class StoreError(DanganError):
    """The database could not be opened, migrated or written."""


class DocumentNotFound(DanganError):
    """No document is stored under the URL asked for."""


class VersionNotFound(DanganError):
    """The document exists but has no version with the number asked for."""


class WarcIntegrityError(DanganError):
    """A stored WARC record is missing, truncated, or its digest does not match."""
