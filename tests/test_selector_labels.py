"""The selector labels of the real pages (bench/labels) and the gold text they give.

The labels keep no publisher text: they name where the article is, and the
benchmark computes the text from the page in ../shared. These tests check
that the rendering follows the label, and that every label still fits its
page (skipped when the shared corpus is not beside the repository).
"""

from __future__ import annotations

import json
import re

import pytest

from bench.extraction_cases import REAL_CORPUS, decode_bytes
from bench.selector_labels import LABELS, LabelError, SelectorLabel, gold_text, load_labels

GNE = REAL_CORPUS / "unlabeled" / "gne"
# A run of Chinese characters this long in a selector would be a quotation
# from the page, not a pointer to it.
_QUOTED_TEXT = re.compile(r"[\u4e00-\u9fff]{6,}")

PAGE = """<html><body>
<div class="nav">首页 新闻</div>
<div id="art"><p>第一段正文。</p><p class="by">来源：某报</p>
<p style="display:none">隐藏的字</p><script>var x = 1;</script>
<p>第二段<br>换行的正文。</p></div>
<div id="more"><p>补充的一段。</p></div>
</body></html>"""


def test_gold_text_is_the_marked_blocks_without_the_excluded_ones():
    label = SelectorLabel(article=("#art", "//div[@id='more']"), exclude=("p.by",))
    assert gold_text(PAGE, label) == "第一段正文。\n第二段\n换行的正文。\n补充的一段。"


def test_a_block_inside_another_marked_block_counts_once():
    label = SelectorLabel(article=("#art", "#art p"))
    assert gold_text(PAGE, label).count("第一段正文。") == 1


def test_a_selector_that_matches_nothing_names_the_page_and_the_selector():
    with pytest.raises(LabelError, match=r"page-x.*#missing"):
        gold_text(PAGE, SelectorLabel(article=("#missing",)), "page-x")
    with pytest.raises(LabelError, match=r"exclude selector '\.gone'"):
        gold_text(PAGE, SelectorLabel(article=("#art",), exclude=(".gone",)), "page-x")


def test_a_page_marked_as_holding_no_article_has_empty_gold_text():
    assert gold_text(PAGE, SelectorLabel(article=())) == ""


def test_label_files_quote_no_page_text_and_say_why():
    raw = json.loads((LABELS / "gne.json").read_text("utf-8"))
    assert len(raw) == 40
    for name, entry in raw.items():
        assert entry.get("why"), f"{name}: no reason given"
        for selector in entry.get("article", []) + entry.get("exclude", []):
            assert not _QUOTED_TEXT.search(selector), f"{name}: selector quotes page text: {selector}"


@pytest.mark.skipif(not GNE.is_dir(), reason=f"shared corpus not found at {GNE}")
def test_every_label_fits_its_page():
    labels = load_labels("gne")
    assert set(labels) == {p.name for p in GNE.glob("*.html")}
    empty = []
    for name, label in labels.items():
        text = gold_text(decode_bytes((GNE / name).read_bytes()), label, name)
        if not text and label.article:
            empty.append(name)
    assert not empty, f"labels whose blocks hold no text: {empty}"
