"""An operator's and an archivist's session: crawl, recrawl after the site changed, read the history.

The crawls run `dangan crawl` as a command, in a subprocess (Twisted's reactor
cannot start twice in one process); the reading commands run in-process.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner

from dangan.cli import app
from pipeline.extract import EXTRACTOR_VERSION
from pipeline.fingerprint import text_sha256
from storage.database import open_database
from storage.models import Document, Version
from tests.site.fixtures import FAST_SETTINGS, REPO_ROOT, subprocess_env, test_site  # noqa: F401
from tests.site.pages import EXPECTED

runner = CliRunner()


def dangan_crawl(site, db_url: str, data_dir: Path) -> str:
    command = [sys.executable, "-m", "dangan", "crawl", "xiangtan-test", "--config", str(site.sources_file),
               "--db", db_url, "--data-dir", str(data_dir)]
    for name, value in FAST_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    done = subprocess.run(command, cwd=REPO_ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    return done.stdout


def cli(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_recrawl_history_diff_export_and_reprocess(test_site, db_url, tmp_path):  # noqa: F811
    data_dir = tmp_path / "data"
    store = ["--db", db_url, "--data-dir", str(data_dir)]
    first = dangan_crawl(test_site, db_url, data_dir)
    documents = len(EXPECTED.state_1_documents)
    assert "xiangtan-test: ok: " in first
    # The live line counts against the requests queued so far (all taken by the end), not max_pages, with a rate.
    shown = re.search(r"(\d+)/(\d+) queued · [\d.]+ pages/s", first)
    assert shown and shown[1] == shown[2] and documents <= int(shown[2]) < 200, first
    assert f"{documents - 1} new documents, 0 new versions" in first and "1 duplicates" in first

    test_site.use_state(2)
    second = dangan_crawl(test_site, db_url, data_dir)
    assert "1 new documents, 1 new versions" in second and "1 gone" in second, second

    corrected = test_site.url(EXPECTED.corrected)
    history = cli("history", *store, corrected).output
    assert "changed" in history and "new" in history

    diff = cli("diff", *store, corrected).stdout
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    # Without a terminal, the characters that changed inside the line are marked as git's word diff marks them.
    old_digits, new_digits = EXPECTED.corrected_old_phrase[:-2], EXPECTED.corrected_new_phrase[:-2]  # "3.2", "3.5"
    assert any(f"{old_digits[:-1]}[-{old_digits[-1]}-]亿元" in line for line in removed), diff
    assert any(f"{new_digits[:-1]}{{+{new_digits[-1]}+}}亿元" in line for line in added), diff
    assert cli("show", *store, corrected, "--version", "1").stdout.count(EXPECTED.corrected_old_phrase) == 1

    latest = [json.loads(line) for line in cli("export", *store).stdout.splitlines()]
    every = [json.loads(line) for line in cli("export", *store, "--all-versions").stdout.splitlines()]
    assert len(latest) == documents + 1 and len(every) == documents + 2
    assert {row["status"] for row in latest} == {"live", "gone"}
    reposts = [row for row in latest if row["duplicate_of"]]
    pair = {test_site.url(EXPECTED.repost), test_site.url(EXPECTED.repost_of)}
    assert len(reposts) == 1 and {reposts[0]["url"], reposts[0]["duplicate_of"]} == pair
    assert [row["version"] for row in latest if row["url"] == corrected] == [2]
    future = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    assert cli("export", *store, "--since", future).stdout == ""

    # Older extraction rules made a different text for one article: reprocessing
    # with today's rules must record today's text as a version marked "reprocess".
    db = open_database(db_url)
    with db.session() as session:
        document = session.scalar(select(Document).where(Document.url == corrected))
        latest_version = session.scalar(
            select(Version).where(Version.document_id == document.id).order_by(Version.number.desc())
        )
        today_text = latest_version.text
        stale = today_text + "\n上一篇：旧规则留下的导航"
        session.execute(
            update(Version).where(Version.id == latest_version.id)
            .values(text=stale, text_sha256=text_sha256(stale), extractor_version="zh-0")
        )
        session.commit()
    db.dispose()

    reprocessed = cli("reprocess", *store).stdout
    assert "1 new versions" in reprocessed and "0 errors" in reprocessed
    history = cli("history", *store, corrected).output
    # Each version says which rules made it: the stale one the old rules, the new one today's.
    reprocess_line = next(line for line in history.splitlines() if " reprocess " in line)
    assert reprocess_line.split()[-2] == EXTRACTOR_VERSION != "zh-0"
    assert any(line.split()[-2:-1] == ["zh-0"] for line in history.splitlines())
    assert cli("show", *store, corrected).stdout.rstrip("\n") == today_text
    again = cli("reprocess", *store).stdout
    assert "0 new versions" in again
