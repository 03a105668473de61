"""Nothing cut, nothing garbled: a real crawl of pages that defeat a naive parser or decoder.

The site (served on 127.0.0.1) lists three articles: one whose 400 lines each
open a <font> that is never closed (libxml2 used to keep 253 of them), one
declared UTF-8 whose article body is GBK (stored as U+FFFD before), and one
nested too deep to parse completely even when flattened. The first two must
be versioned whole and right; the third becomes what the archive makes of any
article page it cannot read: a document whose version is empty and says why
(`dangan empty` lists it), with its capture kept. Never a cut text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from storage.empty_pages import empty_pages
from storage.models import Capture
from storage.store import Store
from tests.site.fixtures import write_sources
from tests.site.server import SiteServer, write_site_folder
from tests.test_crawl_failures import dangan_crawl, only_run

pytestmark = pytest.mark.slow

LINE = "各区县要认真贯彻落实本通知第{}项要求，确保取得实效，及时报送工作进展。"
PARAGRAPHS = [LINE.format(n) for n in range(5)]
HEAD = '<html><head><meta charset="utf-8"><title>{0}</title></head><body><h1>{0}</h1>'

FONT_PAGE = (HEAD.format("关于逐项落实的通知") + '<div class="content">'
             + "".join(f'<font color="#333">{LINE.format(n)}<br>\n' for n in range(400))
             + "</div></body></html>").encode("utf-8")
MIXED_PAGE = (HEAD.format("关于混合编码的通知").encode("utf-8") + '<div class="content">'.encode()
              + b"".join(b"<p>" + p.encode("gbk") + b"</p>" for p in PARAGRAPHS)
              + "</div><div class=\"footer\">主办单位：青溪市人民政府办公室</div></body></html>".encode("utf-8"))
HOPELESS_PAGE = (HEAD.format("关于层层嵌套的通知") + "<div title='<'>" * 3000
                 + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</body></html>").encode("utf-8")

ARTICLES = {
    "/art/2024/3/5/art_1_1.html": FONT_PAGE,
    "/art/2024/3/5/art_1_2.html": MIXED_PAGE,
    "/art/2024/3/5/art_1_3.html": HOPELESS_PAGE,
}


def _site(folder: Path) -> Path:
    listing = ('<html><head><meta charset="utf-8"><title>通知公告</title></head><body><ul>'
               + "".join(f'<li><a href="{path}">通知{n}</a></li>' for n, path in enumerate(ARTICLES))
               + "</ul></body></html>")
    return write_site_folder(folder, {"/": listing, **ARTICLES})


def test_hostile_pages_are_versioned_whole_or_refused_with_their_capture_kept(tmp_path: Path) -> None:
    server = SiteServer(_site(tmp_path / "site")).start()
    try:
        sources = write_sources(tmp_path / "sources.toml", server.base_url)
        data_dir = tmp_path / "data"
        done = dangan_crawl(sources, data_dir)
        font_url, mixed_url, hopeless_url = (server.base_url + path for path in ARTICLES)
    finally:
        server.stop()

    assert "2 new documents" in done.stdout, done.stdout + done.stderr[-3000:]  # the empty one is counted apart
    run = only_run(data_dir)
    assert (run.new_documents, run.empty, run.errors) == (2, 1, 0)
    with Store.open(None, data_dir) as store:
        [font_version] = store.versions.history(font_url)
        [mixed_version] = store.versions.history(mixed_url)
        [empty] = empty_pages(store.db)
        with store.db.session() as session:
            [hopeless] = session.scalars(select(Capture).where(Capture.url == hopeless_url))
    assert store_text(data_dir, font_url).splitlines() == [LINE.format(n) for n in range(400)]
    assert store_text(data_dir, mixed_url).splitlines() == PARAGRAPHS
    assert mixed_version.encoding == "utf-8+gb18030"
    assert font_version.number == mixed_version.number == 1
    # The page too deep to parse whole: an empty version that says why, never a cut text.
    assert (empty.url, empty.version) == (hopeless_url, 1)
    assert empty.reason.startswith("the page could not be parsed completely")
    assert store_text(data_dir, hopeless_url) == ""
    assert hopeless.warc_length > 0  # its bytes are in the WARC file, for a later rule to try again


def store_text(data_dir: Path, url: str) -> str:
    """The text of the latest version of `url`, as `dangan show` reads it."""
    with Store.open(None, data_dir) as store:
        return store.versions.show(url).article.text
