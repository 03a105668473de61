"""Serving a folder of captured-looking pages on 127.0.0.1, for the demo and the benchmark.

The server sends each page's bytes exactly as stored, with the Content-Type
listed for it in the folder's `content_types.json` (which may lie about the
charset on purpose: that is what real sites do). Like nginx, it sends an ETag
and a Last-Modified with each file and answers a conditional request whose
validators still hold with 304 and no body; ``validators=False`` makes it a
server that sends neither and ignores them, as many government servers do.
"""

from __future__ import annotations

import email.utils
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


def not_modified(request_headers, etag: str | None, last_modified: str | None) -> bool:
    """Whether a GET with `request_headers` is answered 304, given the resource's validators.

    If-None-Match wins over If-Modified-Since when both are sent (RFC 9110, 13.2.2).

    >>> not_modified({"If-None-Match": 'W/"5f1-abc", "9"'}, '"5f1-abc"', None)
    True
    >>> not_modified({"If-Modified-Since": "Mon, 02 Nov 2026 08:00:00 GMT"}, None, "Mon, 02 Nov 2026 09:00:00 GMT")
    False
    """
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        if etag is None:
            return False
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag.removeprefix("W/") in tags
    if_modified_since = request_headers.get("If-Modified-Since")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        return email.utils.parsedate_to_datetime(last_modified) <= email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False


class _QuietServer(ThreadingHTTPServer):
    """A threaded server for which a client hanging up is not an error.

    A crawl killed mid-request (the kill benchmark does it on purpose) resets
    its connections; http.server would print a traceback for each one.
    """

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class StaticSite:
    """A threaded HTTP server over one folder; use as a context manager.

    >>> import urllib.request
    >>> Path("site").mkdir()
    >>> _ = Path("site/index.html").write_text("<p>首页</p>", encoding="utf-8")
    >>> with StaticSite(Path("site")) as site:
    ...     urllib.request.urlopen(site.base_url + "/index.html").read().decode()
    '<p>首页</p>'
    """

    def __init__(
        self, folder: Path, *, host: str = "127.0.0.1", port: int = 0, delay_seconds: float = 0.0,
        validators: bool = True,
    ) -> None:
        self.folder = folder.resolve()
        self.validators = validators
        manifest = self.folder / "content_types.json"
        self.content_types: dict[str, str] = (
            json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
        )
        self.delay_seconds = delay_seconds
        self._server = _QuietServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do; every reply has a length
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if site.delay_seconds:
                    time.sleep(site.delay_seconds)
                relative = urlsplit(self.path).path.lstrip("/")
                if relative == "" or relative.endswith("/"):
                    relative += "index.html"
                target = (site.folder / relative).resolve()
                if site.folder not in target.parents or not target.is_file():
                    self.send_error(404, "Not Found")
                    return
                validators: dict[str, str] = {}
                if site.validators:
                    stat = target.stat()
                    # nginx's ETag: modification time and size, in hex.
                    validators["ETag"] = f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'
                    validators["Last-Modified"] = email.utils.formatdate(stat.st_mtime, usegmt=True)
                    if not_modified(self.headers, validators["ETag"], validators["Last-Modified"]):
                        self.send_response(304)
                        for name, value in validators.items():
                            self.send_header(name, value)
                        self.end_headers()
                        return
                body = target.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", site.content_types.get(relative, "text/html"))
                self.send_header("Content-Length", str(len(body)))
                for name, value in validators.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:
                # The demo's console belongs to the crawl's progress display.
                pass

        return Handler

    def __enter__(self) -> "StaticSite":
        self._thread = threading.Thread(target=self._server.serve_forever, name="static-site", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
