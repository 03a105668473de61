"""Benchmark: the diff model (`core.text_diff.diff_texts`) against a plain line diff, on the same texts.

Run:  .venv/bin/python -m bench.diff_bench [--repeat 20]

Synthetic Chinese articles (characters drawn from the 500 commonest, fixed
seed) in the shapes an archive meets: a short edit in a long article, an
insertion in one very long single-line paragraph, every paragraph rewritten,
one long line rewritten. For each, the median time of `diff_texts` and of
``difflib.unified_diff`` over the lines (what ``dangan diff`` printed before:
no marks inside lines) in the same run, and their ratio. Writes
bench/results/diff.json.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import statistics
import time
from pathlib import Path

from core.text_diff import diff_texts

RESULTS = Path(__file__).parent / "results" / "diff.json"
_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    "十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全"
    "表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象"
)


def _article(rng: random.Random, paragraphs: int, length: int) -> str:
    return "\n".join("".join(rng.choice(_CHARS) for _ in range(length)) + "。" for _ in range(paragraphs))


def cases() -> dict[str, tuple[str, str]]:
    rng = random.Random(9)
    long_article = _article(rng, 20, 250)
    one_line = _article(rng, 1, 20_000)
    return {
        "5k chars, 10-char insertion": (long_article, long_article[:3000] + "经市政府常务会议研究" + long_article[3000:]),
        "5k chars, 3 figures changed": (long_article, long_article.replace(long_article[100], "甲", 3)),
        "20k-char single line, insertion": (one_line, one_line[:10_000] + "新增内容" + one_line[10_000:]),
        "10k chars, every paragraph rewritten": (_article(rng, 40, 250), _article(rng, 40, 250)),
        "10k-char single line rewritten": (_article(rng, 1, 10_000), _article(rng, 1, 10_000)),
    }


def _median_ms(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    figures = []
    for name, (old, new) in cases().items():
        repeat = args.repeat if len(old) < 9000 or "insertion" in name else max(3, args.repeat // 5)
        ours = _median_ms(lambda: diff_texts(old, new), repeat)
        plain = _median_ms(lambda: list(difflib.unified_diff(old.split("\n"), new.split("\n"), lineterm="")), repeat)
        figures.append({"case": name, "diff_texts_ms": round(ours, 2), "line_diff_ms": round(plain, 2),
                        "ratio": round(ours / plain, 1) if plain else None})
        print(f"{name:<40} diff_texts {ours:9.2f} ms   line diff {plain:8.2f} ms   ratio {ours / plain:7.1f}x")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
