"""The read API over a crawled archive, served by uvicorn on 127.0.0.1, on SQLite and PostgreSQL.

What a tool reading the archive checks: the sources and documents it lists
(filtered and a page at a time), a document's versions with the captures
behind them, a version's text; that bad parameters get a 4xx saying what is
wrong; and, by schemathesis generating requests from the published schema,
that no request at all gets a 500 or an answer the schema does not describe.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from core.settings import database_url
from storage.store import Store
from tests.conftest import PG_SKIP_REASON, PG_URL_VARIABLE, new_pg_schema
from tests.site.fixtures import REPO_ROOT, subprocess_env
from tests.site.pages import EXPECTED
from tests.web_archive import HOSTILE_TITLE, INSERTED, RunningApp, ServedArchive, build_archive

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedArchive]:
    folder = tmp_path_factory.mktemp("web-api")
    if request.param == "sqlite":
        yield from build_archive(folder, database_url(None, folder / "data"))
        return
    base = os.environ.get(PG_URL_VARIABLE)
    if not base:
        pytest.skip(PG_SKIP_REASON)
    with new_pg_schema(base) as url:
        yield from build_archive(folder, url)


@pytest.fixture(scope="module")
def app_url(archive: ServedArchive) -> Iterator[str]:
    store = Store.open_existing(archive.db_url, archive.data_dir)
    try:
        with RunningApp(store) as running:
            yield running.base_url
    finally:
        store.close()


@pytest.fixture(scope="module")
def client(app_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=app_url, timeout=30) as opened:
        yield opened


def _get(client: httpx.Client, path: str, **params) -> dict:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _document(client: httpx.Client, url: str) -> dict:
    return _get(client, "/api/documents", url=url)["items"][0]


def test_sources_and_documents_are_listed_a_page_at_a_time(client, archive):
    sources = _get(client, "/api/sources")
    documents = len(EXPECTED.state_1_documents) + 2  # state 2's new article, and the hostile page
    assert [(s["name"], s["documents"], s["gone"]) for s in sources["items"]] == [("xiangtan-test", documents, 1)]

    seen, offset = [], 0
    while offset is not None:
        page = _get(client, "/api/documents", limit=4, offset=offset)
        assert len(page["items"]) <= 4
        seen += [item["url"] for item in page["items"]]
        offset = page["next_offset"]
    assert len(seen) == len(set(seen)) == documents
    assert archive.corrected_url in seen and archive.removed_url in seen


def test_a_repost_and_its_original_share_a_family_and_its_canonical_url(client, archive):
    documents = _get(client, "/api/documents", limit=100)["items"]
    [copy] = [document for document in documents if document["duplicate_of"]]
    original = _document(client, copy["duplicate_of"])
    assert copy["family_id"] == original["family_id"] and copy["family_id"] is not None
    assert copy["canonical_url"] == original["canonical_url"] in (copy["url"], original["url"])
    one = _get(client, f"/api/documents/{copy['id']}")
    assert (one["family_id"], one["canonical_url"]) == (copy["family_id"], copy["canonical_url"])


def test_documents_are_filtered_by_source_status_time_and_text(client, archive):
    def urls(**params) -> list[str]:
        return [item["url"] for item in _get(client, "/api/documents", **params)["items"]]

    assert urls(status="gone") == [archive.removed_url]
    assert urls(q="3.5亿元") == [archive.corrected_url]  # the latest text says so
    assert urls(q="3.2亿元") == []  # only version 1 did
    assert urls(q=HOSTILE_TITLE) == [archive.hostile_url]
    assert urls(q="100%") == []  # LIKE's wildcards are taken literally
    assert urls(source="no-such-source") == []
    later = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    assert urls(seen_from=later) == []
    assert len(urls(seen_to=later, source="xiangtan-test", status="live")) == len(urls()) - 1


def test_a_documents_versions_say_when_why_and_from_which_capture(client, archive):
    document = _document(client, archive.corrected_url + "?utm_source=wx#top")  # typed as a person would
    assert document["url"] == archive.corrected_url and document["versions"] == 2
    versions = _get(client, f"/api/documents/{document['id']}/versions")["items"]
    assert [(v["number"], v["reason"]) for v in versions] == [(1, "new"), (2, "changed")]
    assert versions[0]["first_seen"].endswith("Z") or versions[0]["first_seen"].endswith("+00:00")
    for version in versions:
        assert version["captures"], version
        for capture in version["captures"]:
            assert capture["warc_file"].endswith(".warc.gz") and len(capture["payload_sha256"]) == 64

    text = _get(client, f"/api/documents/{document['id']}/versions/1")
    assert EXPECTED.corrected_old_phrase in text["article"]["text"]
    assert text["version_numbers"] == [1, 2] and text["version"]["reason"] == "new"
    latest = _get(client, f"/api/documents/{document['id']}/versions/2")
    assert EXPECTED.corrected_new_phrase in latest["article"]["text"]


def test_the_diff_of_two_versions_marks_changes_inside_lines(client, archive):
    document = _document(client, archive.hostile_url)
    found = _get(client, f"/api/documents/{document['id']}/diff")
    assert (found["older"]["number"], found["newer"]["number"]) == (1, 2)
    assert found["changed"] and (found["inserted_chars"], found["deleted_chars"]) == (len(INSERTED), 0)
    [line] = [line for line in found["lines"] if line["kind"] != "equal"]
    assert line["kind"] == "change"
    assert [s["text"] for s in line["new"] if s["kind"] == "insert"] == [INSERTED]
    assert "".join(s["text"] for s in line["new"]) == "".join(s["text"] for s in line["old"]).replace(
        "施行，", "施行，" + INSERTED)

    same = _get(client, f"/api/documents/{document['id']}/diff", **{"from": 2, "to": 2})
    assert not same["changed"] and all(line["kind"] == "equal" for line in same["lines"])
    what_2_changed = _get(client, f"/api/documents/{document['id']}/diff", to=2)
    assert (what_2_changed["older"]["number"], what_2_changed["inserted_chars"]) == (1, len(INSERTED))
    answer = client.get(f"/api/documents/{document['id']}/diff", params={"to": 1})
    assert answer.status_code == 404 and "nothing before it" in answer.json()["detail"]
    single = _document(client, archive.removed_url)
    answer = client.get(f"/api/documents/{single['id']}/diff")
    assert answer.status_code == 404 and "nothing to compare" in answer.json()["detail"]


def test_the_change_feed_hands_out_each_change_once(client, archive):
    every_version = [
        (document["url"], number)
        for document in _get(client, "/api/documents", limit=500)["items"]
        for number in range(1, document["versions"] + 1)
    ]
    read, cursor, more = [], "0", True
    while more:
        page = _get(client, "/api/changes", after=cursor, limit=3)
        assert len(page["items"]) <= 3
        read += page["items"]
        cursor, more = page["next_cursor"], page["more"]
    versions = [(change["url"], change["version"]) for change in read if change["change"] == "version"]
    assert sorted(versions) == sorted(every_version)
    assert [change["url"] for change in read if change["change"] == "gone"] == [archive.removed_url]
    assert len({change["cursor"] for change in read}) == len(read)
    assert _get(client, "/api/changes", after=cursor)["items"] == []
    answer = client.get("/api/changes", params={"after": "yesterday"})
    assert answer.status_code == 422 and "after" in answer.json()["detail"][0]["loc"]


def test_what_is_not_there_is_a_404_that_says_so(client, archive):
    document = _document(client, archive.corrected_url)
    answer = client.get(f"/api/documents/{document['id']}/versions/9")
    assert answer.status_code == 404 and "has version(s) 1, 2" in answer.json()["detail"]
    answer = client.get("/api/documents/999999")
    assert answer.status_code == 404 and "no document 999999" in answer.json()["detail"]
    answer = client.get("/api/documents", params={"url": "http://www.example.gov.cn/none.html"})
    assert answer.status_code == 404 and "No document is stored under" in answer.json()["detail"]


@pytest.mark.parametrize("path, params, wrong", [
    ("/api/documents", {"limit": 0}, "limit"),
    ("/api/documents", {"limit": 100000}, "limit"),
    ("/api/documents", {"offset": -1}, "offset"),
    ("/api/documents", {"status": "deleted"}, "status"),
    ("/api/documents", {"seen_from": "last tuesday"}, "seen_from"),
    ("/api/documents", {"q": "a\x00b"}, "q"),
    ("/api/documents/abc", {}, "document_id"),
    ("/api/documents/99999999999999999999999", {}, "document_id"),
])
def test_bad_parameters_get_a_4xx_naming_the_parameter(client, path, params, wrong):
    answer = client.get(path, params=params)
    assert answer.status_code == 422, answer.text
    assert any(wrong in error["loc"] for error in answer.json()["detail"])


@pytest.mark.parametrize("path, status, says", [
    ("/documents/999999", 404, "There is no document 999999"),
    ("/documents/abc", 422, "document_id"),
    ("/captures/999999", 404, "There is no capture 999999"),
    ("/captures/999999/archived", 404, "There is no capture 999999"),
    ("/?status=deleted", 422, "status"),
    ("/documents/1/versions/99", 404, "has no version 99"),
])
def test_the_web_view_answers_bad_addresses_with_a_page_that_says_why(client, path, status, says):
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html") and says in answer.text
    assert "script-src" not in answer.headers["content-security-policy"]  # default-src 'none' covers scripts


# Requests per operation and mode: enough to reach every parameter's edges
# (huge ids, control characters, malformed dates) without a long run.
FUZZ_EXAMPLES = 40


def test_no_request_the_schema_allows_or_forbids_gets_a_500(app_url):
    schema = schemathesis.openapi.from_url(f"{app_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    for operation in operations:
        # Requests the schema allows, and requests it forbids (which must get a 4xx).
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            # derandomize: the same requests on every run, so CI fails only on a change, never by the
            # luck of the draw; widen FUZZ_EXAMPLES (or drop it) locally to search further.
            @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def call(case):
                case.call_and_validate()

            call()


def test_dangan_serve_serves_an_existing_store_and_refuses_a_missing_one(archive, tmp_path):
    missing = subprocess.run(
        [sys.executable, "-m", "dangan", "serve", "--data-dir", str(tmp_path / "nothing")],
        cwd=REPO_ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=60,
    )
    assert missing.returncode == 1 and "There is no store" in missing.stderr
    assert not (tmp_path / "nothing").exists()

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "dangan", "serve", "--db", archive.db_url, "--data-dir", str(archive.data_dir),
         "--port", str(port)],
        cwd=REPO_ROOT, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.2)
        assert answer.status_code == 200 and "/api/documents" in answer.json()["paths"]
        assert "Content-Security-Policy" in httpx.get(f"http://127.0.0.1:{port}/", timeout=5).headers
    finally:
        server.terminate()
        server.wait(timeout=30)
