"""The shared frontier on a real Redis: each request once per run, nothing lost when a worker dies.

These drive `crawler.frontier.RedisFrontier` directly, as two workers of one
source would; tests/test_crawl_shared_frontier.py runs real crawl processes
against it.
"""

from __future__ import annotations

import os

import pytest
import redis

from crawler.frontier import FrontierWorker, RedisFrontier, connect, current_run
from core.errors import FrontierError

SOURCE = "gov"


def _worker(name: str, pid: int = 0) -> FrontierWorker:
    return FrontierWorker(worker_id=name, host="host-" + name, pid=pid)


def _join(client, prefix: str, name: str, *, lease: float = 30.0) -> RedisFrontier:
    return RedisFrontier.join(client, prefix=prefix, source=SOURCE, worker=_worker(name), lease=lease, ttl=600)


@pytest.fixture
def client(redis_url: str):
    connection = connect(redis_url)
    yield connection
    connection.close()


def test_two_workers_join_one_run_and_each_request_is_queued_once(client, redis_prefix: str) -> None:
    a = _join(client, redis_prefix, "a")
    b = _join(client, redis_prefix, "b")
    assert a.run_id == b.run_id == current_run(client, prefix=redis_prefix, source=SOURCE)

    # Both seed the same start URL; the seen filter lets it in once.
    assert a.add(b"start", fingerprint=b"f-start") is not None
    assert b.add(b"start", fingerprint=b"f-start") is None
    assert b.add(b"page", fingerprint=b"f-page") is not None

    first, second = a.claim(), b.claim()
    assert {first.payload, second.payload} == {b"start", b"page"}
    assert a.claim() is None and b.claim() is None
    assert a.seen() == 2


def test_priority_first_then_arrival(client, redis_prefix: str) -> None:
    a = _join(client, redis_prefix, "a")
    for name, priority in (("low-1", 0), ("high", 5), ("low-2", 0), ("lowest", -1)):
        a.add(name.encode(), fingerprint=name.encode(), priority=priority)
    assert [a.claim().payload for _ in range(4)] == [b"high", b"low-1", b"low-2", b"lowest"]


def test_a_dead_workers_in_flight_requests_go_back_to_the_queue(client, redis_prefix: str) -> None:
    a = _join(client, redis_prefix, "a")
    b = _join(client, redis_prefix, "b")
    for number in range(3):
        a.add(f"r{number}".encode(), fingerprint=f"f{number}".encode())
    held = [a.claim(), a.claim()]  # a takes two, then "dies" holding them
    assert a.in_flight() == {claim.request_id for claim in held}
    assert b.others_pending()  # the queue still has one

    assert b.reclaim_dead(lambda worker: False) == 0  # a is alive: its lease holds
    assert b.reclaim_dead(lambda worker: worker.worker_id == "a") == 2  # its process is gone

    taken = {b.claim().payload for _ in range(3)}
    assert taken == {b"r0", b"r1", b"r2"}
    assert "a" not in b.workers()


def test_a_worker_whose_lease_ran_out_is_dead_on_any_host(client, redis_prefix: str) -> None:
    a = _join(client, redis_prefix, "a")
    b = _join(client, redis_prefix, "b", lease=0.0)
    a.add(b"r", fingerprint=b"f")
    a.claim()
    # b's lease is 0 s: a's last heartbeat is already too old.
    assert b.reclaim_dead(lambda worker: False) == 1
    assert b.claim().payload == b"r"


def test_acknowledged_requests_are_not_given_back(client, redis_prefix: str) -> None:
    a = _join(client, redis_prefix, "a")
    b = _join(client, redis_prefix, "b")
    a.add(b"done", fingerprint=b"f1")
    a.add(b"held", fingerprint=b"f2")
    done = a.claim()
    a.claim()
    a.ack(done.request_id)
    assert b.reclaim_dead(lambda worker: True) == 1
    assert b.claim().payload == b"held"


def test_a_retry_goes_back_under_its_own_id_and_a_redirect_to_a_seen_url_is_acknowledged(client, redis_prefix: str) -> None:
    a = _join(client, redis_prefix, "a")
    a.add(b"first", fingerprint=b"f1")
    a.add(b"other", fingerprint=b"f2")
    claim = a.claim()
    # A retry: never filtered, same id, out of the in-flight set and back in the queue (behind "other").
    assert a.add(b"first again", fingerprint=None, request_id=claim.request_id) == claim.request_id
    assert claim.request_id not in a.in_flight()
    other, again = a.claim(), a.claim()
    assert other.payload == b"other"
    assert (again.request_id, again.payload) == (claim.request_id, b"first again")
    a.ack(other.request_id)
    # A redirect to a URL this run has seen: filtered, and done.
    assert a.add(b"redirected", fingerprint=b"f2", request_id=again.request_id) is None
    assert a.in_flight() == set()


def test_a_worker_stopped_hands_back_what_it_holds_and_the_last_one_out_ends_the_run(
    client, redis_prefix: str
) -> None:
    a = _join(client, redis_prefix, "a")
    b = _join(client, redis_prefix, "b")
    a.add(b"r", fingerprint=b"f")
    a.claim()
    assert a.leave(finished=False) is False  # interrupted: "r" goes back, the run goes on
    assert b.others_pending()
    claim = b.claim()
    assert not b.others_pending()
    b.ack(claim.request_id)
    assert b.leave(finished=True) is True
    assert current_run(client, prefix=redis_prefix, source=SOURCE) is None
    assert not client.exists(b.key("seen"), b.key("queue"), b.key("requests"))

    # The next crawl is a new run with an empty seen filter: every page is fetched again.
    c = _join(client, redis_prefix, "c")
    assert c.run_id != b.run_id
    assert c.add(b"r", fingerprint=b"f") is not None


def test_the_last_worker_stopping_for_good_ends_the_run_and_an_interrupted_one_leaves_it_to_resume(
    client, redis_prefix: str
) -> None:
    a = _join(client, redis_prefix, "a")
    a.add(b"left over", fingerprint=b"f1")
    assert a.leave(finished=False, interrupted=True) is False  # Ctrl-C: resumable
    b = _join(client, redis_prefix, "b")
    assert b.run_id == a.run_id and b.claim().payload == b"left over"
    b.add(b"beyond the budget", fingerprint=b"f2")
    assert b.leave(finished=False) is True  # max_pages reached, the last worker: the run is over
    assert _join(client, redis_prefix, "c").run_id != a.run_id


def test_every_key_of_a_run_expires_with_its_last_heartbeat(client, redis_prefix: str) -> None:
    a = RedisFrontier.join(client, prefix=redis_prefix, source=SOURCE, worker=_worker("a"), lease=30, ttl=120)
    a.add(b"r", fingerprint=b"f")
    a.claim()
    a.beat()
    keys = list(client.scan_iter(match=f"{redis_prefix}:*"))
    assert keys
    assert all(0 < client.ttl(key) <= 120 for key in keys), {key: client.ttl(key) for key in keys}


def test_an_unreachable_redis_is_one_clear_error() -> None:
    with pytest.raises(FrontierError, match=r"cannot be reached .*DANGAN_REDIS_URL"):
        connect("redis://127.0.0.1:1/0", timeout=2)
