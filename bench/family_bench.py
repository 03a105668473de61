"""Benchmark: near-duplicate fingerprinting and the persisted LSH index at scale, against datasketch.

Run:  .venv/bin/python -m bench.family_bench [--sizes 10000 100000] [--datasketch-sample 2000] [--db URL]

Times are the process's CPU time (`time.process_time`), one core's work:
on the shared development machine the wall clock also counts the time other
engineers' processes held the cores, which is not what this measures; the
wall time of each run is printed beside it.

For each size N it makes N synthetic notices of about 1,500 characters
(words drawn from a vocabulary of Chinese words, one in ten a repost of an
earlier one with a dateline added and its end trimmed), then measures per
document, on one core:

- normalise: `comparison_form` (NFKC, simplified script, letters and digits);
- fingerprint: `form_signature` (numpy n-gram hashes, rensa MinHash);
- index: what the store does per version in `storage.families`: its band
  keys, the candidate lookup (an indexed IN over ``family_bands``, joined to
  the candidates' signatures), verifying each candidate, and inserting the
  signature and its 32 band rows, committed every 1,000 documents. The store
  is a SQLite file (or ``--db``), with only the two index tables;
- fingerprint + index together (the target: 100,000 documents/s once texts
  are normalised), the peak memory of the process, and the store's size;
- datasketch on the first `--datasketch-sample` documents of the same texts:
  `MinHash.update_batch` over the same 5-grams (its documented use), and
  `MinHashLSH` insert + query of those signatures in memory, with the ratio
  of rensa's fingerprint rate to datasketch's.

1,000,000 documents: ``--sizes 1000000``; expect about ten times the 100k
run's time and disk (the SQLite file grows linearly, about 1 KB a document).
Writes bench/results/family_bench.json.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import psutil
from sqlalchemy import create_engine

from pipeline.near_duplicates import PERMUTATIONS, SHINGLE_SIZE, comparison_form, form_signature
from storage.families import FAMILY_SIMILARITY, add_to_index, band_keys, similar_versions
from storage.models import FamilyBand, FamilySignature

RESULTS = Path(__file__).parent / "results" / "family_bench.json"
_COMMIT_EVERY = 1000
_TEXT_CHARS = 1500
_REPOST_SHARE = 0.1


def synthetic_notices(count: int, seed: int = 7):
    """`count` notices of about 1,500 characters; one in ten reposts an earlier one (dateline, trimmed end)."""
    rng = random.Random(seed)
    common = [chr(code) for code in range(0x4E00, 0x4E00 + 3500)]
    vocabulary = ["".join(rng.choices(common, k=rng.choice((2, 2, 2, 3, 4)))) for _ in range(8000)]
    kept: list[str] = []
    for number in range(count):
        if kept and rng.random() < _REPOST_SHARE:
            original = rng.choice(kept)
            yield f"新华社临江{number % 12 + 1}月{number % 28 + 1}日电　" + original[: -rng.randint(20, 120)]
            continue
        parts, size = [], 0
        while size < _TEXT_CHARS:
            word = rng.choice(vocabulary)
            parts.append(word)
            size += len(word)
            if rng.random() < 0.08:
                parts.append(rng.choice("，。；："))
            if rng.random() < 0.01:
                parts.append("\n")
        text = "".join(parts)
        if len(kept) < 5000:  # reposts draw from the first notices: the share is what matters
            kept.append(text)
        yield text


class BandIndex:
    """The store's two index tables on their own, worked by `storage.families` as `assign_family` works them."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        for table in (FamilySignature.__table__, FamilyBand.__table__):
            table.create(self.engine, checkfirst=True)

    @staticmethod
    def add_and_query(connection, version_id: int, signature: bytes) -> int | None:
        """The most similar indexed version at or above the threshold (or None); then index this one."""
        keys = band_keys(signature)
        similar = similar_versions(connection, keys, signature)
        add_to_index(connection, version_id, signature, keys)
        return similar[0][1] if similar else None


def _rss_mib() -> float:
    return psutil.Process().memory_info().rss / 2**20


def run_size(count: int, db_url: str | None, workdir: Path) -> dict:
    url = db_url or f"sqlite:///{workdir / f'index-{count}.db'}"
    index = BandIndex(url)
    timings = {"normalise": 0.0, "fingerprint": 0.0, "index": 0.0}
    found = 0
    peak = _rss_mib()
    connection = index.engine.connect()
    transaction = connection.begin()
    for version_id, text in enumerate(synthetic_notices(count), start=1):
        started = time.process_time()
        form = comparison_form(text)
        normalised = time.process_time()
        signature = form_signature(form)
        fingerprinted = time.process_time()
        if index.add_and_query(connection, version_id, signature) is not None:
            found += 1
        if version_id % _COMMIT_EVERY == 0:
            transaction.commit()
            transaction = connection.begin()
            peak = max(peak, _rss_mib())
        indexed = time.process_time()
        timings["normalise"] += normalised - started
        timings["fingerprint"] += fingerprinted - normalised
        timings["index"] += indexed - fingerprinted
    transaction.commit()
    connection.close()
    index.engine.dispose()
    peak = max(peak, _rss_mib())
    size = (workdir / f"index-{count}.db").stat().st_size if db_url is None else None
    rates = {f"{stage}_docs_per_second": count / seconds for stage, seconds in timings.items()}
    both = timings["fingerprint"] + timings["index"]
    return {
        "documents": count, **rates,
        "fingerprint_and_index_docs_per_second": count / both,
        "reposts_found": found, "reposts_made_about": round(count * _REPOST_SHARE),
        "peak_rss_mib": peak, "store_bytes": size,
    }


def run_datasketch(sample: int) -> dict:
    """datasketch and rensa on the same first `sample` notices, fingerprint and in-memory LSH."""
    from datasketch import MinHash, MinHashLSH

    forms = [comparison_form(text) for text in synthetic_notices(sample)]
    started = time.process_time()
    ours = [form_signature(form) for form in forms]
    rensa_seconds = time.process_time() - started

    started = time.process_time()
    theirs = []
    for form in forms:
        minhash = MinHash(num_perm=PERMUTATIONS)
        minhash.update_batch([form[i:i + SHINGLE_SIZE].encode("utf-8") for i in range(len(form) - SHINGLE_SIZE + 1)])
        theirs.append(minhash)
    datasketch_seconds = time.process_time() - started

    started = time.process_time()
    lsh = MinHashLSH(threshold=FAMILY_SIMILARITY, num_perm=PERMUTATIONS)
    for key, minhash in enumerate(theirs):
        lsh.query(minhash)
        lsh.insert(key, minhash)
    datasketch_lsh_seconds = time.process_time() - started
    return {
        "documents": sample,
        "rensa_fingerprint_docs_per_second": sample / rensa_seconds,
        "datasketch_fingerprint_docs_per_second": sample / datasketch_seconds,
        "fingerprint_ratio_rensa_to_datasketch": datasketch_seconds / rensa_seconds,
        "datasketch_lsh_in_memory_docs_per_second": sample / datasketch_lsh_seconds,
        "datasketch_fingerprint_and_lsh_docs_per_second": sample / (datasketch_seconds + datasketch_lsh_seconds),
        "signatures": len(ours),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--datasketch-sample", type=int, default=2000)
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database for the index (default: a SQLite file)")
    args = parser.parse_args()
    comparison_form("預熱")  # OpenCC's table is built once per process; keep it out of the clock
    results: dict = {"sizes": []}
    baseline = run_datasketch(args.datasketch_sample)
    results["datasketch"] = baseline
    print(f"{baseline['documents']} notices, fingerprint: rensa {baseline['rensa_fingerprint_docs_per_second']:,.0f} docs/s, "
          f"datasketch {baseline['datasketch_fingerprint_docs_per_second']:,.0f} docs/s: "
          f"rensa {baseline['fingerprint_ratio_rensa_to_datasketch']:.1f}x; datasketch MinHashLSH in memory "
          f"{baseline['datasketch_lsh_in_memory_docs_per_second']:,.0f} docs/s (insert + query), with its "
          f"fingerprint {baseline['datasketch_fingerprint_and_lsh_docs_per_second']:,.0f} docs/s", flush=True)
    with tempfile.TemporaryDirectory(prefix="dangan-family-bench-") as tmp:
        for count in args.sizes:
            wall = time.perf_counter()
            row = run_size(count, args.db, Path(tmp))
            row["wall_seconds"] = time.perf_counter() - wall
            results["sizes"].append(row)
            ratio = row["fingerprint_and_index_docs_per_second"] / baseline["datasketch_fingerprint_and_lsh_docs_per_second"]
            row["ratio_to_datasketch_fingerprint_and_lsh"] = ratio
            store = f", store {row['store_bytes'] / 2**20:,.0f} MiB" if row["store_bytes"] else ""
            print(f"{count:>9,} notices: normalise {row['normalise_docs_per_second']:,.0f}/s, fingerprint "
                  f"{row['fingerprint_docs_per_second']:,.0f}/s, index (query + insert) {row['index_docs_per_second']:,.0f}/s; "
                  f"fingerprint + index {row['fingerprint_and_index_docs_per_second']:,.0f}/s "
                  f"({ratio:.1f}x datasketch's fingerprint + in-memory LSH); peak memory {row['peak_rss_mib']:,.0f} MiB"
                  f"{store}; reposts found {row['reposts_found']:,} of about {row['reposts_made_about']:,}; "
                  f"{row['wall_seconds']:,.0f} s of wall time", flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
