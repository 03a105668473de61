"""``dangan history`` as text: a document's state, then each version with its provenance.

Plain aligned lines, not a table: dates, hashes, WARC file names and record
ids must never be cut or wrapped, whatever the terminal's width, and the
output stays greppable. Every stored string (title, URL) passes through
`dangan.terminal_text.for_terminal`.
"""

from __future__ import annotations

from datetime import datetime

from dangan.terminal_text import for_terminal
from storage.history import DocumentHistory

#: What each stored reason means, in the words the history prints after it.
REASONS = {"new": "first seen", "changed": "changed on the site", "reprocess": "re-extracted with new rules"}


def _when(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")


def history_lines(found: DocumentHistory, *, live_at: tuple[datetime, int] | None = None) -> list[str]:
    """The lines ``dangan history`` prints; `live_at` (moment, version number) marks the version live then.

    >>> from storage.history import VersionSummary
    >>> day = datetime(2024, 5, 1, 8)
    >>> doc = DocumentHistory("http://www.gov.cn/a.htm", "gov", "gone", day, day, day, None, (
    ...     VersionSummary(1, day, day, "ab" * 32, "通知\\x1b[2J", "new", "zh-5", ()),))
    >>> print("\\n".join(history_lines(doc)[:2]))
    http://www.gov.cn/a.htm
    source gov · gone since 2024-05-01 08:00:00 UTC · archived 2024-05-01 08:00:00 to 2024-05-01 08:00:00
    >>> history_lines(doc)[4]
    '         title: 通知\\\\x1b[2J'
    """
    status = (
        f"gone since {_when(found.gone_at)} UTC" if found.status == "gone" and found.gone_at
        else found.status
    )
    lines = [
        for_terminal(found.url),
        f"source {for_terminal(found.source)} · {status} · archived {_when(found.first_seen)} to {_when(found.last_seen)}",
    ]
    if found.duplicate_of:
        lines.append(f"repeats the text of {for_terminal(found.duplicate_of)}")
    if live_at is not None:
        lines.append(f"live at {_when(live_at[0])} UTC: version {live_at[1]}")
    lines.append(
        f"{'version':<8} {'first seen (UTC)':<20} {'last seen (UTC)':<20} {'reason':<10} {'extractor':<10} text sha256"
    )
    for item in found.versions:
        marker = "*" if live_at is not None and live_at[1] == item.number else ""
        lines.append(
            f"{str(item.number) + marker:<8} {_when(item.first_seen):<20} {_when(item.last_seen):<20} "
            f"{item.reason:<10} {item.extractor_version:<10} {item.text_sha256}"
        )
        lines.append(f"{'':<8} title: {for_terminal(item.title or '(none)')}")
        lines.append(f"{'':<8} why: {REASONS.get(item.reason, item.reason)}")
        if item.encoding:
            lines.append(f"{'':<8} decoded as {item.encoding} ({for_terminal(item.encoding_reason or 'no reason kept')})")
        for capture in item.captures:
            kind = f"revisit ({capture.revisit})" if capture.revisit else f"HTTP {capture.status_code}"
            lines.append(
                f"{'':<8} capture {capture.id} · {_when(capture.fetched_at)} · {kind} · {capture.warc_file} · "
                f"{capture.warc_record_id} · payload sha256 {capture.payload_sha256}"
            )
    return lines
