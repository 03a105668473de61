"""A stable identity for an article's words: the SHA-256 of its normalized text."""

from __future__ import annotations

import hashlib

from pipeline.normalize import normalize_text


def text_sha256(text: str) -> str:
    """Hex SHA-256 of `normalize_text(text)` encoded as UTF-8.

    Equal for two captures that differ only in whitespace, line endings or
    leaked pinyin, so a new version is stored only when the words change.

    >>> text_sha256("肺炎 疫情\\r\\n") == text_sha256("肺炎疫情")
    True
    """
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()
