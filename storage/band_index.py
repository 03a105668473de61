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
- A hash table answers a key in one or two steps. Numpy does the steps for
  a whole batch of keys at once, so Python's cost is paid per batch, not per key.

The table chains its entries: entries are (key, version id, the next entry
of the same slot), and each slot points at its newest entry, so every entry
whose key falls in a slot is found by following that chain and keeping the
entries with the key asked for. An open-addressing table (probing for a free
slot, one chain per key: the design before this one) spent most of a batch's
time in its probing rounds and in sorting the batch's entries by slot, about
16 µs a version; a new entry here is one write at the head of its slot, and
finding the versions recorded before a new one is part of adding it
(`add_and_find_earlier`). The table doubles when it holds more entries than
slots, so a chain holds one or two entries on average. Memory: 16 bytes an
entry and 4 to 8 bytes a slot per entry, about 0.7 GB for a million
versions of 32 keys.

Not thread-safe by itself: `storage.families` holds a lock around it.
"""

from __future__ import annotations

import numpy as np

# Entries per slot beyond which the table doubles.
_MAX_LOAD = 1.0
_INITIAL_SLOTS = 1 << 12
# Entries linked at once when the table grows: linking makes arrays of 8 bytes
# an entry, which for all of a million versions' keys at once would be 256 MB more.
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
        # A slot holds the newest entry whose key falls in it (-1: none).
        self._slot_heads = np.full(_INITIAL_SLOTS, -1, dtype=np.int32)
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
        self._insert(version_ids, np.atleast_2d(np.asarray(keys, dtype=np.int64)))

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every indexed version sharing a key with each row of `keys`: (row numbers, version ids),
        one pair per distinct (row, version), ordered by row then id."""
        keys = np.atleast_2d(np.asarray(keys, dtype=np.int64))
        flat = keys.ravel()
        return self._walk(flat, self._slot_heads[self._slot_of(flat)], np.arange(len(flat)) // max(keys.shape[1], 1),
                          None)

    def add_and_find_earlier(self, version_ids: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`add`, and answer as `lookup` would, keeping only versions below each row's own id: those
        indexed before and those earlier in this batch.

        One pass where `add` then `lookup` would hash every key twice.

        >>> index = BandIndex()
        >>> index.add(np.array([3]), np.array([[5, 6]]))
        >>> rows, ids = index.add_and_find_earlier(np.array([7, 8]), np.array([[6, 9], [9, 5]]))
        >>> sorted(zip(rows.tolist(), ids.tolist()))
        [(0, 3), (1, 3), (1, 7)]
        """
        keys = np.atleast_2d(np.asarray(keys, dtype=np.int64))
        first = self._entries
        flat = self._insert(version_ids, keys)
        width = max(keys.shape[1], 1)
        # A chain is newest first. An entry still at the head of its slot has every
        # other entry of the slot after it; one with entries of this batch put before
        # it is looked at from the head, past its own entry (which no id is below).
        entries = np.arange(first, first + len(flat), dtype=np.int32)
        heads = self._slot_heads[self._slot_of(flat)]
        starts = np.where(heads == entries, self._entry_next[entries], heads)
        return self._walk(flat, starts, np.arange(len(flat)) // width,
                          np.repeat(np.asarray(version_ids, dtype=np.int64), width))

    # -- the hash table -------------------------------------------------------------

    def _slot_of(self, keys: np.ndarray) -> np.ndarray:
        # Band keys are already well mixed (storage.families.band_key_matrix): their low bits are the slot.
        return keys & (len(self._slot_heads) - 1)

    def _insert(self, version_ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Append the entries of `keys` (versions × bands) and link them; return the keys, flat."""
        flat = keys.ravel()
        if not len(flat):
            return flat
        first = self._entries
        self._reserve_entries(len(flat))
        self._entry_keys[first:first + len(flat)] = flat
        self._entry_ids[first:first + len(flat)] = np.repeat(np.asarray(version_ids, dtype=np.int32), keys.shape[1])
        self._entries += len(flat)
        if self._entries > _MAX_LOAD * len(self._slot_heads):
            self._grow()
        else:
            self._link(first, self._entries)
        return flat

    def _link(self, start: int, stop: int) -> None:
        """Put entries start..stop-1 each at the head of its slot's chain.

        Entries of one slot in this call take turns: in each round every
        slot takes one of its entries (whichever numpy's write leaves there),
        chained to the head before it, and the others wait for the next round.
        """
        entries = np.arange(start, stop, dtype=np.int32)
        slots = self._slot_of(self._entry_keys[start:stop])
        while len(entries):
            # Every waiting entry is chained to its slot's head; one that is not placed
            # now is chained again in the round that places it.
            self._entry_next[entries] = self._slot_heads[slots]
            self._slot_heads[slots] = entries
            waiting = np.flatnonzero(self._slot_heads[slots] != entries)
            entries, slots = entries[waiting], slots[waiting]

    def _walk(self, keys: np.ndarray, entries: np.ndarray, rows: np.ndarray,
              below: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Follow each key's chain from entries[i] (-1: none), one step per round for every key at once;
        return the distinct (rows[i], version id) of the entries holding keys[i] (with an id below below[i])."""
        asking = np.flatnonzero(entries >= 0)
        entries = entries[asking]
        hit_rows, hit_ids = [], []
        while len(entries):
            ids = self._entry_ids[entries]
            match = self._entry_keys[entries] == keys[asking]
            if below is not None:
                match &= ids < below[asking]
            if match.any():
                hit_rows.append(rows[asking[match]])
                hit_ids.append(ids[match])
            entries = self._entry_next[entries]
            going_on = entries >= 0
            entries, asking = entries[going_on], asking[going_on]
        if not hit_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # One int64 per (row, id) pair, so that one 1-D unique both sorts and dedupes them.
        pairs = np.unique(np.concatenate(hit_rows).astype(np.int64) << 32 | np.concatenate(hit_ids).astype(np.int64))
        return pairs >> 32, pairs & 0xFFFFFFFF

    def _grow(self) -> None:
        """Double the slots until the entries fit, and link every entry again."""
        size = len(self._slot_heads)
        while self._entries > _MAX_LOAD * size:
            size *= 2
        self._slot_heads = np.empty(0, dtype=np.int32)  # the old table freed before the new one is made
        self._slot_heads = np.full(size, -1, dtype=np.int32)
        for start in range(0, self._entries, _REHASH_PART):
            self._link(start, min(start + _REHASH_PART, self._entries))

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
