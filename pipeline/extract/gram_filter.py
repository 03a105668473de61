"""Tell, without searching, that a short string is certainly not in a long text.

Why this exists: `pipeline.extract.line_merge` asks of every line trafilatura
dropped whether its ends occur anywhere in trafilatura's text. Each such
question is a search of the whole text, so a long page that drops many short
lines (a date under every paragraph) cost lost lines x text length: 25 s for
8,000 lost lines in 1 MB of text. Most answers are "no", and a "no" can be
known in advance.

`GramFilter` marks, in a bitmap, a hash of every run of `GRAM` characters in
the text, computed with numpy over the whole text at once. A string with a
run whose mark is missing cannot occur in the text; otherwise it may, and the
caller searches. There are no false "no"s, so the answers built on it are
exactly those of searching every time.
"""

from __future__ import annotations

import numpy as np

#: Characters per hashed run. Strings shorter than this always "may" occur.
GRAM = 4
_BITS = 24  # a bitmap of 2**24 marks (16 MB as bools): few collisions for a text of millions of characters
# Odd 64-bit multipliers, one per position in the run.
_FACTORS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)
_MASK64 = (1 << 64) - 1


class GramFilter:
    """A bitmap of the `GRAM`-character runs of one text, answering "may this string occur in it".

    >>> grams = GramFilter("第一段正文。\\n第二段正文。")
    >>> grams.may_hold("二段正文"), grams.may_hold("第三段正文")
    (True, False)
    """

    def __init__(self, text: str) -> None:
        self._marks = np.zeros(1 << _BITS, dtype=bool)
        if len(text) < GRAM:
            return
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        count = len(points) - GRAM + 1
        hashes = np.zeros(count, dtype=np.uint64)
        for offset, factor in enumerate(_FACTORS):
            hashes += points[offset:offset + count] * np.uint64(factor)  # wraps modulo 2**64, as _hash does
        self._marks[hashes >> np.uint64(64 - _BITS)] = True

    def may_hold(self, needle: str) -> bool:
        """False only when `needle` certainly does not occur in the text."""
        if len(needle) < GRAM:
            return True
        points = [ord(ch) for ch in needle]
        return all(self._marks[_hash(points, i)] for i in range(len(points) - GRAM + 1))


def _hash(points: list[int], start: int) -> int:
    total = 0
    for offset, factor in enumerate(_FACTORS):
        total += points[start + offset] * factor
    return (total & _MASK64) >> (64 - _BITS)
