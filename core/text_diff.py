"""What changed between two texts, line by line and inside each line, as plain data.

Chinese paragraphs are single long lines, so a line diff alone says only that
a paragraph changed; `diff_texts` also pairs each changed old line with the
new line it became and marks, character by character, what was deleted and
what was inserted. The result is a model, not a rendering: ``dangan diff``
draws it on a terminal with rich, the web view as HTML, and both show the
same changes.

A `TextDiff` is a tuple of `DiffLine`s covering both texts in order. Each line
is one of:

- ``equal``: the same line on both sides;
- ``delete``: a line only the old text has (``old`` holds it, ``new`` is empty);
- ``insert``: a line only the new text has;
- ``change``: an old line and the new line it became, each as `Segment`s:
  ``old`` is made of ``equal`` and ``delete`` segments, ``new`` of ``equal``
  and ``insert`` segments, so joining a side's segment texts gives the line back.

Example, a ten-character insertion into one paragraph:
    >>> found = diff_texts("第一段。\\n会议定于五月十日召开。", "第一段。\\n会议经研究并报市政府同意后定于五月十日召开。")
    >>> [line.kind for line in found.lines]
    ['equal', 'change']
    >>> [(s.kind, s.text) for s in found.lines[1].new]
    [('equal', '会议'), ('insert', '经研究并报市政府同意后'), ('equal', '定于五月十日召开。')]
    >>> found.changed, found.inserted_chars, found.deleted_chars
    (True, 11, 0)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

SegmentKind = Literal["equal", "delete", "insert"]
LineKind = Literal["equal", "delete", "insert", "change"]

#: Two lines of a changed block are shown as one line edited in place when at
#: least this share of their character pairs match (Dice); below it, as a line deleted and
#: another inserted (an edit that keeps a few stray characters reads worse
#: than a plain replacement).
PAIRING_RATIO = 0.5

#: How many new lines after the last pair an old line of a changed block is
#: compared with, looking for the line it became. Bounds the work on a text
#: rewritten throughout (every old line against every new one otherwise).
PAIRING_WINDOW = 10

# Longer than this on both sides, inline diffs let difflib skip its most
# frequent characters (its "autojunk"): exact below, quick above.
_EXACT_LIMIT = 4000

# Between two changes, an unchanged run this short is folded into them: "改为
# 十二日" against "定于十日" reads better as one replacement than as a patchwork
# of single kept characters.
_SHORT_EQUAL = 1


@dataclass(frozen=True)
class Segment:
    """A run of characters within one line: kept (``equal``), ``delete``d or ``insert``ed."""

    kind: SegmentKind
    text: str


@dataclass(frozen=True)
class DiffLine:
    """One line of the diff, with its line numbers (1-based) on each side, None where it has none."""

    kind: LineKind
    old_number: int | None
    new_number: int | None
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]

    @property
    def old_text(self) -> str:
        """The old line as it was (empty for an inserted line)."""
        return "".join(segment.text for segment in self.old)

    @property
    def new_text(self) -> str:
        """The new line as it is (empty for a deleted line)."""
        return "".join(segment.text for segment in self.new)


@dataclass(frozen=True)
class TextDiff:
    """Every line of two texts, in order, marked with what changed."""

    lines: tuple[DiffLine, ...]

    @property
    def changed(self) -> bool:
        """False when the two texts have the same lines."""
        return any(line.kind != "equal" for line in self.lines)

    @property
    def inserted_chars(self) -> int:
        """Characters the new text has that the old did not (whole inserted lines included)."""
        return sum(len(s.text) for line in self.lines for s in line.new if s.kind == "insert")

    @property
    def deleted_chars(self) -> int:
        """Characters of the old text that the new one no longer has."""
        return sum(len(s.text) for line in self.lines for s in line.old if s.kind == "delete")

    def hunks(self, context: int = 3) -> list["Hunk"]:
        """The changed lines grouped with up to `context` unchanged lines around them.

        Changes closer than ``2 * context`` unchanged lines share a hunk, as in
        a unified diff. No change, no hunks.

        >>> found = diff_texts("一\\n二\\n三四五\\n六\\n七\\n八\\n九", "一\\n二\\n三四午\\n六\\n七\\n八\\n玖")
        >>> [[line.old_number for line in hunk.lines] for hunk in found.hunks(context=1)]
        [[2, 3, 4], [6, 7, None]]
        >>> [hunk.header() for hunk in found.hunks(context=1)]
        ['@@ -2,3 +2,3 @@', '@@ -6,2 +6,2 @@']
        """
        changed = [i for i, line in enumerate(self.lines) if line.kind != "equal"]
        spans: list[list[int]] = []
        for index in changed:
            start, end = max(0, index - context), min(len(self.lines), index + context + 1)
            if spans and start <= spans[-1][1]:
                spans[-1][1] = end
            else:
                spans.append([start, end])
        hunks = []
        for start, end in spans:
            before = self.lines[:start]
            old_before = sum(1 for line in before if line.old_number is not None)
            new_before = sum(1 for line in before if line.new_number is not None)
            lines = self.lines[start:end]
            old_count = sum(1 for line in lines if line.old_number is not None)
            new_count = sum(1 for line in lines if line.new_number is not None)
            hunks.append(Hunk(
                # As diff -u numbers an empty side: the line before it (0 at the top).
                old_start=old_before + (1 if old_count else 0), old_count=old_count,
                new_start=new_before + (1 if new_count else 0), new_count=new_count, lines=lines,
            ))
        return hunks


@dataclass(frozen=True)
class Hunk:
    """A run of the diff with changes in it: its lines, and where they start and how many on each side."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: tuple[DiffLine, ...]

    def header(self) -> str:
        """The unified diff's hunk line, ``@@ -start,count +start,count @@``."""
        return f"@@ -{self.old_start},{self.old_count} +{self.new_start},{self.new_count} @@"


def diff_texts(old: str, new: str) -> TextDiff:
    """Compare `old` with `new` line by line, and inside each changed line character by character.

    Lines are split on newlines only; a trailing newline adds no empty line.
    Plain and deterministic: the same two texts always give the same diff.

    >>> [(l.kind, l.old_text, l.new_text) for l in diff_texts("甲\\n乙", "甲\\n丙\\n乙").lines]
    [('equal', '甲', '甲'), ('insert', '', '丙'), ('equal', '乙', '乙')]
    """
    old_lines, new_lines = _lines(old), _lines(new)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    result: list[DiffLine] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for offset in range(a2 - a1):
                text = old_lines[a1 + offset]
                result.append(DiffLine("equal", a1 + offset + 1, b1 + offset + 1,
                                       (Segment("equal", text),), (Segment("equal", text),)))
        else:
            result.extend(_block(old_lines, a1, a2, new_lines, b1, b2))
    return TextDiff(tuple(result))


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def _block(old: list[str], a1: int, a2: int, new: list[str], b1: int, b2: int) -> Iterator[DiffLine]:
    """The lines of one differing block: pairs edited in place, and the lines left over.

    Each old line is paired with the first similar new line within
    `PAIRING_WINDOW` lines after the last pair; the lines skipped are inserted.
    """
    j = b1
    bigrams: dict[str, frozenset[str]] = {}
    for i in range(a1, a2):
        partner = next(
            (k for k in range(j, min(b2, j + PAIRING_WINDOW)) if _similar(old[i], new[k], bigrams)), None
        )
        if partner is None:
            yield _deleted(old[i], i + 1)
            continue
        for k in range(j, partner):
            yield _inserted(new[k], k + 1)
        old_segments, new_segments = _inline(old[i], new[partner])
        yield DiffLine("change", i + 1, partner + 1, old_segments, new_segments)
        j = partner + 1
    for k in range(j, b2):
        yield _inserted(new[k], k + 1)


def _common_ends(a: str, b: str) -> tuple[int, int]:
    """The lengths of the common prefix and (not overlapping it) common suffix of `a` and `b`.

    Found by halving with slice comparisons, which run in C: a 20,000-character
    paragraph with one insertion costs microseconds, not a Python loop per character.
    """
    limit = min(len(a), len(b))
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    prefix = low
    low, high = 0, limit - prefix
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle:] == b[len(b) - middle:]:
            low = middle
        else:
            high = middle - 1
    return prefix, low


def _matcher(a: str, b: str) -> difflib.SequenceMatcher:
    # Past a few thousand characters on both sides, an exact character diff costs
    # seconds; letting difflib skip its most frequent characters keeps it quick.
    return difflib.SequenceMatcher(None, a, b, autojunk=min(len(a), len(b)) > _EXACT_LIMIT)


def _bigrams(line: str) -> frozenset[str]:
    return frozenset(line[i:i + 2] for i in range(len(line) - 1)) if len(line) > 1 else frozenset((line,))


def _similar(a: str, b: str, bigrams: dict[str, frozenset[str]]) -> bool:
    """Whether `b` reads as `a` edited: shared character pairs (Dice) of at least `PAIRING_RATIO`.

    Character pairs, not a full alignment: linear in the lines' length, and two
    unrelated paragraphs on one topic, which share most of their characters,
    share few pairs.
    """
    prefix, suffix = _common_ends(a, b)
    if 2 * (prefix + suffix) >= PAIRING_RATIO * (len(a) + len(b)):
        return True  # the usual edit: most of the line untouched at its two ends, no pairs needed
    first = bigrams.get(a) or bigrams.setdefault(a, _bigrams(a))
    second = bigrams.get(b) or bigrams.setdefault(b, _bigrams(b))
    return 2 * len(first & second) >= PAIRING_RATIO * (len(first) + len(second))


def _deleted(text: str, number: int) -> DiffLine:
    return DiffLine("delete", number, None, (Segment("delete", text),), ())


def _inserted(text: str, number: int) -> DiffLine:
    return DiffLine("insert", None, number, (), (Segment("insert", text),))


def _inline(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The two sides of an edited line as segments, short kept runs between changes folded in."""
    prefix, suffix = _common_ends(old, new)
    middle_old, middle_new = old[prefix:len(old) - suffix], new[prefix:len(new) - suffix]
    opcodes = [("equal", 0, prefix, 0, prefix)] if prefix else []
    opcodes += [
        (op, a1 + prefix, a2 + prefix, b1 + prefix, b2 + prefix)
        for op, a1, a2, b1, b2 in _matcher(middle_old, middle_new).get_opcodes()
    ]
    if suffix:
        opcodes.append(("equal", len(old) - suffix, len(old), len(new) - suffix, len(new)))
    old_side: list[Segment] = []
    new_side: list[Segment] = []
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        inner = 0 < index < len(opcodes) - 1
        if op == "equal" and not (inner and a2 - a1 <= _SHORT_EQUAL):
            _append(old_side, "equal", old[a1:a2])
            _append(new_side, "equal", new[b1:b2])
        else:
            _append(old_side, "delete", old[a1:a2])
            _append(new_side, "insert", new[b1:b2])
    return tuple(old_side), tuple(new_side)


def _append(side: list[Segment], kind: SegmentKind, text: str) -> None:
    """Add a run to one side, joining it to the previous run of the same kind."""
    if not text:
        return
    if side and side[-1].kind == kind:
        side[-1] = Segment(kind, side[-1].text + text)
    else:
        side.append(Segment(kind, text))
