"""Rules written in simplified characters read traditional text, with OpenCC's forms.

Each test names forms a hand-kept list of pairs missed: 聯繫 (系 has two
traditional forms, 係 and 繫) and the Hong Kong and Taiwan 閲 beside 閱.
"""

from __future__ import annotations

import re

import lxml.html

from pipeline.extract.bylines import label_finder
from pipeline.extract.page_metadata import read_metadata
from pipeline.extract.script_variants import both_scripts, fold_to_simplified, script_forms


def test_a_widened_rule_matches_every_traditional_spelling():
    contact = re.compile(both_scripts("联系我们"))
    for written in ("联系我们", "聯繫我們", "聯係我們"):
        assert contact.fullmatch(written), written
    count = re.compile(both_scripts("阅读次数"))
    for written in ("阅读次数", "閱讀次數", "閲讀次數"):
        assert count.fullmatch(written), written


def test_a_widened_rule_still_rejects_other_words():
    assert not re.search(both_scripts("联系我们"), "聯絡我們")
    assert not re.search(both_scripts("阅读次数"), "閲覽次數")


def test_classes_already_in_a_rule_are_left_as_written():
    assert both_scripts(r"ICP\s*[备证]") == r"ICP\s*[备证]"


def test_script_forms_lists_the_character_then_its_traditional_forms():
    assert script_forms("系")[0] == "系" and {"係", "繫"} <= set(script_forms("系"))
    assert {"閱", "閲"} <= set(script_forms("阅"))
    assert script_forms("1") == "1"


def test_folding_keeps_length_and_leaves_simplified_text_alone():
    assert fold_to_simplified("聯繫我們 閲讀次數：12") == "联系我们 阅读次数：12"
    simplified = "联系我们，阅读次数：12，著名作家"
    assert fold_to_simplified(simplified) == simplified


def test_a_label_finder_finds_the_hong_kong_spelling():
    assert label_finder(["阅读"]).search("閲讀：1024")


def test_a_hong_kong_count_label_ends_the_origin_before_it():
    page = read_metadata(lxml.html.document_fromstring(
        "<html><body><div class='info'>來源：四川日報 閲讀：1024</div></body></html>"
    ))
    assert page.origin == "四川日報"
