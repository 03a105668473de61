"""Hostile input, generated: decoding and extraction raise only our errors, and each call ends in time.

Hypothesis throws at `decode_html`, `extract_article` and `process_page`
(what a crawl's worker runs) random bytes, text in random charsets under
random (and false, and nonsensical) charset declarations, pages mixing two
encodings, and tag soup nested thousands deep, opened and never closed.
Whatever comes in, a call returns or raises a `core.errors.PageError`
(DecodeError, ExtractionError), never anything else, and within the deadline
set below. Tag soup must also lose no text in parsing: every word put in is
in the tree `parse_html` returns, or the page is refused.

The bound: each call on these inputs (up to 64 KB of bytes, pages up to
about 4,000 tags deep) takes well under a second on an idle machine;
`CALL_DEADLINE` allows ten times that, for a development machine shared by
several test suites at once. The example counts keep the whole file to
tens of seconds.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DecodeError, ExtractionError, PageError
from pipeline.decode import Decoded, decode_html
from pipeline.extract import extract_article
from pipeline.extract.html_parse import parse_html
from pipeline.process import process_page

CALL_DEADLINE = timedelta(seconds=10)
URL = "http://www.example.gov.cn/art/2026/12/2/art_1_1.html"

FUZZ = settings(
    deadline=CALL_DEADLINE,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CODECS = ["utf-8", "gbk", "gb18030", "big5", "big5hkscs", "utf-16-le", "utf-16-be", "utf-16", "utf-32",
          "latin-1", "cp1252", "shift_jis", "euc-kr", "koi8-r", "utf-7", "cp037"]
# What a header or <meta> may claim: real labels, aliases, Python codec names
# that are no charsets (base64, rot13, undefined), and junk.
LABELS = CODECS + ["gb2312", "x-gbk", "GB_2312-80", "utf8", "unicode", "iso-8859-1", "windows-1252", "base64",
                   "rot13", "zlib", "undefined", "idna", "punycode", "unicode_escape", "hz", "", "klingon",
                   "utf-8\x00", "\"", ";", "charset=utf-8"]
CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=40)
ANY_TEXT = st.text(max_size=200)


def _assert_decoded(decoded: Decoded) -> None:
    assert isinstance(decoded, Decoded)
    assert isinstance(decoded.text, str) and isinstance(decoded.encoding, str) and isinstance(decoded.reason, str)


@st.composite
def declared_pages(draw) -> tuple[bytes, str | None]:
    """Markup and text in one charset, declared (truly, falsely or absurdly) in the header and <meta>."""
    codec = draw(st.sampled_from(CODECS))
    text = draw(st.one_of(CHINESE, ANY_TEXT))
    meta = draw(st.sampled_from(LABELS))
    html = f'<html><head><meta charset="{meta}"><title>{text[:10]}</title></head><body><p>{text}</p></body></html>'
    body = html.encode(codec, errors="replace")
    if draw(st.booleans()):  # damage: cut it, or splice in random bytes
        cut = draw(st.integers(0, len(body)))
        body = body[:cut] + draw(st.binary(max_size=16)) + body[cut:]
    header = draw(st.one_of(st.none(), st.sampled_from(LABELS).map(lambda label: f"text/html; charset={label}")))
    return body, header


@st.composite
def mixed_pages(draw) -> bytes:
    """Parts of a page, each encoded in one of two codecs, with stray bytes between some."""
    parts = draw(st.lists(st.tuples(CHINESE, st.sampled_from(["utf-8", "gbk", "big5"]), st.binary(max_size=3)),
                          min_size=1, max_size=30))
    return b"<html><body>" + b"".join(
        b"<p>" + text.encode(codec, errors="replace") + stray + b"</p>\n" for text, codec, stray in parts
    ) + b"</body></html>"


@FUZZ
@given(raw=st.binary(max_size=65536), content_type=st.one_of(st.none(), st.text(max_size=60)))
def test_decoding_random_bytes_returns_text_or_our_error(raw: bytes, content_type: str | None) -> None:
    try:
        _assert_decoded(decode_html(raw, content_type))
    except DecodeError:
        pass


@FUZZ
@given(page=declared_pages())
def test_decoding_pages_under_any_declaration_returns_text_or_our_error(page: tuple[bytes, str | None]) -> None:
    raw, content_type = page
    try:
        _assert_decoded(decode_html(raw, content_type))
    except DecodeError:
        pass


@FUZZ
@given(raw=mixed_pages())
def test_decoding_pages_of_mixed_encodings_returns_text_or_our_error(raw: bytes) -> None:
    try:
        _assert_decoded(decode_html(raw))
    except DecodeError:
        pass


TAGS = ["div", "p", "span", "font", "b", "i", "a", "li", "ul", "ol", "table", "tr", "td", "th", "section",
        "center", "form", "h1", "dl", "dd", "dt", "option", "select", "pre", "blockquote", "article", "x-custom"]
WORDS = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=2, max_size=6)


@st.composite
def tag_soup(draw) -> tuple[str, list[str]]:
    """A body of tags opened (often never closed), stray end tags and words; deep runs of one tag; the words."""
    pieces: list[str] = []
    words: list[str] = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["open", "open", "close", "word", "deep", "void"]))
        tag = draw(st.sampled_from(TAGS))
        if kind == "open":
            attribute = draw(st.sampled_from(["", ' class="content"', " title='a<b'", ' style="display:block"']))
            pieces.append(f"<{tag}{attribute}>")
        elif kind == "close":
            pieces.append(f"</{tag}>")
        elif kind == "void":
            pieces.append(draw(st.sampled_from(["<br>", "<img src=x>", "<hr/>", "<div/>"])))
        elif kind == "deep":
            depth = draw(st.integers(100, 4000))
            word = draw(WORDS)
            words.append(word)
            pieces.append(f"<{tag}>" * depth + word + (f"</{tag}>" * depth if draw(st.booleans()) else ""))
        else:
            word = draw(WORDS)
            words.append(word)
            pieces.append(word)
    return "<html><head><title>标题</title></head><body>" + "".join(pieces) + "</body></html>", words


@settings(FUZZ, max_examples=60)
@given(soup=tag_soup())
def test_parsing_tag_soup_keeps_every_word_or_refuses_the_page(soup: tuple[str, list[str]]) -> None:
    html, words = soup
    try:
        root = parse_html(html, URL)
    except ExtractionError:
        return
    text = "".join(root.itertext())
    for word in words:
        assert word in text


@settings(FUZZ, max_examples=40)
@given(soup=tag_soup())
def test_extracting_tag_soup_returns_an_article_or_our_error(soup: tuple[str, list[str]]) -> None:
    html, _ = soup
    try:
        article = extract_article(html, URL)
    except ExtractionError:
        return
    assert isinstance(article.text, str)


@settings(FUZZ, max_examples=60)
@given(raw=st.one_of(st.binary(max_size=8192), declared_pages().map(lambda page: page[0]), mixed_pages()),
       content_type=st.one_of(st.none(), st.sampled_from(LABELS).map(lambda label: f"text/html; charset={label}")))
def test_processing_any_body_returns_a_page_or_our_error(raw: bytes, content_type: str | None) -> None:
    try:
        page = process_page(raw, content_type, URL)
    except PageError as error:
        assert error.url == URL  # the failure names the page it is about
        return
    assert isinstance(page.article.text, str)
