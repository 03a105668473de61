"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, path by path.

The fault-injection tests give it a route table: each path answers with one
`Route`, built by the functions below. They reproduce what hostile or broken
servers do to a crawler: a robots.txt that never answers, a 429 with a
Retry-After, a body cut off by a connection reset, a PNG or PDF sent as
text/html, a redirect. Unknown paths answer 404. `requests` records each
request path with the time it arrived, so a test can read waits off it, and
`most_at_once` the largest number of requests it was answering at one time.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.site.local_http import LocalHTTPServer

log = logging.getLogger(__name__)

#: What a route does with the request handler; the handler has already read the request.
Respond = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Route:
    """How one path answers. `times_seen` counts its requests (some routes change with it)."""

    respond: Callable[[BaseHTTPRequestHandler, int], None]
    times_seen: int = 0


@dataclass
class FaultyServer(LocalHTTPServer):
    """Serves `routes` (path → `Route`) on a free port of 127.0.0.1."""

    routes: dict[str, Route]
    requests: list[tuple[str, float]] = field(default_factory=list)
    most_at_once: int = 0

    def __post_init__(self) -> None:
        self._answering = 0
        self._lock = threading.Lock()
        self._listen(self._handler_class())

    def times_of(self, path: str) -> list[float]:
        """When each request for `path` arrived (monotonic seconds)."""
        with self._lock:
            return [moment for seen, moment in self.requests if seen == path]

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "nginx"
            sys_version = ""
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?", 1)[0]
                with server._lock:
                    server.requests.append((path, time.monotonic()))
                    route = server.routes.get(path)
                    if route is not None:
                        route.times_seen += 1
                        seen = route.times_seen
                    server._answering += 1
                    server.most_at_once = max(server.most_at_once, server._answering)
                try:
                    if route is None:
                        page(b"<html><body><h1>404</h1></body></html>", status=404).respond(self, 1)
                    else:
                        route.respond(self, seen)
                finally:
                    with server._lock:
                        server._answering -= 1

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                log.debug("faulty site: " + format, *args)

        return Handler


def _send(handler: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def page(body: bytes, *, status: int = 200, content_type: str = "text/html; charset=utf-8",
         headers: tuple[tuple[str, str], ...] = ()) -> Route:
    """A plain answer with a Content-Length."""
    def respond(handler: BaseHTTPRequestHandler, _seen: int) -> None:
        _send(handler, status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers], body)
    return Route(respond)


def slow(answer: Route, seconds: float) -> Route:
    """`answer`, after `seconds` of silence (a busy server: requests overlap if a client sends them at once)."""
    def respond(handler: BaseHTTPRequestHandler, seen: int) -> None:
        time.sleep(seconds)
        answer.respond(handler, seen)
    return Route(respond)


def hang(seconds: float) -> Route:
    """Accept the request and say nothing for `seconds` (a robots.txt that never answers)."""
    def respond(handler: BaseHTTPRequestHandler, _seen: int) -> None:
        time.sleep(seconds)
    return Route(respond)


def reset_after(body: bytes, sent: int, *, content_type: str = "text/html; charset=utf-8") -> Route:
    """Send headers with no Content-Length, the first `sent` bytes of `body`, then reset the connection."""
    def respond(handler: BaseHTTPRequestHandler, _seen: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.end_headers()
        handler.wfile.write(body[:sent])
        handler.wfile.flush()
        time.sleep(0.2)  # let the client read what was sent before the reset reaches it
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    return Route(respond)


def too_many_then(retry_after: str | Callable[[], str], answer: Route, *, refusals: int = 1) -> Route:
    """Answer 429 with ``Retry-After: retry_after`` the first `refusals` times, then as `answer`.

    `retry_after` may be a function, called at each answer (an HTTP date counted from then).
    """
    def respond(handler: BaseHTTPRequestHandler, seen: int) -> None:
        if seen <= refusals:
            body = b"<html><body>Too Many Requests</body></html>"
            header = retry_after() if callable(retry_after) else retry_after
            _send(handler, 429, [("Content-Type", "text/html"), ("Retry-After", header),
                                 ("Content-Length", str(len(body)))], body)
        else:
            answer.respond(handler, seen - refusals)
    return Route(respond)


def redirect(location: str, *, status: int = 301) -> Route:
    """A redirect to `location`, with the small HTML body servers send with one."""
    body = f'<html><body><a href="{location}">moved</a></body></html>'.encode()
    def respond(handler: BaseHTTPRequestHandler, _seen: int) -> None:
        _send(handler, status, [("Location", location), ("Content-Type", "text/html"),
                                ("Content-Length", str(len(body)))], body)
    return Route(respond)
