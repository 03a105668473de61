"""One capture in, one clean page out: decode, find the document URL, extract, normalise.

`process_page` is the whole processing stage as a pure function over the
bytes a server sent. It runs in worker processes (see `pipeline.workers`), both
during a crawl and for ``dangan reprocess``, and in ``dangan extract``, so it
must give the same answer for the same bytes wherever it runs: it reads
nothing but its arguments.

The document URL is worked out here rather than in the spider. The page's own
``<link rel="canonical">`` is in the bytes we keep, so a reprocess run that has
only the WARC record finds the same document the crawl found: one article is
one document, however many URLs led to it.

Example:
    >>> body = ("<html><head><title>关于做好冬季工作的通知</title></head><body>"
    ...         "<h1>关于做好冬季工作的通知</h1><p>来源：市林业局　发布时间：2024-03-05</p>"
    ...         "<div class='content'><p>各区县林业局：现将冬季森林防火工作有关事项通知如下，请认真贯彻落实，"
    ...         "确保全市森林资源安全，严防森林火灾发生。</p></div></body></html>").encode("gbk")
    >>> page = process_page(body, "text/html; charset=gb2312",
    ...                     "http://www.example.gov.cn/art/2024/3/5/art_1_1.html?utm_source=wx")
    >>> page.url, page.encoding
    ('http://www.example.gov.cn/art/2024/3/5/art_1_1.html', 'gb18030')
    >>> page.article.title, page.article.origin, page.article.published
    ('关于做好冬季工作的通知', '市林业局', '2024-03-05')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.decode import decode_html
from pipeline.extract import EXTRACTOR_VERSION, extract_article
from pipeline.fingerprint import text_sha256
from pipeline.near_duplicates import text_signature
from pipeline.normalize import display_text, normalize_text
from pipeline.sniff import refuse_non_html
from core.article import METADATA_FIELDS, Article
from core.urls import canonical_link, canonicalize_url
from core.errors import ExtractionError, PageError

# rel=canonical lives in <head>; looking further only costs time on long pages.
CANONICAL_WINDOW = 16_384

_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
)



@dataclass(frozen=True)
class ProcessedPage:
    """What processing found in one capture, ready to be versioned.

    `url` is the document URL: the canonical link if the page names one on its
    own registered domain, else the fetched URL canonicalised; None for a page
    read from a file with no URL. `article` holds the display text
    (`pipeline.normalize.display_text`; ``""`` when the page holds no article
    text) and every metadata field normalised, None rather than empty.
    `text_sha256` is the digest of the text's normalised form, the key
    versioning compares, and `signature` its MinHash signature (None for a
    text with no letters or digits), which finds its family of copies.
    `decode_fallback` is True when the encoding was
    detected or replaced rather than read from a declaration the bytes agreed with.
    """

    url: str | None
    article: Article
    text_sha256: str
    encoding: str
    encoding_reason: str
    extractor_version: str
    decode_fallback: bool
    signature: bytes | None = None

    def as_dict(self) -> dict:
        """One flat dict: ``url``, the article's fields, then the processing ones."""
        return {
            "url": self.url,
            **self.article.as_dict(),
            "text_sha256": self.text_sha256,
            "encoding": self.encoding,
            "encoding_reason": self.encoding_reason,
            "extractor_version": self.extractor_version,
            "decode_fallback": self.decode_fallback,
        }


def process_page(
    body: bytes,
    content_type: str | None,
    url: str | None,
    canonical_url: str | None = None,
) -> ProcessedPage:
    """Decode, extract and normalise one page's bytes: the one processing path.

    A crawl's workers, ``dangan reprocess`` and ``dangan extract`` all call
    this, so what ``dangan extract`` shows for a page is what a crawl stores.

    `content_type` is the Content-Type header (None when there was none, as
    for a local file). `url` is the URL the page was fetched from, or None for
    a file with no URL; the document URL is then None too. `canonical_url`,
    when given, is used as the document URL as is; when None it is found from
    the page's ``<link rel="canonical">`` (same registered domain only, see
    `core.urls.canonical_link`) or the fetched URL.

    A page with no article text comes back with text ``""``: whether that is
    a failure is the caller's call (a crawl's worker makes it one with
    `require_article_text`; ``dangan extract`` shows the page's metadata).

    Raises DecodeError or ExtractionError naming the URL, so a failure logged
    or stored against a capture says which page it was.
    """
    try:
        refuse_non_html(url, body)
        decoded = decode_html(body, content_type)
        refuse_non_html(url, b"", decoded.text)
        document_url = canonical_url or (document_url_of(decoded.text, url) if url else None)
        article = extract_article(decoded.text, url=document_url)
    except PageError as exc:
        # The stages name no URL or another one; the page is known by the URL it was fetched from.
        raise type(exc)(url, exc.reason) from exc
    # Kept as the reader sees it; versioning compares its hash, taken of the normalised form.
    text = display_text(article.text)
    return ProcessedPage(
        url=document_url,
        article=Article(text=text, **{name: _clean(getattr(article, name)) for name in METADATA_FIELDS}),
        text_sha256=text_sha256(text),
        encoding=decoded.encoding,
        encoding_reason=decoded.reason,
        extractor_version=EXTRACTOR_VERSION,
        decode_fallback=is_decode_fallback(decoded.reason),
        signature=text_signature(text),
    )


def require_article_text(page: ProcessedPage, url: str) -> None:
    """Raise ExtractionError naming `url` when `page` holds no article text.

    A crawl versions articles only: a page it was told is an article but that
    holds no text is a failure to count and look at, usually a listing page
    the source's article_urls patterns let through.
    """
    if not page.article.text.strip():
        raise ExtractionError(
            url,
            "the page holds no article text after normalising. If this URL is not an "
            "article, narrow the source's article_urls patterns so it is only followed.",
        )


def document_url_of(html: str, page_url: str) -> str:
    """The URL the article should be filed under: its rel=canonical, or the page URL.

    Only the first `CANONICAL_WINDOW` characters are searched; `canonical_link`
    decides whether the named URL is believed (same host) and canonicalises it.
    """
    href = find_canonical_href(html[:CANONICAL_WINDOW])
    if href is None:
        return canonicalize_url(page_url)
    return canonical_link(page_url, href)


def find_canonical_href(html: str) -> str | None:
    """The href of the first ``<link rel="canonical">`` tag in `html`, or None.

    A regular expression rather than a parser: it runs on every article and
    only needs one attribute of one tag in the head.
    """
    for tag in _LINK_TAG.finditer(html):
        attributes = {
            match.group(1).lower(): next(g for g in match.groups()[1:] if g is not None)
            for match in _ATTRIBUTE.finditer(tag.group(0))
        }
        rels = attributes.get("rel", "").lower().split()
        href = attributes.get("href", "").strip()
        if "canonical" in rels and href:
            return href
    return None


def is_decode_fallback(reason: str) -> bool:
    """True when the decoder detected the encoding or replaced bytes, rather than trusting a declaration.

    `decode_html` ends its reason with the evidence that decided (``"detected"``,
    ``"fallback with 3 replacement characters"``, ``"meta gbk read as gb18030"``);
    only that last part matters here. Pages counted this way are the ones worth
    a look when a site's text comes out garbled.
    """
    deciding = reason.rsplit(";", 1)[-1].strip().lower()
    return (deciding == "detected" or deciding.startswith(("fallback", "mixed"))
            or "replacement" in deciding)


def _clean(value: str | None) -> str | None:
    """Metadata normalised like the text, and None rather than an empty string.

    Applied to every metadata field alike; `published` is an ISO string the
    extractor wrote, which normalising leaves as it is.
    """
    if value is None:
        return None
    value = normalize_text(value).strip()
    return value or None
