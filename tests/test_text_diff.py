"""The diff model: a change inside a one-line Chinese paragraph is found as exactly those characters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.text_diff import diff_texts

PARAGRAPH = "会议决定，安排专项资金支持中小企业技术改造，并在4月底前完成首批项目申报。"
INSERTED = "经市政府常务会议研究"  # ten characters


def test_a_ten_character_insertion_in_one_paragraph_is_those_ten_characters():
    new = PARAGRAPH.replace("安排", "安排" + INSERTED)
    [line] = diff_texts(PARAGRAPH, new).lines
    assert line.kind == "change" and (line.old_number, line.new_number) == (1, 1)
    assert [s for s in line.new if s.kind != "equal"] == [type(line.new[0])("insert", INSERTED)]
    assert all(s.kind == "equal" for s in line.old)
    assert (line.old_text, line.new_text) == (PARAGRAPH, new)


def test_a_replaced_figure_is_a_deletion_and_an_insertion_inside_the_line():
    found = diff_texts("第一段。\n" + PARAGRAPH, "第一段。\n" + PARAGRAPH.replace("4月", "5月"))
    assert [line.kind for line in found.lines] == ["equal", "change"]
    changed = found.lines[1]
    assert [(s.kind, s.text) for s in changed.old if s.kind != "equal"] == [("delete", "4")]
    assert [(s.kind, s.text) for s in changed.new if s.kind != "equal"] == [("insert", "5")]
    assert (found.inserted_chars, found.deleted_chars) == (1, 1)


def test_unrelated_lines_are_a_deletion_and_an_insertion_not_a_patchwork():
    found = diff_texts("甲\n今天天气很好，适合出游。\n乙", "甲\nThe meeting is postponed.\n乙")
    assert [line.kind for line in found.lines] == ["equal", "delete", "insert", "equal"]
    assert [(line.old_number, line.new_number) for line in found.lines] == [(1, 1), (2, None), (None, 2), (3, 3)]


def test_added_and_removed_paragraphs_keep_their_line_numbers_and_hunks():
    old = "\n".join(f"第{i}段。" for i in range(1, 21))
    new = old.replace("第3段。\n", "").replace("第18段。", "第18段。\n新增一段。")
    found = diff_texts(old, new)
    hunks = found.hunks(context=2)
    assert [hunk.header() for hunk in hunks] == ["@@ -1,5 +1,4 @@", "@@ -17,4 +16,5 @@"]
    assert [line.kind for line in hunks[0].lines] == ["equal", "equal", "delete", "equal", "equal"]
    assert not diff_texts(old, old).changed and diff_texts(old, old).hunks() == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="甲乙丙丁。，\nab ", max_size=60), st.text(alphabet="甲乙丙丁。，\nab ", max_size=60))
def test_each_side_of_the_diff_gives_its_text_back(old, new):
    found = diff_texts(old, new)
    olds = [line.old_text for line in found.lines if line.old_number is not None]
    news = [line.new_text for line in found.lines if line.new_number is not None]
    assert "\n".join(olds) == old and "\n".join(news) == new
    for line in found.lines:
        assert {s.kind for s in line.old} <= {"equal", "delete"} and {s.kind for s in line.new} <= {"equal", "insert"}
    assert found.changed == (old.split("\n") != new.split("\n") if old or new else False)
