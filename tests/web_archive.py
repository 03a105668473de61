"""An archive to serve in the web tests: the test site crawled twice, plus a hostile page.

The hostile page is what an archive must expect to hold: a notice whose title
and text *mention* markup (``<script>``, ``<img onerror=…>``: stored as
text, shown as text), and whose HTML *carries* it: a script in the head, an
``onload`` on the body, an image whose ``onerror`` fires. Every one of them,
if it ran, would ask the site for a path starting with ``/pwned``, so the
site's request log says whether anything ran.

Built once per test module: two real crawls (`tests.site.fixtures.crawl`)
of the site on 127.0.0.1 into a fresh store.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from storage.store import Store
from tests.site.fixtures import SiteUnderTest, crawl, write_sources
from tests.site.pages import EXPECTED, build_state
from tests.site.server import SiteServer
from web.app import create_app

HOSTILE_PATH = "/art/2024/3/22/art_9_901.html"
HOSTILE_TITLE = '关于<script>alert("标题")</script>的通知'
# What the stored text says in so many words (the page escapes it, so it is text there too).
HOSTILE_PHRASE = '<img src=x onerror="fetch(\'/pwned-text\')">'
CANARY = "/pwned"
#: The ten characters state 2 of the hostile page inserts into one paragraph.
INSERTED = "经研究并报市政府同意"


def hostile_html(state: int) -> str:
    """The hostile notice; state 2 inserts `INSERTED` into its second paragraph."""
    escaped_title = HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")
    escaped_phrase = HOSTILE_PHRASE.replace("<", "&lt;").replace(">", "&gt;")
    second = ("本通知自印发之日起施行，" + (INSERTED if state == 2 else "")
              + "有效期五年，原有规定与本通知不一致的，以本通知为准。")
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{escaped_title}_湘潭市人民政府</title>"
        "<script>fetch('/pwned-head-script'); alert('script ran'); document.title = 'pwned';</script>"
        "</head>\n"
        "<body onload=\"fetch('/pwned-onload')\">\n"
        '<div class="main"><h1 class="title">' + escaped_title + "</h1>"
        '<div class="info">发布时间：2024-03-22　来源：湘潭市人民政府办公室</div>\n'
        '<div class="zoom" id="zoom">\n'
        f"<p>各县市区人民政府，市直各单位：近期有网页在正文中出现 {escaped_phrase} 一类代码字样，现将有关事项通知如下。</p>\n"
        f"<p>{second}</p>\n"
        "<p><img src=\"/no-such-image.png\" onerror=\"fetch('/pwned-onerror'); alert('onerror ran')\">"
        "请各单位认真贯彻执行，执行中遇到的问题，请及时向市人民政府办公室反映。</p>\n"
        "<script>document.write('<img src=/pwned-document-write>')</script>\n"
        "</div></div>\n</body></html>\n"
    )


def _add_hostile_page(folder: Path, state: int) -> None:
    index_file = folder / "index.json"
    index = json.loads(index_file.read_text(encoding="utf-8"))
    name = f"f{len(index):03d}.bin"
    (folder / name).write_bytes(hostile_html(state).encode("utf-8"))
    index[HOSTILE_PATH] = {"file": name, "content_type": "text/html; charset=utf-8", "status": 200}
    home = folder / index["/"]["file"]
    page = home.read_text(encoding="utf-8")
    home.write_text(page.replace("</ul>", f'<li><a href="{HOSTILE_PATH}">通知</a></li></ul>', 1), encoding="utf-8")
    index_file.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")


@dataclass
class ServedArchive:
    """The crawled archive, the site it came from (still running), and how many requests the crawls made."""

    site: SiteUnderTest
    db_url: str
    data_dir: Path
    requests_after_crawls: int

    def canary_requests(self) -> list[str]:
        """Requests to the site since the crawls that only a hostile script or handler would make."""
        return [path for path in self.site.server.requests[self.requests_after_crawls:] if CANARY in path]

    def url(self, path: str) -> str:
        return self.site.url(path)

    @property
    def hostile_url(self) -> str:
        return self.site.url(HOSTILE_PATH)

    @property
    def corrected_url(self) -> str:
        return self.site.url(EXPECTED.corrected)

    @property
    def removed_url(self) -> str:
        return self.site.url(EXPECTED.removed)


def build_archive(folder: Path, db_url: str) -> Iterator[ServedArchive]:
    """Crawl state 1 then state 2 of the site, with the hostile page, into `db_url`; the site keeps running."""
    states = {}
    for state in (1, 2):
        states[state] = build_state(state, folder / f"site-state-{state}")
        _add_hostile_page(states[state], state)
    server = SiteServer(states[1]).start()
    try:
        site = SiteUnderTest(server, states, write_sources(folder / "sources.toml", server.base_url))
        data_dir = folder / "data"
        crawl(site, db_url, data_dir)
        site.use_state(2)
        crawl(site, db_url, data_dir)
        yield ServedArchive(site, db_url, data_dir, len(server.requests))
    finally:
        server.stop()


class RunningApp:
    """The app over a store, served by uvicorn on a free port of 127.0.0.1 in a thread."""

    def __init__(self, store: Store) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(create_app(store), host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "RunningApp":
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
