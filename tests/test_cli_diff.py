"""`dangan diff` as an archivist reads it: the characters that changed, in colour or marked, never raw control codes."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from core.article import Article
from dangan.cli import app
from dangan.diff_view import print_diff
from storage.store import Store
from storage.versions import PageRecord

runner = CliRunner()
URL = "http://www.example.gov.cn/art/2024/5/1/art_1.html"
FIRST = "关于召开会议的通知\n会议决定，安排专项资金支持中小企业技术改造，并在4月底前完成首批项目申报。\n特此通知。"
INSERTED = "经市政府常务会议研究"  # ten characters
SECOND = FIRST.replace("安排", "安排" + INSERTED)
THIRD = SECOND.replace("特此通知。", "特此通知。\x1b[2J\x1b]0;pwned\x07")


def _record(store: Store, text: str, day: int) -> None:
    store.versions.record(PageRecord(
        url=URL, source="gov", capture_id=None, seen_at=datetime(2024, 5, day),
        article=Article(title="通知", text=text), text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        extractor_version="zh-test",
    ))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with Store.open(None, tmp_path) as store:
        for day, text in enumerate((FIRST, SECOND, THIRD), start=1):
            _record(store, text, day)
    return tmp_path


def diff(data_dir: Path, *args: str):
    result = runner.invoke(app, ["diff", "--data-dir", str(data_dir), URL, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_insertion_inside_a_paragraph_is_marked_as_those_ten_characters(data_dir):
    out = diff(data_dir, "1", "2")
    assert f"+会议决定，安排{{+{INSERTED}+}}专项资金" in out
    assert "-会议决定，安排专项资金" in out and "[-" not in out
    assert out.splitlines()[:3] == [f"--- {URL} v1 (2024-05-01)", f"+++ {URL} v2 (2024-05-02)", "@@ -1,3 +1,3 @@"]


def test_one_version_number_compares_it_with_the_latest(data_dir):
    out = diff(data_dir, "1")
    assert f"+++ {URL} v3 (2024-05-03)" in out and f"{{+{INSERTED}+}}" in out


def test_side_by_side_puts_the_two_versions_in_columns(data_dir):
    out = diff(data_dir, "1", "2", "--side-by-side")
    header = next(line for line in out.splitlines() if "v1 (2024-05-01)" in line)
    assert "v2 (2024-05-02)" in header
    assert "{+" in out and "特此通知。" in out


def test_control_characters_from_a_page_are_shown_not_obeyed(data_dir):
    for args in ((), ("--side-by-side",)):
        out = diff(data_dir, *args)
        assert "\x1b" not in out and "\x07" not in out
        assert "\\x1b[2J" in out and "\\x1b]0;pwned\\x07" in out


def test_on_a_colour_terminal_the_changed_characters_carry_the_colour(data_dir):
    with Store.open(None, data_dir) as store:
        found = store.versions.diff(URL, 1, 2)
    console = Console(force_terminal=True, color_system="truecolor", record=True, width=200)
    print_diff(console, found)
    coloured = console.export_text(styles=True)
    # bold black on green, around exactly the inserted characters
    assert f"\x1b[1;30;42m{INSERTED}\x1b[0m" in coloured
    assert "{+" not in console.export_text()


def test_a_document_with_one_version_says_there_is_nothing_to_compare(tmp_path):
    with Store.open(None, tmp_path) as store:
        _record(store, FIRST, 1)
    result = runner.invoke(app, ["diff", "--data-dir", str(tmp_path), URL])
    assert result.exit_code == 1 and "nothing to compare" in result.output
