"""canonicalize_url, canonical_link, query_variant_key: one key per page, one key per path."""

from __future__ import annotations

import pytest

from core.urls import TRACKING_PARAMS, canonical_link, canonicalize_url, query_variant_key

PAGE = "http://www.example.gov.cn/zwgk/tzgg/202403/t20240305_1.html"


@pytest.mark.parametrize(
    "variant",
    [
        "http://www.example.gov.cn/art/1.html?b=2&a=1",
        "HTTP://WWW.EXAMPLE.GOV.CN/art/1.html?a=1&b=2",
        "http://www.example.gov.cn:80/art/1.html?a=1&b=2#top",
        "http://www.example.gov.cn/art/1.html?a=1&utm_source=wechat&b=2&utm_medium=social",
        "http://www.example.gov.cn/art/1.html?spm=a21bo.1.2&a=1&b=2&from=timeline&isappinstalled=0",
        "  http://www.example.gov.cn/art/1.html?a=1&b=2&gclid=x&fbclid=y&scene=21&share=1\n",
    ],
)
def test_variants_of_one_page_share_one_canonical_url(variant):
    assert canonicalize_url(variant) == "http://www.example.gov.cn/art/1.html?a=1&b=2"


def test_relative_urls_are_resolved_against_the_base():
    assert canonicalize_url("../202402/t1.html", base=PAGE) == "http://www.example.gov.cn/zwgk/tzgg/202402/t1.html"
    assert canonicalize_url("/content/7.html", base=PAGE) == "http://www.example.gov.cn/content/7.html"


def test_empty_query_and_fragment_are_dropped():
    assert canonicalize_url("https://www.example.gov.cn/a.html?#section-2") == "https://www.example.gov.cn/a.html"


def test_query_of_only_tracking_params_disappears():
    assert canonicalize_url("http://www.example.gov.cn/a.html?utm_campaign=x&spm=1") == "http://www.example.gov.cn/a.html"


def test_tracking_param_names_compare_without_case():
    assert canonicalize_url("http://www.example.gov.cn/a.html?UTM_Source=x&From=y") == "http://www.example.gov.cn/a.html"


def test_tracking_params_are_a_frozen_module_level_set():
    assert isinstance(TRACKING_PARAMS, frozenset)
    assert {"spm", "from", "isappinstalled", "gclid", "fbclid", "scene", "share"} <= TRACKING_PARAMS


def test_default_https_port_is_dropped_but_other_ports_kept():
    assert canonicalize_url("https://www.example.gov.cn:443/a") == "https://www.example.gov.cn/a"
    assert canonicalize_url("http://127.0.0.1:8000/a") == "http://127.0.0.1:8000/a"


def test_parameters_that_select_the_page_are_kept():
    url = "http://www.example.gov.cn/article.jsp?id=42&channel=zwgk"
    assert canonicalize_url(url) == "http://www.example.gov.cn/article.jsp?channel=zwgk&id=42"


def test_wechat_article_keeps_its_identity_and_loses_visit_markers():
    url = "https://mp.weixin.qq.com/s?__biz=MzA5&mid=265&idx=1&sn=9f3&chksm=8b1&scene=21#wechat_redirect"
    assert canonicalize_url(url) == "https://mp.weixin.qq.com/s?__biz=MzA5&idx=1&mid=265&sn=9f3"


def test_gbk_percent_encoded_query_is_kept_byte_for_byte():
    url = "http://www.example.gov.cn/search?q=%D6%D0%CE%C4&utm_source=x"
    assert canonicalize_url(url) == "http://www.example.gov.cn/search?q=%D6%D0%CE%C4"


def test_non_ascii_path_is_percent_encoded_as_utf8():
    assert canonicalize_url("http://www.example.gov.cn/通知/1.html") == (
        "http://www.example.gov.cn/%E9%80%9A%E7%9F%A5/1.html"
    )


def test_canonicalizing_twice_is_the_same_as_once():
    once = canonicalize_url("HTTP://Www.Example.gov.cn:80/a b/通知?z=1&a=%D6%D0&spm=2#x")
    assert canonicalize_url(once) == once


def test_canonical_link_on_the_same_host_is_used():
    assert canonical_link(PAGE + "?from=timeline", "/content/1.html") == "http://www.example.gov.cn/content/1.html"


def test_canonical_link_on_another_subdomain_of_the_same_site_is_used():
    assert canonical_link(PAGE, "https://m.example.gov.cn/a.html?utm_source=x") == "https://m.example.gov.cn/a.html"


def test_canonical_link_to_another_site_is_ignored():
    assert canonical_link(PAGE + "#top", "https://www.aggregator.com/copy/1.html") == PAGE


def test_canonical_link_to_another_local_address_is_ignored():
    assert canonical_link("http://127.0.0.1:8000/a.html", "http://127.0.0.2:8000/b.html") == "http://127.0.0.1:8000/a.html"


@pytest.mark.parametrize("href", [None, "", "   ", "javascript:void(0)", "mailto:office@example.gov.cn"])
def test_missing_or_unusable_canonical_link_gives_the_page_url(href):
    assert canonical_link(PAGE + "?utm_source=x", href) == PAGE


def test_query_variant_key_drops_the_query():
    assert query_variant_key("http://www.example.gov.cn/list.jsp?page=7&cat=2#top") == "http://www.example.gov.cn/list.jsp"
    assert query_variant_key("HTTP://WWW.example.gov.cn:80/list.jsp?page=8") == query_variant_key(
        "http://www.example.gov.cn/list.jsp?page=9"
    )


def test_query_variant_key_of_a_url_without_query_is_the_url():
    assert query_variant_key(PAGE) == PAGE


@pytest.mark.parametrize(
    "variant",
    [
        "http://www.example.gov.cn/art/1.jsp;jsessionid=0A1B2C3D4E5F?id=7",
        "http://www.example.gov.cn/art/1.jsp;JSESSIONID=FFEE.node2?id=7",
        "http://www.example.gov.cn/art/1.jsp;phpsessid=abc?id=7&jsessionid=zz",
        "http://www.example.gov.cn/art/1.jsp?id=7",
    ],
)
def test_session_ids_in_the_path_do_not_make_new_pages(variant):
    assert canonicalize_url(variant) == "http://www.example.gov.cn/art/1.jsp?id=7"


def test_session_ids_are_dropped_from_any_segment_and_other_path_parameters_kept():
    assert (canonicalize_url("http://www.example.gov.cn/col;jsessionid=9/list;type=a/2.html")
            == "http://www.example.gov.cn/col/list;type=a/2.html")
