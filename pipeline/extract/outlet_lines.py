"""Drop the outlet's name when it stands alone as a line outside the article block.

Portals print the outlet beside the date in a byline slot of its own
(`<span class="caas-attr-provider">香港經濟日報</span><time>…</time>`), and old
table layouts print it as the masthead cell; trafilatura keeps such a cell as a
line of its own, above or below the article. The name is the Article's
`origin`, not a line of its text.

A notice's signature can be the same words as its issuing body
(发布机构), and it is article text. So a line goes only when it is the origin
and nothing else, the densest block (the article) does not hold it as a
line, and no date line follows it, as one follows a signature. Nor does it go
when that would leave the text (nearly) empty: a page whose only words are
its outlet's name keeps them.
"""

from __future__ import annotations

import re

# Brackets and table bars a name may carry once rendered as a line: "| 臺灣新生報 |", "【新华社】".
_WRAPPING = "|｜[]【】()（）〔〕<>《》 "
_DATE_LINE = re.compile(r"^\D{0,4}(?:19|20)\d{2}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}")
# A name this long or longer is a sentence, not an outlet.
_MAX_NAME_CHARS = 30
# What must be left after the drop for it to happen at all.
_MIN_LEFT_CHARS = 20


def _squash(text: str) -> str:
    return "".join(text.split()).strip(_WRAPPING)


def drop_outlet_lines(text: str, block: str, origin: str | None) -> str:
    """`text` without the lines that are only the outlet's name `origin`, when `block` does not hold them.

    `block` is the article block's text, one paragraph per line.

    >>> drop_outlet_lines("香港經濟日報\\n電車公司宣佈下月起調整車費，成人收費增至三元三角。", "電車公司宣佈下月起調整車費，成人收費增至三元三角。", "香港經濟日報")
    '電車公司宣佈下月起調整車費，成人收費增至三元三角。'
    """
    name = _squash(origin or "")
    if not 2 <= len(name) <= _MAX_NAME_CHARS or name not in text.replace(" ", ""):
        return text
    in_block = {_squash(line) for line in block.splitlines()}
    if name in in_block:
        return text
    lines = text.split("\n")
    kept = [
        line for i, line in enumerate(lines)
        if _squash(line) != name or (i + 1 < len(lines) and _DATE_LINE.match(lines[i + 1].strip()))
    ]
    if len(kept) == len(lines) or sum(len(_squash(line)) for line in kept) < _MIN_LEFT_CHARS:
        return text
    return "\n".join(kept)
