"""No page dropped: a real crawl of a site with an article page that holds no text.

The site (served on 127.0.0.1) has a listing linking to two article pages: a
notice with text, and a picture-news page whose only content is an image. The
second must become a document too, with its version flagged empty and the
reason; the run counts it, and `dangan runs`, `dangan status` and `dangan
empty` show it. `dangan reprocess` over the same rules leaves it empty and
says so (the filling-in itself is tested on the version store, in
tests/test_storage_versions.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangan.cli import app
from storage.empty_pages import empty_pages
from storage.store import Store
from tests.site.server import SiteServer, write_site_folder
from tests.test_crawl_failures import dangan_crawl, only_run
from tests.site.fixtures import write_sources

pytestmark = pytest.mark.slow

NOTICE = """<html><head><meta charset="utf-8"><title>关于开展安全生产检查的通知</title></head><body>
<h1>关于开展安全生产检查的通知</h1><p>发布时间：2024-03-05　来源：市应急管理局</p>
<div class="content"><p>各区县应急管理局：为切实做好春季安全生产工作，市局决定在全市范围内开展安全生产大检查，
重点检查危险化学品、建筑施工和人员密集场所，请各单位认真组织，于三月底前报送检查情况。</p>
<p>联系人：王建平，电话：0731-5551234。</p></div></body></html>"""

PICTURE_NEWS = """<html><head><meta charset="utf-8"><title>图片新闻</title></head><body>
<div class="nav"><a href="/">首页</a></div>
<div class="content"><img src="/images/2024/0305.jpg" alt=""></div></body></html>"""

LISTING = """<html><head><meta charset="utf-8"><title>通知公告</title></head><body><ul>
<li><a href="/art/2024/3/5/art_1_1.html">关于开展安全生产检查的通知</a></li>
<li><a href="/art/2024/3/5/art_1_2.html">图片新闻</a></li></ul></body></html>"""


def _site(folder: Path) -> Path:
    pages = {"/": LISTING, "/art/2024/3/5/art_1_1.html": NOTICE, "/art/2024/3/5/art_1_2.html": PICTURE_NEWS}
    return write_site_folder(folder, pages)


def test_an_article_page_without_text_becomes_a_document_flagged_empty(tmp_path: Path) -> None:
    server = SiteServer(_site(tmp_path / "site")).start()
    try:
        sources = write_sources(tmp_path / "sources.toml", server.base_url)
        data_dir = tmp_path / "data"
        done = dangan_crawl(sources, data_dir)
        picture_url = server.base_url + "/art/2024/3/5/art_1_2.html"
    finally:
        server.stop()

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "1 new documents" in done.stdout  # the notice; the picture page is counted as empty
    assert "1 empty, 0 errors" in done.stdout
    run = only_run(data_dir)
    assert (run.outcome, run.new_documents, run.empty, run.errors) == ("ok", 1, 1, 0)
    with Store.open(None, data_dir) as store:
        [empty] = empty_pages(store.db)
        history = store.versions.history(picture_url)
    assert (empty.url, empty.title, empty.version) == (picture_url, "图片新闻", 1)
    assert empty.reason.startswith("the page holds no article text")
    assert len(history) == 1

    # What an operator reads.
    cli = CliRunner()
    listed = cli.invoke(app, ["empty", "--data-dir", str(data_dir)])
    assert listed.exit_code == 0 and picture_url in listed.stdout and "reason: the page holds no article text" in listed.stdout
    as_json = json.loads(cli.invoke(app, ["empty", "--json", "--data-dir", str(data_dir)]).stdout)
    assert [item["url"] for item in as_json] == [picture_url]
    runs = json.loads(cli.invoke(app, ["runs", "--json", "--data-dir", str(data_dir)]).stdout)
    assert runs[0]["counts"]["empty"] == 1
    status = cli.invoke(app, ["status", "--config", str(sources), "--data-dir", str(data_dir)]).stdout
    assert "1 empty, 0 errors" in status and "no text:   1 page(s) stored without article text" in status

    # The same rules find nothing more: the page stays empty, and nothing is added.
    again = cli.invoke(app, ["reprocess", "--data-dir", str(data_dir)])
    assert again.exit_code == 0, again.output
    assert "0 empty versions filled in, 1 still empty" in again.stdout
    with Store.open(None, data_dir) as store:
        assert [page.url for page in empty_pages(store.db)] == [picture_url]
        assert len(store.versions.history(picture_url)) == 1
