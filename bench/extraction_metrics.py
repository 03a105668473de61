"""How close an extracted text is to the expected one: character-bigram P/R/F1.

Both texts are NFKC-normalised and stripped of all whitespace first, so the
score judges which characters came out and in what order, not line breaks.
Bigrams are counted as a multiset, so a paragraph kept twice costs precision.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class BigramScore:
    precision: float
    recall: float
    f1: float


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _bigrams(text: str) -> Counter[str]:
    squashed = _squash(text)
    if len(squashed) == 1:
        return Counter([squashed])
    return Counter(squashed[i : i + 2] for i in range(len(squashed) - 1))


def bigram_score(extracted: str | None, expected: str) -> BigramScore:
    """Score `extracted` against `expected`.

    >>> bigram_score("各县委组织部：", "各县委组织部：").f1
    1.0
    """
    got, want = _bigrams(extracted or ""), _bigrams(expected)
    if not got and not want:
        return BigramScore(1.0, 1.0, 1.0)
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BigramScore(precision, recall, f1)


def squash_for_search(text: str) -> str:
    """The form in which leaked-boilerplate snippets are looked for in a text."""
    return _squash(text)
