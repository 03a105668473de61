"""Benchmark: rensa's sketches compared for families, by speed and by the labelled pairs' precision and recall.

Run:  .venv/bin/python -m bench.family_sketches [--documents 3000]

The same 5-gram hashes (`pipeline.near_duplicates.shingle_hash_batch`) go to
each sketch rensa offers, 128 values each, at the seed the store uses:

- RMinHash (what `pipeline.near_duplicates` uses), from the flat hash buffer;
- RMinHash's "rho" sketch (one permutation, densified), from the same buffer;
- CMinHash (circulant permutations), which takes only iterables of ints.

For each it prints the CPU microseconds per synthetic notice of about 1,500
characters (``bench.family_bench``'s texts), the sketch alone and with
turning its result into an array, and, on the labelled pairs of
``bench.family_curve`` (with the seed pages when present), the precision and
recall at the store's threshold, the weakest same-family pair and the
closest pair of different texts. rensa 0.5 has no OptDensMinHash. Writes
bench/results/family_sketches.json.
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import chain
from pathlib import Path

import numpy as np
import rensa

from bench.family_bench import synthetic_notices
from bench.family_curve import SEEDS, precision_recall
from pipeline.near_duplicates import PERMUTATIONS, SEED, comparison_form, shingle_hash_batch
from storage.families import FAMILY_SIMILARITY
from tests.family_pairs import labelled_pairs, seed_texts

RESULTS = Path(__file__).parent / "results" / "family_sketches.json"
_CHUNK = 32


def _rows(matrix) -> np.ndarray:
    return np.fromiter(chain.from_iterable(matrix.to_rows()), dtype=np.uint32).reshape(-1, PERMUTATIONS)


def rmin(flat: np.ndarray, offsets: np.ndarray):
    return rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets.tolist(), PERMUTATIONS, SEED)


def rho(flat: np.ndarray, offsets: np.ndarray):
    return rensa.RMinHash.digest_matrix_from_flat_token_hashes_rho(flat, offsets.tolist(), PERMUTATIONS, SEED)


def cmin(flat: np.ndarray, offsets: np.ndarray):
    sets = [flat[offsets[i]:offsets[i + 1]].tolist() for i in range(len(offsets) - 1)]
    return rensa.CMinHash.digests64_from_token_hash_sets(sets, PERMUTATIONS, SEED)


SKETCHES = {"RMinHash": (rmin, _rows), "RMinHash rho": (rho, _rows),
            "CMinHash": (cmin, lambda digests: np.asarray(digests, dtype=np.uint64))}


def signatures(sketch: str, forms: list[str]) -> tuple[np.ndarray, float, float]:
    """The sketch's rows for `forms`, with the CPU seconds of the sketch and of the sketch plus its array."""
    make, to_array = SKETCHES[sketch]
    sketch_seconds = total_seconds = 0.0
    parts = []
    for start in range(0, len(forms), _CHUNK):
        flat, offsets = shingle_hash_batch(forms[start:start + _CHUNK])
        started = time.process_time()
        digests = make(flat, offsets)
        sketched = time.process_time()
        parts.append(to_array(digests))
        sketch_seconds += sketched - started
        total_seconds += time.process_time() - started
    return np.concatenate(parts), sketch_seconds, total_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=3000)
    args = parser.parse_args()
    forms = [comparison_form(text) for text in synthetic_notices(args.documents)]
    pairs = labelled_pairs(seed_texts(SEEDS))
    same = np.array([pair.same_family for pair in pairs])
    lefts = [comparison_form(pair.left) for pair in pairs]
    rights = [comparison_form(pair.right) for pair in pairs]
    results = {}
    print(f"{args.documents} notices, {len(pairs)} labelled pairs ({int(same.sum())} same family); threshold {FAMILY_SIMILARITY}")
    for sketch in SKETCHES:
        _, sketch_seconds, total_seconds = signatures(sketch, forms)
        similarity = (signatures(sketch, lefts)[0] == signatures(sketch, rights)[0]).mean(axis=1)
        precision, recall = precision_recall(list(zip(similarity.tolist(), same.tolist())), FAMILY_SIMILARITY)
        row = results[sketch] = {
            "sketch_us_per_document": sketch_seconds / len(forms) * 1e6,
            "with_array_us_per_document": total_seconds / len(forms) * 1e6,
            "precision": precision, "recall": recall,
            "weakest_same_family": float(similarity[same].min()), "closest_different": float(similarity[~same].max()),
        }
        print(f"{sketch:>13}: {row['sketch_us_per_document']:6.1f} µs/doc sketch, {row['with_array_us_per_document']:6.1f} "
              f"with its array; precision {precision:.3f}, recall {recall:.3f}; weakest same-family pair "
              f"{row['weakest_same_family']:.3f}, closest different {row['closest_different']:.3f}", flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
