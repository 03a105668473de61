"""The store keeps the text a reader sees, compares its normalised form, and reprocess trusts no edited record.

Real pages go into a real WARC file and a real store; `dangan reprocess` runs
the real worker processes over them.
"""

from __future__ import annotations

import gzip
import zlib
from datetime import datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, select, text, update
from typer.testing import CliRunner

from core.settings import database_url
from dangan.cli import app
from pipeline.process import process_page
from pipeline.reprocess import reprocess_captures
from storage.captures import NewCapture
from storage.database import migration_config
from storage.models import Capture, Version
from storage.store import Store
from storage.versions import PageRecord

runner = CliRunner()
URL = "http://www.example.gov.cn/art/2024/5/1/art_1.html"
FIELDS = "联系人：王建平　电话：0731-5551234"


def notice(extra: str = "") -> bytes:
    return (
        "<html><head><title>关于开展2024年春季植树活动的通知</title></head><body>"
        "<h1>关于开展2024年春季植树活动的通知</h1>"
        "<div class='content'><p>各区县人民政府，市直各单位：为深入推进国土绿化，市人民政府决定于三月中旬组织开展"
        "春季义务植树活动，请各单位认真组织，确保活动取得实效。</p>"
        f"<p>{FIELDS}</p><p>市人民政府办公室{extra}</p></div></body></html>"
    ).encode("utf-8")


def capture(store: Store, body: bytes, day: int) -> int:
    with store.warc_writer("gov") as warc:
        where = warc.write_response(URL, 200, "OK", [("Content-Type", "text/html; charset=utf-8")], body,
                                    datetime(2024, 5, day))
    return store.captures.add(NewCapture(run_id=None, source="gov", url=URL, status_code=200,
                                         content_type="text/html; charset=utf-8", fetched_at=datetime(2024, 5, day),
                                         location=where))


def record(store: Store, capture_id: int, body: bytes, day: int):
    page = process_page(body, "text/html; charset=utf-8", URL)
    return store.versions.record(PageRecord(
        url=page.url, source="gov", capture_id=capture_id, seen_at=datetime(2024, 5, day), article=page.article,
        text_sha256=page.text_sha256, extractor_version=page.extractor_version,
        encoding=page.encoding, encoding_reason=page.encoding_reason,
    ))


def test_the_space_between_two_fields_is_kept_and_spacing_alone_makes_no_version(tmp_path: Path) -> None:
    with Store.open(None, tmp_path) as store:
        record(store, capture(store, notice(), 1), notice(), 1)
        shown = store.versions.show(URL).article.text
        assert "联系人：王建平 电话：0731-5551234" in shown.splitlines()
        # The same words with the space dropped: the normalised forms match, so no new version.
        respaced = notice().replace(FIELDS.encode(), FIELDS.replace("　", "").encode())
        again = record(store, capture(store, respaced, 2), respaced, 2)
        assert again.outcome.value == "unchanged"
        assert [v.number for v in store.versions.history(URL)] == [1]
        assert store.versions.show(URL).article.text == shown


def test_an_old_store_is_migrated_and_reprocess_restores_the_display_text(tmp_path: Path) -> None:
    url = database_url(None, tmp_path)
    tmp_path.mkdir(exist_ok=True)
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(migration_config(connection), "0003")  # a store as it was before display texts
    engine.dispose()
    with Store.open(None, tmp_path) as store:  # migrates to the newest revision
        record(store, capture(store, notice(), 1), notice(), 1)
        # What the old code stored: the comparison form, spaces between fields gone.
        with store.db.session(write=True) as session:
            session.execute(update(Version).values(text=text("replace(text, ' 电话', '电话')"), text_form="normalized"))
            session.commit()
        assert "联系人：王建平电话：0731-5551234" in store.versions.show(URL).article.text
        summary = reprocess_captures(store, workers=1)
        assert (summary.new_versions, summary.unchanged, summary.errors) == (0, 1, 0)
        assert "联系人：王建平 电话：0731-5551234" in store.versions.show(URL).article.text
        with store.db.session() as session:
            assert session.scalars(select(Version.text_form)).all() == ["display"]
        assert [(v.number, v.reason) for v in store.versions.history(URL)] == [(1, "new")]


def test_reprocess_gives_every_older_version_its_display_text_from_its_own_capture(tmp_path: Path) -> None:
    changed = notice("（已更正）")
    with Store.open(None, tmp_path) as store:
        record(store, capture(store, notice(), 1), notice(), 1)
        record(store, capture(store, changed, 2), changed, 2)
        with store.db.session(write=True) as session:  # both stored by the old code, in the comparison form
            session.execute(update(Version).values(text=text("replace(text, ' 电话', '电话')"), text_form="normalized"))
            session.commit()
        summary = reprocess_captures(store, workers=1)
        assert (summary.new_versions, summary.display_restored, summary.display_kept, summary.errors) == (0, 1, 0, 0)
        for number in (1, 2):
            assert "联系人：王建平 电话：0731-5551234" in store.versions.show(URL, number).article.text
        assert [(v.number, v.reason) for v in store.versions.history(URL)] == [(1, "new"), (2, "changed")]
        again = reprocess_captures(store, workers=1)
        assert (again.new_versions, again.display_restored, again.display_kept) == (0, 0, 0)


def test_migration_marks_every_existing_version_as_the_comparison_form(tmp_path: Path) -> None:
    url = database_url(None, tmp_path)
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(migration_config(connection), "0003")
        connection.execute(text("INSERT INTO documents (id, url, source, status, first_seen, last_seen) "
                                "VALUES (1, :url, 'gov', 'live', '2024-05-01', '2024-05-01')"), {"url": URL})
        connection.execute(text("INSERT INTO versions (document_id, number, text, text_sha256, extractor_version, "
                                "reason, first_seen, last_seen) VALUES (1, 1, '全文', :sha, 'zh-3', 'new', "
                                "'2024-05-01', '2024-05-01')"), {"sha": "0" * 64})
        command.upgrade(migration_config(connection), "head")
        assert connection.execute(text("SELECT text_form FROM versions")).scalars().all() == ["normalized"]
    engine.dispose()


def _edit_payload_in_valid_gzip(path: Path, offset: int, length: int, old: bytes, new: bytes) -> int:
    """Rewrite one gzip member with `old` replaced by `new`, as a forger with gzip would; return its new length."""
    data = path.read_bytes()
    record = zlib.decompress(data[offset:offset + length], 16 + zlib.MAX_WBITS)
    assert old in record
    member = gzip.compress(record.replace(old, new))
    path.write_bytes(data[:offset] + member + data[offset + length:])
    return len(member)


def test_reprocess_reports_a_capture_edited_in_valid_gzip_and_versions_nothing(tmp_path: Path) -> None:
    with Store.open(None, tmp_path) as store:
        first = capture(store, notice(), 1)
        record(store, first, notice(), 1)
        with store.db.session() as session:
            row = session.get(Capture, first)
        # Same length in UTF-8, so only the digests can tell.
        new_length = _edit_payload_in_valid_gzip(tmp_path / row.warc_file, row.warc_offset, row.warc_length,
                                                 "市人民政府决定".encode(), "市人民法院决定".encode())
        result = runner.invoke(app, ["reprocess", "--data-dir", str(tmp_path)])
        assert result.exit_code == 1, result.output
        assert f"damaged: capture {first}" in result.output and "truncated" in result.output
        # A forger who fixed the row's length too is caught by the digests.
        with store.db.session(write=True) as session:
            session.execute(update(Capture).where(Capture.id == first).values(warc_length=new_length))
            session.commit()
        result = runner.invoke(app, ["reprocess", "--data-dir", str(tmp_path)])
        assert result.exit_code == 1, result.output
        assert f"damaged: capture {first}" in result.output and "Digest" in result.output
        assert [(v.number, v.reason) for v in store.versions.history(URL)] == [(1, "new")]
        assert "人民法院" not in store.versions.show(URL).article.text
