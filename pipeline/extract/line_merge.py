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
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

# Share of trafilatura's characters that must lie inside the block before the
# block's lines may be restored: below it the two disagree about the article.
_MIN_INSIDE = 0.8
# Trafilatura's answer is replaced by the block when it holds less than this
# share of the block's characters: it has then missed most of the article.
_MIN_SHARE_OF_BLOCK = 0.5


def _squash(text: str) -> str:
    return "".join(text.split())


# Lines are matched on their ends, so a line trafilatura cleaned a little
# (a control character gone, a run of spaces squeezed) still counts as kept.
_END_CHARS = 12


def _find(line: str, lines: list[str], start: int) -> int:
    """Index of the first of `lines` from `start` that holds `line` (or is held by it), else -1."""
    head, tail = line[:_END_CHARS], line[-_END_CHARS:]
    for j in range(start, len(lines)):
        candidate = lines[j]
        if head in candidate or tail in candidate or (len(candidate) >= 4 and candidate in line):
            return j
    return -1


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
    whole_block = "\n".join(squashed_theirs)
    inside = sum(len(line) for line in squashed_ours if line in whole_block)
    if inside < _MIN_INSIDE * ours_len:
        return extracted

    # Walk the block in order; each line trafilatura lost is attached after
    # the last of trafilatura's lines matched so far. Short lines (a "——习近平"
    # under each quote) match too easily to move that position.
    whole_ours = "\n".join(squashed_ours)
    restored: dict[int, list[str]] = {}
    last = -1
    for line, squashed in zip(theirs, squashed_theirs):
        found = _find(squashed, squashed_ours, max(last, 0))
        if found >= 0:
            if len(squashed) >= _END_CHARS:
                last = found
        elif squashed[:_END_CHARS] not in whole_ours and squashed[-_END_CHARS:] not in whole_ours:
            restored.setdefault(last, []).append(line)
    if not restored:
        return extracted
    out = list(restored.get(-1, []))
    for i, line in enumerate(ours):
        out.append(line)
        out.extend(restored.get(i, []))
    return "\n".join(out)
