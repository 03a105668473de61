"""Snapshot what extraction makes of every HTML page the project holds.

Why this exists: the processing code is being refactored, and the refactor must
not change a single byte of what extraction produces. This script runs the
crawl's processing function (and the ``dangan extract`` path) over every page
we have, and writes the results as sorted JSON lines. Run it once on the code
before the refactor and once after, then compare the two files with ``diff``
or ``cmp``: identical files mean identical extraction.

Usage::

    python -m bench.extraction_snapshot --out FILE [--corpus DIR]

The pages, grouped into sets (the first part of each page id):

- ``extraction_pages``  tests/extraction_pages/*.html (URL and Content-Type from the sibling .json)
- ``crawl_site``        the crawl-test site (tests/site/pages.py), states 1 and 2, every
                        page the test server answers 200 with an HTML Content-Type
- ``demo_site``         dangan/demo_site/ (Content-Type from its content_types.json)
- ``synthetic_site``    a small build of the benchmark site (bench/synthetic_site.py)
- ``cwced``, ``magic-html``, ``trafilatura-eval``, ``fundus-people``, ``unlabeled``
                        the real corpus in shared/corpus/real beside the repository

Each page gives two records, one per "kind":

- ``process``      the crawl's processing function on (bytes, Content-Type, URL)
- ``extract_cmd``  what ``dangan extract FILE`` computes for the file

Each output line is ``{"page": ..., "kind": ..., "result": {...}}`` or
``{"page": ..., "kind": ..., "error": "ErrorType: message"}``, written with
sorted keys and ``ensure_ascii=False``, the lines sorted by (page, kind).
Nothing in a record depends on where temporary files were written, so two runs
of the same code give byte-identical files.

To point the script at a refactored API, edit only the two adapter functions
just below (`process_page` and `extract_file`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

# ---------------------------------------------------------------------------
# Adapters: the only places that know how the code under test is called.
# ---------------------------------------------------------------------------


def process_page(body: bytes, content_type: str | None, url: str) -> dict:
    """Run the crawl's processing function on one capture; return its fields as a dict.

    This is THE adapter for the processing function. In the pre-refactor code it
    was `pipeline.process.process_capture`; now it is `pipeline.process.process_page`
    followed by `require_article_text` (what a crawl's worker runs), returning a
    `ProcessedPage` whose `as_dict` gives the same flat fields the first snapshot had.
    It may raise a `core.errors.DanganError` subclass; the caller records it.
    """
    from pipeline.process import process_page as process, require_article_text

    page = process(body, content_type, url)
    require_article_text(page, url)  # as the crawl's worker does
    return page.as_dict()


def extract_file(path: str) -> dict:
    """Run what ``dangan extract PATH`` runs on one local file; return its record.

    `path` is relative to the current directory (the caller changes into the
    set's folder first), so the record's "path" field holds no temp-dir names.
    """
    from dangan.page_input import read_and_extract

    return read_and_extract(path)


def expected_error_types() -> tuple[type[BaseException], ...]:
    """The error types the code raises on purpose (anything else is flagged as unexpected)."""
    from core.errors import DanganError

    return (DanganError,)


# ---------------------------------------------------------------------------
# Collecting the pages
# ---------------------------------------------------------------------------

REPO_ROOT = Path(__file__).resolve().parent.parent
MADE_UP_HOST = "http://example.gov.cn/"
SYNTHETIC_ARTICLES = 30  # small, and the site is built from a fixed seed, so deterministic
SYNTHETIC_PER_LISTING = 10


class Page(NamedTuple):
    """One page to snapshot.

    `page_id` is "<set>/<relative path>". `file` is the local file holding the
    bytes and `root` the folder `extract_file` is run from (so the path it
    sees is `file` relative to `root`).
    """

    page_id: str
    file: Path
    root: Path
    content_type: str | None
    url: str


def _made_up_url(relative_path: str) -> str:
    """A stable URL for a page whose real URL we do not know."""
    return MADE_UP_HOST + relative_path


def _is_html_content_type(content_type: str | None) -> bool:
    return content_type is None or content_type.split(";")[0].strip().lower() in {"text/html", "application/xhtml+xml"}


def extraction_pages() -> Iterator[Page]:
    """tests/extraction_pages/*.html; each sibling .json gives url and content_type."""
    folder = REPO_ROOT / "tests" / "extraction_pages"
    for html in sorted(folder.glob("*.html")):
        spec_file = html.with_suffix(".json")
        spec = json.loads(spec_file.read_text(encoding="utf-8")) if spec_file.exists() else {}
        yield Page(
            page_id=f"extraction_pages/{html.name}",
            file=html,
            root=folder,
            content_type=spec.get("content_type"),
            url=spec.get("url") or _made_up_url(f"extraction_pages/{html.name}"),
        )


def crawl_site_pages(workdir: Path) -> Iterator[Page]:
    """Both states of the crawl-test site, built into `workdir`.

    `index.json` maps URL path -> {file, status, content_type}. Every 200 HTML
    entry is taken; the page id and URL use the URL path the test server serves
    it under (the host is made up, as the real one is a random local port).
    The calendar pages are generated per request by the server and the 404 page
    is not a 200 answer, so neither is included.
    """
    from tests.site.pages import build_state

    for state in (1, 2):
        folder = build_state(state, workdir / f"state{state}")
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        for url_path, entry in index.items():
            if entry["status"] != 200 or not _is_html_content_type(entry["content_type"]):
                continue
            yield Page(
                page_id=f"crawl_site/state{state}{url_path}",
                file=folder / entry["file"],
                root=folder,
                content_type=entry["content_type"],
                url=MADE_UP_HOST.rstrip("/") + url_path,
            )


def _static_site_pages(set_name: str, folder: Path) -> Iterator[Page]:
    """Every .html file in a folder served by `dangan.static_site` (content_types.json gives headers).

    A file missing from content_types.json is served as "text/html", as
    `dangan.static_site` does.
    """
    manifest = folder / "content_types.json"
    content_types = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    for html in sorted(folder.rglob("*.html")):
        relative = html.relative_to(folder).as_posix()
        yield Page(
            page_id=f"{set_name}/{relative}",
            file=html,
            root=folder,
            content_type=content_types.get(relative, "text/html"),
            url=_made_up_url(relative),
        )


def demo_site_pages() -> Iterator[Page]:
    """dangan/demo_site/, the site `dangan demo` serves."""
    yield from _static_site_pages("demo_site", REPO_ROOT / "dangan" / "demo_site")


def synthetic_site_pages(workdir: Path) -> Iterator[Page]:
    """A small build of the pipeline benchmark's synthetic site (articles, listings, home page)."""
    from bench.synthetic_site import build_site

    folder = workdir / "synthetic"
    build_site(folder, articles=SYNTHETIC_ARTICLES, per_listing=SYNTHETIC_PER_LISTING)
    yield from _static_site_pages("synthetic_site", folder)


def default_corpus() -> Path | None:
    """shared/corpus/real beside the repository, or None when it cannot be found.

    "Beside the repository" is checked for this checkout and, when this is a
    git worktree living elsewhere (e.g. /tmp/baseline), for the main checkout
    the worktree belongs to.
    """
    candidates = [REPO_ROOT.parent / "shared" / "corpus" / "real"]
    try:
        common = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
            cwd=REPO_ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()
        candidates.append(Path(common).parent.parent / "shared" / "corpus" / "real")
    except (OSError, subprocess.CalledProcessError):
        pass
    return next((c for c in candidates if c.is_dir()), None)


def corpus_pages(corpus: Path) -> Iterator[Page]:
    """The real pages in shared/corpus/real. None has a known Content-Type; some have a known URL."""
    # Known URLs, by file path relative to the corpus folder.
    urls: dict[str, str] = {}
    magic_index = corpus / "magic-html" / "index.json"
    if magic_index.exists():
        for name, entry in json.loads(magic_index.read_text(encoding="utf-8")).items():
            if entry.get("url"):
                urls[f"magic-html/html/{name}.html"] = entry["url"]
    trafilatura_index = corpus / "trafilatura-eval" / "evaldata-zh.json"
    if trafilatura_index.exists():
        for url, entry in json.loads(trafilatura_index.read_text(encoding="utf-8")).items():
            urls[f"trafilatura-eval/html/{entry['file']}"] = url
    fundus_index = corpus / "fundus-people" / "meta.info.json"
    if fundus_index.exists():
        for name, entry in json.loads(fundus_index.read_text(encoding="utf-8")).items():
            if entry.get("url"):  # keyed by the original .html.gz name; the file here is unzipped
                urls[f"fundus-people/{name.removesuffix('.gz')}"] = entry["url"]
    # cwced and unlabeled/gne index.json files give charsets and source paths, not URLs.

    files = (
        sorted((corpus / "cwced" / "html").glob("*"))
        + sorted((corpus / "magic-html" / "html").glob("*"))
        + sorted((corpus / "trafilatura-eval" / "html").glob("*"))
        + sorted((corpus / "fundus-people").glob("*.html"))
        + sorted((corpus / "unlabeled").rglob("*.html"))
    )
    for file in files:
        if not file.is_file():
            continue
        relative = file.relative_to(corpus).as_posix()
        yield Page(
            page_id=relative,  # starts with the set name: cwced/, magic-html/, ...
            file=file,
            root=corpus,
            content_type=None,
            url=urls.get(relative) or _made_up_url(relative),
        )


# ---------------------------------------------------------------------------
# Running and writing
# ---------------------------------------------------------------------------


def _run(call: Callable[[], dict], unexpected: list[str], label: str) -> dict:
    """Call `call`; return {"result": ...} or {"error": "Type: message"}.

    Errors the code raises on purpose are ordinary results to snapshot. Any
    other exception is recorded the same way (so one bad page does not stop
    the snapshot) and also listed in `unexpected` for the summary.
    """
    try:
        return {"result": call()}
    except Exception as exc:  # noqa: BLE001 - recorded, not hidden
        if not isinstance(exc, expected_error_types()):
            unexpected.append(f"{label}: {type(exc).__name__}")
        return {"error": f"{type(exc).__name__}: {exc}"}


def snapshot(pages: list[Page]) -> tuple[list[dict], list[str]]:
    """Both kinds of record for every page, sorted by (page, kind); plus unexpected-error labels."""
    records: list[dict] = []
    unexpected: list[str] = []
    for page in sorted(pages, key=lambda p: p.page_id):
        body = page.file.read_bytes()
        records.append({"page": page.page_id, "kind": "process",
                        **_run(lambda: process_page(body, page.content_type, page.url),
                               unexpected, f"{page.page_id} process")})
        relative = page.file.relative_to(page.root).as_posix()
        with contextlib.chdir(page.root):
            records.append({"page": page.page_id, "kind": "extract_cmd",
                            **_run(lambda: extract_file(relative), unexpected, f"{page.page_id} extract_cmd")})
    records.sort(key=lambda r: (r["page"], r["kind"]))
    return records, unexpected


def collect_pages(workdir: Path, corpus: Path | None) -> list[Page]:
    """Every page from every set; a duplicate page id is a bug in this script."""
    pages = [
        *extraction_pages(),
        *crawl_site_pages(workdir),
        *demo_site_pages(),
        *synthetic_site_pages(workdir),
    ]
    if corpus is None:
        print("note: shared/corpus/real not found beside the repository; skipping the real corpus "
              "(pass --corpus DIR to include it)", file=sys.stderr)
    else:
        print(f"real corpus: {corpus}", file=sys.stderr)
        pages += corpus_pages(corpus)
    ids = [p.page_id for p in pages]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise SystemExit(f"duplicate page ids: {sorted(duplicates)}")
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", required=True, type=Path, help="the JSON-lines file to write")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="the shared/corpus/real folder (default: found beside the repository)")
    args = parser.parse_args(argv)
    corpus = args.corpus if args.corpus is not None else default_corpus()
    if corpus is not None and not corpus.is_dir():
        parser.error(f"--corpus {corpus}: no such folder")

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="extraction_snapshot_") as tmp:
        pages = collect_pages(Path(tmp), corpus)
        records, unexpected = snapshot(pages)
    elapsed = time.monotonic() - started

    with args.out.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")

    # Summary on stderr: pages per set, errors per set and kind.
    sets: dict[str, dict[str, int]] = {}
    for record in records:
        counts = sets.setdefault(record["page"].split("/", 1)[0], {"pages": 0, "process errors": 0,
                                                                   "extract_cmd errors": 0})
        if record["kind"] == "process":
            counts["pages"] += 1
        if "error" in record:
            counts[f"{record['kind']} errors"] += 1
    for name, counts in sorted(sets.items()):
        print(f"{name:20} " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
    errors = sum(1 for r in records if "error" in r)
    print(f"{len(pages)} pages, {len(records)} records, {errors} errors, "
          f"{len(unexpected)} unexpected (not DanganError); {elapsed:.1f} s -> {args.out}", file=sys.stderr)
    for label in unexpected:
        print(f"  unexpected: {label}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
