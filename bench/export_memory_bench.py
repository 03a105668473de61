"""Peak memory of `dangan export` at 10,000 and 100,000 versions: it must stay flat as the store grows.

For each size a SQLite store is built (half as many documents as versions,
two versions each, every version with its capture row, texts of about 1,000
characters made from the synthetic site's sentences), then each export runs
as ``dangan export … -o FILE`` in a fresh Python process that reports its own
peak resident memory (``VmHWM``):

- ``nothing``: the same command with a window that matches no row: the cost
  of Python, the libraries and opening the store (the baseline);
- ``jsonl latest``, ``jsonl all``, ``csv all``, ``parquet all``: the exports;
- ``feed from 0``: ``--after 0``, the whole change feed;
- ``all in a list``: every row read into a list before writing, as an export
  that does not stream would, for comparison.

The figure that matters is each export's peak at 100k against its peak at
10k, measured in the same run: 1.0 is flat. Prints a table and writes
bench/results/export_memory.json.

    .venv/bin/python -m bench.export_memory_bench                 # 10k and 100k
    .venv/bin/python -m bench.export_memory_bench --sizes 2000 20000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.synthetic_site import SENTENCES

RESULTS = Path(__file__).parent / "results" / "export_memory.json"
SIZES = (10_000, 100_000)
VERSIONS_PER_DOCUMENT = 2
TEXT_CHARS = 1_000
_CHUNK = 5_000
_NOTHING = ["--since", "2100-01-01"]
CASES: dict[str, list[str]] = {
    "nothing": ["--all-versions", *_NOTHING],
    "jsonl latest": [],
    "jsonl all": ["--all-versions"],
    "csv all": ["--all-versions", "--format", "csv"],
    "parquet all": ["--all-versions", "--format", "parquet"],
    "feed from 0": ["--after", "0"],
    "all in a list": [],
}
log = logging.getLogger("bench.export_memory")


def build_store(data_dir: Path, versions: int) -> str:
    """A store of `versions` versions in `data_dir`; returns its URL."""
    from sqlalchemy import insert

    from core.settings import database_url
    from storage.database import open_database
    from storage.models import Capture, Document, Version

    url = database_url(None, data_dir)
    db = open_database(url)
    pick = random.Random(7)
    start = datetime(2026, 1, 1)
    documents = versions // VERSIONS_PER_DOCUMENT
    with db.engine.begin() as connection:
        for first in range(1, documents + 1, _CHUNK):
            ids = range(first, min(first + _CHUNK, documents + 1))
            connection.execute(insert(Document), [{
                "id": n, "url": f"http://www.example.gov.cn/art/2026/{n}.html", "source": f"gov-{n % 5}",
                "status": "gone" if n % 50 == 0 else "live", "first_seen": start + timedelta(minutes=n),
                "last_seen": start + timedelta(days=30, minutes=n),
                "gone_at": start + timedelta(days=31) if n % 50 == 0 else None,
            } for n in ids])
            captures, rows = [], []
            for n in ids:
                for number in range(1, VERSIONS_PER_DOCUMENT + 1):
                    version_id = (n - 1) * VERSIONS_PER_DOCUMENT + number
                    seen = start + timedelta(days=10 * (number - 1), minutes=n)
                    text = _text(pick)
                    captures.append({
                        "id": version_id, "source": f"gov-{n % 5}", "url": f"http://www.example.gov.cn/art/2026/{n}.html",
                        "status_code": 200, "content_type": "text/html", "fetched_at": seen,
                        "warc_file": "warc/bench.warc.gz", "warc_offset": version_id * 1000, "warc_length": 1000,
                        "warc_record_id": f"<urn:uuid:bench-{version_id}>", "payload_sha256": "0" * 64,
                        "processed_at": seen, "document_id": n,
                    })
                    rows.append({
                        "id": version_id, "document_id": n, "number": number, "capture_id": version_id,
                        "title": f"关于第{n}号工作的通知", "published": "2026-01-01", "origin": "市人民政府办公室",
                        "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                        "encoding": "gb18030", "encoding_reason": "meta charset", "extractor_version": "bench",
                        "reason": "new" if number == 1 else "changed", "first_seen": seen,
                        "last_seen": seen + timedelta(days=9),
                    })
            connection.execute(insert(Capture), captures)
            connection.execute(insert(Version), rows)
    db.dispose()
    return url


def _text(pick: random.Random) -> str:
    paragraphs, length = [], 0
    while length < TEXT_CHARS:
        paragraph = "".join(pick.choice(SENTENCES) for _ in range(4))
        paragraphs.append(paragraph)
        length += len(paragraph)
    return "\n".join(paragraphs)


def measure(case: str, url: str, out: Path) -> dict:
    """Run one export in a fresh process; its peak memory (MiB), seconds and output size."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.export_memory_bench", "--child", case, url, str(out)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(case: str, url: str, out: str) -> None:
    """In the measured process: run the export, print peak memory and time as JSON."""
    started = time.perf_counter()
    if case == "all in a list":
        from storage.database import open_database
        from storage.export_rows import export_rows

        db = open_database(url)
        rows = list(export_rows(db, all_versions=True))
        with open(out, "w", encoding="utf-8") as stream:
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    else:
        from dangan.cli import app

        try:
            app(["export", "--db", url, *CASES[case], "-o", out], standalone_mode=False)
        except SystemExit as stop:
            if stop.code:
                raise
    seconds = time.perf_counter() - started
    peak_mib = _peak_resident_kib() / 1024
    size = Path(out).stat().st_size if Path(out).exists() else 0
    print(json.dumps({"peak_mib": round(peak_mib, 1), "seconds": round(seconds, 2), "bytes": size}))


def _peak_resident_kib() -> int:
    """This process's own peak resident memory (VmHWM).

    Not ``ru_maxrss``: Linux carries that across fork and exec, so a child
    would report the benchmark's own peak (it just built a store) as its own.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status: this benchmark reads Linux's figures")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=SIZES, metavar=("SMALL", "LARGE"))
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    figures: dict[str, dict[int, dict]] = {case: {} for case in CASES}
    with tempfile.TemporaryDirectory(prefix="dangan-export-bench-") as folder:
        for size in args.sizes:
            started = time.perf_counter()
            url = build_store(Path(folder) / f"store-{size}", size)
            log.info("built a store of %d versions in %.0f s", size, time.perf_counter() - started)
            for case in CASES:
                figures[case][size] = measure(case, url, Path(folder) / f"out-{size}")
                log.info("%6d %-14s %s", size, case, figures[case][size])
    small, large = args.sizes
    lines = [f"{'export':<16}{f'peak at {small:,}':>16}{f'peak at {large:,}':>17}{'ratio':>8}{f'rows/s at {large:,}':>20}"]
    for case, by_size in figures.items():
        ratio = by_size[large]["peak_mib"] / by_size[small]["peak_mib"]
        rows = large if "all" in case or "feed" in case else large // VERSIONS_PER_DOCUMENT
        rate = "" if case == "nothing" else f"{rows / by_size[large]['seconds']:,.0f}"
        lines.append(
            f"{case:<16}{by_size[small]['peak_mib']:>12.1f} MiB{by_size[large]['peak_mib']:>13.1f} MiB"
            f"{ratio:>8.2f}{rate:>20}"
        )
    report = "\n".join(lines)
    sys.stdout.write(report + "\n")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "sizes": [small, large], "text_chars": TEXT_CHARS, "figures": figures, "table": lines,
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(f"written to {RESULTS}\n")


if __name__ == "__main__":
    main()
