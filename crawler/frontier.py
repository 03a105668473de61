"""A crawl frontier shared through Redis: one request queue and one seen-URL filter per source and run.

Several crawl processes of one source, on one machine or many, join the same
*frontier run* and take requests from it; a URL enters the queue once per run
(the seen filter), so it is fetched once per run whichever worker finds it.
This module is the frontier itself, plain redis-py and a few Lua scripts, with
no Scrapy in it; `crawler.frontier_scheduler.RedisFrontierScheduler` is the
Scrapy scheduler that wraps it.

Why not scrapy-redis (0.9.1, read component by component against Scrapy 2.19):

- its scheduler pops destructively (``RPOP``, or ``ZRANGE`` + ``ZREMRANGEBYRANK``),
  so the requests a worker holds when it is killed are lost, which is the
  first thing a shared frontier must not do; and its ``has_pending_requests``
  is "the queue is not empty", so a worker stops while another is still
  fetching pages whose links would have fed it;
- its queues store pickles, which makes write access to Redis code execution
  in every crawler;
- its keys are named after the spider (``%(spider)s:requests``), and dangan
  has one spider for every source;
- its dupefilter keeps 40-character hex fingerprints in a set that never
  expires (a run's filter would outlive the run);
- its spider mixin does not fit Scrapy 2.13's async ``start()``.

None of it was kept; what is here is the reliable-queue pattern those
components lack, in about 300 lines.

The keys, under ``PREFIX:SOURCE`` (``DANGAN_REDIS_PREFIX``, "dangan"):

- ``current``: the id of the source's frontier run that workers join;
- ``RUN:queue``, a sorted set of request ids, by priority then arrival;
  ``RUN:requests`` and ``RUN:scores``, hashes of each queued or in-flight
  request's payload and place in the queue;
- ``RUN:inflight:WORKER``, the ids a worker has taken and not yet acknowledged
  (a set per worker: `claim` moves an id there atomically, `ack` removes it);
- ``RUN:beats`` (worker → last heartbeat, Redis's clock) and ``RUN:workers``
  (worker → its host and pid);
- ``RUN:seen``, the seen filter: one 20-byte request fingerprint per URL;
- ``RUN:state`` ("done" once the run has ended) and ``RUN:seq``, a counter.

Nothing lost when a worker dies: a live worker re-queues the in-flight
requests of a worker whose heartbeat is older than the lease
(``DANGAN_FRONTIER_LEASE``), or, on its own host, whose process is gone
(`reclaim_dead`). A request is acknowledged once its response is archived (or
its failure counted), so one that was archived but not yet acknowledged when
its worker died is fetched again by another: the page gets a second capture,
and the store, which versions by text, keeps one document and one version.

Every key of a run expires ``DANGAN_FRONTIER_TTL`` seconds after the last
heartbeat of any of its workers (an abandoned run cleans itself up), and when
a run ends (nothing queued, nothing in flight) its queue and seen filter are
deleted at once. A worker that joins while a run is going on takes part in
it; after the run has ended, the next worker starts a new one, with an empty
seen filter, so every crawl fetches every page again, as a local one does.

Scope: one Redis server (or a primary with replicas). The scripts name the
in-flight sets of other workers, so a Redis Cluster would need the keys of a
run in one hash slot; that is not done.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import FrontierError

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

#: Priorities are shifted this far above the arrival counter, so a sorted-set
#: score orders by priority first and arrival second, exactly, in a double.
_PRIORITY_SCALE = 2.0**40

# KEYS: seen, queue, requests, scores, inflight (own), seq, state
# ARGV: fingerprint ("" for a request that is never filtered), id ("" for a new one), priority, payload
_ADD = """
if redis.call('GET', KEYS[7]) == 'done' then return false end
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
  if ARGV[2] ~= '' and redis.call('SREM', KEYS[5], ARGV[2]) == 1 then
    redis.call('HDEL', KEYS[3], ARGV[2])
    redis.call('HDEL', KEYS[4], ARGV[2])
  end
  return false
end
local seq = redis.call('INCR', KEYS[6])
local id = ARGV[2]
if id == '' then id = tostring(seq) end
local score = -tonumber(ARGV[3]) * 1099511627776 + seq
redis.call('HSET', KEYS[3], id, ARGV[4])
redis.call('HSET', KEYS[4], id, score)
redis.call('SREM', KEYS[5], id)
redis.call('ZADD', KEYS[2], score, id)
return id
"""

# KEYS: queue, requests, inflight (own)
_CLAIM = """
while true do
  local popped = redis.call('ZPOPMIN', KEYS[1])
  if #popped == 0 then return false end
  local payload = redis.call('HGET', KEYS[2], popped[1])
  if payload then
    redis.call('SADD', KEYS[3], popped[1])
    return {popped[1], payload}
  end
end
"""

# KEYS: inflight (own), requests, scores; ARGV: id
_ACK = """
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
"""

# KEYS: beats, workers, queue, scores, requests, inflight (of the worker leaving or dead); ARGV: worker
_REQUEUE = """
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[6])) do
  local score = redis.call('HGET', KEYS[4], id)
  if score and redis.call('HEXISTS', KEYS[5], id) == 1 then
    redis.call('ZADD', KEYS[3], score, id)
    n = n + 1
  end
end
redis.call('DEL', KEYS[6])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return n
"""

# KEYS: beats, workers, current, then every other key of the run; ARGV: worker, its host and pid, ttl
_BEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
return tostring(now)
"""

# KEYS: queue, beats; ARGV: the in-flight key prefix, the asking worker
_OTHERS_PENDING = """
if redis.call('ZCARD', KEYS[1]) > 0 then return 1 end
for _, worker in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if worker ~= ARGV[2] and redis.call('SCARD', ARGV[1] .. worker) > 0 then return 1 end
end
return 0
"""

# KEYS: queue, beats, state, current, then the run's data keys to drop;
# ARGV: run id, in-flight key prefix, ttl, "1" to end it even with requests queued once no worker is left
_END = """
if ARGV[4] == '1' then
  if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
else
  if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
  for _, worker in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if redis.call('SCARD', ARGV[2] .. worker) > 0 then return 0 end
  end
end
redis.call('SET', KEYS[3], 'done', 'EX', ARGV[3])
if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
for i = 5, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
"""

# KEYS: beats; returns Redis's clock, the one all machines' heartbeats are judged by.
_NOW = """
local t = redis.call('TIME')
return tostring(tonumber(t[1]) + tonumber(t[2]) / 1000000)
"""


@dataclass(frozen=True)
class Claim:
    """A request taken from the frontier: its id (to acknowledge it by) and its payload."""

    request_id: str
    payload: bytes


@dataclass(frozen=True)
class FrontierWorker:
    """Who holds requests: a worker id, and the host and pid of its process."""

    worker_id: str
    host: str
    pid: int


def connect(url: str, *, timeout: float = 10.0) -> redis.Redis:
    """A redis-py client for `url`, checked with a PING; FrontierError naming the URL if Redis cannot be reached."""
    # Imported here: every crawl imports this module, and only a crawl sharing a
    # frontier needs redis-py (a twentieth of a second of start-up otherwise).
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise FrontierError(
            f"Redis at {_without_password(url)} cannot be reached for the shared frontier ({exc}). "
            "Check DANGAN_REDIS_URL (redis://host:6379/0) and that Redis is running, "
            "or unset it to crawl with a frontier of this process's own."
        ) from exc
    return client


def current_run(client: redis.Redis, *, prefix: str, source: str) -> str | None:
    """The id of the frontier run of `source` that workers join now, or None if none is going on."""
    value = client.get(f"{prefix}:{source}:current")
    return value.decode() if value is not None else None


class RedisFrontier:
    """One worker's handle on the frontier run of one source (see the module docstring).

    `join` finds the source's current run, or starts one, and registers the
    worker. Then `add` queues requests through the seen filter, `claim`
    takes the next one into the worker's in-flight set, `ack` says it is
    done, `beat` keeps the worker's lease, `reclaim_dead` re-queues what dead
    workers held, and `leave` ends the worker's part (and the run, when
    nothing is left anywhere).
    """

    def __init__(
        self, client: redis.Redis, *, prefix: str, source: str, run_id: str, worker: FrontierWorker,
        lease: float, ttl: int,
    ) -> None:
        self.client = client
        self.source = source
        self.run_id = run_id
        self.worker = worker
        self.lease = lease
        self.ttl = int(ttl)
        self._current_key = f"{prefix}:{source}:current"
        base = f"{prefix}:{source}:{run_id}"
        self._inflight_prefix = f"{base}:inflight:"
        self._keys = {name: f"{base}:{name}" for name in (
            "queue", "requests", "scores", "seen", "beats", "workers", "state", "seq",
        )}
        self._own_inflight = self._inflight_prefix + worker.worker_id
        self._add = client.register_script(_ADD)
        self._claim = client.register_script(_CLAIM)
        self._ack = client.register_script(_ACK)
        self._requeue = client.register_script(_REQUEUE)
        self._beat = client.register_script(_BEAT)
        self._others_pending = client.register_script(_OTHERS_PENDING)
        self._end = client.register_script(_END)
        self._now = client.register_script(_NOW)

    @classmethod
    def join(
        cls, client: redis.Redis, *, prefix: str, source: str, worker: FrontierWorker, lease: float, ttl: int,
    ) -> "RedisFrontier":
        """Join the frontier run of `source` going on now, or start one; register `worker` in it."""
        current = f"{prefix}:{source}:current"
        client.set(current, uuid.uuid4().hex[:16], nx=True, ex=int(ttl))
        run_id = client.get(current)
        if run_id is None:  # expired between the two calls: start again
            return cls.join(client, prefix=prefix, source=source, worker=worker, lease=lease, ttl=ttl)
        frontier = cls(client, prefix=prefix, source=source, run_id=run_id.decode(), worker=worker,
                       lease=lease, ttl=ttl)
        frontier.beat()
        log.info("%s: worker %s joined frontier run %s", source, worker.worker_id, frontier.run_id)
        return frontier

    def key(self, name: str) -> str:
        """The Redis key of this run's `name` ("queue", "seen", …), for measuring and tests."""
        return self._keys[name]

    # -- requests ------------------------------------------------------------------

    def add(self, payload: bytes, *, fingerprint: bytes | None, priority: int = 0, request_id: str | None = None) -> str | None:
        """Queue a request; return its id, or None if its fingerprint was seen in this run.

        `fingerprint` None queues it whatever was seen (a retry). `request_id`
        re-queues a request this worker holds (a retry, a redirect) under its
        own id; if it is filtered, it is acknowledged instead.
        """
        k = self._keys
        added = self._add(
            keys=[k["seen"], k["queue"], k["requests"], k["scores"], self._own_inflight, k["seq"], k["state"]],
            args=[fingerprint or b"", request_id or "", int(priority), payload],
        )
        return added.decode() if added is not None else None

    def claim(self) -> Claim | None:
        """Take the next request into this worker's in-flight set; None if the queue is empty."""
        k = self._keys
        taken = self._claim(keys=[k["queue"], k["requests"], self._own_inflight])
        if not taken:
            return None
        return Claim(request_id=taken[0].decode(), payload=taken[1])

    def ack(self, request_id: str) -> None:
        """The request is done (its response archived, or its failure counted): forget it."""
        k = self._keys
        self._ack(keys=[self._own_inflight, k["requests"], k["scores"]], args=[request_id])

    def in_flight(self) -> set[str]:
        """The ids this worker holds."""
        return {member.decode() for member in self.client.smembers(self._own_inflight)}

    def queued(self) -> int:
        """Requests waiting in the queue."""
        return int(self.client.zcard(self._keys["queue"]))

    def seen(self) -> int:
        """Fingerprints in the seen filter: the distinct requests this run has queued."""
        return int(self.client.scard(self._keys["seen"]))

    # -- workers -------------------------------------------------------------------

    def beat(self) -> None:
        """Renew this worker's lease, and the expiry of every key of the run."""
        k = self._keys
        info = json.dumps({"host": self.worker.host, "pid": self.worker.pid})
        self._beat(
            keys=[k["beats"], k["workers"], self._current_key, self._own_inflight,
                  *(k[name] for name in ("queue", "requests", "scores", "seen", "seq"))],
            args=[self.worker.worker_id, info, self.ttl],
        )

    def workers(self) -> dict[str, tuple[FrontierWorker, float]]:
        """Every registered worker of the run, with its last heartbeat (Redis's clock, seconds)."""
        beats = {member.decode(): score for member, score in self.client.zrange(self._keys["beats"], 0, -1, withscores=True)}
        infos = {name.decode(): json.loads(value) for name, value in self.client.hgetall(self._keys["workers"]).items()}
        found = {}
        for worker_id, beat in beats.items():
            info = infos.get(worker_id, {})
            found[worker_id] = (FrontierWorker(worker_id, info.get("host", ""), int(info.get("pid") or 0)), beat)
        return found

    def reclaim_dead(self, process_gone: Callable[[FrontierWorker], bool]) -> int:
        """Re-queue the in-flight requests of every dead worker; return how many went back.

        Dead: a heartbeat older than the lease, or `process_gone(worker)` true
        (the caller knows about processes on its own host).
        """
        now = float(self._now(keys=[self._keys["beats"]]))
        returned = 0
        for worker_id, (worker, beat) in self.workers().items():
            if worker_id == self.worker.worker_id:
                continue
            if now - beat > self.lease or process_gone(worker):
                count = self._requeue_of(worker_id)
                returned += count
                log.warning("%s: frontier worker %s (pid %s on %s) is gone; %d of its requests went back to the queue",
                            self.source, worker_id, worker.pid, worker.host, count)
        return returned

    def others_pending(self) -> bool:
        """True while requests are queued, or another worker holds some (its pages may bring more links)."""
        return bool(self._others_pending(
            keys=[self._keys["queue"], self._keys["beats"]], args=[self._inflight_prefix, self.worker.worker_id]
        ))

    def leave(self, *, finished: bool, interrupted: bool = False) -> bool:
        """End this worker's part; return True if that ended the run.

        `finished` (the worker ran out of work): what it still holds was
        handled without an acknowledgement and is dropped. Otherwise what it
        holds goes back to the queue for the others. Then, if nothing is
        queued or in flight anywhere, the run ends: its data keys are deleted
        and the next worker starts a new run. A worker that stopped for good
        (its page budget spent, an error) and was the last one ends the run
        even with requests queued, as a crawl of its own would; one that was
        `interrupted` (Ctrl-C, SIGTERM) leaves them, and a crawl started within
        ``DANGAN_FRONTIER_TTL`` resumes the run.
        """
        if finished:
            self.client.delete(self._own_inflight)
        returned = self._requeue_of(self.worker.worker_id)
        if returned:
            log.info("%s: %d requests in flight went back to the frontier", self.source, returned)
        k = self._keys
        ended = bool(self._end(
            keys=[k["queue"], k["beats"], k["state"], self._current_key,
                  *(k[name] for name in ("requests", "scores", "seen", "seq", "workers", "beats"))],
            args=[self.run_id, self._inflight_prefix, self.ttl, "0" if finished or interrupted else "1"],
        ))
        if ended:
            log.info("%s: frontier run %s ended", self.source, self.run_id)
        return ended

    def _requeue_of(self, worker_id: str) -> int:
        k = self._keys
        return int(self._requeue(
            keys=[k["beats"], k["workers"], k["queue"], k["scores"], k["requests"], self._inflight_prefix + worker_id],
            args=[worker_id],
        ))


def _without_password(url: str) -> str:
    """`url` with any password replaced, for messages.

    >>> _without_password("redis://:secret@db:6379/0")
    'redis://:***@db:6379/0'
    """
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"
