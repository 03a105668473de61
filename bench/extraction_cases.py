"""Labelled pages for the extraction benchmark, loaded into one shape.

Three sources: the real corpus under ../shared/corpus/real (beside the repository) (cwced, magic-html,
trafilatura-eval, fundus-people), the unlabelled real pages there that
bench/labels marks by selectors (`load_selector_cases`), and the project's own
hand-made set in tests/extraction_pages. Each page becomes a `Case` holding the raw bytes, the
expected text (when there is one) and whatever fields the source labels.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# shared/ sits beside the repository, on developers' machines and in CI alike.
REAL_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
OWN_PAGES = Path(__file__).resolve().parent.parent / "tests" / "extraction_pages"

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)


@dataclass
class Case:
    """One labelled page. `expected_text` None means only snippets are checked."""

    set_name: str
    name: str
    raw: bytes
    url: str | None = None
    content_type: str | None = None
    expected_text: str | None = None
    fields: dict[str, str | None] = field(default_factory=dict)
    must_have: list[str] = field(default_factory=list)
    must_not_have: list[str] = field(default_factory=list)
    layout: str | None = None
    holdout: bool = False


def decode_bytes(raw: bytes, content_type: str | None = None) -> str:
    """Decode page bytes: the project's decoder if present, else a local stand-in."""
    try:
        from pipeline.decode import decode_html  # written by another engineer
    except ImportError:
        decode_html = None
    if decode_html is not None:
        return decode_html(raw, content_type).text
    try:
        raw.decode("utf-8")
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _CHARSET_RE.search(raw[:4096])
    if match:
        name = match.group(1).decode("ascii", "replace").lower()
        if name in {"gb2312", "gbk", "gb_2312-80", "x-gbk"}:
            name = "gb18030"
        try:
            return raw.decode(name, errors="replace")
        except LookupError:
            pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(raw).best()
    if best is not None and best.encoding:
        enc = "gb18030" if best.encoding in {"gb2312", "gbk"} else best.encoding
        return raw.decode(enc, errors="replace")
    return raw.decode("gb18030", errors="replace")


def _unknown(value: str) -> str | None:
    value = value.strip()
    return None if not value or value == "UNKNOWN" else value


def _load_cwced(root: Path) -> list[Case]:
    cases = []
    for html in sorted((root / "html").glob("*.html")):
        stem = html.stem
        author = _unknown((root / "author" / f"{stem}.txt").read_text("utf-8"))
        date = _unknown((root / "date" / f"{stem}.txt").read_text("utf-8"))
        cases.append(
            Case(
                set_name="cwced",
                name=stem[:8],
                raw=html.read_bytes(),
                expected_text=(root / "text" / f"{stem}.txt").read_text("utf-8"),
                fields={"author": author, "published": date},
            )
        )
    return cases


def _load_magic(root: Path) -> list[Case]:
    index = json.loads((root / "index.json").read_text("utf-8"))
    cases = []
    for html in sorted((root / "html").glob("*.html")):
        cases.append(
            Case(
                set_name="magic-html",
                name=html.stem[:8],
                raw=html.read_bytes(),
                url=index.get(html.stem, {}).get("url"),
                expected_text=(root / "text" / f"{html.stem}.txt").read_text("utf-8"),
            )
        )
    return cases


def _load_trafilatura_eval(root: Path) -> list[Case]:
    entries = json.loads((root / "evaldata-zh.json").read_text("utf-8"))
    cases = []
    for url, entry in entries.items():
        cases.append(
            Case(
                set_name="trafilatura-eval",
                name=entry["file"][:24],
                raw=(root / "html" / entry["file"]).read_bytes(),
                url=url,
                must_have=list(entry.get("with", [])),
                must_not_have=list(entry.get("without", [])),
                fields={"title": entry.get("title") or None, "published": entry.get("date") or None},
            )
        )
    return cases


def _load_fundus(root: Path) -> list[Case]:
    data = json.loads((root / "People.json").read_text("utf-8"))["V1"]
    meta = json.loads((root / "meta.info.json").read_text("utf-8"))
    paragraphs = [p for s in data["body"]["sections"] for p in s["paragraphs"]]
    html = root / "People_2024_04_24.html"
    return [
        Case(
            set_name="fundus-people",
            name="people-2024-04-24",
            raw=html.read_bytes(),
            url=next(iter(meta.values()))["url"],
            expected_text="\n".join(paragraphs),
            fields={"title": data.get("title")},
        )
    ]


def load_real_cases(root: Path = REAL_CORPUS) -> list[Case]:
    """All labelled real pages, or [] when the shared corpus is not mounted."""
    if not root.is_dir():
        return []
    cases: list[Case] = []
    for loader, sub in (
        (_load_cwced, "cwced"),
        (_load_magic, "magic-html"),
        (_load_trafilatura_eval, "trafilatura-eval"),
        (_load_fundus, "fundus-people"),
    ):
        if (root / sub).is_dir():
            cases.extend(loader(root / sub))
    return cases


def load_selector_cases(root: Path = REAL_CORPUS) -> list[Case]:
    """The real pages labelled by selectors (bench/labels), gold text computed from each page.

    [] when the shared corpus is not mounted. The pages are UTF-8 DOM
    snapshots; they are decoded like any other page.
    """
    from bench.selector_labels import gold_text, load_labels

    folder = root / "unlabeled" / "gne"
    if not folder.is_dir():
        return []
    cases = []
    for name, label in sorted(load_labels("gne").items()):
        raw = (folder / name).read_bytes()
        cases.append(
            Case(
                set_name="gne",
                name=name.removesuffix(".html"),
                raw=raw,
                expected_text=gold_text(decode_bytes(raw), label, name),
                fields=dict(label.fields),
            )
        )
    return cases


def load_own_cases(root: Path = OWN_PAGES) -> list[Case]:
    """The hand-made cases: <name>.html (bytes as served) beside <name>.json."""
    if not root.is_dir():
        return []
    cases = []
    for spec_path in sorted(root.glob("*.json")):
        html = spec_path.with_suffix(".html")
        if not html.exists():
            log.warning("case %s has no .html beside it; skipped", spec_path.name)
            continue
        spec = json.loads(spec_path.read_text("utf-8"))
        expected = dict(spec.get("expected") or {})
        text = expected.pop("text", None)
        cases.append(
            Case(
                set_name="own",
                name=spec_path.stem,
                raw=html.read_bytes(),
                url=spec.get("url"),
                content_type=spec.get("content_type"),
                expected_text=text,
                fields=expected,
                must_not_have=list(spec.get("boilerplate") or []),
                layout=spec.get("layout"),
                holdout=bool(spec.get("holdout")),
            )
        )
    return cases
