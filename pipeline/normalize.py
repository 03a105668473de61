"""The two forms of an article's text: the one a reader is shown, and the one versioning compares.

`display_text` is what the store keeps and every reader gets back: the
extracted text tidied only where nothing a reader sees changes (Unicode
composition, invisible characters, line endings, blank lines, spaces at
either end of a line). The spaces inside a line stay: "联系人：王建平 电话：
0731-5551234" keeps the space between its two fields.

`normalize_text` is for comparison, not display: dropping the space between two Chinese
words also joins fields such as "來源:四川日報 編輯:曹惠君", which is harmless
in a fingerprint but not what a reader should be shown.

Two captures of the same article must normalize to the same string even when
the page around the words changed its whitespace, line endings or Unicode
composition; two captures whose words differ must not. So this removes only
what carries no meaning:

* Unicode composition differences (NFC; not NFKC, since full-width
  punctuation such as ，and （ is part of Chinese text);
* line-ending style, blank lines, and indentation;
* runs of spaces, tabs, no-break and ideographic spaces inside a line;
* spaces between two CJK characters, which PDF line-wrapping and some CMS
  editors leave behind ("肺炎 疫情" is "肺炎疫情"), while spaces between
  Latin words and numbers stay;
* pinyin that a ruby-annotation layer leaked into the text after a Han
  character ("常務(wù)委員會(huì)" is "常務委員會").
"""

from __future__ import annotations

import re
import unicodedata

# Characters that never carry meaning in article text and that editors insert unseen.
_INVISIBLE = re.compile("[\u200b\ufeff]")

_NEWLINES = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]")

# Inline whitespace: any space separator (no-break, ideographic, thin, ...) and tab.
_INLINE_SPACE = re.compile(r"[^\S\n]+")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"

# Scripts and punctuation written without spaces between words. Hangul is not
# here: Korean puts spaces between words.
_CJK = (
    _HAN
    + "\u3000-\u303f"  # CJK symbols and punctuation: 、。《》「」〔〕
    + "\u3040-\u30ff"  # kana
    + "\uff00-\uff9f"  # full-width forms: ，（）：；！？ and full-width digits
    + "\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"  # —‘’“”…· as Chinese text uses them
)
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYLLABLE = f"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouü{_TONED}]{{1,4}}(?:ng|n|r)?"
# One or more parenthesised pinyin readings directly after a Han character.
_LEAKED_PINYIN = re.compile(
    f"(?<=[{_HAN}])(?:[ \t]*[(（]{_SYLLABLE}(?: {_SYLLABLE})*[)）])+"
)
_HAS_TONE = re.compile(f"[{_TONED}]")


def display_text(text: str) -> str:
    """The article's text as it is stored and shown: paragraphs one a line, inner spaces kept.

    ``normalize_text(display_text(t)) == normalize_text(t)``, so the hash of
    either is the same.

    >>> display_text("\\u3000\\u3000联系人：王建平\\u3000电话：0731-5551234  \\r\\n\\r\\n\\u200b第二段")
    '联系人：王建平\\u3000电话：0731-5551234\\n第二段'
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _NEWLINES.sub("\n", text)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def normalize_text(text: str) -> str:
    """Reduce article text to the form two captures are compared in.

    Idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)``.

    >>> normalize_text("  中共中央政治局常務(wù)委員會(huì)\\r\\n\\r\\n新冠肺炎 疫情\\u3000防控  COVID-19  update ")
    '中共中央政治局常務委員會\\n新冠肺炎疫情防控 COVID-19 update'
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _NEWLINES.sub("\n", text)
    # Pinyin goes first so that the space it may have stood behind is then
    # judged like any other space between two Han characters. Only readings
    # with a tone mark are dropped, so a text with none is left as it is
    # without the search, which tries every position (a third of this
    # function's time on a long text).
    if _HAS_TONE.search(text):
        text = _LEAKED_PINYIN.sub(_drop_if_toned, text)
    lines = []
    for line in text.split("\n"):
        line = _INLINE_SPACE.sub(" ", line).strip()
        if line:
            lines.append(_SPACE_BETWEEN_CJK.sub("", line))
    return "\n".join(lines)


def _drop_if_toned(match: re.Match[str]) -> str:
    # Toneless letters in brackets after Han ("(de)", "(a)") may be real text;
    # a tone mark is what marks a ruby reading.
    return "" if _HAS_TONE.search(match.group(0)) else match.group(0)
