"""A full disk stops the crawl with one clear error; the rerun after space is freed recovers.

The data folder is a small tmpfs mounted for the test (we run as root in CI;
elsewhere the test is skipped with the reason). A crawl of a site of large,
barely compressible articles fills it; once the tmpfs is grown ("space is
freed"), the same crawl run again must end whole.
"""

from __future__ import annotations

import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import DiskFullError
from storage.consistency import check_archive
from storage.store import Store
from storage.warc import WarcWriter
from tests.site.faulty_server import FaultyServer, page
from tests.site.fixtures import SOURCE_NAME, run_dangan_crawl, write_sources

ARTICLES = 120


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs at tmp_path/disk, unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def grow(mount_point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,size=64m", str(mount_point)], check=True)


def article(number: int, rng: random.Random) -> bytes:
    """An article of random Chinese characters: gzip cannot make it small."""
    characters = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    paragraphs = "".join(f"<p>{''.join(rng.choice(characters) for _ in range(300))}。</p>" for _ in range(20))
    return (f"<html><head><title>通知{number}</title></head><body><h1>关于第{number}号工作的通知</h1>"
            f"<div id='content'>{paragraphs}</div></body></html>").encode()


@pytest.fixture
def large_site() -> Iterator[FaultyServer]:
    rng = random.Random(12)
    routes = {f"/art/2024/1/1/art_1_{i}.html": page(article(i, rng)) for i in range(ARTICLES)}
    links = "".join(f'<li><a href="/art/2024/1/1/art_1_{i}.html">通知{i}</a></li>' for i in range(ARTICLES))
    routes["/"] = page(f"<html><body><ul>{links}</ul></body></html>".encode())
    with FaultyServer(routes) as server:
        yield server


def dangan_crawl(sources: Path, data_dir: Path) -> subprocess.CompletedProcess:
    # The timeout is the hang this test is about: the crawl used to wait forever.
    return run_dangan_crawl(sources, data_dir, timeout=120)


def test_warc_writer_on_a_full_disk_raises_disk_full_and_keeps_what_it_wrote(small_disk: Path) -> None:
    rng = random.Random(3)
    written = []
    writer = WarcWriter(small_disk)
    with pytest.raises(DiskFullError) as raised:
        for number in range(200):
            body = article(number, rng)
            written.append((writer.write_response(f"http://www.gov.cn/{number}.htm", 200, "OK", [], body,
                                                  datetime_now()), body))
    writer.close()  # must not raise: it used to, from inside the error handler
    message = str(raised.value)
    assert message.startswith("disk full: could not write a WARC record") and "free space needed" in message
    assert written, "the disk filled before one record: make the tmpfs larger"
    with pytest.raises(DiskFullError):  # later writes fail at once, without opening more files
        writer.write_response("http://www.gov.cn/late.htm", 200, "OK", [], b"x", datetime_now())
    from storage.warc_reading import read_response
    for location, body in written:
        assert read_response(small_disk, location.warc_file, location.offset).body == body


def datetime_now():
    from datetime import datetime
    return datetime(2026, 12, 2, 8, 0, 0)


@pytest.mark.slow
def test_a_full_disk_fails_the_crawl_at_once_and_the_rerun_recovers(small_disk: Path, large_site: FaultyServer,
                                                                    tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.toml", large_site.base_url, max_pages=500)

    full = dangan_crawl(sources, small_disk)

    assert full.returncode == 1, full.stdout + full.stderr[-3000:]
    assert "Traceback" not in full.stderr, full.stderr[-3000:]
    assert f"error: the crawl of {SOURCE_NAME} failed: disk full: " in full.stderr
    assert "free space needed on the disk holding" in full.stderr
    # One clear error, not one per page still queued.
    assert full.stderr.count("ERROR") <= 3, full.stderr[-3000:]
    with Store.open(None, small_disk) as store:
        [run] = store.run_log.runs()
        assert run.outcome == "failed" and run.reason.startswith("disk full: ")
        assert run.finished_at is not None
        assert run.pages_fetched < ARTICLES + 1  # it stopped instead of fetching what it could not keep

    grow(small_disk)
    rerun = dangan_crawl(sources, small_disk)

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr[-3000:]
    with Store.open(None, small_disk) as store:
        check = check_archive(store)
        assert check.problems == []
        assert check.documents == ARTICLES
        latest = store.run_log.runs()[0]
        assert latest.outcome == "ok" and latest.errors == 0
