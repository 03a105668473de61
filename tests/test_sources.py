"""load_sources and find_source: a good file loads; every mistake is refused with where and what."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.sources import ALLOWED_KEYS, Source, find_source, load_sources
from core.errors import SourceConfigError, UnknownSourceError

GOOD = """\
# Two sites
[[sources]]
name = "xiangtan-gov"
start_urls = ["http://www.example.gov.cn/zwgk/tzgg/"]
allowed_domains = ["www.example.gov.cn"]
article_urls = ['/content/\\d+\\.html$', '/art/\\d{4}/']
max_pages = 5000
schedule = "0 */6 * * *"

[[sources]]
name = "people-politics"
start_urls = ["https://politics.people.com.cn/", "https://politics.people.com.cn/GB/1024/index.html"]
allowed_domains = ["people.com.cn"]
article_urls = ['/n1/\\d{4}/\\d{4}/c\\d+-\\d+\\.html']
max_depth = 3
max_query_variants = 20
"""

ONE_SOURCE = """\
[[sources]]
name = "xiangtan-gov"
start_urls = ["http://www.example.gov.cn/zwgk/tzgg/"]
allowed_domains = ["www.example.gov.cn"]
article_urls = ['/content/\\d+\\.html$']
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(SourceConfigError) as info:
        load_sources(path)
    return str(info.value)


def test_good_file_loads_every_field(tmp_path):
    sources = load_sources(write(tmp_path, GOOD))
    assert [s.name for s in sources] == ["xiangtan-gov", "people-politics"]
    first, second = sources
    assert first.start_urls == ("http://www.example.gov.cn/zwgk/tzgg/",)
    assert first.allowed_domains == ("www.example.gov.cn",)
    assert [p.pattern for p in first.article_urls] == [r"/content/\d+\.html$", r"/art/\d{4}/"]
    assert (first.max_pages, first.schedule, first.max_depth, first.max_query_variants) == (5000, "0 */6 * * *", None, None)
    assert (second.max_pages, second.schedule, second.max_depth, second.max_query_variants) == (None, None, 3, 20)
    assert len(second.start_urls) == 2


def test_load_accepts_a_string_path(tmp_path):
    assert load_sources(str(write(tmp_path, ONE_SOURCE)))[0].name == "xiangtan-gov"


def test_is_article_searches_path_and_query_only():
    source = Source(
        name="s",
        start_urls=("http://www.example.gov.cn/",),
        allowed_domains=("www.example.gov.cn",),
        article_urls=(re.compile(r"/content/\d+\.html$"), re.compile(r"[?&]id=\d+")),
    )
    assert source.is_article("http://www.example.gov.cn/content/123.html")
    assert source.is_article("http://www.example.gov.cn/view.jsp?id=42")
    assert not source.is_article("http://www.example.gov.cn/zwgk/tzgg/")
    assert not source.is_article("http://content.example.gov.cn/index.html")  # host is not searched
    assert not source.is_article("http://www.example.gov.cn/list.html#/content/1.html")  # nor the fragment


def test_find_source_by_name(tmp_path):
    sources = load_sources(write(tmp_path, GOOD))
    assert find_source(sources, "people-politics").max_depth == 3


def test_unknown_source_name_lists_the_known_ones(tmp_path):
    sources = load_sources(write(tmp_path, GOOD))
    with pytest.raises(UnknownSourceError) as info:
        find_source(sources, "xiangtan")
    message = str(info.value)
    assert "'xiangtan'" in message
    assert "people-politics, xiangtan-gov" in message
    assert "Did you mean 'xiangtan-gov'?" in message


def test_missing_file_says_how_to_create_one(tmp_path):
    with pytest.raises(SourceConfigError) as info:
        load_sources(tmp_path / "nope.toml")
    message = str(info.value)
    assert f"{tmp_path / 'nope.toml'}: no such sources file" in message
    assert "[[sources]]" in message and "start_urls" in message


def test_toml_syntax_error_names_file_and_line(tmp_path):
    text = ONE_SOURCE.replace('allowed_domains = ["www.example.gov.cn"]', 'allowed_domains = ["www.example.gov.cn"')
    message = refusal(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'sources.toml'}:")
    assert "not valid TOML" in message
    assert re.match(rf"{re.escape(str(tmp_path / 'sources.toml'))}:[45]: ", message)


def test_file_without_sources(tmp_path):
    message = refusal(tmp_path, "# nothing yet\n")
    assert "no [[sources]] tables" in message
    assert "name = " in message  # shows an example


def test_unknown_key_is_named_with_its_line_and_the_allowed_keys(tmp_path):
    message = refusal(tmp_path, ONE_SOURCE + "max_page = 10\n")
    assert f"{tmp_path / 'sources.toml'}:6: source 'xiangtan-gov': unknown key 'max_page'" in message
    assert "did you mean 'max_pages'?" in message
    assert ", ".join(ALLOWED_KEYS) in message


def test_unknown_top_level_key(tmp_path):
    message = refusal(tmp_path, 'user_agent = "x"\n' + ONE_SOURCE)
    assert "unknown top-level key 'user_agent'" in message


def test_missing_required_key_points_at_the_table(tmp_path):
    text = ONE_SOURCE.replace('allowed_domains = ["www.example.gov.cn"]\n', "")
    message = refusal(tmp_path, text)
    assert f"{tmp_path / 'sources.toml'}:1: source 'xiangtan-gov': missing required key 'allowed_domains'" in message


def test_source_without_a_name_is_called_by_its_position(tmp_path):
    message = refusal(tmp_path, GOOD.replace('name = "people-politics"\n', ""))
    assert ":10: source #2: missing required key 'name'" in message


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("max_pages = 5000", 'max_pages = "5000"', "max_pages must be a whole number, e.g. max_pages = 100, got string '5000'"),
        ("max_pages = 5000", "max_pages = true", "max_pages must be a whole number, e.g. max_pages = 100, got boolean True"),
        ("max_pages = 5000", "max_pages = 0", "max_pages must be at least 1, got 0"),
        ("max_pages = 5000", "max_depth = -1", "max_depth must be at least 0, got -1"),
        ("max_pages = 5000", "max_query_variants = 2.5", "max_query_variants must be a whole number"),
        ('name = "xiangtan-gov"', "name = 7", "name must be a string, got integer 7"),
        ('name = "xiangtan-gov"', 'name = "xiangtan gov"', "must be a non-empty word without spaces"),
        (
            'start_urls = ["http://www.example.gov.cn/zwgk/tzgg/"]',
            'start_urls = "http://www.example.gov.cn/zwgk/tzgg/"',
            "start_urls must be a list of strings",
        ),
        ('schedule = "0 */6 * * *"', "schedule = 6", "schedule must be a cron string"),
    ],
)
def test_wrong_types_and_values_are_named(tmp_path, replace, by, expected):
    text = GOOD.split("\n\n[[sources]]")[0].replace(replace, by)
    message = refusal(tmp_path, text)
    assert expected in message
    key = by.split(" =")[0]
    line = text.splitlines().index(by) + 1
    assert f"sources.toml:{line}: source " in message, key


def test_bad_regex_is_quoted_with_the_re_error(tmp_path):
    text = ONE_SOURCE.replace(r"'/content/\d+\.html$'", r"'/content/(\d+\.html$'")
    message = refusal(tmp_path, text)
    assert r"sources.toml:5: source 'xiangtan-gov': article_urls pattern '/content/(\\d+\\.html$'" in message
    assert "not a valid regular expression: missing ), unterminated subpattern" in message


def test_bad_cron_is_refused_with_the_reason(tmp_path):
    message = refusal(tmp_path, ONE_SOURCE + 'schedule = "61 * * * *"\n')
    assert "sources.toml:6: source 'xiangtan-gov': schedule '61 * * * *' is not a valid cron expression" in message
    assert "minute '61': 61 is outside 0-59" in message
    message = refusal(tmp_path, ONE_SOURCE + 'schedule = "every 6 hours"\n')
    assert "3 field(s) where crontab has five" in message
    # Forms APScheduler would take but crontab would not are refused too: what is accepted is what cron means.
    message = refusal(tmp_path, ONE_SOURCE + 'schedule = "0 8 last * *"\n')
    assert "day of month 'last'" in message


def test_duplicate_name_gives_both_lines(tmp_path):
    message = refusal(tmp_path, ONE_SOURCE + "\n" + ONE_SOURCE)
    assert "sources.toml:8: source 'xiangtan-gov': source name 'xiangtan-gov' is used twice" in message
    assert f"also at {tmp_path / 'sources.toml'}:2" in message


def test_start_url_must_be_http(tmp_path):
    message = refusal(tmp_path, ONE_SOURCE.replace("http://www.example.gov.cn/zwgk/tzgg/", "ftp://www.example.gov.cn/"))
    assert "sources.toml:3: source 'xiangtan-gov': start URL 'ftp://www.example.gov.cn/' must be an absolute http://" in message


def test_start_url_must_be_inside_allowed_domains(tmp_path):
    message = refusal(tmp_path, ONE_SOURCE.replace("http://www.example.gov.cn/zwgk/", "http://www.other.gov.cn/zwgk/"))
    assert "start URL 'http://www.other.gov.cn/zwgk/tzgg/' is outside allowed_domains (www.example.gov.cn)" in message
    assert "add 'www.other.gov.cn' to allowed_domains" in message


def test_subdomain_of_an_allowed_domain_and_a_port_are_fine(tmp_path):
    text = ONE_SOURCE.replace('["www.example.gov.cn"]', '["example.gov.cn", "127.0.0.1"]')
    text = text.replace('["http://www.example.gov.cn/zwgk/tzgg/"]', '["http://www.example.gov.cn/", "http://127.0.0.1:8000/"]')
    assert load_sources(write(tmp_path, text))[0].allowed_domains == ("example.gov.cn", "127.0.0.1")


def test_allowed_domain_written_as_a_url_is_refused(tmp_path):
    message = refusal(tmp_path, ONE_SOURCE.replace('["www.example.gov.cn"]', '["http://www.example.gov.cn/"]'))
    assert "allowed_domains entry 'http://www.example.gov.cn/' should be a bare host name" in message


@pytest.mark.parametrize("key", ["start_urls", "allowed_domains", "article_urls"])
def test_empty_lists_are_refused(tmp_path, key):
    text = re.sub(rf"^{key} = .*$", f"{key} = []", ONE_SOURCE, flags=re.M)
    message = refusal(tmp_path, text)
    assert f"source 'xiangtan-gov': {key} is empty; give at least one" in message


def test_every_problem_is_reported_at_once(tmp_path):
    text = ONE_SOURCE + "max_page = 1\nschedule = \"bad\"\n"
    message = refusal(tmp_path, text)
    assert "has 2 problems" in message
    assert "unknown key 'max_page'" in message and "schedule 'bad'" in message


def test_day_of_week_is_read_as_crontab_reads_it_numbers_and_names_alike(tmp_path):
    # Crontab counts from Sunday (0 and 7); the sources file takes it as written, and
    # core.cron turns it into the days APScheduler must use (tests/test_cron.py).
    for schedule in ("0 */6 * * 1", "0 9 * * 1-5", "0 9 * * mon-fri", "0 8 * * 0", "0 8 * * 7", "@daily"):
        loaded = load_sources(write(tmp_path, ONE_SOURCE + f'schedule = "{schedule}"\n'))
        assert loaded[0].schedule == schedule
    message = refusal(tmp_path, ONE_SOURCE + 'schedule = "0 9 * * 8"\n')
    assert "schedule '0 9 * * 8' is not a valid cron expression: day of week '8': 8 is outside 0-7" in message


def test_a_webhook_is_an_http_url_and_is_kept(tmp_path):
    [source] = load_sources(write(tmp_path, ONE_SOURCE + 'webhook = "https://hooks.example.org/dangan?t=1"\n'))
    assert source.webhook == "https://hooks.example.org/dangan?t=1"
    assert load_sources(write(tmp_path, ONE_SOURCE))[0].webhook is None


@pytest.mark.parametrize("value", ['"hooks.example.org/dangan"', '"ftp://hooks.example.org/"', "true"])
def test_a_webhook_that_is_not_an_http_url_is_refused_with_its_line(tmp_path, value):
    message = refusal(tmp_path, ONE_SOURCE + f"webhook = {value}\n")
    assert "sources.toml:6: source 'xiangtan-gov': webhook must be an absolute http:// or https:// URL" in message
