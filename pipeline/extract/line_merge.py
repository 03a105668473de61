"""Reconcile trafilatura's answer with the densest block's lines.

Trafilatura, tuned for precision, drops short single-line paragraphs that it
cannot tell from chrome: a signature (中共某某委员会), a date (2020年2月3日), an
附件 line, a WeChat paragraph wrapped in <section><span>. The densest block,
found by `pipeline.extract.main_block`, keeps them but knows less about chrome.

`merge_lines` keeps trafilatura's lines and puts back, in page order, the
block's lines it lost, but only when trafilatura's answer lies within that
block: then the block is known to be the article and its other lines are
article lines too. When trafilatura kept far less than the block, the block
wins outright.

Every question asked here is "does this line hold that string". Asked of each
line in turn, line against line, a page of n lines costs n² comparisons: 22 s
for an 8 MB page, 256 s for 20 MB. So the lines are kept joined in one string
(`_JoinedLines`) and searched with ``str.find``, which runs in C, starting at
the line where the answer is expected; a Python loop only ever looks at the
few lines next to the last match. The answers are the same as the plain
reading's, line for line (tests/test_line_merge.py checks it against one).
On long texts a `GramFilter` answers most of the searches for lines
trafilatura dropped, which find nothing, without searching at all.
"""

from __future__ import annotations

import bisect
import logging

from pipeline.extract.gram_filter import GramFilter

log = logging.getLogger(__name__)

# Share of trafilatura's characters that must lie inside the block before the
# block's lines may be restored: below it the two disagree about the article.
_MIN_INSIDE = 0.8
# Trafilatura's answer is replaced by the block when it holds less than this
# share of the block's characters: it has then missed most of the article.
_MIN_SHARE_OF_BLOCK = 0.5

# Lines are matched on their ends, so a line trafilatura cleaned a little
# (a control character gone, a run of spaces squeezed) still counts as kept.
_END_CHARS = 12
# A line of trafilatura's counts as matching a block line it lies within only
# from this length up: shorter ones ("附件", "一、") lie within almost anything.
_MIN_HELD_CHARS = 4
# Lines longer than this are indexed by their first this many characters;
# shorter ones whole.
_OPENING = 12
# How many lines after the expected one are compared one by one before the
# search moves to the joined text: the two texts usually run line for line.
_NEARBY = 8


# From this many characters on, a search that finds nothing costs more than
# asking the gram filter first (built once, in about 20 ms per million characters).
_FILTER_FROM = 100_000


def _squash(text: str) -> str:
    return "".join(text.split())


class _JoinedLines:
    """Whitespace-free lines joined by newlines, asked which line holds a string.

    A needle holds no whitespace (it is a piece of a squashed line), so any
    match in the joined text lies within one line; the line is found from its
    offset by bisection.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.joined = "\n".join(lines)
        self.starts: list[int] = []
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self._anywhere: dict[str, bool] = {}
        self._short: dict[str, list[int]] | None = None
        self._by_opening: dict[str, list[int]] | None = None
        self._short_lengths: list[int] = []
        self._grams: GramFilter | None = None

    def _may_hold(self, needle: str) -> bool:
        """False when `needle` is certainly nowhere in the lines, known without searching them."""
        if len(self.joined) < _FILTER_FROM:
            return True
        if self._grams is None:
            self._grams = GramFilter(self.joined)
        return self._grams.may_hold(needle)

    def holds_anywhere(self, needle: str) -> bool:
        """True when some line holds `needle`."""
        found = self._anywhere.get(needle)
        if found is None:
            found = self._anywhere[needle] = self._may_hold(needle) and needle in self.joined
        return found

    def first_holding(self, needle: str, start: int) -> int:
        """Index of the first line from `start` on that holds `needle`, else -1."""
        if start >= len(self.lines) or not self._may_hold(needle):
            return -1
        position = self.joined.find(needle, self.starts[start])
        return -1 if position < 0 else bisect.bisect_right(self.starts, position) - 1

    def first_held_by(self, text: str, start: int) -> int:
        """Index of the first line from `start` on, `_MIN_HELD_CHARS` long or more, that `text` holds; else -1.

        A short line (up to `_OPENING` characters) is looked up whole, for
        each piece of `text` of its length; a longer one by its first
        `_OPENING` characters, which `text` must hold too, then checked. The
        index is built on first use. Each piece of `text` is looked at a fixed
        number of times, so the cost follows `text`, not the number of lines.
        """
        if self._short is None or self._by_opening is None:
            self._short, self._by_opening = {}, {}
            for index, line in enumerate(self.lines):
                if len(line) > _OPENING:
                    self._by_opening.setdefault(line[:_OPENING], []).append(index)
                elif len(line) >= _MIN_HELD_CHARS:
                    self._short.setdefault(line, []).append(index)
            self._short_lengths = sorted({len(line) for line in self._short})
        best = -1

        def consider(indices: list[int], check: bool) -> None:
            nonlocal best
            for k in range(bisect.bisect_left(indices, start), len(indices)):
                index = indices[k]
                if best >= 0 and index >= best:
                    return
                if not check or self.lines[index] in text:
                    best = index
                    return

        for length in self._short_lengths:
            for i in range(len(text) - length + 1):
                indices = self._short.get(text[i:i + length])
                if indices is not None:
                    consider(indices, check=False)
        for i in range(len(text) - _OPENING + 1):
            indices = self._by_opening.get(text[i:i + _OPENING])
            if indices is not None:
                consider(indices, check=True)
        return best


def _matches(line: str, candidate: str) -> bool:
    """Whether `candidate` (trafilatura's) and `line` (the block's) are taken for the same line."""
    return (line[:_END_CHARS] in candidate or line[-_END_CHARS:] in candidate
            or (len(candidate) >= _MIN_HELD_CHARS and candidate in line))


def _find(line: str, ours: _JoinedLines, start: int) -> int:
    """Index of the first of `ours` from `start` that holds `line`'s head or tail (or is held by it), else -1."""
    end = min(start + _NEARBY, len(ours.lines))
    for j in range(start, end):
        if _matches(line, ours.lines[j]):
            return j
    found = [
        ours.first_holding(line[:_END_CHARS], end),
        ours.first_holding(line[-_END_CHARS:], end),
        ours.first_held_by(line, end),
    ]
    return min((j for j in found if j >= 0), default=-1)


def _inside_enough(ours: list[str], theirs: list[str], ours_len: int) -> bool:
    """Whether at least `_MIN_INSIDE` of the characters of `ours` are in lines that lie within a line of `theirs`.

    Counting stops as soon as the answer is known either way.
    """
    needed = _MIN_INSIDE * ours_len
    exact = set(theirs)
    block = _JoinedLines(theirs)
    inside = outside = 0
    for line in ours:
        if line in exact or block.holds_anywhere(line):
            inside += len(line)
            if inside >= needed:
                return True
        else:
            outside += len(line)
            if ours_len - outside < needed:
                return False
    return inside >= needed


def merge_lines(extracted: str, block: str, restore: bool = True) -> str:
    """Trafilatura's `extracted` text with the lines of `block` it lost put back in order.

    Both arguments are texts with one paragraph per line. Returns `block`
    when trafilatura kept less than half of it, `extracted` when most of it
    lies outside the block. With `restore` false (the block is the whole
    <body>, so not known to be the article) no lines are put back.

    >>> merge_lines("第一段正文。", "中共某某委员会\\n第一段正文。\\n2020年2月3日")
    '中共某某委员会\\n第一段正文。\\n2020年2月3日'
    """
    ours = [line for line in extracted.splitlines() if line.strip()]
    theirs = [line for line in block.splitlines() if line.strip()]
    if not theirs:
        return extracted
    squashed_ours = [_squash(line) for line in ours]
    squashed_theirs = [_squash(line) for line in theirs]
    block_len = sum(map(len, squashed_theirs))
    ours_len = sum(map(len, squashed_ours))
    if ours_len < _MIN_SHARE_OF_BLOCK * block_len:
        log.debug("trafilatura kept %d of the block's %d characters; using the block", ours_len, block_len)
        return "\n".join(theirs)
    if not restore:
        return extracted
    if not _inside_enough(squashed_ours, squashed_theirs, ours_len):
        return extracted

    # Walk the block in order; each line trafilatura lost is attached after
    # the last of trafilatura's lines matched so far. Short lines (a "——习近平"
    # under each quote) match too easily to move that position.
    joined_ours = _JoinedLines(squashed_ours)
    restored: dict[int, list[str]] = {}
    last = -1
    for line, squashed in zip(theirs, squashed_theirs):
        found = _find(squashed, joined_ours, max(last, 0))
        if found >= 0:
            if len(squashed) >= _END_CHARS:
                last = found
        elif not joined_ours.holds_anywhere(squashed[:_END_CHARS]) and not joined_ours.holds_anywhere(squashed[-_END_CHARS:]):
            restored.setdefault(last, []).append(line)
    if not restored:
        return extracted
    out = list(restored.get(-1, []))
    for i, line in enumerate(ours):
        out.append(line)
        out.extend(restored.get(i, []))
    return "\n".join(out)
