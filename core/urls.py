"""One spelling per page: the URL forms that archive keys and crawl limits count under.

The same article is reached as ``HTTP://Example.gov.cn:80/a?b=2&a=1#top``,
``http://example.gov.cn/a?a=1&b=2&utm_source=wechat`` and through share links
carrying ``spm`` or ``from=timeline``. `canonicalize_url` maps all of them to
one string, so one article is one document and one crawl-queue entry.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize

logger = logging.getLogger(__name__)

#: Query parameters that say how a reader arrived, not which page they asked
#: for. Compared lower-cased. Add to this set, not to call sites, when a site
#: turns out to use another one.
TRACKING_PARAMS = frozenset(
    {
        # analytics and ad click IDs
        "gclid", "fbclid", "msclkid", "yclid", "dclid", "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
        # Chinese portals' share and referrer markers (Alibaba spm, Tencent/Sina share links)
        "spm", "from", "isappinstalled", "share", "share_token", "sharetype", "share_from",
        "tt_from", "wxshare_count", "wxfrom", "source_from",
        # WeChat article links: the article is __biz, mid, idx and sn; these only record the visit
        "scene", "subscene", "ascene", "chksm", "sessionid", "clicktime", "enterid", "srcid",
        "pass_ticket", "exportkey", "devicetype", "wx_header",
        # session ids, sometimes sent in the query rather than the path
        "jsessionid", "phpsessid",
    }
)
#: Parameter-name prefixes that are tracking whatever follows (utm_source, utm_medium, ...).
TRACKING_PREFIXES = ("utm_", "sharer_")

#: Session ids servers put in the path when a client keeps no cookies
#: (``/art/1.jsp;jsessionid=0A1B…``). Each visit gets a new one, so a crawler
#: that keeps them sees every article again under every new session: one
#: article became 32 documents. Compared lower-cased; other path parameters are kept.
SESSION_PATH_PARAMS = frozenset({"jsessionid", "phpsessid", "sid", "sessionid", "aspsessionid", "cfid", "cftoken"})

_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize_url(url: str, base: str | None = None) -> str:
    """The one spelling of `url` that the archive and the crawler key pages by.

    Resolved against `base` when relative; fragment, tracking parameters and an
    empty query dropped; remaining parameters sorted; scheme and host
    lower-cased; the default port dropped; session path parameters
    (`SESSION_PATH_PARAMS`) dropped; percent-encoding made uniform.
    Query bytes are kept as sent (a GBK-encoded ``%D6%D0`` stays as it is).
    A URL with no scheme and no `base` cannot be made absolute and comes back
    relative; callers holding a page URL should pass it as `base`.

    >>> canonicalize_url("../a.html?b=2&utm_source=wx&a=1#top", base="HTTP://WWW.Example.gov.cn:80/zwgk/tzgg/")
    'http://www.example.gov.cn/zwgk/a.html?a=1&b=2'
    >>> canonicalize_url("http://www.example.gov.cn/art/1.jsp;jsessionid=0A1B2C3D?id=7")
    'http://www.example.gov.cn/art/1.jsp?id=7'
    """
    url = url.strip()
    if base is not None:
        url = urljoin(base.strip(), url)
    parts = urlsplit(url)
    # Filter the raw pairs rather than parse and re-encode them: Chinese sites
    # percent-encode queries in GBK as often as UTF-8, and decoding would garble those.
    kept = [pair for pair in parts.query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])]
    query = "&".join(kept)
    path = _without_session_params(parts.path)
    url = _w3lib_canonicalize(urlunsplit((parts.scheme, parts.netloc, path, query, "")))
    return _without_default_port(url)


def canonical_link(page_url: str, href: str | None) -> str:
    """The URL a page asks to be filed under, if it may; else the page's own URL. Both canonicalized.

    `href` is the ``<link rel="canonical" href>`` value, resolved against
    `page_url`. It is believed only when it stays on the page's registered
    domain (``www.example.gov.cn`` may name ``example.gov.cn`` or
    ``m.example.gov.cn``): a canonical pointing elsewhere is a template error
    or a syndication partner, and filing the page there would merge unrelated
    documents.

    >>> canonical_link("http://www.example.gov.cn/a.html?from=timeline", "/content/1.html")
    'http://www.example.gov.cn/content/1.html'
    >>> canonical_link("http://www.example.gov.cn/a.html", "https://www.other.com/1.html")
    'http://www.example.gov.cn/a.html'
    """
    page = canonicalize_url(page_url)
    if not href or not href.strip():
        return page
    candidate = canonicalize_url(href, base=page_url)
    if urlsplit(candidate).scheme not in _DEFAULT_PORTS:
        return page
    if _registered_host(candidate) != _registered_host(page):
        logger.debug("canonical link %s leaves the host of %s; keeping the page URL", candidate, page)
        return page
    return candidate


def query_variant_key(url: str) -> str:
    """The URL without its query: what a per-source limit on query-string variants counts under.

    List pages such as ``list.jsp?page=1`` … ``?page=9000`` or calendars share
    one key, so a crawl can stop following a path after N variants.

    >>> query_variant_key("http://www.example.gov.cn/list.jsp?page=7&cat=2#top")
    'http://www.example.gov.cn/list.jsp'
    """
    parts = urlsplit(canonicalize_url(url))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _is_tracking(name: str) -> bool:
    lowered = unquote(name).lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _without_session_params(path: str) -> str:
    """`path` with the session parameters of each segment dropped (``;jsessionid=…``), other ``;params`` kept."""
    if ";" not in path:
        return path
    segments = []
    for segment in path.split("/"):
        name, *params = segment.split(";")
        kept = [param for param in params if unquote(param.split("=", 1)[0]).strip().lower() not in SESSION_PATH_PARAMS]
        segments.append(";".join([name, *kept]))
    return "/".join(segments)


def _without_default_port(url: str) -> str:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return url  # an unparseable port is left for the fetch to report
    if port is None or _DEFAULT_PORTS.get(parts.scheme) != port:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _registered_host(url: str) -> str:
    """The registrable domain (``example.gov.cn``), or the bare host for IPs and local names."""
    # Imported here: courlan (and the public suffix list it loads) costs every
    # crawl process start-up time, and only extraction's canonical links need it.
    from courlan import extract_domain

    return extract_domain(url) or (urlsplit(url).hostname or "")
