"""A real HTTP server on 127.0.0.1 serving the test site from a state folder.

`SiteServer.use_state(folder)` switches what is served between crawls;
`delay` slows every response down (the kill test needs a crawl that is still
running when it is killed). Unknown paths answer 404 with a Chinese error page,
as the removed article does in state 2.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.site.pages import NOT_FOUND, calendar_html

log = logging.getLogger(__name__)


class SiteServer:
    """Serves one state folder (written by `tests.site.pages.build_state`) on a free port."""

    def __init__(self, folder: Path, *, delay: float = 0.0) -> None:
        self.folder = folder
        self.delay = delay
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "SiteServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def use_state(self, folder: Path) -> None:
        with self._lock:
            self.folder = folder

    def respond(self, raw_path: str) -> tuple[int, str, bytes]:
        """Status, Content-Type and body for a request path (with query)."""
        parts = urlsplit(raw_path)
        if parts.path == "/calendar":
            month = int(parse_qs(parts.query).get("month", ["1"])[0])
            return 200, "text/html; charset=utf-8", calendar_html(month)
        with self._lock:
            folder = self.folder
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        # Query strings do not pick another page here (utm_* and share links land on the article).
        entry = index.get(parts.path)
        if entry is None:
            return 404, "text/html; charset=utf-8", NOT_FOUND
        return entry["status"], entry["content_type"], (folder / entry["file"]).read_bytes()

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "nginx"
            sys_version = ""

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server._lock:
                    server.requests.append(self.path)
                if server.delay:
                    time.sleep(server.delay)
                status, content_type, body = server.respond(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                log.debug("test site: " + format, *args)

        return Handler
