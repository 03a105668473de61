"""normalize_text and text_sha256: same words, same fingerprint; different words, different one."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.fingerprint import text_sha256
from pipeline.normalize import normalize_text

# shared/ sits beside the repository, on developers' machines and in CI alike.
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_nfc_composes_but_keeps_full_width_punctuation():
    decomposed = "Cafe\u0301（试行）：第１条"
    assert normalize_text(decomposed) == "Café（试行）：第１条"


def test_line_endings_are_unified_and_blank_lines_dropped():
    assert normalize_text("第一段\r\n\r\n第二段\r第三段\u2029第四段\n\n\n") == "第一段\n第二段\n第三段\n第四段"


def test_each_line_is_stripped_including_ideographic_indent():
    assert normalize_text("\u3000\u3000为深入学习贯彻。  \n\t一、总体要求\u00a0") == "为深入学习贯彻。\n一、总体要求"


def test_runs_of_spaces_tabs_and_nbsp_become_one_space_between_latin_words():
    assert normalize_text("COVID-19 \t\u00a0 vaccine  2022") == "COVID-19 vaccine 2022"


def test_pdf_wrap_spaces_between_chinese_characters_are_removed():
    # From seed 004: a PDF's line-wraps left spaces inside words.
    assert normalize_text("新型冠状病毒感染的肺炎 疫情的重要指示精神") == "新型冠状病毒感染的肺炎疫情的重要指示精神"
    assert normalize_text("落实党中央、国务院以及省委、市委、校 党委关于") == "落实党中央、国务院以及省委、市委、校党委关于"
    assert normalize_text("各县（市、区）委组织部 ， 市经开区") == "各县（市、区）委组织部，市经开区"


def test_spaces_between_chinese_and_latin_or_numbers_are_kept():
    assert normalize_text("发布 COVID-19 防控指南 第 3 版") == "发布 COVID-19 防控指南第 3 版"


def test_korean_word_spaces_are_kept():
    assert normalize_text("대한민국 정부") == "대한민국 정부"


def test_leaked_ruby_pinyin_is_removed():
    # From seeds 001 and 002: a conversion tool left the reading after each changed character.
    assert normalize_text("中共中央政治局常務(wù)委員會(huì)召開會(huì)議") == "中共中央政治局常務委員會召開會議"
    assert normalize_text("打贏疫情防控阻擊戰(zhàn)中積極主動(dòng)履職") == "打贏疫情防控阻擊戰中積極主動履職"
    assert normalize_text("堅(jiān)決扛起") == "堅決扛起"


def test_ordinary_parenthesised_text_is_kept():
    for text in [
        "关于印发《实施方案（试行）》的通知",
        "新型冠状病毒肺炎(COVID-19)疫情",
        "各基层党委(党总支)、直属党支部",
        "本轮疫情已蔓延至20个市(州)",
        "第三条(a)款",
        "咖啡(café)",
    ]:
        assert normalize_text(text) == text


def test_pinyin_after_latin_text_is_not_touched():
    assert normalize_text("Beijing (běijīng)") == "Beijing (běijīng)"


def test_zero_width_spaces_do_not_count():
    assert normalize_text("疫\u200b情\ufeff防控") == "疫情防控"


@pytest.mark.parametrize(
    "text",
    [
        "  常務 (wù)(wù) 委員會(huì)\r\n\r\n肺炎 疫情\u3000 防控 ",
        "a\u00a0\u00a0b\n\n\u3000c",
        "務(wù) 委 (huì) 員",
        "",
        "\n\n",
    ],
)
def test_normalizing_twice_is_the_same_as_once(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_real_seeds_are_stable_under_normalization():
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []
    if not seeds:
        pytest.skip(f"seed texts not present at {SEEDS}")
    for path in seeds:
        once = normalize_text(path.read_text(encoding="utf-8"))
        assert normalize_text(once) == once, path.name
        assert "(wù)" not in once and "(huì)" not in once, path.name


def test_fingerprint_ignores_layout_but_not_words():
    capture_1 = "关于疫情防控的通知\r\n\r\n  全市各级党组织 要坚决扛牢政治责任。\n"
    capture_2 = "关于疫情防控的通知\n全市各级党组织要坚决扛牢政治责任。"
    edited = "关于疫情防控的通知\n全市各级党组织要坚决扛起政治责任。"
    assert text_sha256(capture_1) == text_sha256(capture_2)
    assert text_sha256(capture_2) != text_sha256(edited)


def test_fingerprint_is_hex_sha256_of_the_normalized_utf8_text():
    import hashlib

    assert text_sha256(" 通知 \n") == hashlib.sha256("通知".encode("utf-8")).hexdigest()
    assert len(text_sha256("")) == 64
