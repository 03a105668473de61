"""Families of copies: which versions carry one text, found through a persisted MinHash LSH index.

A version's MinHash signature (`pipeline.near_duplicates`, PERMUTATIONS
uint32 values) is cut into `BANDS` bands; each band is hashed to one signed
64-bit key. Versions that share a key are candidate copies; a candidate is a
copy when the two signatures agree in at least `FAMILY_SIMILARITY` of their
positions.

The index is persisted as one ``family_signatures`` row per version (its
signature and its band keys packed in a blob), so it survives restarts, grows
by one insert per version (nothing is ever rebuilt) and works alike on SQLite
and PostgreSQL. Candidates are looked up in memory (`storage.band_index`):
each process loads the keys once, on its first lookup, and before each later
one reads the versions committed since (`FamilyIndex.catch_up`). Only the
candidates' signatures are then read from the store to verify them. Keeping
the keys as rows of an indexed table instead (migration 0005, replaced by
0013) cost about half a millisecond per version; ``bench.family_bench``
prints where each microsecond goes now.

Why these numbers (the labelled pairs in tests/family_pairs.py, printed by
``python -m bench.family_curve``): reposts with every edit we know of score
0.67 or more, two different notices of one template 0.22 or less, so the
threshold sits between, at 0.5. 32 bands of 4 values make a pair at
similarity 0.6 a candidate with probability 0.988, at 0.67 0.9993, and a
pair at 0.2 only 0.05, so few non-copies need verifying.

`assign_family` runs inside `VersionStore.record`'s transaction, for every
new version (and, once, for a version recorded before families existed):

- a new version of a document whose text stays close to the previous
  version's (a correction) stays in that family;
- otherwise it joins the family of its most similar candidate at or above
  the threshold, or starts a family of its own (a document whose text became
  a different text leaves its old family this way);
- the family's canonical member is then worked out again: among the versions
  that are their document's latest, the earliest `published` (versions with
  no date last), then the earliest first seen.

On PostgreSQL, two workers recording copies of one text at once would not
see each other's rows; each takes transaction-level advisory locks on its
band keys (in sorted order, so two never wait on each other in a cycle)
before catching up and looking for candidates, so a copy committed by
another process is read in before the lookup. SQLite's write lock, taken at
BEGIN, already serialises writers.
"""

from __future__ import annotations

import threading
import time
import weakref
from array import array
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Connection, and_, bindparam, exists, insert, select, text, update
from sqlalchemy.orm import aliased

from core.errors import DocumentNotFound, StoreError
from storage.band_index import BandIndex
from storage.database import Database
from storage.history import find_document
from storage.models import Document, Family, FamilySignature, Version

#: Bands the signature is cut into; each gives one key per version.
BANDS = 32
#: Least share of agreeing signature positions for two texts to be copies of one.
FAMILY_SIMILARITY = 0.5

# Odd 64-bit multipliers that mix a band's values (and its number) into its key.
_BAND_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                      0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
                     dtype=np.uint64)

_families = Family.__table__
_signatures = FamilySignature.__table__
_versions = Version.__table__
_documents = Document.__table__


def band_keys(signature: bytes) -> list[int]:
    """The LSH keys of a signature: one signed 64-bit integer per band, sorted.

    The band's number is hashed with its values, so equal values in two
    different bands are different keys.

    >>> keys = band_keys(bytes(range(256)) * 2)
    >>> len(keys), all(-2**63 <= key < 2**63 for key in keys), keys == sorted(keys)
    (32, True, True)
    """
    if len(signature) % (4 * BANDS):
        raise StoreError(
            f"A MinHash signature of {len(signature)} bytes cannot be cut into {BANDS} bands: "
            "it was made with other settings. Run dangan reprocess to make them again."
        )
    return band_key_matrix(np.frombuffer(signature, dtype=np.uint32).reshape(1, -1))[0].tolist()


def band_key_matrix(signatures: np.ndarray) -> np.ndarray:
    """`band_keys` of every row of a (versions, permutations) uint32 matrix: (versions, BANDS) int64, each row sorted."""
    rows = signatures.shape[1] // BANDS
    if rows > len(_BAND_MIX) - 1:
        raise StoreError(f"Bands of {rows} values are more than the band keys can mix; use fewer permutations.")
    values = signatures.astype(np.uint64).reshape(len(signatures), BANDS, rows)
    # One multiply-add per value (wrapping at 2**64), then the band's number, then
    # a final mix so that keys of similar bands spread over the whole range.
    keys = (values * _BAND_MIX[:rows]).sum(axis=2, dtype=np.uint64)
    keys += np.arange(BANDS, dtype=np.uint64) * _BAND_MIX[rows]
    keys ^= keys >> np.uint64(31)
    keys *= _BAND_MIX[0]
    keys ^= keys >> np.uint64(29)
    keys = keys.view(np.int64)
    keys.sort(axis=1)
    return keys


def packed_band_keys(keys: np.ndarray) -> bytes:
    """Band keys as ``family_signatures.band_keys`` keeps them: little-endian signed 64-bit integers."""
    return np.asarray(keys, dtype="<i8").tobytes()


def signature_agreement(a: bytes, b: bytes) -> float:
    """The share of positions where two signatures agree (their texts' estimated Jaccard similarity).

    >>> signature_agreement(array("I", [1, 2, 3, 4]).tobytes(), array("I", [1, 2, 0, 0]).tobytes())
    0.5
    """
    left, right = array("I", a), array("I", b)
    if len(left) != len(right):
        raise StoreError(
            f"Signatures of {len(left)} and {len(right)} values cannot be compared: one was made "
            "with other settings. Run dangan reprocess to make them again."
        )
    return sum(1 for x, y in zip(left, right) if x == y) / len(left)


class FamilyIndex:
    """One process's view of a store's band index: the keys of every committed version, kept current.

    `catch_up` reads the versions committed since it last looked (all of them
    the first time): a version's id is given when its row is inserted, but on
    PostgreSQL it may commit after higher ids did, so ids passed over that
    were not yet visible are asked for again (`_unseen`) until they are, or
    until `UNSEEN_PATIENCE` seconds show they were rolled back. A version's
    keys and its row commit together, so a visible version has its keys.

    One per store engine (`family_index`), shared by that process's threads
    under `lock`.
    """

    #: How long an id passed over is looked for again. A recording transaction
    #: lasts milliseconds; one not committed after this was rolled back.
    UNSEEN_PATIENCE = 600.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bands = BandIndex()
        self._highest_seen = 0
        self._unseen: dict[int, float] = {}

    @property
    def highest_seen(self) -> int:
        """The highest version id read so far."""
        return self._highest_seen

    def catch_up(self, sql: Connection, recording: int) -> int:
        """Add the keys of versions committed since the last call; return how many versions were read.

        `recording` is the version being recorded in `sql`'s transaction: its
        own row is visible to it before its keys are written, so it is passed
        over like an uncommitted one, and read once it has committed.
        """
        ids = sorted(self._unseen)
        result = sql.execute(_COMMITTED_SINCE, {"seen": self._highest_seen, "recording": recording,
                                                "unseen": ids or [-1]},
                             execution_options={"stream_results": True})
        read: set[int] = set()
        # In parts: the first call on a big store reads every version (a million: 256 MB of keys).
        for part in result.partitions(_CATCH_UP_PART):
            read.update(row.id for row in part)
            keyed = [(row.id, bytes(row.band_keys)) for row in part if row.band_keys is not None]
            if keyed:
                version_ids = np.fromiter((version_id for version_id, _ in keyed), dtype=np.int64, count=len(keyed))
                keys = np.frombuffer(b"".join(blob for _, blob in keyed), dtype="<i8").astype(np.int64)
                self.bands.add(version_ids, keys.reshape(len(keyed), -1))
        now = time.monotonic()
        for version_id in ids:
            if version_id in read or now - self._unseen[version_id] > self.UNSEEN_PATIENCE:
                del self._unseen[version_id]
        highest = max(read, default=0)
        if highest > self._highest_seen:
            self._unseen.update((version_id, now) for version_id in range(self._highest_seen + 1, highest)
                                if version_id not in read)
            self._highest_seen = highest
        return len(read)


_CATCH_UP_PART = 20_000
_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_indexes_lock = threading.Lock()


def family_index(sql: Connection) -> FamilyIndex:
    """The index of the store `sql` is connected to, made (empty) on first use in this process.

    Keyed by the engine's connection pool, which a store's plain and write
    engines share and which `Database.dispose` replaces (a forked worker that
    disposes the engine it inherited starts from the store again).
    """
    pool = sql.engine.pool
    with _indexes_lock:
        index = _indexes.get(pool)
        if index is None:
            index = _indexes[pool] = FamilyIndex()
        return index


def assign_family(
    sql: Connection, version_id: int, document_id: int, signature: bytes | None, previous_version_id: int | None,
    *, late: bool = False,
) -> int:
    """Inside `record`'s transaction: put a just-recorded version in its family; return the family id.

    `previous_version_id` is the document's version before this one (None for
    a new document). A version with no signature (its text has no letters or
    digits) is a family of its own. `late`: the version was recorded before
    families existed, and is fingerprinted now.
    """
    keys = band_keys(signature) if signature is not None else []
    if keys and sql.dialect.name == "postgresql":
        sql.execute(_LOCK_KEYS, {"keys": keys})
    family_id = None
    previous = sql.execute(_SIGNED_VERSION, {"id": previous_version_id}).first() if previous_version_id else None
    if signature is not None:
        if previous is not None and previous.family_id is not None and previous.signature is not None \
                and signature_agreement(previous.signature, signature) >= FAMILY_SIMILARITY:
            family_id = previous.family_id
        else:
            family_id = _closest_family(sql, similar_versions(sql, keys, signature, version_id, late=late))
        add_to_index(sql, version_id, signature, keys)
    if family_id is None:
        family_id = sql.execute(_INSERT_FAMILY, {"canonical_version_id": version_id}).scalar_one()
    sql.execute(_SET_FAMILY, {"id_": version_id, "family_id": family_id})
    refresh_canonical(sql, family_id)
    if previous is not None and previous.family_id is not None and previous.family_id != family_id:
        refresh_canonical(sql, previous.family_id)  # the document left it
    return family_id


def similar_versions(
    sql: Connection, keys: list[int], signature: bytes, version_id: int, *, late: bool = False
) -> list[tuple[float, int]]:
    """(similarity, version id) of every committed version sharing a band key and at least
    `FAMILY_SIMILARITY` similar to `signature`, most similar first; `version_id` is the version
    being recorded, which is not its own candidate (`late`: see `assign_family`)."""
    index = family_index(sql)
    with index.lock:
        index.catch_up(sql, recording=version_id)
        if late and version_id <= index.highest_seen:
            # Read before, without keys: catching up never reads it again, so its keys are added
            # here (other processes read them when they next start).
            index.bands.add(np.array([version_id]), np.array([keys], dtype=np.int64))
        _, candidates = index.bands.lookup(np.array([keys], dtype=np.int64))
        candidates = candidates[candidates != version_id]
    if not len(candidates):
        return []
    values = np.frombuffer(signature, dtype=np.uint32)
    found_ids, found = stored_signatures(sql, candidates, len(values))
    similarity = np.count_nonzero(found == values, axis=1) / len(values)
    return sorted(((float(share), int(other)) for share, other in zip(similarity, found_ids) if share >= FAMILY_SIMILARITY),
                  key=lambda pair: (-pair[0], pair[1]))


def stored_signatures(sql: Connection, ids: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The stored signatures of the versions `ids`: the ids found (sorted), and their signatures as
    a (found, `width`) uint32 matrix in that order. An id with no signature row is left out.

    One query, with the ids written into it (they are integers): SQLAlchemy's
    expanding IN, rendered anew for every count of ids, cost more than the
    query itself in ``bench.family_bench``.
    """
    ids = np.unique(np.asarray(ids, dtype=np.int64))
    if not len(ids):
        return ids, np.zeros((0, width), dtype=np.uint32)
    rows = sql.exec_driver_sql(
        f"SELECT version_id, signature FROM {_signatures.name} WHERE version_id IN ({', '.join(map(str, ids.tolist()))}) "
        "ORDER BY version_id"
    ).all()
    blob = b"".join([bytes(signature) for _, signature in rows])
    if len(blob) != len(rows) * width * 4:
        raise StoreError(
            f"Stored signatures cannot be compared with new ones of {width} values: they were made "
            "with other settings. Run dangan reprocess to make them again."
        )
    found = np.fromiter((version_id for version_id, _ in rows), dtype=np.int64, count=len(rows))
    return found, np.frombuffer(blob, dtype=np.uint32).reshape(len(rows), width)


def add_to_index(sql: Connection, version_id: int, signature: bytes, keys: list[int]) -> None:
    """Keep a version's signature and its band keys, so later versions (in any process) find it."""
    sql.execute(_INSERT_SIGNATURE, {"version_id": version_id, "signature": signature,
                                    "band_keys": packed_band_keys(np.array(keys, dtype=np.int64))})


def copies_in_batch(
    sql: Connection, index: BandIndex, version_ids: np.ndarray, signatures: np.ndarray,
    timings: dict[str, float] | None = None,
) -> list[int | None]:
    """The bulk form of the lookup and insert: index many new versions at once; for each, the most
    similar version recorded before it (in `index` or earlier in this batch) at or above the threshold.

    `version_ids` must be increasing and above every id in `index`;
    `signatures` is `pipeline.near_duplicates.form_signatures`' matrix. The
    batch's rows are inserted into ``family_signatures`` with one
    executemany, and its keys added to `index`, which the caller keeps (and
    gives to no other writer meanwhile). Families are not assigned: this is
    what a bulk path (``bench.family_bench``) pays for finding copies. With
    `timings`, the CPU seconds of each step are added to it (``band_keys``,
    ``index``: adding the keys and finding the earlier versions sharing one,
    ``verify``, ``insert``).
    """
    clock = [time.process_time()]

    def lap(step: str) -> None:
        now = time.process_time()
        if timings is not None:
            timings[step] = timings.get(step, 0.0) + now - clock[0]
        clock[0] = now

    keys = band_key_matrix(signatures)
    lap("band_keys")
    rows, candidates = index.add_and_find_earlier(version_ids, keys)
    lap("index")
    best: list[int | None] = [None] * len(version_ids)
    if len(rows):
        # Each candidate's signature: this batch's from the matrix, earlier ones read from the store.
        first_in_batch = int(version_ids[0])
        in_batch = candidates >= first_in_batch
        others = np.empty((len(rows), signatures.shape[1]), dtype=signatures.dtype)
        others[in_batch] = signatures[np.searchsorted(version_ids, candidates[in_batch])]
        known = in_batch.copy()
        earlier = np.flatnonzero(~in_batch)
        stored_ids, stored = stored_signatures(sql, candidates[earlier], signatures.shape[1])
        if len(stored_ids):
            at = np.minimum(np.searchsorted(stored_ids, candidates[earlier]), len(stored_ids) - 1)
            found = stored_ids[at] == candidates[earlier]  # a candidate whose row is gone is left out
            others[earlier[found]] = stored[at[found]]
            known[earlier[found]] = True
        similarity = np.count_nonzero(others == signatures[rows], axis=1) / signatures.shape[1]
        close = known & (similarity >= FAMILY_SIMILARITY)
        rows, candidates, similarity = rows[close], candidates[close], similarity[close]
        # The most similar candidate of each row; between equals, the lowest id.
        order = np.lexsort((candidates, -similarity, rows))
        rows, candidates = rows[order], candidates[order]
        firsts = np.ones(len(rows), dtype=bool)
        firsts[1:] = rows[1:] != rows[:-1]
        for row, candidate in zip(rows[firsts].tolist(), candidates[firsts].tolist()):
            best[row] = candidate
    lap("verify")
    # Straight to the driver, each row's blobs sliced from one buffer: SQLAlchemy's per-row
    # work and numpy's per-row calls cost more than SQLite's insert here (bench.family_bench).
    signature_bytes, key_bytes = signatures.shape[1] * 4, keys.shape[1] * 8
    all_signatures, all_keys = np.ascontiguousarray(signatures).tobytes(), keys.astype("<i8").tobytes()
    mark = "?" if sql.dialect.paramstyle == "qmark" else "%s"
    sql.exec_driver_sql(
        f"INSERT INTO family_signatures (version_id, signature, band_keys) VALUES ({mark}, {mark}, {mark})",
        [(version_id, all_signatures[at * signature_bytes:(at + 1) * signature_bytes],
          all_keys[at * key_bytes:(at + 1) * key_bytes]) for at, version_id in enumerate(version_ids.tolist())],
    )
    lap("insert")
    return best


def _closest_family(sql: Connection, similar: list[tuple[float, int]]) -> int | None:
    """The family of the most similar version that has one; between equals, the older family."""
    if not similar:
        return None
    families = dict(sql.execute(_FAMILIES_OF, {"ids": [version_id for _, version_id in similar]}).all())
    ranked = [(similarity, families[version_id]) for similarity, version_id in similar
              if families.get(version_id) is not None]
    return min(ranked, key=lambda pair: (-pair[0], pair[1]))[1] if ranked else None


def refresh_canonical(sql: Connection, family_id: int) -> None:
    """Make the family's canonical member its earliest published copy, then earliest first seen."""
    canonical = sql.execute(_CANONICAL, {"family_id": family_id}).scalar()
    sql.execute(_SET_CANONICAL, {"id_": family_id, "canonical_version_id": canonical})


# -- reading ----------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyMember:
    """One copy in a family: a document, with the version of it that is in the family."""

    url: str
    source: str
    version: int
    title: str | None
    published: str | None
    first_seen: datetime
    text: str
    is_canonical: bool


@dataclass(frozen=True)
class FamilyView:
    """A family as ``dangan family`` shows it: its canonical copy first, then the others by date."""

    family_id: int
    canonical_url: str | None
    members: tuple[FamilyMember, ...]


def family_of(db: Database, url: str) -> FamilyView:
    """The family of the latest version of the document at `url`, every copy in it.

    A copy is a document whose latest version is in the family; the
    canonical one comes first, then the rest by published date and first
    sighting. Raises DocumentNotFound for an unknown URL, and StoreError for
    a document recorded before families existed (``dangan reprocess`` gives it one).
    """
    with db.session() as session:
        url = find_document(session, url).url  # typed as a person would: see storage.history.find_document
        sql = session.connection()
        latest = sql.execute(_LATEST_OF_URL, {"url": url}).first()
        if latest is None:
            raise DocumentNotFound(f"No document is stored under {url}. Check the URL (dangan export lists them).")
        if latest.family_id is None:
            raise StoreError(
                f"{url} was recorded before families existed and has none yet. "
                "Run dangan reprocess --source SOURCE to fingerprint it."
            )
        canonical_id = sql.execute(
            select(_families.c.canonical_version_id).where(_families.c.id == latest.family_id)
        ).scalar()
        rows = sql.execute(_MEMBERS, {"family_id": latest.family_id}).all()
    members = [
        FamilyMember(url=row.url, source=row.source, version=row.number, title=row.title,
                     published=row.published, first_seen=row.first_seen, text=row.text,
                     is_canonical=row.id == canonical_id)
        for row in rows
    ]
    members.sort(key=lambda m: (not m.is_canonical, m.published is None, m.published or "", m.first_seen))
    canonical_url = next((m.url for m in members if m.is_canonical), None)
    return FamilyView(family_id=latest.family_id, canonical_url=canonical_url, members=tuple(members))


# -- the statements, built once ---------------------------------------------------

_LOCK_KEYS = text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k")
_SIGNED_VERSION = (
    select(_versions.c.family_id, _signatures.c.signature)
    .outerjoin(_signatures, _signatures.c.version_id == _versions.c.id)
    .where(_versions.c.id == bindparam("id"))
)
_FAMILIES_OF = select(_versions.c.id, _versions.c.family_id).where(
    _versions.c.id.in_(bindparam("ids", expanding=True))
)
_INSERT_SIGNATURE = insert(_signatures)
# Every version committed beyond the highest id seen, or among the ids passed over,
# with its band keys (None for a version without a signature).
_COMMITTED_SINCE = (
    select(_versions.c.id, _signatures.c.band_keys)
    .outerjoin(_signatures, _signatures.c.version_id == _versions.c.id)
    .where(and_(_versions.c.id > bindparam("seen"), _versions.c.id != bindparam("recording"))
           | _versions.c.id.in_(bindparam("unseen", expanding=True)))
)
_INSERT_FAMILY = insert(_families).returning(_families.c.id)
_SET_FAMILY = update(_versions).where(_versions.c.id == bindparam("id_")).values(family_id=bindparam("family_id"))
_SET_CANONICAL = (
    update(_families).where(_families.c.id == bindparam("id_"))
    .values(canonical_version_id=bindparam("canonical_version_id"))
)
_newer = aliased(_versions)
_IS_LATEST = ~exists().where(and_(_newer.c.document_id == _versions.c.document_id, _newer.c.number > _versions.c.number))
_CANONICAL = (
    select(_versions.c.id)
    .where(_versions.c.family_id == bindparam("family_id"))
    # A document's latest version speaks for it; a family whose documents all
    # left keeps its earliest remaining version as canonical.
    .order_by(_IS_LATEST.desc(), _versions.c.published.is_(None), _versions.c.published,
              _versions.c.first_seen, _versions.c.id)
    .limit(1)
)
_newest_number = (
    select(_newer.c.number).where(_newer.c.document_id == _documents.c.id)
    .order_by(_newer.c.number.desc()).limit(1).scalar_subquery()
)
_LATEST_OF_URL = (
    select(_versions.c.id, _versions.c.family_id)
    .join(_documents, _documents.c.id == _versions.c.document_id)
    .where(_documents.c.url == bindparam("url"), _versions.c.number == _newest_number)
)
_MEMBERS = (
    select(_versions.c.id, _versions.c.number, _versions.c.title, _versions.c.published, _versions.c.first_seen,
           _versions.c.text, _documents.c.url, _documents.c.source)
    .join(_documents, _documents.c.id == _versions.c.document_id)
    .where(_versions.c.family_id == bindparam("family_id"), _IS_LATEST)
)
