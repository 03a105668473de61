"""The article's fields are spelled out once (`core.article`); every layer carries all of them.

A field added to `ArticleFields` must reach the version row, `dangan show`'s
detail, the export rows and `dangan extract --jsonl` without anyone listing
it again; these tests fail when one of them drops or re-lists it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from core.article import ARTICLE_FIELDS, METADATA_FIELDS, Article, ArticleFields
from dangan.cli import app
from pipeline.process import ProcessedPage
from storage.database import Database
from storage.export_rows import EXPORT_COLUMNS
from storage.history import VersionDetail
from storage.models import Version
from storage.versions import PageRecord, VersionStore

URL = "http://www.gov.cn/zhengce/content/2024-05/01/content_1.htm"
PAGE = Path(__file__).parent.parent / "dangan" / "demo_site" / "zwgk" / "tzgg" / "content" / "1001.html"


def _every_field_set() -> Article:
    """An article with a distinct value in every field, whatever the fields are."""
    return Article(**{name: f"{name}：值" for name in ARTICLE_FIELDS})


def test_an_article_is_the_metadata_fields_then_the_text() -> None:
    assert METADATA_FIELDS == tuple(field.name for field in dataclasses.fields(ArticleFields))
    assert ARTICLE_FIELDS == (*METADATA_FIELDS, "text")
    assert list(_every_field_set().as_dict()) == list(ARTICLE_FIELDS)


def test_every_article_field_is_a_version_column() -> None:
    columns = Version.__table__.columns
    missing = [name for name in ARTICLE_FIELDS if name not in columns]
    assert missing == [], f"add a Version column (and a migration) for {missing}"


def test_records_carry_the_article_instead_of_copying_its_fields() -> None:
    for record in (ProcessedPage, PageRecord, VersionDetail):
        copied = {field.name for field in dataclasses.fields(record)} & set(ARTICLE_FIELDS)
        assert copied == set(), f"{record.__name__} lists {copied}; it should carry an `article`"


def test_every_field_is_stored_shown_and_exported(db: Database) -> None:
    article = _every_field_set()
    store = VersionStore(db)
    store.record(PageRecord(
        url=URL, source="gov", capture_id=None, seen_at=datetime(2024, 5, 1, 8, 0), article=article,
        text_sha256=hashlib.sha256(article.text.encode()).hexdigest(), extractor_version="1",
    ))
    assert store.show(URL).article == article

    [row] = list(store.export())
    # The export's keys and their order are documented in the README.
    assert list(row) == [column.name for column in EXPORT_COLUMNS]
    assert list(row)[2:2 + len(ARTICLE_FIELDS)] == list(ARTICLE_FIELDS)
    assert {name: row[name] for name in ARTICLE_FIELDS} == article.as_dict()


def test_extract_jsonl_prints_every_field() -> None:
    result = CliRunner().invoke(app, ["extract", "--jsonl", str(PAGE)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert list(record) == ["path", "encoding", *ARTICLE_FIELDS]
    assert record["title"] == "关于做好2026年冬季森林防火工作的通知"
