"""Benchmark: near-duplicate fingerprinting and the persisted LSH index at scale, against datasketch.

Run:  .venv/bin/python -m bench.family_bench [--sizes 10000 100000] [--datasketch-sample 2000] [--db URL]

Times are the process's CPU time (`time.process_time`), one core's work:
on the shared development machine the wall clock also counts the time other
engineers' processes held the cores, which is not what this measures; the
wall time of each run is printed beside it.

For each size N it makes N synthetic notices of about 1,500 characters
(words drawn from a vocabulary of Chinese words, one in ten a repost of an
earlier one with a dateline added and its end trimmed), then measures per
document, on one core, in batches of `--batch` documents:

- normalise: `comparison_form` (NFKC, simplified script, letters and digits);
- fingerprint: `form_signatures` (numpy n-gram hashes, rensa MinHash, its
  result turned into an array), each step timed;
- index: `storage.families.copies_in_batch`, what a bulk path does: band
  keys, adding them to the in-memory index (`storage.band_index`) and
  finding the earlier versions sharing one in the same pass, verifying those
  candidates (signatures of earlier batches read from the store), and
  inserting one ``family_signatures`` row per document, committed every
  1,000 documents. The store is a SQLite file (or ``--db``), with only
  that table;
- fingerprint + index together (the target: 100,000 documents/s once texts
  are normalised), with the microseconds per document of every step, the
  peak memory of the process, the index's own arrays, and the store's size;
- the first design on the same texts (`--first-design`, 10,000 documents by
  default): per document, 32 rows in an indexed ``family_bands`` table and an
  IN lookup over them, as migration 0005 kept the index;
- datasketch on the first `--datasketch-sample` documents of the same texts:
  `MinHash.update_batch` over the same 5-grams (its documented use), and
  `MinHashLSH` insert + query of those signatures in memory, with the ratio
  of rensa's fingerprint rate to datasketch's.

1,000,000 documents: ``--sizes 1000000 --forms`` (run it alone, so its peak
memory is its own): ``--forms`` makes the comparison forms directly
(`synthetic_forms`), since making and normalising a million notices costs
about 15 minutes of CPU that the target leaves out; the SQLite file grows by
about 800 bytes a document.
Writes bench/results/family_bench.json (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil
from sqlalchemy import create_engine, text

from pipeline.near_duplicates import PERMUTATIONS, SHINGLE_SIZE, comparison_form, form_signature, form_signatures
from storage.band_index import BandIndex
from storage.families import FAMILY_SIMILARITY, band_keys, copies_in_batch, signature_agreement
from storage.models import FamilySignature

RESULTS = Path(__file__).parent / "results" / "family_bench.json"
_COMMIT_EVERY = 1000
_TEXT_CHARS = 1500
_REPOST_SHARE = 0.1
_STEPS = ("shingles", "minhash", "to_array", "band_keys", "index", "verify", "insert", "commit")


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


def synthetic_forms(count: int, seed: int = 7):
    """`count` comparison forms made directly, for sizes where making and normalising notices would take hours.

    The same vocabulary and repost share as `synthetic_notices`, in numpy:
    about 1,500 characters of words with no punctuation (what
    `comparison_form` leaves of a notice), one in ten a repost of an earlier
    form with a dateline before it and its end trimmed.
    """
    rng = random.Random(seed)
    common = [chr(code) for code in range(0x4E00, 0x4E00 + 3500)]
    vocabulary = ["".join(rng.choices(common, k=rng.choice((2, 2, 2, 3, 4)))) for _ in range(8000)]
    draw = np.random.default_rng(seed)
    kept: list[str] = []
    for number in range(count):
        if kept and draw.random() < _REPOST_SHARE:
            original = kept[int(draw.integers(len(kept)))]
            yield f"新华社临江{number % 12 + 1}月{number % 28 + 1}日电" + original[: -int(draw.integers(20, 120))]
            continue
        form = "".join([vocabulary[index] for index in draw.integers(0, len(vocabulary), 700).tolist()])[:_TEXT_CHARS]
        if len(kept) < 5000:
            kept.append(form)
        yield form


def _rss_mib() -> float:
    return psutil.Process().memory_info().rss / 2**20


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10  # KiB on Linux


def _batches(count: int, size: int, timings: dict[str, float], forms: bool = False):
    """The notices' comparison forms, `size` at a time, timing their normalisation (`forms`: made directly)."""
    batch: list[str] = []
    for notice in synthetic_forms(count) if forms else synthetic_notices(count):
        started = time.process_time()
        batch.append(notice if forms else comparison_form(notice))
        timings["normalise"] += time.process_time() - started
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_size(count: int, db_url: str | None, workdir: Path, batch_size: int, forms: bool = False) -> dict:
    url = db_url or f"sqlite:///{workdir / f'index-{count}.db'}"
    engine = create_engine(url)
    FamilySignature.__table__.create(engine, checkfirst=True)
    index = BandIndex()
    timings = {"normalise": 0.0} | {step: 0.0 for step in _STEPS}
    found = 0
    sampled_peak = _rss_mib()
    connection = engine.connect()
    transaction = connection.begin()
    next_id = 1
    for batch in _batches(count, batch_size, timings, forms):
        matrix, signed = form_signatures(batch, timings)
        ids = np.arange(next_id, next_id + len(batch), dtype=np.int64)[signed]
        next_id += len(batch)
        found += sum(1 for copy in copies_in_batch(connection, index, ids, matrix[signed], timings) if copy)
        if next_id // _COMMIT_EVERY != (next_id - len(batch)) // _COMMIT_EVERY:
            started = time.process_time()
            transaction.commit()
            transaction = connection.begin()
            timings["commit"] += time.process_time() - started
            sampled_peak = max(sampled_peak, _rss_mib())
    transaction.commit()
    connection.close()
    engine.dispose()
    sampled_peak = max(sampled_peak, _rss_mib())
    size = (workdir / f"index-{count}.db").stat().st_size if db_url is None else None
    fingerprint = timings["shingles"] + timings["minhash"] + timings["to_array"]
    indexing = sum(timings[step] for step in _STEPS[3:])
    return {
        "documents": count, "batch": batch_size,
        "forms_made_directly": forms,
        "normalise_docs_per_second": count / timings["normalise"] if not forms else None,
        "fingerprint_docs_per_second": count / fingerprint,
        "index_docs_per_second": count / indexing,
        "fingerprint_and_index_docs_per_second": count / (fingerprint + indexing),
        "microseconds_per_document": {step: timings[step] / count * 1e6 for step in ("normalise", *_STEPS)},
        "reposts_found": found, "reposts_made_about": round(count * _REPOST_SHARE),
        "peak_rss_mib_sampled": sampled_peak, "peak_rss_mib_process": _peak_rss_mib(),
        "index_arrays_mib": index.nbytes / 2**20, "index_entries": len(index), "store_bytes": size,
    }


def run_first_design(count: int, workdir: Path) -> dict:
    """Migration 0005's index on the same texts: 32 rows per document in an indexed table, an IN lookup each."""
    engine = create_engine(f"sqlite:///{workdir / 'first-design.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE family_signatures (version_id INTEGER PRIMARY KEY, signature BLOB NOT NULL)")
        connection.exec_driver_sql("CREATE TABLE family_bands (band_key BIGINT NOT NULL, version_id INTEGER NOT NULL, "
                                   "PRIMARY KEY (band_key, version_id)) WITHOUT ROWID")
    lookup = ("SELECT version_id, signature FROM family_signatures WHERE version_id IN "
              f"(SELECT version_id FROM family_bands WHERE band_key IN ({', '.join(['?'] * 32)}))")
    timings = {"normalise": 0.0, "fingerprint": 0.0, "index": 0.0}
    found = 0
    with engine.connect() as connection:
        transaction = connection.begin()
        version_id = 0
        for forms in _batches(count, _COMMIT_EVERY, timings):
            for form in forms:
                version_id += 1
                started = time.process_time()
                signature = form_signature(form)
                fingerprinted = time.process_time()
                keys = band_keys(signature)
                similar = [other for other, other_signature in connection.exec_driver_sql(lookup, tuple(keys))
                           if signature_agreement(other_signature, signature) >= FAMILY_SIMILARITY]
                found += bool(similar)
                connection.exec_driver_sql("INSERT INTO family_signatures VALUES (?, ?)", (version_id, signature))
                connection.exec_driver_sql("INSERT INTO family_bands VALUES (?, ?)", [(key, version_id) for key in keys])
                timings["fingerprint"] += fingerprinted - started
                timings["index"] += time.process_time() - fingerprinted
            started = time.process_time()
            transaction.commit()
            transaction = connection.begin()
            timings["index"] += time.process_time() - started
        transaction.commit()
    engine.dispose()
    return {
        "documents": count, "reposts_found": found,
        "fingerprint_one_at_a_time_docs_per_second": count / timings["fingerprint"],
        "index_docs_per_second": count / timings["index"],
        "fingerprint_and_index_docs_per_second": count / (timings["fingerprint"] + timings["index"]),
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
    parser.add_argument("--batch", type=int, default=256, help="documents fingerprinted and indexed at once")
    parser.add_argument("--datasketch-sample", type=int, default=2000)
    parser.add_argument("--first-design", type=int, default=10_000,
                        help="documents for migration 0005's band table, for comparison (0: skip)")
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database for the index (default: a SQLite file)")
    parser.add_argument("--forms", action="store_true",
                        help="make comparison forms directly (synthetic_forms): no normalisation, for 1,000,000")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    comparison_form("預熱")  # OpenCC's table is built once per process; keep it out of the clock
    results: dict = {"sizes": [], "load_average_at_start": psutil.getloadavg()}
    # CPU times are inflated when other processes share the cores (their cache use,
    # hyper-threads): the load average says how busy the machine was.
    print("load average at start (1, 5, 15 min): " + ", ".join(f"{load:.1f}" for load in results["load_average_at_start"]),
          flush=True)
    baseline = run_datasketch(args.datasketch_sample)
    results["datasketch"] = baseline
    print(f"{baseline['documents']} notices, fingerprint: rensa {baseline['rensa_fingerprint_docs_per_second']:,.0f} docs/s, "
          f"datasketch {baseline['datasketch_fingerprint_docs_per_second']:,.0f} docs/s: "
          f"rensa {baseline['fingerprint_ratio_rensa_to_datasketch']:.1f}x; datasketch MinHashLSH in memory "
          f"{baseline['datasketch_lsh_in_memory_docs_per_second']:,.0f} docs/s (insert + query), with its "
          f"fingerprint {baseline['datasketch_fingerprint_and_lsh_docs_per_second']:,.0f} docs/s", flush=True)
    with tempfile.TemporaryDirectory(prefix="dangan-family-bench-") as tmp:
        first = None
        if args.first_design:
            first = results["first_design"] = run_first_design(args.first_design, Path(tmp))
            print(f"{first['documents']:>9,} notices, first design (0005's band table): fingerprint + index "
                  f"{first['fingerprint_and_index_docs_per_second']:,.0f}/s, index alone "
                  f"{first['index_docs_per_second']:,.0f}/s; reposts found {first['reposts_found']:,}", flush=True)
        for count in args.sizes:
            wall = time.perf_counter()
            row = run_size(count, args.db, Path(tmp), args.batch, args.forms)
            row["wall_seconds"] = time.perf_counter() - wall
            results["sizes"].append(row)
            ratio = row["fingerprint_and_index_docs_per_second"] / baseline["datasketch_fingerprint_and_lsh_docs_per_second"]
            row["ratio_to_datasketch_fingerprint_and_lsh"] = ratio
            against_first = ""
            if first:
                row["ratio_to_first_design"] = (row["fingerprint_and_index_docs_per_second"]
                                                / first["fingerprint_and_index_docs_per_second"])
                against_first = f", {row['ratio_to_first_design']:.1f}x the first design"
            store = f", store {row['store_bytes'] / 2**20:,.0f} MiB" if row["store_bytes"] else ""
            normalise = (f"normalise {row['normalise_docs_per_second']:,.0f}/s" if row["normalise_docs_per_second"]
                         else "forms made directly")
            print(f"{count:>9,} notices: {normalise}, fingerprint "
                  f"{row['fingerprint_docs_per_second']:,.0f}/s, index (query + insert) {row['index_docs_per_second']:,.0f}/s; "
                  f"fingerprint + index {row['fingerprint_and_index_docs_per_second']:,.0f}/s "
                  f"({ratio:.1f}x datasketch's fingerprint + in-memory LSH{against_first}); peak memory "
                  f"{row['peak_rss_mib_process']:,.0f} MiB (index arrays {row['index_arrays_mib']:,.0f} MiB){store}; "
                  f"reposts found {row['reposts_found']:,} of about {row['reposts_made_about']:,}; "
                  f"{row['wall_seconds']:,.0f} s of wall time", flush=True)
            split = ", ".join(f"{step} {us:.1f}" for step, us in row["microseconds_per_document"].items())
            print(f"{'':>9}  µs per document: {split}", flush=True)
    results["load_average_at_end"] = psutil.getloadavg()
    print("load average at end (1, 5, 15 min): " + ", ".join(f"{load:.1f}" for load in results["load_average_at_end"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
