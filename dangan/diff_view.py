"""``dangan diff`` on a terminal: the diff model (`core.text_diff`) drawn with rich.

Two layouts: a unified diff (``-`` and ``+`` lines, hunks of context), or two
columns side by side. Either way, a line edited in place shows what was
deleted and inserted inside it: in colour on a terminal (deleted characters
red on the old line, inserted ones green on the new), and, where there is no
colour (a pipe, a file, ``NO_COLOR``), between git's word-diff marks
``[-…-]`` and ``{+…+}``, so the change is visible in any output.

Every stored string passes through `dangan.terminal_text.for_terminal` first.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from core.text_diff import DiffLine, Segment, TextDiff
from dangan.terminal_text import for_terminal
from storage.history import VersionDiff

#: Unchanged lines shown around each change.
CONTEXT_LINES = 3

_STYLE = {
    "delete_line": "red",
    "insert_line": "green",
    "delete": "bold white on red",
    "insert": "bold black on green",
    "header": "bold",
    "hunk": "cyan",
}
_MARKS = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}


def print_diff(console: Console, found: VersionDiff, *, side_by_side: bool = False) -> None:
    """Print `found` on `console`: unified, or in two columns with `side_by_side`.

    Colour is used when the console has it; otherwise changes inside a line
    are marked ``[-deleted-]`` and ``{+inserted+}``. Nothing is printed when
    the two versions have the same text.
    """
    print_text_diff(console, found.text, found.labels(), side_by_side=side_by_side)


def print_text_diff(
    console: Console, text: TextDiff, labels: tuple[str, str], *, side_by_side: bool = False
) -> None:
    """Print any two texts' diff (`core.text_diff.diff_texts`) under the two `labels`, as `print_diff` does."""
    if not text.changed:
        return
    colour = console.is_terminal and console.color_system is not None and not console.no_color
    old_label, new_label = (for_terminal(label) for label in labels)
    if side_by_side:
        console.print(_columns(text, old_label, new_label, colour), soft_wrap=False)
    else:
        for line in _unified(text, old_label, new_label, colour):
            console.print(line, soft_wrap=True, highlight=False)


def _unified(text: TextDiff, old_label: str, new_label: str, colour: bool) -> list[Text]:
    out = [Text(f"--- {old_label}", style=_STYLE["header"]), Text(f"+++ {new_label}", style=_STYLE["header"])]
    for hunk in text.hunks(CONTEXT_LINES):
        out.append(Text(hunk.header(), style=_STYLE["hunk"]))
        for line in hunk.lines:
            if line.kind == "equal":
                out.append(Text(" " + for_terminal(line.old_text)))
            if line.kind in ("delete", "change"):
                out.append(_side("-", line.old, "delete", line.kind == "change", colour))
            if line.kind in ("insert", "change"):
                out.append(_side("+", line.new, "insert", line.kind == "change", colour))
    return out


def _side(prefix: str, segments: tuple[Segment, ...], changed: str, inline: bool, colour: bool) -> Text:
    """One side of a line: the prefix, then its segments, changes marked by colour or by marks."""
    text = Text(prefix, style=_STYLE[f"{changed}_line"] if colour else "")
    for segment in segments:
        shown = for_terminal(segment.text)
        if segment.kind == "equal" or not inline:
            text.append(shown, style=_STYLE[f"{changed}_line"] if colour else "")
        elif colour:
            text.append(shown, style=_STYLE[changed])
        else:
            opening, closing = _MARKS[changed]
            text.append(f"{opening}{shown}{closing}")
    return text


def _columns(text: TextDiff, old_label: str, new_label: str, colour: bool) -> Table:
    table = Table(show_header=True, header_style=_STYLE["header"], expand=True, pad_edge=False)
    table.add_column("", justify="right", style="dim", no_wrap=True)
    table.add_column(old_label, ratio=1, overflow="fold")
    table.add_column("", justify="right", style="dim", no_wrap=True)
    table.add_column(new_label, ratio=1, overflow="fold")
    for number, hunk in enumerate(text.hunks(CONTEXT_LINES)):
        if number:
            table.add_row("…", "", "…", "")
        for line in hunk.lines:
            table.add_row(*_row(line, colour))
    return table


def _row(line: DiffLine, colour: bool) -> tuple[str, Text, str, Text]:
    inline = line.kind == "change"
    old = _side("", line.old, "delete", inline, colour) if line.kind != "equal" else Text(for_terminal(line.old_text))
    new = _side("", line.new, "insert", inline, colour) if line.kind != "equal" else Text(for_terminal(line.new_text))
    return (
        str(line.old_number) if line.old_number else "", old,
        str(line.new_number) if line.new_number else "", new,
    )
