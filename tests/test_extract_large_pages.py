"""A page of megabytes: extracted in time growing with its size, none of its article lost.

Trafilatura's main pass grows with the square of the page, so a densest block
of `LARGE_BLOCK_CHARS` characters or more is taken as the article without it
(`pipeline.extract.extractor`). These tests check that the article read that
way is the one trafilatura would have given, and that the chrome still goes.
"""

from __future__ import annotations

import logging

from pipeline.extract import extract_article
from pipeline.extract.extractor import LARGE_BLOCK_CHARS

SENTENCE = "为深入贯彻落实党中央决策部署，切实做好当前各项工作，现将有关事项通知如下，请各单位认真抓好落实。"


def _page(characters: int) -> tuple[str, list[str]]:
    """An article page whose content block holds about `characters` characters in numbered paragraphs."""
    paragraphs = []
    size = 0
    while size < characters:
        paragraph = f"（{len(paragraphs) + 1}）{SENTENCE}"
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
    html = (
        "<html><head><title>全年通知汇编_某市人民政府</title></head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/hd/">互动交流</a></div>'
        '<div class="main"><h1>全年通知汇编</h1><div class="info">发布时间：2026-12-02 来源：市政府办公室</div>'
        '<div class="content">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></div>"
        '<div class="footer"><p>主办单位：某市人民政府办公室 备案号：湘ICP备12345678号</p></div></body></html>'
    )
    return html, paragraphs


def test_a_block_past_the_bound_is_the_article_without_trafilatura(caplog) -> None:
    html, paragraphs = _page(LARGE_BLOCK_CHARS + 1000)
    with caplog.at_level(logging.INFO, logger="pipeline.extract.extractor"):
        article = extract_article(html, url="http://www.example.gov.cn/art/1.html")
    assert any("taken whole" in record.getMessage() for record in caplog.records)
    assert article.text.splitlines() == paragraphs
    assert "首页" not in article.text and "备案号" not in article.text
    assert article.published == "2026-12-02" and article.origin == "市政府办公室"


def test_just_below_the_bound_trafilatura_gives_the_same_article(caplog) -> None:
    html, paragraphs = _page(LARGE_BLOCK_CHARS - 5000)
    with caplog.at_level(logging.INFO, logger="pipeline.extract.extractor"):
        article = extract_article(html, url="http://www.example.gov.cn/art/1.html")
    assert not any("taken whole" in record.getMessage() for record in caplog.records)
    assert article.text.splitlines() == paragraphs
