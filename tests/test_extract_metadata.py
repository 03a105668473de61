"""How the metadata fields are read, one rule per test, each on a small page of our own.

The pages are built inline and read with `read_metadata`, the stage
`extract_article` runs on the whole page before anything is pruned.
"""

from __future__ import annotations

import lxml.html
import pytest

from pipeline.extract.dates import parse_date, pick_published
from core.article import ArticleFields
from pipeline.extract.page_metadata import read_metadata

PARA = "为深入贯彻落实党中央决策部署，切实做好当前各项工作，现将有关事项通知如下，请各单位认真抓好落实。"


def meta(body: str, head: str = "") -> ArticleFields:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return read_metadata(lxml.html.document_fromstring(html))


def disclosure_table(rows: str) -> str:
    return f"<table class='xxgk'>{rows}</table><h1>关于开展技能认定工作的通知</h1><p>{PARA}</p>"


def test_wechat_title_printed_whole_keeps_its_bar():
    page = meta(
        "<h1 class='rich_media_title' id='activity-name'>消费提示｜中秋月饼选购这几点要注意</h1>",
        "<title>消费提示｜中秋月饼选购这几点要注意</title>"
        "<meta property='og:title' content='消费提示｜中秋月饼选购这几点要注意'>",
    )
    assert page.title == "消费提示｜中秋月饼选购这几点要注意"


def test_og_title_not_printed_on_the_page_loses_the_site_suffix():
    page = meta(f"<p>{PARA}</p>", "<meta property='og:title' content='全省经济运行情况 - 某某新闻网'>")
    assert page.title == "全省经济运行情况"


def test_disclosure_page_prefers_publication_date_over_signing_date():
    page = meta(disclosure_table(
        "<tr><td>成文日期：</td><td>2023-03-30</td><td>发布日期：</td><td>2023-04-03</td></tr>"
    ))
    assert page.published == "2023-04-03"


def test_signing_date_stands_in_when_no_publication_date_is_shown():
    page = meta(disclosure_table("<tr><td>成文日期：</td><td>2023-03-30</td></tr>"))
    assert page.published == "2023-03-30"


def test_date_only_cell_borrows_the_time_the_byline_shows_for_that_day():
    page = meta(disclosure_table(
        "<tr><td>成文日期：</td><td>2023-02-10</td><td>发布日期：</td><td>2023-02-14</td></tr>"
    ) + "<div class='info'>发布时间：2023-02-14 16:20　【字体：大 中 小】</div>")
    assert page.published == "2023-02-14T16:20"


def test_labelled_date_right_after_the_colon_is_read():
    page = meta(
        "<ul><li><label>成文日期：</label><span>2021-09-15</span></li></ul>"
        "<div class='sub'><span>发布日期：2021-09-16</span><span>来源：汾阳县自然资源局</span></div>"
    )
    assert page.published == "2021-09-16"


def test_dates_in_link_text_are_archive_menus_not_the_article_date():
    page = meta(
        "<div class='side'><a href='/a?d=200412'>12/01/2004 - 01/01/2005</a></div>"
        "<table><tr><td>湘菜粤菜 兵分两路</td><td><nobr>2005-06-14 03:25:55</nobr></td></tr></table>"
        f"<p>{PARA}</p>"
    )
    assert page.published == "2005-06-14T03:25"


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("发布日期： 9/17/2004 5:54:13 AM", "2004-09-17T05:54"),
        ("7/5/2005 9:23:57 PM", "2005-07-05T21:23"),
        ("2022-03-25T01:12:00Z", "2022-03-25T09:12"),
        ("2022年3月25日 9时12分", "2022-03-25T09:12"),
        ("2022.03.25", "2022-03-25"),
        ("12/01/2004 - 01/01/2005", "2004-12-01"),
        ("2022-03-25 00:00:00", "2022-03-25"),
        ("2022-13-45", None),
    ],
)
def test_date_forms_chinese_pages_print(raw, iso):
    assert parse_date(raw) == iso


def test_a_date_only_winner_keeps_its_day_when_another_day_has_a_time():
    assert pick_published(["2022-02-13"], ["2022-02-12T07:48"]) == "2022-02-13"


def test_traditional_labels_give_origin_and_editor():
    page = meta("<div class='left-t'>2022年09月02日 09:34 來源：四川日報 編輯：曹惠君</div>")
    assert (page.origin, page.editor) == ("四川日報", "曹惠君")
    assert page.published == "2022-09-02T09:34"


def test_unlabelled_source_link_beside_the_date_is_the_origin():
    page = meta(
        "<div class='date-source'><span class='date'>2024年05月22日 21:30</span>"
        "<a class='source' href='#'>新华社</a></div>"
    )
    assert page.origin == "新华社"


def test_origin_given_as_a_link_is_the_link_text():
    page = meta("<div>2022年02月13日07:48 | 来源：<a href='http://x.example/1.html'>新华日报</a></div>")
    assert page.origin == "新华日报"
    assert page.published == "2022-02-13T07:48"


def test_origin_is_not_cut_at_a_character_that_is_also_a_label():
    page = meta("<div class='info'>来源：市文化广电旅游局　发布时间：2023-05-06</div>")
    assert page.origin == "市文化广电旅游局"


def test_byline_with_several_labels_splits_into_fields():
    page = meta("<div class='info'>来源：市政府 作者：李明 编辑：张华 浏览次数：1,286</div>")
    assert (page.origin, page.author, page.editor) == ("市政府", "李明", "张华")


@pytest.mark.parametrize("empty", ["无", "-", "/", ""])
def test_doc_number_that_does_not_apply_is_null(empty):
    page = meta(disclosure_table(f"<tr><td>发文字号：</td><td>{empty}</td><td>发布日期：</td><td>2023-04-03</td></tr>"))
    assert page.doc_number is None


def test_doc_number_from_the_disclosure_table():
    page = meta(disclosure_table("<tr><td>发文字号：</td><td>庆组明电〔2020〕2号</td></tr>"))
    assert page.doc_number == "庆组明电〔2020〕2号"


def test_wechat_account_is_the_origin_and_the_meta_text_the_author():
    page = meta(
        "<div id='meta_content' class='rich_media_meta_list'>"
        "<span class='rich_media_meta rich_media_meta_text'>唐敏</span>"
        "<span class='rich_media_meta rich_media_meta_nickname' id='profileBt'>"
        "<a id='js_name'> 南溪融媒 </a></span>"
        "<em id='publish_time' class='rich_media_meta rich_media_meta_text'>2021-05-28 12:00</em></div>"
        f"<div id='js_content'><p>{PARA}</p></div>"
    )
    assert (page.origin, page.author, page.published) == ("南溪融媒", "唐敏", "2021-05-28T12:00")


def test_wechat_relative_time_in_the_meta_slot_is_no_author():
    page = meta(
        "<div id='meta_content'><span class='rich_media_meta rich_media_meta_text'>昨天</span>"
        "<a id='js_name'>爱否科技</a></div>"
        f"<div id='js_content'><p>{PARA}</p></div>"
    )
    assert page.author is None


def test_slash_credit_names_the_writer():
    assert meta(f"<p>文/张晓东</p><p>{PARA}</p>").author == "张晓东"
    assert meta(f"<p>河南商报记者马俊峰/文 受访者供图</p><p>{PARA}</p>").author == "马俊峰"


def test_bracketed_reporter_credit_at_the_end_of_prose():
    page = meta(f"<p>{PARA}推动云南工业高质量发展。（记者 胡晓蓉）</p>")
    assert page.author == "胡晓蓉"


def test_reporter_line_stops_at_the_place_reported_from():
    assert meta(f"<p>新京报记者 彭冲 山东冠县报道</p><p>{PARA}</p>").author == "彭冲"


def test_names_closing_a_paragraph_are_its_writers():
    page = meta(f"<p>{PARA}过一个平安、祥和的新春佳节。（常书香 马丹阳 ）</p>")
    assert page.author == "常书香 马丹阳"


def test_bracketed_channel_tag_is_not_a_writer():
    assert meta(f"<p>{PARA}</p><div><span>(体育)</span> <span>(试行)</span></div>").author is None


def test_reporter_in_link_text_is_a_menu_not_a_byline():
    page = meta(f"<div class='nav'><a href='/jzgcha/'>记者调查</a><a href='/k'>新华社记者看东北</a></div><p>{PARA}</p>")
    assert page.author is None


def test_reporter_opening_a_clause_is_prose_not_a_byline():
    assert meta("<p>近日，记者了解到</p>").author is None


def test_meta_author_naming_an_organisation_is_not_an_author():
    assert meta(f"<p>{PARA}</p>", "<meta name='author' content='大汉网络'>").author is None
    assert meta(f"<p>{PARA}</p>", "<meta name='author' content='李楠'>").author == "李楠"


def test_missing_fields_are_none():
    assert meta(f"<p>{PARA}</p>") == ArticleFields()


def test_caption_credits_are_the_pictures_not_the_articles():
    page = meta(f"<p>{PARA}</p><p>图为启动仪式现场。（刘通摄）</p><p>晨练的老年人。（视觉中国）</p>")
    assert page.author is None


def test_meta_author_that_is_the_sites_name_is_not_an_author():
    page = meta(f"<p>{PARA}</p>", "<title>狂奔的龙湖集团_网易财经</title><meta name='author' content='网易'>")
    assert page.author is None


def test_a_label_ending_its_paragraph_does_not_take_the_next_paragraph():
    page = meta(f"<p>{PARA}</p><p>责任编辑：</p><p>徐阿婆 冯警官 事主 江门</p>")
    assert page.editor is None


def test_wechat_time_comes_from_the_page_script_when_the_slot_is_relative():
    page = meta(
        "<div id='meta_content'><em id='publish_time' class='rich_media_meta_text'>昨天</em></div>"
        f"<div id='js_content'><p>{PARA}</p></div><script>var ct = \"1581517074\";</script>"
    )
    assert page.published == "2020-02-12T22:17"


def test_wechat_account_is_read_from_the_name_not_the_profile_card():
    page = meta(
        "<div class='rich_media_meta_nickname'><strong class='profile_nickname'>爱否科技</strong>"
        "<p>微信号 FViewXFG</p><p>功能介绍 聚焦手机互联网</p></div>"
        f"<div id='js_content'><p>{PARA}</p></div>"
    )
    assert page.origin == "爱否科技"


def test_forum_and_blog_signatures_name_the_poster():
    assert meta(f"<p>{PARA}</p><center>本贴由<b>大卫</b>于2005年8月12日16:12:21在〖论坛〗发表</center>").author == "大卫"
    assert meta(f"<p>{PARA}</p><em>由海姑娘张贴 @ <a href='/p'>2005-06-14 03:25:55</a></em>").author == "海姑娘"
    assert meta(f"<p>{PARA}</p><p>本通知由市财政局于2022年1月负责解释。</p>").author is None
