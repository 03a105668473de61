"""Pages libxml2 would cut short without a word: every line kept, or the page refused.

Each page goes through `process_page`, what a crawl's worker runs, and the test
checks what a reader of the archive would: all of the text is there, or the
capture failed with our error and no text was produced.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from core.errors import ExtractionError
from dangan.cli import app
from pipeline.process import process_page

URL = "http://www.example.gov.cn/art/2026/12/2/art_1_1.html"
LINE = "各区县要认真贯彻落实本通知第{}项要求，确保取得实效，及时报送工作进展。"


def _page(body: str) -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>关于深入开展工作的通知</title></head>'
            f'<body><h1>关于深入开展工作的通知</h1>{body}</body></html>').encode("utf-8")


def test_four_hundred_lines_each_opening_an_unclosed_font_keep_every_line() -> None:
    # A generator that opens <font> per line and never closes it: libxml2 nests
    # 400 deep and used to end the page at line 253.
    body = '<div class="content">' + "".join(f'<font color="#333">{LINE.format(n)}<br>\n' for n in range(400)) + "</div>"
    text = process_page(_page(body), None, URL).article.text
    assert [LINE.format(n) for n in range(400)] == text.splitlines()


@pytest.mark.parametrize("depth", [255, 300, 3000])
def test_deeply_nested_divs_keep_their_text(depth: int) -> None:
    # 255 or more nested divs used to give no text at all.
    paragraph = "".join(LINE.format(n) for n in range(6))
    body = "<div>" * depth + f"<p>{paragraph}</p>" + "</div>" * depth
    assert process_page(_page(body), None, URL).article.text == paragraph


def test_an_attribute_over_ten_megabytes_does_not_empty_the_page() -> None:
    # An inline image as a data: URL past libxml2's 10 MB default limit used to
    # end the parse there, with nothing after it.
    image = '<img src="data:image/png;base64,' + "QUJD" * 2_750_000 + '">'
    body = image + "".join(f"<p>{LINE.format(n)}</p>" for n in range(5))
    text = process_page(_page(body), None, URL).article.text
    assert text.splitlines() == [LINE.format(n) for n in range(5)]


# A "<" inside an attribute hides each <div> from the flattening, which reads
# tags with patterns, while libxml2 still opens it: too deep even when flattened.
HOPELESS = _page("<div title='<'>" * 3000 + "".join(f"<p>{LINE.format(n)}</p>" for n in range(5)))


def test_a_page_too_deep_even_when_flattened_fails_with_our_error() -> None:
    with pytest.raises(ExtractionError, match="could not be parsed completely") as caught:
        process_page(HOPELESS, None, URL)
    assert caught.value.url == URL


def test_dangan_extract_says_why_it_cannot_extract_such_a_page(tmp_path) -> None:
    page = tmp_path / "deep.html"
    page.write_bytes(HOPELESS)
    result = CliRunner().invoke(app, ["extract", str(page)])
    assert result.exit_code == 1
    assert "could not be parsed completely" in result.output
    assert "各区县" not in result.output
