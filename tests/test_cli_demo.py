"""`dangan demo`, then the reading commands over what it stored, the way a new user would try them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.article import ARTICLE_FIELDS
from dangan.cli import app
from core.settings import database_url
from storage.database import open_database
from storage.versions import VersionStore

DEMO_SITE = Path(__file__).parent.parent / "dangan" / "demo_site"
runner = CliRunner()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo") / "store"
    # The crawl runs Twisted's reactor, which cannot start twice in one process: run it as a user would.
    done = subprocess.run(
        [sys.executable, "-m", "dangan", "demo", "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 new documents" in done.stdout, done.stdout
    assert str(data_dir) in done.stdout
    # Without --verbose nothing but warnings is logged: Scrapy's start-up lines
    # would otherwise be printed over the progress display.
    assert "INFO" not in done.stderr, done.stderr
    return data_dir


def _export(data_dir: Path, *extra: str) -> list[dict]:
    result = runner.invoke(app, ["export", "--data-dir", str(data_dir), *extra])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _by_path(rows: list[dict]) -> dict[str, dict]:
    return {row["url"].split("/", 3)[3]: row for row in rows}


def test_demo_archives_every_article_once_with_clean_text(demo_store):
    rows = _by_path(_export(demo_store))
    assert sorted(rows) == [
        "dj/content/1004.html", "xwzx/content/1003.html", "xwzx/content/1005.html",
        "zwgk/tzgg/content/1001.html", "zwgk/tzgg/content/1002.html", "zwgk/tzgg/content/1006.html",
    ]
    for row in rows.values():
        assert row["version"] == 1 and row["status"] == "live" and row["duplicate_of"] is None
        for chrome in ("当前位置", "上一篇", "打印本页", "ICP备", "热点推荐", "扫一扫", "浏览次数"):
            assert chrome not in row["text"], (row["url"], chrome)

    notice = rows["zwgk/tzgg/content/1001.html"]
    assert notice["title"] == "关于做好2026年冬季森林防火工作的通知"
    assert notice["doc_number"] == "青林防〔2026〕7号"
    assert notice["origin"] == "青溪市林业局"
    assert notice["published"].startswith("2026-11-02")
    assert notice["text"].startswith("各区县林业主管部门，市直有关单位：")
    assert notice["text"].endswith("2026年11月2日")

    gbk = rows["zwgk/tzgg/content/1002.html"]
    assert (gbk["author"], gbk["editor"], gbk["origin"]) == ("李喆", "朱镕", "青溪日报")
    assert "87项高频事项" in gbk["text"] and "相关阅读" not in gbk["text"]

    portal = rows["xwzx/content/1003.html"]
    assert portal["editor"] == "陈思远"
    for hidden in ("猜你喜欢", "版权与免责声明", "自动生成摘要", "35621", "网友评论", "立即下载"):
        assert hidden not in portal["text"]

    assert "創業服務" in rows["xwzx/content/1005.html"]["text"]  # ruby reading aid dropped
    assert "wù" not in rows["xwzx/content/1005.html"]["text"]
    assert "主题党日活动" in rows["dj/content/1004.html"]["text"]
    assert "请过往车辆提前绕行" in rows["zwgk/tzgg/content/1006.html"]["text"]


def test_demo_records_which_encoding_was_used_and_why(demo_store):
    db = open_database(database_url(None, demo_store))
    store = VersionStore(db)
    urls = {row["url"].split("/", 3)[3]: row["url"] for row in _export(demo_store)}
    expected = {
        "zwgk/tzgg/content/1002.html": "gb18030",  # declared gb2312, GBK bytes
        "dj/content/1004.html": "gb18030",  # nothing declared
        "xwzx/content/1005.html": "big5hkscs",
        "zwgk/tzgg/content/1006.html": "gb18030",  # header claims ISO-8859-1
        "xwzx/content/1003.html": "utf-8",
    }
    for path, encoding in expected.items():
        detail = store.show(urls[path])
        assert detail.encoding == encoding, (path, detail.encoding, detail.encoding_reason)
        assert detail.encoding_reason
    db.dispose()


def test_history_show_and_diff_read_the_demo_store(demo_store):
    url = next(row["url"] for row in _export(demo_store) if row["url"].endswith("1001.html"))
    history = runner.invoke(app, ["history", "--data-dir", str(demo_store), url])
    assert history.exit_code == 0, history.output
    assert "关于做好2026年冬季森林防火工作的通知" in history.output

    shown = runner.invoke(app, ["show", "--data-dir", str(demo_store), url, "--version", "1"])
    assert shown.exit_code == 0 and "三、加强值班值守" in shown.stdout

    missing = runner.invoke(app, ["show", "--data-dir", str(demo_store), url, "--version", "7"])
    assert missing.exit_code == 1 and "7" in missing.output

    unknown = runner.invoke(app, ["history", "--data-dir", str(demo_store), url + "?nope=1"])
    assert unknown.exit_code == 1 and "error" in unknown.output


def test_extract_on_the_saved_pages_shows_what_the_crawl_stored(demo_store):
    rows = _by_path(_export(demo_store))
    paths = sorted(rows)
    result = runner.invoke(app, ["extract", "--jsonl", *(str(DEMO_SITE / path) for path in paths)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(paths) == 6
    for path, record in zip(paths, records):
        for field in ARTICLE_FIELDS:
            assert record[field] == rows[path][field], (path, field)


def test_extract_prints_the_documented_jsonl_fields():
    page = DEMO_SITE / "zwgk" / "tzgg" / "content" / "1002.html"
    result = runner.invoke(app, ["extract", "--jsonl", str(page)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert set(record) == {"path", "encoding", "title", "published", "origin", "author", "editor", "doc_number", "text"}
    assert record["encoding"] == "gb18030"
    assert record["title"] == "市政务服务中心试行周末“不打烊”服务"
    assert record["published"].startswith("2026-10-28")
    assert record["doc_number"] is None


def test_extract_names_a_missing_file_and_goes_on_with_the_rest(tmp_path):
    page = DEMO_SITE / "xwzx" / "content" / "1003.html"
    result = runner.invoke(app, ["extract", "--jsonl", str(tmp_path / "nope.html"), str(page)])
    assert result.exit_code == 1
    assert "nope.html" in result.output and "no such file" in result.output
    assert "青溪港" in result.stdout
