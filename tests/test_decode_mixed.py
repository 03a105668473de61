"""Pages no single codec reads: UTF-8 and GBK parts in one page, UTF-16 without a byte order mark.

Each page is built from text of our own in the encodings a careless site
mixes, and goes through `decode_html` (and `process_page`, what a crawl's
worker runs); the test checks that every part reads as it was written, or that
the page is refused with our DecodeError: never mojibake passed on as text.
"""

from __future__ import annotations

import pytest

from core.errors import DecodeError
from pipeline.decode import MIXED_ENCODING, decode_html
from pipeline.process import process_page

URL = "http://www.example.gov.cn/art/2026/12/2/art_1_1.html"
TITLE = "关于做好朱镕基同志纪念馆开放工作的通知"
PARAGRAPHS = [
    "各区县人民政府，市政府各部门：为做好纪念馆开放期间的接待工作，现将有关事项通知如下。",
    "一、提高认识。各单位要充分认识做好接待工作的重要意义，切实加强组织领导，确保各项工作落到实处。",
    "二、明确责任。市文化旅游广电局牵头负责，有关部门按照职责分工密切配合，及时研究解决重点问题。",
]
NAV = "首页 政务公开 政策文件 通知公告 互动交流"
FOOTER = "主办单位：青溪市人民政府办公室　网站标识码：4303000099"


def _template(head_meta: str, title: bytes, body: bytes, chrome_codec: str) -> bytes:
    nav, footer = NAV.encode(chrome_codec), FOOTER.encode(chrome_codec)
    return (b"<html><head>" + head_meta.encode() + b"<title>" + title + b"</title></head><body>"
            b'<div class="nav">' + nav + b'</div><div class="content"><h1>' + title + b"</h1>"
            + body + b'</div><div class="footer">' + footer + b"</div></body></html>")


def _body(codec: str) -> bytes:
    return b"".join(b"<p>" + p.encode(codec) + b"</p>\n" for p in PARAGRAPHS)


def test_utf8_page_whose_article_body_is_gbk_reads_both_right() -> None:
    # A CMS moved to UTF-8, with articles pasted in from the old GBK system.
    raw = _template('<meta charset="utf-8">', TITLE.encode("utf-8"), _body("gbk"), "utf-8")
    decoded = decode_html(raw, "text/html; charset=utf-8")
    assert decoded.encoding == MIXED_ENCODING
    for piece in (TITLE, NAV, FOOTER, *PARAGRAPHS):
        assert piece in decoded.text
    assert decoded.reason.startswith("mixed encodings:")


def test_gbk_page_with_a_utf8_article_reads_both_right_despite_its_gbk_declaration() -> None:
    # Read as GB18030, as declared, the UTF-8 parts become wrong characters and U+FFFD.
    raw = _template('<meta charset="gbk">', TITLE.encode("gbk"), _body("utf-8"), "gbk")
    decoded = decode_html(raw, "text/html; charset=gbk")
    assert decoded.encoding == MIXED_ENCODING
    for piece in (TITLE, NAV, FOOTER, *PARAGRAPHS):
        assert piece in decoded.text


def test_a_gbk_title_on_a_utf8_page_is_not_lost_to_replacement_characters() -> None:
    raw = _template('<meta charset="utf-8">', TITLE.encode("gbk"), _body("utf-8"), "utf-8")
    page = process_page(raw, "text/html; charset=utf-8", URL)
    assert page.article.title == TITLE
    assert page.article.text.splitlines() == PARAGRAPHS
    assert "\ufffd" not in page.article.text
    assert page.decode_fallback  # worth a look: counted with the crawl's decode fallbacks


def test_a_mixed_page_that_neither_codec_reads_is_refused_not_stored_as_mojibake() -> None:
    broken = b"".join(b"<p>\x80\xff" + p.encode("gbk")[:7] + b"\xff</p>" for p in PARAGRAPHS * 20)
    raw = _template('<meta charset="utf-8">', TITLE.encode("utf-8"), _body("gbk") + broken, "utf-8")
    with pytest.raises(DecodeError, match="mixes UTF-8 and GBK") as caught:
        process_page(raw, "text/html; charset=utf-8", URL)
    assert caught.value.url == URL


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_as_utf16(codec: str) -> None:
    html = _template('<meta charset="utf-16">', TITLE.encode("utf-8"), _body("utf-8"), "utf-8").decode("utf-8")
    raw = html.encode(codec)
    assert not raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    decoded = decode_html(raw, "text/html")
    assert decoded.text == html
    assert decoded.encoding == codec
    page = process_page(raw, "text/html", URL)
    assert page.article.title == TITLE
    assert page.article.text.splitlines() == PARAGRAPHS


def test_utf16_cut_mid_character_keeps_its_text() -> None:
    raw = _template("", TITLE.encode("utf-8"), _body("utf-8"), "utf-8").decode("utf-8").encode("utf-16-le")[:-1]
    decoded = decode_html(raw)
    assert decoded.encoding == "utf-16-le"
    assert PARAGRAPHS[-1] in decoded.text


def test_bytes_that_look_like_utf16_but_do_not_read_as_it_are_refused() -> None:
    html = _template("", TITLE.encode("utf-8"), _body("utf-8") * 3, "utf-8").decode("utf-8")
    # Zero bytes beside ASCII, as in UTF-16, then lone surrogates, which no UTF-16 holds.
    raw = html.encode("utf-16-le") + b"\x00\xd8A\x00" * 50
    with pytest.raises(DecodeError, match="UTF-16-LE without a byte order mark"):
        decode_html(raw)
