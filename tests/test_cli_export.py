"""`dangan export` as a downstream tool runs it: each format read back with its own reader, and the change feed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from core.article import Article
from dangan.cli import app
from storage.captures import CaptureLog, NewCapture
from storage.database import open_database
from storage.warc import WarcLocation
from storage.export_rows import EXPORT_COLUMNS
from storage.change_feed import FEED_COLUMNS
from storage.versions import PageRecord, VersionStore

runner = CliRunner()
DAY1 = datetime(2024, 5, 1, 8, 0)
URL = "http://www.gov.cn/zhengce/content/{}.htm"
# Paragraphs, a comma, quotes and the full-width spaces between fields: what CSV must keep intact.
TEXT = "各区县人民政府：\n现将《实施方案》印发给你们，请认真贯彻执行。\n联系人：王建平　电话：0731-5551234"


def record(db, n: int, text: str = TEXT, day: int = 0, source: str = "gov") -> None:
    VersionStore(db).record(PageRecord(
        url=URL.format(n), source=source, capture_id=None, seen_at=DAY1 + timedelta(days=day),
        article=Article(title=f"通知{n}", published="2024-05-01", text=text),
        text_sha256=hashlib.sha256(text.encode()).hexdigest(), extractor_version="zh-9",
        encoding="gb18030", encoding_reason="meta charset gb2312, read as its superset",
    ))


@pytest.fixture
def store(db_url: str, tmp_path: Path):
    db = open_database(db_url)
    record(db, 1)
    record(db, 1, TEXT + "\n（已更正）", day=2)
    record(db, 2, "另一篇通知的全文。", day=1, source="hunan")
    yield db, ["--db", db_url, "--data-dir", str(tmp_path / "data")]
    db.dispose()


def run(*args: str):
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    return result


def test_jsonl_rows_carry_provenance_and_times_with_their_offset(store) -> None:
    _db, where = store
    rows = [json.loads(line) for line in run(*where, "--all-versions").stdout.splitlines()]
    assert [(row["url"], row["version"]) for row in rows] == [(URL.format(1), 1), (URL.format(1), 2), (URL.format(2), 1)]
    assert list(rows[0]) == [column.name for column in EXPORT_COLUMNS]
    assert rows[1]["first_seen"] == "2024-05-03T08:00:00+00:00"
    assert datetime.fromisoformat(rows[1]["first_seen"]).utcoffset() == timedelta(0)
    assert (rows[1]["reason"], rows[1]["extractor_version"], rows[1]["encoding"]) == ("changed", "zh-9", "gb18030")
    assert rows[0]["encoding_reason"] == "meta charset gb2312, read as its superset"


def test_csv_reads_back_with_every_text_whole(store, tmp_path: Path) -> None:
    _db, where = store
    out = tmp_path / "texts.csv"
    result = run(*where, "--format", "csv", "--source", "gov", "-o", str(out))
    assert "1 records written" in result.stderr
    with out.open(encoding="utf-8", newline="") as stream:
        [row] = list(csv.DictReader(stream))
    assert row["text"] == TEXT + "\n（已更正）" and row["version"] == "2"
    assert row["gone_at"] == "" and row["last_seen"] == "2024-05-03T08:00:00+00:00"


def test_parquet_has_typed_columns_and_utc_timestamps(store, tmp_path: Path) -> None:
    _db, where = store
    out = tmp_path / "texts.parquet"
    run(*where, "--format", "parquet", "--all-versions", "--since", "2024-05-02", "-o", str(out))
    table = pq.read_table(out)
    assert table.column_names == [column.name for column in EXPORT_COLUMNS]
    assert table.schema.field("first_seen").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("version").type == pa.int64()
    rows = table.to_pylist()
    assert [(row["url"], row["version"]) for row in rows] == [(URL.format(1), 2), (URL.format(2), 1)]
    assert rows[0]["text"] == TEXT + "\n（已更正）"
    assert not list(tmp_path.glob("*.partial"))


def test_an_empty_export_is_still_a_readable_file_with_its_columns(store, tmp_path: Path) -> None:
    _db, where = store
    out = tmp_path / "none.parquet"
    run(*where, "--format", "parquet", "--since", "2030-01-01", "-o", str(out))
    assert pq.read_table(out).num_rows == 0
    assert run(*where, "--format", "csv", "--since", "2030-01-01").stdout.splitlines() == [
        ",".join(column.name for column in EXPORT_COLUMNS)]


def test_a_tool_reading_the_feed_gets_each_change_once(store, tmp_path: Path) -> None:
    db, where = store
    batch = tmp_path / "batch.jsonl"
    cursor = run(*where, "--after", "0", "-o", str(batch)).stdout.strip()
    rows = [json.loads(line) for line in batch.read_text(encoding="utf-8").splitlines()]
    assert [(row["change"], row["url"], row["version"]) for row in rows] == [
        ("version", URL.format(1), 1), ("version", URL.format(1), 2), ("version", URL.format(2), 1),
    ]  # in the order they were recorded
    assert list(rows[0]) == [column.name for column in FEED_COLUMNS] and rows[-1]["cursor"] == cursor
    assert run(*where, "--after", cursor, "-o", str(batch)).stdout.strip() == cursor
    assert batch.read_text() == ""

    VersionStore(db).mark_gone(URL.format(2), "hunan", None, DAY1 + timedelta(days=5))
    record(db, 3, "第三篇。", day=5)
    # Without -o the rows go to stdout and the next cursor to stderr; --limit takes the first only.
    first = run(*where, "--after", cursor, "--limit", "1")
    [gone] = [json.loads(line) for line in first.stdout.splitlines()]
    assert (gone["change"], gone["url"], gone["changed_at"]) == ("gone", URL.format(2), "2024-05-06T08:00:00+00:00")
    assert first.stderr.strip() == f"next cursor: {gone['cursor']}"
    rest = run(*where, "--after", gone["cursor"], "--format", "csv")
    assert [row["url"] for row in csv.DictReader(io.StringIO(rest.stdout))] == [URL.format(3)]


def test_each_version_lists_every_capture_that_showed_it(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    log = CaptureLog(db)

    def capture(n: int, day: int) -> int:
        location = WarcLocation(f"warc/crawl-{n}.warc.gz", 512 * n, 400, f"<urn:uuid:capture-{n}>", str(n) * 64)
        return log.add(NewCapture(run_id=None, source="gov", url=URL.format(1), status_code=200,
                                  content_type="text/html", fetched_at=DAY1 + timedelta(days=day), location=location))

    def seen(capture_id: int, day: int, text: str = TEXT) -> None:
        VersionStore(db).record(PageRecord(
            url=URL.format(1), source="gov", capture_id=capture_id, seen_at=DAY1 + timedelta(days=day),
            article=Article(title="通知", text=text), text_sha256=hashlib.sha256(text.encode()).hexdigest(),
            extractor_version="zh-9",
        ))

    seen(capture(1, 0), 0)
    seen(capture(2, 1), 1)  # the same text again (a sidebar changed): the same version, a second capture
    seen(capture(3, 2), 2, TEXT + "\n（已更正）")
    where = ["--db", db_url, "--data-dir", str(tmp_path / "data"), "--all-versions"]
    first, second = [json.loads(line) for line in run(*where).stdout.splitlines()]
    assert [c["warc_record_id"] for c in first["captures"]] == ["<urn:uuid:capture-1>", "<urn:uuid:capture-2>"]
    assert first["captures"][1] == {
        "fetched_at": "2024-05-02T08:00:00+00:00", "status_code": 200, "warc_file": "warc/crawl-2.warc.gz",
        "warc_record_id": "<urn:uuid:capture-2>", "payload_sha256": "2" * 64, "revisit": None,
    }
    assert (first["warc_record_id"], first["payload_sha256"]) == ("<urn:uuid:capture-1>", "1" * 64)
    assert [c["warc_record_id"] for c in second["captures"]] == ["<urn:uuid:capture-3>"]

    out = tmp_path / "captures.parquet"
    run(*where, "--format", "parquet", "-o", str(out))
    rows = pq.read_table(out).to_pylist()
    assert [[c["warc_record_id"] for c in row["captures"]] for row in rows] == [
        ["<urn:uuid:capture-1>", "<urn:uuid:capture-2>"], ["<urn:uuid:capture-3>"]]
    out = tmp_path / "captures.csv"
    run(*where, "--format", "csv", "-o", str(out))
    with out.open(encoding="utf-8", newline="") as stream:
        assert json.loads(next(csv.DictReader(stream))["captures"]) == first["captures"]
    db.dispose()


def test_wrong_options_say_what_to_do(store) -> None:
    _db, where = store
    bad_cursor = runner.invoke(app, ["export", *where, "--after", "last-tuesday"])
    assert bad_cursor.exit_code == 1 and "like 1520" in bad_cursor.stderr
    parquet = runner.invoke(app, ["export", *where, "--format", "parquet"])
    assert parquet.exit_code == 2 and "--output" in parquet.output
    mixed = runner.invoke(app, ["export", *where, "--after", "0", "--since", "2024-05-01"])
    assert mixed.exit_code == 2 and "change feed" in mixed.output
    nowhere = runner.invoke(app, ["export", *where, "-o", "/nonexistent-folder/x.jsonl"])
    assert nowhere.exit_code == 1 and "Cannot write" in nowhere.stderr
