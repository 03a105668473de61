"""What ``dangan family URL`` prints: the copies of a text, their similarity to the canonical one, and diffs.

The store says which documents are in the family (`storage.families.family_of`);
this module only lays them out. Similarity is the exact Jaccard similarity
of the two texts' shingle sets (`pipeline.near_duplicates.shingle_jaccard`),
the value the stored MinHash signatures estimate, on the form texts are
compared in (simplified script, no punctuation or spaces). The diffs are
`dangan diff`'s (`dangan.diff_view`) over the texts as stored: a dateline, an
editor's note or a dropped signature shows as the lines it added or removed,
and a change inside a line as the characters it changed. Every stored string
passes through `dangan.terminal_text.for_terminal`.

Example:
    >>> from datetime import datetime
    >>> from storage.families import FamilyMember, FamilyView
    >>> def member(url, text, canonical):
    ...     return FamilyMember(url=url, source="gov", version=1, title="通知", published="2024-03-05",
    ...                         first_seen=datetime(2024, 3, 5, 9), text=text, is_canonical=canonical)
    >>> view = FamilyView(family_id=7, canonical_url="http://a.gov.cn/1.html", members=(
    ...     member("http://a.gov.cn/1.html", "现将有关事项通知如下。\\n请认真贯彻落实。", True),
    ...     member("http://b.gov.cn/2.html", "新华社电\\n現將有關事項通知如下。\\n請認真貫徹落實。", False)))
    >>> print(family_listing(view))
    family 7: 2 copies; canonical http://a.gov.cn/1.html
    similarity  published   first seen (UTC)     source version  url
    canonical   2024-03-05  2024-03-05 09:00:00  gov    1        http://a.gov.cn/1.html
    0.76        2024-03-05  2024-03-05 09:00:00  gov    1        http://b.gov.cn/2.html
"""

from __future__ import annotations

from rich.console import Console

from core.text_diff import diff_texts
from dangan.diff_view import print_text_diff
from dangan.terminal_text import for_terminal
from pipeline.near_duplicates import shingle_jaccard
from storage.families import FamilyMember, FamilyView


def print_family(console: Console, view: FamilyView, *, diffs: bool = True) -> None:
    """Print the listing of a family's copies, then (with `diffs`) each copy's diff against the canonical one."""
    console.print(family_listing(view), markup=False, highlight=False, soft_wrap=True)
    canonical = _canonical(view)
    if not diffs or canonical is None:
        return
    for member in view.members:
        if member is canonical:
            continue
        console.print()
        text = diff_texts(canonical.text, member.text)
        if not text.changed:
            console.print(for_terminal(f"{member.url} v{member.version}: the same text as the canonical copy"),
                          markup=False, highlight=False, soft_wrap=True)
            continue
        labels = (f"{canonical.url} v{canonical.version} (canonical)", f"{member.url} v{member.version}")
        print_text_diff(console, text, labels)


def family_listing(view: FamilyView) -> str:
    """The family's header line and one line per copy: similarity, dates, source, version, URL."""
    canonical = _canonical(view)
    copies = len(view.members)
    lines = [f"family {view.family_id}: {copies} cop{'y' if copies == 1 else 'ies'}; "
             f"canonical {view.canonical_url or '(none: every copy has left)'}"]
    source_width = max([len("source"), *(len(m.source) for m in view.members)])
    lines.append(f"{'similarity':<11} {'published':<11} {'first seen (UTC)':<20} {'source':<{source_width}} "
                 f"{'version':<8} url")
    for member in view.members:
        lines.append(
            f"{_similarity(member, canonical):<11} {(member.published or '-')[:10]:<11} "
            f"{member.first_seen.isoformat(sep=' ', timespec='seconds'):<20} {member.source:<{source_width}} "
            f"{member.version:<8} {member.url}"
        )
    return for_terminal("\n".join(lines))


def _canonical(view: FamilyView) -> FamilyMember | None:
    return next((m for m in view.members if m.is_canonical), None)


def _similarity(member: FamilyMember, canonical: FamilyMember | None) -> str:
    if member.is_canonical:
        return "canonical"
    if canonical is None:
        return "-"
    return f"{shingle_jaccard(canonical.text, member.text):.2f}"
