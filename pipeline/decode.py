"""Turn a response body into text, choosing the encoding the way a careful reader would.

Chinese government and media sites often declare a charset that is not what
they send: ``gb2312`` for GBK bytes (characters such as 镕 and 喆 are outside
GB2312), ``gb2312`` for UTF-8 bytes after a CMS upgrade, and an HTTP header of
``ISO-8859-1`` that a web server adds by default. So a declaration is only
believed when the bytes decode strictly with it, and the order of evidence is:

1. a byte order mark (UTF-8, UTF-16), or UTF-16's zero bytes where it has none;
2. parts in UTF-8 and parts in GBK in one page, each read in its own codec;
3. the declared charsets: the HTTP ``Content-Type`` header, then an XML
   declaration and ``<meta>`` tags in the first few kilobytes;
4. detection with charset-normalizer, limited to UTF-8 and Chinese encodings;
5. a last resort that decodes with replacement characters and says how many.

`Decoded.reason` records that path in words, e.g.
``"http-header iso-8859-1 not believed over non-ASCII bytes; meta gb2312 read as gb18030"``.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from core.errors import DecodeError
from pipeline.mixed_encoding import MixedReading, read_mixed

logger = logging.getLogger(__name__)

#: How far into the document to look for ``<meta>`` and XML declarations.
DECLARATION_WINDOW = 4096

# Labels browsers accept that Python's codec registry does not know.
_EXTRA_LABELS = {
    "x-gbk": "gbk",
    "gb_2312-80": "gb2312",
    "gb_2312": "gb2312",
    "csgb2312": "gb2312",
    "x-euc-cn": "gb2312",
    "chinese": "gb2312",
    "iso-ir-58": "gb2312",
    "csiso58gb231280": "gb2312",
    "windows-936": "gbk",
    "x-x-big5": "big5",
    "cn-big5": "big5",
    "csbig5": "big5",
}

# Sites that say gb2312 or gbk send GBK, and GB18030 is a superset of both;
# sites that say big5 often use Hong Kong characters, and HKSCS is a superset.
_WIDER_CODEC = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
}

# The charsets a page may declare and be read in: those browsers read pages
# in. Python's registry knows more, and a page declaring one of them must not
# be read with it: "base64", "zlib" or "rot13" are not text encodings and
# raise, "undefined" and "idna" refuse every byte, and "cp037" (EBCDIC),
# "utf-7" or "unicode_escape" would turn plain markup into other characters.
_PAGE_CHARSETS = frozenset(codecs.lookup(label).name for label in (
    "utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
    "gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp950",
    "euc_jp", "shift_jis", "cp932", "iso2022_jp", "euc_kr", "cp949",
    "ascii", "latin-1", *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
    *(f"cp125{n}" for n in range(9)), "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic",
    "cp866", "cp874", "tis-620",
))

# A server default rather than a statement about the page, when the bytes are not ASCII.
_WESTERN_DEFAULTS = frozenset({"iso8859-1", "cp1252", "ascii"})

# What detection may choose between: the encodings Chinese pages actually use.
_DETECTION_CANDIDATES = ["utf_8", "gb18030", "big5hkscs"]
_FALLBACK_CODECS = ("utf-8", "gb18030", "big5hkscs")

# U+FFFD as it appears in bytes that already contained one (Big5 cannot encode it).
_ENCODED_REPLACEMENT = {"utf-8": "\ufffd".encode("utf-8"), "gb18030": "\ufffd".encode("gb18030")}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^"';,\s]+)""", re.I)
_META_CHARSET = re.compile(r"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_XML_ENCODING = re.compile(r"""\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""", re.I)

# UTF-16 without a BOM: looked for in the first bytes, where markup is; at least
# this many zero bytes, this share of them with a zero byte on one side, and almost
# none with a zero byte on the other.
_UTF16_WINDOW = 1024
_UTF16_MIN_ZEROS = 16
_MARKUP_TAG = re.compile(r"<[!/?a-zA-Z]")
_UTF16_ZERO_SHARE = 0.1
_UTF16_STRAY_ZERO_SHARE = 0.05

#: `Decoded.encoding` of a page read part by part in UTF-8 and GB18030.
MIXED_ENCODING = "utf-8+gb18030"

# A declared charset that fails strict decoding is still kept if it leaves at
# most this share of its non-ASCII characters as replacements: a page cut off
# mid-character, or one stray byte, should not send a whole page to detection.
_NEAR_MISS_SHARE = 0.01


@dataclass(frozen=True)
class Decoded:
    """Text decoded from a page, the codec used, and why that codec.

    `encoding` is the Python codec actually used (``"gb18030"``, not the
    ``"gb2312"`` a page declared), or `MIXED_ENCODING` for a page read part
    by part in UTF-8 and GB18030. `reason` is a ``"; "``-separated account
    whose last part names the evidence that decided: ``"bom"``,
    ``"http-header"``, ``"meta"``, ``"xml-declaration"``, ``"detected"``,
    ``"fallback with N replacement characters"``, or for the two cases found by
    their bytes, ``"utf-16-le recognised by its zero bytes, …"`` and
    ``"mixed encodings: N parts read as utf-8, M as gb18030"``.
    """

    text: str
    encoding: str
    reason: str


@dataclass(frozen=True)
class _Declaration:
    where: str  # "http-header", "xml-declaration" or "meta"
    label: str  # as the page wrote it, lower-cased


def decode_html(raw: bytes, content_type: str | None = None) -> Decoded:
    """Decode a fetched page, trusting declarations only as far as the bytes bear them out.

    `content_type` is the HTTP ``Content-Type`` header value, if there was one.
    Bytes no candidate reads become U+FFFD and the reason says how many. A
    page that mixes UTF-8 and GBK parts is read part by part
    (`pipeline.mixed_encoding`); UTF-16 is recognised without a byte order mark
    by its zero bytes. Raises `DecodeError` when `raw` is not bytes, and when
    such a page still leaves more than one in a hundred of its characters
    unreadable: that text would be mojibake, not the page.

    >>> decode_html("镕".encode("gbk"), "text/html; charset=gb2312").reason
    'http-header gb2312 read as gb18030'
    >>> decode_html(b'<meta charset="gb2312">' + "通知".encode("utf-8")).encoding
    'utf-8'
    """
    if isinstance(raw, (bytearray, memoryview)):
        raw = bytes(raw)
    if not isinstance(raw, bytes):
        raise DecodeError(
            None,
            f"decode_html needs the raw response body as bytes, got {type(raw).__name__}; "
            "pass response.body, not response.text"
        )

    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return _lenient(raw[len(bom):], codec, ["bom"])
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        return _utf16(raw, utf16)

    notes: list[str] = []
    is_ascii = raw.isascii()
    utf8_text = _strict(raw, "utf-8")
    if utf8_text is None and not is_ascii:
        mixed = read_mixed(raw)
        if mixed is not None:
            return _mixed(mixed)
    declarations = _declarations(raw, content_type)

    believable: list[tuple[_Declaration, str]] = []
    western: list[tuple[_Declaration, str]] = []
    for declaration in declarations:
        codec = _codec_for(declaration.label)
        if codec is None:
            notes.append(f"{declaration.where} {declaration.label} is not a known charset")
            continue
        if codec in _WESTERN_DEFAULTS and not is_ascii:
            notes.append(f"{declaration.where} {declaration.label} not believed over non-ASCII bytes")
            western.append((declaration, codec))
            continue
        believable.append((declaration, codec))

    for declaration, codec in believable:
        text = _strict(raw, codec)
        if text is None:
            notes.append(f"{declaration.where} {declaration.label} failed strict decoding")
            continue
        if codec != "utf-8" and not is_ascii and utf8_text is not None:
            # GB18030 accepts most UTF-8 Chinese byte pairs as (wrong) characters,
            # while GBK text is almost never valid multi-byte UTF-8 by accident.
            notes.append(f"{declaration.where} {declaration.label} not believed: the bytes are valid UTF-8")
            return _done(utf8_text, "utf-8", notes + ["detected"])
        return _done(text, codec, notes + [_declared(declaration, codec)])

    for declaration, codec in believable:
        text, replaced = _replacing(raw, codec)
        if _is_near_miss(text, replaced):
            decision = f"{_declared(declaration, codec)} with {_replacements(replaced)}"
            return _done(text, codec, notes + [decision])

    detected = _detect(raw, utf8_text)
    if detected is not None:
        text, codec = detected
        return _done(text, codec, notes + ["detected"])

    for declaration, codec in western:
        text = _strict(raw, codec)
        if text is not None:
            return _done(text, codec, notes + [f"{declaration.where} {declaration.label}, as nothing else fits"])

    preferred = [codec for _, codec in believable + western]
    return _fallback(raw, preferred, notes)


def _utf16_without_bom(raw: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when `raw` reads as UTF-16 markup but has no BOM, else None.

    HTML is mostly ASCII markup, and in UTF-16 every ASCII character carries
    a zero byte, after it (little-endian) or before it (big-endian). Pages in
    UTF-8 or the Chinese codecs hold no zero bytes at all. Binary data may
    have zero bytes on one side too, so the start must also read as markup: a
    tag, and no control characters.
    """
    head = raw[:_UTF16_WINDOW]
    pairs = len(head) // 2
    zeros_first, zeros_second = head[0:pairs * 2:2].count(0), head[1:pairs * 2:2].count(0)
    needed = max(_UTF16_MIN_ZEROS, pairs * _UTF16_ZERO_SHARE)
    stray = pairs * _UTF16_STRAY_ZERO_SHARE
    if zeros_second >= needed and zeros_first <= stray:
        codec = "utf-16-le"
    elif zeros_first >= needed and zeros_second <= stray:
        codec = "utf-16-be"
    else:
        return None
    start = head[:pairs * 2].decode(codec, errors="replace")
    controls = sum(1 for ch in start if ch < " " and ch not in "\t\n\r")
    if not _MARKUP_TAG.search(start) or controls > len(start) * _UTF16_STRAY_ZERO_SHARE:
        return None
    return codec


def _utf16(raw: bytes, codec: str) -> Decoded:
    """Decode bytes recognised as UTF-16 without a BOM; refuse them if they do not read as it."""
    notes = [f"{codec} recognised by its zero bytes, without a byte order mark"]
    text = _strict(raw, codec)
    if text is not None:
        return _done(text, codec, notes)
    text, replaced = _replacing(raw, codec)
    if _is_near_miss(text, replaced) or replaced <= 1:  # one odd byte: a page cut short
        return _done(text, codec, notes + [_replacements(replaced)])
    raise DecodeError(
        None,
        f"the page looks like {codec.upper()} without a byte order mark (zero bytes beside its ASCII), "
        f"but {_replacements(replaced)} of it do not read as {codec.upper()}; nothing was decoded. "
        "Check the capture: the body may be cut or not text at all",
    )


def _mixed(reading: MixedReading) -> Decoded:
    """The part-by-part reading of a page in two encodings, or DecodeError when too much of it reads in neither."""
    parts = f"mixed encodings: {reading.utf8_parts} parts read as utf-8, {reading.gb_parts} as gb18030"
    if not reading.mostly_readable:
        raise DecodeError(
            None,
            f"the page mixes UTF-8 and GBK, and {_replacements(reading.unreadable)} of its "
            f"{reading.non_ascii} non-ASCII characters read as neither; nothing was decoded, so no "
            "mojibake is stored. The capture is kept as received",
        )
    notes = [parts] + ([_replacements(reading.unreadable)] if reading.unreadable else [])
    logger.info("page decoded part by part: %s", "; ".join(notes))
    return _done(reading.text, MIXED_ENCODING, notes)


def _declarations(raw: bytes, content_type: str | None) -> list[_Declaration]:
    """Every charset the response declares, in the order they are believed, without repeats."""
    found: list[_Declaration] = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            found.append(_Declaration("http-header", match.group(1).strip().lower()))
    # Latin-1 maps every byte, so regexes see the ASCII markup whatever the encoding.
    head = raw[:DECLARATION_WINDOW].decode("latin-1")
    match = _XML_ENCODING.search(head)
    if match:
        found.append(_Declaration("xml-declaration", match.group(1).lower()))
    for match in _META_CHARSET.finditer(head):
        found.append(_Declaration("meta", match.group(1).lower()))

    unique: list[_Declaration] = []
    seen: set[str] = set()
    for declaration in found:
        if declaration.label not in seen:
            seen.add(declaration.label)
            unique.append(declaration)
    return unique


def _python_name(label: str) -> str | None:
    """Python's name for a charset label, or None unless it names a charset browsers read pages in."""
    try:
        name = codecs.lookup(_EXTRA_LABELS.get(label, label)).name
    except (LookupError, ValueError):  # ValueError: a NUL in the label, which a header can carry
        return None
    return name if name in _PAGE_CHARSETS else None


def _codec_for(label: str) -> str | None:
    """The Python codec to read a declared label with, widened to its superset; None if unknown."""
    name = _python_name(label)
    if name is None:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        # A declaration we could read as ASCII cannot be true of UTF-16 bytes;
        # browsers read such pages as UTF-8 for the same reason.
        return "utf-8"
    return _WIDER_CODEC.get(name, name)


def _declared(declaration: _Declaration, codec: str) -> str:
    """Reason text for a believed declaration, noting when its label was widened."""
    if _python_name(declaration.label) == codec:
        return declaration.where
    return f"{declaration.where} {declaration.label} read as {codec}"


def _strict(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _replacing(raw: bytes, codec: str) -> tuple[str, int]:
    """Decode with U+FFFD for bad bytes; count only the replacements decoding added."""
    text = raw.decode(codec, errors="replace")
    # A page may already contain U+FFFD (an earlier bad conversion); don't count those.
    genuine = raw.count(_ENCODED_REPLACEMENT[codec]) if codec in _ENCODED_REPLACEMENT else 0
    return text, max(text.count("\ufffd") - genuine, 0)


def _is_near_miss(text: str, replaced: int) -> bool:
    non_ascii = sum(1 for ch in text if ord(ch) > 0x7F)
    return replaced > 0 and replaced <= non_ascii * _NEAR_MISS_SHARE


def _detect(raw: bytes, utf8_text: str | None) -> tuple[str, str] | None:
    """UTF-8 if the bytes are valid UTF-8, else charset-normalizer's best Chinese reading."""
    if utf8_text is not None:
        return utf8_text, "utf-8"
    text, replaced = _replacing(raw, "utf-8")
    if _is_near_miss(text, replaced):
        # Mostly valid multi-byte UTF-8 with a stray bad byte: any other codec
        # would garble every character to rescue one.
        return None
    best = from_bytes(raw, cp_isolation=_DETECTION_CANDIDATES).best()
    if best is None or best.encoding is None:
        return None
    codec = _codec_for(best.encoding)
    if codec is None:
        return None
    text_or_none = _strict(raw, codec)
    if text_or_none is None:
        return None
    return text_or_none, codec


def _fallback(raw: bytes, preferred: list[str], notes: list[str]) -> Decoded:
    """The codec that leaves the fewest replacement characters; declared codecs win ties."""
    best_text, best_replaced = _replacing(raw, "utf-8")
    best_codec = "utf-8"
    # Near-valid UTF-8 wins outright: another codec may leave fewer U+FFFD
    # only by turning every character into the wrong one.
    if not _is_near_miss(best_text, best_replaced):
        best_replaced = -1
        for codec in dict.fromkeys(preferred + list(_FALLBACK_CODECS)):
            text, replaced = _replacing(raw, codec)
            if best_replaced < 0 or replaced < best_replaced:
                best_text, best_codec, best_replaced = text, codec, replaced
    logger.warning(
        "no encoding decodes these %d bytes cleanly; used %s with %s",
        len(raw), best_codec, _replacements(best_replaced),
    )
    return _done(best_text, best_codec, notes + [f"fallback with {_replacements(best_replaced)}"])


def _replacements(count: int) -> str:
    return f"{count} replacement character{'' if count == 1 else 's'}"


def _lenient(raw: bytes, codec: str, notes: list[str]) -> Decoded:
    """Decode when the codec is certain (a BOM), still never raising on bad bytes."""
    text = _strict(raw, codec)
    if text is not None:
        return _done(text, codec, notes)
    text, replaced = _replacing(raw, codec)
    return _done(text, codec, notes + [_replacements(replaced)])


def _done(text: str, codec: str, notes: list[str]) -> Decoded:
    reason = "; ".join(notes)
    logger.debug("decoded as %s: %s", codec, reason)
    return Decoded(text, codec, reason)
