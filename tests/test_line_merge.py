"""`merge_lines` searches its lines in joined text; it must answer as the plain line-by-line reading does.

The plain reading below compares every line with every other, which is what
the rules say and what the module did before it had to handle pages of tens of
megabytes (quadratic: 256 s for 20 MB). Hypothesis feeds both the same texts,
drawn from a tiny alphabet so that lines hold, and are held by, each other
often, and the two must agree exactly.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic_site import SENTENCES
from pipeline.extract import line_merge
from pipeline.extract.gram_filter import GramFilter
from pipeline.extract.line_merge import merge_lines


def plain_merge(extracted: str, block: str, restore: bool = True) -> str:
    """The rules of `merge_lines`, each comparison made line against line."""
    ends = line_merge._END_CHARS
    ours = [line for line in extracted.splitlines() if line.strip()]
    theirs = [line for line in block.splitlines() if line.strip()]
    if not theirs:
        return extracted
    squashed_ours = ["".join(line.split()) for line in ours]
    squashed_theirs = ["".join(line.split()) for line in theirs]
    ours_len = sum(map(len, squashed_ours))
    if ours_len < line_merge._MIN_SHARE_OF_BLOCK * sum(map(len, squashed_theirs)):
        return "\n".join(theirs)
    if not restore:
        return extracted
    inside = sum(len(o) for o in squashed_ours if any(o in t for t in squashed_theirs))
    if inside < line_merge._MIN_INSIDE * ours_len:
        return extracted

    def same(line: str, candidate: str) -> bool:
        return line[:ends] in candidate or line[-ends:] in candidate or (len(candidate) >= 4 and candidate in line)

    restored: dict[int, list[str]] = {}
    last = -1
    for line, squashed in zip(theirs, squashed_theirs):
        found = next((j for j in range(max(last, 0), len(squashed_ours)) if same(squashed, squashed_ours[j])), -1)
        if found >= 0:
            if len(squashed) >= ends:
                last = found
        elif not any(squashed[:ends] in o or squashed[-ends:] in o for o in squashed_ours):
            restored.setdefault(last, []).append(line)
    if not restored:
        return extracted
    out = list(restored.get(-1, []))
    for i, line in enumerate(ours):
        out.append(line)
        out.extend(restored.get(i, []))
    return "\n".join(out)


# Few letters, so that heads, tails and whole lines recur across lines.
_line = st.text(alphabet="ab cd\u3000", max_size=30)
_text = st.lists(_line, max_size=25).map("\n".join)


@settings(max_examples=400, deadline=None)
@given(extracted=_text, block=_text, restore=st.booleans())
def test_merge_answers_as_the_plain_reading(extracted: str, block: str, restore: bool) -> None:
    assert merge_lines(extracted, block, restore) == plain_merge(extracted, block, restore)


@settings(max_examples=100, deadline=None)
@given(block=st.lists(_line, min_size=1, max_size=40), keep=st.lists(st.booleans(), min_size=40, max_size=40))
def test_merge_answers_as_the_plain_reading_when_trafilatura_keeps_a_subset(block: list[str], keep: list[bool]) -> None:
    # The usual case: trafilatura's lines are some of the block's, in order.
    extracted = "\n".join(line for line, kept in zip(block, keep) if kept)
    assert merge_lines(extracted, "\n".join(block)) == plain_merge(extracted, "\n".join(block))


def test_lost_lines_come_back_in_place_on_a_page_of_thousands_of_paragraphs() -> None:
    paragraphs = [f"第{n}段，各区县要认真贯彻落实本通知的第{n}项要求，确保取得实效。" for n in range(3000)]
    block = "\n".join(["中共青溪市委员会办公室", *paragraphs, "2026年12月2日"])
    merged = merge_lines("\n".join(paragraphs), block)
    assert merged.splitlines() == block.splitlines()


def test_on_long_texts_the_gram_filter_changes_no_answer() -> None:
    # Past _FILTER_FROM characters most searches for dropped lines are answered
    # by the gram filter; the merge must still equal the plain reading.
    rng = random.Random(20261202)
    paragraphs = [f"（{n}）" + "".join(rng.choice(SENTENCES) for _ in range(3)) for n in range(1000)]
    dates = [f"附件{n}号" for n in range(1000)]
    block = "\n".join(line for pair in zip(paragraphs, dates) for line in pair)
    assert len(block) > line_merge._FILTER_FROM
    extracted = "\n".join(paragraphs)
    assert merge_lines(extracted, block) == plain_merge(extracted, block)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300), start=st.integers(0, 300), length=st.integers(0, 20))
def test_the_gram_filter_never_denies_a_string_the_text_holds(text: str, start: int, length: int) -> None:
    grams = GramFilter(text)
    assert grams.may_hold(text[start:start + length])
