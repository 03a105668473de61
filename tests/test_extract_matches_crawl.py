"""`dangan extract` on a saved page shows exactly what a crawl of that page stores.

Both go through one processing function; these tests hold that true over
every page we keep, the sets `bench.extraction_snapshot` collects: the
hand-made extraction pages, the crawl-test site, the demo site, the
benchmark's synthetic site and (when ../shared is beside the repository)
the real corpus. The crawl side is run with what a crawl would have (the
server's Content-Type header and the page's URL), the command side with the
saved file alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from bench.extraction_snapshot import collect_pages, corpus_pages, default_corpus
from core.errors import ExtractionError
from dangan.cli import app
from pipeline.process import process_page, require_article_text

ROOT = Path(__file__).parent.parent
DEMO_SITE = ROOT / "dangan" / "demo_site"
# The demo pages' real URLs are on a random local port; any fixed host does.
DEMO_HOST = "http://www.qingxi.gov.cn/"
# The demo's listing pages, which a crawl follows but does not version.
DEMO_LISTINGS = {"index.html", "xwzx/index.html", "zwgk/tzgg/index.html"}

runner = CliRunner()


class Crawled(NamedTuple):
    """A saved page and what a crawl would have received with it."""

    file: Path
    content_type: str | None
    url: str


def _demo_pages() -> list[Crawled]:
    content_types = json.loads((DEMO_SITE / "content_types.json").read_text(encoding="utf-8"))
    pages = []
    for html in sorted(DEMO_SITE.rglob("*.html")):
        relative = html.relative_to(DEMO_SITE).as_posix()
        pages.append(Crawled(html, content_types.get(relative, "text/html"), DEMO_HOST + relative))
    return pages


def _extract_jsonl(pages: list[Crawled]) -> list[dict]:
    result = runner.invoke(app, ["extract", "--jsonl", *(str(page.file) for page in pages)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["path"] for record in records] == [str(page.file) for page in pages]
    return records


def _as_crawled(page: Crawled) -> dict:
    """The crawl's processing of `page`, in the shape of a `dangan extract --jsonl` record."""
    processed = process_page(page.file.read_bytes(), page.content_type, page.url)
    return {"path": str(page.file), "encoding": processed.encoding, **processed.article.as_dict()}


def _held_pages(set_name: str, workdir: Path) -> list[Crawled]:
    """Every page of one set the snapshot benchmark holds, as a crawl would have received it."""
    if set_name == "real_corpus":
        corpus = default_corpus()
        if corpus is None:
            pytest.skip("the real corpus (../shared/corpus/real) is not beside the repository")
        pages = list(corpus_pages(corpus))
    else:
        pages = [page for page in collect_pages(workdir, None) if page.page_id.startswith(set_name + "/")]
    return [Crawled(page.file, page.content_type, page.url) for page in pages]


@pytest.mark.parametrize(
    "set_name", ["extraction_pages", "crawl_site", "demo_site", "synthetic_site", "real_corpus"]
)
def test_extract_on_the_file_equals_what_the_crawl_processes(set_name, tmp_path) -> None:
    pages = _held_pages(set_name, tmp_path)
    assert len(pages) >= 9
    for page, record in zip(pages, _extract_jsonl(pages), strict=True):
        assert record == _as_crawled(page), page.file


def test_a_page_without_article_text_is_shown_by_extract_but_fails_in_a_crawl() -> None:
    listings = [page for page in _demo_pages() if page.file.relative_to(DEMO_SITE).as_posix() in DEMO_LISTINGS]
    assert len(listings) == len(DEMO_LISTINGS)
    result = runner.invoke(app, ["extract", "--jsonl", *(str(page.file) for page in listings)])
    assert result.exit_code == 0, result.output
    for page, line in zip(listings, result.stdout.splitlines(), strict=True):
        record = json.loads(line)
        assert record["text"] == "" and record["title"], page.file
        assert f"{page.file}: no article text found" in result.stderr
        with pytest.raises(ExtractionError, match="no article text.*article_urls"):
            require_article_text(process_page(page.file.read_bytes(), page.content_type, page.url), page.url)
