"""The LSH band index in memory: which versions carry each band key, looked up many keys at a time.

`storage.families` keeps every version's band keys in the store (one row per
version, `storage.models.FamilySignature`) and looks candidates up here. Why
in memory, and why this shape (``bench.family_bench`` prints the figures):

- As rows of an indexed table (one per band key, the first design), every
  version cost 32 inserts at random places in a B-tree and a 32-key IN
  lookup: about 0.5 ms of CPU per version on SQLite, 2,000 versions a second.
- A sorted array searched with ``numpy.searchsorted`` costs a binary search
  of about 25 steps per key, most of them cache misses once a million
  versions (32 million keys) are in it: tens of µs per version.
- An open-addressing hash table answers a key in one or two probes. Numpy
  does the probing for a whole batch of keys at once, so Python's cost is
  paid per batch, not per key.

Entries are (key, version id, the previous entry with the same key); each
slot of the table points at the newest entry of its key, so every version
sharing a key is found by following that chain. Memory: 4 bytes a slot (at
most half full, doubled when it would be more) and 16 bytes an entry, about
0.8 GB for a million versions of 32 keys.

Not thread-safe by itself: `storage.families` holds a lock around it.
"""

from __future__ import annotations

import numpy as np

_MAX_LOAD = 0.5
_INITIAL_SLOTS = 1 << 12
# Probing goes on one step per round for all pending keys at once; when only
# this many are left (the tail of the longest probe sequences), a plain loop
# costs less than another round of numpy calls.
_SCALAR_TAIL = 32
# Keys moved at once when the table grows.
_REHASH_PART = 1 << 20


class BandIndex:
    """Band keys → version ids, in numpy arrays; add and look up in batches.

    >>> index = BandIndex()
    >>> index.add(np.array([10, 11]), np.array([[5, 6], [6, 7]]))
    >>> rows, ids = index.lookup(np.array([[6, 9], [7, 8]]))
    >>> sorted(zip(rows.tolist(), ids.tolist()))
    [(0, 10), (0, 11), (1, 11)]
    """

    def __init__(self) -> None:
        # A slot holds the newest entry of its key (-1: empty); the key is that entry's.
        self._slot_heads = np.full(_INITIAL_SLOTS, -1, dtype=np.int32)
        self._distinct = 0
        self._entry_keys = np.zeros(_INITIAL_SLOTS, dtype=np.int64)
        self._entry_ids = np.zeros(_INITIAL_SLOTS, dtype=np.int32)
        self._entry_next = np.zeros(_INITIAL_SLOTS, dtype=np.int32)
        self._entries = 0

    def __len__(self) -> int:
        """How many (key, version) entries the index holds."""
        return self._entries

    @property
    def nbytes(self) -> int:
        """The memory its arrays take."""
        return sum(a.nbytes for a in (self._slot_heads, self._entry_keys, self._entry_ids, self._entry_next))

    def add(self, version_ids: np.ndarray, keys: np.ndarray) -> None:
        """Index each version's keys: row ``i`` of `keys` (one key per band) belongs to ``version_ids[i]``."""
        keys = np.atleast_2d(np.asarray(keys, dtype=np.int64))
        flat = keys.ravel()
        if not len(flat):
            return
        first = self._entries
        self._reserve_entries(len(flat))
        self._entry_keys[first:first + len(flat)] = flat
        self._entry_ids[first:first + len(flat)] = np.repeat(np.asarray(version_ids, dtype=np.int32), keys.shape[1])
        self._reserve_slots(len(flat))
        entries = np.arange(first, first + len(flat), dtype=np.int32)
        slots, old_heads, fresh = self._claim(flat, entries)
        # Chain the new entries of one key (one slot) to each other, the first to the
        # key's newest entry before this batch (none for a key new in it); the last
        # becomes the slot's newest.
        order = np.argsort(slots, kind="stable")
        grouped, entries, old_heads, fresh = slots[order], entries[order], old_heads[order], fresh[order]
        starts = np.ones(len(grouped), dtype=bool)
        starts[1:] = grouped[1:] != grouped[:-1]
        previous = np.empty(len(entries), dtype=np.int32)
        previous[1:] = entries[:-1]
        # A key new in this batch: its slot was claimed by one of its entries, which another may have seen as its head.
        claimed_here = np.zeros(len(grouped), dtype=bool)
        claimed_here[np.flatnonzero(fresh)] = True
        new_slot = np.logical_or.reduceat(claimed_here, np.flatnonzero(starts))
        previous[starts] = np.where(new_slot, -1, old_heads[starts])
        self._entry_next[entries] = previous
        ends = np.ones(len(grouped), dtype=bool)
        ends[:-1] = starts[1:]
        self._slot_heads[grouped[ends]] = entries[ends]
        self._entries += len(flat)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every indexed version sharing a key with each row of `keys`: (row numbers, version ids),
        one pair per distinct (row, version), ordered by row then id."""
        keys = np.atleast_2d(np.asarray(keys, dtype=np.int64))
        flat = keys.ravel()
        slots = self._find(flat)
        found = slots >= 0
        rows = (np.arange(len(flat)) // keys.shape[1])[found]
        entries = self._slot_heads[slots[found]]
        hit_rows, hit_ids = [], []
        while len(entries):  # one step along every chain at once
            hit_rows.append(rows)
            hit_ids.append(self._entry_ids[entries])
            entries = self._entry_next[entries]
            more = entries >= 0
            rows, entries = rows[more], entries[more]
        if not hit_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # One int64 per (row, id) pair, so that one 1-D unique both sorts and dedupes them.
        pairs = np.unique(np.concatenate(hit_rows).astype(np.int64) << 32 | np.concatenate(hit_ids).astype(np.int64))
        return pairs >> 32, pairs & 0xFFFFFFFF

    # -- the hash table -------------------------------------------------------------

    def _home(self, keys: np.ndarray) -> np.ndarray:
        # Band keys are already well mixed (storage.families.band_key_matrix): their value modulo the size is the slot.
        return (keys.view(np.uint64) % np.uint64(len(self._slot_heads))).astype(np.int64)

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """The slot holding each key, or -1: linear probing, every key one step per round."""
        size = len(self._slot_heads)
        result = np.full(len(keys), -1, dtype=np.int64)
        pending = np.arange(len(keys))
        slots = self._home(keys)
        while len(pending) > _SCALAR_TAIL:
            heads = self._slot_heads[slots]
            held = heads >= 0
            hit = held & (self._entry_keys[heads] == keys[pending])
            result[pending[hit]] = slots[hit]
            going_on = held & ~hit
            pending, slots = pending[going_on], slots[going_on] + 1
            slots[slots == size] = 0
        for at, slot in zip(pending.tolist(), slots.tolist()):
            key = keys[at]
            while (head := self._slot_heads[slot]) >= 0:
                if self._entry_keys[head] == key:
                    result[at] = slot
                    break
                slot = slot + 1 if slot + 1 < size else 0
        return result

    def _claim(self, keys: np.ndarray, representatives: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each key: its slot, the slot's newest entry when the key found it, and whether the key
        took the slot now (it was not held).

        A key not yet held takes an empty slot, which points at once to its
        representative entry (already written, with the key), so a key probing
        later (an equal key of the same batch too) sees the slot taken.
        """
        size = len(self._slot_heads)
        slots_of = np.full(len(keys), -1, dtype=np.int64)
        old_heads = np.full(len(keys), -1, dtype=np.int32)
        fresh = np.zeros(len(keys), dtype=bool)
        pending = np.arange(len(keys))
        slots = self._home(keys)
        while len(pending) > _SCALAR_TAIL:
            heads = self._slot_heads[slots]
            empty = heads < 0
            hit = ~empty & (self._entry_keys[heads] == keys[pending])
            old_heads[pending[hit]] = heads[hit]
            if empty.any():
                # Two keys may reach one empty slot in one round: both write, one write
                # stays, and the other key looks at the slot again next round.
                free = slots[empty]
                mine = representatives[pending[empty]]
                self._slot_heads[free] = mine
                taking = np.flatnonzero(empty)[self._slot_heads[free] == mine]
                self._distinct += len(taking)
                fresh[pending[taking]] = True
                hit[taking] = True
            slots_of[pending[hit]] = slots[hit]
            going_on = ~hit
            slots = np.where(empty, slots, slots + 1)[going_on]
            pending = pending[going_on]
            slots[slots == size] = 0
        for at, slot in zip(pending.tolist(), slots.tolist()):
            key = keys[at]
            while (head := self._slot_heads[slot]) >= 0 and self._entry_keys[head] != key:
                slot = slot + 1 if slot + 1 < size else 0
            if head < 0:
                self._slot_heads[slot] = representatives[at]
                self._distinct += 1
                fresh[at] = True
            else:
                old_heads[at] = head
            slots_of[at] = slot
        return slots_of, old_heads, fresh

    def _reserve_slots(self, new_keys: int) -> None:
        if self._distinct + new_keys <= _MAX_LOAD * len(self._slot_heads):
            return
        size = len(self._slot_heads)
        while self._distinct + new_keys > _MAX_LOAD * size:
            size *= 2
        heads = self._slot_heads[self._slot_heads >= 0]
        self._slot_heads = np.full(size, -1, dtype=np.int32)
        self._distinct = 0
        # In parts: probing makes several arrays of 8 bytes a key, which for all of a million
        # versions' keys at once took the process past 2 GB (bench.family_bench).
        for start in range(0, len(heads), _REHASH_PART):
            part = heads[start:start + _REHASH_PART]
            slots, _, _ = self._claim(self._entry_keys[part], part)
            self._slot_heads[slots] = part

    def _reserve_entries(self, count: int) -> None:
        needed = self._entries + count
        if needed <= len(self._entry_ids):
            return
        size = max(needed, len(self._entry_ids) * 3 // 2)
        for entries in (self._entry_keys, self._entry_ids, self._entry_next):
            # In place (realloc, which for large arrays remaps pages rather than copying):
            # a copy would hold the old and the new array at once. The arrays are never
            # viewed elsewhere, hence refcheck=False.
            entries.resize(size, refcheck=False)


