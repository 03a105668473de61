"""MinHash signatures of article texts: the fingerprint that finds reposts exact hashing misses.

A notice reposted by a county portal, a city portal and the media differs in
ways that change its SHA-256 but not what it says: a header line, an
editor's note, a dateline ("新华社北京3月25日电"), a trimmed signature,
full-width against half-width punctuation, or the whole text in traditional
script. So a repost is found by the overlap of its words, not their identity:

1. `comparison_form`: NFKC (full-width letters and digits become
   half-width), every traditional character folded to its simplified form
   (OpenCC's tables, through `pipeline.extract.script_variants`), Latin
   letters lower-cased, and every character that is not a letter or a digit
   (punctuation, spaces, line breaks, symbols) dropped;
2. the set of its character `SHINGLE_SIZE`-grams, each hashed to 64 bits
   (a polynomial over code points, vectorised with numpy, so no Python
   string is made per n-gram);
3. a MinHash of `PERMUTATIONS` 32-bit values over that set, by rensa's
   RMinHash (measured against datasketch in ``bench.family_bench``: the
   same signatures cost about a seventieth of datasketch's time here).

Many texts at once (`form_signatures`) cost less each than one at a time:
their forms are hashed as one array and rensa takes them as one flat buffer,
so numpy's and rensa's per-call costs are paid once per batch. Measured per
text of 1,500 characters (``bench.family_bench`` prints the split): the
n-gram hashes are numpy's 64-bit multiplies, which no SIMD unit of this
machine does, rensa's MinHash itself about 5 µs, and turning its result
into an array about as much again (rensa hands it over as Python lists).
Of rensa's other sketches, its one-permutation "rho" sketch costs less than
half as much but found only 2 of 7 repost pairs on the labelled set
(``bench.family_sketches``), and CMinHash, as good on the pairs, takes its
input only as Python lists of ints, which costs more than the whole MinHash.

Two signatures agree in a share of their positions that estimates the
Jaccard similarity of the two shingle sets (`storage.families` compares
them and bands them into its persisted LSH index). `shingle_jaccard` is the
exact value, for showing similarity to a person.

The constants are part of every stored signature: changing one makes old and
new signatures incomparable, and means running ``dangan reprocess``.

Example, a repost with a dateline, half-width punctuation and traditional script:
    >>> original = "各县（市、区）委组织部：现将有关事项通知如下。请于三月底前报送材料，逾期不候。"
    >>> repost = "新华社北京3月25日电 各縣(市、區)委組織部:現將有關事項通知如下。請於三月底前報送材料,逾期不候。"
    >>> comparison_form(original)
    '各县市区委组织部现将有关事项通知如下请于三月底前报送材料逾期不候'
    >>> comparison_form(repost).endswith(comparison_form(original))
    True
    >>> round(signature_similarity(text_signature(original), text_signature(repost)), 1) >= 0.6
    True
"""

from __future__ import annotations

import re
import time
import unicodedata
from functools import cache
from itertools import chain

import numpy as np
import rensa

from pipeline.extract.script_variants import fold_to_simplified, folding_table

#: Characters per shingle. Chosen on the labelled pairs (``bench.family_curve``):
#: shorter shingles let two notices of one template share more of their sets.
SHINGLE_SIZE = 5
#: Values in a signature. 128 gives a similarity estimate within about ±0.04
#: of the exact Jaccard, and 32 LSH bands of 4 (see `storage.families`).
PERMUTATIONS = 128
#: rensa's seed: fixed, since stored signatures are compared across runs.
SEED = 0x64616E67

# Forms hashed in one numpy pass by form_signatures: about 50,000 characters, whose
# 64-bit arrays (400 KB each) fit in this machine's cache; per-call costs are
# about a microsecond a form at this size.
_HASH_CHUNK = 32

# Anything that is not a letter or a digit: \W, plus the underscore \w lets through.
_NOT_WORD = re.compile(r"[\W_]+")
# Each n-gram's hash is sum(code point[k] * _MULTIPLIERS[k]) mod 2**64.
_MULTIPLIERS = np.array(
    [pow(1_000_003, SHINGLE_SIZE - 1 - k, 2**64) for k in range(SHINGLE_SIZE)], dtype=np.uint64
)


def comparison_form(text: str) -> str:
    """`text` as reposts are compared: NFKC, simplified script, lower case, letters and digits only.

    >>> comparison_form("關於做好２０２４年 Spring 工作的通知！")
    '关于做好2024年spring工作的通知'
    """
    # NFKC of Chinese text is slow: nearly every line holds a full-width ，or ：,
    # which fails NFKC's quick check, so the whole text went through
    # decomposition and composition (a seventh of a 20 MB page's processing).
    # One translate folds the script and puts each full-width form and the
    # ideographic space as its compatibility decomposition, which leaves the
    # text's NFKC as it was; what comes out usually is NFKC already, and that
    # is then cheap to see. The folded characters are ideographs NFKC leaves
    # alone, so folding before NFKC or after gives the same text. Anything
    # else NFKC would change (a compatibility ideograph, which may become a
    # traditional one, ㈠, ™) takes the plain way.
    narrowed = _fold_and_narrow(text)
    if unicodedata.is_normalized("NFKC", narrowed):
        folded = narrowed
    else:
        folded = fold_to_simplified(unicodedata.normalize("NFKC", text))
    return _NOT_WORD.sub("", folded.lower())


def _fold_and_narrow(text: str) -> str:
    """`text` with every character of `_fold_and_narrow_table` replaced, one for one.

    A lookup in a numpy array of code points rather than `str.translate`,
    which looks each character up in a dict: 160 ns a character, most of
    the comparison form's time on a long text, against about 15.
    """
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _fold_and_narrow_table()
    mapped = np.where(points < len(table), table[np.minimum(points, len(table) - 1)], points)
    return mapped.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


@cache
def _fold_and_narrow_table() -> np.ndarray:
    """Code point → code point: `fold_to_simplified`'s table, and each full-width form and U+3000 as its NFKD.

    Every one of these maps one character to one, so a table of the Basic
    Multilingual Plane holds them all; characters beyond it stay as they are.
    """
    table = np.arange(0x10000, dtype=np.uint32)
    for code, simplified in folding_table().items():
        table[code] = ord(simplified)
    for code in [0x3000, *range(0xFF01, 0xFF5F)]:
        table[code] = ord(unicodedata.normalize("NFKD", chr(code)))
    return table


def shingle_hashes(form: str) -> np.ndarray:
    """The 64-bit hashes of the character n-grams of a comparison form (unsorted, may repeat).

    A form shorter than one shingle is one shingle by itself; an empty form has none.

    >>> len(shingle_hashes("abcdefg")), len(shingle_hashes("abc")), len(shingle_hashes(""))
    (3, 1, 0)
    """
    points = np.frombuffer(form.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) == 0:
        return points
    if len(points) < SHINGLE_SIZE:
        points = np.concatenate([points, np.zeros(SHINGLE_SIZE - len(points), dtype=np.uint64)])
    count = len(points) - SHINGLE_SIZE + 1
    hashes = points[:count] * _MULTIPLIERS[0]
    for k in range(1, SHINGLE_SIZE):
        hashes += points[k:k + count] * _MULTIPLIERS[k]
    return hashes


def shingle_hash_batch(forms: list[str], scratch: WindowScratch | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram hashes of many comparison forms at once: one flat array and each form's offsets into it.

    Form ``i``'s hashes are ``flat[offsets[i]:offsets[i + 1]]``: the set of
    values `shingle_hashes` gives it alone, a few of them twice. The forms are
    hashed as one string, and the n-grams that straddle two forms (up to
    `SHINGLE_SIZE` - 1 before each form) are counted with the form after them
    and given the value of its first n-gram. A MinHash sees a set, so the
    repeats change nothing, and no array is copied to leave them out.

    With `scratch`, the flat array is a view into it, valid until its next use.

    >>> flat, offsets = shingle_hash_batch(["abcdefg", "", "abc"])
    >>> offsets.tolist(), set(flat[offsets[2]:offsets[3]].tolist()) == set(shingle_hashes("abc").tolist())
    ([0, 3, 3, 8], True)
    """
    # A form shorter than one shingle is padded with code point 0, as shingle_hashes pads it.
    padded = [form if len(form) >= SHINGLE_SIZE or not form else form.ljust(SHINGLE_SIZE, "\0") for form in forms]
    if len(padded) == 1:  # a page recorded alone: no boundaries, and numpy's per-call costs are most of its time
        points = np.frombuffer(padded[0].encode("utf-32-le"), dtype=np.uint32)
        if len(points) < SHINGLE_SIZE:
            return np.zeros(0, dtype=np.uint64), np.zeros(2, dtype=np.int64)
        return (scratch or WindowScratch()).window_hashes(points), np.array([0, len(points) - SHINGLE_SIZE + 1])
    lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    windows = int(ends[-1]) - (SHINGLE_SIZE - 1) if len(padded) else 0
    if windows <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(len(padded) + 1, dtype=np.int64)
    points = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32)
    hashes = (scratch or WindowScratch()).window_hashes(points)
    # Window j starts at character j: form i owns the windows from its start to
    # SHINGLE_SIZE - 1 before its end, and takes the straddling ones before its start.
    offsets = np.empty(len(padded) + 1, dtype=np.int64)
    np.maximum(starts - (SHINGLE_SIZE - 1), 0, out=offsets[:-1])
    offsets[-1] = windows
    later = starts[(lengths > 0) & (starts > 0)]  # every form before these has at least SHINGLE_SIZE characters
    firsts = hashes[later]
    for back in range(1, SHINGLE_SIZE):
        hashes[later - back] = firsts
    return hashes, offsets


class WindowScratch:
    """The two uint64 arrays `window_hashes` works in, kept from one batch of forms to the next.

    Why: an array of a few hundred kilobytes made afresh is new memory from
    the kernel each time (glibc maps it, and unmaps it when freed), so every
    pass over it first took a page fault per 4 KB. Hashing 32 forms took
    about 13 µs a form that way and under 3 µs in arrays made once
    (``bench.family_bench --breakdown`` prints the step).
    """

    def __init__(self) -> None:
        self._pairs = np.empty(0, dtype=np.uint64)
        self._hashes = np.empty(0, dtype=np.uint64)

    def window_hashes(self, points: np.ndarray) -> np.ndarray:
        """sum(points[i + k] * _MULTIPLIERS[k]) for every window i (a view into this scratch).

        The multipliers are the powers B**4 .. B**0 of one base B, so with pairs
        q[i] = points[i] * B + points[i + 1] the sum is q[i] * B**3 + q[i + 2] * B + points[i + 4]:
        the same values modulo 2**64, in three multiplies instead of five.
        """
        if len(points) > len(self._pairs):
            self._pairs = np.empty(len(points) * 5 // 4, dtype=np.uint64)
            self._hashes = np.empty(len(points) * 5 // 4, dtype=np.uint64)
        base = _MULTIPLIERS[SHINGLE_SIZE - 2]
        count = len(points) - SHINGLE_SIZE + 1
        pairs, hashes = self._pairs[:len(points) - 1], self._hashes[:count]
        np.multiply(points[:-1], base, out=pairs, casting="unsafe")
        np.add(pairs, points[1:], out=pairs, casting="unsafe")
        np.multiply(pairs[:count], _MULTIPLIERS[1], out=hashes)
        # In place, reading two ahead of each write (numpy buffers the overlap).
        np.multiply(pairs[2:2 + count], base, out=pairs[:count])
        hashes += pairs[:count]
        np.add(hashes, points[SHINGLE_SIZE - 1:], out=hashes, casting="unsafe")
        return hashes


def form_signatures(forms: list[str], timings: dict[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The signatures of many comparison forms at once: a (len(forms), PERMUTATIONS) uint32 matrix,
    and which rows are signatures (False for an empty form, whose row is meaningless).

    Row ``i`` is `form_signature(forms[i])` as an array. The forms are hashed
    `_HASH_CHUNK` at a time in one `WindowScratch`. With `timings`, the CPU
    seconds of each step are added to it (``shingles``, ``minhash``,
    ``to_array``), for ``bench.family_bench``.

    >>> matrix, signed = form_signatures(["现将有关事项通知如下", ""])
    >>> matrix.shape, signed.tolist(), matrix[0].tobytes() == form_signature("现将有关事项通知如下")
    ((2, 128), [True, False], True)
    """
    signed = np.zeros(len(forms), dtype=bool)
    rows: list[list[int]] = []
    spent = {"shingles": 0.0, "minhash": 0.0, "to_array": 0.0}
    clock = time.process_time if timings is not None else _no_clock
    scratch = WindowScratch()
    for start in range(0, len(forms), _HASH_CHUNK):
        started = clock()
        flat, offsets = shingle_hash_batch(forms[start:start + _HASH_CHUNK], scratch)
        signed[start:start + len(offsets) - 1] = offsets[1:] > offsets[:-1]
        hashed = clock()
        digests = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, PERMUTATIONS, SEED)
        signed_at = clock()
        rows.extend(digests.to_rows())
        spent["shingles"] += hashed - started
        spent["minhash"] += signed_at - hashed
        spent["to_array"] += clock() - signed_at
    started = clock()
    # rensa returns its matrix only as lists of ints; fromiter over their chain is the cheapest way in.
    matrix = np.fromiter(chain.from_iterable(rows), dtype=np.uint32, count=len(forms) * PERMUTATIONS)
    spent["to_array"] += clock() - started
    if timings is not None:
        for step, seconds in spent.items():
            timings[step] = timings.get(step, 0.0) + seconds
    return matrix.reshape(len(forms), PERMUTATIONS), signed


def _no_clock() -> float:
    return 0.0


def text_signature(text: str) -> bytes | None:
    """The MinHash signature of `text`'s comparison form: `PERMUTATIONS` uint32 values as bytes.

    None for a text with no letters or digits, which no signature can compare.

    >>> len(text_signature("现将有关事项通知如下")), text_signature("。。。")
    (512, None)
    """
    return form_signature(comparison_form(text))


def form_signature(form: str) -> bytes | None:
    """`text_signature` of an already computed comparison form: `form_signatures` of a batch of one,
    so a page recorded alone and a batch give the same bytes by the same code."""
    matrix, signed = form_signatures([form])
    return matrix[0].tobytes() if signed[0] else None


def signature_similarity(a: bytes, b: bytes) -> float:
    """The share of positions where two signatures agree: an estimate of their texts' Jaccard similarity.

    >>> signature_similarity(text_signature("现将有关事项通知如下"), text_signature("现将有关事项通知如下。"))
    1.0
    """
    left, right = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    if len(left) != len(right):
        raise ValueError(f"signatures of {len(left)} and {len(right)} values cannot be compared")
    return float(np.count_nonzero(left == right)) / len(left)


def shingle_jaccard(a: str, b: str) -> float:
    """The exact Jaccard similarity of two texts' shingle sets, what a signature estimates.

    >>> shingle_jaccard("现将有关事项通知如下", "現將有關事項通知如下！")
    1.0
    >>> shingle_jaccard("", "")
    1.0
    """
    left = set(shingle_hashes(comparison_form(a)).tolist())
    right = set(shingle_hashes(comparison_form(b)).tolist())
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)
