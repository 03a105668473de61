"""The in-memory band index (storage.band_index) and the bulk lookup over it (storage.families.copies_in_batch)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine

from core.errors import StoreError
from pipeline.near_duplicates import comparison_form, form_signatures
from storage import band_index
from storage.band_index import BandIndex
from storage.families import copies_in_batch
from storage.models import FamilySignature
from tests.family_pairs import NOTICES, REPOST_EDITS


@pytest.mark.parametrize("rehash_part", [1 << 20, 100])
def test_lookups_answer_as_a_dictionary_of_sets_would_through_growth_and_shared_keys(
    rehash_part: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Keys from a narrow range, so that many versions share keys, within a batch and across
    # batches, and the table grows (rehashes) several times along the way, its keys moved
    # at once or (as for a million versions) in parts.
    monkeypatch.setattr(band_index, "_REHASH_PART", rehash_part)
    rng = np.random.default_rng(7)
    index, expected = BandIndex(), defaultdict(set)
    next_id = 1
    for batch in range(200):
        queries = rng.integers(-40_000, 40_000, size=(6, 4))
        queries[0, 0] = 0  # zero is a key like any other
        rows, ids = index.lookup(queries)
        found = set(zip(rows.tolist(), ids.tolist()))
        assert found == {(row, version) for row in range(len(queries)) for key in queries[row].tolist()
                         for version in expected[key]}, f"batch {batch}"
        count = int(rng.integers(1, 60))
        keys = rng.integers(-40_000, 40_000, size=(count, 4))
        if batch % 5 == 0:
            keys[-1] = keys[0]  # two versions of one batch with the same keys
        version_ids = np.arange(next_id, next_id + count)
        next_id += count
        index.add(version_ids, keys)
        for version_id, row in zip(version_ids.tolist(), keys.tolist()):
            for key in row:
                expected[key].add(version_id)
    assert len(index) == (next_id - 1) * 4
    assert index.nbytes < 32 * len(index)  # 16 bytes an entry, 4 to 8 a slot per entry, growth slack


@pytest.mark.parametrize("rehash_part", [1 << 20, 100])
def test_adding_a_batch_finds_the_versions_before_each_of_its_rows_as_a_dictionary_of_sets_would(
    rehash_part: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Keys shared within a batch and across batches, and growth in the middle of a batch's add:
    # each row must get exactly the versions with a lower id that share one of its keys.
    monkeypatch.setattr(band_index, "_REHASH_PART", rehash_part)
    rng = np.random.default_rng(11)
    index, expected = BandIndex(), defaultdict(set)
    next_id = 1
    for batch in range(150):
        count = int(rng.integers(1, 80))
        keys = rng.integers(-30_000, 30_000, size=(count, 4))
        if batch % 4 == 0:
            keys[-1] = keys[0]  # a later row of the batch with an earlier row's keys
        version_ids = np.arange(next_id, next_id + count)
        next_id += count
        rows, ids = index.add_and_find_earlier(version_ids, keys)
        wanted = set()
        for row, (version_id, row_keys) in enumerate(zip(version_ids.tolist(), keys.tolist())):
            wanted |= {(row, other) for key in row_keys for other in expected[key]}
            for key in row_keys:
                expected[key].add(version_id)
        assert set(zip(rows.tolist(), ids.tolist())) == wanted, f"batch {batch}"
        assert len(rows) == len(wanted)  # each (row, version) once
    assert len(index) == (next_id - 1) * 4


def test_a_batch_finds_each_repost_of_an_earlier_notice_and_no_template_sibling(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'index.db'}")
    FamilySignature.__table__.create(engine)
    notices = list(NOTICES.values())
    reposts = [edit(notice) for notice in notices for edit in REPOST_EDITS.values()]
    index = BandIndex()
    with engine.begin() as connection:
        # The originals in one batch (stored, then read back as candidates), the reposts in the next.
        matrix, _ = form_signatures([comparison_form(notice) for notice in notices])
        originals = np.arange(1, len(notices) + 1)
        assert copies_in_batch(connection, index, originals, matrix) == [None] * len(notices)
        matrix, _ = form_signatures([comparison_form(repost) for repost in reposts])
        repost_ids = np.arange(100, 100 + len(reposts))
        found = copies_in_batch(connection, index, repost_ids, matrix)
    engine.dispose()
    # Each repost's closest earlier copy is its notice's original or another repost of the
    # same notice (reposts of one notice are often closer to each other), never another notice.
    notice_of = {int(version_id): number for number, version_id in enumerate(originals)}
    notice_of |= {int(version_id): number // len(REPOST_EDITS) for number, version_id in enumerate(repost_ids)}
    assert None not in found
    assert [notice_of[copy] for copy in found] == [number for number in range(len(notices)) for _ in REPOST_EDITS]
    assert all(copy < version_id for copy, version_id in zip(found, repost_ids.tolist()))


def test_a_copy_later_in_the_same_batch_finds_the_earlier_one(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'index.db'}")
    FamilySignature.__table__.create(engine)
    notice = NOTICES["flood-duty"]
    texts = [notice, NOTICES["cadre-training"], REPOST_EDITS["dateline"](notice), REPOST_EDITS["traditional script"](notice)]
    with engine.begin() as connection:
        matrix, _ = form_signatures([comparison_form(text) for text in texts])
        found = copies_in_batch(connection, BandIndex(), np.array([5, 6, 7, 8]), matrix)
    engine.dispose()
    assert found[:3] == [None, None, 5] and found[3] in (5, 7)


def test_candidates_stored_with_other_settings_are_refused_with_the_command_that_remakes_them(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'index.db'}")
    FamilySignature.__table__.create(engine)
    notice = NOTICES["flood-duty"]
    matrix, _ = form_signatures([comparison_form(notice), comparison_form(REPOST_EDITS["dateline"](notice))])
    index = BandIndex()
    with engine.begin() as connection:
        copies_in_batch(connection, index, np.array([1]), matrix[:1])
        # The stored signature cut to 64 values, as a store fingerprinted with other settings would hold it.
        connection.exec_driver_sql("UPDATE family_signatures SET signature = substr(signature, 1, 256)")
        with pytest.raises(StoreError, match="dangan reprocess"):
            copies_in_batch(connection, index, np.array([2]), matrix[1:])
    engine.dispose()


def test_a_candidate_whose_signature_row_is_gone_is_passed_over(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'index.db'}")
    FamilySignature.__table__.create(engine)
    notice = NOTICES["flood-duty"]
    matrix, _ = form_signatures([comparison_form(notice), comparison_form(notice), comparison_form(notice)])
    index = BandIndex()
    with engine.begin() as connection:
        copies_in_batch(connection, index, np.array([1, 2]), matrix[:2])
        connection.exec_driver_sql("DELETE FROM family_signatures WHERE version_id = 1")
        assert copies_in_batch(connection, index, np.array([3]), matrix[2:]) == [2]
    engine.dispose()
