"""The sites to crawl, as operators describe them in a TOML file (``sources.toml``).

Each ``[[sources]]`` table is one site::

    [[sources]]
    name = "xiangtan-gov"                       # unique; used on the command line
    start_urls = ["http://www.example.gov.cn/zwgk/tzgg/"]
    allowed_domains = ["www.example.gov.cn"]    # subdomains included, as in Scrapy
    article_urls = ['/content/\\d+\\.html$']      # pages to archive; other links are only followed
    max_pages = 5000                            # optional: pages fetched per crawl
    max_depth = 4                               # optional: links followed from a start URL
    max_query_variants = 50                     # optional: ?page=1..N variants per path
    schedule = "0 */6 * * *"                    # optional: crontab line, for the scheduler (core/cron.py)
    webhook = "https://hooks.example.org/dangan" # optional: notices of failed runs and new versions

The whole file is checked when it is loaded, so a typo fails at once with the
file, line and source it is in, not hours into a crawl.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.cron import crontab_fields
from core.errors import SourceConfigError, UnknownSourceError
from core.settings import DANGAN_SOURCES_FILE


EXAMPLE_SOURCE = """\
[[sources]]
name = "example-gov"
start_urls = ["http://www.example.gov.cn/zwgk/tzgg/"]
allowed_domains = ["www.example.gov.cn"]
article_urls = ['/content/\\d+\\.html$']
"""

REQUIRED_KEYS = ("name", "start_urls", "allowed_domains", "article_urls")
OPTIONAL_KEYS = ("max_pages", "max_depth", "max_query_variants", "schedule", "webhook")
ALLOWED_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS

# Smallest value each optional bound may take: a depth of 0 means the start
# pages only, but a crawl of 0 pages or 0 variants would do nothing.
_MINIMUM = {"max_pages": 1, "max_depth": 0, "max_query_variants": 1}

_TABLE_HEADER = re.compile(r"^\s*\[\[\s*sources\s*\]\]")
_ANY_TABLE_HEADER = re.compile(r"^\s*\[")
_KEY_LINE = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class Source:
    """One site to crawl, as checked and compiled from the sources file."""

    name: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    article_urls: tuple[re.Pattern[str], ...]
    max_pages: int | None = None
    schedule: str | None = None
    max_depth: int | None = None
    max_query_variants: int | None = None
    webhook: str | None = None

    def is_article(self, url: str) -> bool:
        """True if any `article_urls` pattern matches somewhere in the URL's path and query.

        >>> source = Source("s", ("http://a.cn/",), ("a.cn",), (re.compile(r"/content/\\d+\\.html$"),))
        >>> source.is_article("http://a.cn/content/12.html"), source.is_article("http://a.cn/list/")
        (True, False)
        """
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return any(pattern.search(target) for pattern in self.article_urls)


def load_sources(path: str | Path = DANGAN_SOURCES_FILE) -> list[Source]:
    """Read and check a sources file; every problem found is reported in one `SourceConfigError`.

    Each problem names the file, the line where one can be placed, the
    source, and what to change.
    """
    path = Path(path)
    text = _read(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError(_syntax_message(path, exc)) from exc

    problems: list[str] = []
    for key in document:
        if key != "sources":
            problems.append(
                f"{path}: unknown top-level key {key!r}; the file holds only [[sources]] tables"
            )
    tables = document.get("sources")
    if tables is None or tables == []:
        problems.append(
            f"{path}: no [[sources]] tables; add one per site, for example:\n{EXAMPLE_SOURCE}"
        )
        raise SourceConfigError(_joined(path, problems))
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.append(f"{path}: 'sources' must be written as [[sources]] tables, one per site")
        raise SourceConfigError(_joined(path, problems))

    lines = _key_lines(text, len(tables))
    sources: list[Source] = []
    first_line_of: dict[str, int | None] = {}
    for index, table in enumerate(tables):
        checker = _SourceChecker(path, index, table, lines[index])
        source = checker.build()
        problems.extend(checker.problems)
        if source is None:
            continue
        if source.name in first_line_of:
            problems.append(
                f"{checker.where('name')}: source name {source.name!r} is used twice (also at "
                f"{_at(path, first_line_of[source.name])}); names must be unique because the "
                "command line picks sources by name"
            )
            continue
        first_line_of[source.name] = checker.line_of("name")
        sources.append(source)

    if problems:
        raise SourceConfigError(_joined(path, problems))
    return sources


def find_source(sources: list[Source], name: str) -> Source:
    """The source called `name`; `UnknownSourceError` listing the known names if there is none."""
    for source in sources:
        if source.name == name:
            return source
    known = ", ".join(sorted(source.name for source in sources)) or "(none)"
    close = difflib.get_close_matches(name, [source.name for source in sources], n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownSourceError(f"no source named {name!r} in the sources file; known sources: {known}.{hint}")


@dataclass
class _SourceChecker:
    """Checks one [[sources]] table, collecting every problem rather than stopping at the first."""

    path: Path
    index: int
    table: dict[str, Any]
    lines: dict[str, int]
    problems: list[str] = field(default_factory=list)

    def build(self) -> Source | None:
        for key in self.table:
            if key not in ALLOWED_KEYS:
                close = difflib.get_close_matches(key, ALLOWED_KEYS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.fail(key, f"unknown key {key!r}{hint}; allowed keys: {', '.join(ALLOWED_KEYS)}")
        for key in REQUIRED_KEYS:
            if key not in self.table:
                self.fail(None, f"missing required key {key!r}")

        name = self.name()
        start_urls = self.string_list("start_urls")
        allowed_domains = tuple(d for d in self.string_list("allowed_domains") if self.is_domain(d))
        article_urls = tuple(p for p in map(self.pattern, self.string_list("article_urls")) if p)
        bounds = {key: self.bound(key) for key in _MINIMUM}
        schedule = self.schedule()
        webhook = self.webhook()
        for url in start_urls:
            self.check_start_url(url, allowed_domains)
        if self.problems:
            return None
        assert name is not None  # checked above; narrows the type
        return Source(
            name=name,
            start_urls=start_urls,
            allowed_domains=allowed_domains,
            article_urls=article_urls,
            schedule=schedule,
            webhook=webhook,
            **bounds,
        )

    # -- where and how to report ------------------------------------------------

    def line_of(self, key: str | None) -> int | None:
        return self.lines.get(key) if key in self.lines else self.lines.get("[[sources]]")

    def where(self, key: str | None) -> str:
        name = self.table.get("name")
        label = f"source {name!r}" if isinstance(name, str) and name else f"source #{self.index + 1}"
        return f"{_at(self.path, self.line_of(key))}: {label}"

    def fail(self, key: str | None, problem: str) -> None:
        self.problems.append(f"{self.where(key)}: {problem}")

    # -- the checks ---------------------------------------------------------------

    def name(self) -> str | None:
        name = self.table.get("name")
        if name is None:
            return None
        if not isinstance(name, str):
            self.fail("name", f"name must be a string, got {_describe(name)}")
            return None
        if not name.strip() or any(ch.isspace() for ch in name):
            self.fail("name", f"name {name!r} must be a non-empty word without spaces, e.g. 'xiangtan-gov'")
            return None
        return name

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(key, f"{key} must be a list of strings, e.g. {key} = [\"...\"], got {_describe(value)}")
            return ()
        if not value:
            self.fail(key, f"{key} is empty; give at least one")
            return ()
        return tuple(item.strip() for item in value)

    def is_domain(self, domain: str) -> bool:
        parts = urlsplit(f"//{domain}")
        if not domain or "/" in domain or parts.port is not None or parts.hostname != domain.lower():
            self.fail(
                "allowed_domains",
                f"allowed_domains entry {domain!r} should be a bare host name such as "
                "'www.example.gov.cn', without scheme, port or path",
            )
            return False
        return True

    def pattern(self, regex: str) -> re.Pattern[str] | None:
        try:
            return re.compile(regex)
        except re.error as exc:
            self.fail("article_urls", f"article_urls pattern {regex!r} is not a valid regular expression: {exc}")
            return None

    def bound(self, key: str) -> int | None:
        value = self.table.get(key)
        if value is None:
            return None
        # bool is an int in Python, but `max_pages = true` is a mistake, not 1.
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(key, f"{key} must be a whole number, e.g. {key} = 100, got {_describe(value)}")
            return None
        if value < _MINIMUM[key]:
            self.fail(key, f"{key} must be at least {_MINIMUM[key]}, got {value}")
            return None
        return value

    def schedule(self) -> str | None:
        value = self.table.get("schedule")
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail("schedule", f"schedule must be a cron string such as \"0 */6 * * *\", got {_describe(value)}")
            return None
        try:
            crontab_fields(value)
        except ValueError as exc:
            self.fail(
                "schedule",
                f"schedule {value!r} is not a valid cron expression: {exc}; write five fields, "
                "minute hour day-of-month month day-of-week, e.g. \"0 */6 * * *\" (every 6 hours) "
                "or \"0 8 * * 1\" (08:00 on Mondays)",
            )
            return None
        return value

    def webhook(self) -> str | None:
        value = self.table.get("webhook")
        if value is None:
            return None
        parts = urlsplit(value.strip()) if isinstance(value, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            self.fail(
                "webhook",
                f"webhook must be an absolute http:// or https:// URL such as "
                f"\"https://hooks.example.org/dangan\", got {_describe(value)}",
            )
            return None
        return value.strip()

    def check_start_url(self, url: str, allowed_domains: tuple[str, ...]) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.fail("start_urls", f"start URL {url!r} must be an absolute http:// or https:// URL")
            return
        if allowed_domains and not _host_allowed(parts.hostname, allowed_domains):
            self.fail(
                "start_urls",
                f"start URL {url!r} is outside allowed_domains ({', '.join(allowed_domains)}); "
                f"add {parts.hostname!r} to allowed_domains or fix the URL",
            )


def _host_allowed(host: str, allowed_domains: tuple[str, ...]) -> bool:
    """Scrapy's rule: the domain itself or any subdomain of it."""
    host = host.lower()
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in allowed_domains)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceConfigError(
            f"{path}: no such sources file. Create it with one [[sources]] table per site, "
            f"for example:\n{EXAMPLE_SOURCE}"
        ) from None
    except UnicodeDecodeError as exc:
        raise SourceConfigError(f"{path}: not UTF-8 text ({exc}); save the file as UTF-8") from exc
    except OSError as exc:
        raise SourceConfigError(f"{path}: cannot be read: {exc.strerror}") from exc


def _syntax_message(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    position = _TOML_POSITION.search(message)
    if position is None:
        return f"{path}: not valid TOML: {message}"
    line = int(position.group(1))
    return f"{path}:{line}: not valid TOML: {message}"


def _key_lines(text: str, count: int) -> list[dict[str, int]]:
    """Line numbers of each [[sources]] header and of the keys below it, for error messages.

    A light scan, not a TOML parser: if the file is written in a form it does
    not follow (inline tables), messages fall back to no line numbers.
    """
    found: list[dict[str, int]] = []
    current: dict[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if _TABLE_HEADER.match(line):
            current = {"[[sources]]": number}
            found.append(current)
        elif _ANY_TABLE_HEADER.match(line):
            current = None
        elif current is not None:
            match = _KEY_LINE.match(line)
            if match:
                key = next(group for group in match.groups() if group is not None)
                current.setdefault(key, number)
    if len(found) != count:
        return [{} for _ in range(count)]
    return found


def _at(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else str(path)


def _describe(value: Any) -> str:
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "table"}
    return f"{kind.get(type(value), type(value).__name__)} {value!r}"


def _joined(path: Path, problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    return f"{path} has {len(problems)} problems:\n" + "\n".join(f"  {problem}" for problem in problems)
