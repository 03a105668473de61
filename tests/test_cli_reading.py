"""The reading commands as an archivist uses them: typed URLs, a day's version, provenance, and nothing created.

Also what a hostile page cannot do to the terminal that shows it, and a store
on read-only media (a real read-only bind mount, in a private mount namespace).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangan.cli import app
from pipeline.process import process_page
from storage.captures import NewCapture
from storage.store import Store
from storage.warc import NOT_MODIFIED
from storage.versions import PageRecord
from tests.site.fixtures import REPO_ROOT, subprocess_env

runner = CliRunner()
URL = "http://www.example.gov.cn/zwgk/tzgg/content/1001.html"
HOSTILE = "\x1b[2J\x1b]0;pwned\x07\x1b[10;10H"


def page(sentence: str, title: str = "关于做好冬季森林防火工作的通知") -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1><div class='content'>"
        "<p>各区县林业局：现将冬季森林防火工作有关事项通知如下，请认真贯彻落实，确保全市森林资源安全。</p>"
        f"<p>{sentence}</p><p>联系人：王建平　电话：0731-5551234</p></div></body></html>"
    ).encode("utf-8")


def crawl_once(store: Store, body: bytes, when: datetime) -> int:
    """What a crawl does with one page: archive it, log the capture, process and version it."""
    with store.warc_writer("gov") as warc:
        where = warc.write_response(URL + "?utm_source=wx", 200, "OK", [("Content-Type", "text/html; charset=utf-8")],
                                    body, when)
    capture_id = store.captures.add(NewCapture(run_id=None, source="gov", url=URL, status_code=200,
                                               content_type="text/html; charset=utf-8", fetched_at=when, location=where))
    processed = process_page(body, "text/html; charset=utf-8", URL + "?utm_source=wx")
    store.versions.record(PageRecord(
        url=processed.url, source="gov", capture_id=capture_id, seen_at=when, article=processed.article,
        text_sha256=processed.text_sha256, extractor_version=processed.extractor_version,
        encoding=processed.encoding, encoding_reason=processed.encoding_reason,
    ))
    return capture_id


def revisit_304(store: Store, when: datetime) -> None:
    """What a recrawl does with a 304: a revisit record referring to the last capture, and the sighting."""
    last = store.captures.last_captures("gov")[URL]
    with store.warc_writer("gov") as warc:
        where = warc.write_revisit(URL, 304, "Not Modified", [("ETag", '"a1"')], when, profile=NOT_MODIFIED,
                                   refers_to=last.refers_to())
    store.captures.add(NewCapture(run_id=None, source="gov", url=URL, status_code=304, content_type=None,
                                  fetched_at=when, location=where, needs_processing=False,
                                  revisit=NOT_MODIFIED, refers_to_id=last.original_id))
    store.versions.mark_seen([(last.original_id, when)])


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with Store.open(None, data) as store:
        crawl_once(store, page("请于十一月十日前上报。"), datetime(2026, 11, 1, 8))
        crawl_once(store, page("请于十一月十日前上报。"), datetime(2026, 11, 5, 8))
        revisit_304(store, datetime(2026, 11, 10, 8))
        crawl_once(store, page("请于十一月二十日前上报。" + HOSTILE, title="通知" + HOSTILE), datetime(2026, 11, 20, 8))
        store.versions.mark_gone(URL, "gov", None, datetime(2026, 11, 25, 8))
    return data


def run(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def test_a_typed_url_is_canonicalised_as_the_crawl_canonicalised_it(archive):
    for typed in (URL + "?utm_source=wx#top", URL.replace("http://www.example.gov.cn", "HTTP://WWW.EXAMPLE.GOV.CN"),
                  " " + URL + "#top"):
        assert "version" in run("history", "--data-dir", str(archive), typed).stdout
        assert "十一月二十日" in run("show", "--data-dir", str(archive), typed).stdout


def test_history_shows_status_reasons_and_the_captures_behind_each_version(archive):
    out = run("history", "--data-dir", str(archive), URL).stdout
    assert "gone since 2026-11-25 08:00:00 UTC" in out
    assert "first seen" in out and "changed on the site" in out
    captures = [line for line in out.splitlines() if line.strip().startswith("capture ")]
    assert len(captures) == 4  # three sightings of version 1 (the last a 304), one of version 2
    assert "revisit (server-not-modified)" in captures[2] and "HTTP 200" in captures[3]
    assert all(".warc.gz" in line and "<urn:uuid:" in line and "payload sha256 " in line for line in captures)
    assert "decoded as utf-8" in out


def test_show_and_history_at_a_date_give_the_version_live_that_day(archive):
    assert "十一月十日" in run("show", "--data-dir", str(archive), URL, "--at", "2026-11-19").stdout
    assert "十一月二十日" in run("show", "--data-dir", str(archive), URL, "--at", "2026-11-20").stdout
    assert "live at 2026-11-19 23:59:59 UTC: version 1" in run(
        "history", "--data-dir", str(archive), URL, "--at", "2026-11-19").stdout
    early = run("show", "--data-dir", str(archive), URL, "--at", "2026-10-01", code=1)
    assert "first archived" in early.output


def test_stored_control_characters_never_reach_the_terminal(archive, tmp_path):
    outputs = [
        run("show", "--data-dir", str(archive), URL).stdout,
        run("history", "--data-dir", str(archive), URL).stdout,
        run("diff", "--data-dir", str(archive), URL).stdout,
    ]
    saved = tmp_path / "hostile.html"
    saved.write_bytes(page("请于十一月二十日前上报。" + HOSTILE, title="通知" + HOSTILE))
    outputs.append(run("extract", str(saved)).stdout)
    for out in outputs:
        assert "\x1b" not in out and "\x07" not in out
        assert "\\x1b[2J" in out or "\\x1b]0;pwned" in out
    # For tools, the text stays as stored: JSON escapes it.
    record = json.loads(run("extract", "--jsonl", str(saved)).stdout)
    assert HOSTILE in record["text"]


def test_reading_commands_never_create_a_store(tmp_path):
    missing = tmp_path / "nowhere"
    for command in (["history", URL], ["show", URL], ["diff", URL], ["export"]):
        result = run(*command, "--data-dir", str(missing), code=1)
        assert "There is no store" in result.output and "never create" in result.output
    assert not missing.exists()
    result = run("export", "--db", f"sqlite:///{tmp_path / 'other.db'}", code=1)
    assert not (tmp_path / "other.db").exists()


def test_export_of_a_source_the_store_does_not_hold_says_so(archive):
    result = run("export", "--data-dir", str(archive), "--source", "xiangtan", code=1)
    assert "no source named 'xiangtan'" in result.output and "gov" in result.output
    assert json.loads(run("export", "--data-dir", str(archive), "--source", "gov").stdout)["url"] == URL


def test_a_store_on_read_only_media_can_be_read(archive):
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        pytest.skip("unshare -rm (a private mount namespace) is not permitted here; cannot mount read-only")
    for command in (["history", URL], ["show", URL], ["export"]):
        script = (f"mount --bind -o ro {archive} {archive} && "
                  f"{sys.executable} -m dangan {' '.join(command)} --data-dir {archive}")
        done = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=REPO_ROOT, env=subprocess_env(),
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert ("1001.html" in done.stdout or "十一月二十日" in done.stdout) and "Traceback" not in done.stderr
