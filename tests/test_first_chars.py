"""A pattern compiled to skip where no match can start finds exactly what the plain pattern finds."""

from __future__ import annotations

import re

import pytest

from pipeline.extract.boilerplate_lines import FOOTER_LINE
from pipeline.extract.first_chars import NON_ASCII_CASE_FORMS, compile_scanning, first_chars
from pipeline.extract.page_chrome import _CHROME_TEXT


def test_the_non_ascii_case_forms_are_all_that_ignorecase_matches():
    for letter in "abcdefghijklmnopqrstuvwxyz":
        matched = {c for c in map(chr, range(0x10000)) if re.fullmatch(letter, c, re.I)}
        assert matched - {letter, letter.upper()} == set(NON_ASCII_CASE_FORMS.get(letter, ""))


def test_first_characters_are_read_from_every_branch():
    assert first_chars("上一篇|下一篇|(?:打印|关闭)本页") == "上下关打"
    assert set(first_chars(r"ICP\s*备|\(c\)|©", re.I)) == set("Iiİı(©")


@pytest.mark.parametrize("pattern", [r"\s*版权", r"^免责", r"(?:附件)?说明", r"[^a]b", r"x?y"])
def test_a_pattern_that_may_start_anywhere_is_left_as_it_is(pattern):
    assert first_chars(pattern) is None
    assert compile_scanning(pattern).pattern == pattern


TEXTS = [
    "当前位置：首页 > 新闻", "【字体：大 中 小】", "上一篇：关于开展工作的通知", "版权所有 © 2024 某某市人民政府",
    "ICP备12345678号", "icp 证 0001", "Copyright (c) 2024", "(C) 2019 某某网", "本站技术支持：某公司", "聯繫我們",
    "正文第一段，没有任何页面框架文字。", "建议使用IE8以上浏览器", "分辨率1024", "", "分享", "相關閱讀",
]


@pytest.mark.parametrize("plain", [_CHROME_TEXT, FOOTER_LINE], ids=["chrome_text", "footer_line"])
def test_the_scanning_pattern_finds_what_the_plain_one_finds(plain):
    wrapped = re.fullmatch(r"\(\?=\[(?:\\.|[^\]\\])*\]\)\(\?:(.*)\)", plain.pattern, re.S)
    assert wrapped, "the rule is no longer compiled with compile_scanning"
    original = re.compile(wrapped.group(1), plain.flags)
    for text in TEXTS:
        for start in range(len(text) + 1):
            a, b = original.search(text, start), plain.search(text, start)
            assert (a and (a.span(), a.group())) == (b and (b.span(), b.group())), (text, start)
