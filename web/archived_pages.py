"""Showing a capture: its bytes as the site sent them, fenced off, and the same as text.

Two ways to look at what a server sent, neither of which lets it act:

- `archived_page` answers the bytes themselves from a route of their own,
  under `web.policies.ARCHIVED_PAGE_HEADERS` (a CSP sandbox with no scripts
  and no outside loads). The capture page frames it in an ``<iframe
  sandbox>``, so the page is seen as it looked, minus its scripts and images.
- `capture_as_text` decodes the body for the capture page to print, escaped,
  as source text: what the site really sent, markup and all.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from fastapi.responses import Response

from storage.catalog import CaptureSummary
from storage.store import Store
from storage.warc_reading import CapturedResponse
from web.policies import ARCHIVED_PAGE_HEADERS


@dataclass(frozen=True)
class CaptureText:
    """A capture as text: the status line, the headers, and the body decoded with `encoding`."""

    status_line: str
    headers: list[tuple[str, str]]
    body: str
    encoding: str
    encoding_reason: str
    size: int


def read_capture(store: Store, capture: CaptureSummary) -> CapturedResponse:
    """The response behind `capture`, a revisit followed to the payload it stands for."""
    return store.read_response(capture.warc_file, capture.warc_offset)


def archived_page(store: Store, capture: CaptureSummary) -> Response:
    """The capture's body as the site sent it, under the sandbox policy.

    The body goes out as the type the site declared, except that the charset
    is the one processing found when the capture became a version (sites lie
    about theirs), so the framed page reads as the stored text does.
    """
    response = read_capture(store, capture)
    media_type = capture.content_type or "application/octet-stream"
    if capture.encoding and media_type.split(";")[0].strip().lower() == "text/html":
        media_type = f"text/html; charset={capture.encoding}"
    return Response(content=response.body, media_type=media_type, headers=dict(ARCHIVED_PAGE_HEADERS))


def capture_as_text(store: Store, capture: CaptureSummary) -> CaptureText:
    """The capture decoded for reading as source: the version's encoding, else the declared one, else UTF-8.

    Undecodable bytes become U+FFFD rather than failing: this is for looking,
    the bytes themselves stay as they are in the WARC file.
    """
    response = read_capture(store, capture)
    encoding, reason = _encoding_for(capture, response.headers)
    return CaptureText(
        status_line=f"HTTP {response.status} {response.reason}".rstrip(),
        headers=list(response.headers),
        body=response.body.decode(encoding, errors="replace"),
        encoding=encoding,
        encoding_reason=reason,
        size=len(response.body),
    )


def _encoding_for(capture: CaptureSummary, headers: list[tuple[str, str]]) -> tuple[str, str]:
    if capture.encoding and _known(capture.encoding):
        return capture.encoding, "the encoding processing decoded it with"
    for name, value in headers:
        if name.lower() == "content-type" and "charset=" in value.lower():
            declared = value.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"')
            if _known(declared):
                return declared, "the charset the server declared"
    return "utf-8", "no known encoding: read as UTF-8"


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
