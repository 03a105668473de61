"""A real HTTP server on 127.0.0.1 serving the test site from a state folder.

`SiteServer.use_state(folder)` switches what is served between crawls;
`delay` slows every response down (the kill test needs a crawl that is still
running when it is killed). Unknown paths answer 404 with a Chinese error page,
as the removed article does in state 2.

Like nginx serving files, each 200 carries an ETag (from the bytes) and a
Last-Modified (the file's modification time), and a request whose
If-None-Match or If-Modified-Since still holds is answered 304 with no body.
`send_etag` and `send_last_modified` switch either off, for the many
government servers that send neither (and then ignore conditional headers).
`conditional_requests` lists the paths requested with either header.

`hold(paths)` keeps the answers to the paths it accepts waiting until
`release()`: a test that needs two crawls both running at once holds the
pages until the second has started, instead of hoping a sleep was long enough.
`wait_for(condition)` waits until the requests seen so far satisfy a condition.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from dangan.static_site import not_modified
from tests.site.local_http import LocalHTTPServer
from tests.site.pages import NOT_FOUND, calendar_html

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """What the site answers for a path: status, Content-Type, body and the file's modification time."""

    status: int
    content_type: str
    body: bytes
    modified: float | None = None


def write_site_folder(folder: Path, pages: dict[str, str | bytes], content_types: dict[str, str] | None = None) -> Path:
    """Write `pages` (path → HTML, text written as UTF-8) into `folder` in the layout `SiteServer` serves.

    Every page answers 200 as ``text/html; charset=utf-8`` unless `content_types` names another type for its path.
    """
    folder.mkdir(parents=True)
    index = {}
    for number, (path, body) in enumerate(pages.items()):
        (folder / f"{number}.html").write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        content_type = (content_types or {}).get(path, "text/html; charset=utf-8")
        index[path] = {"file": f"{number}.html", "content_type": content_type, "status": 200}
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return folder


class SiteServer(LocalHTTPServer):
    """Serves one state folder (written by `tests.site.pages.build_state`) on a free port."""

    def __init__(self, folder: Path, *, delay: float = 0.0) -> None:
        self.folder = folder
        self.delay = delay
        self.requests: list[str] = []
        self.conditional_requests: list[str] = []
        self.send_etag = True
        self.send_last_modified = True
        self._lock = threading.Lock()
        self._held: Callable[[str], bool] | None = None
        self._hold_at_most = 0.0
        self._released = threading.Event()
        self._request_seen = threading.Condition(self._lock)
        self._listen(self._handler_class())

    def hold(self, paths: Callable[[str], bool], *, at_most: float = 120.0) -> None:
        """Keep every answer to a path `paths` accepts waiting until `release()` (or `at_most` seconds)."""
        self._hold_at_most = at_most
        self._released.clear()
        self._held = paths

    def release(self) -> None:
        """Answer the held requests and stop holding."""
        self._held = None
        self._released.set()

    def wait_for(self, condition: Callable[[list[str]], bool], timeout: float = 120.0) -> None:
        """Wait until `condition(requests so far)` holds; AssertionError naming the requests after `timeout` s."""
        with self._request_seen:
            if not self._request_seen.wait_for(lambda: condition(self.requests), timeout=timeout):
                raise AssertionError(f"the site never saw what the test waited for; it saw {self.requests}")

    def use_state(self, folder: Path) -> None:
        with self._lock:
            self.folder = folder

    def respond(self, raw_path: str) -> Reply:
        """What the site serves for a request path (with query)."""
        parts = urlsplit(raw_path)
        if parts.path == "/calendar":
            month = int(parse_qs(parts.query).get("month", ["1"])[0])
            return Reply(200, "text/html; charset=utf-8", calendar_html(month))
        with self._lock:
            folder = self.folder
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        # Query strings do not pick another page here (utm_* and share links land on the article).
        entry = index.get(parts.path)
        if entry is None:
            return Reply(404, "text/html; charset=utf-8", NOT_FOUND)
        path = folder / entry["file"]
        return Reply(entry["status"], entry["content_type"], path.read_bytes(), path.stat().st_mtime)

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "nginx"
            sys_version = ""

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server._lock:
                    server.requests.append(self.path)
                    server._request_seen.notify_all()
                held = server._held
                if held is not None and held(urlsplit(self.path).path):
                    server._released.wait(timeout=server._hold_at_most)
                if server.delay:
                    time.sleep(server.delay)
                reply = server.respond(self.path)
                validators: dict[str, str] = {}
                if reply.status == 200:
                    if server.send_etag:
                        validators["ETag"] = '"%s"' % hashlib.sha256(reply.body).hexdigest()[:16]
                    if server.send_last_modified and reply.modified is not None:
                        validators["Last-Modified"] = email.utils.formatdate(reply.modified, usegmt=True)
                if "If-None-Match" in self.headers or "If-Modified-Since" in self.headers:
                    with server._lock:
                        server.conditional_requests.append(self.path)
                if validators and not_modified(self.headers, validators.get("ETag"), validators.get("Last-Modified")):
                    self.send_response(304)
                    for name, value in validators.items():
                        self.send_header(name, value)
                    self.end_headers()
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in validators.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                log.debug("test site: " + format, *args)

        return Handler
