"""The labelled pairs: every repost kind is found, no two notices of one template are merged."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import rensa

from pipeline.extract.script_variants import fold_to_simplified
from pipeline.near_duplicates import (
    PERMUTATIONS,
    SEED,
    SHINGLE_SIZE,
    comparison_form,
    form_signature,
    form_signatures,
    shingle_jaccard,
    signature_similarity,
    text_signature,
)
from storage.families import FAMILY_SIMILARITY, band_keys, signature_agreement
from tests.family_pairs import NOTICES, REPOST_EDITS, labelled_pairs, seed_texts

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_every_repost_edit_of_every_notice_stays_in_the_family() -> None:
    for name, text in NOTICES.items():
        for edit_name, edit in REPOST_EDITS.items():
            similarity = signature_similarity(text_signature(text), text_signature(edit(text)))
            assert similarity >= FAMILY_SIMILARITY, f"{name}, {edit_name}: {similarity}"


def test_no_two_notices_of_one_template_are_one_family() -> None:
    for pair in labelled_pairs():
        if not pair.same_family:
            similarity = signature_similarity(text_signature(pair.left), text_signature(pair.right))
            assert similarity < FAMILY_SIMILARITY, f"{pair.kind}: {similarity}\n{pair.left[:40]}\n{pair.right[:40]}"


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed pages are not at {SEEDS}")
def test_the_seed_pages_and_their_reposts_are_told_apart() -> None:
    seeds = seed_texts(SEEDS)
    pairs = [pair for pair in labelled_pairs(seeds) if pair.left in seeds.values()]
    assert len(pairs) > 2 * len(seeds)
    for pair in pairs:
        similarity = signature_similarity(text_signature(pair.left), text_signature(pair.right))
        assert (similarity >= FAMILY_SIMILARITY) == pair.same_family, f"{pair.kind}: {similarity}"


def test_the_estimate_stays_near_the_exact_similarity() -> None:
    for pair in labelled_pairs():
        estimate = signature_similarity(text_signature(pair.left), text_signature(pair.right))
        # 128 values: the standard error is at most 0.044.
        assert abs(estimate - shingle_jaccard(pair.left, pair.right)) < 0.15


def test_traditional_script_and_full_width_forms_compare_equal() -> None:
    assert comparison_form("關於２０２４年度黨內統計工作的通知（ＡＢＣ）") == comparison_form("关于2024年度党内统计工作的通知(abc)")


def test_the_store_reads_the_signatures_the_pipeline_makes() -> None:
    # storage.families and pipeline.near_duplicates compare alike and band every signature.
    a, b = text_signature(NOTICES["flood-duty"]), text_signature(REPOST_EDITS["dateline"](NOTICES["flood-duty"]))
    assert signature_agreement(a, b) == signature_similarity(a, b)
    assert len(band_keys(a)) == 32 and set(band_keys(a)) & set(band_keys(b))


def _plain_comparison_form(text: str) -> str:
    """The comparison form read straight from its definition: NFKC, fold, lower case, words only."""
    return re.sub(r"[\W_]+", "", fold_to_simplified(unicodedata.normalize("NFKC", text)).lower())


@pytest.mark.parametrize("text", [
    "關於做好２０２４年 Spring 工作的通知！（第一批）：　各縣、區",  # full-width forms and U+3000
    "㈠ 總則™ ℃ ①②",  # NFKC turns symbols into letters and digits
    "\uf900\uf9a8\U0002f800 豈",  # compatibility ideographs, which NFKC may make traditional
    "ｶﾞｷﾞ ＡＢＣ\u0301 e\u0301",  # half-width kana and combining marks that compose
    "薴苧苎",  # a character whose simplified form is itself folded further
    "",
])
def test_the_comparison_form_is_its_definition(text: str) -> None:
    assert comparison_form(text) == _plain_comparison_form(text)


def test_the_comparison_form_of_every_labelled_text_is_its_definition() -> None:
    texts = {text for pair in labelled_pairs() for text in (pair.left, pair.right)}
    assert texts
    for text in texts:
        assert comparison_form(text) == _plain_comparison_form(text), text[:40]


def _plain_signature(form: str) -> bytes | None:
    """A signature read straight from its definition: each 5-gram's polynomial hash in Python ints,
    the set of them to rensa, one form at a time."""
    points = [ord(character) for character in form]
    if not points:
        return None
    points += [0] * (SHINGLE_SIZE - len(points))  # a form shorter than a shingle is one, padded
    multipliers = [pow(1_000_003, SHINGLE_SIZE - 1 - k, 2**64) for k in range(SHINGLE_SIZE)]
    hashes = sorted({sum(p * m for p, m in zip(points[i:i + SHINGLE_SIZE], multipliers)) % 2**64
                     for i in range(len(points) - SHINGLE_SIZE + 1)})
    digest = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        np.array(hashes, dtype=np.uint64), [0, len(hashes)], PERMUTATIONS, SEED)
    return np.array(digest.to_rows()[0], dtype=np.uint32).tobytes()


def test_batched_signatures_are_the_definition_form_by_form() -> None:
    # Stored signatures are compared across runs and with pages recorded one at a time: the
    # batch (forms hashed as one string, the n-grams across their boundaries left out) must
    # give every form the bytes its definition gives, whatever stands beside it.
    forms = [comparison_form(text) for text in NOTICES.values()]
    forms[1:1] = ["", "现将", "abcd", "abcde", "", "", "一二三四五六"]  # empty, shorter than, and one shingle
    forms.append("")
    batch_sizes = (1, 3, len(forms))
    for size in batch_sizes:
        for start in range(0, len(forms), size):
            matrix, signed = form_signatures(forms[start:start + size])
            for row, form in enumerate(forms[start:start + size]):
                expected = _plain_signature(form)
                assert bool(signed[row]) == (expected is not None), (size, form)
                if expected is not None:
                    assert matrix[row].tobytes() == expected == form_signature(form), (size, form)
