"""`dangan verify` over a real crawled store: intact, then with one WARC byte flipped and one stored text altered."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner

from dangan.cli import app
from storage.models import Capture, Document, Version
from storage.store import Store
from tests.site.fixtures import FAST_SETTINGS, REPO_ROOT, subprocess_env, test_site  # noqa: F401

runner = CliRunner()


def crawl(site, data_dir: Path) -> None:
    command = [sys.executable, "-m", "dangan", "crawl", "xiangtan-test", "--config", str(site.sources_file),
               "--data-dir", str(data_dir)]
    for name, value in FAST_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    done = subprocess.run(command, cwd=REPO_ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]


def test_verify_passes_a_sound_store_and_names_a_flipped_byte_and_an_altered_text(test_site, tmp_path):  # noqa: F811
    data_dir = tmp_path / "data"
    crawl(test_site, data_dir)
    crawl(test_site, data_dir)  # the recrawl keeps unchanged pages as revisit records
    with Store.open(None, data_dir) as store, store.db.session() as session:
        captures = session.scalars(select(Capture)).all()
        revisits = [c for c in captures if c.revisit]
        versioned = session.execute(
            select(Capture, Document.url, Version.number)
            .join(Version, Version.id == Capture.version_id).join(Document, Document.id == Capture.document_id)
            .where(Capture.revisit.is_(None)).order_by(Capture.id)
        ).first()
        altered = session.execute(
            select(Version.id, Version.number, Document.url).join(Document, Document.id == Version.document_id)
            .where(Version.capture_id != versioned[0].id).order_by(Version.id.desc())
        ).first()
        versions = len(session.scalars(select(Version.id)).all())
    assert revisits, "the recrawl should have written revisit records"

    sound = runner.invoke(app, ["verify", "--data-dir", str(data_dir)])
    assert sound.exit_code == 0, sound.output
    assert f"verified {len(captures)} captures and {versions} versions: all intact" in sound.stdout

    # One byte flipped in the middle of a versioned capture's record, one stored text edited.
    capture, url, number = versioned
    path = data_dir / capture.warc_file
    data = bytearray(path.read_bytes())
    data[capture.warc_offset + capture.warc_length // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with Store.open(None, data_dir) as store, store.db.session() as session:
        text = session.scalar(select(Version.text).where(Version.id == altered.id))
        session.execute(update(Version).where(Version.id == altered.id).values(text=text.replace("。", "，", 1)))
        session.commit()

    damaged = runner.invoke(app, ["verify", "--data-dir", str(data_dir)])
    assert damaged.exit_code == 1, damaged.output
    assert "2 damaged captures" not in damaged.stdout
    assert "1 damaged captures, 1 altered texts" in damaged.stdout
    assert f"capture {capture.id} ({url} v{number})" in damaged.output
    assert f"text of {altered.url} v{altered.number}" in damaged.output

    other = runner.invoke(app, ["verify", "--data-dir", str(data_dir), "--source", "no-such-source"])
    assert other.exit_code == 1 and "no source named" in other.output
