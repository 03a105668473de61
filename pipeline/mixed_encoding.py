"""Read a page whose parts are in different encodings: UTF-8 in some, GBK in others.

Why this exists: a site moved to UTF-8 keeps serving old GBK fragments (an
included header, an article body pasted from the old system, a title from a
legacy database), so one page holds both. No single codec reads it: GB18030
reads the UTF-8 parts strictly, into wrong characters (UTF-8 首页 becomes
棣栭〉), and UTF-8 turns every GBK character into U+FFFD. Either way the
archive would store mojibake as the article.

The markup delimiters ``<``, ``>`` and line ends can never be part of a
UTF-8 or a GBK/GB18030 character, so the page is cut at them into parts (text
runs and tag interiors), and each part is read with the codec it is valid in.
A part valid in both is judged by what each reading gives: a run of real
Chinese in one and odd letters in the other (UTF-8 bytes read as GBK give rare
characters outside GB2312; GBK read as UTF-8 gives Hebrew or Cyrillic letters);
when both look right, the page's majority decides.

A page counts as mixed only when both kinds are clearly there: a GBK page
holds, by chance, short parts that are also valid UTF-8 (up to 12 bytes in
the real corpus), so UTF-8 is only taken as evidence from parts that GB18030
cannot read or that run to `_CLEAR_UTF8_BYTES` or more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Never inside a UTF-8 or GB18030 character, so safe places to cut the page.
_PARTS = re.compile(rb"[^<>\r\n]+")
# Eight CJK characters in UTF-8 in a row: a quick test that a page may hold a clear UTF-8 part.
_UTF8_CJK_RUN = re.compile(rb"(?:[\xe3-\xe9][\x80-\xbf]{2}){8}")
# A part valid in both codecs this long (8 CJK characters) is taken as UTF-8 evidence.
_CLEAR_UTF8_BYTES = 24
# Share of the non-ASCII characters that may fit neither codec before the page is refused.
_MAX_UNREADABLE_SHARE = 0.01

_UTF8 = "utf-8"
_GB = "gb18030"


@dataclass(frozen=True)
class MixedReading:
    """The text of a page read part by part, and how many parts each codec read.

    `unreadable` counts the characters that fit neither codec and became U+FFFD;
    `non_ascii` counts the non-ASCII characters of the text, for judging that.
    """

    text: str
    utf8_parts: int
    gb_parts: int
    unreadable: int
    non_ascii: int

    @property
    def mostly_readable(self) -> bool:
        """Whether few enough characters fit neither codec for the reading to be kept."""
        return self.unreadable <= self.non_ascii * _MAX_UNREADABLE_SHARE


def read_mixed(raw: bytes) -> MixedReading | None:
    """`raw` read part by part when it clearly mixes UTF-8 and GBK parts, else None.

    >>> page = "<title>首页</title><p>".encode("utf-8") + "通知：请各单位朱镕基同志".encode("gbk") + \\
    ...        "</p><div>版权所有：市人民政府办公室</div>".encode("utf-8")
    >>> reading = read_mixed(page)
    >>> reading.text
    '<title>首页</title><p>通知：请各单位朱镕基同志</p><div>版权所有：市人民政府办公室</div>'
    >>> read_mixed("<p>只有一种编码的页面</p>".encode("gbk")) is None
    True
    """
    if not _UTF8_CJK_RUN.search(raw):
        return None
    parts: list[tuple[int, int, str | None, str | None]] = []  # start, end, UTF-8 reading, GB reading
    clear_utf8 = clear_gb = 0
    for match in _PARTS.finditer(raw):
        part = match.group()
        if part.isascii():
            continue
        as_utf8, as_gb = _strict(part, _UTF8), _strict(part, _GB)
        if as_utf8 is not None and (as_gb is None or len(part) >= _CLEAR_UTF8_BYTES):
            clear_utf8 += 1
        elif as_gb is not None and as_utf8 is None:
            clear_gb += 1
        parts.append((match.start(), match.end(), as_utf8, as_gb))
    if not clear_utf8 or not clear_gb:
        return None

    majority = _UTF8 if clear_utf8 >= clear_gb else _GB
    pieces: list[str] = []
    copied_to = 0
    utf8_parts = gb_parts = unreadable = 0
    for start, end, as_utf8, as_gb in parts:
        pieces.append(raw[copied_to:start].decode("ascii"))
        copied_to = end
        codec = _choose(as_utf8, as_gb, majority)
        if codec is None:
            text = raw[start:end].decode(majority, errors="replace")
            unreadable += text.count("\ufffd")
        else:
            text = as_utf8 if codec == _UTF8 else as_gb
            if codec == _UTF8:
                utf8_parts += 1
            else:
                gb_parts += 1
        pieces.append(text)
    pieces.append(raw[copied_to:].decode("ascii"))
    text = "".join(pieces)
    return MixedReading(text, utf8_parts, gb_parts, unreadable, sum(1 for ch in text if ord(ch) > 0x7F))


def _strict(part: bytes, codec: str) -> str | None:
    try:
        return part.decode(codec)
    except UnicodeDecodeError:
        return None


def _choose(as_utf8: str | None, as_gb: str | None, majority: str) -> str | None:
    """The codec to read one part with: the one it is valid in, or the likelier reading."""
    if as_utf8 is None or as_gb is None:
        return _UTF8 if as_utf8 is not None else _GB if as_gb is not None else None
    utf8_looks_right = all(_is_chinese_page_char(ch) for ch in as_utf8)
    gb_looks_right = _is_common_hanzi_text(as_gb)
    if utf8_looks_right != gb_looks_right:
        return _UTF8 if utf8_looks_right else _GB
    return majority


def _is_chinese_page_char(ch: str) -> bool:
    """Whether `ch` is what a Chinese page's text is made of: ASCII, Latin-1 signs, CJK and punctuation."""
    code = ord(ch)
    return code < 0x370 or (0x2000 <= code < 0xE000) or code >= 0xF900


def _is_common_hanzi_text(text: str) -> bool:
    """Whether every character of `text` is in GB2312: real GBK text mostly is, UTF-8 read as GBK mostly is not."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
