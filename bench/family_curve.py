"""Benchmark: precision and recall of near-duplicate families on the labelled pairs, around the threshold.

Run:  .venv/bin/python -m bench.family_curve

The pairs are tests/family_pairs.py's (our own notices with every repost
edit, and notices of one office that share their template), plus the seed
pages in ../shared/seeds when they are there. For each threshold it prints
how many same-family pairs reach it (recall) and how many pairs that reach
it are one family (precision), by the signatures' estimate (what the store
decides with) and by the exact Jaccard similarity; then the weakest repost of
each kind and the closest pair of different notices. Writes
bench/results/family_curve.json.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from pipeline.near_duplicates import shingle_jaccard, signature_similarity, text_signature
from storage.families import FAMILY_SIMILARITY
from tests.family_pairs import labelled_pairs, seed_texts

RESULTS = Path(__file__).parent / "results" / "family_curve.json"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
THRESHOLDS = [round(0.1 * step, 2) for step in range(1, 10)] + [0.45, 0.55]


def precision_recall(scored: list[tuple[float, bool]], threshold: float) -> tuple[float, float]:
    """Precision and recall of "same family" when a pair is called one at `threshold` or above."""
    called = [same for score, same in scored if score >= threshold]
    positives = sum(1 for _, same in scored if same)
    true = sum(called)
    precision = true / len(called) if called else 1.0
    recall = true / positives if positives else 1.0
    return precision, recall


def main() -> None:
    seeds = seed_texts(SEEDS)
    pairs = labelled_pairs(seeds)
    estimated, exact = [], []
    weakest: dict[str, float] = defaultdict(lambda: 1.0)
    closest: dict[str, float] = defaultdict(float)
    for pair in pairs:
        estimate = signature_similarity(text_signature(pair.left), text_signature(pair.right))
        estimated.append((estimate, pair.same_family))
        exact.append((shingle_jaccard(pair.left, pair.right), pair.same_family))
        if pair.same_family:
            weakest[pair.kind] = min(weakest[pair.kind], estimate)
        else:
            closest[pair.kind] = max(closest[pair.kind], estimate)
    positives = sum(1 for pair in pairs if pair.same_family)
    print(f"{len(pairs)} labelled pairs: {positives} same family, {len(pairs) - positives} different "
          f"({len(seeds)} seed pages {'read from ' + str(SEEDS) if seeds else 'absent'})")
    print(f"{'threshold':>9}  {'precision':>9} {'recall':>7}  {'(exact Jaccard)':>16}")
    curve = []
    for threshold in sorted(THRESHOLDS):
        p, r = precision_recall(estimated, threshold)
        pe, re_ = precision_recall(exact, threshold)
        chosen = "  <- chosen" if threshold == FAMILY_SIMILARITY else ""
        print(f"{threshold:>9.2f}  {p:>9.3f} {r:>7.3f}  {pe:>8.3f} {re_:>7.3f}{chosen}")
        curve.append({"threshold": threshold, "precision": p, "recall": r, "precision_exact": pe, "recall_exact": re_})
    print("weakest same-family pair of each kind (signature estimate):")
    for kind, score in sorted(weakest.items(), key=lambda item: item[1]):
        print(f"  {score:.3f}  {kind}")
    print("closest pair of different texts:")
    for kind, score in sorted(closest.items(), key=lambda item: -item[1]):
        print(f"  {score:.3f}  {kind}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "pairs": len(pairs), "same_family": positives, "threshold": FAMILY_SIMILARITY, "curve": curve,
        "weakest_same_family": dict(weakest), "closest_different": dict(closest),
    }, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
