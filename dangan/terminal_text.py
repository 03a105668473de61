"""Stored text made safe to print: a page must never drive the terminal that shows it.

Archived pages are hostile input. A title or paragraph holding ``ESC[2J``
would clear the archivist's screen, an OSC sequence would retitle the window,
cursor moves could paint false text over true. Every command that prints a
stored text or title passes it through `for_terminal` first, which spells out
each C0 and C1 control character (and DEL) as a visible escape, keeping only
newlines and tabs, so the archivist sees that the page carried them.
"""

from __future__ import annotations

import re

# C0 (U+0000-U+001F) but tab and newline, DEL, and C1 (U+0080-U+009F): the
# characters a terminal acts on rather than shows.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """`text` with every control character but newline and tab written as ``\\xNN``.

    >>> for_terminal("标题\\x1b[2J\\x1b]0;pwned\\x07\\n\\t正文\\x9b")
    '标题\\\\x1b[2J\\\\x1b]0;pwned\\\\x07\\n\\t正文\\\\x9b'
    """
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)
