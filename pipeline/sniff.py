"""Is this body a web page at all? Binary files served as text/html are refused here.

Servers send PDFs, images and archives as ``text/html`` (a wrong default in
their configuration, or a download script that sets no type). Decoded, a PNG
became a "new document" of replacement characters, with no error anywhere.
`refuse_non_html` looks at the bytes before anything is decoded (the magic
numbers of the formats government sites actually attach), and at the decoded
text after: a "page" that is mostly replacement or control characters is not
text, whatever its header says. Either way the capture stays archived as
received; only its processing fails, with the reason, counted as "not HTML" in the run
(`crawler.processing`), apart from the errors.

Example:
    >>> binary_kind(b"%PDF-1.7\\n%\\xe2\\xe3\\xcf\\xd3")
    'a PDF document'
    >>> binary_kind("<html><body>通知</body></html>".encode()) is None
    True
"""

from __future__ import annotations

from core.errors import NotHtmlError

#: Leading bytes of binary formats found behind government-site links, and what they are.
MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b\x08", "gzip-compressed data"),
    (b"RIFF", "a RIFF file (WebP, WAV or AVI)"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
    (b"\x00\x00\x01\x00", "an icon"),
    (b"wOFF", "a web font"),
)
#: Share of replacement and control characters past which decoded "text" is taken for binary.
MAX_GARBAGE_SHARE = 0.2
#: How much of the text is looked at: enough to judge, cheap on large pages.
SAMPLE_CHARS = 65_536
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def binary_kind(body: bytes) -> str | None:
    """What binary format `body` starts as, in words, or None if it does not start as one we know."""
    head = body.lstrip(b"\r\n\t ")[:16]
    for magic, kind in MAGIC_NUMBERS:
        if kind is not None and head.startswith(magic):
            return kind
    return None


def garbage_share(text: str) -> float:
    """The share of replacement (U+FFFD) and control characters in (a sample of) `text`.

    >>> garbage_share("通知\\ufffd\\x00")
    0.5
    """
    sample = text[:SAMPLE_CHARS]
    if not sample:
        return 0.0
    bad = sum(1 for char in sample if char == "\ufffd" or (char < " " and char not in _ALLOWED_CONTROLS)
              or "\x7f" <= char <= "\x9f")
    return bad / len(sample)


def refuse_non_html(url: str | None, body: bytes, text: str | None = None) -> None:
    """Raise NotHtmlError naming `url` if `body` is a known binary format, or `text` is mostly garbage."""
    kind = binary_kind(body)
    if kind is not None:
        raise NotHtmlError(url, f"the body is {kind}, not HTML (served as a web page); archived, not versioned")
    if text is not None:
        share = garbage_share(text)
        if share > MAX_GARBAGE_SHARE:
            raise NotHtmlError(
                url, f"the body decodes to {share:.0%} replacement or control characters: binary data, "
                "not HTML; archived, not versioned")
