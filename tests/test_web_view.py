"""The web view in a real browser: Debian's chromium, driven by Playwright, over a crawled archive.

An archivist's walk: the document list and its search, a document's
timeline, a version's text, a capture with the archived page framed. The
archive holds a hostile page (see `tests.web_archive`); on every page of the
walk nothing it carries may run: no dialog, no request to the site, no
script or handler in the app's DOM, and the stored strings that mention
markup are shown as the text they are. Each page is kept as a screenshot in
the test's tmp folder (the path is printed).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from core.settings import database_url
from storage import catalog
from storage.store import Store
from tests.site.fixtures import REPO_ROOT
from tests.web_archive import HOSTILE_PHRASE, HOSTILE_TITLE, INSERTED, RunningApp, ServedArchive, build_archive

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedArchive]:
    folder = tmp_path_factory.mktemp("web-view")
    yield from build_archive(folder, database_url(None, folder / "data"))


@pytest.fixture(scope="module")
def store(archive: ServedArchive) -> Iterator[Store]:
    opened = Store.open_existing(archive.db_url, archive.data_dir)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def app_url(store: Store) -> Iterator[str]:
    with RunningApp(store) as running:
        yield running.base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium to run the browser tests")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    # Beside the benchmarks' figures (git ignores bench/results): pytest's own
    # tmp folders are pruned by the next runs, and these are for looking at.
    folder = REPO_ROOT / "bench" / "results" / "web-view"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots of the web view: {folder}")
    return folder


class Watched:
    """A browser page with what a hostile page could do to it recorded: dialogs it opened, requests it made."""

    def __init__(self, page: Page, app_url: str) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.foreign_requests: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", lambda request: None if request.url.startswith(app_url) else
                self.foreign_requests.append(request.url))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_nothing_ran(self, archive: ServedArchive) -> None:
        assert self.dialogs == []
        assert self.foreign_requests == []
        assert archive.canary_requests() == []
        # The app's own document holds no script and no inline handler, whatever the stored strings say.
        assert self.page.locator("script").count() == 0
        assert self.page.locator("[onerror], [onload], [onclick]").count() == 0
        assert self.page.title() != "pwned"


@pytest.fixture
def watched(browser: Browser, app_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Watched(context.new_page(), app_url)
    context.close()


def _document_id(store: Store, url: str) -> int:
    return catalog.find_document(store.db, url).id


def test_the_document_list_searches_and_filters(watched, app_url, archive, store, screenshots):
    page = watched.page
    page.goto(app_url + "/")
    page.screenshot(path=screenshots / "documents.png", full_page=True)
    rows = page.locator("table.list tbody tr")
    assert rows.count() == catalog.list_documents(store.db, limit=500).items.__len__()
    # The hostile title is listed as the text it is.
    assert page.get_by_role("link", name=HOSTILE_TITLE).count() == 1

    page.fill("input[name=q]", "3.5亿元")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("table.list tbody tr").count() == 1
    assert archive.corrected_url in page.locator("table.list").inner_text()
    page.screenshot(path=screenshots / "documents-search.png", full_page=True)

    page.fill("input[name=q]", "")
    page.select_option("select[name=status]", "gone")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("table.list tbody tr").count() == 1
    assert archive.removed_url in page.locator("table.list").inner_text()
    watched.assert_nothing_ran(archive)


def test_the_timeline_says_when_each_version_was_seen_and_why(watched, app_url, archive, store, screenshots):
    page = watched.page
    page.goto(f"{app_url}/documents/{_document_id(store, archive.corrected_url)}")
    page.screenshot(path=screenshots / "timeline.png", full_page=True)
    entries = page.locator("ol.timeline > li")
    assert entries.count() == 2
    assert "first seen" in entries.nth(0).inner_text()
    assert "changed on the site" in entries.nth(1).inner_text()
    assert re.search(r"seen \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", entries.nth(0).inner_text())

    page.goto(f"{app_url}/documents/{_document_id(store, archive.removed_url)}")
    assert re.search(r"gone since \d{4}-\d\d-\d\d", page.inner_text("main"))
    watched.assert_nothing_ran(archive)


def test_the_side_by_side_diff_marks_the_changed_characters_inside_the_line(watched, app_url, archive, store,
                                                                              screenshots):
    page = watched.page
    page.goto(f"{app_url}/documents/{_document_id(store, archive.hostile_url)}")
    page.click("text=what changed")
    page.wait_for_load_state()
    page.screenshot(path=screenshots / "diff.png", full_page=True)
    # The second paragraph gained ten characters: those ten are marked, nothing else is.
    assert page.locator("table.diff ins").all_inner_texts() == [INSERTED]
    assert page.locator("table.diff del").count() == 0
    changed = page.locator("table.diff tr.change")
    assert changed.count() == 1 and INSERTED not in changed.locator("td.old").inner_text()
    assert page.locator("h1").inner_text() == HOSTILE_TITLE

    page.goto(f"{app_url}/documents/{_document_id(store, archive.corrected_url)}/diff?from=1&to=2&context=0")
    # 3.2亿元 became 3.5亿元 and 4月底 5月底: two characters out, two in, on the one line that changed.
    line = page.locator("table.diff tr.change")
    assert line.count() == 1
    assert line.locator("del").all_inner_texts() == ["2", "4"] and line.locator("ins").all_inner_texts() == ["5", "5"]
    watched.assert_nothing_ran(archive)


def test_a_hostile_version_is_shown_as_text_and_runs_nothing(watched, app_url, archive, store, screenshots):
    page = watched.page
    document_id = _document_id(store, archive.hostile_url)
    page.goto(f"{app_url}/documents/{document_id}/versions/1")
    page.screenshot(path=screenshots / "version-hostile.png", full_page=True)
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert HOSTILE_PHRASE in page.locator("article.text").inner_text()
    page.goto(f"{app_url}/documents/{document_id}")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    watched.assert_nothing_ran(archive)


def test_the_raw_capture_is_framed_in_a_sandbox_and_runs_nothing(watched, app_url, archive, store, screenshots):
    page = watched.page
    document_id = _document_id(store, archive.hostile_url)
    capture = catalog.list_versions(store.db, document_id).items[0].captures[0]
    page.goto(f"{app_url}/captures/{capture.id}")
    frame_element = page.locator("iframe.archived")
    assert frame_element.get_attribute("sandbox") == ""
    frame = frame_element.content_frame
    frame.locator("body").wait_for()
    # The archived page is there to see, its text decoded as processing decoded it...
    assert "请各单位认真贯彻执行" in frame.locator("body").inner_text()
    # ...and its markup is shown as source text on the capture page.
    source = page.locator("pre.source").last.inner_text()
    assert "<script>fetch('/pwned-head-script')" in source and 'onerror="fetch(' in source
    page.wait_for_timeout(500)  # give an onload or onerror the time it would take to fire
    page.screenshot(path=screenshots / "capture-hostile.png", full_page=True)
    watched.assert_nothing_ran(archive)


def test_the_archived_page_opened_on_its_own_still_runs_nothing(watched, app_url, archive, store):
    page = watched.page
    capture = catalog.list_versions(store.db, _document_id(store, archive.hostile_url)).items[-1].captures[0]
    answer = page.goto(f"{app_url}/captures/{capture.id}/archived")
    assert "sandbox" in answer.headers["content-security-policy"]
    assert "请各单位认真贯彻执行" in page.locator("body").inner_text()
    page.wait_for_timeout(500)
    assert watched.dialogs == [] and archive.canary_requests() == []
    assert page.title() != "pwned"


def test_the_hostile_page_does_run_when_opened_from_its_site(watched, archive):
    # The control: the same page served by its own site, outside the app, does
    # open its dialogs and call the site, so the checks above could have failed.
    page = watched.page
    page.goto(archive.hostile_url)
    page.wait_for_timeout(500)
    assert "script ran" in watched.dialogs
    assert any("/pwned-head-script" in path for path in archive.canary_requests())
