"""decode_html: the right text from what Chinese sites really send, and an honest reason."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from pipeline.decode import Decoded, decode_html
from core.errors import DecodeError

# 镕 (朱镕基), 喆 and 堃 are in GBK but not GB2312: the usual reason a strict gb2312 decode fails.
GBK_ONLY = "国务院总理朱镕基会见张喆、王堃等代表，听取关于疫情防控工作的汇报。"
ARTICLE = "中共中央政治局常务委员会召开会议，分析当前新冠肺炎疫情防控形势，研究部署抓紧抓实疫情防控重点工作。"
# shared/ sits beside the repository, on developers' machines and in CI alike.
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


def page(body: str, encoding: str, head: str = "") -> bytes:
    return (f"<html><head>{head}<title>通知</title></head><body><p>{body}</p></body></html>").encode(encoding)


def meta(label: str) -> str:
    return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'


def test_utf8_with_meta_charset():
    result = decode_html(page(ARTICLE, "utf-8", '<meta charset="utf-8">'))
    assert ARTICLE in result.text
    assert result.encoding == "utf-8"
    assert result.reason == "meta"


def test_utf8_without_any_declaration_is_detected():
    result = decode_html(page(ARTICLE, "utf-8"))
    assert ARTICLE in result.text
    assert (result.encoding, result.reason) == ("utf-8", "detected")


def test_utf8_bom_wins_over_a_wrong_declaration_and_is_stripped():
    raw = codecs.BOM_UTF8 + page(ARTICLE, "utf-8", meta("gb2312"))
    result = decode_html(raw, "text/html; charset=gbk")
    assert result.text.startswith("<html>")
    assert ARTICLE in result.text
    assert (result.encoding, result.reason) == ("utf-8", "bom")


def test_utf16_bom():
    result = decode_html(page(ARTICLE, "utf-16"))
    assert ARTICLE in result.text
    assert result.reason == "bom"
    assert result.encoding.startswith("utf-16")


def test_http_header_charset_is_used_when_the_bytes_fit():
    result = decode_html(page(ARTICLE, "utf-8"), "text/html; charset=UTF-8")
    assert ARTICLE in result.text
    assert result.reason == "http-header"


def test_gbk_bytes_declared_gb2312_are_read_as_gb18030():
    raw = page(GBK_ONLY, "gbk", meta("gb2312"))
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb2312")  # the trap this module exists for
    result = decode_html(raw)
    assert GBK_ONLY in result.text
    assert "镕" in result.text and "喆" in result.text and "堃" in result.text
    assert result.encoding == "gb18030"
    assert result.reason == "meta gb2312 read as gb18030"


@pytest.mark.parametrize("label", ["gbk", "GBK", "x-gbk", "cp936", "gb_2312-80", "GB2312"])
def test_gb_family_labels_all_read_as_gb18030(label):
    result = decode_html(page(GBK_ONLY, "gbk"), f"text/html; charset={label}")
    assert GBK_ONLY in result.text
    assert result.encoding == "gb18030"
    assert result.reason == f"http-header {label.lower()} read as gb18030"


def test_gb18030_four_byte_characters():
    text = "生僻字𠀀𪚥和欧元符号€以及ḿ都只有GB18030能表示。"
    raw = page(text, "gb18030", '<meta charset="gb18030">')
    assert len("𠀀".encode("gb18030")) == 4
    result = decode_html(raw)
    assert text in result.text
    assert (result.encoding, result.reason) == ("gb18030", "meta")


def test_big5_declared_is_read_as_big5hkscs_for_hong_kong_characters():
    text = "香港特別行政區政府新聞公報：立法會會議，乘搭𨋢上落。"  # 𨋢 is an HKSCS character
    raw = page(text, "big5hkscs", meta("big5"))
    result = decode_html(raw)
    assert text in result.text
    assert result.encoding == "big5hkscs"
    assert result.reason == "meta big5 read as big5hkscs"


def test_big5_without_declaration_is_detected():
    text = "香港特別行政區政府新聞公報：立法會今日舉行會議，討論施政報告及多項議案。"
    result = decode_html(page(text, "big5"))
    assert text in result.text
    assert (result.encoding, result.reason) == ("big5hkscs", "detected")


def test_gbk_without_declaration_is_detected_as_gb18030():
    result = decode_html(page(GBK_ONLY + ARTICLE, "gbk"))
    assert GBK_ONLY in result.text
    assert (result.encoding, result.reason) == ("gb18030", "detected")


def test_iso_8859_1_header_is_not_believed_over_gbk_bytes_with_a_correct_meta():
    raw = page(GBK_ONLY, "gbk", meta("gb2312"))
    result = decode_html(raw, "text/html; charset=ISO-8859-1")
    assert GBK_ONLY in result.text
    assert result.encoding == "gb18030"
    assert result.reason == (
        "http-header iso-8859-1 not believed over non-ASCII bytes; meta gb2312 read as gb18030"
    )


def test_western_header_is_believed_for_ascii_pages():
    result = decode_html(b"<html><body>Notice</body></html>", "text/html; charset=iso-8859-1")
    assert result.text == "<html><body>Notice</body></html>"
    assert result.reason == "http-header"


def test_utf8_header_over_gbk_bytes_falls_through_to_detection():
    result = decode_html(page(GBK_ONLY, "gbk"), "text/html; charset=utf-8")
    assert GBK_ONLY in result.text
    assert result.encoding == "gb18030"
    assert result.reason == "http-header utf-8 failed strict decoding; detected"


def test_header_that_fails_gives_way_to_the_meta():
    raw = page(GBK_ONLY, "gbk", meta("gbk"))
    result = decode_html(raw, "text/html; charset=utf-8")
    assert GBK_ONLY in result.text
    assert result.reason == "http-header utf-8 failed strict decoding; meta gbk read as gb18030"


def test_meta_gb2312_over_utf8_bytes_prefers_utf8():
    # Short UTF-8 Chinese often decodes *strictly* as GB18030, into mojibake.
    raw = page("疫情防控", "utf-8", meta("gb2312"))
    assert raw.decode("gb18030") != raw.decode("utf-8")
    result = decode_html(raw)
    assert "疫情防控" in result.text
    assert result.encoding == "utf-8"
    assert result.reason == "meta gb2312 not believed: the bytes are valid UTF-8; detected"


def test_xml_declaration_encoding_is_a_declaration():
    raw = '<?xml version="1.0" encoding="GBK"?><rss><title>朱镕基</title></rss>'.encode("gbk")
    result = decode_html(raw)
    assert "朱镕基" in result.text
    assert result.reason == "xml-declaration gbk read as gb18030"


@pytest.mark.parametrize("label", ["base64", "rot13", "undefined", "idna", "cp037", "utf-7", "utf-8\x00"])
def test_python_codecs_that_no_browser_reads_pages_in_are_not_believed(label):
    # Python's registry answers to these, but reading a page with them raised
    # (base64 is no text encoding, undefined refuses every byte) or made
    # EBCDIC or UTF-7 mojibake of plain markup.
    result = decode_html(page(ARTICLE, "utf-8"), f"text/html; charset={label}")
    assert ARTICLE in result.text
    assert result.reason == f"http-header {label} is not a known charset; detected"


def test_charset_attribute_outside_content_attribute_is_found():
    raw = page(GBK_ONLY, "gbk", '<meta http-equiv="Content-Type" content="text/html" charset="gb2312">')
    assert decode_html(raw).reason == "meta gb2312 read as gb18030"


def test_unknown_label_is_reported_and_skipped():
    result = decode_html(page(ARTICLE, "utf-8", '<meta charset="klingon">'))
    assert ARTICLE in result.text
    assert result.reason == "meta klingon is not a known charset; detected"


def test_page_cut_off_mid_character_keeps_its_declared_encoding():
    raw = page(GBK_ONLY * 3, "gbk", meta("gb2312"))[:-len("</p></body></html>") - 1]
    result = decode_html(raw)
    assert GBK_ONLY in result.text
    assert result.text.endswith("\ufffd")
    assert result.encoding == "gb18030"
    assert result.reason.endswith("meta gb2312 read as gb18030 with 1 replacement character")


def test_utf8_page_with_one_stray_byte_stays_utf8():
    raw = page(ARTICLE * 3, "utf-8").replace("。".encode(), b"\xff", 1)
    result = decode_html(raw)
    assert ARTICLE[:-1] in result.text
    assert result.encoding == "utf-8"
    assert result.reason == "fallback with 1 replacement character"


def test_garbage_bytes_fall_back_with_replacement_characters_and_never_raise():
    raw = b"\x80\xff\x80\xff\x80"
    result = decode_html(raw)
    assert isinstance(result, Decoded)
    assert result.text.count("\ufffd") == 5
    assert result.reason == "fallback with 5 replacement characters"


def test_empty_body_decodes_to_empty_text():
    assert decode_html(b"").text == ""


def test_bytearray_is_accepted():
    assert decode_html(bytearray(b"<p>ok</p>")).text == "<p>ok</p>"


def test_text_instead_of_bytes_is_a_decode_error_that_says_what_to_pass():
    with pytest.raises(DecodeError, match="response.body"):
        decode_html("<p>已经是文本</p>")  # type: ignore[arg-type]


def _corpus_index(name: str) -> dict:
    path = CORPUS / name / "index.json"
    if not path.exists():
        pytest.skip(f"real-page corpus not present at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def test_real_cwced_pages_decode_to_their_hand_copied_text():
    index = _corpus_index("cwced")
    for uuid, facts in index.items():
        raw = (CORPUS / "cwced" / "html" / f"{uuid}.html").read_bytes()
        result = decode_html(raw)
        if facts["bytes_are_utf8"]:
            assert result.encoding == "utf-8", uuid
        else:
            assert result.encoding == "gb18030", uuid
        assert "\ufffd" not in result.text[:2000], uuid


def test_real_magic_html_pages_declaring_gb2312_over_utf8_bytes():
    _corpus_index("magic-html")
    for path in sorted((CORPUS / "magic-html" / "html").glob("*.html")):
        result = decode_html(path.read_bytes())
        assert result.encoding == "utf-8", path.name
        assert "\ufffd" not in result.text, path.name
