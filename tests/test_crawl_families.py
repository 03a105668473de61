"""Two local sites: a county portal reposts the city's notices, edited as reposts are, one in traditional script.

Both are crawled with ``dangan crawl --all`` (real HTTP on 127.0.0.1, real
store); then ``dangan family`` and the store say which pages are one notice.
"""

from __future__ import annotations

import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangan.cli import app
from storage.database import open_database
from storage.versions import VersionStore
from tests.family_pairs import NOTICES, REPOST_EDITS
from tests.site.fixtures import FAST_SETTINGS, REPO_ROOT, subprocess_env
from tests.site.server import SiteServer, write_site_folder

pytestmark = pytest.mark.slow

# Which notices the county reposts, and how it edits each one.
REPOSTS = {
    "cadre-training": "editor's note",
    "member-statistics": "dateline",
    "flood-duty": "traditional script",
    "village-election": "all of them at once",
    "fee-collection": "trimmed signature",
}
CITY_ONLY = "school-safety"  # the city's own, never reposted: a family of one
COUNTY_OWN = "county's own"


def _article_html(title: str, published: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in body.split("\n"))
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title></head><body>"
        "<div class=\"nav\"><a href=\"/\">首页</a> | <a href=\"/\">通知公告</a></div>"
        f"<h1>{escape(title)}</h1><p class=\"info\">发布时间：{published}</p>"
        f"<div class=\"content\">{paragraphs}</div>"
        "<div class=\"footer\">网站地图 | 联系我们 | 版权所有</div></body></html>"
    ).encode("utf-8")


def _write_site(folder: Path, articles: dict[str, tuple[str, str, str]]) -> Path:
    """Write a site (home page linking each article) in the layout `SiteServer` serves."""
    links = "".join(f"<li><a href=\"{path}\">{escape(title)}</a></li>" for path, (title, _, _) in articles.items())
    pages = {"/": "<html><head><meta charset=\"utf-8\"><title>通知公告</title></head><body>"
                  f"<ul>{links}</ul></body></html>", "/robots.txt": b""}
    pages.update({path: _article_html(*article) for path, article in articles.items()})
    return write_site_folder(folder, pages, {"/robots.txt": "text/plain"})


def _title_and_body(notice: str) -> tuple[str, str]:
    title, body = notice.split("\n", 1)
    return title, body


@pytest.fixture
def two_sites(tmp_path: Path):
    city_articles, county_articles = {}, {}
    for number, name in enumerate([*REPOSTS, CITY_ONLY], start=1):
        title, body = _title_and_body(NOTICES[name])
        city_articles[f"/art/{number}.html"] = (title, "2024-03-05", body)
        if name in REPOSTS:
            edit = REPOST_EDITS[REPOSTS[name]]
            shown_title = REPOST_EDITS["traditional script"](title) if "traditional" in REPOSTS[name] else title
            county_articles[f"/art/{100 + number}.html"] = (shown_title, "2024-03-07", edit(body))
    own_title, own_body = "关于开展县级机关作风建设专项行动的通知", (
        "各乡镇党委，县直各单位：\n为持续改进机关作风、提升服务效能，县委决定开展机关作风建设专项行动。"
        "行动分动员部署、自查整改和总结提升三个阶段，重点整治推诿扯皮、办事拖拉和会议文件过多等问题。"
        "各单位要于四月十日前报送自查报告，县纪委监委将适时开展明察暗访。\n中共临江县委办公室\n2024年3月8日")
    county_articles["/art/199.html"] = (own_title, "2024-03-08", own_body)
    servers = {
        "city": SiteServer(_write_site(tmp_path / "city", city_articles)).start(),
        "county": SiteServer(_write_site(tmp_path / "county", county_articles)).start(),
    }
    sources = tmp_path / "sources.toml"
    sources.write_text("".join(
        f'[[sources]]\nname = "{name}"\nstart_urls = ["{server.base_url}/"]\n'
        f'allowed_domains = ["127.0.0.1"]\narticle_urls = [\'/art/\\d+\\.html$\']\nmax_depth = 2\n\n'
        for name, server in servers.items()
    ), encoding="utf-8")
    try:
        yield servers, sources
    finally:
        for server in servers.values():
            server.stop()


def test_reposts_across_two_sites_are_one_family_each(two_sites, db_url: str, tmp_path: Path) -> None:
    servers, sources = two_sites
    data_dir = tmp_path / "data"
    command = [sys.executable, "-m", "dangan", "crawl", "--all", "--config", str(sources),
               "--db", db_url, "--data-dir", str(data_dir)]
    for name, value in FAST_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    done = subprocess.run(command, cwd=REPO_ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert "city: ok: " in done.stdout and "6 new documents" in done.stdout, done.stdout

    city, county = servers["city"].base_url, servers["county"].base_url
    db = open_database(db_url)
    try:
        store = VersionStore(db)
        families = set()
        for number, name in enumerate(REPOSTS, start=1):
            family = store.family(f"{county}/art/{100 + number}.html")
            assert family.canonical_url == f"{city}/art/{number}.html", (name, REPOSTS[name])
            assert [m.url for m in family.members] == [f"{city}/art/{number}.html", f"{county}/art/{100 + number}.html"]
            families.add(family.family_id)
        assert len(families) == len(REPOSTS)  # no two notices of the one template merged
        for alone in (f"{city}/art/{len(REPOSTS) + 1}.html", f"{county}/art/199.html"):
            family = store.family(alone)
            assert [m.url for m in family.members] == [alone] and family.family_id not in families
    finally:
        db.dispose()

    shown = CliRunner().invoke(app, ["family", f"{county}/art/103.html", "--db", db_url, "--data-dir", str(data_dir)])
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("family ") and lines[0].endswith(f"2 copies; canonical {city}/art/3.html")
    assert lines[2].split()[:2] == ["canonical", "2024-03-05"] and lines[2].split()[-1] == f"{city}/art/3.html"
    similarity, published = lines[3].split()[:2]
    assert float(similarity) > 0.6 and published == "2024-03-07"
    assert f"--- {city}/art/3.html v1 (canonical)" in shown.stdout and f"+++ {county}/art/103.html v1" in shown.stdout
    assert "+入汛以來" in shown.stdout  # the traditional-script lines, as the county printed them
